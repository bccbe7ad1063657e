// BucketLogsSource over an in-memory bucket in the trail's real key layout:
// the same events as the folder source, pruned listings and fetches, bounded
// concurrency, failures naming s3://bucket/key. Expected values come from the
// hand-written fixture or from hashing the written text independently.
import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { writeTrailLogs } from "../../test/support/audit-fixture.ts";
import { MemoryBucket } from "../../test/support/memory-bucket.ts";
import { ACCOUNTS, logKey, ORG, putTrailLogs } from "../../test/support/trail-bucket-fixture.ts";
import { formatNano, parseTimestamp } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";
import { type BucketLogsOptions, BucketLogsSource, type BucketProgress } from "./bucket-logs.ts";
import type { ReadRecord } from "./event.ts";
import { LogFilesSource } from "./log-files.ts";

const ROOT = mkdtempSync(join(tmpdir(), "sentinel-bucket-logs-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

const at = (iso: string) => parseTimestamp(iso) as NonNullable<ReturnType<typeof parseTimestamp>>;
const DAY: TimeWindow = { since: at("2026-01-20T00:00:00Z"), until: at("2026-01-20T23:59:59Z") };

async function read(source: { read(w: TimeWindow): AsyncIterable<ReadRecord> }, window = DAY): Promise<string[]> {
  const out: string[] = [];
  for await (const r of source.read(window)) {
    out.push(r.kind === "event" ? r.event.eventId : r.kind === "malformed" ? `malformed ${r.label}` : "other");
  }
  return out;
}

const events = (ids: string[]) => ids.filter((id) => id !== "other").sort();

const source = (bucket: MemoryBucket, options: Partial<BucketLogsOptions> = {}) =>
  new BucketLogsSource(bucket, { prefix: "", ...options });

/** An AssumeRole record of the given id and time. */
const rec = (id: string, time: string) => ({
  eventSource: "sts.amazonaws.com",
  eventName: "AssumeRole",
  eventID: id,
  eventTime: time,
  awsRegion: "us-east-1",
});
const logFile = (...records: object[]) => gzipSync(JSON.stringify({ Records: records }));

test("the fixture in an organization trail's layout, two accounts and two regions, gives the folder source's events", async () => {
  const dir = join(ROOT, "folder");
  writeTrailLogs(dir);
  const fromFolder = events(await read(new LogFilesSource(dir)));
  const bucket = new MemoryBucket("trail-logs");
  putTrailLogs(bucket, "org-trail");
  const s = new BucketLogsSource(bucket, { prefix: "org-trail" });
  const fromBucket = events(await read(s));
  expect(fromBucket.length).toBeGreaterThan(200);
  expect(fromBucket).toEqual(fromFolder);
  expect(s.inventory.accountRoots.map((a) => a.account).sort()).toEqual([...ACCOUNTS]);
  expect(s.inventory.trails.map((t) => `${t.account} ${t.region}`).sort()).toEqual([
    "111122223333 eu-west-1",
    "111122223333 us-east-1",
    "444455556666 eu-west-1",
    "444455556666 us-east-1",
  ]);
  expect(s.label).toBe("CloudTrail logs in s3://trail-logs/org-trail/AWSLogs/");
});

test("only the day folders of the delivery range are listed and only files named inside it are fetched", async () => {
  const bucket = new MemoryBucket("b");
  const key = (iso: string, unique: string) => logKey("", "111122223333", "us-east-1", Date.parse(iso), unique);
  const inside = key("2026-01-20T10:30:00Z", "inside0000000001");
  const lastMinute = key("2026-01-20T13:00:00Z", "inside0000000002");
  const early = key("2026-01-20T10:29:00Z", "early00000000001");
  const late = key("2026-01-20T13:01:00Z", "late000000000001");
  const dayBefore = key("2026-01-19T12:00:00Z", "before0000000001");
  for (const [k, id] of [
    [inside, "e-inside"],
    [lastMinute, "e-last-minute"],
    [early, "e-early"],
    [late, "e-late"],
    [dayBefore, "e-day-before"],
  ] as const) {
    bucket.put(k, logFile(rec(id, "2026-01-20T10:00:00Z")));
  }
  const folder = `AWSLogs/${ORG}/111122223333/CloudTrail/us-east-1/2026/01/20/`;
  bucket.put(`${folder}copied-by-hand.json.gz`, logFile(rec("e-unplaced", "2026-01-20T11:00:00Z")));
  // Digests and Insights folders hold no logs to read.
  bucket.put(
    `AWSLogs/${ORG}/111122223333/CloudTrail-Digest/us-east-1/2026/01/20/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260120T110000Z.json.gz`,
    logFile(rec("e-digest", "2026-01-20T11:00:00Z")),
  );
  bucket.put(
    `AWSLogs/${ORG}/111122223333/CloudTrail-Insight/us-east-1/2026/01/20/x.json.gz`,
    logFile(rec("e-insight", "2026-01-20T11:00:00Z")),
  );
  const notes: string[] = [];
  const s = source(bucket, { onNote: (line) => notes.push(line) });
  // 10:30:45 .. 12:00 with the default lag of an hour: delivered 10:30 to 13:00.
  const got = events(await read(s, { since: at("2026-01-20T10:30:45Z"), until: at("2026-01-20T12:00:00Z") }));
  expect(got).toEqual(["e-inside", "e-last-minute", "e-unplaced"]);
  expect(bucket.listed.filter((p) => p.includes("/CloudTrail/us-east-1/2"))).toEqual([folder]);
  expect([...bucket.opened].sort()).toEqual([`${folder}copied-by-hand.json.gz`, inside, lastMinute].sort());
  expect(notes).toEqual([
    `1 file in the trail's day folders does not fit CloudTrail's log file names and was read whatever its delivery time: s3://b/${folder}copied-by-hand.json.gz`,
  ]);
});

test("files are read earliest delivery first, in the bucket and in a folder: a later copy of an event never comes first", async () => {
  // The copy CloudTrail delivered at 10:05 in us-east-1, and one planted in eu-west-1 (earlier in key
  // order) named as delivered at 12:50: the audit keeps the first copy it reads of an event.
  const genuine = logKey("", "111122223333", "us-east-1", Date.parse("2026-01-20T10:05:00Z"), "genuine000000001");
  const planted = logKey("", "111122223333", "eu-west-1", Date.parse("2026-01-20T12:50:00Z"), "planted000000001");
  const unplaced = `AWSLogs/${ORG}/111122223333/CloudTrail/ap-south-1/2026/01/20/copied.json.gz`;
  expect(planted < genuine && unplaced < planted).toBe(true);
  const files: [string, string][] = [
    [planted, "2026-01-20T10:00:02Z"],
    [genuine, "2026-01-20T10:00:01Z"],
    [unplaced, "2026-01-20T10:00:03Z"],
  ];
  const bucket = new MemoryBucket("b");
  const dir = join(ROOT, "delivery-order");
  for (const [key, time] of files) {
    bucket.put(key, logFile(rec("e-twice", time)));
    mkdirSync(dirname(join(dir, key)), { recursive: true });
    writeFileSync(join(dir, key), logFile(rec("e-twice", time)));
  }
  const times = async (from: { read(w: TimeWindow): AsyncIterable<ReadRecord> }) => {
    const out: string[] = [];
    for await (const r of from.read(DAY)) if (r.kind === "event") out.push(formatNano(r.event.eventTime));
    return out;
  };
  const expected = ["2026-01-20T10:00:01Z", "2026-01-20T10:00:02Z", "2026-01-20T10:00:03Z"];
  expect(await times(source(bucket, { onNote: () => {} }))).toEqual(expected);
  expect(await times(new LogFilesSource(dir))).toEqual(expected);
});

test("--delivery-lag widens the range: a file delivered a day late is read with a lag of 2d", async () => {
  const bucket = new MemoryBucket("b");
  bucket.put(
    logKey("", "111122223333", "us-east-1", Date.parse("2026-01-21T10:00:00Z"), "late000000000001"),
    logFile(rec("e-late", "2026-01-20T10:00:00Z")),
  );
  const window = { since: at("2026-01-20T09:00:00Z"), until: at("2026-01-20T12:00:00Z") };
  expect(events(await read(source(bucket), window))).toEqual([]);
  expect(events(await read(source(bucket, { deliveryLagSeconds: 2 * 86_400 }), window))).toEqual(["e-late"]);
});

test("--account and --trail-region keep only those folders", async () => {
  const bucket = new MemoryBucket("b");
  putTrailLogs(bucket);
  const s = source(bucket, { accounts: ["444455556666"], regions: ["eu-west-1"] });
  await read(s);
  expect(s.inventory.trails).toEqual([
    { accountRoot: `AWSLogs/${ORG}/444455556666/`, account: "444455556666", region: "eu-west-1" },
  ]);
  expect(bucket.opened.every((k) => k.includes("/444455556666/CloudTrail/eu-west-1/"))).toBe(true);
  expect(bucket.opened.length).toBeGreaterThan(0);
  await expect(read(source(bucket, { accounts: ["999999999999"] }))).rejects.toThrow(
    "no CloudTrail logs found for account 999999999999 below s3://b/AWSLogs/: check the bucket and prefix of --cloudtrail-s3 and --account",
  );
  // One asked for and absent among others found: the audit would be short of its logs.
  await expect(read(source(bucket, { accounts: ["444455556666", "999999999999"] }))).rejects.toThrow(
    "no CloudTrail logs found for account 999999999999 below s3://b/AWSLogs/: check the bucket and prefix of --cloudtrail-s3 and --account",
  );
  // Found, but holding no logs of the region asked for.
  bucket.put(`AWSLogs/${ORG}/777788889999/CloudTrail/ap-south-1/2026/01/20/x.json.gz`, logFile());
  bucket.put(`AWSLogs/${ORG}/777788889999/Config/eu-west-1/x.json.gz`, logFile());
  await expect(
    read(source(bucket, { accounts: ["444455556666", "777788889999", "777788889999"], regions: ["eu-west-1"] })),
  ).rejects.toThrow(
    "no CloudTrail log folders found in region eu-west-1 for account 777788889999 below s3://b/AWSLogs/: check --account and --trail-region",
  );
  await expect(read(source(bucket, { regions: ["eu-west-1", "ap-northeast-3"] }))).rejects.toThrow(
    "no CloudTrail log folders found in region ap-northeast-3 below s3://b/AWSLogs/: check --cloudtrail-s3 and --trail-region",
  );
});

test("at most --s3-concurrency bodies are read at once", async () => {
  const bucket = new MemoryBucket("b", 10);
  for (let i = 0; i < 12; i++) {
    bucket.put(
      logKey(
        "",
        "111122223333",
        "us-east-1",
        Date.parse("2026-01-20T10:00:00Z") + i * 60_000,
        `f${String(i).padStart(15, "0")}`,
      ),
      logFile(rec(`e${i}`, "2026-01-20T10:00:00Z")),
    );
  }
  // Each body waits until three are open: the reading goes on only if three run at once.
  let release: () => void = () => {};
  const threeOpen = new Promise<void>((resolve) => {
    release = resolve;
  });
  bucket.beforeChunk = async () => {
    if (bucket.opened.length >= 3) release();
    await threeOpen;
  };
  const got = events(await read(source(bucket, { concurrency: 3 })));
  expect(got.length).toBe(12);
  expect(bucket.mostOpen).toBe(3);
});

test("progress counts files and bytes up to the listed totals; the inventory holds each file's SHA-256 and trailing bytes", async () => {
  const bucket = new MemoryBucket("b", 7);
  const text = JSON.stringify({ Records: [rec("e1", "2026-01-20T10:00:00Z")] });
  const plain = logKey("", "111122223333", "us-east-1", Date.parse("2026-01-20T10:05:00Z"), "aaaaaaaaaaaaaaaa");
  const padded = logKey("", "111122223333", "us-east-1", Date.parse("2026-01-20T10:06:00Z"), "bbbbbbbbbbbbbbbb");
  bucket.put(plain, gzipSync(text));
  bucket.put(padded, Buffer.concat([gzipSync(text), Buffer.from("tail")]));
  const seen: BucketProgress[] = [];
  const s = source(bucket, { onProgress: (p) => seen.push(p) });
  await read(s);
  const size = (k: string) => bucket.objects.get(k)?.body.length ?? 0;
  expect(seen[0]).toEqual({ files: 0, filesListed: 2, bytes: 0, bytesListed: size(plain) + size(padded) });
  expect(seen.at(-1)).toEqual({
    files: 2,
    filesListed: 2,
    bytes: size(plain) + size(padded),
    bytesListed: size(plain) + size(padded),
  });
  const sha = createHash("sha256").update(text).digest("hex");
  expect(s.inventory.files.get(plain)).toEqual({
    key: plain,
    sha256: sha,
    trailingBytes: 0,
    deliveredSec: Date.parse("2026-01-20T10:05:00Z") / 1000,
  });
  expect(s.inventory.files.get(padded)?.trailingBytes).toBe(4);
  expect(s.inventory.files.get(padded)?.sha256).toBe(sha);
});

test("a corrupt gzip body or one that is not a Records object fails the run naming s3://bucket/key", async () => {
  const key = logKey("", "111122223333", "us-east-1", Date.parse("2026-01-20T10:05:00Z"), "aaaaaaaaaaaaaaaa");
  const corrupt = new MemoryBucket("b");
  const whole = logFile(rec("e1", "2026-01-20T10:00:00Z"));
  corrupt.put(key, whole.subarray(0, whole.length - 9));
  await expect(read(source(corrupt))).rejects.toThrow(
    `CloudTrail log file "s3://b/${key}" is not valid gzip data: keep it and compare it with the bucket's earlier versions (--validate-logs tells which files CloudTrail delivered)`,
  );
  const notRecords = new MemoryBucket("b");
  notRecords.put(key, gzipSync("[1, 2]"));
  await expect(read(source(notRecords))).rejects.toThrow(
    `CloudTrail log file "s3://b/${key}" is not a {"Records": [...]} JSON file (not a JSON object)`,
  );
});

test.each([
  // Padding enough that the text holds few objects for its size, as a whole parse needs.
  ["parsed whole", 2_000],
  ["split as it streams (text over 256 KiB)", 300_000],
])("a body %s gives each record once, hostile spellings of Records included", async (_, padChars) => {
  const key = logKey("", "111122223333", "us-east-1", Date.parse("2026-01-20T10:05:00Z"), "aaaaaaaaaaaaaaaa");
  const r = (id: string) => JSON.stringify(rec(id, "2026-01-20T10:00:00Z"));
  const pad = `"pad": "${"x".repeat(padChars)}", `;
  const readBody = (text: string) => {
    const bucket = new MemoryBucket("b");
    bucket.put(key, gzipSync(text));
    return read(source(bucket));
  };
  expect(await readBody(`{${pad}"Records": [${r("e1")}], "Records": [${r("e2")}]}`)).toEqual(["e1", "e2"]);
  expect(await readBody(`{${pad}"Records": [${r("e1")}], "Rec\\u006frds": []}`)).toEqual(["e1"]);
  expect(await readBody(`{${pad}"\\u0052ecords": [${r("e1")}]}`)).toEqual(["e1"]);
  expect(await readBody(`{${pad}"Records": [${r("e1")}, {"eventID": }, 7]}`)).toEqual([
    "e1",
    `malformed s3://b/${key} record 2`,
    `malformed s3://b/${key} record 3`,
  ]);
  for (const notRecords of [`{${pad}"Records": {}}`, `{${pad}"records": []}`]) {
    await expect(readBody(notRecords)).rejects.toThrow(
      `CloudTrail log file "s3://b/${key}" is not a {"Records": [...]} JSON file (no "Records" list)`,
    );
  }
});
