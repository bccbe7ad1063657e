// Text from the table, from an endpoint or from the command line never acts
// on the terminal: dist/sentinel against DynamoDB Local and small fake endpoints.
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

// What a terminal acts on or hides: C0 (but LF), DEL, C1, bidi and zero-width
// characters, separators, byte order mark, tag characters, and the U+FFFD a
// split surrogate pair turns into.
const UNSAFE_ON_TERMINAL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufffd]|[\u{e0000}-\u{e007f}]/u;

const NOW = new Date();
const recent = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
let table: string;
const env = () => binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() });

beforeAll(async () => {
  table = await freshTable("terminal", [
    item({
      id: "00000000000000c1",
      user: "eve\u001b]0;pwned\u0007",
      profile: "prod\u202etxt.exe",
      status: "revoked",
      server_instance_id: "i-\u009b2J",
      source_identity: "sentinel:eve\u2028:direct:r1",
      device_id: "d\u200bx\ufeff",
      revoked_by: "mallory\u001b[8m",
      revoked_reason: "why\r\nnot",
      created_at: recent(60_000),
    }),
    item({
      id: "00000000000000c2",
      user: "😀".repeat(20),
      profile: "a\u200bb\u2028c\ufeffd",
      status: "active",
      created_at: recent(120_000),
    }),
  ]);
});

describe("stored text", () => {
  test("a malformed item's id is shown escaped in the warning", async () => {
    const broken = await freshTable("terminal-malformed", [
      item({ id: "00000000000000d1", created_at: recent(1_000) }),
      item({ id: "x\u001b[31mred\u001b[0m" }),
    ]);
    const result = await runBinary(["server-sessions", "--table", broken, "--until", "2099-01-01"], env());
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      "warning: skipped 1 malformed session item(s): x\\u001b[31mred\\u001b[0m (created_at: missing)\n",
    );
  });

  test("the details view shows every stored value escaped, exactly", async () => {
    const result = await runBinary(["server-session", "00000000000000c1", "--table", table], env());
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(UNSAFE_ON_TERMINAL);
    const value = (label: string) =>
      result.stdout
        .split("\n")
        .find((line) => line.startsWith(`${label}:`))
        ?.slice(label.length + 1)
        .trim();
    expect(value("User")).toBe("eve\\u001b]0;pwned\\u0007");
    expect(value("Profile")).toBe("prod\\u202etxt.exe");
    expect(value("Server instance")).toBe("i-\\u009b2J");
    expect(value("Source identity")).toBe("sentinel:eve\\u2028:direct:r1");
    expect(value("Device ID")).toBe("d\\u200bx\\ufeff");
    expect(value("Revoked by")).toBe("mallory\\u001b[8m");
    expect(value("Revoked reason")).toBe("why\\r\\nnot");
  });

  test("--output json keeps the stored values exact", async () => {
    const result = await runBinary(["server-session", "00000000000000c1", "--table", table, "--output", "json"], env());
    expect(result.code).toBe(0);
    const session = JSON.parse(result.stdout);
    expect(session.user).toBe("eve\u001b]0;pwned\u0007");
    expect(session.device_id).toBe("d\u200bx\ufeff");
  });

  test("the human table replaces unsafe characters, cuts whole emoji and keeps columns aligned", async () => {
    const result = await runBinary(["server-sessions", "--table", table, "--status", "active"], env());
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(UNSAFE_ON_TERMINAL);
    const [header, row] = result.stdout.split("\n");
    // USER is 19 columns wide: 8 emoji of 2 columns and "...". Counted by hand:
    // PROFILE starts at column 16 + 2 + 19 + 2 = 39 in both lines.
    expect(header).toStartWith(`ID${" ".repeat(14)}  USER${" ".repeat(15)}  PROFILE`);
    expect(row).toStartWith(`00000000000000c2  ${"😀".repeat(8)}...  a?b?c?d  `);
  });

  test("csv keeps the stored values byte for byte", async () => {
    const result = await runBinary(
      ["server-sessions", "--table", table, "--status", "active", "--output", "csv", "--no-formula-guard"],
      env(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`00000000000000c2,${"😀".repeat(20)},a\u200bb\u2028c\ufeffd,active`);
  });
});

describe("text from the network", () => {
  let server: Server<undefined> | undefined;
  let sts: FakeSts | undefined;
  afterEach(() => {
    server?.stop(true);
    server = undefined;
    sts?.stop();
    sts = undefined;
  });

  test("a DynamoDB error message is shown escaped in the one error line", async () => {
    // The JSON 1.0 error shape DynamoDB answers with (also in test/support/fault-proxy.ts):
    // HTTP 400, {"__type": "<namespace>#<error name>", "message": ...}.
    server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () =>
        new Response(
          JSON.stringify({
            __type: "com.amazonaws.dynamodb.v20120810#ValidationException",
            message: "bad\u001b]0;pwned\u0007 input\u202e",
          }),
          {
            status: 400,
            headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "fake-1" },
          },
        ),
    });
    const result = await runBinary(
      ["server-sessions", "--table", "t-1", "--since", "1d", "--endpoint-url", `http://127.0.0.1:${server.port}`],
      env(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith("error: ");
    expect(result.stderr).toEndWith("bad\\u001b]0;pwned\\u0007 input\\u202e\n");
    expect(result.stderr.split("\n")).toEqual([expect.any(String), ""]);
  });

  test("a caller ARN from STS is shown escaped in the one error line", async () => {
    sts = startFakeSts("arn:aws:iam::123456789012:\u001b]0;pwned\u0007");
    const result = await runBinary(
      ["server-sessions", "--table", table],
      binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: sts.url }),
    );
    expect(sts.requests).toBe(1);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"arn:aws:iam::123456789012:\\u001b]0;pwned\\u0007"');
    expect(result.stderr.split("\n")).toEqual([expect.any(String), ""]);
  });
});

describe("text from the command line", () => {
  test.each([
    [["server-session", "abc\u202edef", "--table", "tbl"], 'invalid session ID "abc\\u202edef"'],
    [["server-sessions", "--table", "tbl\u2066x"], "tbl\\u2066x"],
  ])("%p: the value is shown escaped", async (args, shown) => {
    const result = await runBinary(args, env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(shown);
    expect(result.stderr).not.toMatch(UNSAFE_ON_TERMINAL);
  });
});
