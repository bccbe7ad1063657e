// --debug tells a lot, but never the secret key or the session token.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLESECRET";
const TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQD";
let table: string;
let sts: FakeSts;

beforeAll(async () => {
  table = await freshTable("secrets", [
    item({ id: "00000000000000a1", user: "alice", created_at: new Date().toISOString() }),
  ]);
  sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Audit/alice");
});
afterAll(() => sts.stop());

const env = () =>
  binaryEnv({
    AWS_ACCESS_KEY_ID: "ASIAEXAMPLEACCESSKEY",
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_SESSION_TOKEN: TOKEN,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint(),
    AWS_ENDPOINT_URL_STS: sts.url,
  });

test.each([
  ["a listing", ["server-sessions", "--since", "1d"], 0],
  ["the default listing through STS", ["server-sessions"], 0],
  ["one session", ["server-session", "00000000000000a1"], 0],
  ["a failing call with its stack", ["server-sessions", "--since", "1d", "--table", "no-such-table"], 1],
  ["an unreachable endpoint", ["server-sessions", "--since", "1d", "--endpoint-url", "http://127.0.0.1:1"], 1],
])("--debug on %s shows no secret key and no session token", async (_, args, code) => {
  const withTable = args.includes("--table") ? args : [...args, "--table", table];
  const result = await runBinary([...withTable, "--debug"], env());
  expect(result.code).toBe(code);
  expect(result.stderr).toContain("debug: ");
  const everything = result.stdout + result.stderr;
  expect(everything).not.toContain(SECRET);
  expect(everything).not.toContain(TOKEN);
  expect(everything).not.toContain(SECRET.slice(0, 16));
  expect(everything).not.toContain(TOKEN.slice(0, 16));
});
