// --validate-logs (SPEC §11.2): digests and their signatures, the chain, its
// gaps, and every log file read against the digests that list it. Shaped as
// `aws cloudtrail validate-logs` is: a provider fetches, a validator checks
// bytes and signatures, a traverser walks the chain; this file joins them.
import type { TimeWindow } from "../timefilter/parse-when.ts";
import {
  type BucketInventory,
  DEFAULT_DELIVERY_LAG_SECONDS,
  DEFAULT_S3_CONCURRENCY,
  mapLimited,
} from "./bucket-logs.ts";
import { checkDigest, type FetchedDigest, type ListedLogFile } from "./digest.ts";
import { DigestProvider } from "./digest-provider.ts";
import { chainsOf, traverseChain } from "./digest-traverser.ts";
import type { PublicKeyLister } from "./public-keys.ts";
import type { TrailBucket } from "./trail-bucket.ts";
import { digestDeliveryRange } from "./trail-layout.ts";

export const PROBLEM_KINDS = [
  "digest_invalid",
  "digest_moved",
  "key_not_found",
  "chain_broken",
  "digest_gap",
  "log_modified",
  "log_missing",
  "log_unlisted",
  "log_pending",
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** One problem, named by the object it concerns (`s3://bucket/key`) and the digest that shows it, if one does. */
export type IntegrityProblem = { kind: ProblemKind; key: string; digest: string | null; reason: string };

export type IntegrityReport = {
  /** Digests read, and those that passed their own checks. */
  digests: number;
  digestsValid: number;
  /** Log files read, and those whose SHA-256 a valid digest confirms. */
  logFiles: number;
  logFilesValid: number;
  /** Sorted by key, then kind. */
  problems: IntegrityProblem[];
};

export type ValidationOptions = {
  window: TimeWindow;
  now: Date;
  deliveryLagSeconds?: number;
  /** --trail-region: only these regions' digests (all when absent or empty). */
  regions?: readonly string[];
  concurrency?: number;
  signal?: AbortSignal;
  onDebug?: (line: string) => void;
};

/** A digest's delivery is reported within about an hour; two hours is the margin before it counts as missed (SPEC §11.2). */
const PENDING_SECONDS = 2 * 3600;
/** How far ahead of this machine's clock a delivery time may be and still be taken as now. */
const CLOCK_SKEW_SECONDS = 5 * 60;
/** Problem lines printed before the rest are counted. */
const MAX_PROBLEM_LINES = 20;

/**
 * Validates what BucketLogsSource read (its inventory, after the read) against
 * the trail's digests in the same bucket. Digests are listed for delivery
 * from `since − 1h` to `until + lag + 2h`; their chain must cover the window
 * up to the earlier of `until` and `now − 2h`.
 */
export async function validateLogs(
  bucket: TrailBucket,
  publicKeys: PublicKeyLister,
  inventory: BucketInventory,
  options: ValidationOptions,
): Promise<IntegrityReport> {
  const { window, signal } = options;
  if (window.since === undefined) throw new Error("log validation needs a window start");
  const concurrency = options.concurrency ?? DEFAULT_S3_CONCURRENCY;
  const nowSec = Math.floor(options.now.getTime() / 1000);
  const range = digestDeliveryRange(window, options.deliveryLagSeconds ?? DEFAULT_DELIVERY_LAG_SECONDS, nowSec);
  const provider = new DigestProvider(bucket, publicKeys, concurrency, options.onDebug);
  const problems: IntegrityProblem[] = [];
  const label = (key: string) => bucket.label(key);

  const folders = await provider.folders(inventory.accountRoots, options.regions, signal);
  const fetched = await provider.fetchAll(await provider.list(folders, range, signal), signal);
  const byKey = new Map(fetched.map((d) => [d.key, d]));

  const valid: FetchedDigest[] = [];
  for (const d of fetched) {
    const keys = await provider.keys(d.name.region, range, signal);
    const verdict = checkDigest(d, bucket.name, keys);
    if (verdict.valid) valid.push(d);
    else problems.push({ kind: verdict.kind, key: label(d.key), digest: null, reason: verdict.reason });
  }

  // The chain and its coverage, per trail; a log folder with no chain at all is one gap.
  const coverFromSec = window.since.sec;
  const coverToSec = Math.min(window.until.sec, nowSec - PENDING_SECONDS);
  const chains = chainsOf(valid);
  for (const chain of chains) {
    problems.push(...traverseChain(chain, byKey, bucket.name, label, range, coverFromSec, coverToSec));
  }
  for (const trail of inventory.trails) {
    const folder = `${trail.accountRoot}CloudTrail-Digest/${trail.region}/`;
    if (coverToSec > coverFromSec && !chains.some((c) => c.folder === folder)) {
      problems.push({
        kind: "digest_gap",
        key: label(folder),
        digest: null,
        reason: `no valid digest covers any of the window: is log file validation on for this trail?`,
      });
    }
  }

  // Which digests list each file.
  const listedBy = new Map<string, { digest: FetchedDigest; file: ListedLogFile }[]>();
  for (const d of valid) {
    for (const file of d.digest?.logFiles ?? []) {
      if (file.s3Bucket !== bucket.name) continue;
      const entries = listedBy.get(file.s3Object) ?? [];
      entries.push({ digest: d, file });
      listedBy.set(file.s3Object, entries);
    }
  }

  /**
   * A valid digest whose time covers the whole minute the file's name gives,
   * when every trail writing digests to its folder has one: two trails may
   * deliver to one folder, and the other's digest may not have come yet.
   */
  const coveringDigest = (key: string, deliveredSec: number): FetchedDigest | undefined => {
    const trail = inventory.trails.find((t) => key.startsWith(`${t.accountRoot}CloudTrail/${t.region}/`));
    if (trail === undefined) return undefined;
    const folder = `${trail.accountRoot}CloudTrail-Digest/${trail.region}/`;
    const inFolder = valid.filter((d) => d.key.startsWith(folder) && d.digest !== undefined);
    const covers = (d: FetchedDigest) =>
      (d.digest?.startSec as number) <= deliveredSec && deliveredSec + 59 < (d.digest?.endSec as number);
    const trailsOf = (list: FetchedDigest[]) => new Set(list.map((d) => `${d.name.trail} ${d.name.homeRegion}`));
    const covering = inFolder.filter(covers);
    return covering.length > 0 && trailsOf(covering).size === trailsOf(inFolder).size ? covering[0] : undefined;
  };

  let logFilesValid = 0;
  for (const file of inventory.files.values()) {
    const entries = listedBy.get(file.key);
    if (entries === undefined) {
      const delivered = file.deliveredSec;
      // Named for a delivery after now (beyond a clock's skew): CloudTrail did not deliver it.
      const future = delivered !== undefined && delivered > nowSec + CLOCK_SKEW_SECONDS;
      // Its digest is due, and came, without it: a recent name proves nothing then.
      const covering = delivered === undefined ? undefined : coveringDigest(file.key, delivered);
      const pending =
        delivered !== undefined && delivered > nowSec - PENDING_SECONDS && !future && covering === undefined;
      problems.push({
        kind: pending ? "log_pending" : "log_unlisted",
        key: label(file.key),
        digest: covering === undefined ? null : label(covering.key),
        reason: pending
          ? "delivered less than 2 hours ago: its digest may not exist yet"
          : future
            ? "named for a delivery after now, and no valid digest lists it"
            : covering !== undefined
              ? `the valid digest ${label(covering.key)} covers its delivery time and does not list it`
              : "no valid digest lists this log file",
      });
      continue;
    }
    const differing = entries.find(
      (e) => e.file.hashAlgorithm !== "SHA-256" || e.file.hashValue.toLowerCase() !== file.sha256,
    );
    if (differing !== undefined) {
      const digestLabel = label(differing.digest.key);
      problems.push({
        kind: "log_modified",
        key: label(file.key),
        digest: digestLabel,
        reason:
          differing.file.hashAlgorithm === "SHA-256"
            ? `SHA-256 differs from digest ${digestLabel}`
            : `digest ${digestLabel} gives a ${differing.file.hashAlgorithm} hash, not SHA-256`,
      });
    } else if (file.trailingBytes > 0) {
      const digestLabel = label((entries[0] as (typeof entries)[number]).digest.key);
      problems.push({
        kind: "log_modified",
        key: label(file.key),
        digest: digestLabel,
        reason: `${file.trailingBytes} bytes after its last gzip member (listed by digest ${digestLabel})`,
      });
    } else logFilesValid++;
  }

  // Files that a valid digest covering the window lists, but the bucket lacks.
  const folderKeys = new Map<string, Promise<Set<string>>>();
  const keysOfFolder = (folder: string): Promise<Set<string>> => {
    let keys = folderKeys.get(folder);
    if (keys === undefined) {
      keys = bucket.listFiles(folder, undefined, signal).then((objects) => new Set(objects.map((o) => o.key)));
      folderKeys.set(folder, keys);
    }
    return keys;
  };
  const expected: { key: string; digest: FetchedDigest }[] = [];
  for (const d of valid) {
    const digest = d.digest;
    if (digest === undefined || digest.endSec < coverFromSec || digest.startSec > window.until.sec) continue;
    for (const file of digest.logFiles) {
      if (
        file.s3Bucket === bucket.name &&
        !inventory.files.has(file.s3Object) &&
        !inventory.listedKeys.has(file.s3Object)
      ) {
        expected.push({ key: file.s3Object, digest: d });
      }
    }
  }
  const present = await mapLimited(expected, concurrency, async ({ key }) => {
    const folder = key.slice(0, key.lastIndexOf("/") + 1);
    if (inventory.listedDayFolders.has(folder)) return false;
    return (await keysOfFolder(folder)).has(key);
  });
  const missingSeen = new Set<string>();
  expected.forEach(({ key, digest }, i) => {
    if (present[i] || missingSeen.has(key)) return;
    missingSeen.add(key);
    const digestLabel = label(digest.key);
    problems.push({
      kind: "log_missing",
      key: label(key),
      digest: digestLabel,
      reason: `listed by digest ${digestLabel} but not in the bucket`,
    });
  });

  problems.sort(
    (a, b) =>
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || PROBLEM_KINDS.indexOf(a.kind) - PROBLEM_KINDS.indexOf(b.kind),
  );
  return {
    digests: fetched.length,
    digestsValid: valid.length,
    logFiles: inventory.files.size,
    logFilesValid,
    problems,
  };
}

/** True when the logs fail validation (exit 5): any problem but log_pending. */
export function integrityFailed(report: IntegrityReport): boolean {
  return report.problems.some((p) => p.kind !== "log_pending");
}

const count = (n: number) => n.toLocaleString("en-US");

/**
 * The stderr report: one line per problem (at most 20, then a count), then the
 * summary. Keys come from the bucket: escape them before they reach a terminal.
 * @example integrityLines(report) // ["integrity: 24 of 24 digests valid, 1,000 of 1,000 log files valid, 0 problems"]
 */
export function integrityLines(report: IntegrityReport): string[] {
  const lines = report.problems.slice(0, MAX_PROBLEM_LINES).map((p) => `integrity: ${p.kind} ${p.key}: ${p.reason}`);
  const rest = report.problems.length - MAX_PROBLEM_LINES;
  if (rest > 0) lines.push(`integrity: … and ${count(rest)} more problem${rest === 1 ? "" : "s"}`);
  const failures = report.problems.filter((p) => p.kind !== "log_pending").length;
  lines.push(
    `integrity: ${count(report.digestsValid)} of ${count(report.digests)} digests valid, ${count(report.logFilesValid)} of ${count(report.logFiles)} log files valid, ${count(failures)} problem${failures === 1 ? "" : "s"}`,
  );
  return lines;
}

/** The JSON output's `integrity` object. */
export function integrityJson(report: IntegrityReport): {
  digests: number;
  digests_valid: number;
  log_files: number;
  log_files_valid: number;
  problems: IntegrityProblem[];
} {
  return {
    digests: report.digests,
    digests_valid: report.digestsValid,
    log_files: report.logFiles,
    log_files_valid: report.logFilesValid,
    problems: report.problems.map((p) => ({ kind: p.kind, key: p.key, digest: p.digest, reason: p.reason })),
  };
}
