// Hostile and broken input: every invocation gets its exit status and exactly
// one `error:` line, and nothing reaches DynamoDB before the input is checked.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer } from "node:net";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

let table: string;
beforeAll(async () => {
  table = await freshTable("badinput", [
    item({ id: "00000000000000a1", user: "alice", created_at: "2026-01-20T10:00:00Z" }),
  ]);
});

// A listener that counts connections: a usage error must be reported before any request is tried.
let connections = 0;
const listener = createServer((socket) => {
  connections++;
  socket.destroy();
});
await new Promise<void>((done) => listener.listen(0, "127.0.0.1", done));
afterAll(() => listener.close());
const NOWHERE = `http://127.0.0.1:${(listener.address() as { port: number }).port}`;
const L = (...args: string[]) => [
  "server-sessions",
  "--table",
  "sentinel-sessions",
  "--endpoint-url",
  NOWHERE,
  ...args,
];
const S = (...args: string[]) => ["server-session", ...args, "--table", "sentinel-sessions", "--endpoint-url", NOWHERE];

const USAGE: [string, string[], string][] = [
  ["unknown flag", L("--bogus"), 'unknown flag "--bogus" for server-sessions: run sentinel server-sessions --help'],
  ["misspelt flag", L("--stauts", "active"), 'unknown flag "--stauts" for server-sessions: did you mean "--status"?'],
  [
    "misspelt negation",
    L("--no-formula-guards"),
    'unknown flag "--no-formula-guards" for server-sessions: did you mean "--no-formula-guard"?',
  ],
  ["unknown short flag", L("-x"), 'unknown flag "-x" for server-sessions'],
  ["unknown command", ["sessions"], 'unknown command "sessions"'],
  ["misspelt command", ["server-sesions"], 'unknown command "server-sesions": did you mean "server-sessions"?'],
  ["stray argument", L("extra"), 'unexpected argument "extra" for server-sessions'],
  ["arguments after --", L("--since", "3d", "--limit", "0", "--", "--user", "bob"), 'takes no arguments after "--"'],
  ["switch with a value", L("--quiet=no"), "--quiet takes no value"],
  ["--table empty", ["server-sessions", "--table", "", "--since", "1d"], 'invalid --table ""'],
  ["--table too short", ["server-sessions", "--table", "ab"], 'invalid --table "ab"'],
  ["--table with a space", ["server-sessions", "--table", "my table"], 'invalid --table "my table"'],
  ["--table with a slash", ["server-sessions", "--table", "a/b/c"], 'invalid --table "a/b/c"'],
  ["--table too long", ["server-sessions", "--table", "t".repeat(256)], "invalid --table"],
  ["--table unicode", ["server-sessions", "--table", "séssions"], 'invalid --table "séssions"'],
  ["--table without value", ["server-sessions", "--table"], "--table needs a value"],
  ["--table twice", [...L(), "--table", "other-table"], "--table given more than once"],
  ["SENTINEL_SESSION_TABLE odd", ["server-sessions", "--since", "1d"], 'invalid SENTINEL_SESSION_TABLE "x"'],
  ["--region odd", L("--region", "US_EAST_1"), 'invalid --region "US_EAST_1"'],
  ["--region empty", L("--region", ""), 'invalid --region ""'],
  ["--status unknown", L("--status", "paused"), 'invalid --status "paused"'],
  ["--status case", L("--status", "Active"), 'invalid --status "Active"'],
  ["--status empty", L("--status", ""), 'invalid --status ""'],
  ["--user empty", L("--user", ""), 'invalid --user ""'],
  ["--user too long", L("--user", "u".repeat(2049)), "invalid --user"],
  ["--user without value", L("--user"), "--user needs a value"],
  ["--user twice", L("--user", "a", "--user", "b"), "--user given more than once"],
  ["--profile empty", L("--profile", ""), 'invalid --profile ""'],
  ["--since empty", L("--since", ""), 'invalid --since ""'],
  ["--since words", L("--since", "last week"), 'invalid --since "last week"'],
  ["--since zero", L("--since", "0s"), 'invalid --since "0s"'],
  ["--since negative", L("--since", "-7d"), 'invalid --since "-7d"'],
  ["--since impossible date", L("--since", "2026-02-30"), 'invalid --since "2026-02-30"'],
  ["--since hour 24", L("--since", "2026-01-20T24:00:00Z"), 'invalid --since "2026-01-20T24:00:00Z"'],
  ["--since no zone", L("--since", "2026-01-20T10:00:00"), 'invalid --since "2026-01-20T10:00:00"'],
  ["--until garbage", L("--until", "soon"), 'invalid --until "soon"'],
  [
    "window reversed",
    L("--since", "2026-02-01", "--until", "2026-01-01"),
    '--since "2026-02-01" is after --until "2026-01-01"',
  ],
  ["window in the future", L("--since", "2099-01-01"), '--since "2099-01-01" is after --until "now"'],
  ["--limit negative", L("--limit", "-1"), 'invalid --limit "-1"'],
  ["--limit decimal", L("--limit", "1.5"), 'invalid --limit "1.5"'],
  ["--limit exponent", L("--limit", "1e3"), 'invalid --limit "1e3"'],
  ["--limit words", L("--limit", "all"), 'invalid --limit "all"'],
  ["--limit empty", L("--limit", ""), 'invalid --limit ""'],
  ["--limit huge", L("--limit", "99999999999999999999"), 'invalid --limit "99999999999999999999"'],
  ["--output unknown", L("--output", "yaml"), 'invalid --output "yaml"'],
  ["--format unknown", L("--format", "XML"), 'invalid --output "XML"'],
  ["--output and --format", L("--output", "csv", "--format", "json"), "--output given more than once"],
  ["--segments zero", L("--segments", "0"), 'invalid --segments "0"'],
  ["--segments too many", L("--segments", "65"), 'invalid --segments "65"'],
  ["--segments words", L("--segments", "four"), 'invalid --segments "four"'],
  [
    "--endpoint-url not a URL",
    ["server-sessions", "--table", "sentinel-sessions", "--endpoint-url", "localhost:8000"],
    'invalid --endpoint-url "localhost:8000"',
  ],
  [
    "--endpoint-url ftp",
    ["server-sessions", "--table", "sentinel-sessions", "--endpoint-url", "ftp://127.0.0.1"],
    'invalid --endpoint-url "ftp://127.0.0.1"',
  ],
  ["--timeout zero", L("--timeout", "0s"), 'invalid --timeout "0s"'],
  ["--timeout no unit", L("--timeout", "30"), 'invalid --timeout "30"'],
  ["--timeout too long", L("--timeout", "2h"), 'invalid --timeout "2h"'],
  ["--aws-profile control chars", L("--aws-profile", "a\nb"), "invalid --aws-profile"],
  ["server-session no id", ["server-session", "--table", "sentinel-sessions"], "server-session needs a session ID"],
  ["server-session short id", S("abc"), 'invalid session ID "abc"'],
  ["server-session injection id", S("' OR 1=1 --"), `invalid session ID "' OR 1=1 --"`],
  ["server-session two ids", S("0123456789abcdef", "0123456789abcdee"), 'unexpected argument "0123456789abcdee"'],
  ["server-session csv", S("0123456789abcdef", "--output", "csv"), 'invalid --output "csv"'],
  ["server-session list flag", S("0123456789abcdef", "--since", "1d"), 'unknown flag "--since" for server-session'],
];

