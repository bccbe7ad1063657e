import { expect, test } from "bun:test";
import { bufferIO } from "../../test/support/buffer-io.ts";
import { InterruptedError, SentinelError, UsageError } from "../aws/errors.ts";
import { say } from "./io.ts";
import { reportFailure } from "./report-failure.ts";

const NOW = new Date("2026-01-20T12:00:00Z");
// Anything a terminal would act on or hide: controls, bidi and zero-width characters, separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

test.each([
  [
    "an endpoint's message with an OSC title sequence",
    new SentinelError('Scan on table "t" failed: ValidationException (HTTP 400): bad\u001b]0;pwned\u0007'),
    'error: Scan on table "t" failed: ValidationException (HTTP 400): bad\\u001b]0;pwned\\u0007\n',
    1,
  ],
  [
    "a caller ARN with colour codes",
    new SentinelError('unsupported caller ARN "arn:aws:iam::123456789012:\u001b[31mred\u001b[0m"'),
    'error: unsupported caller ARN "arn:aws:iam::123456789012:\\u001b[31mred\\u001b[0m"\n',
    1,
  ],
  [
    "a flag value with a right-to-left override",
    new UsageError('invalid session ID "abc\u202efed"'),
    'error: invalid session ID "abc\\u202efed"\n',
    2,
  ],
  ["a bug's message, not one of ours", new Error("boom\u009b2J"), "error: boom\\u009b2J\n", 1],
  ["a message over two lines", new SentinelError("first\n  second"), "error: first second\n", 1],
])("reportFailure() shows %s escaped, in one line", async (_, error, expected, status) => {
  const io = bufferIO(NOW);
  expect(await reportFailure(error, io, { debug: false, interrupted: false })).toBe(status as 1 | 2);
  expect(io.err()).toBe(expected);
});

test("reportFailure() escapes the --debug detail and the stack too", async () => {
  const io = bufferIO(NOW);
  const error = new SentinelError("failed", { debugDetail: "Scan failed: X: bad\u001b]0;pwned\u0007; request id r-1" });
  await reportFailure(error, io, { debug: true, interrupted: false });
  expect(io.err()).toContain("debug: Scan failed: X: bad\\u001b]0;pwned\\u0007; request id r-1\n");
  expect(io.err()).not.toMatch(RAW_CONTROL);
});

test("reportFailure() marks every line of the --debug stack, also one a line feed in the message started", async () => {
  const io = bufferIO(NOW);
  const error = new SentinelError("s3://b/AWSLogs/planted\nfile.json not found");
  await reportFailure(error, io, { debug: true, interrupted: false });
  const lines = io.err().trimEnd().split("\n");
  expect(lines[0]).toBe("error: s3://b/AWSLogs/planted file.json not found");
  expect(lines.length).toBeGreaterThan(3);
  for (const line of lines.slice(1)) expect(line).toStartWith("debug: ");
});

test("reportFailure() says error: interrupted with status 130", async () => {
  const io = bufferIO(NOW);
  expect(await reportFailure(new InterruptedError("interrupted"), io, { debug: false, interrupted: false })).toBe(130);
  expect(io.err()).toBe("error: interrupted\n");
});

test("say() writes stored text in a warning escaped, and keeps the line one line", async () => {
  const io = bufferIO(NOW);
  await say(io, "warning: skipped 2 malformed session item(s): x\u001b[31mred, y\nwarning: fake\u2028z\u200b");
  expect(io.err()).toBe(
    "warning: skipped 2 malformed session item(s): x\\u001b[31mred, y\\nwarning: fake\\u2028z\\u200b\n",
  );
});
