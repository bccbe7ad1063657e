// Property test of the checkpoint (SPEC §8.3): 30 checkpointed runs at random
// moments, with a random --settle, a random --until (none, in the past, in the
// future, or exactly at a session's created_at or 1 ns before it) and a clock
// stepped forward and back through the injected io.now(). Between runs,
// sessions are created at random instants (ns precision, random fraction
// digits and zone offsets) up to the true time. Every run must either export
// (exit 0) or refuse (exit 1 or 2, checkpoint untouched), and the exports
// together must be every session, each exactly once, each in its run's window.
// Instants are BigInt nanoseconds computed here, not by the program.
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomSource } from "../../scripts/generate-sessions.ts";
import { putItems } from "../../scripts/session-table.ts";
import { endpoint, freshTable, item, testClient } from "../support/dynamo.ts";
import { runInProcess } from "../support/run-cli.ts";

const RUNS = 30;
const random = randomSource(20261203);
const int = (below: number) => Math.floor(random() * below);
const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;

const NS_PER_MS = 1_000_000n;
const MINUTE = 60_000_000_000n;
const HOUR = 60n * MINUTE;
const SETTLES: [string, bigint][] = [
  ["0s", 0n],
  ["1m", MINUTE],
  ["5m", 5n * MINUTE],
  ["1h", HOUR],
];

/** A random span of nanoseconds in [0, max). */
const span = (max: bigint) => (BigInt(Math.floor(random() * 2 ** 48)) * max) / 2n ** 48n;

