import { expect, test } from "bun:test";
import { humanTime, utcNano } from "./revoke-fields.ts";

test.each([
  ["2026-01-20T12:30:00.5+02:00", "2026-01-20T10:30:00.5Z"],
  ["2026-01-20T10:30:00.120000000Z", "2026-01-20T10:30:00.12Z"],
  ["2026-01-20T10:30:00Z", "2026-01-20T10:30:00Z"],
  ["not a time", "not a time"],
  ["", ""],
])("utcNano(%p) is %p", (stored, expected) => {
  expect(utcNano(stored)).toBe(expected);
});

test("humanTime() shows UTC to the second, unparseable text as stored", () => {
  expect(humanTime("2026-01-20T12:30:00.5+02:00")).toBe("2026-01-20 10:30:00");
  expect(humanTime("yesterday")).toBe("yesterday");
});
