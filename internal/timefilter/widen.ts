import { daysFromCivil, formatSeconds, type Instant } from "./instant.ts";
import type { TimeWindow } from "./parse-when.ts";

const SECONDS_PER_DAY = 86_400;
// Stored text has a four-digit year: no bound needs to leave these dates.
const FIRST_TEXT_DAY = daysFromCivil(0, 1, 1);
const LAST_TEXT_DAY = daysFromCivil(9999, 12, 31);

/**
 * "YYYY-MM-DD" of the UTC day of `t` moved by `days`, clamped to the dates a
 * stored timestamp can start with (0000-01-01 to 9999-12-31): an instant near
 * either end of time must not make a bound like "10000-01-01", which sorts
 * below every real timestamp.
 */
function dayText(t: Instant, days: number): string {
  const day = Math.min(LAST_TEXT_DAY, Math.max(FIRST_TEXT_DAY, Math.floor(t.sec / SECONDS_PER_DAY) + days));
  return formatSeconds({ sec: day * SECONDS_PER_DAY, nanos: 0 }).slice(0, 10);
}

// Above every text that starts with "99" (and below ":", where text that
// starts with a digit ends): the high end once the day after `until` is past
// 9999-12-31, whatever follows that date in a malformed text.
const ABOVE_LAST_DAY = "9:";

/**
 * A string range that holds the stored `created_at` text of every item whose
 * instant lies in the window, and of every malformed one placed in it by the
 * date it begins with (leading-date.ts). A stored timestamp carries a zone
 * offset of up to ±23:59, so its date (local wall time) is the UTC date, the
 * day before or the day after; whatever follows the date ("T" or "t", time,
 * fraction, zone) sorts below "~". So the range is whole days: from the day
 * before `since` to the day after `until`, "~" appended to the high end; a text
 * placed in the window begins with a date from `since`'s to `until`'s, so
 * whatever follows that date it lies inside. It holds more than the window
 * (up to two days), so the exact window is applied after reading. Without
 * `since` there is no low end.
 * @example createdAtTextRange({ since: 2026-01-20T10:00:00Z, until: 2026-01-21T00:00:00Z })
 *          // { low: "2026-01-19", high: "2026-01-22~" }
 */
export function createdAtTextRange(window: TimeWindow): { low?: string; high: string } {
  const high =
    Math.floor(window.until.sec / SECONDS_PER_DAY) + 1 > LAST_TEXT_DAY
      ? ABOVE_LAST_DAY
      : `${dayText(window.until, 1)}~`;
  if (window.since === undefined) return { high };
  return { low: dayText(window.since, -1), high };
}

/**
 * The stored-text bound below which no item can be as new as `oldestKept`:
 * used to stop reading an index, newest text first, once a `--limit` is full.
 * Such an item's text starts with the day before `oldestKept`'s UTC date or a
 * later one, so it is not below that date.
 * @example olderTextBound(2026-01-20T10:00:00Z) // "2026-01-19"
 */
export function olderTextBound(oldestKept: Instant): string {
  return dayText(oldestKept, -1);
}
