// UpdateItem faults during a bulk `server-revoke`, injected by the fault proxy
// in front of DynamoDB Local (error bodies as in test/support/fault-proxy.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { type Fault, startFaultProxy } from "../support/fault-proxy.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";
import { snapshot } from "../support/table-snapshot.ts";

const ids = Array.from({ length: 20 }, (_, n) => (0xf000 + n).toString(16).padStart(16, "0"));
const BROKEN = ids[3] as string; // every attempt answered with HTTP 500
const THROTTLED = ids[7] as string; // throttled twice, then through
const DROPPED = ids[11] as string; // written, but the answer is cut off once
const UNAVAILABLE = ids[15] as string; // HTTP 503 once
/** Of user "lost": written, its answer cut off, then every retry answered HTTP 500 without reaching the table. */
const APPLIED = "000000000000f100";
const LOST_USER_IDS = [APPLIED, "000000000000f101"];

let table: string;
let sts: FakeSts;

beforeAll(async () => {
  table = await freshTable("revoke-faults", [
    ...ids.map((id) => item({ id, user: "mallory", status: "active", created_at: "2026-01-20T10:00:00Z" })),
    ...LOST_USER_IDS.map((id) => item({ id, user: "lost", status: "active", created_at: "2026-01-20T10:00:00Z" })),
  ]);
  sts = startFakeSts("arn:aws:iam::123456789012:user/responder");
});

afterAll(() => sts.stop());

test("retried faults end revoked; a persistently failing session is failed, the rest revoked, exit 1", async () => {
  const attempts = new Map<string, number>();
  const plan: Record<string, (attempt: number) => Fault> = {
    [BROKEN]: () => "http500",
    [THROTTLED]: (attempt) => (attempt <= 2 ? "throttle" : "pass"),
    [DROPPED]: (attempt) => (attempt === 1 ? "drop" : "pass"),
    [UNAVAILABLE]: (attempt) => (attempt === 1 ? "http503" : "pass"),
  };
  const proxy = await startFaultProxy(endpoint(), (_, target, body) => {
    if (!target.endsWith(".UpdateItem")) return "pass";
    const id = (JSON.parse(body) as { Key: { id: { S: string } } }).Key.id.S;
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    return plan[id]?.(attempt) ?? "pass";
  });
  try {
    const before = await snapshot(table);
    const result = await runBinary(
      [
        ...["server-revoke", "--table", table, "--user", "mallory", "--reason", "incident 42", "--yes"],
        ...["--output", "json", "--endpoint-url", proxy.url],
      ],
      binaryEnv({ AWS_ENDPOINT_URL_STS: sts.url }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: could not revoke session "${BROKEN}": UpdateItem on table "${table}" failed after 5 attempts: InternalServerError (HTTP 500): Internal server error\n` +
        "revoked 19 of 20 sessions (19 revoked, 1 failed)\n",
    );
    const rows = JSON.parse(result.stdout).sessions as { id: string; result: string; revoked_by: string }[];
    expect(rows.map((r) => r.id)).toEqual(ids);
    for (const row of rows) expect(row.result).toBe(row.id === BROKEN ? "failed" : "revoked");
    // The answer lost after the write was retried, met its own write, and counts as revoked.
    expect(rows.find((r) => r.id === DROPPED)?.revoked_by).toBe("responder");
    expect(attempts.get(BROKEN)).toBe(5);
    expect(attempts.get(THROTTLED)).toBe(3);
    expect(attempts.get(DROPPED)).toBe(2);
    expect(attempts.get(UNAVAILABLE)).toBe(2);
    expect(proxy.seen.filter((r) => r.fault !== "pass").length).toBe(5 + 2 + 1 + 1);
    const after = await snapshot(table);
    expect(after.get(BROKEN)).toEqual(before.get(BROKEN));
    for (const id of ids.filter((id) => id !== BROKEN)) {
      expect(after.get(id)?.status).toEqual({ S: "revoked" });
      expect(after.get(id)?.revoked_by).toEqual({ S: "responder" });
      expect(after.get(id)?.revoked_reason).toEqual({ S: "incident 42" });
    }
  } finally {
    await proxy.stop();
  }
});

test("a write applied whose answer was lost, then refused on every retry, is reported revoked, as the table shows", async () => {
  let attempts = 0;
  const proxy = await startFaultProxy(endpoint(), (_, target, body) => {
    if (!target.endsWith(".UpdateItem") || !body.includes(APPLIED)) return "pass";
    return ++attempts === 1 ? "drop" : "http500";
  });
  try {
    const result = await runBinary(
      [
        ...["server-revoke", "--table", table, "--user", "lost", "--reason", "incident 43", "--yes"],
        ...["--output", "json", "--endpoint-url", proxy.url],
      ],
      binaryEnv({ AWS_ENDPOINT_URL_STS: sts.url }),
    );
    expect(attempts).toBe(5);
    const after = await snapshot(table);
    for (const id of LOST_USER_IDS) expect(after.get(id)?.status).toEqual({ S: "revoked" });
    const rows = JSON.parse(result.stdout).sessions as { id: string; result: string; updated_at: string }[];
    expect(rows.map((r) => [r.id, r.result])).toEqual(LOST_USER_IDS.map((id) => [id, "revoked"]));
    expect(rows[0]?.updated_at).toBe(after.get(APPLIED)?.updated_at?.S as string);
    expect(result.stderr).toBe("revoked 2 of 2 sessions (2 revoked)\n");
    expect(result.code).toBe(0);
  } finally {
    await proxy.stop();
  }
});
