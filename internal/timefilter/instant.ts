/**
 * An instant at full nanosecond precision. A JS `Date` keeps only milliseconds,
 * so stored RFC3339Nano fractions would collapse and mis-order; this keeps the
 * whole-second part and the nanoseconds apart.
 */
export type Instant = {
  /** Seconds since the Unix epoch (UTC), may be negative. */
  readonly sec: number;
  /** 0 to 999,999,999. */
  readonly nanos: number;
};

const NANOS_PER_SECOND = 1_000_000_000;
const SECONDS_PER_DAY = 86_400;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [month <= 2 ? era * 400 + yoe + 1 : era * 400 + yoe, month, day];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when y-m-d is a real calendar day (no 2026-02-30, no month 13). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The first instant a timestamp may name: 0001-01-01T00:00:00Z. */
export const FIRST_INSTANT: Instant = { sec: daysFromCivil(1, 1, 1) * SECONDS_PER_DAY, nanos: 0 };
/** The last instant a timestamp may name: 9999-12-31T23:59:59.999999999Z. */
export const LAST_INSTANT: Instant = {
  sec: (daysFromCivil(9999, 12, 31) + 1) * SECONDS_PER_DAY - 1,
  nanos: 999_999_999,
};

/** An RFC 3339 timestamp read, or why it is none. */
export type TimestampReading = { at: Instant } | { problem: string };

/**
 * Reads an RFC 3339 timestamp with 0–9 fraction digits and a `Z` or `±hh:mm`
 * zone (`T` and `Z` in either case, as RFC 3339 allows), or says why it is
 * none: not that shape, an impossible calendar value, or an instant outside
 * the years 0001–9999 in UTC (Go's RFC 3339 formatting cannot write those).
 * @example readTimestamp("2026-02-30T00:00:00Z") // { problem: "no such date" }
 */
export function readTimestamp(text: string): TimestampReading {
  // yyyy-mm-ddThh:mm:ss[.fraction](Z|±hh:mm), as Go's time.RFC3339Nano writes and
  // reads it; read by character codes, not a regular expression, as an export
  // reads five timestamps per item.
  const length = text.length;
  if (length < 20) return NOT_RFC3339;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (
    (year | month | day | hour | minute | second) < 0 ||
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    (text.charCodeAt(10) | LOWER_CASE) !== LOWER_T ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return NOT_RFC3339;
  }
  let i = 19;
  let nanos = 0;
  if (text.charCodeAt(i) === DOT) {
    i++;
    const first = i;
    while (i < length && i - first < 9) {
      const d = text.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) break;
      nanos = nanos * 10 + d;
      i++;
    }
    const count = i - first;
    if (count === 0) return NOT_RFC3339;
    nanos *= TENS[9 - count] as number;
  }
  let offsetSec = 0;
  let offHour = 0;
  let offMinute = 0;
  const zone = text.charCodeAt(i);
  if ((zone | LOWER_CASE) === LOWER_Z) {
    if (i + 1 !== length) return NOT_RFC3339;
  } else if (zone === PLUS || zone === DASH) {
    if (i + 6 !== length || text.charCodeAt(i + 3) !== COLON) return NOT_RFC3339;
    offHour = digitsAt(text, i + 1, 2);
    offMinute = digitsAt(text, i + 4, 2);
    if ((offHour | offMinute) < 0) return NOT_RFC3339;
  } else {
    return NOT_RFC3339;
  }
  if (!isCalendarDate(year, month, day)) return { problem: "no such date" };
  if (hour > 23 || minute > 59 || second > 59) return { problem: "no such time" };
  if (zone === PLUS || zone === DASH) {
    if (offHour > 23 || offMinute > 59) return { problem: "no such zone offset" };
    offsetSec = (offHour * 3600 + offMinute * 60) * (zone === DASH ? -1 : 1);
  }
  const sec = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offsetSec;
  if (sec < FIRST_INSTANT.sec || sec > LAST_INSTANT.sec) return { problem: "outside the years 0001-9999 in UTC" };
  return { at: { sec, nanos } };
}