test.each(USAGE)("%s: exit 2, one error line", async (_, args, message) => {
  const env = binaryEnv(_ === "SENTINEL_SESSION_TABLE odd" ? { SENTINEL_SESSION_TABLE: "x" } : {});
  const before = connections;
  const result = await runBinary(args, env);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toStartWith("error: ");
  expect(result.stderr).toContain(message);
  expect(result.stderr.split("\n")).toEqual([expect.any(String), ""]);
  expect(result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(connections - before).toBe(0);
});

const RUNTIME: [string, string[], string][] = [
  [
    "missing table",
    ["server-sessions", "--table", "no-such-table", "--since", "1d"],
    'table "no-such-table" not found in us-east-1',
  ],
  ["missing session", ["server-session", "00000000000000ff"], 'session "00000000000000ff" not found'],
  [
    "refused endpoint",
    ["server-sessions", "--since", "1d", "--endpoint-url", "http://127.0.0.1:1"],
    "cannot reach DynamoDB at http://127.0.0.1:1",
  ],
];

test.each(RUNTIME)("%s: exit 1, one error line", async (_, args, message) => {
  const withTable = args.includes("--table") ? args : [...args, "--table", table];
  const result = await runBinary(withTable, binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() }));
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toStartWith(`error: ${message}`);
  expect(result.stderr.split("\n").length).toBe(2);
});

// Values that look like expression syntax are plain values: they match nothing here, and break nothing.
test.each([
  ["--user", "a' OR 1=1"],
  ["--user", ":v"],
  ["--user", "#user"],
  ["--profile", ") OR attribute_exists(id"],
  ["--user", 'alice" OR "1"="1'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal log4j-style probe
  ["--profile", "${jndi:ldap://x}"],
])("%s %p is matched literally (exit 0, no rows)", async (flag, value) => {
  const result = await runBinary(
    ["server-sessions", "--table", table, flag, value, "--until", "2099-01-01", "--output", "csv"],
    binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() }),
  );
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(
    "id,user,profile,status,started_at,last_access_at,expires_at,request_count,server_instance_id,source_identity\n",
  );
});
