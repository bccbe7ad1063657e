import { expect, test } from "bun:test";
import { randomSource } from "../../scripts/generate-sessions.ts";
import { daysFromCivil, isCalendarDate, readTimestamp, type TimestampReading } from "./instant.ts";

// The grammar as a regular expression, written independently of the
// character-code reader: RFC 3339 with 0-9 fraction digits, as Go's
// time.RFC3339Nano writes and reads it.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const FIRST_SEC = daysFromCivil(1, 1, 1) * 86_400;
const LAST_SEC = (daysFromCivil(9999, 12, 31) + 1) * 86_400 - 1;

function reference(text: string): TimestampReading {
  const m = RFC3339.exec(text);
  if (m === null) return { problem: "not an RFC 3339 timestamp" };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  if (!isCalendarDate(year as number, month as number, day as number)) return { problem: "no such date" };
  if ((hour as number) > 23 || (minute as number) > 59 || (second as number) > 59) return { problem: "no such time" };
  let offset = 0;
  if (m[8] === undefined) {
    const h = Number(m[10]);
    const mi = Number(m[11]);
    if (h > 23 || mi > 59) return { problem: "no such zone offset" };
    offset = (h * 3600 + mi * 60) * (m[9] === "-" ? -1 : 1);
  }
  const nanos = m[7] === undefined ? 0 : Number(m[7].padEnd(9, "0"));
  const sec =
    daysFromCivil(year as number, month as number, day as number) * 86_400 +
    (hour as number) * 3600 +
    (minute as number) * 60 +
    (second as number) -
    offset;
  if (sec < FIRST_SEC || sec > LAST_SEC) return { problem: "outside the years 0001-9999 in UTC" };
  return { at: { sec, nanos } };
}

const SEEDS = [
  "2026-01-20T10:30:00Z",
  "2026-01-20t10:30:00.5z",
  "2026-01-20T12:30:00.123456789+02:00",
  "0001-01-01T00:00:00Z",
  "9999-12-31T23:59:59.999999999Z",
  "0001-01-01T00:30:00+01:00",
  "9999-12-31T23:30:00-01:00",
  "2024-02-29T00:00:00Z",
  "2026-02-29T00:00:00Z",
  "2026-13-01T00:00:00Z",
  "2026-01-01T24:00:00Z",
  "2026-01-01T00:00:00+24:00",
  "2026-01-01T00:00:00.Z",
  "2026-01-01T00:00:00.1234567890Z",
];
// Characters a mutation puts in: digits, every separator, letters near them, and non-ASCII digits.
const ALPHABET = ["0", "1", "5", "9", "-", "+", ":", ".", "T", "t", "Z", "z", " ", "x", "٣", "\n", ""];

test("readTimestamp() agrees with the regular-expression grammar on 200,000 mutated timestamps", () => {
  const next = randomSource(20_261_129);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] as T;
  let checked = 0;
  let valid = 0;
  const problems = new Set<string>();
  for (let n = 0; n < 200_000; n++) {
    let text = pick(SEEDS);
    const edits = Math.floor(next() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(next() * (text.length + 1));
      const kind = next();
      if (kind < 0.5) text = text.slice(0, at) + pick(ALPHABET) + text.slice(at + 1);
      else if (kind < 0.75) text = text.slice(0, at) + pick(ALPHABET) + text.slice(at);
      else text = text.slice(0, at) + text.slice(at + 1);
    }
    const want = reference(text);
    expect({ text, got: readTimestamp(text) }).toEqual({ text, got: want });
    if ("problem" in want) problems.add(want.problem);
    else valid++;
    checked++;
  }
  expect(checked).toBe(200_000);
  expect(valid).toBeGreaterThan(10_000);
  // Every outcome was exercised, valid ones included.
  expect([...problems].sort()).toEqual([
    "no such date",
    "no such time",
    "no such zone offset",
    "not an RFC 3339 timestamp",
    "outside the years 0001-9999 in UTC",
  ]);
});
