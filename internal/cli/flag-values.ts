import { UsageError } from "../aws/errors.ts";
import type { OutputFormat } from "../output/fields.ts";
import { SESSION_STATUSES, type SessionStatus } from "../session/session.ts";
import { parseDuration } from "../timefilter/parse-when.ts";
import type { RawValues } from "./argv.ts";
import { fixedValue, invalidValue as invalid, readWholeNumber } from "./flag-syntax.ts";

export { wholeNumberHint } from "./flag-syntax.ts";

/** Flag defaults, documented in docs/guide/commands.md. */
export const DEFAULTS = {
  limit: 100,
  segments: 8,
  timeoutMs: 15_000,
  maxAttempts: 5,
} as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

/** DynamoDB's table name rule, or a table ARN (the API takes either). */
const TABLE = /^(?:[A-Za-z0-9_.-]{3,255}|arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255})$/;
const REGION = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;
const SESSION_ID = /^[0-9a-f]{16}$/;

// Plain checks, not schemas: this module loads before a command's first check,
// so every usage error pays for what it imports.
const lengthWithin = (value: string, min: number, max: number) => value.length >= min && value.length <= max;

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "http:" || protocol === "https:";
}

/** Reads one flag's single value from the raw map. */
export class FlagReader {
  readonly #raw: RawValues;

  constructor(raw: RawValues) {
    this.#raw = raw;
  }

  /** The flag's text, `undefined` when absent; a usage error when empty of value or repeated. */
  text(flag: string, aliases: string[] = []): string | undefined {
    const given = [flag, ...aliases].flatMap((name) => (this.#raw.get(name) ?? []).map((value) => ({ name, value })));
    if (given.length === 0) return undefined;
    if (given.length > 1) throw new UsageError(`--${flag} given more than once: give it once`);
    const { name, value } = given[0] as { name: string; value: string | undefined };
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    return value;
  }

  /** Every value of a repeatable flag, in order; a usage error when one is missing. */
  all(flag: string): string[] {
    return (this.#raw.get(flag) ?? []).map((value) => {
      if (value === undefined) throw new UsageError(`--${flag} needs a value`);
      return value;
    });
  }
}

/** Table name from the flag or SENTINEL_SESSION_TABLE. */
export function tableName(value: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const name = value ?? env.SENTINEL_SESSION_TABLE;
  if (name === undefined || (value === undefined && name === "")) {
    throw new UsageError("--table is required: pass --table NAME or set SENTINEL_SESSION_TABLE");
  }
  if (!TABLE.test(name)) {
    const source = value === undefined ? "SENTINEL_SESSION_TABLE" : "--table";
    throw invalid(source, name, "a table name is 3-255 characters of A-Z a-z 0-9 _ . - (e.g. sentinel-sessions)");
  }
  return name;
}

export function region(value: string | undefined, flagName = "--region"): string | undefined {
  if (value !== undefined && !(value.length <= 50 && REGION.test(value)))
    throw invalid(flagName, value, "use a region name like us-east-1");
  return value;
}

export function status(value: string | undefined): SessionStatus | undefined {
  return value === undefined ? undefined : fixedValue("--status", value, SESSION_STATUSES);
}

/** An exact-match filter value (--user, --profile): any non-empty text. */
export function matchText(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !lengthWithin(value, 1, 2048)) {
    throw invalid(flag, value, "give 1 to 2048 characters to match exactly");
  }
  return value;
}

export function awsProfile(value: string | undefined): string | undefined {
  if (value !== undefined && !(lengthWithin(value, 1, 256) && NO_CONTROL_CHARS.test(value))) {
    throw invalid("--aws-profile", value, "give the name of a profile in your AWS config, e.g. audit");
  }
  return value;
}

export function outputFormat(value: string | undefined, allowed: readonly OutputFormat[]): OutputFormat {
  if (value === undefined) return "human";
  return fixedValue("--output", value, allowed);
}

export function endpointUrl(value: string | undefined): string | undefined {
  if (value !== undefined && !isHttpUrl(value)) {
    throw invalid("--endpoint-url", value, "give an http or https URL, e.g. http://127.0.0.1:8000");
  }
  return value;
}

/**
 * A whole number within [min, max]; a max of Number.MAX_SAFE_INTEGER is no
 * bound a person needs to read, and a min of 0 then means "no limit".
 */
export function wholeNumber(
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  return value === undefined ? fallback : readWholeNumber(flag, value, min, max);
}

/** --timeout: a positive duration up to one hour, in milliseconds. */
export function timeoutMs(value: string | undefined): number {
  if (value === undefined) return DEFAULTS.timeoutMs;
  const nanos = parseDuration(value);
  if (nanos === undefined || nanos < 1e6 || nanos > 3600e9) {
    throw invalid("--timeout", value, "give a duration from 1ms to 1h, e.g. 30s");
  }
  return Math.round(nanos / 1e6);
}

/** A session ID: 16 hex characters, upper case read as lower case. */
export function sessionId(value: string): string {
  const id = value.toLowerCase();
  if (!SESSION_ID.test(id)) throw invalid("session ID", value, "an ID is 16 hex characters, e.g. 0123456789abcdef");
  return id;
}
