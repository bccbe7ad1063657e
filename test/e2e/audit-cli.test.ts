// `sentinel audit untracked-sessions` through the compiled binary: exit statuses,
// refused input, malformed events, terminal safety, and --sessions-from an archive.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DeleteItemCommand } from "@aws-sdk/client-dynamodb";
import { allEvents, assumeRole, CASES, SINCE, UNTIL } from "../fixtures/cloudtrail/assume-role-events.ts";
import { auditArgs, categoriesOf, expectedCategories, fixtureTable, writeTrailLogs } from "../support/audit-fixture.ts";
import { endpoint, testClient } from "../support/dynamo.ts";
import { startFakeCloudTrail } from "../support/fake-cloudtrail.ts";
import { binaryEnv, runBinary, runInto, runIntoClosedPipe } from "../support/run-binary.ts";

let table: string;
let dir: string;
const trail = () => join(dir, "trail");

beforeAll(async () => {
  table = await fixtureTable("audit-e2e");
  dir = mkdtempSync(join(tmpdir(), "sentinel-audit-e2e-"));
  writeTrailLogs(trail());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const audit = (...args: string[]) => auditArgs(table, ...args);

/** A trail folder with one plain log file of these records (or this exact text). */
function logsWith(name: string, body: string | unknown[]): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "log.json"), typeof body === "string" ? body : JSON.stringify({ Records: body }));
  return folder;
}

const tracked = CASES.find((c) => c.record.eventID === "case-tag-found")?.record as Record<string, unknown>;

test("exit 0 and 'No findings.' when every event is tracked", async () => {
  const r = await runBinary(audit("--cloudtrail-logs", logsWith("clean", [tracked])));
  expect(r.stderr).toBe("");
  expect(r.stdout).toContain("No findings.");
  expect(r.code).toBe(0);
});

test("exit 3 when malformed events were skipped, named in one warning line", async () => {
  const body = `{"Records": [${JSON.stringify(tracked)}, {"eventSource": "sts.amazonaws.com", "eventName": "AssumeRole", "eventID": "no-time"}, {"eventID": "broken", "eventTime": }]}`;
  const r = await runBinary(audit("--cloudtrail-logs", logsWith("malformed", body), "--output", "csv"));
  expect(r.code).toBe(3);
  expect(r.stderr).toBe("warning: skipped 2 malformed CloudTrail event(s): log.json record 3, no-time\n");
  expect(r.stdout.split("\n")[0]).toStartWith("event_id,event_time,category,");
});

test("exit 3 for CloudTrailEvent text that is not JSON, through the API", async () => {
  const fake = startFakeCloudTrail({
    events: {
      "us-east-1": [
        tracked,
        { rawCloudTrailEvent: "{not json", eventId: "raw-not-json", eventTime: "2026-01-20T09:00:00Z" },
      ],
    },
  });
  try {
    const r = await runBinary(
      audit("--trail-region", "us-east-1"),
      binaryEnv({ AWS_ENDPOINT_URL_CLOUDTRAIL: fake.url }),
    );
    expect(r.stderr).toBe("warning: skipped 1 malformed CloudTrail event(s): raw-not-json\n");
    expect(r.code).toBe(3);
  } finally {
    fake.stop();
  }
});

