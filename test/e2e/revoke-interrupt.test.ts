// A bulk `server-revoke` stopped by SIGINT or SIGTERM: no new writes start,
// those under way finish, and the rows done so far are printed before exit
// 130/143. Each UpdateItem passes the fault proxy "slow", which counts them and
// makes the run last long enough to be stopped in the middle; the table is then
// read independently. On a terminal (python3's pty module) the run shows its
// progress, and is stopped once that appears.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { type FaultProxy, LATE_MS, startFaultProxy } from "../support/fault-proxy.ts";
import { onPty } from "../support/pty.ts";
import { BINARY, binaryEnv } from "../support/run-binary.ts";
import { type Item, snapshot } from "../support/table-snapshot.ts";

// At SLOW_MS per write and 8 at once, 400 take at least 1 s and 1,000 at least 2.5 s.
const SESSIONS = { sigint: 400, sigterm: 400, tty: 1_000, late: 40 } as const;
/** UpdateItem requests to see before the signal. */
const BEFORE_SIGNAL = 100;

const hex = (n: number) => n.toString(16).padStart(16, "0");
const idsOf = (user: number, n: number) => Array.from({ length: n }, (_, k) => hex(0x10000 * (user + 1) + k));

let table: string;
let sts: FakeSts;

beforeAll(async () => {
  table = await freshTable(
    "revoke-interrupt",
    Object.entries(SESSIONS).flatMap(([user, n], u) =>
      idsOf(u, n).map((id) => item({ id, user, status: "active", created_at: "2026-01-20T10:00:00Z" })),
    ),
  );
  sts = startFakeSts("arn:aws:iam::123456789012:user/responder");
});

afterAll(() => sts.stop());

/** A proxy that slows every UpdateItem down and resolves `reached` at the n-th one. */
async function countingProxy(n: number): Promise<{ proxy: FaultProxy; reached: Promise<void>; updates(): number }> {
  let updates = 0;
  let reachedIt = () => {};
  const reached = new Promise<void>((done) => {
    reachedIt = done;
  });
  const proxy = await startFaultProxy(endpoint(), (_, target) => {
    if (!target.endsWith(".UpdateItem")) return "pass";
    if (++updates === n) reachedIt();
    return "slow";
  });
  return { proxy, reached, updates: () => updates };
}

/** The ids of `user` revoked in the table, read straight from DynamoDB Local. */
function revokedIds(after: Map<string, Item>, user: string): string[] {
  return [...after.values()]
    .filter((i) => i.user?.S === user && i.status?.S === "revoked")
    .map((i) => i.id?.S as string)
    .sort();
}

test.each([
  ["SIGINT", 130, "sigint"],
  ["SIGTERM", 143, "sigterm"],
] as const)(
  "%s after 100 writes: the revoked rows are printed, as many as the table shows; exit %p",
  async (signal, status, user) => {
    const { proxy, reached, updates } = await countingProxy(BEFORE_SIGNAL);
    try {
      const proc = Bun.spawn(
        [
          ...[BINARY, "server-revoke", "--table", table, "--user", user, "--reason", "stolen laptop", "--yes"],
          ...["--output", "json", "--endpoint-url", proxy.url],
        ],
        { env: binaryEnv({ AWS_ENDPOINT_URL_STS: sts.url }), stdout: "pipe", stderr: "pipe", stdin: "ignore" },
      );
      const streams = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
      await reached;
      proc.kill(signal);
      const [[stdout, stderr], code] = await Promise.all([streams, proc.exited]);

      expect(code).toBe(status);
      const rows = JSON.parse(stdout).sessions as { id: string; result: string; revoked_by: string }[];
      const done = rows.length;
      const after = await snapshot(table);
      // Every write that reached the table is a row, and every row is a write.
      expect(rows.map((r) => r.id)).toEqual(revokedIds(after, user));
      expect(updates()).toBe(done);
      for (const row of rows) expect([row.result, row.revoked_by]).toEqual(["revoked", "responder"]);
      // Stopped in the middle: at least the writes seen before the signal, not all of them.
      expect(done).toBeGreaterThanOrEqual(BEFORE_SIGNAL);
      expect(done).toBeLessThan(SESSIONS[user]);
      const total = SESSIONS[user];
      expect(stderr).toBe(
        `revoked ${done} of ${total} sessions (${done} revoked, ${total - done} not attempted), interrupted\n` +
          "error: interrupted\n",
      );
    } finally {
      await proxy.stop();
    }
  },
  30_000,
);

