// Every command listed by `sentinel --help` has a help of its own, and a
// checkpointed export refused for a window that would end in the future
// leaves no manifest (SPEC §8.2: nothing is written when the export fails).
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

test("a checkpoint that ends later than now minus a longer --settle is exit 1 and writes no manifest", async () => {
  const checkpoint = join(DIR, "sessions.ckpt");
  const env = binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: sts.url });
  const base = ["server-sessions", "--table", table, "--checkpoint", checkpoint, "--output", "ndjson"];
  // The first run closes its window at now (no settling) ...
  const first = await runBinary([...base, "--settle", "0s"], env);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('"id":"00000000000000a1"');
  const saved = readFileSync(checkpoint, "utf8");
  // ... so with the default 5 minutes of settling its end lies after now minus --settle:
  // exporting from there would end this window in the future.
  const manifest = join(DIR, "second.manifest.json");
  const second = await runBinary([...base, "--manifest", manifest], env);
  expect(second.code).toBe(1);
  expect(second.stdout).toBe("");
  expect(second.stderr).toContain("later than now minus --settle");
  expect(existsSync(manifest)).toBe(false);
  expect(readFileSync(checkpoint, "utf8")).toBe(saved);
});
