import { compareInstants, daysFromCivil, type Instant, instantFromDate, isCalendarDate } from "./instant.ts";

/** The inclusive `created_at` window of a listing; `since` absent = from the beginning. */
export type TimeWindow = {
  readonly since?: Instant;
  readonly until: Instant;
};

const NANOS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400;

// Go's Duration is an int64 of nanoseconds; its parser accumulates the magnitude
// in a uint64 and allows up to 2^63 so that the most negative value fits.
const TWO_TO_63 = 1n << 63n;
const MAX_DURATION_NANOS = TWO_TO_63 - 1n;

// A Map, not an object literal: a unit like "constructor" must not find a prototype property.
const UNIT_NANOS = new Map<string, bigint>([
  ["ns", 1n],
  ["us", 1_000n],
  ["µs", 1_000n], // U+00B5 micro sign
  ["μs", 1_000n], // U+03BC Greek mu
  ["ms", 1_000_000n],
  ["s", NANOS_PER_SECOND],
  ["m", 60n * NANOS_PER_SECOND],
  ["h", 3_600n * NANOS_PER_SECOND],
  ["d", 86_400n * NANOS_PER_SECOND],
]);

/** Why a duration did not parse; Go reports the same four cases. */
export type DurationProblem =
  | { problem: "syntax" }
  | { problem: "missing-unit" }
  | { problem: "unknown-unit"; unit: string }
  | { problem: "too-large" };

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/**
 * Parses a duration exactly as Go's `time.ParseDuration` does, plus the unit
 * `d` (24h), into signed nanoseconds: fractions below a nanosecond are cut
 * off, and anything beyond int64 nanoseconds is too large.
 * @example readDuration("1.5h") // { nanos: 5400000000000n }
 * @example readDuration("0.6ns") // { nanos: 0n }
 * @example readDuration("2562047h47m16.854775808s") // { problem: "too-large" }
 */
