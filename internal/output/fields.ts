import { formatNano, type Instant } from "../timefilter/instant.ts";

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
