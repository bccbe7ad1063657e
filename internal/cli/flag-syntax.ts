import { UsageError } from "../aws/errors.ts";
import type { RawValues } from "./argv.ts";
import type { Flags } from "./command.ts";

// The value checks that need nothing but the flag's entry: a whole number in a
// range, one of fixed values. The dispatcher runs them from the command table
// before it loads the command (cli.ts); the commands' options use the same ones.

export function invalidValue(flag: string, value: string, hint: string): UsageError {
  return new UsageError(`invalid ${flag} ${JSON.stringify(value)}: ${hint}`);
}

/**
 * How a person reads the range of a whole number.
 * @example wholeNumberHint(0, Number.MAX_SAFE_INTEGER) // "give a whole number, 0 for no limit"
 * @example wholeNumberHint(1, 64) // "give a whole number from 1 to 64"
 */
export function wholeNumberHint(min: number, max: number): string {
  if (max < Number.MAX_SAFE_INTEGER) return `give a whole number from ${min} to ${max}`;
  return min === 0 ? "give a whole number, 0 for no limit" : `give a whole number of at least ${min}`;
}

const DIGITS = /^\d{1,15}$/;

/** `value` as a whole number within [min, max] (ASCII digits only), or a usage error naming `flag`. */
export function readWholeNumber(flag: string, value: string, min: number, max: number): number {
  const parsed = DIGITS.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= min && parsed <= max)) throw invalidValue(flag, value, wholeNumberHint(min, max));
  return parsed;
}

/** `value` if it is one of `allowed` (exactly, case and all), or a usage error naming `flag`. */
export function fixedValue<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((name) => name === value);
  if (found === undefined) throw invalidValue(flag, value, `use one of ${allowed.join(", ")}`);
  return found;
}

/**
 * Checks every value given once for a flag whose entry says what it takes
 * (`count`, `values`). A flag given twice or without a value is left to the
 * command's options, which say so.
 */
export function checkFlagValues(flags: Flags, values: RawValues): void {
  for (const [name, given] of values) {
    const spec = Object.hasOwn(flags, name) ? flags[name] : undefined;
    const value = given[0];
    if (spec === undefined || given.length !== 1 || value === undefined) continue;
    if (spec.count !== undefined) readWholeNumber(`--${name}`, value, spec.count.min, spec.count.max);
    else if (spec.values !== undefined) fixedValue(`--${name}`, value, spec.values);
  }
}
