// `audit untracked-sessions --cloudtrail-s3` through the binary (SPEC §11),
// against moto's S3 and the project's CloudTrail stand-in (ListPublicKeys):
// the organization trail gives the categories a copied folder gives, reading
// is pruned to the delivery range (seen by a recording proxy), and
// --validate-logs catches an edited, deleted or planted log file, a bad
// signature and deleted digests, each named with its key and exit 5.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SINCE, UNTIL } from "../fixtures/cloudtrail/assume-role-events.ts";
import { fixtureTable } from "../support/audit-fixture.ts";
import { type Tamper, trailKey, type WrittenDigest, writeDigest } from "../support/cloudtrail-digest-writer.ts";
import { endpoint } from "../support/dynamo.ts";
import { startFakeCloudTrail } from "../support/fake-cloudtrail.ts";
import { type RunningMoto, sharedMoto } from "../support/moto.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";
import { startS3FaultProxy } from "../support/s3-fault-proxy.ts";
import { ACCOUNTS, putTrailLogs } from "../support/trail-bucket-fixture.ts";

const DIR = mkdtempSync(join(tmpdir(), "sentinel-cloudtrail-s3-"));
const KEY = trailKey();
const cloudTrail = startFakeCloudTrail({
  events: {},
  publicKeys: {
    "us-east-1": [
      { der: KEY.publicKey.der, fingerprint: KEY.publicKey.fingerprint, validFromSec: 0, validToSec: 4_000_000_000 },
    ],
  },
});
let moto: RunningMoto;
let s3: S3Client;
let table: string;
let buckets = 0;

type Put = { key: string; body: Uint8Array | string; metadata?: Record<string, string> };

/** Collects objects as the fixture writers put them, then uploads them to a new bucket of moto. */
async function bucketOf(
  fill: (sink: { put: (key: string, body: Uint8Array | string, metadata?: Record<string, string>) => void }) => void,
) {
  const name = `trail-${process.pid}-${++buckets}`;
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  const puts: Put[] = [];
  fill({ put: (key, body, metadata) => void puts.push({ key, body, ...(metadata ? { metadata } : {}) }) });
  for (const p of puts) {
    await s3.send(
      new PutObjectCommand({ Bucket: name, Key: p.key, Body: p.body, ...(p.metadata ? { Metadata: p.metadata } : {}) }),
    );
  }
  return { name, puts };
}

const env = (extra: Record<string, string> = {}) =>
  binaryEnv({
    AWS_ENDPOINT_URL_DYNAMODB: endpoint(),
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    AWS_ENDPOINT_URL_CLOUDTRAIL: cloudTrail.url,
    ...extra,
  });
const audit = (extra: string[], environment = env()) =>
  runBinary(["audit", "untracked-sessions", "--table", table, ...extra], environment);

beforeAll(async () => {
  moto = await sharedMoto();
  s3 = new S3Client({ endpoint: moto.endpoint, region: "us-east-1", forcePathStyle: true });
  table = await fixtureTable("cloudtrail-s3");
}, 60_000);

afterAll(() => {
  cloudTrail.stop();
  s3?.destroy();
  rmSync(DIR, { recursive: true, force: true });
});

