// `--from-export` through the binary (SPEC §12): the same items in DynamoDB
// Local and in a point-in-time export (a folder and a moto bucket, several data
// files), and for 50 random filter/window/limit/format/column combinations the
// export gives the table's stdout byte for byte, the same warnings and the same
// exit status, without one DynamoDB request. Corrupt exports fail naming the
// file; flags that only a table read takes are usage errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AttributeValue, ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { randomSource } from "../../scripts/generate-sessions.ts";
import { endpoint, freshTable, testClient } from "../support/dynamo.ts";
import {
  type BuiltExport,
  buildExport,
  writeExportToBucket,
  writeExportToFolder,
} from "../support/dynamodb-export-writer.ts";
import { startFakeSts } from "../support/fake-sts.ts";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { type RunningMoto, sharedMoto } from "../support/moto.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";
import { startS3FaultProxy } from "../support/s3-fault-proxy.ts";
import { PROFILES, STATUSES, trickySessionItems, USERS } from "../support/tricky-sessions.ts";

type Item = Record<string, AttributeValue>;

const NOW = new Date();
const DIR = mkdtempSync(join(tmpdir(), "sentinel-from-export-"));
const sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Auditor/carol");
const random = randomSource(20261203);
const int = (below: number) => Math.floor(random() * below);
const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;

let moto: RunningMoto;
let table: string;
let stored: Item[];
let built: BuiltExport;
let folder: string;
let bucketUri: string;

const env = (extra: Record<string, string> = {}) =>
  binaryEnv({
    AWS_ENDPOINT_URL_DYNAMODB: endpoint(),
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    ...extra,
  });

beforeAll(async () => {
  moto = await sharedMoto();
  // Made as of 13 hours ago: every session has expired (none expires within 12 hours of its
  // making), so effective_status reads the same in two runs whose clocks differ.
  const items = trickySessionItems({
    sessions: 4_400,
    tricky: 600,
    now: new Date(NOW.getTime() - 13 * 3_600_000),
    seed: 4242,
  });
  table = await freshTable("from-export", items);
  // The export holds what the table holds, as DynamoDB stores it.
  stored = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await testClient().send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    stored.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  expect(stored.length).toBe(5_000);
  built = buildExport(stored, { files: 6, table, region: "us-east-1", exportTime: NOW.toISOString() });
  folder = writeExportToFolder(built, join(DIR, "folder"));
  const s3 = new S3Client({ endpoint: moto.endpoint, region: "us-east-1", forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: "exports-bucket" }));
  s3.destroy();
  bucketUri = await writeExportToBucket(built, moto.endpoint, "exports-bucket");
}, 120_000);

afterAll(() => {
  sts.stop();
  rmSync(DIR, { recursive: true, force: true });
});

