import { expect, test } from "bun:test";
import { randomSource } from "../../scripts/generate-sessions.ts";
import { FIRST_INSTANT, type Instant, LAST_INSTANT, parseTimestamp } from "./instant.ts";
import { createdAtTextRange, olderTextBound } from "./widen.ts";

const at = (text: string) => parseTimestamp(text)!;

/**
 * How a writer may store instant `t` with a zone offset, computed with Date:
 * local wall time, a fraction, "T"/"t" and "Z"/"z" in either case. Years that
 * a four-digit text cannot hold give undefined.
 */
function storedText(t: Instant, offsetMinutes: number, lower: boolean, fraction: string): string | undefined {
  const iso = new Date((t.sec + offsetMinutes * 60) * 1000).toISOString();
  if (!/^\d{4}-/.test(iso)) return undefined;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const zone =
    offsetMinutes === 0
      ? lower
        ? "z"
        : "Z"
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${iso.slice(0, 10)}${lower ? "t" : "T"}${iso.slice(11, 19)}${fraction}${zone}`;
}

const within = (text: string, range: { low?: string; high: string }) =>
  (range.low === undefined || text >= range.low) && text <= range.high;

test("createdAtTextRange() matches its documented example", () => {
  expect(createdAtTextRange({ since: at("2026-01-20T10:00:00Z"), until: at("2026-01-21T00:00:00Z") })).toEqual({
    low: "2026-01-19",
    high: "2026-01-22~",
  });
});

test("createdAtTextRange() without since has no low end", () => {
  expect(createdAtTextRange({ until: at("2026-11-26T12:00:00Z") })).toEqual({ high: "2026-11-27~" });
});

test("createdAtTextRange() holds the text of every stored form of the window's edges", () => {
  const window = { since: at("2026-01-20T10:00:00Z"), until: at("2026-11-26T12:00:00Z") };
  const range = createdAtTextRange(window);
  for (const text of [
    "2026-01-20T10:00:00Z",
    "2026-01-20T10:00:00.000000001Z",
    "2026-01-19T10:01:00-23:59",
    "2026-01-19t20:00:00-14:00",
    "2026-11-26T12:00:00Z",
    "2026-11-26t12:00:00z",
    "2026-11-27t01:00:00+14:00",
    "2026-11-27T11:59:00+23:59",
  ]) {
    expect(within(text, range)).toBe(true);
  }
});

test("createdAtTextRange() stays within four-digit years at both ends of time", () => {
  const whole = { since: FIRST_INSTANT, until: LAST_INSTANT };
  // No day follows 9999-12-31: the high end is above every text that begins with it.
  expect(createdAtTextRange(whole)).toEqual({ low: "0000-12-31", high: "9:" });
  expect(createdAtTextRange({ until: at("9999-12-31T00:00:00Z") })).toEqual({ high: "9:" });
  expect(createdAtTextRange({ until: at("9999-12-30T23:59:59.999999999Z") })).toEqual({ high: "9999-12-31~" });
  expect(createdAtTextRange({ since: at("0001-01-01T00:00:00+00:00"), until: at("0001-01-01T12:00:00Z") })).toEqual({
    low: "0000-12-31",
    high: "0001-01-02~",
  });
  for (const text of [
    "9999-12-31T23:59:59.999999999Z",
    "9999-12-31t23:59:59+23:59",
    "0000-12-31T00:01:00-23:59",
    "9999-12-31~~",
    "9999-12-31\u{10ffff}",
  ]) {
    expect(within(text, createdAtTextRange(whole))).toBe(true);
  }
  // Instants beyond the representable years (a long duration) clamp as well.
  expect(createdAtTextRange({ since: { sec: -1e12, nanos: 0 }, until: { sec: 1e12, nanos: 0 } })).toEqual({
    low: "0000-01-01",
    high: "9:",
  });
});

test("createdAtTextRange() holds every stored text of 20,000 random instants in a window around them", () => {
  const random = randomSource(4242);
  const span = LAST_INSTANT.sec - FIRST_INSTANT.sec;
  for (let i = 0; i < 20_000; i++) {
    const t = { sec: FIRST_INSTANT.sec + Math.floor(random() * span), nanos: Math.floor(random() * 1e9) };
    const offset = Math.floor(random() * (2 * 1439 + 1)) - 1439; // −23:59 … +23:59
    const text = storedText(t, offset, random() < 0.5, random() < 0.5 ? "" : ".123456789");
    if (text === undefined) continue;
    expect(parseTimestamp(text)?.sec).toBe(t.sec);
    // The window is exactly the instant, or starts/ends up to a day away.
    const before = { sec: t.sec - Math.floor(random() * 86_400), nanos: 0 };
    const after = { sec: t.sec + Math.floor(random() * 86_400), nanos: 0 };
    expect(within(text, createdAtTextRange({ since: t, until: t }))).toBe(true);
    expect(within(text, createdAtTextRange({ since: before, until: after }))).toBe(true);
    expect(within(text, createdAtTextRange({ until: t }))).toBe(true);
    expect(text >= olderTextBound(t)).toBe(true);
  }
});

test("olderTextBound() matches its documented example and is below anything as new as the instant", () => {
  const kept = at("2026-01-20T10:00:00Z");
  expect(olderTextBound(kept)).toBe("2026-01-19");
  // The oldest text an item at 10:00:00Z can have: an offset of -23:59.
  expect("2026-01-19T10:01:00-23:59" >= olderTextBound(kept)).toBe(true);
  expect("2026-01-19t10:01:00-23:59" >= olderTextBound(kept)).toBe(true);
  expect(olderTextBound(at("0001-01-01T00:00:00Z"))).toBe("0000-12-31");
});

test("createdAtTextRange() holds every text whose leading date starts within the window", () => {
  const random = randomSource(20261121);
  const SUFFIXES = ["", "T25:00:00Z", "Tgarbage", "T10:00:00", "~~~", "\u{10ffff}", " ", "0"];
  for (let n = 0; n < 2_000; n++) {
    // Two edges within a few days of each other, around 2026 or the ends of time.
    const base = [1_767_225_600, -62_135_596_800, 253_402_041_600][Math.floor(random() * 3)] as number;
    const a = base + Math.floor(random() * 5 * 86_400);
    const b = a + Math.floor(random() * 3 * 86_400);
    const window = { since: { sec: a, nanos: Math.floor(random() * 1e9) }, until: { sec: b, nanos: 999_999_999 } };
    const range = createdAtTextRange(window);
    for (let day = Math.floor(a / 86_400) - 2; day <= Math.floor(b / 86_400) + 2; day++) {
      const start = day * 86_400;
      const placedIn =
        (start > window.since.sec || (start === window.since.sec && window.since.nanos === 0)) && start <= b;
      if (!placedIn) continue;
      const iso = new Date(start * 1000).toISOString();
      if (!/^\d{4}-/.test(iso)) continue;
      for (const suffix of SUFFIXES) expect(within(iso.slice(0, 10) + suffix, range)).toBe(true);
    }
  }
});
