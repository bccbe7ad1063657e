import { expect, test } from "bun:test";
import { parseTimestamp } from "../timefilter/instant.ts";
import { mergeById } from "./session-merge.ts";

const at = (text: string) => parseTimestamp(text);
const ref = (id: string, user: string, updated?: string) => ({
  id,
  user,
  sourceIdentity: `sentinel:${user}:direct:r`,
  ...(updated === undefined ? {} : { updatedAt: at(updated) }),
});

test("mergeById() keeps the record with the later updated_at, to the nanosecond and across offsets", () => {
  const merged = mergeById([
    [ref("a", "old", "2026-11-01T10:00:00.000000002Z"), ref("b", "keep", "2026-11-02T12:00:00+02:00")],
    [ref("a", "new", "2026-11-01T10:00:00.000000003Z"), ref("b", "stale", "2026-11-02T09:59:59.999999999Z")],
  ]);
  expect(merged.map((s) => `${s.id}:${s.user}`).sort()).toEqual(["a:new", "b:keep"]);
});

test("mergeById() counts a record without updated_at as the oldest, and on equal times takes the later source", () => {
  const merged = mergeById([
    [ref("a", "dated", "2026-01-01T00:00:00Z"), ref("b", "first", "2026-01-01T00:00:00Z"), ref("c", "none-1")],
    [ref("a", "undated"), ref("b", "second", "2026-01-01T00:00:00.0Z"), ref("c", "none-2")],
  ]);
  expect(merged.map((s) => `${s.id}:${s.user}`).sort()).toEqual(["a:dated", "b:second", "c:none-2"]);
});

test("mergeById() keeps sessions found in one source only", () => {
  expect(mergeById([[ref("a", "x")], [], [ref("b", "y")]]).map((s) => s.id)).toEqual(["a", "b"]);
});
