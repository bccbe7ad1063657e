import type { SessionIdentity } from "../session/dynamo-lookup.ts";
import type { Session } from "../session/session.ts";
import type { SessionCollector, SessionStore } from "../session/store.ts";
import { addNanos } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";
import type { SessionRef } from "./categorize.ts";

/** Where the audit finds sessions: the table, or an earlier export. */
export interface SessionDirectory {
  /** For reasons, e.g. `table "sentinel-sessions"`. */
  readonly where: string;
  byIds(ids: readonly string[]): Promise<Map<string, SessionRef>>;
  bySourceIdentities(values: readonly string[]): Promise<Map<string, SessionRef>>;
  /** Labels of malformed session items met while reading. */
  malformed(): readonly string[];
}

/** Reads sessions by id (DynamoSessionLookup). */
export type IdLookup = {
  byIds(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, SessionIdentity>>;
};

/** A session is created just before the role is assumed; clocks and retries allow some slack. */
const SESSION_WINDOW_SLACK_NANOS = 15 * 60e9;

/** Collects the sessions of a window by source identity. */
class BySourceIdentity implements SessionCollector {
  readonly limit = 0;
  readonly lastKeptAt = undefined;
  offered = 0;
  readonly map = new Map<string, SessionRef>();

  offer(s: Session): void {
    this.offered++;
    if (s.sourceIdentity !== "" && !this.map.has(s.sourceIdentity)) {
      this.map.set(s.sourceIdentity, { id: s.id, user: s.user, sourceIdentity: s.sourceIdentity });
    }
  }
}

/**
 * Sessions from the table, read in proportion to the events: by id with
 * BatchGetItem, and, only when an event names its session by source identity
 * alone, the sessions created in the events' window widened by 15 minutes each side.
 */
export class TableSessionDirectory implements SessionDirectory {
  readonly where: string;
  readonly #lookup: IdLookup;
  readonly #store: SessionStore;
  readonly #window: TimeWindow;
  readonly #signal: AbortSignal | undefined;
  #bySourceIdentity: Promise<BySourceIdentity> | undefined;
  #malformed: string[] = [];

  constructor(table: string, lookup: IdLookup, store: SessionStore, window: TimeWindow, signal?: AbortSignal) {
    this.where = `table ${JSON.stringify(table)}`;
    this.#lookup = lookup;
    this.#store = store;
    this.#window = window;
    this.#signal = signal;
  }

  byIds(ids: readonly string[]): Promise<Map<string, SessionRef>> {
    return ids.length === 0 ? Promise.resolve(new Map()) : this.#lookup.byIds(ids, this.#signal);
  }

  async bySourceIdentities(values: readonly string[]): Promise<Map<string, SessionRef>> {
    const found = new Map<string, SessionRef>();
    if (values.length === 0) return found;
    this.#bySourceIdentity ??= this.#readWindow();
    const all = (await this.#bySourceIdentity).map;
    for (const value of values) {
      const session = all.get(value);
      if (session !== undefined) found.set(value, session);
    }
    return found;
  }

  malformed(): readonly string[] {
    return this.#malformed;
  }

  async #readWindow(): Promise<BySourceIdentity> {
    const keep = new BySourceIdentity();
    const w = this.#window;
    const window: TimeWindow = {
      ...(w.since === undefined ? {} : { since: addNanos(w.since, -SESSION_WINDOW_SLACK_NANOS) }),
      until: addNanos(w.until, SESSION_WINDOW_SLACK_NANOS),
    };
    const result = await this.#store.find({ window }, keep, this.#signal === undefined ? {} : { signal: this.#signal });
    this.#malformed = result.malformed;
    return keep;
  }
}

/** Sessions of an earlier export, all in memory, looked up by id and by source identity. */
export class ExportSessionDirectory implements SessionDirectory {
  readonly where: string;
  readonly #byId = new Map<string, SessionRef>();
  readonly #bySourceIdentity = new Map<string, SessionRef>();

  constructor(file: string, sessions: Iterable<SessionRef>) {
    this.where = `sessions file ${JSON.stringify(file)}`;
    for (const s of sessions) {
      if (!this.#byId.has(s.id)) this.#byId.set(s.id, s);
      if (s.sourceIdentity !== "" && !this.#bySourceIdentity.has(s.sourceIdentity)) {
        this.#bySourceIdentity.set(s.sourceIdentity, s);
      }
    }
  }

  async byIds(ids: readonly string[]): Promise<Map<string, SessionRef>> {
    return pick(this.#byId, ids);
  }

  async bySourceIdentities(values: readonly string[]): Promise<Map<string, SessionRef>> {
    return pick(this.#bySourceIdentity, values);
  }

  malformed(): readonly string[] {
    return [];
  }
}

function pick(from: Map<string, SessionRef>, keys: readonly string[]): Map<string, SessionRef> {
  const found = new Map<string, SessionRef>();
  for (const key of keys) {
    const s = from.get(key);
    if (s !== undefined) found.set(key, s);
  }
  return found;
}
