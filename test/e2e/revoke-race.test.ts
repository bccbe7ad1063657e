// Two `server-revoke` processes on the same 200 sessions at once: the
// conditional write lets exactly one of them revoke each session, also when
// both run as the same caller with the same reason.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { BINARY, binaryEnv } from "../support/run-binary.ts";
import { snapshot } from "../support/table-snapshot.ts";

const SESSIONS = 200;
const ids = Array.from({ length: SESSIONS }, (_, n) => (0x5000 + n).toString(16).padStart(16, "0"));
let table: string;
const fakes: FakeSts[] = [];
let sameCaller: FakeSts;

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
  sameCaller = startFakeSts("arn:aws:iam::123456789012:user/responder");
});

afterAll(() => {
  for (const fake of fakes) fake.stop();
  sameCaller.stop();
});

/** The 200 sessions, active, in a table of their own. */
const activeTable = (prefix: string) =>
  freshTable(
    prefix,
    ids.map((id) => item({ id, user: "mallory", status: "active", created_at: "2026-01-20T10:00:00Z" })),
  );

/** `server-revoke --user mallory --yes --output json` as a process, with the caller STS names. */
function revokeAll(name: string, sts: FakeSts, reason: string) {
  const proc = Bun.spawn(
    [BINARY, "server-revoke", "--table", name, "--user", "mallory", "--reason", reason, "--yes", "--output", "json"],
    {
      env: binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: sts.url }),
      stdout: "pipe",
      stderr: "pipe",
      stdin: "ignore",
    },
  );
  return Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]).then(
    ([stdout, stderr, code]) => ({ stdout, stderr, code }),
  );
}

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

test("the same caller with the same reason in both, 10 rounds: every session is reported revoked exactly once", async () => {
  const ROUNDS = 10;
  const tables = await Promise.all(Array.from({ length: ROUNDS }, () => activeTable("revoke-race-same")));
  for (const [round, name] of tables.entries()) {
    const runs = await Promise.all([revokeAll(name, sameCaller, "race"), revokeAll(name, sameCaller, "race")]);
    const revokedIn = new Map<string, number>();
    let revokedTotal = 0;
    for (const run of runs) {
      expect({ round, code: run.code }).toEqual({ round, code: 0 });
      // A run that reads the index after the other revoked some selects fewer.
      const summary = /^revoked (\d+) of (\d+) sessions? \(.*\)\n$/.exec(run.stderr);
      expect({ round, stderr: summary === null ? run.stderr : "summary" }).toEqual({ round, stderr: "summary" });
      revokedTotal += Number(summary?.[1]);
      const rows = JSON.parse(run.stdout).sessions as Row[];
      expect(rows.length).toBe(Number(summary?.[2]));
      expect(ids).toEqual(expect.arrayContaining(rows.map((r) => r.id)));
      for (const row of rows) {
        expect(["revoked", "already_revoked"]).toContain(row.result);
        if (row.result === "revoked") revokedIn.set(row.id, (revokedIn.get(row.id) ?? 0) + 1);
      }
    }
    // Each session was written once, so exactly one of the two may call it revoked.
    expect({ round, revokedTotal }).toEqual({ round, revokedTotal: SESSIONS });
    expect({ round, twice: [...revokedIn].filter(([, n]) => n !== 1) }).toEqual({ round, twice: [] });
    expect(revokedIn.size).toBe(SESSIONS);
    const after = await snapshot(name);
    for (const id of ids) {
      expect(after.get(id)?.status).toEqual({ S: "revoked" });
      expect(after.get(id)?.revoked_by).toEqual({ S: "responder" });
    }
  }
}, 60_000);
