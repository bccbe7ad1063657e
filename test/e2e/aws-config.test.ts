// Credentials and region from where AWS users keep them: shared config and
// credentials files (--aws-profile), AWS_REGION / AWS_DEFAULT_REGION.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { runBinary } from "../support/run-binary.ts";

let dir: string;
let table: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sentinel-aws-"));
  writeFileSync(join(dir, "config"), "[default]\nregion = us-west-2\n\n[profile audit]\nregion = eu-central-1\n");
  writeFileSync(
    join(dir, "credentials"),
    "[audit]\naws_access_key_id = AKIAPROFILEEXAMPLE00\naws_secret_access_key = profile-secret-example\n",
  );
  table = await freshTable("awsconfig", [
    item({ id: "00000000000000a1", user: "alice", created_at: new Date().toISOString() }),
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** No AWS_* keys or region in the environment: only the files. */
const env = (extra: Record<string, string> = {}) => ({
  PATH: "/usr/bin:/bin",
  AWS_CONFIG_FILE: join(dir, "config"),
  AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_ENDPOINT_URL_DYNAMODB: endpoint(),
  ...extra,
});

test("--aws-profile takes credentials and region from the shared files", async () => {
  const ok = await runBinary(
    ["server-sessions", "--table", table, "--since", "1d", "--output", "csv", "--aws-profile", "audit"],
    env(),
  );
  expect(ok.stderr).toBe("");
  expect(ok.code).toBe(0);
  expect(ok.stdout.split("\n")[1]).toStartWith("00000000000000a1,alice,");
  const missing = await runBinary(
    ["server-sessions", "--table", "no-such-table", "--since", "1d", "--aws-profile", "audit"],
    env(),
  );
  expect(missing.code).toBe(1);
  expect(missing.stderr).toBe('error: table "no-such-table" not found in eu-central-1: check --table and --region\n');
});

test("AWS_PROFILE works like --aws-profile", async () => {
  const result = await runBinary(
    ["server-sessions", "--table", "no-such-table", "--since", "1d"],
    env({ AWS_PROFILE: "audit" }),
  );
  expect(result.stderr).toBe('error: table "no-such-table" not found in eu-central-1: check --table and --region\n');
});

test("region order: --region, then AWS_REGION, then AWS_DEFAULT_REGION, then the profile", async () => {
  const args = ["server-sessions", "--table", "no-such-table", "--since", "1d", "--aws-profile", "audit"];
  const region = async (extraArgs: string[], extraEnv: Record<string, string>) =>
    /not found in ([a-z0-9-]+)/.exec((await runBinary([...args, ...extraArgs], env(extraEnv))).stderr)?.[1];
  expect(
    await region(["--region", "sa-east-1"], { AWS_REGION: "ca-central-1", AWS_DEFAULT_REGION: "ap-south-1" }),
  ).toBe("sa-east-1");
  expect(await region([], { AWS_REGION: "ca-central-1", AWS_DEFAULT_REGION: "ap-south-1" })).toBe("ca-central-1");
  expect(await region([], { AWS_DEFAULT_REGION: "ap-south-1" })).toBe("ap-south-1");
  expect(await region([], {})).toBe("eu-central-1");
});

test.each([[["--region", "us-east-1"]], [[]]])(
  "a profile that does not exist is exit 1 naming the profile and the files read (%p)",
  async (extra) => {
    const result = await runBinary(
      ["server-sessions", "--table", table, "--since", "1d", "--aws-profile", "nosuch", ...extra],
      env(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: profile "nosuch" (--aws-profile) is not in the AWS config files (read: ${join(dir, "config")}, ${join(dir, "credentials")}): check the name, or create it with aws configure --profile nosuch\n`,
    );
  },
);

test("AWS_PROFILE naming a missing profile says so too, and a missing file is named as such", async () => {
  const result = await runBinary(
    ["server-sessions", "--table", table, "--since", "1d"],
    env({ AWS_PROFILE: "ghost", AWS_SHARED_CREDENTIALS_FILE: join(dir, "absent") }),
  );
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    `error: profile "ghost" (AWS_PROFILE) is not in the AWS config files (read: ${join(dir, "config")}, ${join(dir, "absent")} (not found)): check the name, or create it with aws configure --profile ghost\n`,
  );
});
