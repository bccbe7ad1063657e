import * as v from "valibot";
import { type Instant, parseTimestamp } from "../timefilter/instant.ts";
import type { Session } from "./session.ts";

/** A DynamoDB item as the low-level API returns it (attribute name → typed value). */
export type RawItem = Record<string, unknown>;

type Attribute = { S?: unknown; N?: unknown; NULL?: unknown };

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

// Each check is one cheap call per attribute: this runs for every item read.
const isString = (a: unknown): a is { S: string } => typeof (a as Attribute)?.S === "string";
// A NULL attribute reads like a missing one, as Go's unmarshaller treats it.
const isNull = (a: unknown): a is { NULL: true } => (a as Attribute)?.NULL === true;
const isNumber = (a: unknown): a is { N: string } => {
  const n = (a as Attribute)?.N;
  return typeof n === "string" && NUMBER_TEXT.test(n);
};

const requiredString = v.custom<{ S: string }>(isString, "not a string attribute");
const optionalString = v.optional(
  v.custom<{ S: string } | { NULL: true }>((a) => isString(a) || isNull(a), "not a string attribute"),
);
const optionalNumber = v.optional(
  v.custom<{ N: string } | { NULL: true }>((a) => isNumber(a) || isNull(a), "not a number attribute"),
);

const text = (a: { S: string } | { NULL: true } | undefined) => (a !== undefined && "S" in a ? a.S : "");

/**
 * SPEC §1 as a schema over the raw item: `id` and `created_at` are required
 * strings, every present field has its type, and every present timestamp
 * parses (impossible calendar values included). Its output is the Session.
 */
export const sessionItemSchema = v.pipe(
  v.object({
    id: requiredString,
    created_at: requiredString,
    user: optionalString,
    profile: optionalString,
    status: optionalString,
    server_instance_id: optionalString,
    started_at: optionalString,
    last_access_at: optionalString,
    expires_at: optionalString,
    updated_at: optionalString,
    request_count: optionalNumber,
    source_identity: optionalString,
    device_id: optionalString,
    revoked_by: optionalString,
    revoked_reason: optionalString,
  }),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const item = dataset.value;
    let bad = item.id.S === "";
    // Parse each timestamp once; any present one that does not parse makes the item malformed.
    const at = (a: { S: string } | { NULL: true } | undefined): Instant | undefined => {
      if (a === undefined || !("S" in a)) return undefined;
      const parsed = parseTimestamp(a.S);
      if (parsed === undefined) bad = true;
      return parsed;
    };
    const createdAt = parseTimestamp(item.created_at.S);
    const session: Omit<Session, "createdAt"> = {
      id: item.id.S,
      user: text(item.user),
      profile: text(item.profile),
      status: text(item.status),
      serverInstanceId: text(item.server_instance_id),
      startedAt: at(item.started_at),
      lastAccessAt: at(item.last_access_at),
      expiresAt: at(item.expires_at),
      updatedAt: at(item.updated_at),
      requestCount: item.request_count !== undefined && "N" in item.request_count ? Number(item.request_count.N) : 0,
      sourceIdentity: text(item.source_identity),
      deviceId: text(item.device_id),
      revokedBy: text(item.revoked_by),
      revokedReason: text(item.revoked_reason),
    };
    if (bad || createdAt === undefined) {
      addIssue({ message: "empty id or unparseable timestamp" });
      return NEVER;
    }
    return { ...session, createdAt };
  }),
);

/** The item's id for a warning, or a stand-in when it has none. */
export function itemLabel(item: RawItem): string {
  const id = item.id as { S?: unknown } | undefined;
  return typeof id?.S === "string" && id.S !== "" ? id.S : "(item without id)";
}

/** Validates one item; `undefined` when it is malformed (SPEC §1). */
export function readSession(item: RawItem): Session | undefined {
  const result = v.safeParse(sessionItemSchema, item);
  return result.success ? result.output : undefined;
}
