// --validate-logs over an in-memory trail bucket: one account and region,
// hourly digests ending at HH:01:31, one log file delivered at HH:30 each hour.
// Window 10:00–16:00 (2026-01-20), digests listed 09:00–19:00, logs read
// 10:30–16:30 (7 files). Each test breaks one thing; the problems it must give
// are written out by hand.
import { expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  type DigestSpec,
  signedStringOf,
  type Tamper,
  trailKey,
  type WrittenDigest,
  writeDigest,
} from "../../test/support/cloudtrail-digest-writer.ts";
import { MemoryBucket } from "../../test/support/memory-bucket.ts";
import { parseTimestamp } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";
import { BucketLogsSource } from "./bucket-logs.ts";
import { DigestProvider } from "./digest-provider.ts";
import {
  type IntegrityProblem,
  type IntegrityReport,
  integrityFailed,
  integrityJson,
  integrityLines,
  validateLogs,
} from "./log-validation.ts";
import type { PublicKeyLister, TrailPublicKey } from "./public-keys.ts";

const BUCKET = "trail-logs";
const ACCOUNT = "111122223333";
const ROOT = `AWSLogs/${ACCOUNT}/`;
const REGION = "us-east-1";
const KEY = trailKey();
const at = (iso: string) => parseTimestamp(iso) as NonNullable<ReturnType<typeof parseTimestamp>>;
const WINDOW: TimeWindow = { since: at("2026-01-20T10:00:00Z"), until: at("2026-01-20T16:00:00Z") };
const LATER = new Date("2026-01-21T00:00:00Z");
const hour = (h: number) => Date.UTC(2026, 0, 20, h) / 1000;
const pad = (n: number) => String(n).padStart(2, "0");

const logKeyAt = (h: number, minute = 30, unique = "aaaaaaaaaaaaaaaa") =>
  `${ROOT}CloudTrail/${REGION}/2026/01/20/${ACCOUNT}_CloudTrail_${REGION}_20260120T${pad(h)}${pad(minute)}Z_${unique}.json.gz`;
const logText = (h: number) =>
  JSON.stringify({
    Records: [
      {
        eventSource: "sts.amazonaws.com",
        eventName: "AssumeRole",
        eventID: `e${h}`,
        eventTime: `2026-01-20T${pad(h)}:10:00Z`,
      },
    ],
  });
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

type Options = {
  /** Digests by the hour they end at (8..18), tampered. */
  tamper?: Record<number, Tamper>;
  /** Hours whose digest is not written. */
  noDigest?: number[];
  /** Hours whose digest starts a new chain (previous null), as after logging restarted. */
  restart?: number[];
  /** Hours whose log file is not written. */
  noLog?: number[];
  /** Digests (by the hour they end at) that start this many seconds before the one before them ends. */
  startEarlier?: Record<number, number>;
};

/** The digest of this account and region for the hour that ends at `end`:01:31 (spec: what else it holds). */
function hourDigest(
  bucket: MemoryBucket,
  end: number,
  spec: Pick<DigestSpec, "logFiles" | "previous"> & Partial<DigestSpec>,
): WrittenDigest {
  return writeDigest(bucket, {
    bucket: BUCKET,
    accountRoot: ROOT,
    account: ACCOUNT,
    region: REGION,
    startSec: hour(end - 1) + 91,
    endSec: hour(end) + 91,
    key: KEY,
    ...spec,
  });
}

