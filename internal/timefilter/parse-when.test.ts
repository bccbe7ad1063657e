import { describe, expect, test } from "bun:test";
import { formatNano, type Instant } from "./instant.ts";
import {
  describeWhenProblem,
  describeWindowProblem,
  inWindow,
  parseDuration,
  parseWhen,
  parseWindow,
  readDuration,
  type WhenProblem,
} from "./parse-when.ts";

const NOW = new Date("2026-01-20T12:00:00.000Z");
const NOW_SEC = Date.UTC(2026, 0, 20, 12) / 1000;
const HOUR = 3_600_000_000_000n;
// 2^63 - 1 nanoseconds, the longest Go duration: 9,223,372,036.854775807 s.
const MAX_NANOS = 9_223_372_036_854_775_807n;

/** The instant read, or the test fails with the problem it got instead. */
function at(text: string, now = NOW, edge: "start" | "end" = "start"): Instant {
  const read = parseWhen(text, now, edge);
  if (!("at" in read)) throw new Error(`${text}: ${JSON.stringify(read.problem)}`);
  return read.at;
}

describe("readDuration()", () => {
  test("its examples hold", () => {
    expect(readDuration("1.5h")).toEqual({ nanos: 5_400_000_000_000n });
    expect(readDuration("0.6ns")).toEqual({ nanos: 0n });
    expect(readDuration("2562047h47m16.854775808s")).toEqual({ problem: "too-large" });
  });

  test.each([
    ["7d", 7n * 24n * HOUR],
    ["30d", 30n * 24n * HOUR],
    ["1d12h", 36n * HOUR],
    ["0.5d", 12n * HOUR],
    ["1h30m", 90n * 60n * 1_000_000_000n],
    [".5h", HOUR / 2n],
    ["1.h", HOUR],
    ["+1h", HOUR],
    ["-1h", -HOUR],
    ["0", 0n],
    ["-0", 0n],
    ["+0", 0n],
    ["0s", 0n],
    ["10us", 10_000n],
    ["10µs", 10_000n],
    ["10μs", 10_000n],
    ["1.000000001s", 1_000_000_001n],
    // Below a nanosecond Go cuts off, it does not round.
    ["0.6ns", 0n],
    ["1.9ns", 1n],
    ["0.0000000019s", 1n],
    // 0.333333333333 h = 1,199,999,999,998.8 ns, cut to whole nanoseconds.
    ["0.333333333333h", 1_199_999_999_998n],
    // Fraction digits beyond what a uint64 holds are ignored, as in Go.
    ["1.00000000000000000000000001h", HOUR],
    ["2562047h47m16.854775807s", MAX_NANOS],
    ["106751d23h47m16.854775807s", MAX_NANOS],
    ["9223372036854775807ns", MAX_NANOS],
    // The negative side of an int64 reaches one further.
    ["-9223372036854775808ns", -MAX_NANOS - 1n],
    ["-2562047h47m16.854775808s", -MAX_NANOS - 1n],
  ])("reads %s exactly", (text, nanos) => {
    expect(readDuration(text)).toEqual({ nanos });
  });

  test.each([
    ["9223372036854775808ns", "too-large"],
    ["9223372036854775809ns", "too-large"],
    ["2562047h47m16.854775808s", "too-large"],
    ["2562048h", "too-large"],
    ["106752d", "too-large"],
    ["9999999999999999999999h", "too-large"],
    ["2562047h2562047h", "too-large"],
    ["7", "missing-unit"],
    ["1h30", "missing-unit"],
    ["1.2.3h", "missing-unit"],
    ["", "syntax"],
    ["+", "syntax"],
    ["-", "syntax"],
    ["++1h", "syntax"],
    ["d", "syntax"],
    ["h1", "syntax"],
    [".h", "syntax"],
    [".", "syntax"],
    ["yesterday", "syntax"],
  ])("refuses %p as %s", (text, problem) => {
    expect(readDuration(text)).toEqual({ problem } as never);
  });

  test.each([
    ["7w", "w"],
    ["7D", "D"],
    ["1h 30m", "h "],
    ["1e3s", "e"],
    ["1constructor", "constructor"],
    ["1__proto__", "__proto__"],
  ])("names the unknown unit of %p", (text, unit) => {
    expect(readDuration(text)).toEqual({ problem: "unknown-unit", unit });
  });
});

