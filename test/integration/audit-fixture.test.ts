// The fixture of test/fixtures/cloudtrail through both event sources, against DynamoDB Local
// and the local LookupEvents server, with the real SDKs.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allEvents, ROLE, recordsByRegion } from "../fixtures/cloudtrail/assume-role-events.ts";
import { auditArgs, categoriesOf, expectedCategories, fixtureTable, writeTrailLogs } from "../support/audit-fixture.ts";
import { type FakeCloudTrail, startFakeCloudTrail } from "../support/fake-cloudtrail.ts";
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
