import type { Instant } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";

/**
 * One Sentinel server session as read from the table, every attribute of
 * SPEC §1; missing optional text is "", a missing timestamp or `ttl` undefined.
 */
export type Session = {
  id: string;
  user: string;
  profile: string;
  status: string;
  serverInstanceId: string;
  startedAt?: Instant;
  lastAccessAt?: Instant;
  expiresAt?: Instant;
  createdAt: Instant;
  updatedAt?: Instant;
  /** Exact: DynamoDB numbers have up to 38 digits. A missing count is 0. */
  requestCount: bigint;
  sourceIdentity: string;
  deviceId: string;
  revokedBy: string;
  revokedReason: string;
  /** When DynamoDB may delete the item, in Unix seconds (exact, like requestCount). */
  ttl?: bigint;
};

/** The statuses Sentinel writes; items may carry others, which are passed through. */
export const SESSION_STATUSES = ["active", "revoked", "expired"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** What a listing asks for: every present field must match (AND). */
export type SessionFilter = {
  status?: SessionStatus;
  user?: string;
  profile?: string;
  window: TimeWindow;
};
