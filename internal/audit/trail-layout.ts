// The key layout of a trail's bucket (SPEC §11.1, §11.2), as CloudTrail writes it:
//   PREFIX/AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz
//   PREFIX/AWSLogs/[o-ORG/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION_YYYYMMDDTHHmmssZ[_backfill].json.gz
import { daysFromCivil, isCalendarDate } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";

const SECONDS_PER_DAY = 86_400;

/** Where a trail writes: its bucket and the key prefix set on the trail ("" when none). */
export type TrailLocation = { bucket: string; prefix: string };

/** A range of delivery times, in whole seconds since the epoch, both ends included. */
export type DeliveryRange = { fromSec: number; toSec: number };

// S3 bucket names: 3–63 lowercase letters, digits, dots and hyphens.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads `s3://BUCKET[/PREFIX]`; the prefix loses its trailing slashes. Undefined when it is not that shape.
 * @example parseTrailLocation("s3://trail-logs/org/") // { bucket: "trail-logs", prefix: "org" }
 */
export function parseTrailLocation(url: string): TrailLocation | undefined {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (match === null || !BUCKET_NAME.test(match[1] as string)) return undefined;
  const prefix = (match[2] ?? "").replace(/\/+$/, "");
  if (prefix.startsWith("/") || prefix.includes("//")) return undefined;
  return { bucket: match[1] as string, prefix };
}

/** The folder holding every account's logs: `PREFIX/AWSLogs/` (or `AWSLogs/`). */
export function logsRoot(prefix: string): string {
  return prefix === "" ? "AWSLogs/" : `${prefix}/AWSLogs/`;
}

const ACCOUNT = /^\d{12}$/;
const ORGANIZATION = /^o-[a-z0-9]{10,32}$/;

/** What a folder below AWSLogs/ is: an account (12 digits), an organization (`o-…`), or something else. */
export function folderKind(name: string): "account" | "organization" | "other" {
  return ACCOUNT.test(name) ? "account" : ORGANIZATION.test(name) ? "organization" : "other";
}

