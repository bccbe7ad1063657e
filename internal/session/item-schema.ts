import { type Instant, readTimestamp } from "../timefilter/instant.ts";
import type { Session } from "./session.ts";
import { readWholeNumber } from "./whole-number.ts";

/** A DynamoDB item as the low-level API returns it (attribute name → typed value). */
export type RawItem = Record<string, unknown>;

/** An item read: the session, or the first problem found (SPEC §1 attribute order). */
export type ItemReading = { session: Session } | { problem: string };

type Kind = "id" | "text" | "timestamp" | "count";

/**
 * Every attribute of SPEC §1, in its order, with what it must hold. `id` and
 * `created_at` are required; a missing (or NULL) optional string reads as "",
 * a missing timestamp as none, a missing `request_count` as 0, a missing `ttl`
 * as none. Everything present is checked, whichever fields are shown.
 */
const ATTRIBUTES: readonly (readonly [name: string, kind: Kind, required: boolean])[] = [
  ["id", "id", true],
  ["user", "text", false],
  ["profile", "text", false],
  ["server_instance_id", "text", false],
  ["status", "text", false],
  ["started_at", "timestamp", false],
  ["last_access_at", "timestamp", false],
  ["expires_at", "timestamp", false],
  ["created_at", "timestamp", true],
  ["updated_at", "timestamp", false],
  ["request_count", "count", false],
  ["source_identity", "text", false],
  ["device_id", "text", false],
  ["revoked_by", "text", false],
  ["revoked_reason", "text", false],
  ["ttl", "count", false],
];

/** The names of SPEC §1's attributes: what a read must fetch to validate an item. */
export const ITEM_ATTRIBUTES: readonly string[] = ATTRIBUTES.map(([name]) => name);

const QUOTED_MAX = 40;

/** Stored text for a label, cut to about 40 characters (whole code points). */
function quoted(text: string): string {
  const chars = Array.from(text);
  return `"${chars.length > QUOTED_MAX ? `${chars.slice(0, QUOTED_MAX - 1).join("")}…` : text}"`;
}

/** The DynamoDB type letters of an attribute value, e.g. "N", for a message. */
function typeName(value: unknown): string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "not an attribute value";
  const keys = Object.keys(value);
  return keys.length === 1 ? (keys[0] as string) : "not an attribute value";
}

// A NULL attribute reads like a missing one, as Go's unmarshaller treats it.
const isAbsent = (a: unknown) => a === undefined || (a as { NULL?: unknown } | null)?.NULL === true;

/**
 * Validates one item against SPEC §1 and reads it into a Session; otherwise
 * names the first attribute at fault and why, e.g.
 * `created_at "2026-02-30T00:00:00Z": no such date`.
 */
export function readItem(item: RawItem): ItemReading {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return { problem: "not an item" };
  // Values by position in ATTRIBUTES: no per-item records keyed by name.
  const values: (string | Instant | bigint | undefined)[] = new Array(ATTRIBUTES.length);
  for (let i = 0; i < ATTRIBUTES.length; i++) {
    // Indexed, not destructured: array destructuring runs the iterator protocol, per attribute.
    const spec = ATTRIBUTES[i] as (typeof ATTRIBUTES)[number];
    const name = spec[0];
    const kind = spec[1];
    const attribute = item[name];
    if (isAbsent(attribute)) {
      if (spec[2]) return { problem: `${name}: missing` };
      continue;
    }
    if (kind === "count") {
      const n = (attribute as { N?: unknown }).N;
      if (typeof n !== "string") return { problem: `${name}: not a number (${typeName(attribute)})` };
      const canonical = canonicalCount(n);
      if (canonical !== undefined) {
        values[i] = canonical;
        continue;
      }
      const reading = readWholeNumber(n);
      if ("problem" in reading) return { problem: `${name} ${quoted(n)}: ${reading.problem}` };
      values[i] = reading.value;
      continue;
    }
    const s = (attribute as { S?: unknown }).S;
    if (typeof s !== "string") return { problem: `${name}: not a string (${typeName(attribute)})` };
    if (kind === "timestamp") {
      const reading = readTimestamp(s);
      if ("problem" in reading) return { problem: `${name} ${quoted(s)}: ${reading.problem}` };
      values[i] = reading.at;
    } else {
      if (kind === "id" && s === "") return { problem: `${name}: empty` };
      values[i] = s;
    }
  }
  const text = (i: number) => (values[i] as string | undefined) ?? "";
  const time = (i: number) => values[i] as Instant | undefined;
  return {
    session: {
      id: values[ID] as string,
      user: text(USER),
      profile: text(PROFILE),
      status: text(STATUS),
      serverInstanceId: text(SERVER_INSTANCE_ID),
      startedAt: time(STARTED_AT),
      lastAccessAt: time(LAST_ACCESS_AT),
      expiresAt: time(EXPIRES_AT),
      createdAt: values[CREATED_AT] as Instant,
      updatedAt: time(UPDATED_AT),
      requestCount: (values[REQUEST_COUNT] as bigint | undefined) ?? 0n,
      sourceIdentity: text(SOURCE_IDENTITY),
      deviceId: text(DEVICE_ID),
      revokedBy: text(REVOKED_BY),
      revokedReason: text(REVOKED_REASON),
      ttl: values[TTL] as bigint | undefined,
    },
  };
}

