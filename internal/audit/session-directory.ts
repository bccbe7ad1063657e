import type { SessionIdentity, TableBytes } from "../session/dynamo-lookup.ts";
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
  /** The table's size; without it, sessions are read by id only. */
  tableBytes?(signal?: AbortSignal): Promise<TableBytes>;
};

/** A session is created just before the role is assumed; clocks and retries allow some slack. */
const SESSION_WINDOW_SLACK_NANOS = 15 * 60e9;
/**
 * DynamoDB charges a read by key for at least 4 KB of item, and a scan for
 * the bytes it reads. Once the keys asked for by id, times this, exceed the
 * table's size, one read of the window's sessions costs less than the keys
 * still to come: from then on ids are looked up there first.
 */
export const BYTES_PER_KEY_READ = 4096;

/** Observers of a table directory's reads. */
export type DirectoryEvents = {
  signal?: AbortSignal;
  /** A --debug line: which way sessions are read. */
  onDebug?: (line: string) => void;
  /** After every page of a window read, e.g. to collect garbage. */
  afterPage?: () => void;
};

/** The sessions created in a window, by id and by source identity. */
class WindowSessions implements SessionCollector {
  readonly limit = 0;
  readonly lastKeptAt = undefined;
  offered = 0;
  readonly byId = new Map<string, SessionRef>();
  readonly bySourceIdentity = new Map<string, SessionRef>();

  offer(s: Session): void {
    this.offered++;
    const ref: SessionRef = { id: s.id, user: s.user, sourceIdentity: s.sourceIdentity };
    if (!this.byId.has(s.id)) this.byId.set(s.id, ref);
    if (s.sourceIdentity !== "" && !this.bySourceIdentity.has(s.sourceIdentity)) {
      this.bySourceIdentity.set(s.sourceIdentity, ref);
    }
  }
}

/**
 * Sessions from the table, read in proportion to the events: by id with
 * BatchGetItem, and the sessions created in the events' window widened by 15
 * minutes each side when an event names its session by source identity alone,
 * or when so many ids were asked for that one read of the window is cheaper
 * (BYTES_PER_KEY_READ). Ids not among the window's sessions (a session that
 * began earlier, an item that failed validation, a name of no session) are
 * still asked for by id, so the answer is the same either way.
 */
export class TableSessionDirectory implements SessionDirectory {
  readonly where: string;
  readonly #lookup: IdLookup;
  readonly #store: SessionStore;
  readonly #window: TimeWindow;
  readonly #events: DirectoryEvents;
  #windowSessions: Promise<WindowSessions> | undefined;
  #keyBudget: Promise<number> | undefined;
  #keysAsked = 0;
  /** The window read started because keys cost more; its failure is not the audit's. */
  #readForBudget: Promise<WindowSessions> | undefined;
  /** Set once that read failed: ids are read by key from then on. */
  #byKeyOnly = false;
  #askedBySourceIdentity = false;
  #malformed: string[] = [];

  constructor(table: string, lookup: IdLookup, store: SessionStore, window: TimeWindow, events: DirectoryEvents = {}) {
    this.where = `table ${JSON.stringify(table)}`;
    this.#lookup = lookup;
    this.#store = store;
    this.#window = window;
    this.#events = events;
  }

