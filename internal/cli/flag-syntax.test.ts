import { describe, expect, test } from "bun:test";
import { splitArgs } from "./argv.ts";
import type { AnyCommand, FlagSpec } from "./command.ts";
import { COMMAND_MODULES } from "./commands.ts";
import { checkFlagValues, readWholeNumber } from "./flag-syntax.ts";
import { FlagReader } from "./flag-values.ts";
import type { IO } from "./io.ts";

// The dispatcher checks whole numbers and fixed values from the command table
// before it loads the command; the command's own options must say the same of
// every value, or a value one of them refuses passes the other.

const COMMANDS: AnyCommand[] = await Promise.all(COMMAND_MODULES.map((load) => load()));

/** Arguments with which each command's options are complete. */
const BASE: Record<string, string[]> = {
  "server-sessions": ["--table", "sentinel-sessions"],
  "server-session": ["0123456789abcdef", "--table", "sentinel-sessions"],
  "server-revoke": ["--user", "alice", "--table", "sentinel-sessions", "--reason", "laptop stolen", "--dry-run"],
  "audit untracked-sessions": ["--table", "sentinel-sessions", "--since", "7d"],
  verify: ["m.manifest.json"],
};

/** What a flag needs beside it before the options read its value. */
function companions(command: string, flag: string): string[] {
  if (flag === "signing-algorithm") return ["--manifest", "m.manifest.json", "--sign-with", "alias/evidence"];
  if (flag === "s3-concurrency") {
    return command === "audit untracked-sessions" ? ["--cloudtrail-s3", "s3://trail"] : ["--from-export", "./export"];
  }
  return [];
}

const io: IO = {
  stdout: { write: async () => {} },
  stderr: { write: async () => {} },
  stdoutIsTTY: false,
  stderrIsTTY: false,
  env: {},
  now: () => new Date("2026-12-01T00:00:00Z"),
};

/** The usage error of the command's own options for these arguments, or undefined when they are accepted. */
function optionsError(command: AnyCommand, args: string[]): string | undefined {
  const split = splitArgs(args, command.flags, command.name);
  try {
    command.toOptions(
      { flags: new FlagReader(split.values), has: (n) => split.switches.has(n), args: split.args, argv: args },
      io,
    );
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function tableError(command: AnyCommand, args: string[]): string | undefined {
  try {
    checkFlagValues(command.flags, splitArgs(args, command.flags, command.name).values);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Values around what the entry allows: edges, signs, spaces, other digits and cases. */
function candidates(spec: FlagSpec): string[] {
  if (spec.count !== undefined) {
    const { min, max } = spec.count;
    return [
      String(min),
      String(max),
      String(min - 1),
      String(max + 1),
      String(Math.min(max, min + 7)),
      "",
      "x",
      "1.5",
      "1e3",
      " 1",
      "+1",
      "0x10",
      "١",
      "9".repeat(16),
      `0${min}`,
    ];
  }
  const values = spec.values ?? [];
  return [...values, ...values.map((v) => v.toUpperCase()), ...values.map((v) => ` ${v}`), "", "x"];
}

for (const command of COMMANDS) {
  describe(command.name, () => {
    test("its base arguments are accepted", () => {
      expect(optionsError(command, BASE[command.name] as string[])).toBeUndefined();
    });
    const checked = Object.entries(command.flags).filter(([, s]) => s.count !== undefined || s.values !== undefined);
    for (const [flag, spec] of checked) {
      test(`--${flag}: the table refuses exactly what the options refuse, in the same words`, () => {
        const base = [...(BASE[command.name] as string[]), ...companions(command.name, flag)];
        for (const value of candidates(spec)) {
          const args = [...base, `--${flag}=${value}`];
          const fromTable = tableError(command, args);
          const fromOptions = optionsError(command, args);
          if (fromTable !== undefined) expect([value, fromOptions]).toEqual([value, fromTable]);
          else expect([value, fromOptions?.startsWith(`invalid --${flag} `)]).not.toEqual([value, true]);
        }
      });
    }
  });
}

test("every whole-number and fixed-value flag is checked somewhere in the table", () => {
  const names = COMMANDS.flatMap((c) =>
    Object.entries(c.flags)
      .filter(([, s]) => s.count !== undefined || s.values !== undefined)
      .map(([n]) => `${c.name} --${n}`),
  );
  expect(names).toContain("server-sessions --limit");
  expect(names).toContain("server-sessions --segments");
  expect(names).toContain("server-sessions --order");
  expect(names).toContain("audit untracked-sessions --s3-concurrency");
});

test.each([
  ["0", 0, 5, 0],
  ["5", 0, 5, 5],
  ["007", 0, 10, 7],
])("readWholeNumber(%p, %p, %p) is %p", (text, min, max, expected) => {
  expect(readWholeNumber("--n", text, min, max)).toBe(expected);
});

test.each(["6", "-1", "", "1.0", "٣"])("readWholeNumber(%p) within 0-5 is a usage error", (text) => {
  expect(() => readWholeNumber("--n", text, 0, 5)).toThrow(`invalid --n ${JSON.stringify(text)}: `);
});
