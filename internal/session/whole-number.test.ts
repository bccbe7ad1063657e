import { expect, test } from "bun:test";
import { readWholeNumber } from "./whole-number.ts";

test("the @examples of readWholeNumber", () => {
  expect(readWholeNumber("12345678901234567890")).toEqual({ value: 12345678901234567890n });
  expect(readWholeNumber("5e0")).toEqual({ value: 5n });
  expect(readWholeNumber("1.5")).toEqual({ problem: "not an integer" });
});

test.each([
  ["0", 0n],
  ["7", 7n],
  ["+5", 5n],
  ["05", 5n],
  ["5.0", 5n],
  ["5.", 5n],
  ["50E-1", 5n],
  ["0.5e1", 5n],
  [".5e1", 5n],
  ["-0", 0n],
  ["-0.0e5", 0n],
  ["0e999999999", 0n],
  ["1e37", 10n ** 37n],
  ["12345678901234567890", 12345678901234567890n],
  ["99999999999999999999999999999999999999", 10n ** 38n - 1n],
  ["9999999999999999999999999999999999999.9e1", 10n ** 38n - 1n],
  ["1800000000", 1_800_000_000n],
])("reads %p exactly as %p", (text, value) => {
  expect(readWholeNumber(text)).toEqual({ value });
});

test.each([
  ["1.5", "not an integer"],
  ["5e-1", "not an integer"],
  ["0.000001", "not an integer"],
  ["1e-999999999", "not an integer"],
  ["-1", "negative"],
  ["-5e3", "negative"],
  ["1e38", "more than 38 digits"],
  ["100000000000000000000000000000000000000", "more than 38 digits"],
  ["1e999999999", "more than 38 digits"],
  ["", "not a number"],
  ["abc", "not a number"],
  [".", "not a number"],
  ["e5", "not a number"],
  ["1e", "not a number"],
  ["0x10", "not a number"],
  [" 1", "not a number"],
  ["Infinity", "not a number"],
  ["NaN", "not a number"],
])("rejects %p: %s", (text, problem) => {
  expect(readWholeNumber(text)).toEqual({ problem });
});

test("agrees with BigInt arithmetic on 5,000 random forms of random whole numbers", () => {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 5_000; i++) {
    const digits = Array.from({ length: 1 + Math.floor(random() * 38) }, () => Math.floor(random() * 10)).join("");
    const value = BigInt(digits);
    // Write it as mantissa × 10^exponent with the point moved `shift` places left.
    const shift = Math.floor(random() * 6);
    const padded = digits.padStart(shift + 1, "0");
    const mantissa = shift === 0 ? padded : `${padded.slice(0, -shift)}.${padded.slice(-shift)}`;
    const text = `${random() < 0.3 ? "+" : ""}${random() < 0.3 ? "0" : ""}${mantissa}e${shift}`;
    expect(readWholeNumber(text)).toEqual({ value });
  }
});
