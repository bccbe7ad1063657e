// audit untracked-sessions over log folders as they are found on disk: a log
// file reached through a symbolic link is read like any other, and a record a
// table cannot be asked about still gets a category instead of ending the run.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { endpoint, freshTable } from "../support/dynamo.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

const DIR = mkdtempSync(join(tmpdir(), "sentinel-audit-logs-"));
let table: string;

beforeAll(async () => {
  table = await freshTable("audit-logs", []);
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** A CloudTrail AssumeRole record (shape of the CloudTrail record reference: eventSource, eventName, requestParameters). */
const assumeRole = (eventID: string, requestParameters: Record<string, unknown> = {}) => ({
  eventVersion: "1.08",
  eventSource: "sts.amazonaws.com",
  eventName: "AssumeRole",
  eventID,
  eventTime: "2026-01-20T10:30:00Z",
  awsRegion: "us-east-1",
  userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/mallory" },
  requestParameters: {
    roleArn: "arn:aws:iam::111122223333:role/prod-admin",
    roleSessionName: "s",
    ...requestParameters,
  },
});

const audit = (logs: string) =>
  runBinary(
    [
      "audit",
      "untracked-sessions",
      "--table",
      table,
      "--since",
      "2026-01-20T10:00:00Z",
      "--until",
      "2026-01-20T11:00:00Z",
      "--cloudtrail-logs",
      logs,
      "--output",
      "ndjson",
    ],
    binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() }),
  );

test("a log file that is a symbolic link is read, so its untracked event is a finding", async () => {
  const elsewhere = join(DIR, "elsewhere");
  const logs = join(DIR, "logs-symlink");
  mkdirSync(elsewhere, { recursive: true });
  mkdirSync(logs, { recursive: true });
  const target = join(elsewhere, "111122223333_CloudTrail_us-east-1_20260120T1030Z_a.json.gz");
  writeFileSync(target, gzipSync(JSON.stringify({ Records: [assumeRole("linked-untracked")] })));
  symlinkSync(target, join(logs, "111122223333_CloudTrail_us-east-1_20260120T1030Z_a.json.gz"));
  const result = await audit(logs);
  expect(result.stdout).toContain('"event_id":"linked-untracked"');
  expect(result.code).toBe(4);
});

test("a SentinelSessionID tag too long to be a key is an orphaned finding, not a failed run", async () => {
  const logs = join(DIR, "logs-long-tag");
  mkdirSync(logs, { recursive: true });
  const records = [
    assumeRole("long-tag", {
      sourceIdentity: "sentinel:mallory:direct:r1",
      tags: [{ key: "SentinelSessionID", value: "f".repeat(3000) }],
    }),
  ];
  writeFileSync(join(logs, "a.json"), JSON.stringify({ Records: records }));
  const result = await audit(logs);
  expect(result.stderr).not.toContain("error:");
  const rows = result.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { event_id: string; category: string });
  expect(rows.map((r) => [r.event_id, r.category])).toEqual([["long-tag", "orphaned"]]);
  expect(result.code).toBe(4);
});