/** The trail: logs delivered 09:30–17:30, digests ending 08:01:31–18:01:31, each listing the log of its hour. */
function trail(options: Options = {}): { bucket: MemoryBucket; digests: Map<number, WrittenDigest> } {
  const bucket = new MemoryBucket(BUCKET, 64);
  for (let h = 9; h <= 17; h++) if (!options.noLog?.includes(h)) bucket.put(logKeyAt(h), gzipSync(logText(h)));
  const digests = new Map<number, WrittenDigest>();
  let previous: WrittenDigest | null = null;
  for (let end = 8; end <= 18; end++) {
    if (options.noDigest?.includes(end)) continue;
    const logH = end - 1;
    const written = hourDigest(bucket, end, {
      logFiles: logH >= 9 && logH <= 17 ? [{ key: logKeyAt(logH), sha256: sha(logText(logH)) }] : [],
      previous: options.restart?.includes(end) ? null : previous,
      ...(options.tamper?.[end] ? { tamper: options.tamper[end] } : {}),
      ...(options.startEarlier?.[end] ? { startSec: hour(end - 1) + 91 - (options.startEarlier[end] as number) } : {}),
    });
    digests.set(end, written);
    previous = written;
  }
  return { bucket, digests };
}

const keysOf = (...keys: TrailPublicKey[]): PublicKeyLister => ({
  async listPublicKeys(region) {
    return region === REGION ? keys : [];
  },
});

async function validate(
  bucket: MemoryBucket,
  now = LATER,
  lister = keysOf(KEY.publicKey),
  filter: { accounts?: string[]; regions?: string[] } = {},
): Promise<IntegrityReport> {
  const source = new BucketLogsSource(bucket, { prefix: "", validating: true, ...filter });
  for await (const _ of source.read(WINDOW));
  return validateLogs(bucket, lister, source.inventory, {
    window: WINDOW,
    now,
    ...(filter.regions ? { regions: filter.regions } : {}),
  });
}

const s3 = (key: string) => `s3://${BUCKET}/${key}`;
const problems = (r: IntegrityReport) => r.problems.map((p) => `${p.kind} ${p.key}`);

test("an intact chain gives no problem: 10 of 10 digests and 7 of 7 log files valid", async () => {
  const report = await validate(trail().bucket);
  expect(report).toEqual({ digests: 10, digestsValid: 10, logFiles: 7, logFilesValid: 7, problems: [] });
  expect(integrityFailed(report)).toBe(false);
  expect(integrityLines(report)).toEqual(["integrity: 10 of 10 digests valid, 7 of 7 log files valid, 0 problems"]);
});

test("digest_invalid: a signature that does not verify; the digest after it shows chain_broken, its file log_unlisted, its hour a gap", async () => {
  const { bucket, digests } = trail({ tamper: { 13: { signature: "00".repeat(256) } } });
  const report = await validate(bucket);
  const d13 = s3(digests.get(13)?.key as string);
  const d14 = s3(digests.get(14)?.key as string);
  // Sorted by key (digests before logs: "-" sorts before "/"), then by kind.
  const expected: IntegrityProblem[] = [
    { kind: "digest_invalid", key: d13, digest: null, reason: "the signature does not verify" },
    {
      kind: "chain_broken",
      key: d14,
      digest: d13,
      reason: `previousDigestSignature differs from the signature of ${d13}`,
    },
    {
      kind: "digest_gap",
      key: d14,
      digest: null,
      reason: "no digest of trail main covers 2026-01-20T12:01:31Z to 2026-01-20T13:01:31Z",
    },
    { kind: "log_unlisted", key: s3(logKeyAt(12)), digest: null, reason: "no valid digest lists this log file" },
  ];
  expect(report.problems).toEqual(expected);
  expect(report.digestsValid).toBe(9);
  expect(integrityFailed(report)).toBe(true);
});

test.each([
  ["metadata missing", { dropMetadata: true }, "the S3 metadata signature or signature-algorithm is missing"],
  ["another algorithm", { algorithm: "SHA1withRSA" }, "signed with SHA1withRSA, not SHA256withRSA"],
  [
    "content edited after signing",
    { editAfterSigning: (t: string) => t.replace('"main"', '"main"').replace("SHA-256", "SHA-256 ") },
    "the signature does not verify",
  ],
  ["not gzip JSON", { editAfterSigning: () => "{not json" }, "unreadable: not JSON"],
] as [string, Tamper, string][])("digest_invalid: %s", async (_, tamper, reason) => {
  const { bucket, digests } = trail({ tamper: { 13: tamper } });
  const report = await validate(bucket);
  expect(report.problems.filter((p) => p.kind === "digest_invalid")).toEqual([
    { kind: "digest_invalid", key: s3(digests.get(13)?.key as string), digest: null, reason },
  ]);
});

