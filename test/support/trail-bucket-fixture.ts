// The audit fixture laid out as an organization trail writes it to S3:
// AWSLogs/o-…/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz,
// each file named for a delivery five minutes after its newest record.
import { gzipSync } from "node:zlib";
import type { ObjectSink } from "../../scripts/cloudtrail-digest-writer.ts";
import { allEvents, type FixtureEvent, REGIONS, recordsByRegion } from "../fixtures/cloudtrail/assume-role-events.ts";

export const ORG = "o-exampleorg1";
export const ACCOUNTS = ["111122223333", "444455556666"] as const;

export type { ObjectSink };

/** "20260120T1005Z" and "2026/01/20" of an instant in ms. */
export function deliveryParts(ms: number): { stamp: string; day: string } {
  const iso = new Date(ms).toISOString();
  return {
    stamp: `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`,
    day: `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`,
  };
}

/** The key of a log file delivered at `ms`, `unique` its 16-character tail. */
export function logKey(prefix: string, account: string, region: string, ms: number, unique: string): string {
  const { stamp, day } = deliveryParts(ms);
  const root = `${prefix === "" ? "" : `${prefix}/`}AWSLogs/${ORG}/${account}`;
  return `${root}/CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${stamp}_${unique}.json.gz`;
}

/**
 * Writes the fixture's records, per region in time order, `perFile` a file; files
 * alternate between the two accounts. Returns the keys written.
 */
export function putTrailLogs(
  sink: ObjectSink,
  prefix = "",
  events: FixtureEvent[] = allEvents(),
  perFile = 25,
): string[] {
  const keys: string[] = [];
  const byRegion = recordsByRegion(events);
  for (const region of REGIONS) {
    const records = [...byRegion[region]].sort(
      (a, b) => Date.parse(a.eventTime as string) - Date.parse(b.eventTime as string),
    );
    for (let i = 0; i * perFile < records.length; i++) {
      const slice = records.slice(i * perFile, (i + 1) * perFile);
      const newest = Math.max(...slice.map((r) => Date.parse(r.eventTime as string)));
      const account = ACCOUNTS[i % 2] as string;
      const key = logKey(prefix, account, region, newest + 5 * 60_000, `part${String(i).padStart(12, "0")}`);
      // Two gzip members per file, as CloudTrail may write them.
      const text = JSON.stringify({ Records: slice });
      const half = Math.floor(text.length / 2);
      sink.put(key, Buffer.concat([gzipSync(text.slice(0, half)), gzipSync(text.slice(half))]));
      keys.push(key);
    }
  }
  return keys;
}