test("exit 4 on findings; the human table shows no control characters, csv keeps them exact", async () => {
  const human = await runBinary(audit("--cloudtrail-logs", trail()));
  expect(human.code).toBe(4);
  expect(human.stdout).toContain("untracked");
  expect(human.stdout).toContain("evil?[31mred");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not appear
  expect(human.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  const csv = await runBinary(audit("--cloudtrail-logs", trail(), "--output", "csv"));
  expect(csv.code).toBe(4);
  expect(csv.stdout).toContain("evil\u001b[31mred");
  expect(csv.stdout).toContain(`"curl/8.5\u0007\r\nforged: line"`);
  expect(csv.stdout).toContain(`'=HYPERLINK(""http://x"")`);
});

test("a reader that closes stdout before the findings (| true) leaves exit 4, and 3 for malformed events alone", async () => {
  const findings = await runIntoClosedPipe(audit("--cloudtrail-logs", trail(), "--output", "csv"));
  expect(findings.code).toBe(4);
  const malformed = `{"Records": [${JSON.stringify(tracked)}, {"eventID": "broken", "eventTime": }]}`;
  const skipped = await runIntoClosedPipe(audit("--cloudtrail-logs", logsWith("malformed-closed", malformed)));
  expect(skipped.code).toBe(3);
  const clean = await runIntoClosedPipe(audit("--cloudtrail-logs", logsWith("clean-closed", [tracked])));
  expect(clean.code).toBe(0);
});

test("exit 1 with one error line when CloudTrail cannot be reached", async () => {
  const r = await runBinary(
    audit("--trail-region", "us-east-1", "--timeout", "2s"),
    binaryEnv({ AWS_ENDPOINT_URL_CLOUDTRAIL: "http://127.0.0.1:1" }),
  );
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: cannot reach CloudTrail at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): [^\n]+\n$/);
});

test("exit 1 for a .json.gz that is not gzip, and for one that cannot be read", async () => {
  const notGzip = join(dir, "not-gzip");
  mkdirSync(notGzip);
  writeFileSync(join(notGzip, "a.json.gz"), JSON.stringify({ Records: [] }));
  const r = await runBinary(audit("--cloudtrail-logs", notGzip));
  expect(r.stderr).toBe(
    'error: CloudTrail log file "a.json.gz" is not valid gzip data: fetch it again from the trail\'s bucket\n',
  );
  expect(r.code).toBe(1);
  const locked = join(dir, "locked");
  mkdirSync(locked);
  writeFileSync(join(locked, "b.json.gz"), gzipSync(JSON.stringify({ Records: [] })));
  chmodSync(join(locked, "b.json.gz"), 0o000);
  const asRoot = process.getuid?.() === 0;
  const u = await runBinary(audit("--cloudtrail-logs", locked));
  // root reads any file; then the file is simply empty of records.
  if (asRoot) expect(u.code).toBe(0);
  else {
    expect(u.stderr).toBe('error: cannot read CloudTrail log file "b.json.gz" (EACCES): check its permissions\n');
    expect(u.code).toBe(1);
  }
});

const USAGE: [string, string[], RegExp][] = [
  [
    "--since missing",
    ["audit", "untracked-sessions", "--table", "sentinel-sessions"],
    /^error: --since is required for audit untracked-sessions: e\.g\. --since 7d/,
  ],
  [
    "a reversed window",
    ["audit", "untracked-sessions", "--table", "t-1", "--since", "2026-02-02", "--until", "2026-02-01"],
    /^error: --since "2026-02-02" is after --until "2026-02-01"/,
  ],
  [
    "--role not an ARN",
    ["audit", "untracked-sessions", "--table", "t-1", "--since", "7d", "--role", "prod-admin"],
    /^error: invalid --role "prod-admin": give a role ARN/,
  ],
  [
    "--trail-region not a region",
    ["audit", "untracked-sessions", "--table", "t-1", "--since", "7d", "--trail-region", "US_EAST"],
    /^error: invalid --trail-region "US_EAST": use a region name like us-east-1/,
  ],
  [
    "--cloudtrail-logs not a directory",
    ["audit", "untracked-sessions", "--table", "t-1", "--since", "7d", "--cloudtrail-logs", "/nonexistent/trail"],
    /^error: --cloudtrail-logs "\/nonexistent\/trail" is not a directory/,
  ],
];

test.each(USAGE)("exit 2 with one error line: %s", async (_name, args, message) => {
  const r = await runBinary(args);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.code).toBe(2);
});

