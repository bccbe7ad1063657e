import { describe, expect, test } from "bun:test";
import { formatNano } from "./instant.ts";
import { parseDuration, parseWhen, parseWindow } from "./parse-when.ts";

const NOW = new Date("2026-01-20T12:00:00.000Z");
const HOUR = 3600e9;

describe("parseDuration()", () => {
  test.each([
    ["7d", 7 * 24 * HOUR],
    ["30d", 30 * 24 * HOUR],
    ["24h", 24 * HOUR],
    ["1d12h", 36 * HOUR],
    ["90m", 1.5 * HOUR],
    ["1.5h", 1.5 * HOUR],
    ["1h30m", 1.5 * HOUR],
    ["45s", 45e9],
    ["250ms", 250e6],
    ["10us", 10e3],
    ["10µs", 10e3],
    ["3ns", 3],
    [".5h", 0.5 * HOUR],
    ["2h0m0s", 2 * HOUR],
    ["+1h", HOUR],
    ["1.h", HOUR],
  ])("reads %s", (text, nanos) => {
    expect(parseDuration(text)).toBe(nanos);
  });

  test.each(["", "+", "7", "d", "7x", "1h 30m", "-1h", "++1h", "7D", "1.2.3h", "h1"])("rejects %p", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("parseWhen()", () => {
  test.each([
    ["7d", "2026-01-13T12:00:00Z"],
    ["24h", "2026-01-19T12:00:00Z"],
    ["1d12h", "2026-01-19T00:00:00Z"],
    ["90m", "2026-01-20T10:30:00Z"],
    ["1.5h", "2026-01-20T10:30:00Z"],
    ["2026-01-20", "2026-01-20T00:00:00Z"],
    ["2026-01-20T12:30:00+02:00", "2026-01-20T10:30:00Z"],
    ["2026-01-20T10:30:00.000000001Z", "2026-01-20T10:30:00.000000001Z"],
  ])("reads %s relative to 2026-01-20T12:00Z as %s", (text, expected) => {
    expect(formatNano(parseWhen(text, NOW)!)).toBe(expected);
  });

  test.each(["0s", "0d", "-7d", "2026-02-30", "2026-01-20T24:00:00Z", "tomorrow", "2026/01/20", "1e3s"])(
    "rejects %p",
    (text) => {
      expect(parseWhen(text, NOW)).toBeUndefined();
    },
  );
});

describe("parseWindow()", () => {
  test("--until defaults to now", () => {
    const result = parseWindow("7d", undefined, NOW);
    expect("window" in result && formatNano(result.window.until)).toBe("2026-01-20T12:00:00Z");
  });
  test("--until alone leaves the start open", () => {
    const result = parseWindow(undefined, "2026-01-01", NOW);
    expect(result).toEqual({ window: { until: { sec: Date.UTC(2026, 0, 1) / 1000, nanos: 0 } } });
  });
  test("a start after the end is a problem of the window", () => {
    expect(parseWindow("2026-02-01", "2026-01-01", NOW)).toEqual({ problem: { flag: "window" } });
  });
  test("an equal start and end is a one-instant window", () => {
    expect("window" in parseWindow("2026-01-01", "2026-01-01T00:00:00Z", NOW)).toBe(true);
  });
  test("names the flag that is unparseable", () => {
    expect(parseWindow("7d", "soon", NOW)).toEqual({ problem: { flag: "--until", value: "soon" } });
    expect(parseWindow("7 days", undefined, NOW)).toEqual({ problem: { flag: "--since", value: "7 days" } });
  });
});
