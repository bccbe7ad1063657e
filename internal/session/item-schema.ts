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
  const text: Record<string, string> = {};
  const times: Record<string, Instant | undefined> = {};
  const counts: Record<string, bigint | undefined> = {};
  for (const [name, kind, required] of ATTRIBUTES) {
    const attribute = item[name];
    if (isAbsent(attribute)) {
      if (required) return { problem: `${name}: missing` };
      continue;
    }
    if (kind === "count") {
      const n = (attribute as { N?: unknown }).N;
      if (typeof n !== "string") return { problem: `${name}: not a number (${typeName(attribute)})` };
      const reading = readWholeNumber(n);
      if ("problem" in reading) return { problem: `${name} ${quoted(n)}: ${reading.problem}` };
      counts[name] = reading.value;
      continue;
    }
    const s = (attribute as { S?: unknown }).S;
    if (typeof s !== "string") return { problem: `${name}: not a string (${typeName(attribute)})` };
    if (kind === "timestamp") {
      const reading = readTimestamp(s);
      if ("problem" in reading) return { problem: `${name} ${quoted(s)}: ${reading.problem}` };
      times[name] = reading.at;
    } else {
      if (kind === "id" && s === "") return { problem: `${name}: empty` };
      text[name] = s;
    }
  }
  return {
    session: {
      id: text.id as string,
      user: text.user ?? "",
      profile: text.profile ?? "",
      status: text.status ?? "",
      serverInstanceId: text.server_instance_id ?? "",
      startedAt: times.started_at,
      lastAccessAt: times.last_access_at,
      expiresAt: times.expires_at,
      createdAt: times.created_at as Instant,
      updatedAt: times.updated_at,
      requestCount: counts.request_count ?? 0n,
      sourceIdentity: text.source_identity ?? "",
      deviceId: text.device_id ?? "",
      revokedBy: text.revoked_by ?? "",
      revokedReason: text.revoked_reason ?? "",
      ttl: counts.ttl,
    },
  };
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