describe("an organization trail's bucket", () => {
  let bucket: { name: string; puts: Put[] };
  let folder: string;
  const window = ["--since", SINCE, "--until", UNTIL];

  beforeAll(async () => {
    bucket = await bucketOf((sink) => {
      putTrailLogs(sink, "org-trail");
      // Never parsed as logs: digests, Insights events, and another folder.
      sink.put(
        "org-trail/AWSLogs/o-exampleorg1/111122223333/CloudTrail-Digest/us-east-1/2026/01/20/x.json.gz",
        gzipSync("{}"),
      );
      sink.put(
        "org-trail/AWSLogs/o-exampleorg1/111122223333/CloudTrail-Insight/us-east-1/2026/01/20/y.json.gz",
        "not json",
      );
      sink.put("org-trail/AWSLogs/o-exampleorg1/111122223333/Config/us-east-1/2026/01/20/z.json", "not json");
    });
    // The same log files as `aws s3 sync` leaves them.
    folder = join(DIR, "synced");
    for (const p of bucket.puts) {
      if (!p.key.includes("/CloudTrail/")) continue;
      const path = join(folder, p.key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, p.body);
    }
  });

  test("gives row for row the categories of --cloudtrail-logs on the same files", async () => {
    const fromBucket = await audit([
      ...window,
      "--all-events",
      "--output",
      "csv",
      "--cloudtrail-s3",
      `s3://${bucket.name}/org-trail`,
      "--s3-concurrency",
      "3",
    ]);
    const fromFolder = await audit([...window, "--all-events", "--output", "csv", "--cloudtrail-logs", folder]);
    expect(fromBucket.code).toBe(fromFolder.code);
    expect(fromBucket.code).toBe(4);
    // Byte for byte: files are taken in key order, so an event in two files is kept from the same copy.
    expect(fromBucket.stdout).toBe(fromFolder.stdout);
    expect(fromBucket.stdout.split("\n").length).toBeGreaterThan(50);
  });

  test("--account and --trail-region keep only those logs", async () => {
    const base = [...window, "--all-events", "--output", "ndjson", "--cloudtrail-s3", `s3://${bucket.name}/org-trail`];
    const all = (await audit(base)).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const oneAccount = (await audit([...base, "--account", ACCOUNTS[0]])).stdout.trim().split("\n");
    const oneRegion = (await audit([...base, "--trail-region", "eu-west-1"])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(oneAccount.length).toBeGreaterThan(0);
    expect(oneAccount.length).toBeLessThan(all.length);
    expect(oneRegion.every((e) => e.region === "eu-west-1")).toBe(true);
    const regional = new Set(oneRegion.map((e) => e.event_id));
    for (const e of all.filter((e) => e.region === "eu-west-1")) expect(regional.has(e.event_id)).toBe(true);
    expect(oneRegion.length).toBeLessThan(all.length);
  });

  test("--debug counts the List and Get requests; no CloudTrail event call is made; the manifest counts the files read", async () => {
    const before = cloudTrail.requests.length;
    const manifest = join(folder, "..", "bucket-audit.manifest.json");
    const result = await audit([
      ...window,
      "--cloudtrail-s3",
      `s3://${bucket.name}/org-trail`,
      "--debug",
      "--manifest",
      manifest,
    ]);
    const gets = /debug: S3 requests: \d+ List, (\d+) Get/.exec(result.stderr);
    expect(gets).not.toBeNull();
    expect(cloudTrail.requests.length).toBe(before);
    // Without --validate-logs every Get is a log file.
    const written = JSON.parse(readFileSync(manifest, "utf8"));
    expect(written.log_files).toBe(Number(gets?.[1]));
    expect(written.log_files).toBeGreaterThan(5);
  });
});

describe("reading only the delivery range", () => {
  const DAY = 86_400_000;
  const base = Date.UTC(2026, 0, 1, 12);
  const record = (id: string, ms: number) => ({
    eventVersion: "1.08",
    eventTime: new Date(ms).toISOString().replace(/\.\d+Z$/, "Z"),
    eventSource: "sts.amazonaws.com",
    eventName: "AssumeRole",
    eventID: id,
    awsRegion: "us-east-1",
    userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/ops" },
    requestParameters: { roleArn: "arn:aws:iam::111122223333:role/prod-admin", roleSessionName: "ops" },
  });
  const logKey = (ms: number, tail: string) => {
    const iso = new Date(ms).toISOString();
    const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
    return `AWSLogs/111122223333/CloudTrail/us-east-1/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/111122223333_CloudTrail_us-east-1_${stamp}_${tail}.json.gz`;
  };
  let bucket: { name: string; puts: Put[] };
  // The window: days 20 and 21 (2026-01-21T12:00 .. 2026-01-23T12:00).
  const since = new Date(base + 20 * DAY);
  const until = new Date(base + 22 * DAY);

  beforeAll(async () => {
    bucket = await bucketOf((sink) => {
      for (let day = 0; day < 30; day++) {
        const at = base + day * DAY;
        sink.put(
          logKey(at + 5 * 60_000, `day${String(day).padStart(13, "0")}`),
          gzipSync(JSON.stringify({ Records: [record(`day-${day}`, at)] })),
        );
      }
      // An event 10 minutes before until, in files delivered 50 minutes and 2 hours after until.
      const late = until.getTime() - 10 * 60_000;
      sink.put(
        logKey(until.getTime() + 50 * 60_000, "late0000000000050"),
        gzipSync(JSON.stringify({ Records: [record("late-50m", late)] })),
      );
      sink.put(
        logKey(until.getTime() + 120 * 60_000, "late0000000000120"),
        gzipSync(JSON.stringify({ Records: [record("late-2h", late)] })),
      );
      // A file whose name is not CloudTrail's: read (it cannot be placed), and named in a note.
      sink.put(
        `AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/22/copied-by-hand.json`,
        JSON.stringify({ Records: [record("odd-name", base + 21 * DAY)] }),
      );
    });
  });

  /** Every event of the window as NDJSON, from the bucket. */
  const windowArgs = () =>
    ["--since", since.toISOString(), "--until", until.toISOString()].concat([
      "--all-events",
      "--output",
      "ndjson",
      "--cloudtrail-s3",
      `s3://${bucket.name}`,
    ]);

  test("lists only the day folders in range and fetches no file delivered before since", async () => {
    const proxy = await startS3FaultProxy(moto.endpoint, () => "pass");
    try {
      const result = await audit(windowArgs(), env({ AWS_ENDPOINT_URL_S3: proxy.url }));
      expect(result.code).toBe(4);
      const ids = result.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).event_id)
        .sort();
      expect(ids).toEqual(["day-20", "day-21", "day-22", "late-50m", "odd-name"].sort());
      expect(result.stderr).toContain("copied-by-hand.json");
      const lists = proxy.seen.filter((r) => r.method === "GET" && r.path.includes("list-type=2"));
      const prefixes = lists.map((r) => decodeURIComponent(/[?&]prefix=([^&]*)/.exec(r.path)?.[1] ?? ""));
      const dayFolders = prefixes.filter((p) => /\/\d{4}\/\d{2}\/\d{2}\/$/.test(p)).sort();
      expect(dayFolders).toEqual([
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/21/",
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/22/",
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/23/",
      ]);
      const gets = proxy.seen.filter((r) => r.method === "GET" && !r.path.includes("list-type=2")).map((r) => r.path);
      for (let day = 0; day < 20; day++)
        expect(gets.some((p) => p.includes(`day${String(day).padStart(13, "0")}`))).toBe(false);
      expect(gets.some((p) => p.includes("late0000000000120"))).toBe(false);
    } finally {
      await proxy.stop();
    }
  });

  test("no day folder later than the day after now is listed, whatever --delivery-lag reaches", async () => {
    const proxy = await startS3FaultProxy(moto.endpoint, () => "pass");
    try {
      const sinceMs = Date.now() - 3_600_000;
      const args = ["--since", new Date(sinceMs).toISOString(), "--output", "ndjson", "--delivery-lag", "2000h"];
      const result = await audit(
        [...args, "--cloudtrail-s3", `s3://${bucket.name}`],
        env({ AWS_ENDPOINT_URL_S3: proxy.url }),
      );
      const afterMs = Date.now();
      expect(result.code).toBe(0);
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll("-", "/");
      const days = proxy.seen
        .filter((r) => r.method === "GET" && r.path.includes("list-type=2"))
        .map((r) => decodeURIComponent(/[?&]prefix=([^&]*)/.exec(r.path)?.[1] ?? ""))
        .flatMap((p) => /\/(\d{4}\/\d{2}\/\d{2})\/$/.exec(p)?.[1] ?? []);
      // From since's day to the day after the run's now: 2 or 3 folders (2000 hours would be 85).
      expect(days.length).toBeGreaterThanOrEqual(2);
      expect(days.length).toBeLessThanOrEqual(3);
      expect(days.sort()[0]).toBe(day(sinceMs));
      expect(days.every((d) => d <= day(afterMs + DAY))).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  test("a file delivered 2 hours after until is read with --delivery-lag 3h", async () => {
    const result = await audit([...windowArgs(), "--delivery-lag", "3h"]);
    const ids = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).event_id);
    expect(ids).toContain("late-2h");
  });
});

