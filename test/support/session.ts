import type { Session } from "../../internal/session/session.ts";

/** A session with only an id and a `created_at` instant set, for ordering tests. */
export function sessionAt(id: string, sec: number, nanos = 0): Session {
  return {
    id,
    user: "",
    profile: "",
    status: "",
    serverInstanceId: "",
    createdAt: { sec, nanos },
    requestCount: 0n,
    sourceIdentity: "",
    deviceId: "",
    revokedBy: "",
    revokedReason: "",
  };
}
