import type { Instant } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";

/** One Sentinel server session as read from the table; missing optional text is "". */
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
  requestCount: number;
  sourceIdentity: string;
  deviceId: string;
  revokedBy: string;
  revokedReason: string;
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