/** A window edge: a stored created_at (or 1 ns beside it), or anywhere in the month. */
function edgeText(): string {
  const texts = stored.map((item) => item.created_at?.S).filter((t): t is string => t !== undefined && /Z$/.test(t));
  if (random() < 0.5) {
    const text = pick(texts);
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) {
      const m = /\.(\d+)Z$/.exec(text);
      const fraction = (m?.[1] ?? "").padEnd(9, "0");
      const nanos = (Number(fraction) + (int(3) - 1) + 1_000_000_000) % 1_000_000_000;
      return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}.${String(nanos).padStart(9, "0")}Z`;
    }
  }
  return new Date(NOW.getTime() - int(32 * 86_400) * 1000).toISOString();
}

/**
 * `--since 7d` and the like as instants taken from NOW once: the table's run and the export's
 * start at different moments, and a relative window would move between them over the data.
 */
const ago = (duration: "7d" | "30d" | "36h") =>
  new Date(
    NOW.getTime() - { "7d": 7 * 86_400_000, "30d": 30 * 86_400_000, "36h": 36 * 3_600_000 }[duration],
  ).toISOString();

const COLUMN_CHOICES = [undefined, "all", "id,created_at,status", "user,effective_status,request_count,ttl"];

/** One random combination of SPEC §2's flags (no default listing: that asks STS whose sessions to show). */
function randomArgs(n: number): string[] {
  const args: string[] = [];
  const path = n % 5;
  if (path === 1 || (path === 4 && random() < 0.5)) args.push("--user", pick(USERS));
  if (path === 2 || (path === 4 && random() < 0.5)) args.push("--profile", pick(PROFILES));
  if (path === 3 || (path === 4 && random() < 0.5)) args.push("--status", pick(STATUSES));
  if (random() < 0.7) args.push("--since", random() < 0.3 ? ago(pick(["7d", "30d", "36h"] as const)) : edgeText());
  if (random() < 0.5 || args.length === 0) args.push("--until", edgeText());
  const output = pick(["csv", "json", "ndjson", "human"]);
  args.push("--output", output);
  const columns = pick(COLUMN_CHOICES);
  if (columns !== undefined) args.push("--columns", columns);
  // --order none writes rows as they are read: the same rows, in the order of each source's reads.
  if (random() < 0.15 && output !== "human" && output !== "json") args.push("--order", "none");
  else if (random() < 0.35) args.push("--limit", String(pick([0, 1, 5, 50, 400])));
  return args;
}

const warnings = (stderr: string) =>
  stderr
    .split("\n")
    .filter((line) => line.startsWith("warning:") || line.startsWith("error:"))
    .join("\n");

/** The window of a combination must be valid for both; --since after --until is a usage error either way. */
describe("the export gives the table's output", () => {
  test("50 random combinations: byte-identical stdout, the same warnings and exit status, from a folder and from S3", async () => {
    let rows = 0;
    let malformedRuns = 0;
    for (let n = 0; n < 50; n++) {
      const args = ["server-sessions", "--table", table, ...randomArgs(n)];
      const fromTable = await runBinary(args, env());
      const source = n % 2 === 0 ? folder : bucketUri;
      // Any number of data files at once gives the same rows.
      const concurrency = n % 3 === 0 ? ["--s3-concurrency", String(1 + ((n * 7) % 64))] : [];
      const fromExport = await runBinary([...args, "--from-export", source, ...concurrency], env());
      const context = `${args.join(" ")} (${source === folder ? "folder" : "s3"}): ${fromTable.stderr}`;
      expect(fromExport.code, context).toBe(fromTable.code);
      if (args.includes("none")) {
        const lines = (text: string) => text.split("\n").sort();
        expect(lines(fromExport.stdout), context).toEqual(lines(fromTable.stdout));
      } else expect(fromExport.stdout, context).toBe(fromTable.stdout);
      expect(warnings(fromExport.stderr), context).toBe(warnings(fromTable.stderr));
      rows += fromTable.stdout.split("\n").length;
      if (fromTable.code === 3) malformedRuns++;
    }
    // The comparison compared something: rows, and malformed items reported.
    expect(rows).toBeGreaterThan(10_000);
    expect(malformedRuns).toBeGreaterThan(10);
  }, 300_000);

  test("server-session ID from the export equals the table's, found, malformed and missing", async () => {
    const ids = [
      ...stored.slice(0, 3).map((item) => item.id?.S as string),
      ...stored
        .filter((item) => item.created_at === undefined)
        .slice(0, 2)
        .map((item) => item.id?.S as string),
      "0000000000000000",
    ];
    for (const id of ids) {
      for (const output of ["human", "json"]) {
        const fromTable = await runBinary(["server-session", id, "--table", table, "--output", output], env());
        const fromExport = await runBinary(["server-session", id, "--output", output, "--from-export", folder], env());
        expect(fromExport.code).toBe(fromTable.code);
        expect(fromExport.stdout).toBe(fromTable.stdout);
        if (fromTable.code === 1) expect(fromExport.stderr).toContain(`not found in the export ${folder}`);
      }
    }
  });

  test("the manifest records the export as its source, with the table and region of its tableArn", async () => {
    const manifest = join(DIR, "m.json");
    const result = await runBinary(
      ["server-sessions", "--since", "30d", "--output", "csv", "--manifest", manifest, "--from-export", bucketUri],
      env(),
    );
    expect([0, 3]).toContain(result.code);
    const m = JSON.parse(readFileSync(manifest, "utf8"));
    expect(m.source).toEqual({
      kind: "dynamodb-export",
      uri: bucketUri,
      export_arn: built.exportArn,
      export_time: NOW.toISOString(),
      item_count: 5_000,
    });
    expect(m.table).toBe(table);
    expect(m.region).toBe("us-east-1");
    expect(m.items_read).toBe(5_000);
    expect(m.endpoint).toBeNull();
  });

  test("an export in S3 is read with no region configured anywhere, as the AWS CLI reads a bucket", async () => {
    const args = ["server-sessions", "--table", table, "--since", "2000-01-01", "--limit", "0", "--output", "csv"];
    const { AWS_REGION: _, ...noRegion } = env();
    const fromExport = await runBinary([...args, "--from-export", bucketUri], noRegion);
    const fromTable = await runBinary(args, env());
    expect(fromExport.stderr).toBe(fromTable.stderr);
    expect(fromExport.code).toBe(fromTable.code);
    expect(fromExport.stdout).toBe(fromTable.stdout);
    expect(fromExport.stdout.split("\n").length).toBeGreaterThan(100);
  });

  test("a recording proxy on the DynamoDB endpoint sees no request during --from-export runs", async () => {
    const proxy = await startFaultProxy(endpoint(), () => "pass");
    try {
      const dynamo = { AWS_ENDPOINT_URL_DYNAMODB: proxy.url };
      const listing = await runBinary(
        ["server-sessions", "--since", "30d", "--output", "csv", "--from-export", folder],
        env(dynamo),
      );
      expect([0, 3]).toContain(listing.code);
      const one = await runBinary(
        ["server-session", stored[0]?.id?.S as string, "--from-export", bucketUri],
        env(dynamo),
      );
      expect(one.code).toBe(0);
      // The control: a table read through the proxy is seen.
      expect(proxy.seen).toHaveLength(0);
      await runBinary(["server-session", stored[0]?.id?.S as string, "--table", table], env(dynamo));
      expect(proxy.seen.length).toBeGreaterThan(0);
    } finally {
      await proxy.stop();
    }
  });

  test("S3 faults (503 SlowDown, 500, reset, truncated body) are retried: the output is the same", async () => {
    const args = ["server-sessions", "--since", ago("30d"), "--output", "ndjson", "--columns", "all"];
    const clean = await runBinary([...args, "--from-export", bucketUri], env());
    let n = 0;
    const faults = ["slowdown", "http500", "reset", "truncate"] as const;
    const proxy = await startS3FaultProxy(moto.endpoint, () => {
      n++;
      return n % 3 === 0 ? (faults[(n / 3) % faults.length] ?? "pass") : "pass";
    });
    try {
      const faulty = await runBinary([...args, "--from-export", bucketUri], env({ AWS_ENDPOINT_URL_S3: proxy.url }));
      expect(faulty.code).toBe(clean.code);
      expect(faulty.stdout).toBe(clean.stdout);
      expect(n).toBeGreaterThan(6);
    } finally {
      await proxy.stop();
    }
  });
});

describe("a partial or corrupt export is exit 1 naming the file or the reason", () => {
  const sample = () => stored.slice(0, 300);
  test.each([
    ["a data file with one byte changed", { flipByte: { file: 1, at: 30 } }, /data\/.*\.json\.gz/],
    ["a data file missing", { dropFile: 2 }, /data\/.*\.json\.gz/],
    ["a wrong item count", { wrongCount: { file: 0, by: 1 } }, /data\/.*\.json\.gz/],
    ["a summary whose counts do not add up", { summaryItemCount: 299 }, /manifest/],
    ["an ION export", { ion: true }, /ION/i],
    ["an incremental export", { incremental: true }, /incremental/i],
  ])("%s", async (_, knobs, names) => {
    const dir = writeExportToFolder(
      buildExport(sample(), { files: 3, table, ...knobs }),
      mkdtempSync(join(DIR, "bad-")),
    );
    const result = await runBinary(
      ["server-sessions", "--since", "30d", "--output", "csv", "--from-export", dir],
      env(),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith("error: ");
    expect(result.stderr).toMatch(names);
    expect(result.stderr.split("\n")).toHaveLength(2);
  });

  test("a folder that is no export, and a bucket that does not exist", async () => {
    const empty = mkdtempSync(join(DIR, "empty-"));
    writeFileSync(join(empty, "notes.txt"), "x");
    for (const source of [empty, "s3://no-such-bucket-here/AWSDynamoDB/x"]) {
      const result = await runBinary(
        ["server-sessions", "--since", "1d", "--output", "csv", "--from-export", source],
        env(),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toStartWith("error: ");
      expect(result.stderr.split("\n")).toHaveLength(2);
    }
    const file = join(empty, "notes.txt");
    const notFolder = await runBinary(["server-sessions", "--since", "1d", "--from-export", file], env());
    expect(notFolder.code).toBe(1);
    expect(notFolder.stderr).toBe(
      `error: no DynamoDB export at ${file}: ${file}/manifest-summary.json not found; give the export's folder (…/AWSDynamoDB/EXPORT_ID) or its manifest-summary.json\n`,
    );
  });
});