describe("parseDuration()", () => {
  test("its example holds", () => {
    expect(parseDuration("1d12h")).toBe(129_600_000_000_000);
  });

  test.each([
    ["24h", 86_400e9],
    ["250ms", 250e6],
    ["3ns", 3],
    ["0", 0],
    ["0.6ns", 0],
  ])("reads %s as a number of nanoseconds", (text, nanos) => {
    expect(parseDuration(text)).toBe(nanos);
  });

  test.each(["-1h", "7", "7x", "9999999999999999999999h", ""])("has no number for %p", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("parseWhen()", () => {
  test("its examples hold", () => {
    expect(formatNano(at("7d", new Date("2026-01-20T00:00:00Z")))).toBe("2026-01-13T00:00:00Z");
    expect(formatNano(at("2026-01-20", NOW, "end"))).toBe("2026-01-20T23:59:59.999999999Z");
    expect(parseWhen("2026-02-30", NOW)).toEqual({ problem: { kind: "no-such-date", example: "2026-02-28" } });
  });

  test.each([
    ["7d", "2026-01-13T12:00:00Z"],
    ["24h", "2026-01-19T12:00:00Z"],
    ["1d12h", "2026-01-19T00:00:00Z"],
    ["90m", "2026-01-20T10:30:00Z"],
    ["1.5h", "2026-01-20T10:30:00Z"],
    ["1ns", "2026-01-20T11:59:59.999999999Z"],
    ["2026-01-20T12:30:00+02:00", "2026-01-20T10:30:00Z"],
    ["2026-01-20T10:30:00.000000001Z", "2026-01-20T10:30:00.000000001Z"],
    ["2026-01-20t10:30:00z", "2026-01-20T10:30:00Z"],
    ["0000-12-31T23:00:00-01:00", "0001-01-01T00:00:00Z"],
  ])("reads %s relative to 2026-01-20T12:00Z as %s", (text, expected) => {
    expect(formatNano(at(text))).toBe(expected);
  });

  test("counts the longest duration back from now to the nanosecond", () => {
    // 1,768,910,400 s - 9,223,372,036.854775807 s = -7,454,461,636.854775807 s
    expect(at("2562047h47m16.854775807s")).toEqual({ sec: NOW_SEC - 9_223_372_037, nanos: 145_224_193 });
  });

  test("a date starts a window at its first instant and ends one at its last", () => {
    const first = Date.UTC(2026, 10, 27) / 1000;
    expect(at("2026-11-27", NOW, "start")).toEqual({ sec: first, nanos: 0 });
    expect(at("2026-11-27", NOW, "end")).toEqual({ sec: first + 86_399, nanos: 999_999_999 });
  });

  test("the last day of year 9999 ends inside that year", () => {
    expect(at("9999-12-31", NOW, "end")).toEqual({
      sec: Date.UTC(9999, 11, 31, 23, 59, 59) / 1000,
      nanos: 999_999_999,
    });
  });

  test("the first day of year 0001 starts at its midnight", () => {
    expect(at("0001-01-01", NOW, "start")).toEqual({ sec: -62_135_596_800, nanos: 0 });
  });

  test.each<[string, WhenProblem]>([
    ["yesterday", { kind: "unrecognised" }],
    ["", { kind: "unrecognised" }],
    ["7 days", { kind: "unrecognised" }],
    ["2026/01/20", { kind: "unrecognised" }],
    ["2026-1-2", { kind: "unrecognised" }],
    ["2026-01-20 10:30:00Z", { kind: "unrecognised" }],
    ["2026-01-20T10:30Z", { kind: "unrecognised" }],
    ["0s", { kind: "zero-duration" }],
    ["0d", { kind: "zero-duration" }],
    ["0", { kind: "zero-duration" }],
    ["-0", { kind: "zero-duration" }],
    ["0.6ns", { kind: "zero-duration" }],
    ["-7d", { kind: "negative-duration" }],
    ["-1ns", { kind: "negative-duration" }],
    ["9999999999999999999999h", { kind: "duration-too-large" }],
    ["2562047h47m16.854775808s", { kind: "duration-too-large" }],
    ["7", { kind: "missing-unit" }],
    ["7w", { kind: "unknown-unit", unit: "w" }],
    ["7D", { kind: "unknown-unit", unit: "D" }],
    ["2026-02-30", { kind: "no-such-date", example: "2026-02-28" }],
    ["2024-02-30", { kind: "no-such-date", example: "2024-02-29" }],
    ["2026-13-01", { kind: "no-such-date", example: "2026-12-01" }],
    ["2026-00-10", { kind: "no-such-date", example: "2026-01-10" }],
    ["2026-04-31T10:00:00Z", { kind: "no-such-date", example: "2026-04-30T10:00:00Z" }],
    ["2026-01-20T24:00:00Z", { kind: "no-such-time", example: "2026-01-20T23:00:00Z" }],
    ["2026-01-20T10:60:00Z", { kind: "no-such-time", example: "2026-01-20T10:59:00Z" }],
    ["2026-01-20T10:30:60+02:00", { kind: "no-such-time", example: "2026-01-20T10:30:59+02:00" }],
    ["2026-01-20T10:30:00.1234567891Z", { kind: "long-fraction", example: "2026-01-20T10:30:00.123456789Z" }],
    ["2026-01-20T10:30:00", { kind: "no-zone", example: "2026-01-20T10:30:00Z" }],
    ["2026-01-20T10:30:00.5", { kind: "no-zone", example: "2026-01-20T10:30:00.5Z" }],
    ["2026-01-20T10:30:00+24:00", { kind: "no-such-offset", example: "2026-01-20T10:30:00+23:00" }],
    ["2026-01-20T10:30:00-02:60", { kind: "no-such-offset", example: "2026-01-20T10:30:00-02:59" }],
    ["9999-12-31T23:59:59-01:00", { kind: "out-of-range", example: "9999-12-31T23:59:59Z" }],
    ["0001-01-01T00:00:00+00:01", { kind: "out-of-range", example: "0001-01-01T00:00:00Z" }],
    ["0000-06-01T00:00:00Z", { kind: "out-of-range", example: "0001-06-01T00:00:00Z" }],
    ["0000-02-29", { kind: "out-of-range", example: "0001-02-28" }],
  ])("refuses %p", (text, problem) => {
    expect(parseWhen(text, NOW)).toEqual({ problem });
  });

  test("a duration that reaches back before year 0001 is out of range", () => {
    const yearOne = new Date("0001-01-01T00:00:00Z");
    expect(parseWhen("1ns", yearOne)).toEqual({ problem: { kind: "out-of-range", example: "7d" } });
    expect(at("1ns", new Date("0001-01-01T00:00:00.001Z"))).toEqual({ sec: -62_135_596_800, nanos: 999_999 });
  });
});

describe("parseWindow()", () => {
  test("--until defaults to now", () => {
    const result = parseWindow("7d", undefined, NOW);
    expect("window" in result && formatNano(result.window.until)).toBe("2026-01-20T12:00:00Z");
  });

  test("--until alone leaves the start open and a date ends at its last instant", () => {
    const result = parseWindow(undefined, "2026-01-01", NOW);
    expect(result).toEqual({ window: { until: { sec: Date.UTC(2026, 0, 1, 23, 59, 59) / 1000, nanos: 999_999_999 } } });
  });

  test("--since D --until D is the whole day D", () => {
    const result = parseWindow("2026-11-27", "2026-11-27", NOW);
    if (!("window" in result)) throw new Error(JSON.stringify(result));
    const day = Date.UTC(2026, 10, 27) / 1000;
    expect(inWindow({ sec: day, nanos: 0 }, result.window)).toBe(true);
    expect(inWindow({ sec: day + 43_200, nanos: 0 }, result.window)).toBe(true);
    expect(inWindow({ sec: day + 86_399, nanos: 999_999_999 }, result.window)).toBe(true);
    expect(inWindow({ sec: day + 86_400, nanos: 0 }, result.window)).toBe(false);
    expect(inWindow({ sec: day - 1, nanos: 999_999_999 }, result.window)).toBe(false);
  });

  test("the widest window runs from year 0001 to the end of year 9999", () => {
    expect(parseWindow("0001-01-01", "9999-12-31", NOW)).toEqual({
      window: {
        since: { sec: -62_135_596_800, nanos: 0 },
        until: { sec: Date.UTC(9999, 11, 31, 23, 59, 59) / 1000, nanos: 999_999_999 },
      },
    });
  });

  test("both ends may be durations, both counted back from now", () => {
    expect(parseWindow("7d", "1d", NOW)).toEqual({
      window: { since: { sec: NOW_SEC - 7 * 86_400, nanos: 0 }, until: { sec: NOW_SEC - 86_400, nanos: 0 } },
    });
  });

  test("a start after the end is a problem of the window", () => {
    expect(parseWindow("2026-02-01", "2026-01-01", NOW)).toEqual({ problem: { flag: "window" } });
    expect(parseWindow("1d", "7d", NOW)).toEqual({ problem: { flag: "window" } });
    expect(parseWindow("2099-01-01", undefined, NOW)).toEqual({ problem: { flag: "window" } });
  });

  test("an equal start and end is a one-instant window", () => {
    expect("window" in parseWindow("2026-01-01", "2026-01-01T00:00:00Z", NOW)).toBe(true);
  });

  test("names the flag that is refused, and why", () => {
    expect(parseWindow("7d", "soon", NOW)).toEqual({
      problem: { flag: "--until", value: "soon", reason: { kind: "unrecognised" } },
    });
    expect(parseWindow("0s", "soon", NOW)).toEqual({
      problem: { flag: "--since", value: "0s", reason: { kind: "zero-duration" } },
    });
  });
});

describe("describeWhenProblem()", () => {
  test("its example holds", () => {
    expect(describeWhenProblem("--since", "0s", { kind: "zero-duration" })).toBe(
      'invalid --since "0s": a duration must be more than zero, e.g. 7d or 24h',
    );
  });
});

describe("describeWindowProblem()", () => {
  test("its example holds", () => {
    expect(describeWindowProblem({ flag: "window" }, "2026-02-02", "2026-02-01")).toBe(
      '--since "2026-02-02" is after --until "2026-02-01": the window must start before it ends, e.g. --since 30d --until 1d',
    );
  });

  const message = (since: string | undefined, until: string | undefined) => {
    const result = parseWindow(since, until, NOW);
    if (!("problem" in result)) throw new Error(`accepted ${since} .. ${until}`);
    return describeWindowProblem(result.problem, since, until);
  };

  test.each([
    [
      "yesterday",
      undefined,
      'invalid --since "yesterday": not a duration or a time, e.g. 7d, 1h30m, 2026-01-20 or 2026-01-20T10:30:00Z',
    ],
    ["0s", undefined, 'invalid --since "0s": a duration must be more than zero, e.g. 7d or 24h'],
    ["-7d", undefined, 'invalid --since "-7d": a duration counts back from now, so give it without "-", e.g. 7d'],
    [
      "9999999999999999999999h",
      undefined,
      'invalid --since "9999999999999999999999h": a duration can be at most 2562047h47m16.854775807s (about 292 years), e.g. 7d or 365d',
    ],
    [
      "7",
      undefined,
      'invalid --since "7": each number of a duration needs a unit (d, h, m, s, ms, us, ns), e.g. 7d or 1h30m',
    ],
    ["7w", undefined, 'invalid --since "7w": unknown unit "w" (units are d, h, m, s, ms, us, ns), e.g. 7d or 24h'],
    ["2026-02-30", undefined, 'invalid --since "2026-02-30": no such date, e.g. 2026-02-28'],
    [
      "2026-01-20T24:00:00Z",
      undefined,
      'invalid --since "2026-01-20T24:00:00Z": no such time of day (hours 00-23, minutes and seconds 00-59), e.g. 2026-01-20T23:00:00Z',
    ],
    [
      "2026-01-20T10:30:00",
      undefined,
      'invalid --since "2026-01-20T10:30:00": add a zone, Z or +02:00, e.g. 2026-01-20T10:30:00Z',
    ],
    [
      "2026-01-20T10:30:00.1234567891Z",
      undefined,
      'invalid --since "2026-01-20T10:30:00.1234567891Z": a fraction of a second has at most 9 digits, e.g. 2026-01-20T10:30:00.123456789Z',
    ],
    [
      "2026-01-20T10:30:00+24:00",
      undefined,
      'invalid --since "2026-01-20T10:30:00+24:00": no such zone offset (-23:59 to +23:59), e.g. 2026-01-20T10:30:00+23:00',
    ],
    [
      undefined,
      "9999-12-31T23:59:59-01:00",
      'invalid --until "9999-12-31T23:59:59-01:00": outside the years 0001 to 9999 in UTC, e.g. 9999-12-31T23:59:59Z',
    ],
    [
      "2099-01-01",
      undefined,
      '--since "2099-01-01" is after --until "now": the window must start before it ends, e.g. --since 30d --until 1d',
    ],
    [
      "1d",
      "7d",
      '--since "1d" is after --until "7d": the window must start before it ends, e.g. --since 30d --until 1d',
    ],
    [
      'say "hi"',
      undefined,
      'invalid --since "say \\"hi\\"": not a duration or a time, e.g. 7d, 1h30m, 2026-01-20 or 2026-01-20T10:30:00Z',
    ],
  ])("--since %p --until %p", (since, until, expected) => {
    expect(message(since, until)).toBe(expected);
  });
});
