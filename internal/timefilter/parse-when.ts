import {
  addNanos,
  compareInstants,
  daysFromCivil,
  type Instant,
  instantFromDate,
  isCalendarDate,
  parseTimestamp,
} from "./instant.ts";

/** The inclusive `created_at` window of a listing; `since` absent = from the beginning. */
export type TimeWindow = {
  readonly since?: Instant;
  readonly until: Instant;
};

const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86_400e9,
};

const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/y;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses a Go `time.ParseDuration` value extended with `d` (24h) into
 * nanoseconds; `undefined` when it is not one, or negative.
 * @example parseDuration("1d12h") // 129600000000000
 */
export function parseDuration(input: string): number | undefined {
  // Go accepts a leading "+"; a "-" would reach forward from now, which a window never does.
  const text = input.startsWith("+") ? input.slice(1) : input;
  if (text === "") return undefined;
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(text);
    if (m === null) return undefined;
    total += Number(m[1]) * (UNIT_NANOS[m[2] as string] as number);
    pos = DURATION_PART.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/**
 * Reads a `--since`/`--until` value: a duration before `now`, an RFC 3339
 * time, or a date (UTC midnight). `undefined` when it is none of these, or a
 * duration that is zero.
 * @example parseWhen("7d", new Date("2026-01-20T00:00:00Z")) // 2026-01-13T00:00:00Z
 */
export function parseWhen(text: string, now: Date): Instant | undefined {
  const duration = parseDuration(text);
  if (duration !== undefined) return duration > 0 ? addNanos(instantFromDate(now), -duration) : undefined;
  const date = DATE_ONLY.exec(text);
  if (date !== null) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    return isCalendarDate(year, month, day) ? { sec: daysFromCivil(year, month, day) * 86_400, nanos: 0 } : undefined;
  }
  return parseTimestamp(text);
}

export type WindowProblem = { flag: "--since" | "--until"; value: string } | { flag: "window" };

/**
 * Builds the window from raw flag values; a problem names the flag at fault,
 * or the window itself when it starts after it ends.
 */
export function parseWindow(
  since: string | undefined,
  until: string | undefined,
  now: Date,
): { window: TimeWindow } | { problem: WindowProblem } {
  let sinceAt: Instant | undefined;
  if (since !== undefined) {
    sinceAt = parseWhen(since, now);
    if (sinceAt === undefined) return { problem: { flag: "--since", value: since } };
  }
  let untilAt = instantFromDate(now);
  if (until !== undefined) {
    const parsed = parseWhen(until, now);
    if (parsed === undefined) return { problem: { flag: "--until", value: until } };
    untilAt = parsed;
  }
  if (sinceAt !== undefined && compareInstants(sinceAt, untilAt) > 0) return { problem: { flag: "window" } };
  return { window: sinceAt === undefined ? { until: untilAt } : { since: sinceAt, until: untilAt } };
}

/** True when `t` lies inside the window, both ends included. */
export function inWindow(t: Instant, window: TimeWindow): boolean {
  if (window.since !== undefined && compareInstants(t, window.since) < 0) return false;
  return compareInstants(t, window.until) <= 0;
}
