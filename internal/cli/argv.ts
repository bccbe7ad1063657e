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
export function joinDashValues(args: string[], valueFlags: ReadonlySet<string>): string[] {
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

/**
 * The values given to each value-taking flag, in order; `undefined` marks a
 * flag given without a value.
 */
export function rawFlagValues(args: string[], valueFlags: ReadonlySet<string>): RawValues {
  const values: RawValues = new Map();
  const add = (name: string, value: string | undefined) => values.set(name, [...(values.get(name) ?? []), value]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") break;
    if (!arg.startsWith("--")) continue;
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!valueFlags.has(name)) continue;
    if (eq !== -1) {
      add(name, arg.slice(eq + 1));
      continue;
    }
    const next = args[i + 1];
    if (next === undefined || next.startsWith("--")) add(name, undefined);
    else {
      add(name, next);
      i++;
    }
  }
  return values;
}
