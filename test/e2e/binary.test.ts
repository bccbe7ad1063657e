// dist/sentinel the way users run it: real process, pipes, exit statuses.
import { beforeAll, describe, expect, test } from "bun:test";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { csvIds } from "../support/csv-ids.ts";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { silentEndpoint } from "../support/http-requests.ts";
import { BINARY, binaryEnv, runBinary } from "../support/run-binary.ts";
import { USAGE_ERRORS } from "../support/shared-cases.ts";

const NOW = new Date();
let table: string;
let big: string;

beforeAll(async () => {
  table = await freshTable("e2e", [
    item({
      id: "00000000000000a1",
      user: "alice",
      status: "active",
      created_at: new Date(NOW.getTime() - 3_600_000).toISOString(),
    }),
    item({
      id: "00000000000000a2",
      user: "alice",
      status: "revoked",
      created_at: new Date(NOW.getTime() - 7_200_000).toISOString(),
    }),
    item({
      id: "00000000000000b1",
      user: "bob",
      status: "active",
      created_at: new Date(NOW.getTime() - 60_000).toISOString(),
    }),
  ]);
  big = await freshTable("e2e-big", generateSessions({ count: 3_000, now: NOW, days: 10 }));
});

const env = () => binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() });

function expectOneErrorLine(stderr: string, text: string) {
  expect(stderr).toBe(`error: ${text}\n`);
  expect(stderr).not.toContain("    at ");
}

