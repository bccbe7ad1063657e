import { expect, test } from "bun:test";
import { randomSource } from "../../scripts/generate-sessions.ts";
import { sessionAt as session } from "../../test/support/session.ts";
import { NewestFirst, newestFirst } from "./newest-first.ts";
import type { Session } from "./session.ts";

test("newestFirst() orders by instant, newest first, then by id ascending", () => {
  const list = [session("b", 10), session("a", 10), session("c", 10, 1), session("d", 9, 999_999_999)];
  expect(list.sort(newestFirst).map((s) => s.id)).toEqual(["c", "a", "b", "d"]);
});

test("NewestFirst keeps exactly the first N of the full order, whatever the arrival order", () => {
  const random = randomSource(7);
  const all = Array.from({ length: 2_000 }, (_, i) =>
    session(`id${String(i).padStart(5, "0")}`, Math.floor(random() * 50), Math.floor(random() * 3)),
  );
  const expected = all.slice().sort(newestFirst);
  for (const limit of [1, 7, 100, 1_999, 2_000, 5_000]) {
    const kept = new NewestFirst(limit, (s: Session) => s.id);
    for (const s of all) kept.offer(s);
    expect(kept.sorted()).toEqual(expected.slice(0, limit).map((s) => s.id));
    expect(kept.offered).toBe(2_000);
  }
});

test("NewestFirst with limit 0 keeps everything", () => {
  const kept = new NewestFirst(0, (s: Session) => s.id);
  for (let i = 0; i < 10; i++) kept.offer(session(String(i), i));
  expect(kept.sorted()).toEqual(["9", "8", "7", "6", "5", "4", "3", "2", "1", "0"]);
  expect(kept.full).toBe(false);
  expect(kept.lastKeptAt).toBeUndefined();
});

test("NewestFirst formats only sessions that rank within the limit", () => {
  const formatted: string[] = [];
  const kept = new NewestFirst(2, (s: Session) => {
    formatted.push(s.id);
    return s.id;
  });
  for (const [id, sec] of [
    ["a", 5],
    ["b", 9],
    ["c", 1],
    ["d", 7],
    ["e", 2],
  ] as const)
    kept.offer(session(id, sec));
  expect(kept.sorted()).toEqual(["b", "d"]);
  expect(formatted).toEqual(["a", "b", "d"]);
  expect(kept.lastKeptAt).toEqual({ sec: 7, nanos: 0 });
});
