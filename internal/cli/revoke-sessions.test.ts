import { expect, test } from "bun:test";
import { UsageError } from "../aws/errors.ts";
import { splitArgs } from "./argv.ts";
import { FlagReader } from "./flag-values.ts";
import type { IO } from "./io.ts";
import { revokeReason, serverRevoke } from "./revoke-sessions.ts";

const io = { env: {}, now: () => new Date("2026-01-20T12:00:00Z") } as unknown as IO;

function options(...tokens: string[]) {
  const split = splitArgs(tokens, serverRevoke.flags, serverRevoke.name);
  return serverRevoke.toOptions(
    { flags: new FlagReader(split.values), has: (n) => split.switches.has(n), args: split.args, argv: tokens },
    io,
  );
}

test.each([
  [["0123456789ABCDEF"], { by: "id", value: "0123456789abcdef" }],
  [["--user", "alice"], { by: "user", value: "alice" }],
  [["--profile", "prod"], { by: "profile", value: "prod" }],
  [["--server-instance", "i-0abc"], { by: "server-instance", value: "i-0abc" }],
])("toOptions() reads the target of %p", (target, expected) => {
  const opts = options(...target, "--table", "sessions", "--reason", "why");
  expect(opts.target).toEqual(expected as never);
  expect(opts.reason).toBe("why");
  expect(opts.dryRun).toBe(false);
  expect(opts.yes).toBe(false);
  expect(opts.output).toBe("human");
});

test("toOptions() reads --dry-run, --yes and --output json", () => {
  const opts = options("--user", "a", "--table", "t-1", "--reason", "r", "--dry-run", "--yes", "--output", "json");
  expect([opts.dryRun, opts.yes, opts.output, opts.scan]).toEqual([true, true, "json", false]);
});

test("toOptions() reads --scan for a selection, and refuses it with an ID", () => {
  expect(options("--profile", "p", "--table", "t-1", "--reason", "r", "--scan").scan).toBe(true);
  expect(() => options("0123456789abcdef", "--table", "t-1", "--reason", "r", "--scan")).toThrow(
    "--scan selects the sessions of --user, --profile or --server-instance",
  );
});

test.each([
  [[], "server-revoke needs a session ID or one of --user, --profile, --server-instance"],
  [["--user", "a", "--profile", "b"], "(got --user and --profile): give one"],
  [["0123456789abcdef", "--server-instance", "s"], "(got an ID and --server-instance): give one"],
  [["--user", ""], 'invalid --user ""'],
  [["--user", "a", "--output", "csv"], 'invalid --output "csv": use one of human, json'],
])("toOptions() refuses %p", (tokens, message) => {
  expect(() => options(...tokens, "--table", "t-1", "--reason", "r")).toThrow(message);
});

test.each([
  ["x", true],
  ["é".repeat(256), true],
  ["😀".repeat(256), true],
  ["x".repeat(257), false],
  ["", false],
  ["tab\there", false],
  ["del\u007f", false],
  ["c1\u009b", false],
  ["rlo\u202e", false],
  ["lre\u202a", false],
  ["lri\u2066", false],
  ["pdi\u2069", false],
  ["zwsp\u200b", false],
  ["rlm\u200f", false],
  ["bom\ufeff", false],
  ["hyphen\u2010", true],
  ["narrow no-break space\u202f", true],
  ["word joiner\u2060", true],
])("revokeReason(%p) accepted: %p", (reason, ok) => {
  if (ok) expect(revokeReason(reason)).toBe(reason);
  else expect(() => revokeReason(reason)).toThrow(UsageError);
});

test("revokeReason() matches its documented example", () => {
  expect(revokeReason("credential leaked in SEC-123")).toBe("credential leaked in SEC-123");
});