describe("start-up", () => {
  test("--version runs with an empty environment (no Node or Bun needed)", async () => {
    const result = await runBinary(["--version"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^sentinel \d+\.\d+\.\d+ \((?:[0-9a-f]{7}|unknown), linux-(?:x64|arm64)\)\n$/);
  });

  test("--help lists both commands on stdout", async () => {
    const result = await runBinary(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("sentinel server-sessions [flags]");
    expect(result.stdout).toContain("sentinel server-session ID [flags]");
  });

  test("server-sessions --help documents every flag", async () => {
    const result = await runBinary(["server-sessions", "--help"]);
    expect(result.code).toBe(0);
    for (const flag of [
      "--table",
      "--region",
      "--status",
      "--user",
      "--profile",
      "--since",
      "--until",
      "--limit",
      "--output",
      "--format",
      "--aws-profile",
      "--endpoint-url",
      "--segments",
      "--no-formula-guard",
      "--timeout",
      "--debug",
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  test("no arguments: usage on stderr, exit 2", async () => {
    const result = await runBinary([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Usage:");
  });
});

describe("listing through the binary", () => {
  test("csv to a pipe: header and rows newest first", async () => {
    const result = await runBinary(["server-sessions", "--table", table, "--since", "1d", "--output", "csv"], env());
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(
      "id,user,profile,status,started_at,last_access_at,expires_at,request_count,server_instance_id,source_identity",
    );
    expect(csvIds(result.stdout)).toEqual(["00000000000000b1", "00000000000000a1", "00000000000000a2"]);
  });

  test("--endpoint-url beats AWS_ENDPOINT_URL_DYNAMODB", async () => {
    const result = await runBinary(
      ["server-sessions", "--table", table, "--user", "alice", "--output", "ndjson", "--endpoint-url", endpoint()],
      binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:1" }),
    );
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual(["00000000000000a1", "00000000000000a2"]);
  });

  test("server-session shows one session", async () => {
    const result = await runBinary(["server-session", "00000000000000b1", "--table", table, "--output", "json"], env());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).user).toBe("bob");
  });

  test("SENTINEL_SESSION_TABLE stands in for --table", async () => {
    const result = await runBinary(["server-sessions", "--status", "active", "--output", "csv"], {
      ...env(),
      SENTINEL_SESSION_TABLE: table,
    });
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").length).toBe(4);
  });

  test("a reader closing the pipe early (| head -1) is exit 0 with nothing on stderr", async () => {
    const proc = Bun.spawn(
      [
        "bash",
        "-c",
        `"${BINARY}" server-sessions --table ${big} --until 2099-01-01 --limit 0 --output csv | head -1; echo "status=\${PIPESTATUS[0]}" >&2`,
      ],
      { env: env(), stdout: "pipe", stderr: "pipe" },
    );
    const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    await proc.exited;
    expect(stdout).toBe(
      "id,user,profile,status,started_at,last_access_at,expires_at,request_count,server_instance_id,source_identity\n",
    );
    expect(stderr).toBe("status=0\n");
  });

  test("the limit note goes to stderr, stdout stays clean", async () => {
    const result = await runBinary(
      ["server-sessions", "--table", big, "--until", "2099-01-01", "--output", "csv", "--limit", "100"],
      env(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").length).toBe(102);
    expect(result.stderr).toBe("note: showing the 100 newest of 3,000 matching sessions; --limit 0 shows all\n");
  });

  test("--quiet drops the note, not the rows", async () => {
    const args = ["server-sessions", "--table", big, "--until", "2099-01-01", "--output", "csv", "--limit", "100"];
    const result = await runBinary([...args, "--quiet"], env());
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe((await runBinary(args, env())).stdout);
  });

  test.each(["csv", "json", "ndjson"])("an export as %s is complete by default: no limit, no note", async (format) => {
    const result = await runBinary(
      ["server-sessions", "--table", big, "--until", "2099-01-01", "--output", format],
      env(),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const rows =
      format === "csv"
        ? result.stdout.split("\n").length - 2
        : format === "json"
          ? JSON.parse(result.stdout).sessions.length
          : result.stdout.split("\n").length - 1;
    expect(rows).toBe(3_000);
  });

  test("the human table shows the 100 newest by default and says so", async () => {
    const result = await runBinary(["server-sessions", "--table", big, "--until", "2099-01-01"], env());
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").length).toBe(102);
    expect(result.stderr).toBe("note: showing the 100 newest of 3,000 matching sessions; --limit 0 shows all\n");
  });
});

describe("exit statuses and messages", () => {
  test.each([
    ...USAGE_ERRORS,
    [
      ["server-sessions", "--table", "tbl", "--status", "paused"],
      'invalid --status "paused": use one of active, revoked, expired',
    ],
    [
      ["server-sessions", "--table", "tbl", "--segments", "65"],
      'invalid --segments "65": give a whole number from 1 to 64',
    ],
    [
      ["server-session", "0123456789abcdef", "--table", "tbl", "--output", "csv"],
      'invalid --output "csv": use one of human, json',
    ],
  ] as [string[], string][])("%p is a usage error (exit 2)", async (args, message) => {
    const result = await runBinary(args, env());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expectOneErrorLine(result.stderr, message);
  });

  test("no region anywhere is a usage error naming the fix", async () => {
    const { AWS_REGION: _, ...noRegion } = env();
    const result = await runBinary(["server-sessions", "--table", table, "--since", "1d"], noRegion);
    expect(result.code).toBe(2);
    expectOneErrorLine(result.stderr, "no AWS region configured: pass --region or set AWS_REGION");
  });

  test("a missing table is exit 1 naming table and region", async () => {
    const result = await runBinary(
      ["server-sessions", "--table", "no-such-table", "--since", "1d", "--region", "eu-west-1"],
      env(),
    );
    expect(result.code).toBe(1);
    expectOneErrorLine(result.stderr, 'table "no-such-table" not found in eu-west-1: check --table and --region');
  });

  test("an unreachable endpoint is exit 1", async () => {
    const result = await runBinary(
      ["server-sessions", "--table", table, "--since", "1d", "--endpoint-url", "http://127.0.0.1:1"],
      env(),
    );
    expect(result.code).toBe(1);
    expectOneErrorLine(
      result.stderr,
      "cannot reach DynamoDB at http://127.0.0.1:1 (ECONNREFUSED): check --endpoint-url, --region and the network",
    );
  });

  test("no credentials is exit 1 with the fix", async () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...noKeys } = env();
    const result = await runBinary(["server-sessions", "--table", table, "--since", "1d"], noKeys);
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith("error: no AWS credentials found: ");
    expect(result.stderr.split("\n").length).toBe(2);
  });

  test("malformed items: rows in full, warning, exit 3", async () => {
    const broken = await freshTable("e2e-malformed", [
      item({ id: "00000000000000f1", created_at: new Date(NOW.getTime() - 1000).toISOString() }),
      item({ id: "00000000000000f2", created_at: "2026-02-30T00:00:00Z" }),
    ]);
    const result = await runBinary(
      ["server-sessions", "--table", broken, "--until", "2099-01-01", "--output", "csv"],
      env(),
    );
    expect(result.code).toBe(3);
    expect(result.stdout.split("\n").length).toBe(3);
    expect(result.stderr).toBe(
      'warning: skipped 1 malformed session item(s): 00000000000000f2 (created_at "2026-02-30T00:00:00Z": no such date)\n',
    );
  });

  test("Ctrl-C (SIGINT) during a read is exit 130 without a stack trace", async () => {
    const silent = await silentEndpoint();
    const proc = Bun.spawn(
      [BINARY, "server-sessions", "--table", table, "--since", "1d", "--endpoint-url", silent.url],
      { env: env(), stdout: "pipe", stderr: "pipe" },
    );
    // The request is out, so the read is under way: Ctrl-C now.
    await silent.firstRequest;
    proc.kill("SIGINT");
    const code = await proc.exited;
    const stderr = await new Response(proc.stderr).text();
    silent.stop();
    expect(code).toBe(130);
    expect(stderr).toBe("error: interrupted\n");
  });
});
