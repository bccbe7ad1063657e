import { addNanos, formatSeconds, type Instant } from "./instant.ts";
import type { TimeWindow } from "./parse-when.ts";

// Stored created_at strings carry a zone offset of up to ±23:59, so their text
// (local wall time) can differ from UTC by almost a day either way.
const OFFSET_SLACK_NANOS = 24 * 3600e9;

/** The first 19 characters, "YYYY-MM-DDTHH:MM:SS", of an instant in UTC. */
function wallClockPrefix(t: Instant): string {
  return formatSeconds(t).slice(0, 19);
}

/**
 * A string range that holds the stored `created_at` text of every item whose
 * instant lies in the window, whatever its fraction or zone offset. It holds
 * more (up to a day each side), so the exact window is applied after reading.
 * @example createdAtTextRange({ since: 2026-01-20T00:00:00Z, until: 2026-01-21T00:00:00Z })
 *          // { low: "2026-01-19T00:00:00", high: "2026-01-22T00:00:00~" }
 */
export function createdAtTextRange(window: TimeWindow): { low?: string; high: string } {
  // "~" sorts after every character a timestamp can continue with (digits,
  // ".", "Z", "z", "+", "-"), so "…:SS~" is above every fraction and zone.
  const high = `${wallClockPrefix(addNanos(window.until, OFFSET_SLACK_NANOS))}~`;
  if (window.since === undefined) return { high };
  return { low: wallClockPrefix(addNanos(window.since, -OFFSET_SLACK_NANOS)), high };
}

/**
 * The stored-text bound below which no item can be newer than `oldestKept`:
 * used to stop reading an index, newest text first, once a `--limit` is full.
 */
export function olderTextBound(oldestKept: Instant): string {
  return wallClockPrefix(addNanos(oldestKept, -OFFSET_SLACK_NANOS - 1e9));
}
