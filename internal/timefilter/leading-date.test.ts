import { expect, test } from "bun:test";
import { leadingDateStart } from "./leading-date.ts";

const dayStart = (year: number, month: number, day: number) => {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return { sec: date.getTime() / 1000, nanos: 0 };
};

test("leadingDateStart() matches its documented examples", () => {
  expect(leadingDateStart("2026-11-21T25:00:00Z")).toEqual({ sec: 1795219200, nanos: 0 });
  expect(leadingDateStart("2026-02-30T00:00:00Z")).toBeUndefined();
});

test.each([
  ["2026-11-21T25:00:00Z", dayStart(2026, 11, 21)],
  ["2026-11-19T10:00:00", dayStart(2026, 11, 19)],
  ["2026-11-21Tgarbage", dayStart(2026, 11, 21)],
  ["2026-11-21", dayStart(2026, 11, 21)],
  ["2026-11-21~", dayStart(2026, 11, 21)],
  // The date as written, not the instant an offset would make of it.
  ["2026-11-21T23:00:00+99:00", dayStart(2026, 11, 21)],
  ["2024-02-29T00:00:00", dayStart(2024, 2, 29)],
  ["2000-02-29x", dayStart(2000, 2, 29)],
  ["0000-12-31T23:00:00-01:00x", dayStart(0, 12, 31)],
  ["9999-12-31T23:59:59-23:59", dayStart(9999, 12, 31)],
  ["1969-12-31T24:00:00Z", dayStart(1969, 12, 31)],
])("leadingDateStart() places %p at the start of its date", (text, want) => {
  expect(leadingDateStart(text)).toEqual(want);
});

test.each([
  "2026-02-30T00:00:00Z",
  "2025-02-29T00:00:00Z",
  "1900-02-29",
  "2026-13-01",
  "2026-00-10",
  "2026-04-31",
  "2026-11-00",
  "2026-1-5",
  "2026-11-2",
  "20261121",
  "2026/11/21",
  "+2026-11-21",
  " 2026-11-21",
  "2026-1a-21",
  "9",
  "",
  "garbage",
  "２026-11-21",
])("leadingDateStart() cannot place %p", (text) => {
  expect(leadingDateStart(text)).toBeUndefined();
});
