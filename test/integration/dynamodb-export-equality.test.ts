// The contract of SPEC §12: for an export taken at T, a listing equals the
// table's at T. The same items go into DynamoDB Local (a table with the SPEC's
// indexes) and, as DynamoDB Local stores them (read back with a Scan), into a
// folder export; then for 40 random filters and windows the table store and
// the export store must offer the same sessions, report the same malformed
// items in the same order, and count the same matches.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AttributeValue, ScanCommand } from "@aws-sdk/client-dynamodb";
import { connectDynamo, type DynamoConnection } from "../../internal/aws/dynamo-client.ts";
import { DynamoSessionStore } from "../../internal/session/dynamo-store.ts";
import { type DynamoDBExportStore, openDynamoDBExport } from "../../internal/session/dynamodb-export.ts";
import { NewestFirst } from "../../internal/session/newest-first.ts";
import type { Session, SessionFilter, SessionStatus } from "../../internal/session/session.ts";
import type { SessionStore } from "../../internal/session/store.ts";
import { type Instant, parseTimestamp } from "../../internal/timefilter/instant.ts";
import { randomSource } from "../../scripts/generate-sessions.ts";
import { endpoint, freshTable, testClient } from "../support/dynamo.ts";
import { buildExport, writeExportToFolder } from "../support/dynamodb-export-writer.ts";
import { PROFILES, STATUSES, trickySessionItems, USERS } from "../support/tricky-sessions.ts";

type Item = Record<string, AttributeValue>;

const random = randomSource(20260210);
const int = (below: number) => Math.floor(random() * below);
const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
const NOW = new Date(Date.UTC(2026, 1, 10));

const LOADED: Item[] = trickySessionItems({ sessions: 2_500, tricky: 700, now: NOW, seed: 20260210 });

const work = mkdtempSync(join(tmpdir(), "export-equality-"));
let connection: DynamoConnection;
let table: DynamoSessionStore;
let exported: DynamoDBExportStore;
let instants: Instant[];

beforeAll(async () => {
  const name = await freshTable("export-eq", LOADED);
  connection = await connectDynamo(
    { endpointUrl: endpoint(), region: "us-east-1", timeoutMs: 60_000, maxAttempts: 3 },
    {},
  );
  // The export holds what the table holds, as DynamoDB stores it.
  const stored: Item[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await testClient().send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
    stored.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  expect(stored.length).toBe(LOADED.length);
  const dir = writeExportToFolder(buildExport(stored, { files: 7, gzipMembers: 2 }), work);
  table = new DynamoSessionStore(connection, name, 4);
  exported = await openDynamoDBExport(dir, {
    s3: () => Promise.reject(new Error("no S3 for a folder")),
    concurrency: 3,
  });
  instants = LOADED.flatMap((item) => {
    const at = item.created_at?.S === undefined ? undefined : parseTimestamp(item.created_at.S);
    return at === undefined ? [] : [at];
  });
}, 120_000);

afterAll(() => {
  connection?.client.destroy();
  rmSync(work, { recursive: true, force: true });
});

/** A window edge: mostly an item's own instant or 1 ns beside it, else anywhere in the month. */
function edge(): Instant {
  if (random() < 0.6) {
    const at = pick(instants);
    const shift = int(3) - 1;
    const nanos = at.nanos + shift;
    return nanos < 0
      ? { sec: at.sec - 1, nanos: 999_999_999 }
      : nanos > 999_999_999
        ? { sec: at.sec + 1, nanos: 0 }
        : { sec: at.sec, nanos };
  }
  return { sec: Math.floor(NOW.getTime() / 1000) - int(32 * 86_400), nanos: int(1_000_000_000) };
}

const later = (a: Instant, b: Instant) => a.sec > b.sec || (a.sec === b.sec && a.nanos > b.nanos);

function randomFilter(n: number): SessionFilter {
  let since: Instant | undefined = random() < 0.25 ? undefined : edge();
  let until = random() < 0.2 ? { sec: Math.floor(NOW.getTime() / 1000), nanos: 0 } : edge();
  if (since !== undefined && later(since, until)) [since, until] = [until, since];
  const filter: SessionFilter = { window: since === undefined ? { until } : { since, until } };
  // Every read path of the table: Scan, and each index first.
  const path = n % 5;
  if (path === 1 || (path === 4 && random() < 0.5)) filter.user = pick(USERS);
  if (path === 2 || (path === 4 && random() < 0.5)) filter.profile = pick(PROFILES);
  if (path === 3 || (path === 4 && random() < 0.5)) filter.status = pick(STATUSES) as SessionStatus;
  return filter;
}

async function read(store: SessionStore, filter: SessionFilter) {
  const keep = new NewestFirst(0, (s: Session) => s);
  const result = await store.find(filter, keep);
  return { rows: keep.sorted(), malformed: result.malformed, matched: result.matched, complete: result.complete };
}

test("the items load and carry the tricks the comparison needs", () => {
  const created = LOADED.map((item) => item.created_at?.S);
  expect(created.filter((c) => c === undefined).length).toBeGreaterThan(30);
  expect(created.filter((c) => c !== undefined && /[+-]\d\d:\d[1-9]$/.test(c)).length).toBeGreaterThan(200);
  expect(created.filter((c) => c !== undefined && /\.\d{9}[Zz+-]/.test(c)).length).toBeGreaterThan(100);
  expect(created.filter((c) => c !== undefined && /^\d{4}-\d\d-\d\dt/.test(c)).length).toBeGreaterThan(20);
  expect(created.filter((c) => c !== undefined && /\dz$/.test(c)).length).toBeGreaterThan(20);
  expect(created.filter((c) => c !== undefined && parseTimestamp(c) === undefined).length).toBeGreaterThan(200);
});

test("40 random filters and windows: the export offers what the table offers, with the same malformed items", async () => {
  let rows = 0;
  let malformed = 0;
  for (let n = 0; n < 40; n++) {
    const filter = randomFilter(n);
    const [fromTable, fromExport] = [await read(table, filter), await read(exported, filter)];
    const context = JSON.stringify(filter);
    expect(fromTable.complete, context).toBe(true);
    expect(fromExport.rows, context).toEqual(fromTable.rows);
    expect(fromExport.malformed, context).toEqual(fromTable.malformed);
    expect(fromExport.matched, context).toBe(fromTable.matched);
    rows += fromTable.rows.length;
    malformed += fromTable.malformed.length;
  }
  // The comparison compared something: many rows, and malformed items on both read paths.
  expect(rows).toBeGreaterThan(5_000);
  expect(malformed).toBeGreaterThan(200);
}, 120_000);

test("get() answers as GetItem: found, malformed and missing alike", async () => {
  const ids = [
    ...LOADED.slice(0, 5).map((item) => item.id?.S as string),
    ...LOADED.slice(-40)
      .filter((item) => item.created_at === undefined)
      .map((item) => item.id?.S as string),
    "0000000000000000",
  ];
  for (const id of ids) expect(await exported.get(id)).toEqual(await table.get(id));
});
