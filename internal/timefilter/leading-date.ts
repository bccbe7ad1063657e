import { daysFromCivil, type Instant, isCalendarDate } from "./instant.ts";

const SECONDS_PER_DAY = 86_400;
const ZERO = 0x30;
const DASH = 0x2d;

/** The value of the ASCII digits from `start` to `end`, or -1 if any is not a digit. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Where a `created_at` that does not parse is placed in time (SPEC §5): the
 * start of the UTC day of the calendar date "YYYY-MM-DD" the text begins
 * with, whatever follows it; undefined when it begins with no real date
 * ("2026-02-30…", "2026-1-5", "garbage"), so it cannot be placed. One instant
 * per item, not a range: windows that tile time meet it exactly once.
 * @example leadingDateStart("2026-11-21T25:00:00Z") // { sec: 1795219200, nanos: 0 } (2026-11-21T00:00:00Z)
 * @example leadingDateStart("2026-02-30T00:00:00Z") // undefined
 */
export function leadingDateStart(text: string): Instant | undefined {
  if (text.length < 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  if ((year | month | day) < 0 || !isCalendarDate(year, month, day)) return undefined;
  return { sec: daysFromCivil(year, month, day) * SECONDS_PER_DAY, nanos: 0 };
}
