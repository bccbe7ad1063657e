import { expect, test } from "bun:test";
import { itemKey, itemLabel, malformedLabel, readItem, readSession } from "./item-schema.ts";

const base = { id: { S: "0123456789abcdef" }, created_at: { S: "2026-01-20T10:30:00.5Z" } };

test("readSession() reads a minimal item, missing strings as empty and request_count as 0", () => {
  const s = readSession(base);
  expect(s).toMatchObject({ id: "0123456789abcdef", user: "", status: "", requestCount: 0n, sourceIdentity: "" });
  expect(s?.createdAt).toEqual({ sec: Date.UTC(2026, 0, 20, 10, 30) / 1000, nanos: 500_000_000 });
  expect(s?.startedAt).toBeUndefined();
  expect(s?.ttl).toBeUndefined();
});

test("readSession() reads every field", () => {
  const s = readSession({
    ...base,
    user: { S: "alice" },
    profile: { S: "prod" },
    status: { S: "suspended" },
    server_instance_id: { S: "srv-1" },
    started_at: { S: "2026-01-20T12:30:00+02:00" },
    last_access_at: { S: "2026-01-20T10:31:00Z" },
    expires_at: { S: "2026-01-20T11:30:00Z" },
    updated_at: { S: "2026-01-20t10:31:00z" },
    request_count: { N: "12345678901234567890" },
    source_identity: { S: "sentinel:alice:direct:0badf00d" },
    device_id: { S: "dev" },
    revoked_by: { S: "bob" },
    revoked_reason: { S: "why" },
    ttl: { N: "1800000000" },
    unknown_extra: { BOOL: true },
  });
  expect(s).toMatchObject({
    user: "alice",
    profile: "prod",
    status: "suspended",
    serverInstanceId: "srv-1",
    requestCount: 12345678901234567890n,
    sourceIdentity: "sentinel:alice:direct:0badf00d",
    deviceId: "dev",
    revokedBy: "bob",
    revokedReason: "why",
    ttl: 1_800_000_000n,
  });
  expect(s?.startedAt).toEqual({ sec: Date.UTC(2026, 0, 20, 10, 30) / 1000, nanos: 0 });
  expect(s?.updatedAt).toEqual({ sec: Date.UTC(2026, 0, 20, 10, 31) / 1000, nanos: 0 });
});

test("NULL attributes read like missing ones", () => {
  expect(
    readSession({ ...base, user: { NULL: true }, request_count: { NULL: true }, ttl: { NULL: true } }),
  ).toMatchObject({ user: "", requestCount: 0n, ttl: undefined });
});

test("counts in any DynamoDB form with a whole value read canonically", () => {
  expect(readSession({ ...base, request_count: { N: "+05" }, ttl: { N: "18e8" } })).toMatchObject({
    requestCount: 5n,
    ttl: 1_800_000_000n,
  });
});

