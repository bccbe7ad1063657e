import { expect, test } from "bun:test";
import {
  type ColumnMeasure,
  fitHeading,
  fitTable,
  layOutTable,
  leftOutNote,
  shortTime,
  type TableColumn,
} from "./fit.ts";

const whole = (natural: number, required = false): ColumnMeasure => ({
  kind: "whole",
  natural,
  short: natural,
  required,
});
const time = (natural = 19, short = 16): ColumnMeasure => ({ kind: "time", natural, short });
const text = (natural: number, extra: Partial<ColumnMeasure> = {}): ColumnMeasure => ({
  kind: "text",
  natural,
  short: natural,
  ...extra,
});

test.each([
  // Everything fits: natural widths.
  ["fits", [whole(16, true), text(20), time()], 80, { shown: [0, 1, 2], widths: [16, 20, 19], shortTimes: false }],
  // 16+2+20+2+19 = 59 > 50: text gives up 9 first, times keep their seconds.
  [
    "text first",
    [whole(16, true), text(20), time()],
    50,
    { shown: [0, 1, 2], widths: [16, 11, 19], shortTimes: false },
  ],
  // Text at its floor (8) still leaves 16+8+19+4 = 47 > 45: times lose seconds, text grows back to 9.
  ["then times", [whole(16, true), text(20), time()], 45, { shown: [0, 1, 2], widths: [16, 9, 16], shortTimes: true }],
  // 16+8+16+4 = 44 > 40: the time is left out, the text keeps its natural 20.
  ["then leave out", [whole(16, true), text(20), time()], 40, { shown: [0, 1], widths: [16, 20], shortTimes: false }],
  // A column that does not fit is skipped, a later narrower one kept.
  ["skip", [whole(16, true), time(), whole(4)], 30, { shown: [0, 2], widths: [16, 4], shortTimes: false }],
  // The required column is reserved first, even when it comes last: 8+8+16+4 = 36 fits, 30+30 are cut to 10+10.
  [
    "required last",
    [text(30), text(30), whole(16, true)],
    40,
    { shown: [0, 1, 2], widths: [10, 10, 16], shortTimes: false },
  ],
  // 16 reserved for the required one leaves room for one text column at its floor (8+16+2 = 26; 36 with both).
  [
    "required reserved",
    [text(30), text(30), whole(16, true)],
    30,
    { shown: [0, 2], widths: [12, 16], shortTimes: false },
  ],
  // The widest text column gives up a character at a time.
  ["widest first", [text(30), text(12), text(10)], 40, { shown: [0, 1, 2], widths: [14, 12, 10], shortTimes: false }],
])("fitTable(): %s", (_, measures, width, expected) => {
  expect(fitTable(measures, width)).toEqual(expected);
});

test("fitTable() keeps a column at its keep width before it admits or widens others", () => {
  // 40+20+20+4 = 84 > 50: the two without keep go to 8 first, then the kept one to 30.
  expect(fitTable([text(40, { keep: 30 }), text(20), text(20)], 50)).toEqual({
    shown: [0, 1, 2],
    widths: [30, 8, 8],
    shortTimes: false,
  });
  // At 40, 30+8+2 fit, a third column at 8 would not: it is left out rather than cut the kept one.
  expect(fitTable([text(40, { keep: 30 }), text(20), text(20)], 40)).toEqual({
    shown: [0, 1],
    widths: [30, 8],
    shortTimes: false,
  });
  // At 20 the keep width cannot be had: the column is admitted at its floor and cut last (20 - 8 - 2 = 10).
  expect(fitTable([text(40, { keep: 30 }), text(20), text(20)], 20)).toEqual({
    shown: [0, 1],
    widths: [10, 8],
    shortTimes: false,
  });
});

test.each([
  ["2026-01-20 10:30:59", "2026-01-20 10:30"],
  ["2026-01-20T10:30:59Z", "2026-01-20T10:30Z"],
  ["2026-01-20T10:30:59.123456789Z", "2026-01-20T10:30Z"],
  ["-", "-"],
  ["not a time", "not a time"],
])("shortTime(%p) is %p", (cell, expected) => {
  expect(shortTime(cell)).toBe(expected);
});

test.each([
  ["LAST ACCESS (UTC)", 17, "LAST ACCESS (UTC)"],
  ["LAST ACCESS (UTC)", 16, "LAST ACCESS"],
  ["LAST ACCESS (UTC)", 8, "LAST ..."],
  ["PROFILE", 5, "PR..."],
])("fitHeading(%p, %p) is %p", (title, width, expected) => {
  expect(fitHeading(title, width)).toBe(expected);
});

const COLUMNS: TableColumn[] = [
  { title: "ID", kind: "whole", required: true },
  { title: "USER", kind: "text" },
  { title: "WHEN (UTC)", kind: "time" },
  { title: "N", kind: "whole" },
];
const ROWS = [
  ["00000000000000a1", "山田太郎さん", "2026-01-20 10:30:59", "7"],
  ["00000000000000a2", "bob", "-", "1234"],
];

test("layOutTable() off a terminal pads by display width and cuts nothing", () => {
  const layout = layOutTable(COLUMNS, ROWS, undefined);
  expect([layout.header, ...ROWS.map(layout.line)].join("")).toBe(
    "ID                USER          WHEN (UTC)           N\n" +
      "00000000000000a1  山田太郎さん  2026-01-20 10:30:59  7\n" +
      "00000000000000a2  bob           -                    1234\n",
  );
  expect(layout.leftOut).toEqual([]);
});

test("layOutTable() on 40 columns cuts the text, times to the minute", () => {
  // Natural 16+12+19+4 + 6 = 57; text at its floor 8 gives 53; times at 16 give 50 > 40: the time is left out.
  // Then 16+12+4 + 4 = 36 fits: the user is whole again.
  const at40 = layOutTable(COLUMNS, ROWS, 40);
  expect(at40.header).toBe("ID                USER          N\n");
  expect(at40.leftOut).toEqual(["WHEN (UTC)"]);
  // 16+8+16+4 + 6 = 50: text at 8 columns, times without seconds.
  const at50 = layOutTable(COLUMNS, ROWS, 50);
  expect([at50.header, ...ROWS.map(at50.line)].join("")).toBe(
    "ID                USER      WHEN (UTC)        N\n" +
      "00000000000000a1  山田...   2026-01-20 10:30  7\n" +
      "00000000000000a2  bob       -                 1234\n",
  );
});

test("leftOutNote() names the columns in one line", () => {
  expect(leftOutNote(["REQUESTS"], 60)).toBe("note: REQUESTS left out to fit 60 columns");
  expect(leftOutNote(["A", "B"], 40)).toBe("note: A, B left out to fit 40 columns");
});
