import { expect, test } from "bun:test";
import { parse } from "csv-parse/sync";
import { csvText, guardFormula } from "./csv.ts";

test.each([
  ["=SUM(A1)", "'=SUM(A1)"],
  ["+1", "'+1"],
  ["-1", "'-1"],
  ["@cmd", "'@cmd"],
  ["\tx", "'\tx"],
  ["\rx", "'\rx"],
  ["a=b", "a=b"],
  ["", ""],
  [" =x", " =x"],
])("guardFormula(%p) is %p", (cell, guarded) => {
  expect(guardFormula(cell)).toBe(guarded);
});

test("guardFormula() matches its documented example", () => {
  expect(guardFormula('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
});

test("csvText() quotes only cells with a comma, quote, CR or LF, doubling quotes (RFC 4180)", () => {
  expect(csvText([["plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", ""]])).toBe(
    'plain,"a,b","say ""hi""","two\nlines","cr\rhere",\n',
  );
});

test("csvText() output parses back with csv-parse", () => {
  const rows = [
    ["x", ',"\n\r', "ünïcødé ✓", " lead", "trail "],
    ["", "\u0000\u0001", "'", '""', "a\r\nb"],
  ];
  expect(parse(csvText(rows), { relax_column_count: false })).toEqual(rows);
});
