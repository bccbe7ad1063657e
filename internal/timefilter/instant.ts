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

// yyyy-mm-ddThh:mm:ss[.fraction](Z|±hh:mm), as Go's time.RFC3339Nano writes and reads it.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

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
  const m = RFC3339.exec(text);
  if (m === null) return { problem: "not an RFC 3339 timestamp" };
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (!isCalendarDate(year, month, day)) return { problem: "no such date" };
  if (hour > 23 || minute > 59 || second > 59) return { problem: "no such time" };
  let offsetSec = 0;
  if (m[8] === undefined) {
    const offHour = Number(m[10]);
    const offMinute = Number(m[11]);
    if (offHour > 23 || offMinute > 59) return { problem: "no such zone offset" };
    offsetSec = (offHour * 3600 + offMinute * 60) * (m[9] === "-" ? -1 : 1);
  }
  const fraction = m[7];
  const nanos = fraction === undefined ? 0 : Number(fraction.padEnd(9, "0"));
  const sec = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offsetSec;
  if (sec < FIRST_INSTANT.sec || sec > LAST_INSTANT.sec) return { problem: "outside the years 0001-9999 in UTC" };
  return { at: { sec, nanos } };
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

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return n >= 0 && n < 10_000 ? String(n).padStart(4, "0") : String(n);
}

/** "YYYY-MM-DD" and "HH:MM:SS" of an instant in UTC. */
function utcParts(t: Instant): [date: string, time: string] {
  const days = Math.floor(t.sec / SECONDS_PER_DAY);
  const secOfDay = t.sec - days * SECONDS_PER_DAY;
  const [year, month, day] = civilFromDays(days);
  const hh = Math.floor(secOfDay / 3600);
  const mm = Math.floor((secOfDay % 3600) / 60);
  const ss = secOfDay % 60;
  return [`${pad4(year)}-${pad2(month)}-${pad2(day)}`, `${pad2(hh)}:${pad2(mm)}:${pad2(ss)}`];
}

/**
 * RFC 3339 in UTC at second precision (the fraction is dropped, not rounded).
 * @example formatSeconds({ sec: 1768905000, nanos: 500000000 }) // "2026-01-20T10:30:00Z"
 */
export function formatSeconds(t: Instant): string {
  const [date, time] = utcParts(t);
  return `${date}T${time}Z`;
}

/**
 * RFC 3339 in UTC keeping the fraction, trailing zeros trimmed (Go's RFC3339Nano).
 * @example formatNano({ sec: 1768905000, nanos: 120000000 }) // "2026-01-20T10:30:00.12Z"
 */
export function formatNano(t: Instant): string {
  const [date, time] = utcParts(t);
  if (t.nanos === 0) return `${date}T${time}Z`;
  const fraction = String(t.nanos).padStart(9, "0").replace(/0+$/, "");
  return `${date}T${time}.${fraction}Z`;
}

/** "YYYY-MM-DD HH:MM:SS" in UTC, for the human format. */
export function formatHuman(t: Instant): string {
  const [date, time] = utcParts(t);
  return `${date} ${time}`;
}
