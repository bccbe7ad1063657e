import { expect, test } from "bun:test";
import { fitWidths } from "./human.ts";

test.each([
  [[16, 20, 24], 40, [true, false, false], [16, 10, 10]],
  [[16, 20, 24], 100, [true, false, false], [16, 20, 24]],
  [[10, 10], 5, [false, false], [5, 5]],
  [[30, 8, 19], 50, [false, false, false], [19, 8, 19]],
])("fitWidths(%p, %p) shrinks the widest cuttable column first", (widths, fit, keep, expected) => {
  expect(fitWidths(widths, fit, keep)).toEqual(expected);
});
