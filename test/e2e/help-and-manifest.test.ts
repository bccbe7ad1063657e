// Every command listed by `sentinel --help` has a help of its own, and a
// checkpointed export that finds nothing new yet still leaves its manifest
// (SPEC §8.2: written when the export finishes with exit 0 or 3).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

const DIR = mkdtempSync(join(tmpdir(), "sentinel-help-manifest-"));
let table: string;
let sts: FakeSts;

beforeAll(async () => {
  table = await freshTable("help-manifest", [
    item({ id: "00000000000000a1", user: "alice", status: "active", created_at: "2026-01-20T10:30:00Z" }),
  ]);
  sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Auditor/carol");
});
afterAll(() => {
  sts.stop();
  rmSync(DIR, { recursive: true, force: true });
});

test.each([
  [["help", "version"], "Usage: sentinel version"],
  [["help", "completion"], "Usage: sentinel completion"],
  [["version", "--help"], "Usage: sentinel version"],
  [["completion", "--help"], "Usage: sentinel completion"],
])("sentinel %p shows that command's usage", async (args, usage) => {
  const result = await runBinary(args);
  expect(result.stderr).toBe("");
  expect(result.stdout).toStartWith(usage);
  expect(result.code).toBe(0);
});

test("a checkpointed run with nothing settled yet still writes its manifest", async () => {
  const checkpoint = join(DIR, "sessions.ckpt");
  const env = binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: sts.url });
  const base = ["server-sessions", "--table", table, "--checkpoint", checkpoint, "--output", "ndjson"];
  // The first run closes its window at now (no settling) ...
  const first = await runBinary([...base, "--settle", "0s"], env);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('"id":"00000000000000a1"');
  // ... so the next one, with the default 5 minutes of settling, has nothing to export yet.
  const manifest = join(DIR, "second.manifest.json");
  const second = await runBinary([...base, "--manifest", manifest], env);
  expect(second.code).toBe(0);
  expect(second.stdout).toBe("");
  expect(existsSync(manifest)).toBe(true);
  const m = JSON.parse(readFileSync(manifest, "utf8"));
  expect(m.rows).toBe(0);
  expect(m.exit_status).toBe(0);
  // sha256 of zero bytes, the stdout this run wrote.
  expect(m.output.sha256).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
});
