import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  allEvents,
  allSessions,
  type FixtureEvent,
  type FixtureSession,
  REGIONS,
  recordsByRegion,
  SINCE,
  UNTIL,
} from "../fixtures/cloudtrail/assume-role-events.ts";
import { endpoint, freshTable, item } from "./dynamo.ts";

/** A table holding the fixture's sessions (or the given ones). */
export function fixtureTable(prefix: string, sessions: FixtureSession[] = allSessions()): Promise<string> {
  return freshTable(
    prefix,
    sessions.map((s) => item({ ...s, profile: "prod", status: "active", started_at: s.created_at })),
  );
}

/**
 * Writes the events as a trail writes them to S3: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/,
 * gzip files of `perFile` records, one plain .json file, a digest file (no Records) and
 * one record of another event.
 */
export function writeTrailLogs(dir: string, events: FixtureEvent[] = allEvents(), perFile = 25): void {
  const byRegion = recordsByRegion(events);
  for (const region of REGIONS) {
    const folder = join(dir, "AWSLogs", "111122223333", "CloudTrail", region, "2026", "01", "20");
    mkdirSync(folder, { recursive: true });
    const records = byRegion[region];
    for (let i = 0; i * perFile < records.length; i++) {
      const body = JSON.stringify({ Records: records.slice(i * perFile, (i + 1) * perFile) });
      const name = `111122223333_CloudTrail_${region}_20260120T${String(i).padStart(4, "0")}Z_part.json`;
      if (i === 0) writeFileSync(join(folder, name), body);
      else writeFileSync(join(folder, `${name}.gz`), gzipSync(body));
    }
  }
  const other = {
    Records: [
      {
        eventVersion: "1.08",
        eventTime: "2026-01-20T10:00:00Z",
        eventSource: "sts.amazonaws.com",
        eventName: "GetCallerIdentity",
        eventID: "other-event",
        awsRegion: "us-east-1",
      },
    ],
  };
  const digestFolder = join(dir, "AWSLogs", "111122223333", "CloudTrail-Digest", "us-east-1", "2026", "01", "20");
  mkdirSync(digestFolder, { recursive: true });
  writeFileSync(
    join(digestFolder, "111122223333_CloudTrail-Digest_us-east-1_20260120T0000Z.json.gz"),
    gzipSync(JSON.stringify({ awsAccountId: "111122223333", digestStartTime: "2026-01-20T00:00:00Z", logFiles: [] })),
  );
  writeFileSync(join(dir, "AWSLogs", "other.json.gz"), gzipSync(JSON.stringify(other)));
}

/** event_id → category of ndjson rows. */
export function categoriesOf(ndjson: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of ndjson.split("\n")) {
    if (line === "") continue;
    const row = JSON.parse(line) as { event_id: string; category: string };
    if (out.has(row.event_id)) throw new Error(`event ${row.event_id} listed twice`);
    out.set(row.event_id, row.category);
  }
  return out;
}

/** event_id → expected category, from the hand-written fixture (events outside the window left out). */
export function expectedCategories(events: FixtureEvent[] = allEvents()): Map<string, string> {
  return new Map(
    events.filter((e) => e.expect !== "outside").map((e) => [e.record.eventID as string, e.expect as string]),
  );
}

/** `audit untracked-sessions` on `table` (DynamoDB Local) over the fixture's window, then `extra`. */
export function auditArgs(table: string, ...extra: string[]): string[] {
  return [
    "audit",
    "untracked-sessions",
    "--table",
    table,
    "--endpoint-url",
    endpoint(),
    "--since",
    SINCE,
    "--until",
    UNTIL,
    ...extra,
  ];
}
