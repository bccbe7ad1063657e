// audit untracked-sessions over log folders as they are found on disk: a log
// file reached through a symbolic link is read like any other, and a record a
// table cannot be asked about still gets a category instead of ending the run.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
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

/** An audit of the hour 10:00-11:00 of the fixture day from the log files under `logs`. */
const audit = (logs: string, output = "ndjson", extra: string[] = []) =>
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
    ].concat(["--cloudtrail-logs", logs, "--output", output, ...extra]),
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

/** The json output's summary and finding ids, the exit status and stderr of an audit of `logs`. */
async function auditJson(logs: string, extra: string[] = []) {
  const result = await audit(logs, "json", extra);
  const out = result.stdout === "" ? undefined : JSON.parse(result.stdout);
  return {
    code: result.code,
    stderr: result.stderr,
    events: out?.summary?.events as number | undefined,
    findings: (out?.findings ?? []).map((f: { event_id: string }) => f.event_id) as string[],
  };
}

/** A folder holding one log file of `text` (gzipped when the name ends in .gz). */
function logFolder(label: string, name: string, text: string): string {
  const folder = join(DIR, label);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, name), name.endsWith(".gz") ? gzipSync(text) : text);
  return folder;
}

/**
 * An untracked AssumeRole record whose keys are spelled with JSON escapes
 * (each is the same key as written plainly, SPEC §9), as text.
 */
const escapedRecord = (eventID: string, padding = "") =>
  JSON.stringify(assumeRole(eventID, { padding }))
    .replace('"eventName"', '"eventN\\u0061me"')
    .replace('"eventSource"', '"\\u0065ventSource"')
    .replace('"eventID"', '"event\\u0049D"')
    .replace('"eventTime"', '"eventTim\\u0065"')
    .replace('"requestParameters"', '"requestP\\u0061rameters"')
    .replace('"roleArn"', '"role\\u0041rn"');

test.each([
  ["Rec\\u006frds", "a small plain file (read whole)", "a.json", 2],
  ["\\u0052ecords", "a small gzip file (read whole)", "a.json.gz", 2],
  ["\\u0052\\u0065\\u0063\\u006F\\u0072\\u0064\\u0073", "a small gzip file (read whole)", "a.json.gz", 2],
  // Over 1 MiB on disk: read as a stream, record by record.
  ["Rec\\u006frds", "a plain file over 1 MiB (streamed)", "big.json", 600],
  ["\\u0052ecords", "a gzip file of over 4 MiB of text (streamed)", "big.json.gz", 3_000],
])("a %p key in %s holds the file's records; escaped keys in them are read too", async (key, _, name, count) => {
  const padding = "x".repeat(2_000);
  const ids = Array.from({ length: count }, (_, i) => `escaped-${String(i).padStart(4, "0")}`);
  const text = `{"${key}": [${ids.map((id) => escapedRecord(id, padding)).join(",")}]}`;
  expect(JSON.parse(text).Records.length).toBe(count);
  expect(JSON.parse(text).Records[0]).toEqual(assumeRole(ids[0] as string, { padding }));
  if (name.startsWith("big")) expect(text.length).toBeGreaterThan(name.endsWith(".gz") ? 4 << 20 : 1 << 20);
  const result = await auditJson(logFolder(`escaped-${key.length}-${name}`, name, text));
  expect(result.stderr).toBe("");
  expect(result.events).toBe(count);
  // All at the same instant: newest first, ties by eventID.
  expect(result.findings).toEqual(ids);
  expect(result.code).toBe(4);
});

describe("malformed events are counted when they could be in the audit", () => {
  /** An AssumeRole record without an eventID (or with eventID and eventTime as given). */
  const broken = (fields: Record<string, unknown>) => {
    const { eventID: _id, ...rest } = assumeRole("x");
    return { ...rest, ...fields };
  };
  const denied = { ...assumeRole("denied-in-window"), errorCode: "AccessDenied" };

  test("one without eventID far outside the window, whose eventTime parses, is not counted: exit 0", async () => {
    const logs = logFolder(
      "malformed-far",
      "a.json",
      JSON.stringify({ Records: [denied, broken({ eventTime: "2019-03-01T00:00:00Z" })] }),
    );
    const result = await auditJson(logs);
    expect(result.stderr).toBe("");
    expect(result.events).toBe(1);
    expect(result.code).toBe(0);
  });

  test("one without eventID for a role outside --role is not counted: exit 0", async () => {
    const other = broken({ requestParameters: { roleArn: "arn:aws:iam::111122223333:role/dev-admin" } });
    const logs = logFolder("malformed-other-role", "a.json", JSON.stringify({ Records: [denied, other] }));
    const result = await auditJson(logs, ["--role", "arn:aws:iam::111122223333:role/prod-*"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  test("one without eventID inside the window, and ones whose eventTime does not parse, are counted: exit 3", async () => {
    const records = [
      denied,
      broken({ eventTime: "2026-01-20T10:59:59Z" }),
      { ...assumeRole("bad-time"), eventTime: "2026-01-20T25:00:00Z" },
      { ...assumeRole("no-time"), eventTime: undefined },
    ];
    const logs = logFolder("malformed-in", "a.json", JSON.stringify({ Records: records }));
    const result = await auditJson(logs, ["--role", "arn:aws:iam::111122223333:role/prod-admin"]);
    expect(result.stderr).toBe(
      "warning: skipped 3 malformed CloudTrail event(s): a.json record 2, bad-time, no-time\n",
    );
    expect(result.events).toBe(1);
    expect(result.code).toBe(3);
  });
});