/** RFC 3339 text of `ns` in a zone `offsetMinutes` east of UTC, fraction trimmed as Go writes it. */
function stamp(ns: bigint, offsetMinutes: number): string {
  const ms = ns / NS_PER_MS;
  const local = new Date(Number(ms) + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const zone =
    offsetMinutes === 0 && random() < 0.7
      ? "Z"
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${local}${fraction === "" ? "" : `.${fraction}`}${zone}`;
}

/** Nanoseconds of a UTC text with a 9-digit fraction, as the checkpoint writes window_end. */
function utcNs(text: string): bigint {
  const m = /^(.{19})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (m === null) throw new Error(`not a UTC time: ${text}`);
  return BigInt(Date.parse(`${m[1]}Z`)) * NS_PER_MS + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/** An instant with 0-9 fraction digits: the rest of its nanoseconds are zero. */
function roundedNs(ns: bigint): bigint {
  const unit = 10n ** BigInt(9 - int(10));
  return (ns / unit) * unit;
}

const dateOf = (ns: bigint) => new Date(Number(ns / NS_PER_MS));

test("30 randomly timed checkpointed runs export every session exactly once, or refuse", async () => {
  const table = await freshTable("checkpoint-property", []);
  const dir = mkdtempSync(join(tmpdir(), "sentinel-ckpt-property-"));
  const ckpt = join(dir, "sessions.ckpt");
  const checkpointed = ["server-sessions", "--table", table, "--checkpoint", ckpt];
  const created = new Map<string, bigint>(); // id -> created_at instant
  const exported = new Map<string, number>(); // id -> run that exported it
  let trueNow = utcNs("2026-03-01T00:00:00Z");
  let lastCreated = trueNow; // the true time of the last run: later sessions are created after it
  let nextId = 0;
  const outcomes = { exported: 0, refused: 0 };

  try {
    for (let run = 0; run < RUNS; run++) {
      // Time passes; sessions are created meanwhile, each at its own instant.
      trueNow += MINUTE + span(3n * HOUR);
      const fresh: string[] = [];
      for (let n = int(6); n > 0; n--) {
        const at = roundedNs(lastCreated + 1n + span(trueNow - lastCreated));
        if (at <= lastCreated || at > trueNow) continue;
        const id = (nextId++).toString(16).padStart(16, "0");
        created.set(id, at);
        fresh.push(id);
        await putItems(testClient(), table, [
          item({ id, user: "u", status: "active", created_at: stamp(at, pick([0, 0, 120, -330, 345, -600])) }),
        ]);
      }
      // Sessions are created in true time: none is created behind a run that has happened.
      lastCreated = trueNow;

      const [settle, settleNs] = pick(SETTLES);
      // The host's clock: mostly right, sometimes behind (up to 2h), sometimes ahead by less than --settle
      // (a clock further ahead than --settle cannot be told from the right one by any program).
      const roll = random();
      const skew = roll < 0.5 ? 0n : roll < 0.8 ? -span(2n * HOUR) : span(settleNs + 1n);
      const clock = trueNow + skew;
      const args = [...checkpointed, "--settle", settle, "--output", "ndjson"];
      const kind = random();
      const freshAt = fresh.length === 0 ? undefined : created.get(pick(fresh));
      if (kind < 0.25) args.push("--until", stamp(clock - span(3n * HOUR), 0));
      else if (kind < 0.4) args.push("--until", stamp(clock + 1n + span(6n * HOUR), pick([0, 60])));
      else if (kind < 0.55 && freshAt !== undefined) args.push("--until", stamp(freshAt - BigInt(int(2)), 0));
      args.push("--columns", "id,created_at", "--endpoint-url", endpoint());

      const before = existsSync(ckpt) ? readFileSync(ckpt, "utf8") : undefined;
      const previousEnd = before === undefined ? undefined : utcNs(JSON.parse(before).window_end);
      const result = await runInProcess(args, dateOf(clock));
      const detail = `run ${run}: ${args.join(" ")} at ${dateOf(clock).toISOString()} -> ${result.code} ${result.stderr}`;

      if (result.code === 1 || result.code === 2) {
        outcomes.refused++;
        expect(result.stdout, detail).toBe("");
        expect(result.stderr, detail).toStartWith("error: ");
        expect(existsSync(ckpt) ? readFileSync(ckpt, "utf8") : undefined, detail).toBe(before);
        continue;
      }
      expect(result.code, detail).toBe(0);
      outcomes.exported++;
      const end = utcNs(JSON.parse(readFileSync(ckpt, "utf8")).window_end);
      // The window never ends after the true now: sessions created later are left to later runs.
      expect(end <= trueNow, detail).toBe(true);
      for (const line of result.stdout.split("\n").filter(Boolean)) {
        const { id } = JSON.parse(line) as { id: string };
        expect(exported.has(id), `${detail}: ${id} exported twice`).toBe(false);
        exported.set(id, run);
        const at = created.get(id) as bigint;
        expect(previousEnd === undefined || at > previousEnd, `${detail}: ${id} before the window`).toBe(true);
        expect(at <= end, `${detail}: ${id} after the window`).toBe(true);
      }
      // Everything created in this run's window is in it (brute force over every session).
      for (const [id, at] of created) {
        if ((previousEnd === undefined || at > previousEnd) && at <= end) {
          expect(exported.get(id), `${detail}: ${id} missing`).toBe(run);
        }
      }
    }

    // A day later, with the clock right: the last run takes whatever is left.
    trueNow += 24n * HOUR;
    const last = await runInProcess(
      [...checkpointed, "--output", "ndjson", "--columns", "id", "--endpoint-url", endpoint()],
      dateOf(trueNow),
    );
    expect(last.code, last.stderr).toBe(0);
    for (const line of last.stdout.split("\n").filter(Boolean)) {
      const { id } = JSON.parse(line) as { id: string };
      expect(exported.has(id), `${id} exported twice`).toBe(false);
      exported.set(id, RUNS);
    }
    expect([...exported.keys()].sort()).toEqual([...created.keys()].sort());
    // The random schedule exercised both outcomes, and sessions to export.
    expect(outcomes.exported).toBeGreaterThan(5);
    expect(outcomes.refused).toBeGreaterThan(3);
    expect(created.size).toBeGreaterThan(40);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
