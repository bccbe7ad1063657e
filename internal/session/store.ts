import type { Instant } from "../timefilter/instant.ts";
import type { Session, SessionFilter } from "./session.ts";

/** Where a listing puts the matching sessions; it decides what to keep (see NewestFirst). */
export interface SessionCollector {
  offer(session: Session): void;
  /** 0 = keep all. */
  readonly limit: number;
  /** How many sessions were offered. */
  readonly offered: number;
  /** The `created_at` of the last session kept, once the limit is reached. */
  readonly lastKeptAt: Instant | undefined;
}

/** Counters reported while a listing reads; `total`, when known, is about how many items the read meets in all. */
export type FindProgress = { itemsRead: number; matched: number; pages: number; total?: number };

/** Optional observers of a listing. */
export type FindEvents = {
  /** After every page. */
  onProgress?: (progress: FindProgress) => void;
  /** Give progress a `total` where one can be had: a Scan's is the table's approximate item count (DescribeTable). */
  countTotal?: boolean;
  /** Awaited after every page's rows were offered, before that read goes on (output back-pressure). */
  afterPage?: () => Promise<void>;
  /**
   * At most this many items a page (DynamoDB's Limit) instead of 1 MB pages:
   * for a listing that holds every segment's page in flight at once.
   */
  pageItems?: number;
  /** A one-line note for stderr, e.g. an index fallback. */
  onNote?: (line: string) => void;
  /** A --debug line: query plan, request ids, timings. Never credentials. */
  onDebug?: (line: string) => void;
  signal?: AbortSignal;
};

export type FindResult = {
  /** Matching sessions seen (all offered to the collector); all that exist when `complete`. */
  matched: number;
  /** False when reading stopped early because no older page could rank in the limit. */
  complete: boolean;
  /**
   * One label per item that failed validation and could be in the result,
   * sorted by id: the id (or a stand-in) and the first problem, e.g.
   * `aaaaaaaaaaaaaaa3 (created_at "2026-02-30T00:00:00Z": no such date)`.
   * Stored text is raw here; it is made printable where it is shown.
   */
  malformed: string[];
  /** Items the database read (the sum of ScannedCount). */
  itemsRead: number;
};

export type GetResult =
  | { kind: "found"; session: Session }
  | { kind: "missing" }
  /** `label` as in FindResult.malformed. */
  | { kind: "malformed"; label: string };

/** Where sessions come from; the commands see only this. */
export interface SessionStore {
  /** Offers every matching session to `keep`; reports counts and items that failed validation. */
  find(filter: SessionFilter, keep: SessionCollector, events?: FindEvents): Promise<FindResult>;
  /** One session by id. */
  get(id: string, events?: FindEvents): Promise<GetResult>;
}
