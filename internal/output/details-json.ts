import type { Session } from "../session/session.ts";
import { formatNano } from "../timefilter/instant.ts";
import { exactJsonNumber, type JsonValue, nano } from "./fields.ts";
import type { Writer } from "./writer.ts";

/** Every field of one session; device_id, revoked_by, revoked_reason and ttl only when set. */
export function detailsObject(s: Session): Record<string, JsonValue> {
  return {
    id: s.id,
    user: s.user,
    profile: s.profile,
    status: s.status,
    server_instance_id: s.serverInstanceId,
    started_at: nano(s.startedAt),
    last_access_at: nano(s.lastAccessAt),
    expires_at: nano(s.expiresAt),
    request_count: exactJsonNumber(s.requestCount),
    source_identity: s.sourceIdentity,
    ...(s.deviceId === "" ? {} : { device_id: s.deviceId }),
    ...(s.revokedBy === "" ? {} : { revoked_by: s.revokedBy }),
    ...(s.revokedReason === "" ? {} : { revoked_reason: s.revokedReason }),
    created_at: formatNano(s.createdAt),
    updated_at: nano(s.updatedAt),
    ...(s.ttl === undefined ? {} : { ttl: exactJsonNumber(s.ttl) }),
  };
}

/** Writes one session as an indented JSON object. */
export async function writeDetailsJson(out: Writer, s: Session): Promise<void> {
  await out.write(`${JSON.stringify(detailsObject(s), null, 2)}\n`);
}
