/** What one revocation attempt came to (SPEC §10). */
export const REVOKE_RESULTS = ["revoked", "already_revoked", "not_active", "not_found", "failed"] as const;
export type RevokeResult = (typeof REVOKE_RESULTS)[number];

/** One row of `server-revoke` output; timestamps are stored text (RFC 3339), "" when absent. */
export type Revocation = {
  id: string;
  user: string;
  profile: string;
  /** The stored status before this run: `active` for a revoked session. */
  previousStatus: string;
  /** `would_revoke` only in a dry run, which changes nothing. */
  result: RevokeResult | "would_revoke";
  revokedBy: string;
  revokedReason: string;
  updatedAt: string;
  /** Why it failed, for the stderr line; "" unless `failed`. */
  failure: string;
};

/** An active session chosen for revocation, as the index read it. */
export type RevokeCandidate = { id: string; user: string; profile: string; status: string };

/** A session's revocation attributes as stored ("" when absent). */
export type StoredSession = RevokeCandidate & { revokedBy: string; revokedReason: string; updatedAt: string };

/** Which active sessions a bulk revocation takes: one equality on an indexed attribute. */
export type RevokeSelector =
  | { by: "user"; value: string }
  | { by: "profile"; value: string }
  | { by: "server-instance"; value: string };

/** How a bulk revocation selects: through the selector's index, or by a Scan of the whole table. */
export type SelectionRead = "index" | "scan";

/** What every revocation of one run writes. */
export type RevokeStamp = {
  revokedBy: string;
  reason: string;
  /** Called for each write: the `updated_at` text (RFC3339Nano, UTC). */
  now(): string;
};

/** Observers of a revocation run. */
export type RevokeEvents = {
  /** A one-line note for stderr, e.g. an index fallback. */
  onNote?: (line: string) => void;
  /** A --debug line: request ids, attempts, timings. */
  onDebug?: (line: string) => void;
  signal?: AbortSignal;
};

/** Reads and revokes sessions; the command sees only this. */
export interface SessionRevoker {
  /**
   * The active sessions of a user, profile or server instance, sorted by id;
   * through the index (warning when the table may hold sessions it cannot show), or by a Scan.
   */
  selectActive(selector: RevokeSelector, events?: RevokeEvents, read?: SelectionRead): Promise<RevokeCandidate[]>;
  /** One session as stored, read consistently; `undefined` when there is none. */
  current(id: string, events?: RevokeEvents): Promise<StoredSession | undefined>;
  /** Revokes one session if it is active; every outcome is a row. `events.signal` does not abort it: an interrupted run awaits it. */
  revoke(candidate: RevokeCandidate, stamp: RevokeStamp, events?: RevokeEvents): Promise<Revocation>;
}
