import { expect, test } from "bun:test";
import { joinDashValues, rawFlagValues } from "./argv.ts";

const FLAGS = new Set(["user", "limit", "table"]);

test("joinDashValues() keeps a value that starts with one dash", () => {
  expect(joinDashValues(["--user", "-5", "--limit", "3"], FLAGS)).toEqual(["--user=-5", "--limit", "3"]);
});

test("joinDashValues() leaves flags and everything after -- alone", () => {
  expect(joinDashValues(["--debug", "-h", "--", "--user", "-x"], FLAGS)).toEqual([
    "--debug",
    "-h",
    "--",
    "--user",
    "-x",
  ]);
});

test("rawFlagValues() keeps text exactly: leading zeros, exponents, empty strings", () => {
  const raw = rawFlagValues(["--user", "0042", "--limit=1e3", "--table", ""], FLAGS);
  expect(raw.get("user")).toEqual(["0042"]);
  expect(raw.get("limit")).toEqual(["1e3"]);
  expect(raw.get("table")).toEqual([""]);
});

test("rawFlagValues() marks a flag without a value and collects repeats", () => {
  const raw = rawFlagValues(["--user", "a", "--user=b", "--table", "--limit"], FLAGS);
  expect(raw.get("user")).toEqual(["a", "b"]);
  expect(raw.get("table")).toEqual([undefined]);
  expect(raw.get("limit")).toEqual([undefined]);
});