test.each([
  ["no id", { created_at: base.created_at }, "id: missing"],
  ["no created_at", { id: base.id }, "created_at: missing"],
  ["empty id", { ...base, id: { S: "" } }, "id: empty"],
  ["numeric id", { ...base, id: { N: "5" } }, "id: not a string (N)"],
  [
    "unparseable created_at",
    { ...base, created_at: { S: "2026-02-30T00:00:00Z" } },
    'created_at "2026-02-30T00:00:00Z": no such date',
  ],
  [
    "created_at with a leading space",
    { ...base, created_at: { S: " 2026-01-01T00:00:00Z" } },
    'created_at " 2026-01-01T00:00:00Z": not an RFC 3339 timestamp',
  ],
  [
    "created_at past year 9999",
    { ...base, created_at: { S: "9999-12-31T23:59:59-23:59" } },
    'created_at "9999-12-31T23:59:59-23:59": outside the years 0001-9999 in UTC',
  ],
  ["numeric created_at", { ...base, created_at: { N: "1" } }, "created_at: not a string (N)"],
  [
    "unparseable started_at",
    { ...base, started_at: { S: "yesterday" } },
    'started_at "yesterday": not an RFC 3339 timestamp',
  ],
  [
    "unparseable expires_at",
    { ...base, expires_at: { S: "2026-01-20T24:00:00Z" } },
    'expires_at "2026-01-20T24:00:00Z": no such time',
  ],
  [
    "unparseable updated_at",
    { ...base, updated_at: { S: "2026-02-30T00:00:00Z" } },
    'updated_at "2026-02-30T00:00:00Z": no such date',
  ],
  ["text request_count", { ...base, request_count: { S: "12" } }, "request_count: not a number (S)"],
  ["non-numeric request_count", { ...base, request_count: { N: "abc" } }, 'request_count "abc": not a number'],
  ["fractional request_count", { ...base, request_count: { N: "1.5" } }, 'request_count "1.5": not an integer'],
  ["negative request_count", { ...base, request_count: { N: "-1" } }, 'request_count "-1": negative'],
  ["39-digit request_count", { ...base, request_count: { N: "1e38" } }, 'request_count "1e38": more than 38 digits'],
  ["text ttl", { ...base, ttl: { S: "1800000000" } }, "ttl: not a number (S)"],
  ["fractional ttl", { ...base, ttl: { N: "1800000000.5" } }, 'ttl "1800000000.5": not an integer'],
  ["numeric user", { ...base, user: { N: "7" } }, "user: not a string (N)"],
  ["boolean revoked_reason", { ...base, revoked_reason: { BOOL: true } }, "revoked_reason: not a string (BOOL)"],
  ["a list as device_id", { ...base, device_id: { L: [] } }, "device_id: not a string (L)"],
  ["garbage as status", { ...base, status: "active" }, "status: not a string (not an attribute value)"],
])("readItem() treats an item with %s as malformed: %s", (_, item, problem) => {
  expect(readItem(item)).toEqual({ problem });
  expect(readSession(item)).toBeUndefined();
});

test("the first problem in SPEC §1 attribute order is the one named", () => {
  const item = {
    id: base.id,
    created_at: { S: "2026-02-30T00:00:00Z" },
    ttl: { N: "x" },
    user: { N: "1" },
    updated_at: { S: "bad" },
  };
  expect(readItem(item)).toEqual({ problem: "user: not a string (N)" });
  expect(readItem({ ...item, user: { S: "u" } })).toEqual({
    problem: 'created_at "2026-02-30T00:00:00Z": no such date',
  });
});

test("a long stored value is cut to 40 characters in the reason", () => {
  const long = `2026-01-20T10:30:00Z${"😀".repeat(50)}`;
  const reading = readItem({ ...base, started_at: { S: long } });
  expect(reading).toEqual({
    problem: `started_at "${long.slice(0, 20)}${"😀".repeat(19)}…": not an RFC 3339 timestamp`,
  });
});

test("itemLabel() names the id, or says there is none", () => {
  expect(itemLabel(base)).toBe("0123456789abcdef");
  expect(itemLabel({ created_at: base.created_at })).toBe("(item without id)");
  expect(itemLabel({ id: { N: "5" } })).toBe("(item without id)");
});

test("malformedLabel() matches its documented example", () => {
  expect(malformedLabel({ id: { S: "aaaaaaaaaaaaaaa3" } }, 'created_at "2026-02-30T00:00:00Z": no such date')).toBe(
    'aaaaaaaaaaaaaaa3 (created_at "2026-02-30T00:00:00Z": no such date)',
  );
  expect(malformedLabel({}, "id: missing")).toBe("(item without id) (id: missing)");
});

test("itemKey() is the id, or the item's text whatever the order of its attributes", () => {
  expect(itemKey(base)).toBe("id 0123456789abcdef");
  const a = { created_at: { S: "x" }, user: { S: "u" } };
  const b = { user: { S: "u" }, created_at: { S: "x" } };
  expect(itemKey(a)).toBe(itemKey(b));
  expect(itemKey(a)).not.toBe(itemKey({ ...a, user: { S: "v" } }));
});