const NOT_RFC3339: TimestampReading = { problem: "not an RFC 3339 timestamp" };
const ZERO = 0x30;
const DASH = 0x2d;
const PLUS = 0x2b;
const COLON = 0x3a;
const DOT = 0x2e;
// OR-ing 0x20 lower-cases an ASCII letter (and leaves no other character equal to "t" or "z").
const LOWER_CASE = 0x20;
const LOWER_T = 0x74;
const LOWER_Z = 0x7a;
// 10^k: a fraction of n digits is that many nanoseconds times 10^(9 - n).
const TENS = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/** The value of `count` ASCII digits at `start`, or -1 if any is not a digit (or is past the end). */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Parses an RFC 3339 timestamp (see `readTimestamp`); `undefined` when it is
 * not one, names an impossible calendar value, or lies outside 0001–9999 UTC.
 * @example parseTimestamp("2026-01-20T12:30:00.5+02:00") // { sec: 1768905000, nanos: 500000000 }
 */
export function parseTimestamp(text: string): Instant | undefined {
  const reading = readTimestamp(text);
  return "at" in reading ? reading.at : undefined;
}

/** Orders two instants: negative, zero or positive. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nanos - b.nanos;
}

/** The instant `nanos` nanoseconds later (earlier when negative). */
export function addNanos(t: Instant, nanos: number): Instant {
  const whole = Math.floor(nanos / NANOS_PER_SECOND);
  let sec = t.sec + whole;
  let rest = t.nanos + (nanos - whole * NANOS_PER_SECOND);
  if (rest >= NANOS_PER_SECOND) {
    rest -= NANOS_PER_SECOND;
    sec += 1;
  }
  return { sec, nanos: Math.round(rest) };
}

/** The instant of a JS Date (millisecond precision). */
export function instantFromDate(date: Date): Instant {
  const ms = date.getTime();
  const sec = Math.floor(ms / 1000);
  return { sec, nanos: (ms - sec * 1000) * 1_000_000 };
}

// "00" to "99": every two-digit field of a timestamp, without padding per call.
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : String(n)));

function pad2(n: number): string {
  return n < 100 ? (TWO_DIGITS[n] as string) : String(n);
}

function pad4(n: number): string {
  return n >= 0 && n < 10_000 ? String(n).padStart(4, "0") : String(n);
}

// "YYYY-MM-DD" by days since the epoch: an export's timestamps fall on few days.
const DATE_CACHE_MAX = 4096;
const dateTexts = new Map<number, string>();

function dateText(days: number): string {
  let text = dateTexts.get(days);
  if (text === undefined) {
    if (dateTexts.size >= DATE_CACHE_MAX) dateTexts.clear();
    const [year, month, day] = civilFromDays(days);
    text = `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
    dateTexts.set(days, text);
  }
  return text;
}

/** "YYYY-MM-DD" + `separator` + "HH:MM:SS" of an instant in UTC. */
function utcText(t: Instant, separator: string): string {
  const days = Math.floor(t.sec / SECONDS_PER_DAY);
  const secOfDay = t.sec - days * SECONDS_PER_DAY;
  const hh = Math.floor(secOfDay / 3600);
  const mm = Math.floor((secOfDay % 3600) / 60);
  const ss = secOfDay % 60;
  return `${dateText(days)}${separator}${pad2(hh)}:${pad2(mm)}:${pad2(ss)}`;
}

/**
 * RFC 3339 in UTC at second precision (the fraction is dropped, not rounded).
 * @example formatSeconds({ sec: 1768905000, nanos: 500000000 }) // "2026-01-20T10:30:00Z"
 */
export function formatSeconds(t: Instant): string {
  return `${utcText(t, "T")}Z`;
}

/**
 * RFC 3339 in UTC keeping the fraction, trailing zeros trimmed (Go's RFC3339Nano).
 * @example formatNano({ sec: 1768905000, nanos: 120000000 }) // "2026-01-20T10:30:00.12Z"
 */
export function formatNano(t: Instant): string {
  if (t.nanos === 0) return `${utcText(t, "T")}Z`;
  const fraction = String(t.nanos).padStart(9, "0").replace(/0+$/, "");
  return `${utcText(t, "T")}.${fraction}Z`;
}

/** "YYYY-MM-DD HH:MM:SS" in UTC, for the human format. */
export function formatHuman(t: Instant): string {
  return utcText(t, " ");
}
