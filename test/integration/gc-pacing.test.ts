// Garbage is collected between the pages of every listing: the runtime lets a
// page's garbage pile up whatever is kept (make bench measured `--limit` and
// `--order none` runs growing with the table without it).
import { beforeAll, describe, expect, test } from "bun:test";
import { awsDeps } from "../../cmd/sentinel/deps.ts";
import { runCli } from "../../internal/cli/cli.ts";
import { type GcPacing, LISTING_PACING, STREAMING_PACING, WRITING_PACING } from "../../internal/cli/gc-pacer.ts";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { bufferIO } from "../support/buffer-io.ts";
import { csvIds } from "../support/csv-ids.ts";
import { freshTable } from "../support/dynamo.ts";

const NOW = new Date("2026-03-01T00:00:00.000Z");
// 1 KiB of padding per item makes DynamoDB cut its 1 MB pages after ~700 items: 3 pages or more.
const ITEMS = 2_000;
const items = [...generateSessions({ count: ITEMS, now: NOW, days: 60, users: 12, seed: 23 })].map((item) => ({
  ...item,
  padding: { S: "x".repeat(1024) },
}));
let table: string;

beforeAll(async () => {
  table = await freshTable("gc-pacing", items);
});

/** Runs an export in-process; the pacing it asked for, and how often it called the collector. */
async function paced(args: string[]) {
  const io = bufferIO(NOW);
  let calls = 0;
  const pacings: GcPacing[] = [];
  const deps = {
    ...awsDeps(io, new AbortController().signal, "test"),
    pacedCollector: (pacing: GcPacing) => {
      pacings.push(pacing);
      return () => {
        calls++;
      };
    },
  };
  const code = await runCli(
    ["server-sessions", "--table", table, "--until", "2027-01-01", "--segments", "1", ...args],
    deps,
  );
  return { code, calls, pacings, stdout: io.out(), stderr: io.err() };
}

describe("garbage collection between pages", () => {
  test("a sorted --limit 0 export paces between its pages", async () => {
    const run = await paced(["--limit", "0", "--output", "csv"]);
    expect(run.code).toBe(0);
    expect(csvIds(run.stdout).length).toBe(ITEMS);
    // 2,000 items of over 1 KiB cannot come in fewer than 2 pages of 1 MB.
    expect(run.calls).toBeGreaterThanOrEqual(2);
    // Paced as pages arrive, then as the sorted rows are written.
    expect(run.pacings).toEqual([LISTING_PACING, WRITING_PACING]);
  });

  test("a --limit export paces between its pages too", async () => {
    const run = await paced(["--limit", "10", "--output", "csv"]);
    expect(run.code).toBe(0);
    expect(csvIds(run.stdout).length).toBe(10);
    expect(run.calls).toBeGreaterThanOrEqual(2);
  });

  test("an --order none export paces between its pages too", async () => {
    const run = await paced(["--limit", "0", "--order", "none", "--output", "ndjson"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split("\n").length).toBe(ITEMS);
    expect(run.calls).toBeGreaterThanOrEqual(2);
    // It keeps no rows: collections are short, so it collects after nearly every page.
    expect(run.pacings).toEqual([STREAMING_PACING]);
    expect(STREAMING_PACING.maxGcTimeFraction).toBeGreaterThan(LISTING_PACING.maxGcTimeFraction);
  });

  test("the human table paces too", async () => {
    const run = await paced(["--limit", "0"]);
    expect(run.code).toBe(0);
    expect(run.calls).toBeGreaterThanOrEqual(2);
  });
});
