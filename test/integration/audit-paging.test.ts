// Paging and pacing of LookupEvents through the real SDK against the local server:
// 1,000 events are 20 pages of 50, read at no more than 2 requests a second, with
// some pages throttled on their first attempt.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { assumeRole } from "../fixtures/cloudtrail/assume-role-events.ts";
import { auditArgs, categoriesOf, fixtureTable } from "../support/audit-fixture.ts";
import { type FakeCloudTrail, startFakeCloudTrail } from "../support/fake-cloudtrail.ts";
import { runInProcess } from "../support/run-cli.ts";

const NOW = new Date("2026-01-25T00:00:00Z");
const EVENTS = 1_000;
const THROTTLED = new Set([3, 8, 15]);
let table: string;
let fake: FakeCloudTrail;

beforeAll(async () => {
  table = await fixtureTable("audit-paging", []);
  const records = Array.from({ length: EVENTS }, (_, i) =>
    assumeRole({
      id: `page-${i}`,
      // Ten events a minute from 01:00: several share a second, so pages split ties.
      time: new Date(Date.UTC(2026, 0, 20, 1, 0, 0) + Math.floor(i / 10) * 60_000 + (i % 3) * 1000).toISOString(),
      sessionName: `laptop-${i}`,
    }),
  );
  fake = startFakeCloudTrail({
    events: { "us-east-1": records },
    throttle: (_region, n) => THROTTLED.has(n),
    // The client spaces every third request 1,100 ms after the first (100 ms of margin); client
    // and server share one event loop here, so a pause of the loop can delay one arrival and
    // bring the next closer. Arrival jitter within that margin is not the client's pacing.
    rateWindowMs: 900,
  });
  process.env.AWS_ENDPOINT_URL_CLOUDTRAIL = fake.url;
});

afterAll(() => {
  fake.stop();
  delete process.env.AWS_ENDPOINT_URL_CLOUDTRAIL;
});

test("1,000 events arrive over 20 pages, each once, never more than 2 requests in a second (to within 100 ms of arrival jitter), throttled pages retried", async () => {
  const r = await runInProcess(auditArgs(table, "--trail-region", "us-east-1", "--output", "ndjson"), NOW);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(4);
  const rows = categoriesOf(r.stdout);
  expect(rows.size).toBe(EVENTS);
  for (let i = 0; i < EVENTS; i++) expect(rows.get(`page-${i}`)).toBe("untracked");
  const answered = fake.requests.filter((q) => q.status === 200).length;
  const throttled = fake.requests.filter((q) => q.error === "ThrottlingException").length;
  expect(answered).toBe(EVENTS / 50);
  expect(throttled).toBe(THROTTLED.size);
  expect(fake.busiestSecond("us-east-1")).toBeLessThanOrEqual(2);
}, 120_000);
