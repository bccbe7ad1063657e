import { isJsonObject } from "../aws/json-object.ts";
import { type Instant, parseTimestamp } from "../timefilter/instant.ts";

/** The fields of one CloudTrail AssumeRole record that the audit reads (SPEC §9). */
export type AssumeRoleEvent = {
  eventId: string;
  eventTime: Instant;
  region: string;
  /** "" when the call succeeded. */
  errorCode: string;
  callerType: string;
  callerArn: string;
  sourceIp: string;
  userAgent: string;
  roleArn: string;
  roleSessionName: string;
  /** "" when the request carried none. */
  sourceIdentity: string;
  /** The value of the `SentinelSessionID` session tag, "" when absent. */
  sessionTag: string;
};

/**
 * What reading one record gave: an event, a record of another kind, or a
 * malformed one with its label and, when they could be read, its instant
 * (a record without an eventID) and role, by which the audit places it.
 */
export type ReadRecord =
  | { kind: "event"; event: AssumeRoleEvent }
  | { kind: "other" }
  | { kind: "malformed"; label: string; eventTime?: Instant; roleArn?: string };

export const SESSION_TAG = "SentinelSessionID";

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/** The `SentinelSessionID` tag's value from `requestParameters.tags` ([{key, value}]); "" when absent. */
function sessionTagOf(tags: unknown): string {
  if (!Array.isArray(tags)) return "";
  for (const tag of tags) {
    if (isJsonObject(tag) && tag.key === SESSION_TAG && typeof tag.value === "string") return tag.value;
  }
  return "";
}

/**
 * Reads one CloudTrail record (already parsed JSON). Records other than STS
 * AssumeRole are "other"; an AssumeRole record without an eventID or a
 * parseable eventTime is malformed, labelled by `fallbackLabel` unless it has
 * an id, with the eventTime that parsed and its role for the audit to place it.
 * @example readRecord({ eventSource: "sts.amazonaws.com", eventName: "AssumeRole", eventID: "e1", eventTime: "2026-01-20T10:30:00Z" }, "x")
 *          // { kind: "event", event: { eventId: "e1", … } }
 */
export function readRecord(record: unknown, fallbackLabel: string): ReadRecord {
  if (!isJsonObject(record)) return { kind: "malformed", label: fallbackLabel };
  if (record.eventName !== "AssumeRole" || record.eventSource !== "sts.amazonaws.com") return { kind: "other" };
  const eventId = text(record.eventID);
  const eventTime = typeof record.eventTime === "string" ? parseTimestamp(record.eventTime) : undefined;
  const request = isJsonObject(record.requestParameters) ? record.requestParameters : {};
  if (eventId === "" || eventTime === undefined) {
    return {
      kind: "malformed",
      label: eventId === "" ? fallbackLabel : eventId,
      ...(eventTime === undefined ? {} : { eventTime }),
      roleArn: text(request.roleArn),
    };
  }
  const caller = isJsonObject(record.userIdentity) ? record.userIdentity : {};
  return {
    kind: "event",
    event: {
      eventId,
      eventTime,
      region: text(record.awsRegion),
      errorCode: text(record.errorCode),
      callerType: text(caller.type),
      callerArn: text(caller.arn),
      sourceIp: text(record.sourceIPAddress),
      userAgent: text(record.userAgent),
      roleArn: text(request.roleArn),
      roleSessionName: text(request.roleSessionName),
      sourceIdentity: text(request.sourceIdentity),
      sessionTag: sessionTagOf(request.tags),
    },
  };
}

/** Parses a record's JSON text (the API's `CloudTrailEvent`, or one element of a log file) and reads it. */
export function readRecordText(json: string, fallbackLabel: string): ReadRecord {
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch {
    return { kind: "malformed", label: fallbackLabel };
  }
  return readRecord(record, fallbackLabel);
}
