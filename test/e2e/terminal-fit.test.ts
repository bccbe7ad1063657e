// Human tables and the progress line on a terminal of 40 to 200 columns: the
// binary runs on a pseudo-terminal of that size (python3's pty module), the
// table on DynamoDB Local, and no line it draws is wider than the terminal.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditArgs, fixtureTable, writeTrailLogs } from "../support/audit-fixture.ts";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { BINARY, binaryEnv, runBinary } from "../support/run-binary.ts";

// Runs argv with stdout or stderr (the other a pipe) on a pty of `cols` columns;
// prints {"code", "tty", "pipe"} as JSON.
const ON_PTY = `
import fcntl, json, os, pty, struct, subprocess, sys, termios, threading
cols, which, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
on_tty = {"stdout": slave if which == "stdout" else subprocess.PIPE, "stderr": slave if which == "stderr" else subprocess.PIPE}
proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, **on_tty)
os.close(slave)
piped = {}
pipe = proc.stderr if which == "stdout" else proc.stdout
reader = threading.Thread(target=lambda: piped.setdefault("text", pipe.read()))
reader.start()
seen = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
reader.join()
code = proc.wait()
print(json.dumps({"code": code, "tty": seen.decode("utf-8", "replace"), "pipe": piped["text"].decode("utf-8", "replace")}))
`;

type OnTerminal = { code: number; tty: string; pipe: string };

async function onTerminal(
  cols: number,
  which: "stdout" | "stderr",
  args: string[],
  env: Record<string, string>,
): Promise<OnTerminal> {
  const proc = Bun.spawn(["python3", "-c", ON_PTY, String(cols), which, BINARY, ...args], {
    env: binaryEnv(env),
    stdout: "pipe",
    stderr: "inherit",
    stdin: "ignore",
  });
  const [text, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new Error(`pty runner failed (${code})`);
  return JSON.parse(text) as OnTerminal;
}

// Display columns, counted here independently of the program: CJK, kana,
// Hangul and fullwidth forms take two, everything else one.
function columnsOf(text: string): number {
  let n = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0x20000 && code <= 0x3fffd);
    n += wide ? 2 : 1;
  }
  return n;
}

const screenLines = (tty: string) => tty.replaceAll("\r\n", "\n").split("\n").slice(0, -1);

const WIDTHS = [40, 60, 80, 200];
const IDS = ["00000000000000a1", "00000000000000a2", "00000000000000a3"];
let table: string;
let auditTable: string;
let logs: string;

beforeAll(async () => {
  table = await freshTable("terminal-fit", [
    item({
      id: IDS[0] as string,
      user: "alice",
      profile: "production-admin-role",
      status: "active",
      created_at: "2026-01-20T10:00:00Z",
      started_at: "2026-01-20T10:00:05Z",
      last_access_at: "2026-01-20T11:59:30Z",
      request_count: 1234,
      server_instance_id: "i-0123456789abcdef0",
      source_identity: "sentinel:alice:direct:0123456789abcdef",
      device_id: "laptop-7f3a",
    }),
    item({
      id: IDS[1] as string,
      user: "山田太郎",
      profile: "経理-読み取り専用",
      status: "revoked",
      created_at: "2026-01-19T08:30:00Z",
      started_at: "2026-01-19T08:30:00Z",
      last_access_at: "2026-01-19T09:15:45Z",
      request_count: 7,
      revoked_by: "security-oncall",
      revoked_reason: "ノートパソコンの紛失 (lost laptop)",
    }),
    item({ id: IDS[2] as string, user: "bob", status: "expired", created_at: "2026-01-18T00:00:00Z" }),
  ]);
  auditTable = await fixtureTable("terminal-fit-audit");
  logs = mkdtempSync(join(tmpdir(), "sentinel-fit-"));
  writeTrailLogs(logs);
});

afterAll(() => rmSync(logs, { recursive: true, force: true }));

const listing = (...extra: string[]) => [
  "server-sessions",
  "--table",
  table,
  "--since",
  "2026-01-01T00:00:00Z",
  "--until",
  "2026-02-01T00:00:00Z",
  ...extra,
];
const dynamoEnv = () => ({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() });

