import type { Session, SessionFilter } from "./session.ts";

/** Counters reported while a listing reads. */
export type FindProgress = { itemsRead: number; matched: number; pages: number };

/** Optional observers of a listing. */
export type FindEvents = {
  /** After every page. */
  onProgress?: (progress: FindProgress) => void;
  /** A one-line note for stderr, e.g. an index fallback. */
  onNote?: (line: string) => void;
  /** A --debug line: query plan, request ids, timings. Never credentials. */
  onDebug?: (line: string) => void;
  signal?: AbortSignal;
};

export type FindResult = {
  /** The matching sessions newest first, cut to the limit. */
  sessions: Session[];
  /** Matching sessions seen; all of them when `complete`. */
  matched: number;
  /** False when reading stopped early because no older page could rank in the limit. */
  complete: boolean;
  /** Ids (or stand-ins) of items that failed validation, sorted. */
  malformed: string[];
  /** Items the database read (the sum of ScannedCount). */
  itemsRead: number;
};

export type GetResult =
  | { kind: "found"; session: Session }
  | { kind: "missing" }
  | { kind: "malformed"; label: string };

/** Where sessions come from; the commands see only this. */
export interface SessionStore {
  /** Matching sessions newest first (at most `limit`, 0 = all), plus items that failed validation. */
  find(filter: SessionFilter, limit: number, events?: FindEvents): Promise<FindResult>;
  /** One session by id. */
  get(id: string, events?: FindEvents): Promise<GetResult>;
}