test("digest_moved: a digest that says it lies elsewhere is left out of the chain", async () => {
  const claimed = `${ROOT}CloudTrail-Digest/${REGION}/2026/01/20/elsewhere.json.gz`;
  const { bucket, digests } = trail({ tamper: { 13: { claimedObject: claimed } } });
  const report = await validate(bucket);
  const d13 = s3(digests.get(13)?.key as string);
  expect(report.problems.filter((p) => p.kind === "digest_moved")).toEqual([
    { kind: "digest_moved", key: d13, digest: null, reason: `it says it lies at ${s3(claimed)}` },
  ]);
  // Left out: its file is listed by no valid digest and its hour is a gap; its link to the next still holds.
  expect(problems(report).sort()).toEqual(
    [
      `digest_moved ${d13}`,
      `digest_gap ${s3(digests.get(14)?.key as string)}`,
      `log_unlisted ${s3(logKeyAt(12))}`,
    ].sort(),
  );
});

test("key_not_found: signed by a key ListPublicKeys does not give for the region", async () => {
  const other = trailKey();
  const { bucket, digests } = trail({ tamper: { 13: { fingerprint: other.publicKey.fingerprint } } });
  const report = await validate(bucket);
  expect(report.problems.filter((p) => p.kind === "key_not_found")).toEqual([
    {
      kind: "key_not_found",
      key: s3(digests.get(13)?.key as string),
      digest: null,
      reason: `no public key with fingerprint ${other.publicKey.fingerprint} in us-east-1`,
    },
  ]);
});

test("chain_broken: previousDigestHashValue that disagrees with the digest before it", async () => {
  const { bucket, digests } = trail({ tamper: { 14: { previousHashValue: "ab".repeat(32) } } });
  const report = await validate(bucket);
  const d13 = s3(digests.get(13)?.key as string);
  expect(report.problems).toEqual([
    {
      kind: "chain_broken",
      key: s3(digests.get(14)?.key as string),
      digest: d13,
      reason: `previousDigestHashValue differs from the SHA-256 of ${d13}`,
    },
  ]);
});

test("digest_gap: two consecutive digests deleted, with the link to the missing one broken", async () => {
  const { bucket, digests } = trail();
  bucket.delete(digests.get(12)?.key as string);
  bucket.delete(digests.get(13)?.key as string);
  const report = await validate(bucket);
  const d13 = s3(digests.get(13)?.key as string);
  const d14 = s3(digests.get(14)?.key as string);
  const expected: IntegrityProblem[] = [
    { kind: "chain_broken", key: d14, digest: d13, reason: `the digest before it, ${d13}, is missing` },
    {
      kind: "digest_gap",
      key: d14,
      digest: null,
      reason: "no digest of trail main covers 2026-01-20T11:01:31Z to 2026-01-20T13:01:31Z",
    },
    { kind: "log_unlisted", key: s3(logKeyAt(11)), digest: null, reason: "no valid digest lists this log file" },
    { kind: "log_unlisted", key: s3(logKeyAt(12)), digest: null, reason: "no valid digest lists this log file" },
  ];
  expect(report.problems).toEqual(expected);
});

test("digest_gap: a trail stopped for 3 hours inside the window, restarted with a new chain", async () => {
  // No logs and no digests 11:01:31–14:01:31; the digest ending 15:01:31 starts afresh.
  const { bucket, digests } = trail({ noDigest: [12, 13, 14], restart: [15], noLog: [11, 12, 13] });
  const report = await validate(bucket);
  expect(report.problems).toEqual([
    {
      kind: "digest_gap",
      key: s3(digests.get(15)?.key as string),
      digest: null,
      reason: "no digest of trail main covers 2026-01-20T11:01:31Z to 2026-01-20T14:01:31Z",
    },
  ]);
});

