// The fixture of test/fixtures/cloudtrail through both event sources, against DynamoDB Local
// and the local LookupEvents server, with the real SDKs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allEvents, type FixtureEvent, ROLE, recordsByRegion } from "../fixtures/cloudtrail/assume-role-events.ts";
import { auditArgs, categoriesOf, expectedCategories, fixtureTable, writeTrailLogs } from "../support/audit-fixture.ts";
import { endpoint } from "../support/dynamo.ts";
import { type FakeCloudTrail, startFakeCloudTrail } from "../support/fake-cloudtrail.ts";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { runInProcess } from "../support/run-cli.ts";

const NOW = new Date("2026-01-25T00:00:00Z");
let table: string;
let fake: FakeCloudTrail;
let logs: string;

beforeAll(async () => {
  table = await fixtureTable("audit-fixture");
  fake = startFakeCloudTrail({ events: recordsByRegion(allEvents()) });
  process.env.AWS_ENDPOINT_URL_CLOUDTRAIL = fake.url;
  logs = mkdtempSync(join(tmpdir(), "sentinel-trail-"));
  writeTrailLogs(logs);
});

afterAll(() => {
  fake.stop();
  delete process.env.AWS_ENDPOINT_URL_CLOUDTRAIL;
  rmSync(logs, { recursive: true, force: true });
});

const base = () => auditArgs(table);
const api = ["--trail-region", "us-east-1", "--trail-region", "eu-west-1"];

test("the fixture has 200+ events in two regions, one in both, and every category", () => {
  const events = allEvents();
  expect(events.length).toBeGreaterThanOrEqual(200);
  expect(events.filter((e) => e.regions.length === 2).length).toBe(1);
  const kinds = new Set(events.map((e) => e.expect));
  for (const k of ["tracked", "untracked", "orphaned", "mismatch", "denied", "service", "outside"])
    expect(kinds).toContain(k as never);
});

test("through the LookupEvents API every event gets its hand-written category, the duplicate once", async () => {
  const r = await runInProcess([...base(), ...api, "--all-events", "--output", "ndjson"], NOW);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(4);
  expect(categoriesOf(r.stdout)).toEqual(expectedCategories());
});

test("through log files the same events get the same categories", async () => {
  const r = await runInProcess([...base(), "--cloudtrail-logs", logs, "--all-events", "--output", "ndjson"], NOW);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(4);
  expect(categoriesOf(r.stdout)).toEqual(expectedCategories());
});

test("without --all-events only findings are listed, newest first, ties by eventID", async () => {
  const r = await runInProcess([...base(), "--cloudtrail-logs", logs, "--output", "ndjson"], NOW);
  expect(r.code).toBe(4);
  const rows = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { event_id: string; event_time: string; category: string });
  const expected = allEvents()
    .filter((e) => ["untracked", "orphaned", "mismatch"].includes(e.expect))
    .map((e) => ({ id: e.record.eventID as string, at: Date.parse(e.record.eventTime as string) }))
    .sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : 1))
    .map((e) => e.id);
  expect(rows.map((row) => row.event_id)).toEqual(expected);
  const same = rows.findIndex((row) => row.event_id === "case-mismatch");
  expect(rows[same + 1]?.event_id).toBe("case-same-second");
});

test.each([
  ["exact", ROLE("prod-deploy"), (role: string) => role === ROLE("prod-deploy")],
  ["prefix", `${ROLE("prod-")}*`, (role: string) => role.startsWith(ROLE("prod-"))],
])("--role %s keeps only the events of the matching roles", async (_kind, role, keeps) => {
  const r = await runInProcess([...base(), ...api, "--role", role, "--all-events", "--output", "ndjson"], NOW);
  const wanted = allEvents().filter((e) => keeps((e.record.requestParameters as { roleArn: string }).roleArn));
  expect(categoriesOf(r.stdout)).toEqual(expectedCategories(wanted));
  expect(wanted.length).toBeLessThan(allEvents().length);
});

test("the json report counts every category of the window", async () => {
  const r = await runInProcess([...base(), "--cloudtrail-logs", logs, "--output", "json"], NOW);
  const report = JSON.parse(r.stdout) as { window: unknown; summary: Record<string, number>; findings: unknown[] };
  const inWindow = allEvents().filter((e) => e.expect !== "outside");
  const countOf = (k: string) => inWindow.filter((e) => e.expect === k).length;
  expect(report.window).toEqual({ since: "2026-01-20T00:00:00Z", until: "2026-01-20T23:59:59.999999999Z" });
  expect(report.summary).toEqual({
    events: inWindow.length,
    tracked: countOf("tracked"),
    untracked: countOf("untracked"),
    orphaned: countOf("orphaned"),
    mismatch: countOf("mismatch"),
    denied: countOf("denied"),
    service: countOf("service"),
  });
  expect(report.findings.length).toBe(countOf("untracked") + countOf("orphaned") + countOf("mismatch"));
});

