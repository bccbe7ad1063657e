// The default order's writing: rows newest first (against an independent
// sort of the sessions offered), with the paced collection asked for every
// ROWS_PER_COLLECTION rows written, and not at all without a collector.
import { expect, test } from "bun:test";
import { sessionAt } from "../../test/support/session.ts";
import { columnsFor } from "../output/columns.ts";
import { csvFormat } from "../output/csv.ts";
import type { Session } from "../session/session.ts";
import type { SessionStore } from "../session/store.ts";
import { newestFirstRows } from "./row-order.ts";

const ROWS = 40_000;
// Created times out of order, some equal (ties go by id).
const sessions: Session[] = Array.from({ length: ROWS }, (_, i) =>
  sessionAt(`s-${String(i).padStart(5, "0")}`, 1_700_000_000 + ((i * 7_919) % 10_007), (i % 3) * 1_000),
);
const store: SessionStore = {
  async find(_filter, keep) {
    for (const s of sessions) keep.offer(s);
    return { matched: sessions.length, complete: true, malformed: [], itemsRead: sessions.length };
  },
  get: async () => ({ kind: "missing" }),
};

async function write(collect: (() => void) | undefined): Promise<string[]> {
  const chunks: string[] = [];
  const stdout = { write: (chunk: string | Uint8Array) => void chunks.push(Buffer.from(chunk).toString("utf8")) };
  const format = csvFormat(columnsFor(["id"], { sec: 0, nanos: 0 }), false);
  const filter = { window: { until: { sec: 4_000_000_000, nanos: 0 } } };
  await newestFirstRows(store, filter, format, { limit: 0, output: "csv" }, stdout, { onRead: () => {} }, collect);
  return chunks.join("").trimEnd().split("\n");
}

test("the sorted rows are written newest first, the collection asked for every 16,384 rows written", async () => {
  let collections = 0;
  const lines = await write(() => collections++);
  const expected = [...sessions]
    .sort(
      (a, b) => b.createdAt.sec - a.createdAt.sec || b.createdAt.nanos - a.createdAt.nanos || (a.id < b.id ? -1 : 1),
    )
    .map((s) => s.id);
  expect(lines[0]).toBe("id");
  expect(lines.slice(1)).toEqual(expected);
  expect(collections).toBe(Math.floor(ROWS / 16_384));
  expect(await write(undefined)).toEqual(lines);
});