test("digest_gap: a digest that starts before the one before it ends (an overlap)", async () => {
  const { bucket, digests } = trail({ startEarlier: { 13: 600 } });
  const report = await validate(bucket);
  expect(report.problems).toEqual([
    {
      kind: "digest_gap",
      key: s3(digests.get(13)?.key as string),
      digest: null,
      reason:
        "its digestStartTime 2026-01-20T11:51:31Z is before the digestEndTime 2026-01-20T12:01:31Z of the digest before it",
    },
  ]);
});

test("digest_gap: a log folder without any digest (validation off)", async () => {
  const bucket = new MemoryBucket(BUCKET);
  bucket.put(logKeyAt(11), gzipSync(logText(11)));
  const report = await validate(bucket);
  expect(problems(report)).toEqual([
    `digest_gap ${s3(`${ROOT}CloudTrail-Digest/${REGION}/`)}`,
    `log_unlisted ${s3(logKeyAt(11))}`,
  ]);
});

test("log_modified: a log file whose content changed, and one with bytes appended after its last member", async () => {
  const { bucket, digests } = trail();
  bucket.put(logKeyAt(11), gzipSync(logText(11).replace("e11", "e99")));
  bucket.put(logKeyAt(12), Buffer.concat([gzipSync(logText(12)), Buffer.from("appended")]));
  const report = await validate(bucket);
  const d12 = s3(digests.get(12)?.key as string);
  const d13 = s3(digests.get(13)?.key as string);
  expect(report.problems).toEqual([
    { kind: "log_modified", key: s3(logKeyAt(11)), digest: d12, reason: `SHA-256 differs from digest ${d12}` },
    {
      kind: "log_modified",
      key: s3(logKeyAt(12)),
      digest: d13,
      reason: `8 bytes after its last gzip member (listed by digest ${d13})`,
    },
  ]);
  expect(report.logFilesValid).toBe(5);
});

test("log_missing: a file a digest of the window lists, deleted from the bucket", async () => {
  const { bucket, digests } = trail({ noLog: [12] });
  const report = await validate(bucket);
  const d13 = s3(digests.get(13)?.key as string);
  expect(report.problems).toEqual([
    {
      kind: "log_missing",
      key: s3(logKeyAt(12)),
      digest: d13,
      reason: `listed by digest ${d13} but not in the bucket`,
    },
  ]);
  expect(report.logFiles).toBe(6);
});

test.each([
  ["", {}],
  [" asked for by --account", { accounts: [ACCOUNT] }],
  [" asked for by --trail-region", { regions: [REGION] }],
])(
  "log_missing: every log file deleted, the log folder%s gone with them: the digests name each one",
  async (_, filter) => {
    const { bucket, digests } = trail({ noLog: [9, 10, 11, 12, 13, 14, 15, 16, 17] });
    const report = await validate(bucket, LATER, keysOf(KEY.publicKey), filter);
    // The digests ending 10:01:31 to 16:01:31 cover a time of the window; they list the files of 09:30 to 15:30.
    expect(problems(report)).toEqual([9, 10, 11, 12, 13, 14, 15].map((h) => `log_missing ${s3(logKeyAt(h))}`));
    expect(report.problems[0]?.digest).toBe(s3(digests.get(10)?.key as string));
    expect(integrityFailed(report)).toBe(true);
  },
);

test("without --validate-logs, a trail bucket without log folders is still an error naming what to check", async () => {
  const { bucket } = trail({ noLog: [9, 10, 11, 12, 13, 14, 15, 16, 17] });
  const read = async () => {
    for await (const _ of new BucketLogsSource(bucket, { prefix: "" }).read(WINDOW));
  };
  await expect(read()).rejects.toThrow(
    `no CloudTrail log folders found below s3://${BUCKET}/AWSLogs/: check --cloudtrail-s3`,
  );
});

/** The problem of a file planted in a time whose valid digest does not list it. */
const notListedBy = (key: string, digest: string): IntegrityProblem => ({
  kind: "log_unlisted",
  key: s3(key),
  digest,
  reason: `the valid digest ${digest} covers its delivery time and does not list it`,
});