test.each(WIDTHS)(
  "the sessions table fits a terminal of %p columns, IDs whole, times at least to the minute",
  async (cols) => {
    const r = await onTerminal(cols, "stdout", listing(), dynamoEnv());
    expect(r.code).toBe(0);
    const lines = screenLines(r.tty);
    expect(lines).toHaveLength(1 + IDS.length);
    for (const line of lines) expect(columnsOf(line)).toBeLessThanOrEqual(cols);
    expect(lines[0]).toStartWith("ID  ");
    for (const id of IDS) expect(lines.some((line) => line.startsWith(`${id}  `))).toBe(true);
    // A time is shown to the minute or not at all, never cut into its date.
    expect(r.tty).not.toMatch(/\d{4}-\d\d-\d\d(?: \d?\d?)?\.\.\./);
    if (lines[0]?.includes("STARTED")) expect(lines[1]).toMatch(/ 2026-01-20 10:00(:05)? {2}/);
    if (cols >= 80) expect(lines[0]).toContain("STARTED");
    // Whatever was left out is named in one note.
    const header = lines[0] as string;
    const missing = ["USER", "PROFILE", "STATUS", "STARTED", "LAST ACCESS", "REQUESTS"].filter(
      (t) => !header.includes(t),
    );
    if (missing.length === 0) expect(r.pipe).toBe("");
    else {
      expect(r.pipe.split("\n").filter((l) => l.startsWith("note: "))).toHaveLength(1);
      for (const title of missing) expect(r.pipe).toContain(title);
    }
  },
);

test("at 200 columns the default table is shown whole, as on a pipe", async () => {
  const tty = await onTerminal(200, "stdout", listing(), dynamoEnv());
  const piped = await runBinary(listing(), binaryEnv(dynamoEnv()));
  expect(tty.tty.replaceAll("\r\n", "\n")).toBe(piped.stdout);
  expect(piped.stdout.split("\n")[0]).toBe(
    "ID                USER      PROFILE                STATUS   STARTED (UTC)        LAST ACCESS (UTC)    REQUESTS",
  );
});

test.each(WIDTHS)("--columns all fits a terminal of %p columns and names what it left out", async (cols) => {
  const r = await onTerminal(cols, "stdout", listing("--columns", "all"), dynamoEnv());
  expect(r.code).toBe(0);
  const lines = screenLines(r.tty);
  expect(lines).toHaveLength(1 + IDS.length);
  for (const line of lines) expect(columnsOf(line)).toBeLessThanOrEqual(cols);
  for (const id of IDS) expect(lines.some((line) => line.startsWith(`${id}  `))).toBe(true);
  // Seventeen columns never fit 200: the note names the ones left out, and the heading has none of them.
  const notes = r.pipe.split("\n").filter((l) => l.startsWith("note: "));
  expect(notes).toHaveLength(1);
  const leftOut = /^note: (.*) left out to fit (\d+) columns$/.exec(notes[0] as string);
  expect(leftOut?.[2]).toBe(String(cols));
  const titles = (leftOut?.[1] ?? "").split(", ");
  expect(titles.length).toBeGreaterThan(0);
  for (const title of titles) expect(lines[0]).not.toContain(title.replace(" (UTC)", ""));
});

test.each(WIDTHS)("the audit's findings table fits a terminal of %p columns", async (cols) => {
  const args = auditArgs(auditTable, "--cloudtrail-logs", logs);
  const r = await onTerminal(cols, "stdout", args, dynamoEnv());
  expect(r.code).toBe(4);
  const lines = screenLines(r.tty);
  for (const line of lines) expect(columnsOf(line)).toBeLessThanOrEqual(cols);
  const header = lines.findIndex((line) => line.startsWith("EVENT TIME"));
  expect(header).toBeGreaterThan(0);
  expect(lines[header]).toContain("ROLE");
  // Every finding shows its time to the minute at least and its role's name.
  for (const line of lines.slice(header + 1)) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z /);
});

