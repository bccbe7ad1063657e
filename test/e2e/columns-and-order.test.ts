// --columns and --order through the binary against DynamoDB Local, checked
// against what was written through the SDK and an independent time parser.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { parse } from "csv-parse/sync";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { referenceNanos } from "../support/reference.ts";
import { BINARY, binaryEnv, runBinary } from "../support/run-binary.ts";
import { runInProcess } from "../support/run-cli.ts";

const ALL = [
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
];
const TIMES = ["started_at", "last_access_at", "expires_at", "created_at", "updated_at"];
const NOW = new Date();
const env = () => binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() });

/** UTC RFC 3339 of nanoseconds since the epoch: whole seconds, or with the fraction trimmed. */
function utc(nanos: bigint, keepFraction: boolean): string {
  const seconds = nanos / 1_000_000_000n - (nanos % 1_000_000_000n < 0n ? 1n : 0n);
  const fraction = nanos - seconds * 1_000_000_000n;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  if (!keepFraction || fraction === 0n) return `${base}Z`;
  return `${base}.${fraction.toString().padStart(9, "0").replace(/0+$/, "")}Z`;
}

let items: Record<string, AttributeValue>[];
let table: string;
beforeAll(async () => {
  items = [...generateSessions({ count: 2_000, now: NOW, days: 30, seed: 7, offsetShare: 0.4 })];
  table = await freshTable("columns", items);
});

describe("--columns all round-trips every attribute", () => {
  const byId = () => new Map(items.map((i) => [i.id?.S as string, i]));

  test("csv: times at second precision in UTC, numbers as digits, missing as empty", async () => {
    const result = await runBinary(
      [
        "server-sessions",
        "--table",
        table,
        "--since",
        "31d",
        "--columns",
        "all",
        "--output",
        "csv",
        "--no-formula-guard",
      ],
      env(),
    );
    expect(result.code).toBe(0);
    const rows = parse(result.stdout) as string[][];
    expect(rows[0]).toEqual(ALL);
    expect(rows.length).toBe(2_001);
    const written = byId();
    for (const row of rows.slice(1)) {
      const cells = Object.fromEntries(ALL.map((name, i) => [name, row[i] as string]));
      const source = written.get(cells.id as string) as Record<string, AttributeValue>;
      for (const name of ALL) {
        if (name === "effective_status") continue;
        const stored = source[name];
        const expected = TIMES.includes(name)
          ? stored?.S === undefined
            ? ""
            : utc(referenceNanos(stored.S), false)
          : (stored?.S ?? stored?.N ?? "");
        expect(`${name}=${cells[name]}`).toBe(`${name}=${expected}`);
      }
    }
  });

  test("ndjson: times with their stored fraction in UTC, numbers as JSON numbers", async () => {
    const result = await runBinary(
      ["server-sessions", "--table", table, "--since", "31d", "--columns", "all", "--output", "ndjson"],
      env(),
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n").filter((l) => l !== "");
    expect(lines.length).toBe(2_000);
    const written = byId();
    for (const line of lines) {
      const object = JSON.parse(line) as Record<string, unknown>;
      const source = written.get(object.id as string) as Record<string, AttributeValue>;
      expect(Object.keys(object)).toEqual(ALL);
      for (const name of ALL) {
        if (name === "effective_status") continue;
        const stored = source[name];
        const expected = TIMES.includes(name)
          ? utc(referenceNanos(stored?.S as string), true)
          : stored?.N !== undefined
            ? Number(stored.N)
            : (stored?.S ?? "");
        expect([name, object[name]]).toEqual([name, expected]);
      }
    }
  });

  test("the default columns are unchanged: --columns with the ten names gives the same bytes", async () => {
    const ten =
      "id,user,profile,status,started_at,last_access_at,expires_at,request_count,server_instance_id,source_identity";
    for (const format of ["csv", "json", "ndjson"]) {
      const base = ["server-sessions", "--table", table, "--since", "31d", "--output", format];
      const plain = await runBinary(base, env());
      const named = await runBinary([...base, "--columns", ten], env());
      expect(named.stdout).toBe(plain.stdout);
      expect(plain.stdout.length).toBeGreaterThan(100_000);
    }
  });

  test("a column order of one's own, in every format; human headings upper case", async () => {
    const args = ["server-sessions", "--table", table, "--since", "31d", "--limit", "3", "--columns", "ttl,id"];
    const csv = await runBinary([...args, "--output", "csv"], env());
    expect(csv.stdout.split("\n")[0]).toBe("ttl,id");
    const json = JSON.parse((await runBinary([...args, "--output", "json"], env())).stdout);
    expect(Object.keys(json.sessions[0])).toEqual(["ttl", "id"]);
    const human = await runBinary([...args, "--columns", "id,effective_status,created_at"], env());
    expect(human.code).toBe(2); // --columns given twice
    const table3 = await runBinary(
      [
        "server-sessions",
        "--table",
        table,
        "--since",
        "31d",
        "--limit",
        "3",
        "--columns",
        "id,effective_status,created_at",
      ],
      env(),
    );
    expect(table3.stdout.split("\n")[0]).toMatch(/^ID +EFFECTIVE STATUS +CREATED AT \(UTC\)$/);
  });

  test.each([
    ["id,usr", 'unknown column "usr": did you mean "user"?'],
    ["id,id", '"id" is named twice'],
    ["id,,user", "an empty name"],
    ["ID", 'unknown column "ID"'],
  ])("--columns %p is a usage error listing the valid names", async (value, message) => {
    const result = await runBinary(["server-sessions", "--table", table, "--columns", value], env());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    if (!message.includes("twice"))
      expect(result.stderr).toContain("valid names: id, user, profile, status, effective_status");
    expect(result.stderr.split("\n").length).toBe(2);
  });
});

describe("effective_status against a fixed clock", () => {
  test("active and expired by now → expired; active and future → active; others as stored", async () => {
    const clock = new Date("2026-03-01T12:00:00Z");
    const t = await freshTable("effective", [
      item({
        id: "00000000000000e1",
        user: "x",
        status: "active",
        expires_at: "2026-03-01T11:59:59.999999999Z",
        created_at: "2026-03-01T00:00:00Z",
      }),
      item({
        id: "00000000000000e2",
        user: "x",
        status: "active",
        expires_at: "2026-03-01T12:00:00Z",
        created_at: "2026-03-01T00:00:01Z",
      }),
      item({
        id: "00000000000000e3",
        user: "x",
        status: "active",
        expires_at: "2026-03-01T14:00:00.000000001+02:00",
        created_at: "2026-03-01T00:00:02Z",
      }),
      item({
        id: "00000000000000e4",
        user: "x",
        status: "revoked",
        expires_at: "2026-02-01T00:00:00Z",
        created_at: "2026-03-01T00:00:03Z",
      }),
      item({ id: "00000000000000e5", user: "x", status: "active", created_at: "2026-03-01T00:00:04Z" }),
      item({
        id: "00000000000000e6",
        user: "x",
        status: "paused",
        expires_at: "2026-02-01T00:00:00Z",
        created_at: "2026-03-01T00:00:05Z",
      }),
    ]);
    const result = await runInProcess(
      ["server-sessions", "--table", t, "--user", "x", "--columns", "id,status,effective_status", "--output", "csv"],
      clock,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "id,status,effective_status",
        "00000000000000e6,paused,paused",
        "00000000000000e5,active,active",
        "00000000000000e4,revoked,revoked",
        "00000000000000e3,active,active",
        "00000000000000e2,active,expired",
        "00000000000000e1,active,expired",
        "",
      ].join("\n"),
    );
  });
});

