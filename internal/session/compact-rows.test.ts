import { expect, test } from "bun:test";
import { randomSource } from "../../scripts/generate-sessions.ts";
import { sessionAt as session } from "../../test/support/session.ts";
import { CompactNewestFirst } from "./compact-rows.ts";
import { newestFirst } from "./newest-first.ts";
import type { Session } from "./session.ts";

test("CompactNewestFirst gives back every row, byte for byte, in listing order", () => {
  const random = randomSource(99);
  // Many rows (typed arrays grow, several 4 MiB chunks), multi-byte text, ties on time.
  const sessions = Array.from({ length: 12_000 }, (_, i) =>
    session(`id-${(i * 7919) % 12_000}`, 1_700_000_000 + Math.floor(random() * 500), Math.floor(random() * 3)),
  );
  const rowOf = (s: Session) => `${s.id},é漢😀,${"x".repeat(Number(s.id.slice(3)) % 900)}\n`;
  const keep = new CompactNewestFirst(rowOf);
  for (const s of sessions) keep.offer(s);
  expect(keep.size).toBe(12_000);
  expect(keep.offered).toBe(12_000);
  const text = (rows: Iterable<Uint8Array>) => [...rows].map((bytes) => Buffer.from(bytes).toString("utf8"));
  expect(text(keep.sorted())).toEqual(sessions.slice().sort(newestFirst).map(rowOf));
});

test("CompactNewestFirst keeps a row larger than a chunk", () => {
  const big = "y".repeat(5 * 1024 * 1024);
  const keep = new CompactNewestFirst((s) => (s.id === "big" ? big : `${s.id}\n`));
  keep.offer(session("a", 1, 0));
  keep.offer(session("big", 3, 0));
  keep.offer(session("c", 2, 0));
  expect([...keep.sorted()].map((bytes) => Buffer.from(bytes).toString())).toEqual([big, "c\n", "a\n"]);
});

test("CompactNewestFirst with nothing offered yields nothing", () => {
  expect([...new CompactNewestFirst(() => "x").sorted()]).toEqual([]);
});
