import { UsageError } from "../aws/errors.ts";
import type { FlagSpec, Flags } from "./command.ts";
import { closest } from "./suggest.ts";

/**
 * Flag values exactly as typed. cac (through mri) turns `--user 0042` into the
 * number 42 and `--user -5` into a flag named 5; audits need the text, so the
 * values of value-taking flags are read from argv here and cac keeps the rest.
 */
export type RawValues = Map<string, (string | undefined)[]>;

/**
 * Rewrites `--flag -x` to `--flag=-x` for value-taking flags, so a value that
 * starts with one dash is not read as a flag.
 * @example joinDashValues(["--user", "-5"], new Set(["user"])) // ["--user=-5"]
 */
export function joinDashValues(args: readonly string[], valueFlags: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (arg.startsWith("--") && valueFlags.has(arg.slice(2)) && next !== undefined && /^-[^-]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** A command's arguments split by its flag table. */
export type SplitArgs = {
  /** Values of value flags by canonical name; `undefined` marks a flag given without a value. */
  values: RawValues;
  /** Switches given, by canonical name. */
  switches: Set<string>;
  /** Positional arguments. */
  args: string[];
};

/** The canonical name of a flag as typed (`format` → `output`), or undefined when the command has none such. */
export function canonicalFlag(flags: Flags, typed: string): [string, FlagSpec] | undefined {
  // Own entries only: `--constructor` or `--__proto__` is no flag of any command.
  const own = Object.hasOwn(flags, typed) ? flags[typed] : undefined;
  if (own !== undefined) return [typed, own];
  for (const [name, spec] of Object.entries(flags)) if (spec.aliases?.includes(typed)) return [name, spec];
  return undefined;
}

/** Every spelling of every flag, with dashes, for messages and suggestions. */
export function flagSpellings(flags: Flags): string[] {
  return Object.entries(flags).flatMap(([name, spec]) => [name, ...(spec.aliases ?? [])].map((n) => `--${n}`));
}

/** The usage error for a flag the command does not have, suggesting the closest one it has. */
export function unknownFlag(typed: string, flags: Flags, command: string): UsageError {
  const guess = closest(typed, [...flagSpellings(flags), "--help"]);
  const hint = guess === undefined ? "" : `did you mean "${guess}"? `;
  return new UsageError(`unknown flag "${typed}" for ${command}: ${hint}run sentinel ${command} --help`);
}

/**
 * Splits a command's arguments by its flag table: `--flag value`, `--flag=value`,
 * a value starting with one dash (`--user -5`) is a value; anything after `--`
 * is refused (these commands take no such arguments), as are unknown flags.
 */
export function splitArgs(tokens: readonly string[], flags: Flags, command: string): SplitArgs {
  const split: SplitArgs = { values: new Map(), switches: new Set(), args: [] };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token === "--") {
      const rest = tokens.slice(i + 1);
      throw new UsageError(
        rest.length === 0
          ? `sentinel ${command} takes nothing after "--": remove it`
          : `sentinel ${command} takes no arguments after "--" (got ${rest.map((r) => JSON.stringify(r)).join(" ")}): put flags before it`,
      );
    }
    if (!token.startsWith("-") || token === "-") {
      split.args.push(token);
      continue;
    }
    const eq = token.indexOf("=");
    const typed = eq === -1 ? token : token.slice(0, eq);
    const found = typed.startsWith("--") ? canonicalFlag(flags, typed.slice(2)) : undefined;
    if (found === undefined) throw unknownFlag(typed, flags, command);
    const [name, spec] = found;
    if (spec.kind === "switch") {
      if (eq !== -1) throw new UsageError(`${typed} takes no value: give ${typed} alone`);
      split.switches.add(name);
      continue;
    }
    let valueText: string | undefined;
    if (eq !== -1) valueText = token.slice(eq + 1);
    else {
      const next = tokens[i + 1];
      if (next !== undefined && !next.startsWith("--")) {
        valueText = next;
        i++;
      }
    }
    split.values.set(name, [...(split.values.get(name) ?? []), valueText]);
  }
  return split;
}
