import * as v from "valibot";
import { type Instant, parseTimestamp } from "../timefilter/instant.ts";
import type { Session } from "./session.ts";

/** A DynamoDB item as the low-level API returns it (attribute name → typed value). */
export type RawItem = Record<string, unknown>;

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

// A NULL attribute reads like a missing one, as Go's unmarshaller treats it.
const nullAttribute = v.object({ NULL: v.literal(true) });
const stringAttribute = v.object({ S: v.string() });

const optionalText = v.optional(
  v.union([
    v.pipe(
      stringAttribute,
      v.transform((a) => a.S),
    ),
    v.pipe(
      nullAttribute,
      v.transform(() => ""),
    ),
  ]),
  { S: "" },
);

const timestamp = v.pipe(
  stringAttribute,
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const parsed = parseTimestamp(dataset.value.S);
    if (parsed === undefined) {
      addIssue({ message: `unparseable timestamp "${dataset.value.S}"` });
      return NEVER;
    }
    return parsed;
  }),
);

const optionalTimestamp = v.optional(
  v.union([
    timestamp,
    v.pipe(
      nullAttribute,
      v.transform(() => undefined),
    ),
  ]),
);

const requestCount = v.optional(
  v.union([
    v.pipe(
      v.object({ N: v.pipe(v.string(), v.regex(NUMBER_TEXT, "request_count is not a number")) }),
      v.transform((a) => Number(a.N)),
    ),
    v.pipe(
      nullAttribute,
      v.transform(() => 0),
    ),
  ]),
  { N: "0" },
);

/** SPEC §1: `id` and a parseable `created_at` are required; every present field must have its type. */
export const sessionItemSchema = v.pipe(
  v.object({
    id: v.pipe(
      stringAttribute,
      v.transform((a) => a.S),
      v.minLength(1, "id is empty"),
    ),
    user: optionalText,
    profile: optionalText,
    status: optionalText,
    server_instance_id: optionalText,
    started_at: optionalTimestamp,
    last_access_at: optionalTimestamp,
    expires_at: optionalTimestamp,
    created_at: timestamp,
    updated_at: optionalTimestamp,
    request_count: requestCount,
    source_identity: optionalText,
    device_id: optionalText,
    revoked_by: optionalText,
    revoked_reason: optionalText,
  }),
  v.transform(
    (item): Session => ({
      id: item.id,
      user: item.user as string,
      profile: item.profile as string,
      status: item.status as string,
      serverInstanceId: item.server_instance_id as string,
      startedAt: item.started_at as Instant | undefined,
      lastAccessAt: item.last_access_at as Instant | undefined,
      expiresAt: item.expires_at as Instant | undefined,
      createdAt: item.created_at,
      updatedAt: item.updated_at as Instant | undefined,
      requestCount: item.request_count as number,
      sourceIdentity: item.source_identity as string,
      deviceId: item.device_id as string,
      revokedBy: item.revoked_by as string,
      revokedReason: item.revoked_reason as string,
    }),
  ),
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
