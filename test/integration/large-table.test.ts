// A few thousand generated sessions, several pages per read: the program's
// rows must equal an independent computation over the same items.
import { beforeAll, describe, expect, test } from "bun:test";
import { connectDynamo } from "../../internal/aws/dynamo-client.ts";
import { DynamoSessionStore } from "../../internal/session/dynamo-store.ts";
import { NewestFirst } from "../../internal/session/newest-first.ts";
import { parseWindow } from "../../internal/timefilter/parse-when.ts";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { csvIds as ids } from "../support/csv-ids.ts";
import { endpoint, freshTable } from "../support/dynamo.ts";
import { expectedIds } from "../support/reference.ts";
import { runInProcess } from "../support/run-cli.ts";

const NOW = new Date("2026-03-01T00:00:00.000Z");
const DAY_MS = 86_400_000;
// 1 KiB of padding per item makes DynamoDB cut its 1 MB pages after ~700 items.
const items = [...generateSessions({ count: 3_000, now: NOW, days: 60, users: 12, seed: 11 })].map((item) => ({
  ...item,
  padding: { S: "x".repeat(1024) },
}));
let table: string;

beforeAll(async () => {
  table = await freshTable("large", items);
});

async function csvIds(args: string[]): Promise<string[]> {
  const result = await runInProcess(["server-sessions", "--table", table, "--output", "csv", ...args], NOW);
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return ids(result.stdout);
}

describe("--limit 0 over more than 1,000 items", () => {
  test("the whole table, one segment, several pages: every item once, in order", async () => {
    const got = await csvIds(["--until", "2027-01-01", "--limit", "0", "--segments", "1"]);
    expect(got.length).toBe(3_000);
    expect(new Set(got).size).toBe(3_000);
    expect(got).toEqual(expectedIds(items, { until: new Date("2027-01-01") }));
  });

  test("a 30-day window in 4 parallel segments equals the reference", async () => {
    const got = await csvIds(["--since", "30d", "--limit", "0", "--segments", "4"]);
    const expected = expectedIds(items, { since: new Date(NOW.getTime() - 30 * DAY_MS), until: NOW });
    expect(got.length).toBeGreaterThan(1_000);
    expect(got).toEqual(expected);
  });

  test("the scan really spans several pages", async () => {
    const connection = await connectDynamo(
      { region: "us-east-1", endpointUrl: endpoint(), timeoutMs: 10_000, maxAttempts: 3 },
      {},
    );
    const store = new DynamoSessionStore(connection, table, 1);
    const parsed = parseWindow(undefined, "2027-01-01", NOW);
    if (!("window" in parsed)) throw new Error("bad window");
    let pages = 0;
    const keep = new NewestFirst(0, (s) => s.id);
    const result = await store.find({ window: parsed.window }, keep, { onProgress: (p) => (pages = p.pages) });
    connection.client.destroy();
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(result.itemsRead).toBe(3_000);
    expect(result.matched).toBe(3_000);
    expect(keep.sorted()).toEqual(expectedIds(items, { until: new Date("2027-01-01") }));
  });
});

describe("--limit N on a table whose scan order is not time order", () => {
  test.each([1, 10, 100, 999])("--limit %i gives exactly the N newest of the whole table", async (limit) => {
    const got = await csvIds(["--until", "2027-01-01", "--limit", String(limit)]);
    expect(got).toEqual(expectedIds(items, { until: new Date("2027-01-01") }, limit));
  });

  test("scan order really differs from time order here", async () => {
    const got = await csvIds(["--until", "2027-01-01", "--limit", "0", "--segments", "1"]);
    expect(got.slice(0, 50)).not.toEqual(items.slice(0, 50).map((i) => (i as Record<string, { S?: string }>).id?.S));
  });

  test("on the user index with a window, --limit takes the newest by instant", async () => {
    for (const limit of [1, 5, 50]) {
      const got = await csvIds(["--user", "alice", "--since", "45d", "--limit", String(limit)]);
      expect(got).toEqual(
        expectedIds(items, { user: "alice", since: new Date(NOW.getTime() - 45 * DAY_MS), until: NOW }, limit),
      );
    }
  });

  test("status index: every active session of 60 days", async () => {
    const got = await csvIds(["--status", "active", "--limit", "0"]);
    expect(got).toEqual(expectedIds(items, { status: "active", until: NOW }));
  });

  test("a limited index read stops early and still gives exactly the newest", async () => {
    const connection = await connectDynamo(
      { region: "us-east-1", endpointUrl: endpoint(), timeoutMs: 10_000, maxAttempts: 3 },
      {},
    );
    const store = new DynamoSessionStore(connection, table, 4);
    const parsed = parseWindow(undefined, undefined, NOW);
    if (!("window" in parsed)) throw new Error("bad window");
    const keep = new NewestFirst(5, (s) => s.id);
    const result = await store.find({ status: "expired", window: parsed.window }, keep);
    connection.client.destroy();
    const all = expectedIds(items, { status: "expired", until: NOW });
    expect(keep.sorted()).toEqual(all.slice(0, 5));
    expect(result.complete).toBe(false);
    expect(result.itemsRead).toBeLessThan(all.length / 2);
    expect(result.matched).toBeGreaterThan(5);
  });
});

test("the note of a limited read that stopped early says counting stopped and how to get the count", async () => {
  const result = await runInProcess(
    ["server-sessions", "--table", table, "--output", "csv", "--status", "expired", "--limit", "5"],
    NOW,
  );
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(
    /^note: showing the 5 newest of at least [\d,]+ matching sessions; counting stopped once no more could be shown: --limit 0 shows and counts them all\n$/,
  );
});
