// Bulk `server-revoke` through dist/sentinel against DynamoDB Local: selection
// through the indexes over several pages, --yes, --dry-run, nothing else touched.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";
import { snapshot } from "../support/table-snapshot.ts";

type Item = Record<string, AttributeValue>;
const CALLER = "responder";
// 4 KiB per item: the 300 items of one user fill more than one 1 MB index page.
const PADDING = "p".repeat(4096);

const hex = (n: number) => n.toString(16).padStart(16, "0");
const statusOf = (n: number) => (n < 250 ? "active" : n < 280 ? "revoked" : "expired");

/** 250 active, 30 revoked and 20 expired sessions of mallory; 40 active ones of trent; 10 on server srv-9. */
function fixtures(): Item[] {
  const items: Item[] = [];
  for (let n = 0; n < 300; n++) {
    items.push(
      item({
        id: hex(0x1000 + n * 7),
        user: "mallory",
        profile: n % 2 === 0 ? "prod" : "dev",
        status: statusOf(n),
        server_instance_id: `srv-${n % 5}`,
        created_at: `2026-01-${String(1 + (n % 28)).padStart(2, "0")}T10:00:00.${n}Z`,
        updated_at: "2026-01-29T00:00:00Z",
        padding: PADDING,
        ...(statusOf(n) === "revoked" ? { revoked_by: "bob", revoked_reason: "earlier" } : {}),
      }),
    );
  }
  for (let n = 0; n < 40; n++) {
    items.push(
      item({
        id: hex(0x9000 + n),
        user: "trent",
        profile: "prod",
        status: "active",
        server_instance_id: n < 10 ? "srv-9" : "srv-8",
        created_at: "2026-01-10T10:00:00Z",
      }),
    );
  }
  return items;
}

let table: string;
let sts: FakeSts;
let proxy: FaultProxy | undefined;
const all = fixtures();
const malloryActive = all
  .filter((i) => i.user?.S === "mallory" && i.status?.S === "active")
  .map((i) => i.id?.S as string)
  .sort();

beforeAll(async () => {
  table = await freshTable("revoke-bulk", all);
  sts = startFakeSts(`arn:aws:iam::123456789012:user/${CALLER}`);
});

afterAll(() => sts.stop());
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

const env = () => binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: sts.url });
const revoke = (...args: string[]) =>
  runBinary(["server-revoke", "--table", table, "--reason", "account compromised", ...args], env());

/** The ids of the items that differ between two snapshots. */
function changed(before: Map<string, Item>, after: Map<string, Item>): string[] {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  return [...before.keys()].filter((id) => !Bun.deepEquals(before.get(id), after.get(id))).sort();
}

describe("by user, 250 active among 300 (more than one index page)", () => {
  test("without --yes and no terminal: exit 2 saying how many, nothing changed", async () => {
    const before = await snapshot(table);
    const result = await revoke("--user", "mallory");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'error: would revoke 250 sessions of user "mallory": pass --yes to confirm (stdin is not a terminal to ask on), or --dry-run to list them\n',
    );
    expect(changed(before, await snapshot(table))).toEqual([]);
  });

  let dryRunIds: string[] = [];

  test("--dry-run lists exactly the 250 active sessions and changes nothing", async () => {
    const before = await snapshot(table);
    const result = await revoke("--user", "mallory", "--dry-run", "--output", "json");
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout).sessions;
    dryRunIds = rows.map((r: { id: string }) => r.id);
    expect(dryRunIds).toEqual(malloryActive);
    expect(new Set(rows.map((r: { result: string }) => r.result))).toEqual(new Set(["would_revoke"]));
    expect(result.stderr).toBe('dry run: would revoke 250 sessions of user "mallory"; nothing changed\n');
    expect(changed(before, await snapshot(table))).toEqual([]);
  });

  test("--yes revokes exactly the sessions the dry run listed, reading the index in several pages", async () => {
    const before = await snapshot(table);
    proxy = await startFaultProxy(endpoint(), () => "pass");
    const result = await runBinary(
      [
        ...["server-revoke", "--table", table, "--reason", "account compromised"],
        ...["--user", "mallory", "--yes", "--output", "json", "--endpoint-url", proxy.url],
      ],
      env(),
    );
    expect(result.stderr).toBe("revoked 250 of 250 sessions (250 revoked)\n");
    expect(result.code).toBe(0);
    const queries = proxy.seen.filter((r) => r.target.endsWith(".Query")).length;
    expect(queries).toBeGreaterThanOrEqual(2);
    const rows = JSON.parse(result.stdout).sessions as Record<string, string>[];
    expect(rows.map((r) => r.id)).toEqual(dryRunIds);
    const after = await snapshot(table);
    expect(changed(before, after)).toEqual(malloryActive);
    for (const id of malloryActive) {
      const old = before.get(id) as Item;
      const now = after.get(id) as Item;
      const updatedAt = now.updated_at?.S as string;
      expect(updatedAt).not.toBe(old.updated_at?.S as string);
      expect(now).toEqual({
        ...old,
        status: { S: "revoked" },
        revoked_by: { S: CALLER },
        revoked_reason: { S: "account compromised" },
        updated_at: { S: updatedAt },
      });
    }
    for (const row of rows) {
      expect(row).toEqual({
        id: row.id as string,
        user: "mallory",
        profile: before.get(row.id as string)?.profile?.S as string,
        previous_status: "active",
        result: "revoked",
        revoked_by: CALLER,
        revoked_reason: "account compromised",
        updated_at: after.get(row.id as string)?.updated_at?.S as string,
      });
    }
  });

  test("again: nothing active is left, exit 0, nothing changed", async () => {
    const before = await snapshot(table);
    const result = await revoke("--user", "mallory", "--output", "json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ sessions: [] });
    expect(result.stderr).toBe('revoked 0 of 0 sessions (no active sessions of user "mallory")\n');
    expect(changed(before, await snapshot(table))).toEqual([]);
  });
});

describe("by server instance and by profile", () => {
  test("--server-instance srv-9 revokes its 10 active sessions only", async () => {
    const before = await snapshot(table);
    const expected = all
      .filter((i) => i.server_instance_id?.S === "srv-9" && i.status?.S === "active")
      .map((i) => i.id?.S as string)
      .sort();
    expect(expected.length).toBe(10);
    const result = await revoke("--server-instance", "srv-9", "--yes", "--output", "json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).sessions.map((r: { id: string }) => r.id)).toEqual(expected);
    expect(changed(before, await snapshot(table))).toEqual(expected);
  });

  test("--profile prod revokes the 30 active sessions left in it", async () => {
    const before = await snapshot(table);
    const expected = [...before.values()]
      .filter((i) => i.profile?.S === "prod" && i.status?.S === "active")
      .map((i) => i.id?.S as string)
      .sort();
    expect(expected.length).toBe(30);
    const result = await revoke("--profile", "prod", "--yes");
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("revoked 30 of 30 sessions (30 revoked)\n");
    expect(result.stdout.split("\n").filter((line) => line.includes(" revoked ")).length).toBe(30);
    expect(changed(before, await snapshot(table))).toEqual(expected);
  });
});