test("off a terminal the audit table keeps every role name whole", async () => {
  const r = await runBinary(auditArgs(auditTable, "--cloudtrail-logs", logs), binaryEnv(dynamoEnv()));
  const ndjson = await runBinary(
    auditArgs(auditTable, "--cloudtrail-logs", logs, "--output", "ndjson"),
    binaryEnv(dynamoEnv()),
  );
  const names = ndjson.stdout
    .split("\n")
    .slice(0, -1)
    .map((line) => (JSON.parse(line) as { role_arn: string }).role_arn.replace(/^.*\//, ""));
  expect(names.length).toBeGreaterThan(0);
  const table = r.stdout.split("\n");
  const start = table.findIndex((line) => line.startsWith("EVENT TIME"));
  const rows = table.slice(start + 1, -1);
  expect(rows).toHaveLength(names.length);
  for (const [i, line] of rows.entries()) expect(line).toContain(`/${names[i]}`);
});

// A terminal's screen after `raw`: \r, \n, ESC[2K (erase the line) and text,
// wrapping (and counting it) where a character would pass the last column.
function replay(raw: string, cols: number): { rows: string[]; wraps: number } {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  let wraps = 0;
  for (let i = 0; i < raw.length; ) {
    if (raw.startsWith("\u001b[2K", i)) {
      rows[row] = [];
      i += 4;
      continue;
    }
    const char = String.fromCodePoint(raw.codePointAt(i) as number);
    i += char.length;
    if (char === "\r") col = 0;
    else if (char === "\n") rows[++row] ??= [];
    else {
      const width = columnsOf(char);
      if (col + width > cols) {
        wraps++;
        rows[++row] ??= [];
        col = 0;
      }
      (rows[row] as string[])[col] = char;
      col += width;
    }
  }
  return { rows: rows.map((cells) => cells.join("").trimEnd()), wraps };
}

// Passes requests on to DynamoDB Local, each Scan answer after 400 ms: a read of
// many pages then lasts long enough (over a second) to show progress.
function slowScans(upstream: string) {
  return Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.delete("host");
      const answer = await fetch(`${upstream}${url.pathname}`, {
        method: request.method,
        headers,
        body: await request.arrayBuffer(),
      });
      const body = await answer.arrayBuffer();
      if (request.headers.get("x-amz-target")?.endsWith(".Scan") === true) {
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      const back = new Headers(answer.headers);
      for (const name of ["content-length", "content-encoding", "transfer-encoding", "connection"]) back.delete(name);
      return new Response(body, { status: answer.status, headers: back });
    },
  });
}

test("the progress line fits narrow terminals, shows the share read and the time left, and leaves nothing behind", async () => {
  const items = Array.from({ length: 4_000 }, (_, i) =>
    item({
      id: i.toString(16).padStart(16, "0"),
      user: i % 2 === 0 ? "alice" : "山田太郎",
      status: "active",
      created_at: "2026-01-20T10:00:00Z",
    }),
  );
  const big = await freshTable("terminal-fit-progress", items);
  const proxy = slowScans(endpoint());
  try {
    for (const cols of [30, 40, 60]) {
      // 500-item pages, one segment: eight pages of 400 ms or more.
      const args = [...listing("--segments", "1", "--order", "none", "--output", "csv")];
      args[2] = big;
      const r = await onTerminal(cols, "stderr", args, { AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${proxy.port}` });
      expect(r.code).toBe(0);
      expect(r.pipe.split("\n")).toHaveLength(1 + items.length + 1);
      const drawn = r.tty.split("\r\u001b[2K").filter((line) => line !== "");
      expect(drawn.length).toBeGreaterThanOrEqual(2);
      for (const line of drawn) {
        expect(columnsOf(line)).toBeLessThan(cols);
        // Once all 4,000 are read, the count is past the estimate and no share is shown.
        if (!line.startsWith("4,000 read")) expect(line).toMatch(/\b\d{1,2}%.* \d+s left$/);
        const share = /^([\d,]+) read \((\d+)%\)/.exec(line);
        if (share !== null)
          expect(Number(share[2])).toBe(Math.floor((Number(share[1]?.replaceAll(",", "")) / 4_000) * 100));
      }
      expect(drawn.some((line) => line.includes("%"))).toBe(true);
      const screen = replay(r.tty, cols);
      expect(screen.wraps).toBe(0);
      expect(screen.rows.filter((row) => row !== "")).toEqual([]);
    }
  } finally {
    proxy.stop(true);
  }
}, 120_000);