  async byIds(ids: readonly string[]): Promise<Map<string, SessionRef>> {
    if (ids.length === 0) return new Map();
    const sessions = await this.#windowForIds(ids.length);
    if (sessions === undefined) return this.#lookup.byIds(ids, this.#events.signal);
    const found = new Map<string, SessionRef>();
    const missing: string[] = [];
    for (const id of ids) {
      const session = sessions.byId.get(id);
      if (session === undefined) missing.push(id);
      else found.set(id, session);
    }
    if (missing.length > 0) {
      for (const [id, session] of await this.#lookup.byIds(missing, this.#events.signal)) found.set(id, session);
    }
    return found;
  }

  /**
   * The window's sessions, when they are read anyway or the keys asked for so
   * far cost more than reading them; undefined when ids are to be read by key.
   */
  async #windowForIds(keys: number): Promise<WindowSessions | undefined> {
    if (this.#windowSessions === undefined) {
      if (this.#byKeyOnly) return undefined;
      this.#keysAsked += keys;
      this.#keyBudget ??= this.#budget();
      const budget = await this.#keyBudget;
      if (this.#windowSessions === undefined) {
        if (this.#keysAsked <= budget || this.#byKeyOnly) return undefined;
        this.#events.onDebug?.(`${this.#keysAsked} keys asked for by id: reading the sessions of the window instead`);
        this.#windowSessions = this.#readWindow();
        this.#readForBudget = this.#windowSessions;
      }
    }
    const read = this.#windowSessions;
    try {
      return await read;
    } catch (error) {
      // Reading the window for ids is only the cheaper way: when it fails (say the
      // caller may not Scan, or throttling outlasts the retries), ids go on by key.
      if (read !== this.#readForBudget || this.#events.signal?.aborted) throw error;
      if (this.#windowSessions === read) {
        this.#windowSessions = undefined;
        this.#byKeyOnly = true;
        this.#events.onDebug?.(`reading the window failed (${(error as Error).message}): ids are read by key`);
      }
      return undefined;
    }
  }

  async bySourceIdentities(values: readonly string[]): Promise<Map<string, SessionRef>> {
    if (values.length === 0) return new Map();
    this.#askedBySourceIdentity = true;
    if (this.#windowSessions === undefined) {
      this.#events.onDebug?.("an event names its session by source identity alone: reading the sessions of the window");
      this.#windowSessions = this.#readWindow();
    }
    return pick((await this.#windowSessions).bySourceIdentity, values);
  }

  /**
   * Items of the window that failed validation, when an event was matched by
   * source identity (such an item could have been its session). Lookups by id
   * ask the table again for what the window read skipped, so they miss nothing.
   */
  malformed(): readonly string[] {
    return this.#askedBySourceIdentity ? this.#malformed : [];
  }

  /** How many keys are worth asking for by id before the window is read instead. */
  async #budget(): Promise<number> {
    const size = (await this.#lookup.tableBytes?.(this.#events.signal)) ?? { unknown: "no table size" };
    if ("unknown" in size) {
      this.#events.onDebug?.(`${size.unknown}: table size unknown, ids are read by key`);
      return Number.POSITIVE_INFINITY;
    }
    const keys = Math.floor(size.bytes / BYTES_PER_KEY_READ);
    this.#events.onDebug?.(`table size ${size.bytes} bytes: ids are read by key up to ${keys} keys`);
    return keys;
  }

  async #readWindow(): Promise<WindowSessions> {
    const keep = new WindowSessions();
    const w = this.#window;
    const window: TimeWindow = {
      ...(w.since === undefined ? {} : { since: addNanos(w.since, -SESSION_WINDOW_SLACK_NANOS) }),
      until: addNanos(w.until, SESSION_WINDOW_SLACK_NANOS),
    };
    const { signal, afterPage } = this.#events;
    const result = await this.#store.find({ window }, keep, {
      ...(signal === undefined ? {} : { signal }),
      ...(afterPage === undefined ? {} : { afterPage: async () => afterPage() }),
    });
    this.#malformed = result.malformed;
    return keep;
  }
}

/** Sessions of an earlier export, all in memory, looked up by id and by source identity. */
export class ExportSessionDirectory implements SessionDirectory {
  readonly where: string;
  readonly #byId = new Map<string, SessionRef>();
  readonly #bySourceIdentity = new Map<string, SessionRef>();
  readonly #malformed: readonly string[];

  /**
   * `where` names the sources for messages, e.g. `sessions file "archive.ndjson"`;
   * `malformed` the labels of the items a DynamoDB export among them could not give as sessions.
   */
  constructor(where: string, sessions: Iterable<SessionRef>, malformed: readonly string[] = []) {
    this.where = where;
    this.#malformed = malformed;
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
    return this.#malformed;
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