describe("how the table is read for events that name their session by tag", () => {
  type Tags = { tags?: { key: string; value: string }[] } | null;
  const tagOf = (e: FixtureEvent) =>
    ((e.record.requestParameters as Tags)?.tags ?? []).find((t) => t.key === "SentinelSessionID")?.value;
  // No event names its session by source identity alone, so nothing else makes the window worth reading.
  const named = () => allEvents().filter((e) => tagOf(e) !== undefined);
  const inWindowTags = () =>
    new Set(
      named()
        .filter((e) => e.expect !== "outside")
        .map((e) => tagOf(e) as string),
    );
  let taggedLogs: string;
  beforeAll(() => {
    taggedLogs = mkdtempSync(join(tmpdir(), "sentinel-tagged-"));
    writeTrailLogs(taggedLogs, named());
  });
  afterAll(() => rmSync(taggedLogs, { recursive: true, force: true }));

  /** The audit through a proxy to DynamoDB Local: what it printed, the ids it asked for by key, the scans. */
  const throughProxy = async (deny: "DescribeTable" | "Scan" | undefined) => {
    const keysAsked = new Set<string>();
    const proxy = await startFaultProxy(endpoint(), (_n, target, body) => {
      if (target.endsWith(".BatchGetItem")) {
        const request = JSON.parse(body) as { RequestItems: Record<string, { Keys: { id: { S: string } }[] }> };
        for (const key of Object.values(request.RequestItems)[0]?.Keys ?? []) keysAsked.add(key.id.S);
      }
      return deny !== undefined && target === `DynamoDB_20120810.${deny}` ? "access-denied" : "pass";
    });
    try {
      const args = auditArgs(table, "--cloudtrail-logs", taggedLogs, "--all-events", "--output", "ndjson", "--debug");
      args[args.indexOf("--endpoint-url") + 1] = proxy.url;
      const r = await runInProcess(args, NOW);
      const calls = (op: string) => proxy.seen.filter((s) => s.target === `DynamoDB_20120810.${op}`).length;
      return { r, keysAsked, scans: calls("Scan"), describes: calls("DescribeTable") };
    } finally {
      await proxy.stop();
    }
  };

  test("a small table: past its size in keys, ids are found in one read of the window, the rest by key", async () => {
    const { r, keysAsked, scans, describes } = await throughProxy(undefined);
    expect(r.code).toBe(4);
    expect(categoriesOf(r.stdout)).toEqual(expectedCategories(named()));
    expect(describes).toBe(1);
    // A few hundred sessions of a few hundred bytes: fewer keys than the events name cost as much as one read.
    expect(r.stderr).toMatch(/debug: \d+ keys asked for by id: reading the sessions of the window instead\n/);
    expect(scans).toBeGreaterThan(0);
    expect(keysAsked.size).toBeLessThan(inWindowTags().size);
    // The long session, created before the window, and a name of no session are still asked for by key.
    expect(keysAsked).toContain("a000000000000006");
    expect(keysAsked).toContain("ffff000000000001");
  });

  test("without DescribeTable every id is asked for by key and nothing is scanned; the same categories", async () => {
    const { r, keysAsked, scans, describes } = await throughProxy("DescribeTable");
    expect(r.code).toBe(4);
    expect(categoriesOf(r.stdout)).toEqual(expectedCategories(named()));
    expect(describes).toBe(1);
    expect(r.stderr).toMatch(
      /debug: DescribeTable failed: AccessDeniedException: table size unknown, ids are read by key\n/,
    );
    expect(scans).toBe(0);
    expect(keysAsked).toEqual(inWindowTags());
  });

  test("when the window cannot be read (no dynamodb:Scan), ids go on by key; the same categories", async () => {
    const { r, keysAsked, scans } = await throughProxy("Scan");
    expect(r.code).toBe(4);
    expect(categoriesOf(r.stdout)).toEqual(expectedCategories(named()));
    expect(r.stderr).toMatch(/debug: reading the window failed \(.*Scan.*\): ids are read by key\n/);
    expect(scans).toBeGreaterThan(0);
    expect(keysAsked).toEqual(inWindowTags());
  });
});
