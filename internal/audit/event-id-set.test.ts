import { expect, test } from "bun:test";
import { EventIdSet, hashId } from "./event-id-set.ts";

/** A deterministic stream of pseudo-random numbers (xorshift32), so failures repeat. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function uuid(next: () => number, upper = false): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join("");
  const text = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return upper ? text.toUpperCase() : text;
}

test("EventIdSet.add() is true for a new id and false for one already added", () => {
  const seen = new EventIdSet();
  expect(seen.add("e1")).toBe(true);
  expect(seen.add("e1")).toBe(false);
  expect(seen.add("e2")).toBe(true);
  expect(seen.size).toBe(2);
});

test.each([
  [
    "a packed UUID and the same text in upper case",
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    "0F8FAD5B-D9CB-469F-A165-70867728950E",
  ],
  ["two UUIDs one digit apart", "0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950f"],
  [
    "a UUID and a 36-character non-UUID",
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    "0f8fad5b_d9cb_469f_a165_70867728950e",
  ],
  ["the empty id and a space", "", " "],
  ["ids differing in a non-ASCII character", "ereignis-ä", "ereignis-ö"],
  ["a prefix and the longer id", "event", "event-1"],
])("EventIdSet keeps %s apart, and knows each again", (_what, a, b) => {
  const seen = new EventIdSet();
  expect([seen.add(a), seen.add(b), seen.add(a), seen.add(b)]).toEqual([true, true, false, false]);
});

test("EventIdSet compares full texts: ids with equal hashes are still different ids", () => {
  const seen = new EventIdSet(() => [7, 7]);
  const ids = [
    "bench-1",
    "bench-2",
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    "0f8fad5b-d9cb-469f-a165-70867728950f",
    "x",
  ];
  expect(ids.map((id) => seen.add(id))).toEqual([true, true, true, true, true]);
  expect(ids.map((id) => seen.add(id))).toEqual([false, false, false, false, false]);
  expect(seen.size).toBe(5);
});

test("EventIdSet agrees with a Set of strings over 200,000 ids with repeats, across growth", () => {
  const next = random(12345);
  const pool: string[] = [];
  for (let i = 0; i < 60_000; i++) {
    const kind = i % 3;
    pool.push(kind === 0 ? uuid(next) : kind === 1 ? uuid(next, true) : `event-${Math.floor(next() * 1e9)}`);
  }
  const seen = new EventIdSet();
  const reference = new Set<string>();
  let disagreements = 0;
  for (let i = 0; i < 200_000; i++) {
    const id = pool[Math.floor(next() * pool.length)] as string;
    const isNew = !reference.has(id);
    reference.add(id);
    if (seen.add(id) !== isNew) disagreements++;
  }
  expect(disagreements).toBe(0);
  expect(seen.size).toBe(reference.size);
});

test("EventIdSet takes ids longer than a header word can count", () => {
  const seen = new EventIdSet();
  const long = "e".repeat(40_000);
  expect([seen.add(long), seen.add(`${long}x`), seen.add(long)]).toEqual([true, true, false]);
  expect(seen.size).toBe(2);
});

test("hashId() gives different hash pairs for ids one character apart", () => {
  expect(hashId("bench-1")).not.toEqual(hashId("bench-2"));
  expect(hashId("ab")).not.toEqual(hashId("ba"));
});