/** The last path segment of a folder prefix: "AWSLogs/111122223333/" → "111122223333". */
export function folderName(prefix: string): string {
  const trimmed = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/**
 * Nothing is delivered after now: a range is cut a day after it (for a clock
 * behind S3's), so that an `--until` in the future or a long `--delivery-lag`
 * lists no day folders that cannot hold a file yet.
 */
const CLOCK_SLACK_SECONDS = 86_400;
const delivered = (toSec: number, nowSec: number | undefined) =>
  nowSec === undefined ? toSec : Math.min(toSec, nowSec + CLOCK_SLACK_SECONDS);

/**
 * Log files to read: delivered from `since` truncated to the minute to `until + lag`
 * (a file holds only records from before its delivery), and no later than a day after now.
 */
export function logDeliveryRange(window: TimeWindow, lagSeconds: number, nowSec?: number): DeliveryRange {
  if (window.since === undefined) throw new Error("a trail bucket is read for a window with a start");
  return { fromSec: Math.floor(window.since.sec / 60) * 60, toSec: delivered(window.until.sec + lagSeconds, nowSec) };
}

/** Digests to read: delivered from `since − 1h` to `until + lag + 2h` (SPEC §11.2), and no later than a day after now. */
export function digestDeliveryRange(window: TimeWindow, lagSeconds: number, nowSec?: number): DeliveryRange {
  if (window.since === undefined) throw new Error("a trail bucket is read for a window with a start");
  return { fromSec: window.since.sec - 3600, toSec: delivered(window.until.sec + lagSeconds + 7200, nowSec) };
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function civil(sec: number): [year: number, month: number, day: number] {
  const date = new Date(Math.floor(sec / SECONDS_PER_DAY) * SECONDS_PER_DAY * 1000);
  return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
}

/**
 * The day folders (`YYYY/MM/DD/`, UTC) that a delivery range meets, in order.
 * @example dayFolders({ fromSec: Date.parse("2026-01-19T23:30:00Z") / 1000, toSec: Date.parse("2026-01-20T00:10:00Z") / 1000 })
 *          // ["2026/01/19/", "2026/01/20/"]
 */
export function dayFolders(range: DeliveryRange): string[] {
  const folders: string[] = [];
  const lastDay = Math.floor(range.toSec / SECONDS_PER_DAY);
  for (let day = Math.floor(range.fromSec / SECONDS_PER_DAY); day <= lastDay; day++) {
    const [y, m, d] = civil(day * SECONDS_PER_DAY);
    folders.push(`${pad(y, 4)}/${pad(m, 2)}/${pad(d, 2)}/`);
  }
  return folders;
}

/** Seconds since the epoch of YYYYMMDD and HHmm[ss] digits, or undefined for an impossible time. */
function nameTime(date: string, time: string): number | undefined {
  const y = Number(date.slice(0, 4));
  const mo = Number(date.slice(4, 6));
  const d = Number(date.slice(6, 8));
  const h = Number(time.slice(0, 2));
  const mi = Number(time.slice(2, 4));
  const s = time.length === 6 ? Number(time.slice(4, 6)) : 0;
  if (!isCalendarDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  return daysFromCivil(y, mo, d) * SECONDS_PER_DAY + h * 3600 + mi * 60 + s;
}

/** What a log file's name says: its account, region and delivery minute. */
export type LogFileName = { account: string; region: string; deliveredSec: number };

const LOG_FILE_NAME = /^(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8})T(\d{4})Z_[A-Za-z0-9]+\.json(?:\.gz)?$/;

/**
 * Reads a log file's name (the last segment of its key); undefined when it does not fit the pattern.
 * @example parseLogFileName("111122223333_CloudTrail_us-east-1_20260120T1005Z_k8Jw3TXeLs2vYz1Q.json.gz")
 *          // { account: "111122223333", region: "us-east-1", deliveredSec: 1768903500 }
 */
export function parseLogFileName(name: string): LogFileName | undefined {
  const m = LOG_FILE_NAME.exec(name);
  if (m === null) return undefined;
  const deliveredSec = nameTime(m[3] as string, m[4] as string);
  return deliveredSec === undefined ? undefined : { account: m[1] as string, region: m[2] as string, deliveredSec };
}

/**
 * Where a log file's name places it against a delivery range: "in", "out", or
 * "unplaced" when the name does not fit the pattern (such a file is read).
 * A name says the minute: delivered at 10:05:59 is named 1005.
 */
export function placeLogFile(name: string, range: DeliveryRange): "in" | "out" | "unplaced" {
  const parsed = parseLogFileName(name);
  if (parsed === undefined) return "unplaced";
  return parsed.deliveredSec + 59 >= range.fromSec && parsed.deliveredSec <= range.toSec ? "in" : "out";
}

/** What a digest's name says. `endSec` is the digest's end time, to the second. */
export type DigestName = {
  account: string;
  region: string;
  trail: string;
  homeRegion: string;
  endSec: number;
  backfill: boolean;
};

// Trail names may hold underscores; regions never do, so the home region is the last segment before the time.
const DIGEST_NAME =
  /^(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z0-9-]+)_(\d{8})T(\d{6})Z(_backfill)?\.json\.gz$/;

/**
 * Reads a digest's name; undefined when it does not fit the pattern.
 * @example parseDigestName("111122223333_CloudTrail-Digest_us-east-1_org_trail_us-east-1_20260120T110131Z.json.gz")
 *          // { account: "111122223333", region: "us-east-1", trail: "org_trail", homeRegion: "us-east-1", endSec: 1768906891, backfill: false }
 */
export function parseDigestName(name: string): DigestName | undefined {
  const m = DIGEST_NAME.exec(name);
  if (m === null) return undefined;
  const endSec = nameTime(m[5] as string, m[6] as string);
  if (endSec === undefined) return undefined;
  return {
    account: m[1] as string,
    region: m[2] as string,
    trail: m[3] as string,
    homeRegion: m[4] as string,
    endSec,
    backfill: m[7] !== undefined,
  };
}

/** True when a delivery time lies in the range, both ends included. */
export function inRange(sec: number, range: DeliveryRange): boolean {
  return sec >= range.fromSec && sec <= range.toSec;
}

/**
 * Keys or paths of log files in the order they are read, which decides the
 * copy kept of an event two files hold: earliest delivery first (by name; a
 * name that does not fit comes last), then by key or path. A file planted
 * later, with a recent name whose digest cannot exist yet, so never overrides
 * an event CloudTrail delivered. Each name is read once.
 */
export function inDeliveryOrder<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const placed = items.map((item) => {
    const key = keyOf(item);
    return { item, key, at: parseLogFileName(baseName(key))?.deliveredSec ?? Number.POSITIVE_INFINITY };
  });
  placed.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return placed.map((p) => p.item);
}

/** The last segment of a key. */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}
