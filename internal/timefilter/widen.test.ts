import { expect, test } from "bun:test";
import { parseTimestamp } from "./instant.ts";
import { createdAtTextRange, olderTextBound } from "./widen.ts";

const at = (text: string) => parseTimestamp(text)!;

test("createdAtTextRange() matches the documented example", () => {
  expect(createdAtTextRange({ since: at("2026-01-20T00:00:00Z"), until: at("2026-01-21T00:00:00Z") })).toEqual({
    low: "2026-01-19T00:00:00",
    high: "2026-01-22T00:00:00~",
  });
});

test("createdAtTextRange() holds the text of every stored form of the window's edges", () => {
  const window = { since: at("2026-01-20T10:00:00Z"), until: at("2026-01-20T12:00:00Z") };
  const { low, high } = createdAtTextRange(window);
  const edges = [
    "2026-01-20T10:00:00Z",
    "2026-01-20T10:00:00.000000001Z",
    "2026-01-20T12:00:00Z",
    "2026-01-20T08:00:00-02:00",
    "2026-01-20T00:00:00-10:00",
    "2026-01-20T23:59:00+23:59",
    "2026-01-21T11:59:00+23:59",
    "2026-01-19T10:01:00-23:59",
  ];
  for (const text of edges) {
    expect(text >= (low as string) && text <= high).toBe(true);
  }
});

test("olderTextBound() is below the text of anything as new as the instant", () => {
  const kept = at("2026-01-20T10:00:00Z");
  const bound = olderTextBound(kept);
  // The oldest text an item at 10:00:00Z can have: an offset of -23:59.
  expect("2026-01-19T10:01:00-23:59" > bound).toBe(true);
  expect(bound).toBe("2026-01-19T09:59:59");
});