const at = (name: string) => ITEM_ATTRIBUTES.indexOf(name);
const [ID, USER, PROFILE, SERVER_INSTANCE_ID, STATUS, STARTED_AT, LAST_ACCESS_AT, EXPIRES_AT, CREATED_AT] = [
  "id",
  "user",
  "profile",
  "server_instance_id",
  "status",
  "started_at",
  "last_access_at",
  "expires_at",
  "created_at",
].map(at) as number[] as [number, number, number, number, number, number, number, number, number];
const [UPDATED_AT, REQUEST_COUNT, SOURCE_IDENTITY, DEVICE_ID, REVOKED_BY, REVOKED_REASON, TTL] = [
  "updated_at",
  "request_count",
  "source_identity",
  "device_id",
  "revoked_by",
  "revoked_reason",
  "ttl",
].map(at) as number[] as [number, number, number, number, number, number, number];

const MAX_CANONICAL_DIGITS = 38;

/**
 * The number DynamoDB's own canonical text names (plain digits, no leading
 * zero, at most 38 of them), which is every count DynamoDB returns; undefined
 * for any other form, which `readWholeNumber` reads or rejects.
 */
function canonicalCount(n: string): bigint | undefined {
  const length = n.length;
  if (length === 0 || length > MAX_CANONICAL_DIGITS || (length > 1 && n.charCodeAt(0) === 0x30)) return undefined;
  for (let i = 0; i < length; i++) {
    const c = n.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return BigInt(n);
}

/** Validates one item; `undefined` when it is malformed (SPEC §1). */
export function readSession(item: RawItem): Session | undefined {
  const reading = readItem(item);
  return "session" in reading ? reading.session : undefined;
}

/** The item's id for a warning, or a stand-in when it has none. */
export function itemLabel(item: RawItem): string {
  const id = (item as { id?: { S?: unknown } } | null)?.id;
  return typeof id?.S === "string" && id.S !== "" ? id.S : "(item without id)";
}

/**
 * The warning label of a malformed item: its id and the problem, with stored
 * text raw (made printable where it is shown, not here).
 * @example malformedLabel({ id: { S: "aaaaaaaaaaaaaaa3" } }, 'created_at "2026-02-30T00:00:00Z": no such date')
 *          // 'aaaaaaaaaaaaaaa3 (created_at "2026-02-30T00:00:00Z": no such date)'
 */
export function malformedLabel(item: RawItem, problem: string): string {
  return `${itemLabel(item)} (${problem})`;
}

/** Text with object keys sorted at every level: equal items give equal text. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(",")}}`;
}

/**
 * What identifies an item when counting: its `id` attribute as stored, or the
 * whole item's canonical text when it has no usable id. Two reads that meet
 * the same item give the same key.
 */
export function itemKey(item: RawItem): string {
  const id = (item as { id?: { S?: unknown } } | null)?.id;
  return typeof id?.S === "string" && id.S !== "" ? `id ${id.S}` : `item ${canonicalJson(item)}`;
}
