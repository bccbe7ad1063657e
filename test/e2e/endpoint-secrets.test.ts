// The password of an endpoint URL is a secret: it must reach neither the
// manifest (a file kept as evidence and shared with auditors) nor an error
// line, whichever service the endpoint is for.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

const PASSWORD = "Endpoint-Pass-7f3e9a";
const DIR = mkdtempSync(join(tmpdir(), "sentinel-secrets-"));
let table: string;
let sts: FakeSts;

/** http://user:PASSWORD@host:port/ for a plain http://host:port URL. */
const withPassword = (url: string) => url.replace("http://", `http://auditor:${PASSWORD}@`);

beforeAll(async () => {
  table = await freshTable("endpoint-secrets", [
    item({ id: "00000000000000a1", user: "alice", status: "active", created_at: new Date().toISOString() }),
  ]);
  sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Auditor/carol");
});
afterAll(() => {
  sts.stop();
  rmSync(DIR, { recursive: true, force: true });
});

test.each([
  ["--endpoint-url", true],
  ["AWS_ENDPOINT_URL_DYNAMODB", false],
])("the manifest keeps no endpoint password given by %s", async (_, byFlag) => {
  const manifest = join(DIR, `m-${byFlag}.json`);
  const url = withPassword(endpoint());
  const args = ["server-sessions", "--table", table, "--since", "1d", "--output", "csv", "--manifest", manifest];
  const result = await runBinary(
    byFlag ? [...args, "--endpoint-url", url] : args,
    binaryEnv({ AWS_ENDPOINT_URL_STS: sts.url, ...(byFlag ? {} : { AWS_ENDPOINT_URL_DYNAMODB: url }) }),
  );
  expect(result.code).toBe(0);
  const written = readFileSync(manifest, "utf8");
  expect(JSON.parse(written).rows).toBe(1);
  expect(written).not.toContain(PASSWORD);
  expect(result.stderr).not.toContain(PASSWORD);
});

test.each([
  ["STS", "AWS_ENDPOINT_URL_STS", ["server-sessions", "--since", "1d", "--output", "csv", "--manifest", "m.json"]],
  ["CloudTrail", "AWS_ENDPOINT_URL_CLOUDTRAIL", ["audit", "untracked-sessions", "--since", "1d"]],
])("an unreachable %s endpoint is named without its password", async (_, variable, command) => {
  // Port 1 on loopback: nothing listens there, so the connection is refused.
  const args = [...command.map((a) => (a === "m.json" ? join(DIR, "m-sts.json") : a)), "--table", table];
  const result = await runBinary(
    args,
    binaryEnv({
      AWS_ENDPOINT_URL_DYNAMODB: endpoint(),
      AWS_ENDPOINT_URL_STS: sts.url,
      [variable]: `http://auditor:${PASSWORD}@127.0.0.1:1`,
    }),
  );
  expect(result.stderr).toContain("127.0.0.1:1");
  expect(result.stderr).not.toContain(PASSWORD);
});
