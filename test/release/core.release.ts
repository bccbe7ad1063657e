// The end-to-end suite's core cases, run against one release binary (the
// target SENTINEL_RELEASE_TARGET names, test/release/target.ts) with the same
// expectations as dist/sentinel on Linux: the fixtures, reference models and
// expected values of test/e2e and test/support. Run by scripts/release-check.sh
// (`make release-check`), not by `make test`: the file name is not a *.test.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { auditArgs, categoriesOf, expectedCategories, fixtureTable, writeTrailLogs } from "../support/audit-fixture.ts";
import { csvIds } from "../support/csv-ids.ts";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { startFakeSts } from "../support/fake-sts.ts";
import { silentEndpoint } from "../support/http-requests.ts";
import { expectedIds } from "../support/reference.ts";
import { dayEdgeItems, USAGE_ERRORS } from "../support/shared-cases.ts";
import { releaseTarget, runTarget, shellCommand, shellQuote } from "./target.ts";

const target = releaseTarget();
const env = (extra: Record<string, string> = {}) => target.env({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), ...extra });
const run = (args: string[], environment = env()) => runTarget(target, args, environment);
const DIR = target.tempDir("core");
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const HEADER =
  "id,user,profile,status,started_at,last_access_at,expires_at,request_count,server_instance_id,source_identity";

function expectOneErrorLine(stderr: string, text: string) {
  expect(stderr).toBe(`error: ${text}\n`);
}