test("SIGINT while the writes under way answer only after 3 s: they are awaited and printed with the rest; exit 130", async () => {
  // The first 16 writes answer at once, every later one LATE_MS after it was applied.
  let updates = 0;
  const proxy = await startFaultProxy(endpoint(), (_, target) => {
    if (!target.endsWith(".UpdateItem")) return "pass";
    return ++updates > 16 ? "late" : "pass";
  });
  try {
    const proc = Bun.spawn(
      [
        ...[BINARY, "server-revoke", "--table", table, "--user", "late", "--reason", "stolen laptop", "--yes"],
        ...["--output", "json", "--endpoint-url", proxy.url],
      ],
      { env: binaryEnv({ AWS_ENDPOINT_URL_STS: sts.url }), stdout: "pipe", stderr: "pipe", stdin: "ignore" },
    );
    const streams = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    // Eight late writes under way: the 17th to the 24th.
    while (updates < 24) await Bun.sleep(10);
    const stoppedAt = performance.now();
    proc.kill("SIGINT");
    const [[stdout, stderr], code] = await Promise.all([streams, proc.exited]);
    expect(code).toBe(130);
    expect(performance.now() - stoppedAt).toBeGreaterThan(LATE_MS / 2);
    const rows = JSON.parse(stdout).sessions as { id: string; result: string }[];
    expect(rows.map((r) => r.id)).toEqual(revokedIds(await snapshot(table), "late"));
    expect(rows.length).toBe(24);
    for (const row of rows) expect(row.result).toBe("revoked");
    expect(stderr).toBe("revoked 24 of 40 sessions (24 revoked, 16 not attempted), interrupted\nerror: interrupted\n");
  } finally {
    await proxy.stop();
  }
}, 30_000);

const ERASE_LINE = "\r\u001b[2K";

test("on a terminal: progress shows done of total; Ctrl-C then prints the rows done and exits 130", async () => {
  const { proxy, updates } = await countingProxy(0);
  try {
    const proc = Bun.spawn(
      // SIGINT once a progress line ("… of N sessions done") shows.
      onPty(
        [
          BINARY,
          "server-revoke",
          "--table",
          table,
          "--user",
          "tty",
          "--reason",
          "stolen laptop",
          "--yes",
          "--endpoint-url",
          proxy.url,
        ],
        " sessions done, ",
        "sigint",
      ),
      { env: binaryEnv({ AWS_ENDPOINT_URL_STS: sts.url }), stdout: "pipe", stderr: "pipe", stdin: "ignore" },
    );
    const [screen, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    const text = screen.replaceAll("\r\n", "\n");

    // Each progress line is drawn after "erase the line"; on a line of its own here.
    const lines = text.replaceAll(ERASE_LINE, "\n").split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^[\d,]+ of 1,000 sessions done, [\d,]+\/s, \d+\.\ds$/));
    expect(code).toBe(130);
    const after = await snapshot(table);
    const revoked = revokedIds(after, "tty");
    // The human table: one line per row, each starting with its id.
    const printed = lines.flatMap((line) => /^([0-9a-f]{16}) .* revoked /.exec(line)?.[1] ?? []).sort();
    expect(printed).toEqual(revoked);
    expect(updates()).toBe(revoked.length);
    expect(revoked.length).toBeLessThan(1_000);
    expect(text).toContain(
      `revoked ${revoked.length} of 1,000 sessions (${revoked.length} revoked, ${1_000 - revoked.length} not attempted), interrupted\n`,
    );
    expect(text).toEndWith("error: interrupted\n");
  } finally {
    await proxy.stop();
  }
}, 30_000);
