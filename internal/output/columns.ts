import type { Session } from "../session/session.ts";
import { compareInstants, formatHuman, formatSeconds, type Instant } from "../timefilter/instant.ts";
import { exactJsonNumber, type JsonValue, LIST_FIELDS, nano } from "./fields.ts";

/** Every column `--columns` can name, in the order `all` gives them (SPEC §8.1). */
export const COLUMN_NAMES = [
  "id",
  "user",
  "profile",
  "status",
  "effective_status",
  "started_at",
  "last_access_at",
  "expires_at",
  "created_at",
  "updated_at",
  "request_count",
  "server_instance_id",
  "source_identity",
  "device_id",
  "revoked_by",
  "revoked_reason",
  "ttl",
] as const;
export type ColumnName = (typeof COLUMN_NAMES)[number];

/** The columns when `--columns` is not given: the ten fields of SPEC §5. */
export const DEFAULT_COLUMNS: readonly ColumnName[] = LIST_FIELDS;

/** One output column: its cell in each format. */
export type Column = {
  name: ColumnName;
  /** Human table heading: upper case with spaces, times marked UTC. */
  title: string;
  /** Widest a human cell gets before it is cut with "...". */
  maxWidth: number;
  /** Never cut to fit a terminal (the id: what `server-session ID` needs). */
  keepWhole?: boolean;
  /** CSV cell: times at second precision in UTC, numbers as digits, missing as "". */
  csv(s: Session): string;
  /** JSON value: times RFC 3339 UTC with the stored fraction, exact numbers; undefined leaves the key out. */
  json(s: Session): JsonValue | undefined;
  /** Human cell: times as UTC "YYYY-MM-DD HH:MM:SS", missing as "-". */
  human(s: Session): string;
};

const seconds = (t: Instant | undefined) => (t === undefined ? "" : formatSeconds(t));
const human = (t: Instant | undefined) => (t === undefined ? "-" : formatHuman(t));
const heading = (name: string) => name.toUpperCase().replaceAll("_", " ");

function text(name: ColumnName, maxWidth: number, get: (s: Session) => string): Column {
  return { name, title: heading(name), maxWidth, csv: get, json: get, human: (s) => get(s) || "-" };
}

function time(name: ColumnName, get: (s: Session) => Instant | undefined): Column {
  return {
    name,
    title: `${heading(name)} (UTC)`,
    maxWidth: 19,
    csv: (s) => seconds(get(s)),
    json: (s) => nano(get(s)),
    human: (s) => human(get(s)),
  };
}

function count(name: ColumnName, get: (s: Session) => bigint | undefined): Column {
  return {
    name,
    title: heading(name),
    // Numbers are never cut: a shortened count is a wrong count.
    maxWidth: 40,
    keepWhole: true,
    csv: (s) => get(s)?.toString() ?? "",
    json: (s) => {
      const n = get(s);
      return n === undefined ? undefined : exactJsonNumber(n);
    },
    human: (s) => get(s)?.toString() ?? "-",
  };
}

/**
 * The stored status, except that an `active` session whose `expires_at` is at
 * or before `now` is `expired` (SPEC §8.1).
 */
export function effectiveStatus(s: Session, now: Instant): string {
  return s.status === "active" && s.expiresAt !== undefined && compareInstants(s.expiresAt, now) <= 0
    ? "expired"
    : s.status;
}

/** The columns named, in order; `now` is the run's clock for `effective_status`. */
export function columnsFor(names: readonly ColumnName[], now: Instant): Column[] {
  const all: Record<ColumnName, Column> = {
    id: { ...text("id", 20, (s) => s.id), keepWhole: true },
    user: text("user", 20, (s) => s.user),
    profile: text("profile", 24, (s) => s.profile),
    status: text("status", 10, (s) => s.status),
    effective_status: text("effective_status", 10, (s) => effectiveStatus(s, now)),
    started_at: time("started_at", (s) => s.startedAt),
    last_access_at: time("last_access_at", (s) => s.lastAccessAt),
    expires_at: time("expires_at", (s) => s.expiresAt),
    created_at: time("created_at", (s) => s.createdAt),
    updated_at: time("updated_at", (s) => s.updatedAt),
    request_count: count("request_count", (s) => s.requestCount),
    server_instance_id: text("server_instance_id", 24, (s) => s.serverInstanceId),
    source_identity: text("source_identity", 40, (s) => s.sourceIdentity),
    device_id: text("device_id", 24, (s) => s.deviceId),
    revoked_by: text("revoked_by", 20, (s) => s.revokedBy),
    revoked_reason: text("revoked_reason", 40, (s) => s.revokedReason),
    ttl: count("ttl", (s) => s.ttl),
  };
  return names.map((name) => all[name]);
}

/**
 * The listing object of a session for json/ndjson: keys in column order, a
 * column whose value is missing and has no text form (`ttl`) left out.
 */
export function jsonObject(columns: readonly Column[], s: Session): Record<string, JsonValue> {
  const object: Record<string, JsonValue> = {};
  for (const column of columns) {
    const value = column.json(s);
    if (value !== undefined) object[column.name] = value;
  }
  return object;
}

/** The human table when `--columns` is not given (SPEC §5): seven columns, times marked UTC. */
export function defaultHumanColumns(now: Instant): Column[] {
  const [id, user, profile, status, started, lastAccess, requests] = columnsFor(
    ["id", "user", "profile", "status", "started_at", "last_access_at", "request_count"],
    now,
  ) as [Column, Column, Column, Column, Column, Column, Column];
  return [
    id,
    user,
    profile,
    status,
    { ...started, title: "STARTED (UTC)" },
    { ...lastAccess, title: "LAST ACCESS (UTC)" },
    { ...requests, title: "REQUESTS" },
  ];
}
