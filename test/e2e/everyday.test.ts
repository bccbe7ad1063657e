// Everyday use through the binary: messages that name the real cause, scripts
// that fail in one line.
import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { startFakeSts } from "../support/fake-sts.ts";
import { BINARY, binaryEnv, runBinary } from "../support/run-binary.ts";

let table: string;
beforeAll(async () => {
  table = await freshTable("everyday", [
    item({ id: "00000000000000a1", user: "alice", created_at: new Date(Date.now() - 60_000).toISOString() }),
    item({ id: "00000000000000b1", user: "bob", created_at: new Date(Date.now() - 60_000).toISOString() }),
  ]);
});

test("with no filter, an unreachable STS is named with its own setting, not DynamoDB's", async () => {
  const result = await runBinary(
    ["server-sessions", "--table", table],
    binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: "http://127.0.0.1:1" }),
  );
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    "error: cannot reach STS at http://127.0.0.1:1 (ECONNREFUSED) to find the caller: check AWS_ENDPOINT_URL_STS, the network and the region\n",
  );
});

test("with no filter, the caller's own sessions are listed (STS through its own endpoint)", async () => {
  const sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Admin/alice");
  try {
    const result = await runBinary(
      ["server-sessions", "--table", table, "--output", "csv"],
      binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: sts.url }),
    );
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .split("\n")
        .slice(1, -1)
        .map((l) => l.split(",")[0]),
    ).toEqual(["00000000000000a1"]);
    expect(result.stderr).toContain('listing the sessions of user "alice" (the caller)');
  } finally {
    sts.stop();
  }
});

test("seeding a missing table without --create fails in one line, without a stack trace", () => {
  const bun = resolve(import.meta.dir, "../../node_modules/.bin/bun");
  const seed = resolve(import.meta.dir, "../../scripts/seed.ts");
  const result = spawnSync(bun, [seed, "--endpoint", endpoint(), "--table", "no-such-table", "--count", "3"], {
    encoding: "utf8",
    env: binaryEnv(),
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^error: seeding failed: ResourceNotFoundException: .*add --create\n$/);
});

test("DynamoDB Local runs with telemetry off and leaves no metadata file in the repository", () => {
  const root = resolve(import.meta.dir, "../..");
  // The test run has started DynamoDB Local (support/dynamo.ts) before this test.
  expect(existsSync(join(root, "dynamodb-local-metadata.json"))).toBe(false);
  const launcher = readFileSync(join(root, "scripts/dynamodb-local.ts"), "utf8");
  expect(launcher).toContain('"-disableTelemetry"');
});

test("a full disk is one error line that says what failed", async () => {
  const proc = Bun.spawn(
    ["bash", "-c", `exec "$0" server-sessions --table ${table} --user alice --output csv > /dev/full`, BINARY],
    { env: binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() }), stdout: "pipe", stderr: "pipe" },
  );
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  expect(code).toBe(1);
  expect(stderr).toBe(
    "error: cannot write output (ENOSPC): no space left on the device: free some space, or write elsewhere\n",
  );
});