export function readDuration(input: string): { nanos: bigint } | DurationProblem {
  let text = input;
  let negative = false;
  if (text.startsWith("-") || text.startsWith("+")) {
    negative = text.startsWith("-");
    text = text.slice(1);
  }
  if (text === "0") return { nanos: 0n };
  if (text === "") return { problem: "syntax" };
  let total = 0n;
  let pos = 0;
  while (pos < text.length) {
    if (!(text[pos] === "." || isDigit(text[pos]))) return { problem: "syntax" };

    const wholeStart = pos;
    let whole = 0n;
    for (; isDigit(text[pos]); pos++) {
      whole = whole * 10n + BigInt(Number(text[pos]));
      if (whole > TWO_TO_63) return { problem: "too-large" };
    }
    const hasWhole = pos > wholeStart;

    // Like Go, keep fraction digits while they fit and ignore the rest: they
    // are far below a nanosecond of any unit.
    let fraction = 0n;
    let scale = 1;
    let hasFraction = false;
    if (text[pos] === ".") {
      pos++;
      const fractionStart = pos;
      let full = false;
      for (; isDigit(text[pos]); pos++) {
        if (full) continue;
        const next = fraction * 10n + BigInt(Number(text[pos]));
        if (fraction > MAX_DURATION_NANOS / 10n || next > TWO_TO_63) {
          full = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      hasFraction = pos > fractionStart;
    }
    if (!hasWhole && !hasFraction) return { problem: "syntax" };

    const unitStart = pos;
    while (pos < text.length && !(text[pos] === "." || isDigit(text[pos]))) pos++;
    if (pos === unitStart) return { problem: "missing-unit" };
    const unitText = text.slice(unitStart, pos);
    const unit = UNIT_NANOS.get(unitText);
    if (unit === undefined) return { problem: "unknown-unit", unit: unitText };

    if (whole > TWO_TO_63 / unit) return { problem: "too-large" };
    let part = whole * unit;
    if (fraction > 0n) {
      // Go computes this one product in float64 and truncates it; doing the
      // same keeps every value bit-for-bit equal to the Go tool's.
      part += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (part > TWO_TO_63) return { problem: "too-large" };
    }
    total += part;
    if (total > TWO_TO_63) return { problem: "too-large" };
  }
  if (negative) return { nanos: -total };
  if (total > MAX_DURATION_NANOS) return { problem: "too-large" };
  return { nanos: total };
}

/**
 * Parses a Go `time.ParseDuration` value extended with `d` (24h) into
 * nanoseconds; `undefined` when it is not one, or negative. A number is exact
 * up to 2^53 ns (about 104 days); longer spans need `readDuration`.
 * @example parseDuration("1d12h") // 129600000000000
 */
export function parseDuration(input: string): number | undefined {
  const reading = readDuration(input);
  if (!("nanos" in reading) || reading.nanos < 0n) return undefined;
  return Number(reading.nanos);
}

/**
 * Why a `--since`/`--until` value was refused. `example` is a valid value
 * close to the one given, for the message.
 */
export type WhenProblem =
  | { kind: "unrecognised" }
  | { kind: "zero-duration" }
  | { kind: "negative-duration" }
  | { kind: "duration-too-large" }
  | { kind: "missing-unit" }
  | { kind: "unknown-unit"; unit: string }
  | { kind: "no-such-date"; example: string }
  | { kind: "no-such-time"; example: string }
  | { kind: "long-fraction"; example: string }
  | { kind: "no-zone"; example: string }
  | { kind: "no-such-offset"; example: string }
  | { kind: "out-of-range"; example: string };

/** Which end of the window a value is for: a date means its first or its last instant. */
export type WindowEdge = "start" | "end";

// The years a timestamp may name, in UTC: four digits, no year 0.
const FIRST_SECOND = daysFromCivil(1, 1, 1) * SECONDS_PER_DAY;
const LAST_SECOND = daysFromCivil(9999, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;

const inYearRange = (t: Instant) => t.sec >= FIRST_SECOND && t.sec <= LAST_SECOND;

// Anything that begins like a date is read as one, so that its mistakes are
// explained as a date's, not as a duration with the unknown unit "-".
const LOOKS_LIKE_DATE = /^\d{4}-/;
// Structure only; the ranges of each field are checked one by one below, so
// every impossible value gets its own explanation.
const ABSOLUTE =
  /^(\d{4})-(\d{2})-(\d{2})(?:([Tt])(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))?)?$/;

const pad2 = (n: number) => String(n).padStart(2, "0");
const pad4 = (n: number) => String(n).padStart(4, "0");
const clamp = (n: number, low: number, high: number) => Math.min(Math.max(n, low), high);

function daysInMonth(year: number, month: number): number {
  let day = 31;
  while (!isCalendarDate(year, month, day)) day--;
  return day;
}

/** The nearest real date to y-m-d: "2026-02-30" → "2026-02-28", "2026-13-01" → "2026-12-01". */
function nearestDate(year: number, month: number, day: number): string {
  const m = clamp(month, 1, 12);
  return `${pad4(year)}-${pad2(m)}-${pad2(clamp(day, 1, daysInMonth(year, m)))}`;
}

function readAbsolute(text: string, edge: WindowEdge): { at: Instant } | { problem: WhenProblem } {
  const m = ABSOLUTE.exec(text);
  if (m === null) return { problem: { kind: "unrecognised" } };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const sep = m[4];

  if (sep === undefined) {
    if (!isCalendarDate(year, month, day))
      return { problem: { kind: "no-such-date", example: nearestDate(year, month, day) } };
    // A date names a whole UTC day: its first instant as a start, its last as an end.
    const first = daysFromCivil(year, month, day) * SECONDS_PER_DAY;
    const at = edge === "start" ? { sec: first, nanos: 0 } : { sec: first + SECONDS_PER_DAY - 1, nanos: 999_999_999 };
    return inYearRange(at) ? { at } : { problem: { kind: "out-of-range", example: nearestDate(1, month, day) } };
  }

  const [hour, minute, second] = [Number(m[5]), Number(m[6]), Number(m[7])];
  const clock = `${m[5]}:${m[6]}:${m[7]}`;
  const fraction = m[8] === undefined ? "" : `.${m[8]}`;
  const zone = m[9] ?? (m[10] === undefined ? "" : `${m[10]}${m[11]}:${m[12]}`);
  const rest = `${fraction}${zone}`;

  if (!isCalendarDate(year, month, day)) {
    return { problem: { kind: "no-such-date", example: `${nearestDate(year, month, day)}${sep}${clock}${rest}` } };
  }
  if (hour > 23 || minute > 59 || second > 59) {
    const nearest = `${pad2(Math.min(hour, 23))}:${pad2(Math.min(minute, 59))}:${pad2(Math.min(second, 59))}`;
    return { problem: { kind: "no-such-time", example: `${date}${sep}${nearest}${rest}` } };
  }
  if (fraction.length > 10) {
    return { problem: { kind: "long-fraction", example: `${date}${sep}${clock}${fraction.slice(0, 10)}${zone}` } };
  }
  if (zone === "") return { problem: { kind: "no-zone", example: `${text}Z` } };

  let offsetSec = 0;
  if (m[10] !== undefined) {
    const [offHour, offMinute] = [Number(m[11]), Number(m[12])];
    if (offHour > 23 || offMinute > 59) {
      const nearest = `${m[10]}${pad2(Math.min(offHour, 23))}:${pad2(Math.min(offMinute, 59))}`;
      return { problem: { kind: "no-such-offset", example: `${date}${sep}${clock}${fraction}${nearest}` } };
    }
    offsetSec = (offHour * 3600 + offMinute * 60) * (m[10] === "-" ? -1 : 1);
  }
  const sec = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offsetSec;
  const at = { sec, nanos: Number((m[8] ?? "").padEnd(9, "0")) };
  if (!inYearRange(at)) {
    // The same wall-clock time in UTC is in range once its year is.
    const example = `${nearestDate(Math.max(year, 1), month, day)}${sep}${clock}${fraction}Z`;
    return { problem: { kind: "out-of-range", example } };
  }
  return { at };
}

function toTotalNanos(t: Instant): bigint {
  return BigInt(t.sec) * NANOS_PER_SECOND + BigInt(t.nanos);
}

function fromTotalNanos(total: bigint): Instant {
  let sec = total / NANOS_PER_SECOND;
  let nanos = total % NANOS_PER_SECOND;
  if (nanos < 0n) {
    sec -= 1n;
    nanos += NANOS_PER_SECOND;
  }
  return { sec: Number(sec), nanos: Number(nanos) };
}

/**
 * Reads a `--since`/`--until` value: a duration before `now`, an RFC 3339
 * time, or a UTC date, whose first instant starts a window and whose last
 * instant ends one. A refused value comes back as the reason why.
 * @example parseWhen("7d", new Date("2026-01-20T00:00:00Z")) // { at: 2026-01-13T00:00:00Z }
 * @example parseWhen("2026-01-20", now, "end") // { at: 2026-01-20T23:59:59.999999999Z }
 * @example parseWhen("2026-02-30", now) // { problem: { kind: "no-such-date", example: "2026-02-28" } }
 */
export function parseWhen(
  text: string,
  now: Date,
  edge: WindowEdge = "start",
): { at: Instant } | { problem: WhenProblem } {
  if (LOOKS_LIKE_DATE.test(text)) return readAbsolute(text, edge);
  const duration = readDuration(text);
  if ("nanos" in duration) {
    if (duration.nanos === 0n) return { problem: { kind: "zero-duration" } };
    if (duration.nanos < 0n) return { problem: { kind: "negative-duration" } };
    const at = fromTotalNanos(toTotalNanos(instantFromDate(now)) - duration.nanos);
    return inYearRange(at) ? { at } : { problem: { kind: "out-of-range", example: "7d" } };
  }
  switch (duration.problem) {
    case "too-large":
      return { problem: { kind: "duration-too-large" } };
    case "missing-unit":
      return { problem: { kind: "missing-unit" } };
    case "unknown-unit":
      // Only a word reads as a unit; "7 days" or "2026/01/20" are just not durations.
      return /^\p{L}+$/u.test(duration.unit)
        ? { problem: { kind: "unknown-unit", unit: duration.unit } }
        : { problem: { kind: "unrecognised" } };
    default:
      return { problem: { kind: "unrecognised" } };
  }
}

const q = (text: string) => JSON.stringify(text);

function explain(problem: WhenProblem): string {
  switch (problem.kind) {
    case "unrecognised":
      return "not a duration or a time, e.g. 7d, 1h30m, 2026-01-20 or 2026-01-20T10:30:00Z";
    case "zero-duration":
      return "a duration must be more than zero, e.g. 7d or 24h";
    case "negative-duration":
      return 'a duration counts back from now, so give it without "-", e.g. 7d';
    case "duration-too-large":
      return "a duration can be at most 2562047h47m16.854775807s (about 292 years), e.g. 7d or 365d";
    case "missing-unit":
      return "each number of a duration needs a unit (d, h, m, s, ms, us, ns), e.g. 7d or 1h30m";
    case "unknown-unit":
      return `unknown unit ${q(problem.unit)} (units are d, h, m, s, ms, us, ns), e.g. 7d or 24h`;
    case "no-such-date":
      return `no such date, e.g. ${problem.example}`;
    case "no-such-time":
      return `no such time of day (hours 00-23, minutes and seconds 00-59), e.g. ${problem.example}`;
    case "long-fraction":
      return `a fraction of a second has at most 9 digits, e.g. ${problem.example}`;
    case "no-zone":
      return `add a zone, Z or +02:00, e.g. ${problem.example}`;
    case "no-such-offset":
      return `no such zone offset (-23:59 to +23:59), e.g. ${problem.example}`;
    case "out-of-range":
      return `outside the years 0001 to 9999 in UTC, e.g. ${problem.example}`;
  }
}

/**
 * The one-line usage message for a refused time value, naming the flag.
 * @example describeWhenProblem("--since", "0s", { kind: "zero-duration" })
 *          // 'invalid --since "0s": a duration must be more than zero, e.g. 7d or 24h'
 */
export function describeWhenProblem(flag: string, value: string, problem: WhenProblem): string {
  return `invalid ${flag} ${q(value)}: ${explain(problem)}`;
}

/** A refused window: the flag at fault and why, or the window itself when it starts after it ends. */
export type WindowProblem = { flag: "--since" | "--until"; value: string; reason: WhenProblem } | { flag: "window" };

/**
 * Builds the window from raw flag values; `--until` defaults to now, and an
 * absent `--since` leaves the start open.
 */
export function parseWindow(
  since: string | undefined,
  until: string | undefined,
  now: Date,
): { window: TimeWindow } | { problem: WindowProblem } {
  let sinceAt: Instant | undefined;
  if (since !== undefined) {
    const read = parseWhen(since, now, "start");
    if ("problem" in read) return { problem: { flag: "--since", value: since, reason: read.problem } };
    sinceAt = read.at;
  }
  let untilAt = instantFromDate(now);
  if (until !== undefined) {
    const read = parseWhen(until, now, "end");
    if ("problem" in read) return { problem: { flag: "--until", value: until, reason: read.problem } };
    untilAt = read.at;
  }
  if (sinceAt !== undefined && compareInstants(sinceAt, untilAt) > 0) return { problem: { flag: "window" } };
  return { window: sinceAt === undefined ? { until: untilAt } : { since: sinceAt, until: untilAt } };
}

/**
 * The full one-line usage message of a window problem, without `error: `.
 * @example describeWindowProblem({ flag: "window" }, "2026-02-02", "2026-02-01")
 *          // '--since "2026-02-02" is after --until "2026-02-01": the window must start before it ends, e.g. --since 30d --until 1d'
 */
export function describeWindowProblem(
  problem: WindowProblem,
  since: string | undefined,
  until: string | undefined,
): string {
  if (problem.flag !== "window") return describeWhenProblem(problem.flag, problem.value, problem.reason);
  return `--since ${q(since ?? "")} is after --until ${q(until ?? "now")}: the window must start before it ends, e.g. --since 30d --until 1d`;
}

/** True when `t` lies inside the window, both ends included. */
export function inWindow(t: Instant, window: TimeWindow): boolean {
  if (window.since !== undefined && compareInstants(t, window.since) < 0) return false;
  return compareInstants(t, window.until) <= 0;
}
