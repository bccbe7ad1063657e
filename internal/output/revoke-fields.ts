import type { Revocation } from "../session/revocation.ts";
import { formatHuman, formatNano, parseTimestamp } from "../timefilter/instant.ts";

/** The fields of a `server-revoke` row, in output order (SPEC §10). */
export const REVOKE_FIELDS = [
  "id",
  "user",
  "profile",
  "previous_status",
  "result",
  "revoked_by",
  "revoked_reason",
  "updated_at",
] as const;

/**
 * A stored timestamp in UTC keeping its fraction (Go's RFC3339Nano); text that
 * does not parse is passed through as stored.
 * @example utcNano("2026-01-20T12:30:00.5+02:00") // "2026-01-20T10:30:00.5Z"
 */
export function utcNano(stored: string): string {
  const at = parseTimestamp(stored);
  return at === undefined ? stored : formatNano(at);
}

/** A stored timestamp as "YYYY-MM-DD HH:MM:SS" UTC for a terminal; unparseable text as stored. */
export function humanTime(stored: string): string {
  const at = parseTimestamp(stored);
  return at === undefined ? stored : formatHuman(at);
}

/** A row as the JSON object of the revoke output. */
export function revocationObject(r: Revocation): Record<(typeof REVOKE_FIELDS)[number], string> {
  return {
    id: r.id,
    user: r.user,
    profile: r.profile,
    previous_status: r.previousStatus,
    result: r.result,
    revoked_by: r.revokedBy,
    revoked_reason: r.revokedReason,
    updated_at: utcNano(r.updatedAt),
  };
}
