import { expect, test } from "bun:test";
import { UsageError } from "../aws/errors.ts";
import { checkWithCac } from "./cli.ts";
import type { AnyCommand } from "./command.ts";
import { COMMAND_MODULES } from "./commands.ts";

// cac sees every argument list just before a command runs: each flag a
// command declares, under every name and in both forms, must pass it. cac's
// own camelCase keeps a dash after a digit (s3-concurrency), which a check
// that camel-cased names its own way refused.

const COMMANDS: AnyCommand[] = await Promise.all(COMMAND_MODULES.map((load) => load()));

const cases = COMMANDS.flatMap((command) =>
  Object.entries(command.flags).flatMap(([name, spec]) =>
    [name, ...(spec.aliases ?? [])].flatMap((n) =>
      spec.kind === "value"
        ? [
            [command.name, [`--${n}`, "4"]],
            [command.name, [`--${n}=4`]],
          ]
        : [[command.name, [`--${n}`]]],
    ),
  ),
) as [string, string[]][];

test("every command declares flags with a digit before a dash, so the case below is not vacuous", () => {
  expect(cases.some(([, tokens]) => /^--[a-z-]*\d-/.test(tokens[0] as string))).toBe(true);
  expect(cases.length).toBeGreaterThan(60);
});

test.each(cases)("%s %p passes cac's check", async (name, tokens) => {
  const command = COMMANDS.find((c) => c.name === name) as AnyCommand;
  await checkWithCac(command, tokens);
});

test.each(COMMANDS.map((c) => [c.name]))("%s: an undeclared flag is still refused by cac's check", async (name) => {
  const command = COMMANDS.find((c) => c.name === name) as AnyCommand;
  const refused = await checkWithCac(command, ["--s3-concurrencyy", "4"]).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(UsageError);
  expect((refused as Error).message).toStartWith('unknown flag "--s3-concurrencyy"');
});
