// Two `server-revoke` processes on the same 200 sessions at once: the
// conditional write lets exactly one of them revoke each session.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { BINARY, binaryEnv } from "../support/run-binary.ts";
import { snapshot } from "../support/table-snapshot.ts";

const SESSIONS = 200;
const ids = Array.from({ length: SESSIONS }, (_, n) => (0x5000 + n).toString(16).padStart(16, "0"));
let table: string;
const fakes: FakeSts[] = [];

beforeAll(async () => {
  table = await freshTable(
    "revoke-race",
    ids.map((id, n) =>
      item({
        id,
        user: "mallory",
        profile: "prod",
        status: "active",
        created_at: `2026-01-20T10:00:${String(n % 60).padStart(2, "0")}Z`,
      }),
    ),
  );
  // Each process is a different responder, so the table shows who won each session.
  fakes.push(startFakeSts("arn:aws:iam::123456789012:user/alpha"), startFakeSts("arn:aws:iam::123456789012:user/beta"));
});

afterAll(() => {
  for (const fake of fakes) fake.stop();
});

type Row = { id: string; result: string; revoked_by: string };

test("each session is revoked exactly once; both exit 0; the revoked counts add up to 200", async () => {
  const runs = fakes.map((fake) => {
    const proc = Bun.spawn(
      [BINARY, "server-revoke", "--table", table, "--user", "mallory", "--reason", "race", "--yes", "--output", "json"],
      {
        env: binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: fake.url }),
        stdout: "pipe",
        stderr: "pipe",
        stdin: "ignore",
      },
    );
    return Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  });
  const [alpha, beta] = await Promise.all(runs);
  const results = [
    { name: "alpha", stdout: alpha?.[0] as string, stderr: alpha?.[1] as string, code: alpha?.[2] },
    { name: "beta", stdout: beta?.[0] as string, stderr: beta?.[1] as string, code: beta?.[2] },
  ];
  const after = await snapshot(table);
  let revokedTotal = 0;
  const winners = new Map<string, string>();
  for (const run of results) {
    expect(run.code).toBe(0);
    const summary = /^revoked (\d+) of (\d+) sessions \(.*\)\n$/.exec(run.stderr);
    expect(summary).not.toBeNull();
    revokedTotal += Number(summary?.[1]);

    const rows = JSON.parse(run.stdout).sessions as Row[];
    expect(rows.length).toBe(Number(summary?.[2]));
    for (const row of rows) {
      const stored = after.get(row.id);
      if (row.result === "revoked") {
        expect(winners.has(row.id)).toBe(false);
        winners.set(row.id, run.name);
        expect(stored?.revoked_by).toEqual({ S: run.name });
      } else {
        // The loser saw the winner's revocation when it read the session back.
        expect(row.result).toBe("already_revoked");
        expect(row.revoked_by).not.toBe(run.name);
        expect(stored?.revoked_by).toEqual({ S: row.revoked_by });
      }
    }
  }
  expect(revokedTotal).toBe(SESSIONS);
  expect([...winners.keys()].sort()).toEqual(ids);
  for (const id of ids) {
    expect(after.get(id)?.status).toEqual({ S: "revoked" });
    expect(after.get(id)?.revoked_by).toEqual({ S: winners.get(id) as string });
  }
});
