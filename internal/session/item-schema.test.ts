import { expect, test } from "bun:test";
import { itemLabel, readSession } from "./item-schema.ts";

const base = { id: { S: "0123456789abcdef" }, created_at: { S: "2026-01-20T10:30:00.5Z" } };

test("readSession() reads a minimal item, missing strings as empty and request_count as 0", () => {
  const s = readSession(base);
  expect(s).toMatchObject({ id: "0123456789abcdef", user: "", status: "", requestCount: 0, sourceIdentity: "" });
  expect(s?.createdAt).toEqual({ sec: Date.UTC(2026, 0, 20, 10, 30) / 1000, nanos: 500_000_000 });
  expect(s?.startedAt).toBeUndefined();
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
    updated_at: { S: "2026-01-20T10:31:00Z" },
    request_count: { N: "42" },
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
    requestCount: 42,
    sourceIdentity: "sentinel:alice:direct:0badf00d",
    deviceId: "dev",
    revokedBy: "bob",
    revokedReason: "why",
  });
  expect(s?.startedAt).toEqual({ sec: Date.UTC(2026, 0, 20, 10, 30) / 1000, nanos: 0 });
});

test.each([
  ["no id", { created_at: base.created_at }],
  ["no created_at", { id: base.id }],
  ["empty id", { ...base, id: { S: "" } }],
  ["unparseable created_at", { ...base, created_at: { S: "2026-02-30T00:00:00Z" } }],
  ["unparseable started_at", { ...base, started_at: { S: "yesterday" } }],
  ["unparseable expires_at", { ...base, expires_at: { S: "2026-01-20T24:00:00Z" } }],
  ["text request_count", { ...base, request_count: { S: "12" } }],
  ["non-numeric request_count", { ...base, request_count: { N: "abc" } }],
  ["numeric user", { ...base, user: { N: "7" } }],
])("readSession() treats an item with %s as malformed", (_, item) => {
  expect(readSession(item)).toBeUndefined();
});

test("itemLabel() names the id, or says there is none", () => {
  expect(itemLabel(base)).toBe("0123456789abcdef");
  expect(itemLabel({ created_at: base.created_at })).toBe("(item without id)");
});
