import type { Session } from "../session/session.ts";
import { formatNano, formatSeconds, type Instant } from "../timefilter/instant.ts";

/** The listing's fields, in the order every format uses (SPEC §5). */
export const LIST_FIELDS = [
  "id",
  "user",
  "profile",
  "status",
  "started_at",
  "last_access_at",
  "expires_at",
  "request_count",
  "server_instance_id",
  "source_identity",
] as const;

/** Output formats of `server-sessions`. */
export const OUTPUT_FORMATS = ["human", "json", "ndjson", "csv"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

// JSON.rawJSON (built into Bun) writes the digits as they are: a JS number
// would round a count past 2^53 (12345678901234567890 → 12345678901234567000).
const rawJson = (JSON as unknown as { rawJSON(text: string): object }).rawJSON;

/**
 * A whole number for JSON.stringify that is written exactly, as a JSON number.
 * @example JSON.stringify({ n: exactJsonNumber(12345678901234567890n) }) // '{"n":12345678901234567890}'
 */
export function exactJsonNumber(n: bigint): object {
  return rawJson(n.toString());
}

/** A value of a json/ndjson listing object: text, or an exact number. */
export type JsonValue = string | object;

/** RFC3339Nano in UTC, or "" for a missing timestamp. */
export function nano(t: Instant | undefined): string {
  return t === undefined ? "" : formatNano(t);
}

function seconds(t: Instant | undefined): string {
  return t === undefined ? "" : formatSeconds(t);
}

/** A session as the json/ndjson listing object; a missing timestamp is "". */
export function listObject(s: Session): Record<(typeof LIST_FIELDS)[number], JsonValue> {
  return {
    id: s.id,
    user: s.user,
    profile: s.profile,
    status: s.status,
    started_at: nano(s.startedAt),
    last_access_at: nano(s.lastAccessAt),
    expires_at: nano(s.expiresAt),
    request_count: exactJsonNumber(s.requestCount),
    server_instance_id: s.serverInstanceId,
    source_identity: s.sourceIdentity,
  };
}

/** A session as CSV cells, timestamps at second precision, counts as plain digits; a missing timestamp is "". */
export function listCells(s: Session): string[] {
  return [
    s.id,
    s.user,
    s.profile,
    s.status,
    seconds(s.startedAt),
    seconds(s.lastAccessAt),
    seconds(s.expiresAt),
    String(s.requestCount),
    s.serverInstanceId,
    s.sourceIdentity,
  ];
}