test("log_unlisted: a file planted where no digest lists it; the digest covering its delivery is named", async () => {
  const { bucket, digests } = trail();
  const planted = logKeyAt(11, 45, "planted000000000");
  bucket.put(planted, gzipSync(logText(11).replace("e11", "e-planted")));
  const report = await validate(bucket);
  expect(report.problems).toEqual([notListedBy(planted, s3(digests.get(12)?.key as string))]);
});

test("log_pending: an unlisted file delivered less than 2 hours before now, its digest not yet come, is a note", async () => {
  // At 18:00 the digests ending 17:01:31 and 18:01:31 are not there yet: the files of 16:30 and 16:45 wait for them.
  const { bucket } = trail({ noDigest: [17, 18] });
  const recent = logKeyAt(16, 45, "recent0000000000");
  bucket.put(recent, gzipSync(logText(16).replace("e16", "e-recent")));
  const report = await validate(bucket, new Date("2026-01-20T18:00:00Z"));
  const pending = (key: string): IntegrityProblem => ({
    kind: "log_pending",
    key: s3(key),
    digest: null,
    reason: "delivered less than 2 hours ago: its digest may not exist yet",
  });
  expect(report.problems).toEqual([pending(logKeyAt(16)), pending(recent)]);
  expect(integrityFailed(report)).toBe(false);
  expect(integrityLines(report).at(-1)).toBe("integrity: 8 of 8 digests valid, 6 of 8 log files valid, 0 problems");
});

test("a recently named file that a digest covering its delivery time does not list is log_unlisted, not pending", async () => {
  // The digest ending 17:01:31 came and lists the file of 16:30 only: a file named 16:45 was not delivered.
  const { bucket, digests } = trail();
  const planted = logKeyAt(16, 45, "planted000000000");
  bucket.put(planted, gzipSync(logText(16).replace("e16", "e-planted")));
  const report = await validate(bucket, new Date("2026-01-20T18:00:00Z"));
  expect(report.problems).toEqual([notListedBy(planted, s3(digests.get(17)?.key as string))]);
  expect(integrityFailed(report)).toBe(true);
});

test("two trails deliver to one folder: a recent file stays pending until every trail's digest for its time has come", async () => {
  const { bucket } = trail();
  // The second trail's chain, of which the digest ending 17:01:31 has not come yet.
  let previous: WrittenDigest | null = null;
  for (let end = 9; end <= 16; end++) {
    previous = hourDigest(bucket, end, { logFiles: [], previous, trail: "second" });
  }
  const theirs = logKeyAt(16, 45, "second0000000000");
  bucket.put(theirs, gzipSync(logText(16).replace("e16", "e-second")));
  const report = await validate(bucket, new Date("2026-01-20T18:00:00Z"));
  expect(report.problems.find((p) => p.key === s3(theirs))?.kind).toBe("log_pending");
});

test("a file named for a delivery after now is log_unlisted, not pending; within 5 minutes of the clock it is pending", async () => {
  const { bucket } = trail({ noDigest: [17, 18] });
  const ahead = logKeyAt(16, 52, "ahead00000000000");
  const skewed = logKeyAt(16, 44, "skewed0000000000");
  bucket.put(ahead, gzipSync(logText(16).replace("e16", "e-ahead")));
  bucket.put(skewed, gzipSync(logText(16).replace("e16", "e-skewed")));
  const report = await validate(bucket, new Date("2026-01-20T16:40:00Z"));
  const about = (key: string) => report.problems.find((p) => p.key === s3(key));
  expect(about(ahead)).toEqual({
    kind: "log_unlisted",
    key: s3(ahead),
    digest: null,
    reason: "named for a delivery after now, and no valid digest lists it",
  });
  expect(about(skewed)?.kind).toBe("log_pending");
  expect(integrityFailed(report)).toBe(true);
});