describe("flags that only a table read takes", () => {
  test.each([
    ["--checkpoint", ["--checkpoint", "c.ckpt", "--output", "ndjson"]],
    ["--segments", ["--segments", "4"]],
    ["--endpoint-url", ["--endpoint-url", "http://127.0.0.1:8000"]],
  ])("%s with --from-export is a usage error", async (name, extra) => {
    const result = await runBinary(["server-sessions", "--since", "1d", "--from-export", "exp", ...extra], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: ${name} does not apply to --from-export, which reads no table: drop ${name}\n`);
  });

  test("--table of another table than the export's is exit 1 naming both", async () => {
    const result = await runBinary(
      ["server-sessions", "--table", "other-table", "--since", "1d", "--from-export", folder],
      env(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: the export ${folder} is of table "${table}", not "other-table": drop --table, or give an export of "other-table"\n`,
    );
  });
});

describe("--sessions-from an archive and an export, merged by id", () => {
  const S = (n: number) => `5e5500000000000${n}`;
  const sessionItem = (id: string, user: string, updated?: string) => ({
    id: { S: id },
    user: { S: user },
    status: { S: "expired" },
    created_at: { S: "2026-01-20T08:00:00Z" },
    source_identity: { S: `sentinel:${user}:direct:r-${id}` },
    ...(updated === undefined ? {} : { updated_at: { S: updated } }),
  });
  const archiveLine = (id: string, user: string, updated?: string) =>
    JSON.stringify({
      id,
      user,
      status: "expired",
      source_identity: `sentinel:${user}:direct:r-${id}`,
      created_at: "2026-01-20T08:00:00Z",
      ...(updated === undefined ? {} : { updated_at: updated }),
    });
  /** An AssumeRole through Sentinel: tagged with the session, the source identity naming `user`. */
  const event = (n: number, user: string) => ({
    eventVersion: "1.08",
    eventTime: `2026-01-20T10:0${n}:00Z`,
    eventSource: "sts.amazonaws.com",
    eventName: "AssumeRole",
    eventID: `merge-${n}`,
    awsRegion: "us-east-1",
    userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/sentinel-server" },
    requestParameters: {
      roleArn: "arn:aws:iam::111122223333:role/prod-admin",
      roleSessionName: "sentinel",
      sourceIdentity: `sentinel:${user}:direct:r-${S(n)}`,
      tags: [{ key: "SentinelSessionID", value: S(n) }],
    },
  });

  test("a session only in the export, and the later updated_at of either source, decide the categories", async () => {
    const dir = mkdtempSync(join(DIR, "merge-"));
    // 1: only in the export. 2: the archive's record is later (alice). 3: the export's is later (dave).
    // 4: in neither. 5: the archive's record has no updated_at (the oldest): the export's (frank) wins.
    const exportDir = writeExportToFolder(
      buildExport(
        [
          sessionItem(S(1), "alice", "2026-01-20T09:00:00Z"),
          sessionItem(S(2), "bob", "2026-01-20T09:00:00Z"),
          sessionItem(S(3), "dave", "2026-01-20T09:30:00.000000002Z"),
          sessionItem(S(5), "frank", "2026-01-20T09:00:00Z"),
        ],
        { files: 2, table: "sentinel-sessions" },
      ),
      join(dir, "export"),
    );
    const archive = join(dir, "archive.ndjson");
    writeFileSync(
      archive,
      `${[
        archiveLine(S(2), "alice", "2026-01-20T11:00:00+02:00"), // 09:00:00Z, the same as the export's: the later source wins
        archiveLine(S(3), "carol", "2026-01-20T09:30:00.000000001Z"),
        archiveLine(S(5), "erin"),
      ].join("\n")}\n`,
    );
    const trail = join(dir, "trail", "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2026", "01", "20");
    mkdirSync(trail, { recursive: true });
    writeFileSync(
      join(trail, "111122223333_CloudTrail_us-east-1_20260120T1015Z_merge.json"),
      JSON.stringify({
        Records: [event(1, "alice"), event(2, "alice"), event(3, "dave"), event(4, "gina"), event(5, "frank")],
      }),
    );
    const categories = async (sources: string[]) => {
      const result = await runBinary(
        [
          "audit",
          "untracked-sessions",
          "--since",
          "2026-01-20",
          "--until",
          "2026-01-20",
          "--cloudtrail-logs",
          join(dir, "trail"),
          "--all-events",
          "--output",
          "ndjson",
          ...sources.flatMap((s) => ["--sessions-from", s]),
        ],
        env(),
      );
      expect(result.stderr.startsWith("error:"), result.stderr).toBe(false);
      return Object.fromEntries(
        result.stdout
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line))
          .map((row) => [row.event_id, row.category]),
      );
    };
    expect(await categories([exportDir, archive])).toEqual({
      "merge-1": "tracked",
      "merge-2": "tracked",
      "merge-3": "tracked",
      "merge-4": "orphaned",
      "merge-5": "tracked",
    });
    // The archive alone: the export's sessions are missing or older there.
    expect(await categories([archive])).toEqual({
      "merge-1": "orphaned",
      "merge-2": "tracked",
      "merge-3": "mismatch",
      "merge-4": "orphaned",
      "merge-5": "mismatch",
    });
    // Given the other way round, equal times go to the later source: session 2 is then the export's bob.
    const reversed = await categories([archive, exportDir]);
    expect(reversed["merge-2"]).toBe("mismatch");
  });
});