describe("--order none", () => {
  test("the same rows as the default order, as a set", async () => {
    for (const format of ["csv", "ndjson"]) {
      const base = ["server-sessions", "--table", table, "--since", "31d", "--output", format, "--segments", "4"];
      const sorted = await runBinary(base, env());
      const streamed = await runBinary([...base, "--order", "none"], env());
      expect(streamed.code).toBe(0);
      const lines = (text: string) => text.split("\n").filter((l) => l !== "" && !l.startsWith("id,"));
      expect(lines(streamed.stdout).sort()).toEqual(lines(sorted.stdout).sort());
      expect(lines(streamed.stdout).length).toBe(2_000);
    }
  });

  test("with --limit: that many rows and the note", async () => {
    const result = await runBinary(
      ["server-sessions", "--table", table, "--since", "31d", "--output", "csv", "--order", "none", "--limit", "10"],
      env(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").length).toBe(12);
    expect(result.stderr).toBe("note: showing the 10 first read of 2,000 matching sessions; --limit 0 shows all\n");
  });

  test("the first rows reach stdout while later pages are still being read", async () => {
    // 3,000 items of 1 KiB padding: one segment reads them in several pages.
    const padded = await freshTable(
      "order-none-pages",
      items.slice(0, 1_500).flatMap((i, n) => [
        { ...i, padding: { S: "p".repeat(1024) } },
        { ...i, id: { S: `${n.toString(16).padStart(12, "0")}ffff` }, padding: { S: "q".repeat(1024) } },
      ]),
    );
    // The proxy answers the first page, then holds the second request: rows seen now were streamed.
    const proxy = await startFaultProxy(endpoint(), (n) => (n >= 2 ? "stall" : "pass"));
    const child = Bun.spawn(
      [
        BINARY,
        "server-sessions",
        "--table",
        padded,
        "--since",
        "31d",
        "--output",
        "ndjson",
        "--order",
        "none",
        "--segments",
        "1",
      ],
      { env: binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: proxy.url }), stdout: "pipe", stderr: "pipe" },
    );
    try {
      const reader = child.stdout.getReader();
      const first = await reader.read();
      const text = new TextDecoder().decode(first.value);
      expect(JSON.parse(text.split("\n")[0] as string).id).toMatch(/^[0-9a-f]{16}$/);
      // The read cannot finish: the next page's request is held, and the run is still going.
      while (proxy.seen.length < 2) await Bun.sleep(10);
      expect(proxy.seen[1]?.fault).toBe("stall");
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill("SIGKILL");
      await child.exited;
      await proxy.stop();
    }
  });

  test("pages are asked for at most 500 items, so a burst of pages arriving together stays small", async () => {
    const limits: (number | undefined)[] = [];
    const proxy = await startFaultProxy(endpoint(), (_n, target, body) => {
      if (target.endsWith(".Scan")) limits.push((JSON.parse(body) as { Limit?: number }).Limit);
      return "pass";
    });
    try {
      const args = ["server-sessions", "--table", table, "--since", "31d", "--output", "csv", "--segments", "2"];
      const proxied = binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: proxy.url });
      const streamed = await runBinary([...args, "--order", "none"], proxied);
      expect(streamed.code).toBe(0);
      expect(streamed.stdout.trimEnd().split("\n").length).toBe(2_001);
      // 2,000 matching sessions of the 31 days in 2 segments: at least 4 pages of 500.
      expect(limits.length).toBeGreaterThanOrEqual(4);
      expect(new Set(limits)).toEqual(new Set([500]));
      // The default order keeps DynamoDB's 1 MB pages.
      limits.length = 0;
      expect((await runBinary(args, proxied)).code).toBe(0);
      expect(new Set(limits)).toEqual(new Set([undefined]));
    } finally {
      await proxy.stop();
    }
  });

  test("| head -1 ends the run at once with exit 0", async () => {
    const proc = Bun.spawn(
      [
        "bash",
        "-c",
        `"$0" server-sessions --table ${table} --since 31d --output csv --order none | head -1; echo "\${PIPESTATUS[0]}"`,
        BINARY,
      ],
      { env: env(), stdout: "pipe", stderr: "pipe" },
    );
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    expect(out.split("\n")[0]).toStartWith("id,user,");
    expect(out.split("\n")[1]).toBe("0");
    expect(err).toBe("");
  });

  test("--order newest|none only", async () => {
    const result = await runBinary(["server-sessions", "--table", table, "--order", "oldest"], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: invalid --order "oldest": use one of newest, none\n');
  });
});

