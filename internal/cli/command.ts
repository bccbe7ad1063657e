import type { Deps } from "./deps.ts";
import type { ExitCode } from "./exit-code.ts";
import type { FlagReader } from "./flag-values.ts";
import type { IO } from "./io.ts";

/** One flag of a command: how it is written, what it takes, where help lists it. */
export type FlagSpec = {
  /** A value flag takes one value (`--flag V` or `--flag=V`); a switch takes none. */
  kind: "value" | "switch";
  /** Help heading the flag is listed under, e.g. "Filters". */
  group: string;
  /** Help text, one paragraph: help fills it into lines of the width it is shown at. */
  help: string;
  /** The value's placeholder in help, e.g. NAME. */
  placeholder?: string;
  /** The only values allowed, for help, messages and shell completion; checked before the command loads. */
  values?: readonly string[];
  /** A whole number in this range (inclusive), checked before the command loads (flag-syntax.ts). */
  count?: { readonly min: number; readonly max: number };
  /** Value kind for shell completion. */
  complete?: "file" | "directory";
  /** The names a comma-separated value is made of (`--columns id,user`), for shell completion. */
  listOf?: readonly string[];
  /** May be given more than once (each value kept). */
  repeatable?: boolean;
  /** Other spellings, e.g. `format` for `output`. */
  aliases?: readonly string[];
};

export type Flags = Record<string, FlagSpec>;

/** What a command's `toOptions` reads: flag values exactly as typed, switches and positional arguments. */
export type ParsedArgs = {
  flags: FlagReader;
  /** True when the switch was given. */
  has(name: string): boolean;
  /** Positional arguments after the command name. */
  args: readonly string[];
  /** Everything after the program name, as given. */
  argv: readonly string[];
};

/** One entry of the command table: everything help, parsing, completion and dispatch need. */
export type Command<Options> = {
  /** One word, or a group and a word ("audit untracked-sessions"). */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What follows the name in the usage line, e.g. "ID [flags]". */
  usage: string;
  /** Paragraphs shown under the usage line. */
  description: string;
  /** Positional arguments allowed. */
  args: { min: number; max: number; missing?: string };
  flags: Flags;
  examples: readonly string[];
  /** Raw values → typed options; a problem is a UsageError. */
  toOptions(parsed: ParsedArgs, io: IO): Options;
  run(options: Options, deps: Deps): Promise<ExitCode>;
};

/**
 * An entry without its functions: what help, completion and the flag checks
 * read. The binary holds these as a literal (command-table.ts), so none of them
 * loads a command's module.
 */
export type CommandInfo = Omit<Command<unknown>, "toOptions" | "run">;

// biome-ignore lint/suspicious/noExplicitAny: the table holds commands of different option types
export type AnyCommand = Command<any>;

/** A value flag. */
export function value(group: string, placeholder: string, help: string, extra: Partial<FlagSpec> = {}): FlagSpec {
  return { kind: "value", group, placeholder, help, ...extra };
}

/** A value flag with a fixed set of values. */
export function oneOf(
  group: string,
  placeholder: string,
  values: readonly string[],
  help: string,
  extra: Partial<FlagSpec> = {},
): FlagSpec {
  return { kind: "value", group, placeholder, values, help, ...extra };
}

/** A flag without a value. */
export function toggle(group: string, help: string): FlagSpec {
  return { kind: "switch", group, help };
}
