import { describe, expect, test } from "bun:test";
import {
  addNanos,
  compareInstants,
  FIRST_INSTANT,
  formatHuman,
  formatNano,
  formatSeconds,
  LAST_INSTANT,
  parseTimestamp,
  readTimestamp,
} from "./instant.ts";

// Independent reference: whole seconds from Date.parse (the fraction cut off), nanoseconds from the digits.
function reference(text: string): { sec: number; nanos: number } {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(text) as RegExpExecArray;
  return { sec: Date.parse(`${m[1]}${m[3]}`) / 1000, nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

describe("parseTimestamp()", () => {
  test.each([
    "2026-01-20T10:30:00Z",
    "2026-01-20T10:30:00.5Z",
    "2026-01-20T10:30:00.123456789Z",
    "2026-01-20T12:30:00+02:00",
    "2026-01-20T12:30:00.000000001-05:30",
    "2024-02-29T23:59:59.999999999Z",
    "1999-12-31T23:59:59+14:00",
    "2026-01-20t10:30:00z",
    "2026-11-27t01:00:00+14:00",
    "0001-01-01T00:00:00Z",
    "0000-12-31T23:00:00-01:00",
    "9999-12-31T23:59:59.999999999Z",
    "9999-12-31T23:59:59+23:59",
    "2026-01-20T10:30:00.5-00:01",
  ])("reads %s at full precision", (text) => {
    expect(parseTimestamp(text)).toEqual(reference(text.toUpperCase()));
  });

  test("the SPEC example: 12:30:00.5+02:00 is 10:30:00.5 UTC (the @example of parseTimestamp)", () => {
    expect(parseTimestamp("2026-01-20T12:30:00.5+02:00")).toEqual({ sec: 1768905000, nanos: 500_000_000 });
  });

  test("the @example of readTimestamp", () => {
    expect(readTimestamp("2026-02-30T00:00:00Z")).toEqual({ problem: "no such date" });
  });

  test.each([
    "2026-02-30T10:00:00Z",
    "2025-02-29T10:00:00Z",
    "2026-13-01T10:00:00Z",
    "2026-01-20T24:00:00Z",
    "2026-01-20T10:60:00Z",
    "2026-01-20T10:30:60Z",
    "2026-01-20T10:30:00",
    "2026-01-20T10:30:00.Z",
    "2026-01-20T10:30:00.1234567890Z",
    "2026-01-20T10:30:00+2:00",
    "2026-01-20T10:30:00+24:00",
    "2026-01-20 10:30:00Z",
    "2026-01-20",
    "",
    "yesterday",
    " 2026-01-20T10:30:00Z",
    "2026-01-20T10:30:00Z ",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:30:00-00:31",
    "0001-01-01T00:00:00+01:00",
    "0000-06-01T00:00:00Z",
  ])("rejects %p", (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  test.each([
    ["2026-02-30T00:00:00Z", "no such date"],
    ["2026-13-01T00:00:00Z", "no such date"],
    ["2026-01-20T24:00:00Z", "no such time"],
    ["2026-01-20T10:30:00+24:00", "no such zone offset"],
    ["2026-01-20T10:30:00", "not an RFC 3339 timestamp"],
    ["9999-12-31T23:59:59-23:59", "outside the years 0001-9999 in UTC"],
    ["0001-01-01T00:00:00+01:00", "outside the years 0001-9999 in UTC"],
  ])("readTimestamp(%p) says why: %s", (text, problem) => {
    expect(readTimestamp(text)).toEqual({ problem });
  });

  test("the first and last instants are 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z", () => {
    // Date.UTC treats years 0-99 as 1900+, so set the year explicitly.
    const first = new Date(Date.UTC(2000, 0, 1));
    first.setUTCFullYear(1);
    expect(FIRST_INSTANT).toEqual({ sec: first.getTime() / 1000, nanos: 0 });
    expect(LAST_INSTANT).toEqual({ sec: Date.UTC(9999, 11, 31, 23, 59, 59) / 1000, nanos: 999_999_999 });
    expect(formatNano(FIRST_INSTANT)).toBe("0001-01-01T00:00:00Z");
    expect(formatNano(LAST_INSTANT)).toBe("9999-12-31T23:59:59.999999999Z");
  });

  test("orders by instant where text order disagrees", () => {
    const plain = parseTimestamp("2026-01-20T10:30:00Z")!;
    const half = parseTimestamp("2026-01-20T10:30:00.5Z")!;
    const offset = parseTimestamp("2026-01-20T11:30:00+02:00")!; // 09:30Z
    expect("2026-01-20T10:30:00.5Z" < "2026-01-20T10:30:00Z").toBe(true);
    expect(compareInstants(half, plain)).toBeGreaterThan(0);
    expect(compareInstants(offset, plain)).toBeLessThan(0);
    expect(compareInstants(parseTimestamp("2026-01-20T10:30:00.000000001Z")!, plain)).toBeGreaterThan(0);
  });
});

describe("formatting", () => {
  const t = parseTimestamp("2026-01-20T12:30:00.120+02:00")!;
  test("the @examples of formatSeconds and formatNano", () => {
    expect(formatSeconds({ sec: 1768905000, nanos: 500000000 })).toBe("2026-01-20T10:30:00Z");
    expect(formatNano({ sec: 1768905000, nanos: 120000000 })).toBe("2026-01-20T10:30:00.12Z");
  });
  test("formatSeconds() writes UTC and drops the fraction", () => {
    expect(formatSeconds(t)).toBe("2026-01-20T10:30:00Z");
    expect(formatSeconds(parseTimestamp("2026-01-20T10:30:59.999999999Z")!)).toBe("2026-01-20T10:30:59Z");
  });
  test("formatNano() keeps the fraction without trailing zeros", () => {
    expect(formatNano(t)).toBe("2026-01-20T10:30:00.12Z");
    expect(formatNano(parseTimestamp("2026-01-20T10:30:00.000000001Z")!)).toBe("2026-01-20T10:30:00.000000001Z");
    expect(formatNano(parseTimestamp("2026-01-20T10:30:00.000Z")!)).toBe("2026-01-20T10:30:00Z");
  });
  test("formatHuman() writes YYYY-MM-DD HH:MM:SS in UTC", () => {
    expect(formatHuman(parseTimestamp("2024-02-29T00:15:00+01:00")!)).toBe("2024-02-28 23:15:00");
  });
  test("dates before 1970 and after 2100 round-trip", () => {
    for (const text of ["1969-12-31T23:59:59.5Z", "1900-03-01T00:00:00Z", "2400-02-29T12:00:00Z"]) {
      expect(formatNano(parseTimestamp(text)!)).toBe(text);
    }
  });
  test("addNanos() carries across seconds both ways", () => {
    const base = { sec: 100, nanos: 900_000_000 };
    expect(addNanos(base, 200_000_000)).toEqual({ sec: 101, nanos: 100_000_000 });
    expect(addNanos(base, -1_000_000_000)).toEqual({ sec: 99, nanos: 900_000_000 });
    expect(addNanos(base, -900_000_001)).toEqual({ sec: 99, nanos: 999_999_999 });
  });
});