test("a report appended to the manifest's .sig is a usage error without --sign-with too; the file keeps its bytes", () => {
  const manifest = join(dir, "audit.manifest.json");
  const sig = `${manifest}.sig`;
  writeFileSync(sig, "an earlier report\n");
  // An unsigned run removes FILE.sig: stdout there would be lost.
  const child = runInto(sig, audit("--cloudtrail-logs", trail(), "--manifest", manifest), binaryEnv(), "append");
  expect(child.stderr).toBe(
    "error: the manifest's signature and stdout are the same file: the report, its manifest and its signature must be different files\n",
  );
  expect(child.code).toBe(2);
  expect(readFileSync(sig, "utf8")).toBe("an earlier report\n");
  expect(existsSync(manifest)).toBe(false);
});

test("--sessions-from a file that is not an export: exit 2; an unreadable one: exit 1", async () => {
  const notExport = join(dir, "not-export.ndjson");
  writeFileSync(notExport, '{"id": "a000000000000001", "user": "alice"}\n');
  const r = await runBinary(audit("--cloudtrail-logs", trail(), "--sessions-from", notExport));
  expect(r.stderr).toBe(
    `error: --sessions-from "${notExport}" is not a session export: line 1 has no "source_identity" text field; give the NDJSON or JSON output of sentinel server-sessions\n`,
  );
  expect(r.code).toBe(2);
  const missing = await runBinary(audit("--cloudtrail-logs", trail(), "--sessions-from", join(dir, "nope.ndjson")));
  expect(missing.stderr).toMatch(/^error: cannot read --sessions-from "[^"]+nope\.ndjson" \(ENOENT\)/);
  expect(missing.code).toBe(1);
});

test("--sessions-from an NDJSON archive gives the table's categories and tracks sessions the table lost", async () => {
  // The archive as a scheduled export writes it (the same with --columns all: id, user and source_identity are kept).
  const archive = await runBinary([
    "server-sessions",
    "--table",
    table,
    "--endpoint-url",
    endpoint(),
    "--since",
    "2026-01-01",
    "--until",
    "2026-02-01",
    "--output",
    "ndjson",
  ]);
  expect(archive.code).toBe(0);
  const file = join(dir, "archive.ndjson");
  writeFileSync(file, archive.stdout);
  const own = await fixtureTable("audit-archive");
  await testClient().send(new DeleteItemCommand({ TableName: own, Key: { id: { S: "a000000000000005" } } }));
  const args = (...extra: string[]) => [
    "audit",
    "untracked-sessions",
    "--table",
    own,
    "--endpoint-url",
    endpoint(),
    "--since",
    SINCE,
    "--until",
    UNTIL,
    "--cloudtrail-logs",
    trail(),
    "--all-events",
    "--output",
    "ndjson",
    ...extra,
  ];
  const live = await runBinary(args());
  const fromArchive = await runBinary(args("--sessions-from", file));
  const expected = expectedCategories(allEvents());
  expect(categoriesOf(fromArchive.stdout)).toEqual(expected);
  expect(fromArchive.code).toBe(4);
  expected.set("case-archived-session", "orphaned");
  expect(categoriesOf(live.stdout)).toEqual(expected);
});

test("help lists the command and its flags; completion offers it", async () => {
  const help = await runBinary(["audit", "untracked-sessions", "--help"]);
  expect(help.code).toBe(0);
  for (const f of ["--since", "--role", "--trail-region", "--cloudtrail-logs", "--sessions-from", "--all-events"]) {
    expect(help.stdout).toContain(f);
  }
  const group = await runBinary(["audit"]);
  expect(group.code).toBe(2);
  expect(group.stderr).toContain("audit untracked-sessions");
  const bash = await runBinary(["completion", "bash"]);
  expect(bash.stdout).toContain("untracked-sessions");
  const assumed = assumeRole({ id: "x", time: "2026-01-20T00:00:00Z" });
  expect(assumed.eventName).toBe("AssumeRole");
});
