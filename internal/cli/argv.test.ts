import { expect, test } from "bun:test";
import { UsageError } from "../aws/errors.ts";
import { joinDashValues, splitArgs } from "./argv.ts";
import { oneOf, toggle, value } from "./command.ts";

const FLAGS = {
  user: value("Filters", "USER", "user"),
  limit: value("Output", "N", "limit"),
  table: value("Connection", "NAME", "table"),
  output: oneOf("Output", "FORMAT", ["csv", "json"], "format", { aliases: ["format"] }),
  quiet: toggle("Output", "quiet"),
  "no-formula-guard": toggle("Output", "guard"),
};

test("joinDashValues() keeps a value that starts with one dash", () => {
  expect(joinDashValues(["--user", "-5", "--limit", "3"], new Set(["user", "limit"]))).toEqual([
    "--user=-5",
    "--limit",
    "3",
  ]);
});

test("splitArgs() keeps text exactly: leading zeros, exponents, empty strings, dash values", () => {
  const split = splitArgs(["--user", "0042", "--limit=1e3", "--table", "", "--user", "-5"], FLAGS, "x");
  expect(split.values.get("user")).toEqual(["0042", "-5"]);
  expect(split.values.get("limit")).toEqual(["1e3"]);
  expect(split.values.get("table")).toEqual([""]);
});

test("splitArgs() marks a flag without a value, reads aliases and switches, keeps positionals", () => {
  const split = splitArgs(["abc", "--table", "--format", "csv", "--quiet", "--limit"], FLAGS, "x");
  expect(split.values.get("table")).toEqual([undefined]);
  expect(split.values.get("limit")).toEqual([undefined]);
  expect(split.values.get("output")).toEqual(["csv"]);
  expect([...split.switches]).toEqual(["quiet"]);
  expect(split.args).toEqual(["abc"]);
});

test.each([
  [["--", "--user", "bob"], 'sentinel x takes no arguments after "--" (got "--user" "bob"): put flags before it'],
  [["--"], 'sentinel x takes nothing after "--": remove it'],
  [["--stauts", "a"], 'unknown flag "--stauts" for x: run sentinel x --help'],
  [["--usr", "a"], 'unknown flag "--usr" for x: did you mean "--user"? run sentinel x --help'],
  [
    ["--no-formula-guards"],
    'unknown flag "--no-formula-guards" for x: did you mean "--no-formula-guard"? run sentinel x --help',
  ],
  [["-u"], 'unknown flag "-u" for x: run sentinel x --help'],
  [["--quiet=yes"], "--quiet takes no value: give --quiet alone"],
  // Names every object inherits are no flags.
  [["--constructor", "x"], 'unknown flag "--constructor" for x: run sentinel x --help'],
  [["--__proto__=x"], 'unknown flag "--__proto__" for x: run sentinel x --help'],
  [["--hasOwnProperty"], 'unknown flag "--hasOwnProperty" for x: run sentinel x --help'],
])("splitArgs(%p) is a usage error: %s", (tokens, message) => {
  expect(() => splitArgs(tokens, FLAGS, "x")).toThrow(new UsageError(message));
});