/** Runs a bash command line, giving its stdout, stderr and status. */
async function bash(line: string, environment = env()) {
  const proc = Bun.spawn(["bash", "-c", line], { env: environment, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

test("--version names the build target", async () => {
  const result = await run(["--version"], target.env());
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const version = JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8")).version;
  expect(result.stdout).toBe(`sentinel ${version} (${gitCommit()}, ${target.label})\n`);
});

function gitCommit(): string {
  const made = Bun.spawnSync(["git", "rev-parse", "--short=7", "HEAD"], { cwd: import.meta.dir });
  return made.exitCode === 0 ? made.stdout.toString().trim() : "unknown";
}

describe("an export in every format", () => {
  // Two sessions with every field, written by hand; the expected bytes below are too.
  let table: string;
  beforeAll(async () => {
    table = await freshTable("release-formats", [
      item({
        id: "00000000000000a1",
        user: "alice",
        profile: "prod",
        status: "active",
        started_at: "2026-01-20T10:30:00.250Z",
        last_access_at: "2026-01-20T11:00:00Z",
        expires_at: "2026-01-20T22:30:00+02:00",
        created_at: "2026-01-20T10:30:00.250Z",
        request_count: 42,
        server_instance_id: "i-0abc",
        source_identity: "sentinel:alice:direct:r1",
      }),
      item({
        id: "00000000000000b2",
        user: "josé😀",
        profile: "=cmd",
        status: "revoked",
        started_at: "2026-01-19T08:00:00Z",
        last_access_at: "2026-01-19T09:00:00.5Z",
        expires_at: "2026-01-19T20:00:00Z",
        created_at: "2026-01-19T08:00:00Z",
        request_count: 0,
        server_instance_id: 'i-"1",x',
        source_identity: "line1\nline2",
      }),
    ]);
  });
  const exportAs = (format: string, ...extra: string[]) =>
    run([
      "server-sessions",
      "--table",
      table,
      "--since",
      "2026-01-19",
      "--until",
      "2026-01-20",
      "--output",
      format,
      ...extra,
    ]);
  const rowA = {
    id: "00000000000000a1",
    user: "alice",
    profile: "prod",
    status: "active",
    started_at: "2026-01-20T10:30:00.25Z",
    last_access_at: "2026-01-20T11:00:00Z",
    expires_at: "2026-01-20T20:30:00Z",
    request_count: 42,
    server_instance_id: "i-0abc",
    source_identity: "sentinel:alice:direct:r1",
  };
  const rowB = {
    id: "00000000000000b2",
    user: "josé😀",
    profile: "=cmd",
    status: "revoked",
    started_at: "2026-01-19T08:00:00Z",
    last_access_at: "2026-01-19T09:00:00.5Z",
    expires_at: "2026-01-19T20:00:00Z",
    request_count: 0,
    server_instance_id: 'i-"1",x',
    source_identity: "line1\nline2",
  };

  test("csv: RFC 4180 quoting, LF line ends, UTF-8, seconds in UTC, formula guard on", async () => {
    const result = await exportAs("csv");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${HEADER}\n` +
        "00000000000000a1,alice,prod,active,2026-01-20T10:30:00Z,2026-01-20T11:00:00Z,2026-01-20T20:30:00Z,42,i-0abc,sentinel:alice:direct:r1\n" +
        `00000000000000b2,josé😀,'=cmd,revoked,2026-01-19T08:00:00Z,2026-01-19T09:00:00Z,2026-01-19T20:00:00Z,0,"i-""1"",x","line1\nline2"\n`,
    );
  });

  test("csv --no-formula-guard keeps a leading = as stored", async () => {
    const result = await exportAs("csv", "--no-formula-guard");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[2]).toStartWith("00000000000000b2,josé😀,=cmd,revoked,");
  });

  test("json: indented 2 spaces, stored fractions kept, LF line ends", async () => {
    const result = await exportAs("json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${JSON.stringify({ sessions: [rowA, rowB] }, null, 2)}\n`);
  });

  test("ndjson: one compact object per line", async () => {
    const result = await exportAs("ndjson");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${JSON.stringify(rowA)}\n${JSON.stringify(rowB)}\n`);
  });

  test("human: heading and one line per session, LF line ends, control characters replaced", async () => {
    const result = await exportAs("human");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.length).toBe(4);
    expect(lines[0]).toMatch(/^ID +USER +PROFILE +STATUS +STARTED \(UTC\) +LAST ACCESS \(UTC\) +REQUESTS$/);
    expect(lines[1]).toMatch(/^00000000000000a1 +alice +prod +active +2026-01-20 10:30:00 +2026-01-20 11:00:00 +42$/);
    expect(lines[2]).toMatch(/^00000000000000b2 +josé😀 +=cmd +revoked +2026-01-19 08:00:00 +2026-01-19 09:00:00 +0$/);
    expect(lines[3]).toBe("");
    expect(result.stdout).not.toContain("\r");
  });
});

describe("windows to the nanosecond", () => {
  // test/e2e/time-values.test.ts's table and expectations.
  let table: string;
  beforeAll(async () => {
    table = await freshTable("release-times", dayEdgeItems());
  });
  test.each([
    [
      ["--since", "2026-11-27", "--until", "2026-11-27"],
      ["a4", "a5", "a3", "a2"],
    ],
    [
      ["--until", "2026-11-27"],
      ["a4", "a5", "a3", "a2", "a1"],
    ],
    [["--since", "0001-01-01", "--until", "2026-11-26"], ["a1"]],
    [
      ["--since", "2026-11-27T23:59:59.999999999Z", "--until", "2026-11-28T00:00:00Z"],
      ["a6", "a4"],
    ],
    [["--since", "2026-11-27T23:59:59.999999998Z", "--until", "2026-11-27T23:59:59.999999999Z"], ["a4"]],
    [["--since", "2026-11-27T23:59:59.999999998Z", "--until", "2026-11-27T23:59:59.999999998Z"], []],
  ])("%p gives %p", async (window, ids) => {
    const result = await run(["server-sessions", "--table", table, "--output", "csv", ...window]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(csvIds(result.stdout)).toEqual(ids.map((id) => `00000000000000${id}`));
  });
});

describe("limits and notes", () => {
  const NOW = new Date();
  let items: Record<string, AttributeValue>[];
  let table: string;
  beforeAll(async () => {
    items = [...generateSessions({ count: 300, now: NOW, days: 10, seed: 11 })];
    table = await freshTable("release-limits", items);
  });
  const args = () => ["server-sessions", "--table", table, "--until", "2099-01-01", "--output", "csv"];

  test("--limit 100: the 100 newest, and the note on stderr", async () => {
    const result = await run([...args(), "--limit", "100"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("note: showing the 100 newest of 300 matching sessions; --limit 0 shows all\n");
    expect(csvIds(result.stdout)).toEqual(expectedIds(items, { until: new Date("2099-01-01T23:59:59.999Z") }, 100));
  });

  test("--quiet drops the note, not the rows", async () => {
    const result = await run([...args(), "--limit", "100", "--quiet"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(csvIds(result.stdout).length).toBe(100);
  });

  test("an export is complete by default: no limit, no note", async () => {
    const result = await run(args());
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(csvIds(result.stdout)).toEqual(expectedIds(items, { until: new Date("2099-01-01T23:59:59.999Z") }));
  });

  test("the human table shows the 100 newest by default and says so", async () => {
    const result = await run(["server-sessions", "--table", table, "--until", "2099-01-01"]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").length).toBe(102);
    expect(result.stderr).toBe("note: showing the 100 newest of 300 matching sessions; --limit 0 shows all\n");
  });
});

test("malformed items: rows in full, one warning, exit 3", async () => {
  const broken = await freshTable("release-malformed", [
    item({ id: "00000000000000f1", created_at: "2026-01-20T10:00:00Z" }),
    item({ id: "00000000000000f2", created_at: "2026-02-30T00:00:00Z" }),
    item({ id: "x\u001b[31mred" }),
  ]);
  const result = await run(["server-sessions", "--table", broken, "--until", "2099-01-01", "--output", "csv"]);
  expect(result.code).toBe(3);
  expect(csvIds(result.stdout)).toEqual(["00000000000000f1"]);
  expect(result.stderr).toBe(
    'warning: skipped 2 malformed session item(s): 00000000000000f2 (created_at "2026-02-30T00:00:00Z": no such date), x\\u001b[31mred (created_at: missing)\n',
  );
});

describe("usage errors and exit statuses", () => {
  // test/e2e/binary.test.ts's messages.
  test.each(USAGE_ERRORS)("%p is a usage error (exit 2)", async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expectOneErrorLine(result.stderr, message);
  });

  test("no arguments: usage on stderr, exit 2", async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Usage:");
  });

  test("a missing table is exit 1 naming table and region", async () => {
    const result = await run(["server-sessions", "--table", "no-such-table", "--since", "1d", "--region", "eu-west-1"]);
    expect(result.code).toBe(1);
    expectOneErrorLine(result.stderr, 'table "no-such-table" not found in eu-west-1: check --table and --region');
  });

  test("an unreachable endpoint is exit 1", async () => {
    const result = await run([
      "server-sessions",
      "--table",
      "sentinel-sessions",
      "--since",
      "1d",
      "--endpoint-url",
      "http://127.0.0.1:1",
    ]);
    expect(result.code).toBe(1);
    if (target.windows) {
      // Wine never reports a refused connection to a Windows program (node:net
      // waits forever, fetch sees ECONNRESET), so the run ends the way a reset
      // does; Windows itself refuses the connection as Linux does.
      expect(result.stderr).toMatch(/^error: [^\n]* at http:\/\/127\.0\.0\.1:1 [^\n]*\n$/);
      return;
    }
    expectOneErrorLine(
      result.stderr,
      "cannot reach DynamoDB at http://127.0.0.1:1 (ECONNREFUSED): check --endpoint-url, --region and the network",
    );
  });

  test("no credentials is exit 1 with the fix", async () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...noKeys } = env();
    const result = await run(["server-sessions", "--table", "sentinel-sessions", "--since", "1d"], noKeys);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: no AWS credentials found: [^\n]+\n$/);
  });
});

test("on a terminal, stored and typed text reaches it as UTF-8 (the console's code page)", async () => {
  // script(1) gives the binary a terminal; Wine turns it into a Windows console.
  const line = shellCommand(target, ["server-sessions", "--table", "séssions"]);
  const result = await bash(`script -qec ${shellQuote(line)} /dev/null`, { ...env(), LANG: "C.UTF-8", TERM: "xterm" });
  expect(result.code).toBe(2);
  expect(result.stdout).toContain('error: invalid --table "séssions": ');
});

describe("stdout", () => {
  let big: string;
  beforeAll(async () => {
    // About 170 KB of CSV: more than a pipe holds.
    big = await freshTable("release-stdout", generateSessions({ count: 1_000, now: new Date(), days: 10, seed: 7 }));
  });
  const exportArgs = () => ["server-sessions", "--table", big, "--until", "2099-01-01", "--output", "csv"];

  test("a reader closing the pipe early (| head -1) is exit 0 with nothing on stderr", async () => {
    const result = await bash(`${shellCommand(target, exportArgs())} | head -1; echo "status=\${PIPESTATUS[0]}" >&2`);
    expect(result.stdout).toBe(`${HEADER}\n`);
    expect(result.stderr).toBe("status=0\n");
  });

  test("a closed stdout (>&-) fails with one error line instead of discarding the export", async () => {
    const result = await bash(`exec ${shellCommand(target, exportArgs())} >&-`);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: cannot write output: stdout is closed: redirect it to a file or a pipe\n");
  });

  test("stdout sent to /dev/null is not a closed stdout", async () => {
    const result = await bash(`exec ${shellCommand(target, exportArgs())} >/dev/null`);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  test("stdout to a file holds the export byte for byte", async () => {
    const file = join(DIR, "export.csv");
    const result = await bash(`exec ${shellCommand(target, exportArgs())} > '${file}'`);
    expect(result.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe((await run(exportArgs())).stdout);
  });
});

describe("--manifest", () => {
  const sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Auditor/carol");
  afterAll(() => sts.stop());
  let table: string;
  beforeAll(async () => {
    table = await freshTable("release-manifest", [
      item({ id: "00000000000000a1", user: "alice", created_at: "2026-01-20T10:00:00Z" }),
      item({ id: "00000000000000b1", user: "bob", profile: "=cmd", created_at: "2026-01-19T10:00:00Z" }),
    ]);
  });

  test.each(["csv", "json", "ndjson", "human"])("%s: sha256 and bytes are those of stdout", async (format) => {
    const path = join(DIR, `manifest-${format}.json`);
    const args = [
      "server-sessions",
      "--table",
      table,
      "--until",
      "2026-01-21",
      "--output",
      format,
      "--manifest",
      target.path(path),
    ];
    const result = await run(args, env({ AWS_ENDPOINT_URL_STS: sts.url }));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const manifest = JSON.parse(readFileSync(path, "utf8"));
    expect(manifest.output.sha256).toBe(createHash("sha256").update(Buffer.from(result.stdout)).digest("hex"));
    expect(manifest.output.bytes).toBe(Buffer.byteLength(result.stdout));
    expect(manifest.output.format).toBe(format);
    expect(manifest.command).toEqual(args);
    expect(manifest.rows).toBe(2);
    expect(manifest.exit_status).toBe(0);
    expect(manifest.caller).toEqual({
      arn: "arn:aws:sts::123456789012:assumed-role/Auditor/carol",
      account: "123456789012",
    });
    expect(readFileSync(path, "utf8")).not.toContain("\r");
  });

  test("a manifest in a missing folder is a usage error quoting the path as given", async () => {
    const path = `${target.path(DIR)}${target.windows ? "\\" : "/"}missing${target.windows ? "\\" : "/"}m.json`;
    const result = await run(["server-sessions", "--table", table, "--until", "2026-01-21", "--manifest", path]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith(`error: --manifest "${path}" cannot be written: `);
    expect(result.stderr.split("\n").length).toBe(2);
  });
});

test("server-session shows one session", async () => {
  const table = await freshTable("release-show", [
    item({ id: "00000000000000b1", user: "bob", profile: "dev", created_at: "2026-01-20T10:00:00Z" }),
  ]);
  const json = await run(["server-session", "00000000000000b1", "--table", table, "--output", "json"]);
  expect(json.code).toBe(0);
  expect(JSON.parse(json.stdout)).toMatchObject({ id: "00000000000000b1", user: "bob", profile: "dev" });
  const missing = await run(["server-session", "00000000000000ff", "--table", table]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toStartWith('error: session "00000000000000ff" not found');
});

test("audit --cloudtrail-logs over a trail's folders gives the fixture's categories, exit 4", async () => {
  const table = await fixtureTable("release-audit");
  const trail = join(DIR, "trail");
  writeTrailLogs(trail);
  const result = await run(
    auditArgs(table, "--cloudtrail-logs", target.path(trail), "--all-events", "--output", "ndjson"),
  );
  expect(result.stderr).toBe("");
  expect(result.code).toBe(4);
  const byEvent = (categories: Map<string, string>) => [...categories].sort(([a], [b]) => (a < b ? -1 : 1));
  expect(byEvent(categoriesOf(result.stdout))).toEqual(byEvent(expectedCategories()));
});

test("Ctrl-C (SIGINT) during a read is exit 130 without a stack trace", async () => {
  const silent = await silentEndpoint();
  const proc = Bun.spawn(
    target.command(["server-sessions", "--table", "sentinel-sessions", "--since", "1d", "--endpoint-url", silent.url]),
    { env: env(), stdout: "pipe", stderr: "pipe" },
  );
  await silent.firstRequest;
  proc.kill("SIGINT");
  const code = await proc.exited;
  const stderr = await new Response(proc.stderr).text();
  silent.stop();
  expect(stderr).toBe("error: interrupted\n");
  expect(code).toBe(130);
});
