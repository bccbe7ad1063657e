import { expect, test } from "bun:test";
import { parseTimestamp } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";
import {
  dayFolders,
  digestDeliveryRange,
  folderKind,
  logDeliveryRange,
  parseDigestName,
  parseLogFileName,
  parseTrailLocation,
  placeLogFile,
} from "./trail-layout.ts";

const sec = (iso: string) => Date.parse(iso) / 1000;
const at = (iso: string) => parseTimestamp(iso) as NonNullable<ReturnType<typeof parseTimestamp>>;
const window = (since: string, until: string): TimeWindow => ({ since: at(since), until: at(until) });

test.each([
  ["s3://trail-logs", { bucket: "trail-logs", prefix: "" }],
  ["s3://trail-logs/", { bucket: "trail-logs", prefix: "" }],
  ["s3://trail-logs/org/", { bucket: "trail-logs", prefix: "org" }],
  ["s3://trail-logs/a/b", { bucket: "trail-logs", prefix: "a/b" }],
  ["s3://Trail-Logs/a", undefined],
  ["s3://trail-logs//a", undefined],
  ["https://trail-logs/a", undefined],
  ["s3://", undefined],
])("parseTrailLocation(%p) is %p", (url, expected) => {
  expect(parseTrailLocation(url)).toEqual(expected);
});

test.each([
  ["111122223333", "account"],
  ["o-exampleorg1", "organization"],
  ["11112222333", "other"],
  ["1111222233334", "other"],
  ["o-short", "other"],
  ["CloudTrail-Digest", "other"],
])("folderKind(%p) is %p", (name, kind) => {
  expect(folderKind(name)).toBe(kind as ReturnType<typeof folderKind>);
});

test("parseLogFileName() reads account, region and the delivery minute; other names are none", () => {
  expect(parseLogFileName("111122223333_CloudTrail_us-east-1_20260120T1005Z_k8Jw3TXeLs2vYz1Q.json.gz")).toEqual({
    account: "111122223333",
    region: "us-east-1",
    deliveredSec: sec("2026-01-20T10:05:00Z"),
  });
  expect(parseLogFileName("111122223333_CloudTrail_eu-west-1_20260120T2359Z_abc.json")?.deliveredSec).toBe(
    sec("2026-01-20T23:59:00Z"),
  );
  for (const name of [
    "111122223333_CloudTrail_us-east-1_20260230T1005Z_k8Jw3TXeLs2vYz1Q.json.gz", // no 30 February
    "111122223333_CloudTrail_us-east-1_20260120T2460Z_k8Jw3TXeLs2vYz1Q.json.gz",
    "111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260120T100500Z.json.gz",
    "111122223333_CloudTrail_us-east-1_20260120T1005Z_k8Jw3TXeLs2vYz1Q.json.gz.bak",
    "manual-copy.json.gz",
  ]) {
    expect(parseLogFileName(name)).toBeUndefined();
  }
});

test("parseDigestName() reads a trail name with underscores, the end second and the backfill mark", () => {
  expect(
    parseDigestName("111122223333_CloudTrail-Digest_us-east-1_org_trail_us-east-1_20260120T110131Z.json.gz"),
  ).toEqual({
    account: "111122223333",
    region: "us-east-1",
    trail: "org_trail",
    homeRegion: "us-east-1",
    endSec: sec("2026-01-20T11:01:31Z"),
    backfill: false,
  });
  expect(
    parseDigestName("111122223333_CloudTrail-Digest_eu-west-1_main_us-east-1_20260120T110131Z_backfill.json.gz"),
  ).toMatchObject({ region: "eu-west-1", trail: "main", homeRegion: "us-east-1", backfill: true });
  expect(parseDigestName("111122223333_CloudTrail_us-east-1_20260120T1005Z_k8Jw3TXeLs2vYz1Q.json.gz")).toBeUndefined();
  expect(
    parseDigestName("111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20260120T1101Z.json.gz"),
  ).toBeUndefined();
});

test("the delivery range runs from since truncated to the minute to until plus the lag; digests an hour earlier and two later", () => {
  const w = window("2026-01-20T10:30:45.5Z", "2026-01-20T12:00:00Z");
  expect(logDeliveryRange(w, 3600)).toEqual({
    fromSec: sec("2026-01-20T10:30:00Z"),
    toSec: sec("2026-01-20T13:00:00Z"),
  });
  expect(digestDeliveryRange(w, 3600)).toEqual({
    fromSec: sec("2026-01-20T09:30:45Z"),
    toSec: sec("2026-01-20T15:00:00Z"),
  });
});

test("nothing is delivered after now: both ranges end at most a day after it", () => {
  const future = window("2026-01-20T10:30:45Z", "2026-07-01T00:00:00Z");
  const now = sec("2026-01-21T08:00:00Z");
  const dayAfterNow = sec("2026-01-22T08:00:00Z");
  expect(logDeliveryRange(future, 3600, now).toSec).toBe(dayAfterNow);
  expect(digestDeliveryRange(future, 3600, now).toSec).toBe(dayAfterNow);
  expect(dayFolders(logDeliveryRange(future, 3600, now))).toEqual(["2026/01/20/", "2026/01/21/", "2026/01/22/"]);
  // A window that ended before now keeps its range.
  const past = window("2026-01-20T10:30:45Z", "2026-01-20T12:00:00Z");
  expect(logDeliveryRange(past, 3600, now)).toEqual(logDeliveryRange(past, 3600));
  expect(digestDeliveryRange(past, 3600, now)).toEqual(digestDeliveryRange(past, 3600));
});

test.each([
  ["2026-01-20T10:00:00Z", "2026-01-20T12:00:00Z", ["2026/01/20/"]],
  ["2026-01-19T23:30:00Z", "2026-01-20T00:10:00Z", ["2026/01/19/", "2026/01/20/"]],
  ["2026-02-27T12:00:00Z", "2026-03-01T00:00:00Z", ["2026/02/27/", "2026/02/28/", "2026/03/01/"]],
  ["2028-02-28T12:00:00Z", "2028-03-01T00:00:00Z", ["2028/02/28/", "2028/02/29/", "2028/03/01/"]],
  ["2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z", ["2025/12/31/", "2026/01/01/"]],
])("dayFolders(%s .. %s) lists %p", (from, to, expected) => {
  expect(dayFolders({ fromSec: sec(from), toSec: sec(to) })).toEqual(expected);
});

// Window 10:30:45 .. 12:00:00 with a 1h lag: files delivered 10:30 (the minute of since) to 13:00.
const range = logDeliveryRange(window("2026-01-20T10:30:45Z", "2026-01-20T12:00:00Z"), 3600);
test.each([
  ["20260120T1029Z", "out"],
  ["20260120T1030Z", "in"],
  ["20260120T1200Z", "in"],
  ["20260120T1300Z", "in"],
  ["20260120T1301Z", "out"],
  ["20260119T1100Z", "out"],
])("a log file delivered %s is %s of the range", (stamp, place) => {
  expect(placeLogFile(`111122223333_CloudTrail_us-east-1_${stamp}_k8Jw3TXeLs2vYz1Q.json.gz`, range)).toBe(
    place as "in" | "out",
  );
});

test("a file whose name does not fit the pattern cannot be placed", () => {
  expect(placeLogFile("copied-by-hand.json.gz", range)).toBe("unplaced");
});