describe("the human table on a terminal", () => {
  // A pseudo-terminal for stdout, so the program sees a TTY (python3's pty module).
  const ON_PTY = `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
seen = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
`;
  let wide: string;
  beforeAll(async () => {
    wide = await freshTable("wide", [
      item({
        id: "00000000000000f1",
        user: "alice-with-a-very-long-name",
        profile: "production-administrator-role-x",
        status: "active",
        created_at: "2026-01-20T10:00:00Z",
        started_at: "2026-01-20T10:00:00Z",
      }),
      item({
        id: "00000000000000f2",
        user: "bob",
        profile: "dev",
        status: "revoked",
        created_at: "2026-01-20T09:00:00Z",
      }),
    ]);
  });
  afterAll(() => {});

  test("fits COLUMNS=80, widest columns cut first; piped output keeps full width", async () => {
    const args = ["server-sessions", "--table", wide, "--until", "2026-02-01"];
    const proc = Bun.spawn(["python3", "-c", ON_PTY, BINARY, ...args], {
      env: { ...env(), COLUMNS: "80", TERM: "dumb" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const screen = (await new Response(proc.stdout).text()).replaceAll("\r\n", "\n");
    expect(await proc.exited).toBe(0);
    const all = screen.split("\n").filter((l) => l !== "");
    for (const line of all) expect(line.length).toBeLessThanOrEqual(80);
    // At their narrowest, ID 16, USER and PROFILE 8, STATUS 7, STARTED 16 (to the minute), LAST ACCESS 11 (only "-",
    // under "LAST ACCESS") and the gaps take 76 columns: REQUESTS (8 and a gap) does not fit and is named in a note.
    expect(all.filter((l) => l.startsWith("note: "))).toEqual(["note: REQUESTS left out to fit 80 columns"]);
    const lines = all.filter((l) => !l.startsWith("note: "));
    expect(lines.length).toBe(3);
    expect(lines[0]).toStartWith("ID ");
    expect(lines[1]).toStartWith("00000000000000f1 ");
    expect(screen).toContain("...");
    const piped = await runBinary(args, env());
    const pipedLines = piped.stdout.split("\n").filter((l) => l !== "");
    expect(Math.max(...pipedLines.map((l) => l.length))).toBeGreaterThan(80);
    expect(pipedLines[0]).toContain("STARTED (UTC)");
    expect(piped.stdout).toContain("production-administra...");
  });
});
