// DynamoRevoker against DynamoDB Local: the conditional write, the read-back
// after a failed condition, the index selections, and a stale writer.
import { beforeAll, describe, expect, test } from "bun:test";
import { ConditionalCheckFailedException, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoRevoker } from "../../internal/session/dynamo-revoker.ts";
import type { RevokeStamp } from "../../internal/session/revocation.ts";
import { endpoint, freshTable, item, testClient } from "../support/dynamo.ts";
import { getItem, snapshot } from "../support/table-snapshot.ts";

const ACTIVE = "00000000000000a1";
const REVOKED = "00000000000000a2";
const EXPIRED = "00000000000000a3";
const STALE = "00000000000000a4";
const SAME_STAMP = "00000000000000a5";

const fixtures = [
  item({
    id: ACTIVE,
    user: "alice",
    profile: "prod",
    status: "active",
    server_instance_id: "srv-1",
    created_at: "2026-01-20T09:00:00Z",
    updated_at: "2026-01-20T09:05:00.5+01:00",
    request_count: 3,
  }),
  item({
    id: REVOKED,
    user: "alice",
    profile: "prod",
    status: "revoked",
    server_instance_id: "srv-1",
    created_at: "2026-01-20T08:00:00Z",
    updated_at: "2026-01-20T08:30:00Z",
    revoked_by: "bob",
    revoked_reason: "offboarding",
  }),
  item({
    id: EXPIRED,
    user: "alice",
    profile: "dev",
    status: "expired",
    server_instance_id: "srv-2",
    created_at: "2026-01-19T08:00:00Z",
  }),
  item({
    id: STALE,
    user: "carol",
    profile: "dev",
    status: "active",
    server_instance_id: "srv-1",
    created_at: "2026-01-20T07:00:00Z",
    updated_at: "2026-01-20T07:10:00.123456789Z",
  }),
  item({
    id: SAME_STAMP,
    user: "dave",
    profile: "dev",
    status: "active",
    server_instance_id: "srv-3",
    created_at: "2026-01-20T06:00:00Z",
    updated_at: "2026-01-20T12:00:00Z",
  }),
  item({
    id: "00000000000000b1",
    user: "bob",
    profile: "prod",
    status: "active",
    server_instance_id: "srv-1",
    created_at: "2026-01-20T10:00:00Z",
  }),
];

let table: string;
let noServerIndex: string;

function revoker(name: string): DynamoRevoker {
  return new DynamoRevoker({ client: testClient(), region: "us-east-1", endpoint: endpoint() }, name);
}

/** A stamp whose clock returns the given texts in turn. */
function stamp(...times: string[]): RevokeStamp & { calls: number } {
  const state = { calls: 0 };
  return {
    revokedBy: "incident",
    reason: "credential leaked",
    now: () => times[Math.min(state.calls++, times.length - 1)] as string,
    get calls() {
      return state.calls;
    },
  };
}

beforeAll(async () => {
  table = await freshTable("revoke-store", fixtures);
  noServerIndex = await freshTable("revoke-noindex", fixtures, ["gsi-user", "gsi-status", "gsi-profile"]);
});