test("a backfill digest lists files like a digest, outside the chain; without its metadata it is invalid", async () => {
  for (const noBackfillTimestamp of [false, true]) {
    const { bucket } = trail();
    const late = logKeyAt(11, 45, "late000000000000");
    bucket.put(late, gzipSync(logText(11).replace("e11", "e-late")));
    const backfill = hourDigest(bucket, 12, {
      logFiles: [{ key: late, sha256: sha(logText(11).replace("e11", "e-late")) }],
      previous: null,
      backfill: true,
      tamper: { noBackfillTimestamp },
    });
    const report = await validate(bucket);
    expect(report.digests).toBe(11);
    expect(problems(report)).toEqual(
      noBackfillTimestamp ? [`digest_invalid ${s3(backfill.key)}`, `log_unlisted ${s3(late)}`] : [],
    );
  }
});

test("a public key given as SubjectPublicKeyInfo verifies too", async () => {
  const spki = trailKey("spki");
  const bucket = new MemoryBucket(BUCKET);
  bucket.put(logKeyAt(11), gzipSync(logText(11)));
  let previous: WrittenDigest | null = null;
  for (let end = 9; end <= 18; end++) {
    previous = hourDigest(bucket, end, {
      logFiles: end === 12 ? [{ key: logKeyAt(11), sha256: sha(logText(11)) }] : [],
      previous,
      key: spki,
    });
  }
  const report = await validate(bucket, LATER, keysOf(spki.publicKey));
  expect(report.problems).toEqual([]);
  expect(report.digestsValid).toBe(10);
});

test("more than 20 problems print 20 lines, a count and the summary; JSON keeps every one", async () => {
  const { bucket } = trail();
  for (let i = 0; i < 23; i++) {
    bucket.put(
      logKeyAt(11, 31 + i, `planted${String(i).padStart(9, "0")}`),
      gzipSync(logText(11).replace("e11", `p${i}`)),
    );
  }
  const report = await validate(bucket);
  const lines = integrityLines(report);
  expect(lines.length).toBe(22);
  expect(lines[20]).toBe("integrity: … and 3 more problems");
  expect(lines[21]).toBe("integrity: 10 of 10 digests valid, 7 of 30 log files valid, 23 problems");
  expect(integrityJson(report)).toMatchObject({ digests: 10, digests_valid: 10, log_files: 30, log_files_valid: 7 });
  expect(integrityJson(report).problems.length).toBe(23);
});

test("the signature written is one openssl verifies over the documented signed string", async () => {
  const { bucket, digests } = trail();
  const key = digests.get(12)?.key as string;
  const stored = bucket.objects.get(key);
  const text = gunzipSync(stored?.body as Uint8Array).toString("utf8");
  const toSign = signedStringOf(text, BUCKET, key);
  const dir = mkdtempSync(join(tmpdir(), "sentinel-openssl-"));
  try {
    writeFileSync(join(dir, "signed.txt"), toSign);
    writeFileSync(join(dir, "sig.bin"), Buffer.from(stored?.metadata?.signature as string, "hex"));
    writeFileSync(join(dir, "pub.der"), KEY.publicKey.der);
    const out = execFileSync(
      "openssl",
      [
        "dgst",
        "-sha256",
        "-verify",
        join(dir, "pub.der"),
        "-keyform",
        "DER",
        "-signature",
        join(dir, "sig.bin"),
        join(dir, "signed.txt"),
      ],
      { encoding: "utf8" },
    );
    expect(out.trim()).toBe("Verified OK");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a digest deleted between its listing and its read ends the run naming it, with what to do", async () => {
  const keys: PublicKeyLister = { listPublicKeys: async () => [] };
  const gone = `${ROOT}CloudTrail-Digest/${REGION}/2026/01/20/${ACCOUNT}_CloudTrail-Digest_${REGION}_t_${REGION}_20260120T130131Z.json.gz`;
  const error = await new DigestProvider(new MemoryBucket(BUCKET), keys, 1).fetch(gone).catch((e: unknown) => e);
  expect((error as Error).message).toBe(
    `CloudTrail digest s3://${BUCKET}/${gone} was deleted while the audit read the bucket: run it again`,
  );
});
