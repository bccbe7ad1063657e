// Active sessions that the index cannot show: gsi-user and gsi-profile hold no
// item without created_at (their sort key). A bulk `server-revoke` through the
// index warns when DescribeTable counts more items in the table than in the
// index; --scan selects by a parallel Scan of the whole table instead.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { type FaultScript, startFaultProxy } from "../support/fault-proxy.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";
import { snapshot } from "../support/table-snapshot.ts";

const INDEXED = "00000000000000a1"; // active, with created_at
const UNINDEXED = "00000000000000a2"; // active, without created_at: in neither gsi-user nor gsi-profile
const OLD = "00000000000000a3"; // revoked, without created_at
const OTHER = "00000000000000b1"; // another user's

let table: string;
let sts: FakeSts;

beforeAll(async () => {
  table = await freshTable("revoke-gap", [
    item({ id: INDEXED, user: "alice", profile: "prod", status: "active", created_at: "2026-01-20T10:00:00Z" }),
    item({ id: UNINDEXED, user: "alice", profile: "prod", status: "active" }),
    item({ id: OLD, user: "alice", profile: "prod", status: "revoked", revoked_by: "bob" }),
    item({ id: OTHER, user: "bob", profile: "dev", status: "active", created_at: "2026-01-20T11:00:00Z" }),
  ]);
  sts = startFakeSts("arn:aws:iam::123456789012:user/responder");
});

afterAll(() => sts.stop());

/** Runs `run` with DynamoDB behind a fault proxy that `script` drives; the proxy stops after. */
async function throughProxy<T>(script: FaultScript, run: (url: string) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy(endpoint(), script);
  try {
    return await run(proxy.url);
  } finally {
    await proxy.stop();
  }
}

const env = () => binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: sts.url });
const revoke = (...args: string[]) =>
  runBinary(["server-revoke", "--table", table, "--reason", "laptop stolen", ...args], env());
const ids = (stdout: string) => (JSON.parse(stdout).sessions as { id: string }[]).map((r) => r.id);
/** The warning for this table: 4 items, 2 of them (a1 and b1) with created_at. */
const gapWarning = (index: string) =>
  `warning: table "${table}" holds 4 items but index "${index}" only 2 (it holds no item without created_at): ` +
  "some active sessions may not be selected; pass --scan to select by a Scan of the whole table\n";

test("--dry-run --scan lists both active sessions of alice, without a warning, and changes nothing", async () => {
  const before = await snapshot(table);
  const result = await revoke("--user", "alice", "--scan", "--dry-run", "--output", "json");
  expect(result.code).toBe(0);
  expect(ids(result.stdout)).toEqual([INDEXED, UNINDEXED]);
  expect(result.stderr).toBe('dry run: would revoke 2 sessions of user "alice"; nothing changed\n');
  expect(await snapshot(table)).toEqual(before);
});

test.each([
  ["--user", "alice", "gsi-user"],
  ["--profile", "prod", "gsi-profile"],
])("%s %s through %s: one warning line says sessions may be missed and names --scan", async (flag, value, index) => {
  const result = await revoke(flag, value, "--dry-run", "--output", "json");
  expect(result.code).toBe(0);
  expect(ids(result.stdout)).toEqual([INDEXED]);
  expect(result.stderr).toBe(
    `${gapWarning(index)}dry run: would revoke 1 session of ${flag.slice(2)} "${value}"; nothing changed\n`,
  );
});

test("DescribeTable refused: the warning says the counts could not be compared, and the revocation goes on", async () => {
  const denied = (_: number, target: string) => (target.endsWith(".DescribeTable") ? "access-denied" : "pass");
  const result = await throughProxy(denied, (url) =>
    revoke("--user", "alice", "--dry-run", "--output", "json", "--endpoint-url", url),
  );
  expect(result.code).toBe(0);
  expect(ids(result.stdout)).toEqual([INDEXED]);
  expect(result.stderr).toBe(
    `warning: could not compare the item counts of table "${table}" and index "gsi-user" (DescribeTable failed: AccessDeniedException), ` +
      "and the index holds no session without created_at: some active sessions may not be selected; pass --scan to select by a Scan of the whole table\n" +
      'dry run: would revoke 1 session of user "alice"; nothing changed\n',
  );
});

test("through the index --yes revokes the indexed one and warns; --scan --yes then revokes the other, in 4 segments", async () => {
  const first = await revoke("--user", "alice", "--yes", "--output", "json");
  expect(first.code).toBe(0);
  expect(ids(first.stdout)).toEqual([INDEXED]);
  expect(first.stderr).toBe(`${gapWarning("gsi-user")}revoked 1 of 1 session (1 revoked)\n`);
  expect((await snapshot(table)).get(UNINDEXED)?.status).toEqual({ S: "active" });

  const before = await snapshot(table);
  const seen: string[] = [];
  const recording = (_: number, target: string) => {
    seen.push(target);
    return "pass" as const;
  };
  const second = await throughProxy(recording, (url) =>
    revoke("--user", "alice", "--scan", "--yes", "--output", "json", "--endpoint-url", url),
  );
  expect(second.code).toBe(0);
  expect(second.stderr).toBe("revoked 1 of 1 session (1 revoked)\n");
  expect(ids(second.stdout)).toEqual([UNINDEXED]);
  const targets = seen.map((target) => target.split(".")[1]);
  expect(targets.filter((t) => t === "Scan").length).toBe(4);
  expect(targets).not.toContain("Query");
  const after = await snapshot(table);
  expect(after.get(UNINDEXED)).toEqual({
    ...before.get(UNINDEXED),
    status: { S: "revoked" },
    revoked_by: { S: "responder" },
    revoked_reason: { S: "laptop stolen" },
    updated_at: after.get(UNINDEXED)?.updated_at as { S: string },
  });
  expect(after.get(OTHER)).toEqual(before.get(OTHER));
  expect(after.get(OLD)).toEqual(before.get(OLD));
});

test("--scan with a session ID is a usage error", async () => {
  const result = await revoke(INDEXED, "--scan");
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toBe(
    "error: --scan selects the sessions of --user, --profile or --server-instance: a session ID is read by its key; leave out --scan\n",
  );
});