describe("revoke()", () => {
  test("an active session is revoked: status, revoked_by, revoked_reason and updated_at set, nothing else changed", async () => {
    const before = await getItem(table, ACTIVE);
    const row = await revoker(table).revoke(
      { id: ACTIVE, user: "", profile: "", status: "" },
      stamp("2026-01-20T12:00:00.25Z"),
    );
    expect(row).toEqual({
      id: ACTIVE,
      user: "alice",
      profile: "prod",
      previousStatus: "active",
      result: "revoked",
      revokedBy: "incident",
      revokedReason: "credential leaked",
      updatedAt: "2026-01-20T12:00:00.25Z",
      failure: "",
    });
    expect(await getItem(table, ACTIVE)).toEqual({
      ...before,
      status: { S: "revoked" },
      revoked_by: { S: "incident" },
      revoked_reason: { S: "credential leaked" },
      updated_at: { S: "2026-01-20T12:00:00.25Z" },
    });
  });

  test("revoked again: already_revoked with the stored revocation, the item unchanged", async () => {
    const before = await getItem(table, REVOKED);
    const row = await revoker(table).revoke(
      { id: REVOKED, user: "", profile: "", status: "" },
      stamp("2026-01-20T13:00:00Z"),
    );
    expect(row).toMatchObject({
      result: "already_revoked",
      previousStatus: "revoked",
      revokedBy: "bob",
      revokedReason: "offboarding",
      updatedAt: "2026-01-20T08:30:00Z",
    });
    expect(await getItem(table, REVOKED)).toEqual(before);
  });

  test("an expired session is not_active and unchanged; a missing one is not_found", async () => {
    const before = await getItem(table, EXPIRED);
    const expired = await revoker(table).revoke(
      { id: EXPIRED, user: "", profile: "", status: "" },
      stamp("2026-01-20T13:00:00Z"),
    );
    expect(expired).toMatchObject({ result: "not_active", previousStatus: "expired", user: "alice" });
    expect(await getItem(table, EXPIRED)).toEqual(before);
    const missing = await revoker(table).revoke(
      { id: "0000000000000fff", user: "x", profile: "y", status: "active" },
      stamp("2026-01-20T13:00:00Z"),
    );
    expect(missing).toMatchObject({ result: "not_found", id: "0000000000000fff" });
    expect(await getItem(table, "0000000000000fff")).toBeUndefined();
  });

  test("a write that would leave updated_at as stored is refused, and the next stamp revokes it", async () => {
    const clock = stamp("2026-01-20T12:00:00Z", "2026-01-20T12:00:00.000000001Z");
    const row = await revoker(table).revoke({ id: SAME_STAMP, user: "dave", profile: "dev", status: "active" }, clock);
    expect(row.result).toBe("revoked");
    expect(clock.calls).toBe(2);
    expect((await getItem(table, SAME_STAMP))?.updated_at).toEqual({ S: "2026-01-20T12:00:00.000000001Z" });
  });

  test("a second run as the same caller, with the same reason and the same updated_at, is already_revoked", async () => {
    const name = await freshTable("revoke-twin", [
      item({ id: ACTIVE, user: "alice", profile: "prod", status: "active", created_at: "2026-01-20T09:00:00Z" }),
    ]);
    const candidate = { id: ACTIVE, user: "alice", profile: "prod", status: "active" };
    const first = await revoker(name).revoke(candidate, stamp("2026-01-20T12:00:00.123456789Z"));
    // Another process, the same caller and reason, its clock on the same nanosecond:
    // its condition fails on the first attempt, so the write in the table is not its own.
    const second = await revoker(name).revoke(candidate, stamp("2026-01-20T12:00:00.123456789Z"));
    expect([first.result, second.result]).toEqual(["revoked", "already_revoked"]);
    expect(second).toMatchObject({
      previousStatus: "revoked",
      revokedBy: "incident",
      revokedReason: "credential leaked",
      updatedAt: "2026-01-20T12:00:00.123456789Z",
    });
  });

  test("a stale writer (PutItem of an older copy conditioned on its updated_at) fails after the revocation", async () => {
    const old = (await getItem(table, STALE)) as Record<string, { S?: string }>;
    const row = await revoker(table).revoke(
      { id: STALE, user: "carol", profile: "dev", status: "active" },
      stamp("2026-01-20T12:30:00Z"),
    );
    expect(row.result).toBe("revoked");
    // What a Sentinel server does when it saves a session it read before: put the
    // whole item back, on condition that nobody changed it since it was read.
    const writeBack = testClient().send(
      new PutItemCommand({
        TableName: table,
        Item: { ...old, request_count: { N: "99" }, last_access_at: { S: "2026-01-20T12:31:00Z" } } as never,
        ConditionExpression: "#updated_at = :read_updated_at",
        ExpressionAttributeNames: { "#updated_at": "updated_at" },
        ExpressionAttributeValues: { ":read_updated_at": { S: old.updated_at?.S as string } },
      }),
    );
    await expect(writeBack).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const after = await getItem(table, STALE);
    expect(after?.status).toEqual({ S: "revoked" });
    expect(after?.request_count).toBeUndefined();
  });
});

describe("selectActive()", () => {
  test.each([
    ["user", "alice", []],
    ["user", "bob", ["00000000000000b1"]],
    ["profile", "dev", []],
    ["profile", "prod", ["00000000000000b1"]],
    ["server-instance", "srv-1", ["00000000000000b1"]],
  ] as const)("--%s %s picks the active sessions, sorted by id", async (by, value, ids) => {
    // By now the revoke() tests above revoked a1, a4 and a5.
    const selected = await revoker(table).selectActive({ by, value });
    expect(selected.map((c) => c.id)).toEqual([...ids]);
  });

  test("the untouched copy: every index answers, and server instance uses its status sort key", async () => {
    const fresh = await freshTable("revoke-select", fixtures);
    const notes: string[] = [];
    const events = { onNote: (line: string) => notes.push(line) };
    expect((await revoker(fresh).selectActive({ by: "user", value: "alice" }, events)).map((c) => c.id)).toEqual([
      ACTIVE,
    ]);
    expect((await revoker(fresh).selectActive({ by: "profile", value: "dev" }, events)).map((c) => c.id)).toEqual([
      STALE,
      SAME_STAMP,
    ]);
    const srv1 = await revoker(fresh).selectActive({ by: "server-instance", value: "srv-1" }, events);
    expect(srv1).toEqual([
      { id: ACTIVE, user: "alice", profile: "prod", status: "active" },
      { id: STALE, user: "carol", profile: "dev", status: "active" },
      { id: "00000000000000b1", user: "bob", profile: "prod", status: "active" },
    ]);
    expect(notes).toEqual([]);
  });

  test("a table without gsi-server-instance is scanned, with a note", async () => {
    const notes: string[] = [];
    const selected = await revoker(noServerIndex).selectActive(
      { by: "server-instance", value: "srv-1" },
      { onNote: (line) => notes.push(line) },
    );
    expect(selected.map((c) => c.id)).toEqual([ACTIVE, STALE, "00000000000000b1"]);
    expect(notes).toEqual([
      `note: index "gsi-server-instance" not found on table "${noServerIndex}"; scanning the whole table instead`,
    ]);
    // Selecting reads only.
    expect((await snapshot(noServerIndex)).get(ACTIVE)?.status).toEqual({ S: "active" });
  });
});