describe("log files that cannot be read end the run naming s3://bucket/key", () => {
  test.each([
    [
      "a corrupt gzip",
      Buffer.concat([gzipSync(JSON.stringify({ Records: [] })).subarray(0, 12), Buffer.from("garbage")]),
    ],
    ['a body that is not {"Records": [...]}', gzipSync(JSON.stringify({ records: "x" }))],
  ])("%s", async (_, body) => {
    const key =
      "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/20/111122223333_CloudTrail_us-east-1_20260120T1005Z_brokenbrokenbrok.json.gz";
    const bucket = await bucketOf((sink) => sink.put(key, body));
    const result = await audit(["--since", SINCE, "--until", UNTIL, "--cloudtrail-s3", `s3://${bucket.name}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith("error: ");
    expect(result.stderr).toContain(`s3://${bucket.name}/${key}`);
    expect(result.stderr.split("\n")).toHaveLength(2);
  });

  test("S3 faults retried give identical output; a persistent one is exit 1", async () => {
    const bucket = await bucketOf((sink) => putTrailLogs(sink, ""));
    const args = [
      "--since",
      SINCE,
      "--until",
      UNTIL,
      "--all-events",
      "--output",
      "csv",
      "--cloudtrail-s3",
      `s3://${bucket.name}`,
    ];
    const clean = await audit(args);
    let n = 0;
    const flaky = await startS3FaultProxy(moto.endpoint, () =>
      ++n % 4 === 0 ? ((["slowdown", "http500", "reset", "truncate"] as const)[(n / 4) % 4] ?? "pass") : "pass",
    );
    try {
      const faulty = await audit(args, env({ AWS_ENDPOINT_URL_S3: flaky.url }));
      expect(faulty.code).toBe(clean.code);
      expect(faulty.stdout).toBe(clean.stdout);
    } finally {
      await flaky.stop();
    }
    const broken = await startS3FaultProxy(moto.endpoint, () => "http500");
    try {
      const failed = await audit(args, env({ AWS_ENDPOINT_URL_S3: broken.url }));
      expect(failed.code).toBe(1);
      expect(failed.stderr).toStartWith("error: ");
      expect(failed.stderr.split("\n")).toHaveLength(2);
    } finally {
      await broken.stop();
    }
  });
});

describe("--validate-logs", () => {
  const BUCKET_ROOT = "AWSLogs/111122223333/";
  const REGION = "us-east-1";
  const hour = (h: number) => Date.UTC(2026, 0, 20, h) / 1000;
  const pad = (n: number) => String(n).padStart(2, "0");
  const logKeyAt = (h: number, unique = "aaaaaaaaaaaaaaaa") =>
    `${BUCKET_ROOT}CloudTrail/${REGION}/2026/01/20/111122223333_CloudTrail_${REGION}_20260120T${pad(h)}30Z_${unique}.json.gz`;
  const logText = (h: number) =>
    JSON.stringify({
      Records: [
        {
          eventVersion: "1.08",
          eventSource: "sts.amazonaws.com",
          eventName: "AssumeRole",
          eventID: `e${h}`,
          eventTime: `2026-01-20T${pad(h)}:10:00Z`,
          awsRegion: REGION,
          userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/ops" },
          requestParameters: { roleArn: "arn:aws:iam::111122223333:role/prod-admin", roleSessionName: "ops" },
        },
      ],
    });
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const window = ["--since", "2026-01-20T10:00:00Z", "--until", "2026-01-20T16:00:00Z"];

  type Trail = {
    tamper?: Record<number, Tamper>;
    noDigest?: number[];
    noLog?: number[];
    edit?: number;
    plant?: number;
    /** Hours whose digest starts a new chain, as after logging restarted. */
    restart?: number[];
  };

  /** Logs delivered 09:30–17:30 and hourly digests ending 08:01:31–18:01:31, each listing its hour's log. */
  async function trail(options: Trail = {}) {
    return bucketOf((sink) => {
      const name = `trail-${process.pid}-${buckets}`;
      for (let h = 9; h <= 17; h++) {
        if (options.noLog?.includes(h)) continue;
        sink.put(logKeyAt(h), gzipSync(options.edit === h ? logText(h).replace("ops", "0ps") : logText(h)));
      }
      if (options.plant !== undefined)
        sink.put(logKeyAt(options.plant, "plantedplantedpl"), gzipSync(logText(options.plant)));
      let previous: WrittenDigest | null = null;
      for (let end = 8; end <= 18; end++) {
        if (options.noDigest?.includes(end)) continue;
        const logH = end - 1;
        previous = writeDigest(sink, {
          bucket: name,
          accountRoot: BUCKET_ROOT,
          account: "111122223333",
          region: REGION,
          startSec: hour(end - 1) + 91,
          endSec: hour(end) + 91,
          logFiles: logH >= 9 && logH <= 17 ? [{ key: logKeyAt(logH), sha256: sha(logText(logH)) }] : [],
          previous: options.restart?.includes(end) ? null : previous,
          key: KEY,
          ...(options.tamper?.[end] ? { tamper: options.tamper[end] } : {}),
        });
      }
    });
  }

  const validate = (name: string, extra: string[] = []) =>
    audit([...window, "--cloudtrail-s3", `s3://${name}`, "--validate-logs", ...extra]);

  test("an intact chain: the summary line, no problem, the exit status of the findings", async () => {
    const { name } = await trail();
    const result = await validate(name, ["--output", "json"]);
    // Digests delivered 09:00 (since - 1h) to 18:00 (until + 1h lag + 2h, cut to those written): 10.
    expect(result.stderr).toContain("integrity: 10 of 10 digests valid, 7 of 7 log files valid, 0 problems");
    expect(result.code).toBe(4); // the events are untracked role uses: findings, and nothing wrong with the logs
    const report = JSON.parse(result.stdout);
    expect(report.integrity).toEqual({
      digests: 10,
      digests_valid: 10,
      log_files: 7,
      log_files_valid: 7,
      problems: [],
    });
  });

  test.each([
    ["an edited log file", { edit: 12 } as Trail, "log_modified", () => logKeyAt(12)],
    ["a deleted log file", { noLog: [13] } as Trail, "log_missing", () => logKeyAt(13)],
    ["a planted log file", { plant: 14 } as Trail, "log_unlisted", () => logKeyAt(14, "plantedplantedpl")],
    [
      "a digest with a wrong signature",
      { tamper: { 12: { signature: "00".repeat(256) } } } as Trail,
      "digest_invalid",
      () => "CloudTrail-Digest/",
    ],
    ["two consecutive digests deleted", { noDigest: [12, 13] } as Trail, "digest_gap", () => "CloudTrail-Digest/"],
    [
      "a digest copied to another key",
      {
        tamper: { 12: { claimedObject: "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/19/x.json.gz" } },
      } as Trail,
      "digest_moved",
      () => "CloudTrail-Digest/",
    ],
    [
      "an unknown fingerprint",
      { tamper: { 12: { fingerprint: "0".repeat(32) } } } as Trail,
      "key_not_found",
      () => "CloudTrail-Digest/",
    ],
    [
      "a broken previous-signature link",
      { tamper: { 13: { previousSignature: "ab".repeat(256) } } } as Trail,
      "chain_broken",
      () => "CloudTrail-Digest/",
    ],
    [
      "a trail stopped for 3 hours inside the window",
      { noDigest: [12, 13, 14], noLog: [11, 12, 13], restart: [15] } as Trail,
      "digest_gap",
      () => "CloudTrail-Digest/",
    ],
  ])("%s is exit 5, the problem named with its key", async (_, options, kind, key) => {
    const { name } = await trail(options);
    const result = await validate(name);
    expect(result.code).toBe(5);
    const line = result.stderr.split("\n").find((l) => l.startsWith(`integrity: ${kind} s3://${name}/`));
    expect(line, result.stderr).toBeDefined();
    expect(line).toContain(key());
  });

  test("a fresh log file with no digest yet is a log_pending note, not a failure", async () => {
    const nowSec = Math.floor(Date.now() / 1000);
    const at = (sec: number) => {
      const iso = new Date(sec * 1000).toISOString();
      return {
        day: iso.slice(0, 10).replaceAll("-", "/"),
        stamp: `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`,
      };
    };
    const key = (sec: number, unique: string) =>
      `${BUCKET_ROOT}CloudTrail/${REGION}/${at(sec).day}/111122223333_CloudTrail_${REGION}_${at(sec).stamp}_${unique}.json.gz`;
    const text = (sec: number) =>
      JSON.stringify({
        Records: [
          {
            ...JSON.parse(logText(9)).Records[0],
            eventID: `p${sec}`,
            eventTime: new Date((sec - 300) * 1000).toISOString(),
          },
        ],
      });
    const { name } = await bucketOf((sink) => {
      const bucketName = `trail-${process.pid}-${buckets}`;
      let previous: WrittenDigest | null = null;
      // Hourly digests up to an hour ago, each listing the log delivered in its hour; then one log 20 minutes ago.
      for (let h = 7; h >= 1; h--) {
        const end = nowSec - h * 3600;
        const logAt = end - 1800;
        sink.put(key(logAt, `hour${String(h).padStart(12, "0")}`), gzipSync(text(logAt)));
        previous = writeDigest(sink, {
          bucket: bucketName,
          accountRoot: BUCKET_ROOT,
          account: "111122223333",
          region: REGION,
          startSec: end - 3600,
          endSec: end,
          logFiles: [{ key: key(logAt, `hour${String(h).padStart(12, "0")}`), sha256: sha(text(logAt)) }],
          previous,
          key: KEY,
        });
      }
      sink.put(key(nowSec - 1200, "freshfreshfresh0"), gzipSync(text(nowSec - 1200)));
    });
    const result = await audit(["--since", "5h", "--cloudtrail-s3", `s3://${name}`, "--validate-logs"]);
    expect(result.code).toBe(4); // findings, and no integrity failure
    expect(result.stderr).toContain(`integrity: log_pending s3://${name}/${key(nowSec - 1200, "freshfreshfresh0")}`);
    expect(result.stderr).toMatch(/ 0 problems\n/);
  });

  test("--validate-logs without --cloudtrail-s3 is a usage error that says why", async () => {
    const result = await audit([...window, "--cloudtrail-logs", DIR, "--validate-logs"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: --validate-logs needs --cloudtrail-s3: digest signatures are S3 object metadata, which a copied folder or the API does not have\n",
    );
  });
});

describe("bad input: one error line, the right status", () => {
  test.each([
    [
      "not an s3:// URI",
      ["--cloudtrail-s3", "https://example.com/trail"],
      2,
      'invalid --cloudtrail-s3 "https://example.com/trail"',
    ],
    [
      "with --cloudtrail-logs",
      ["--cloudtrail-s3", "s3://trail-bucket", "--cloudtrail-logs", "."],
      2,
      "give one of them",
    ],
    ["--account that is no account", ["--cloudtrail-s3", "s3://trail-bucket", "--account", "12"], 2, "12-digit"],
    ["--account without --cloudtrail-s3", ["--account", "111122223333"], 2, "applies only with --cloudtrail-s3"],
    ["a bucket that does not exist", ["--cloudtrail-s3", "s3://no-such-trail-bucket"], 1, "no-such-trail-bucket"],
  ])("%s", async (_, extra, code, message) => {
    const result = await audit(["--since", SINCE, "--until", UNTIL, ...extra]);
    expect(result.code).toBe(code);
    expect(result.stderr).toStartWith("error: ");
    expect(result.stderr).toContain(message);
    expect(result.stderr.split("\n")).toHaveLength(2);
  });

  test("access denied (the proxy answering 403) is exit 1", async () => {
    const bucket = await bucketOf((sink) => putTrailLogs(sink, ""));
    const denied = await startS3FaultProxy(moto.endpoint, () => "access-denied");
    try {
      const result = await audit(
        ["--since", SINCE, "--until", UNTIL, "--cloudtrail-s3", `s3://${bucket.name}`],
        env({ AWS_ENDPOINT_URL_S3: denied.url }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toStartWith("error: ");
      expect(result.stderr.toLowerCase()).toContain("access denied");
      expect(result.stderr.split("\n")).toHaveLength(2);
    } finally {
      await denied.stop();
    }
  });
});
