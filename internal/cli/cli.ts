import { CAC } from "cac";
import { UsageError } from "../aws/errors.ts";
import { canonicalFlag, joinDashValues, splitArgs, unknownFlag } from "./argv.ts";
import type { AnyCommand, ParsedArgs } from "./command.ts";
import { COMMANDS } from "./commands.ts";
import { completionScript, SHELLS, type Shell } from "./completion.ts";
import type { Deps } from "./deps.ts";
import { ExitCode } from "./exit-code.ts";
import { FlagReader } from "./flag-values.ts";
import { commandHelp, globalHelp } from "./help.ts";
import { closest } from "./suggest.ts";

const BUILT_IN = ["help", "version", "completion"] as const;

/** Help of the commands that are not in the table. */
const BUILT_IN_HELP: Record<(typeof BUILT_IN)[number], string> = {
  help: `Usage: sentinel help [COMMAND]

Show the help of sentinel, or of one command (the same as COMMAND --help).

Example:
  sentinel help server-sessions
`,
  version: `Usage: sentinel version

Print the version, the commit and the build target (the same as sentinel --version).

Example:
  sentinel version
`,
  completion: `Usage: sentinel completion SHELL

Print a completion script for SHELL (bash, zsh or fish), generated from the same
command table as --help: commands, flags and their fixed values.

Examples:
  source <(sentinel completion bash)
  sentinel completion fish > ~/.config/fish/completions/sentinel.fish
`,
};
const builtIn = (word: string | undefined) => BUILT_IN.find((name) => name === word);
const isHelp = (token: string) => token === "--help" || token === "-h";
const isVersion = (token: string) => token === "--version" || token === "-v";

/** The table entry named by the leading words of argv, and how many words it took. */
function findCommand(commands: readonly AnyCommand[], words: readonly string[]): [AnyCommand, number] | undefined {
  const two = commands.find((c) => c.name === `${words[0]} ${words[1]}`);
  if (two !== undefined) return [two, 2];
  const one = commands.find((c) => c.name === words[0]);
  return one === undefined ? undefined : [one, 1];
}

function unknownCommand(typed: string, commands: readonly AnyCommand[]): UsageError {
  const names = [...commands.map((c) => c.name), ...BUILT_IN];
  const group = commands.filter((c) => c.name.startsWith(`${typed.split(" ")[0]} `));
  if (group.length > 0 && !typed.includes(" ")) {
    return new UsageError(
      `"${typed}" needs a command: ${group.map((c) => c.name).join(", ")}; run sentinel help ${typed}`,
    );
  }
  const guess = closest(typed, names);
  const hint = guess === undefined ? "" : `did you mean "${guess}"? `;
  return new UsageError(`unknown command "${typed}": ${hint}run sentinel --help`);
}

/**
 * cac matches the command and flags the options no entry declares; our own
 * split (argv.ts) keeps values exactly as typed and words the messages.
 */
function checkWithCac(command: AnyCommand, tokens: readonly string[]): void {
  const cli = new CAC("sentinel");
  const declared = cli.command(command.name, "").allowUnknownOptions();
  for (const [name, spec] of Object.entries(command.flags)) {
    for (const n of [name, ...(spec.aliases ?? [])])
      declared.option(spec.kind === "value" ? `--${n} <v>` : `--${n}`, "");
  }
  const valueFlags = new Set(
    Object.entries(command.flags)
      .filter(([, spec]) => spec.kind === "value")
      .flatMap(([name, spec]) => [name, ...(spec.aliases ?? [])]),
  );
  const argv = joinDashValues(tokens, valueFlags);
  cli.parse(["sentinel", "sentinel", command.name, ...argv], { run: false });
  if (cli.matchedCommand !== declared) throw new UsageError(`cannot match the command "${command.name}"`);
  // cac names an unknown option in camelCase; name the first one as it was typed.
  const typed = argv.filter((t) => t.startsWith("-") && t !== "--").map((t) => t.split("=")[0] as string);
  for (const key of Object.keys(cli.options)) {
    if (key === "--" || key === "h" || key === "help") continue;
    const known = Object.entries(command.flags).some(([name, spec]) =>
      [name, ...(spec.aliases ?? [])].some(
        (n) => camel(n) === key || (n.startsWith("no-") && camel(n.slice(3)) === key),
      ),
    );
    if (!known) {
      const culprit = typed.find((t) => canonicalFlag(command.flags, t.replace(/^-+/, "")) === undefined);
      throw unknownFlag(culprit ?? `--${key}`, command.flags, command.name);
    }
  }
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Parses argv (without the runtime and script) and runs the command. */
export async function runCli(
  args: readonly string[],
  deps: Deps,
  commands: readonly AnyCommand[] = COMMANDS,
): Promise<ExitCode> {
  const { io } = deps;
  const first = args[0];
  if (first === undefined) {
    await io.stderr.write(globalHelp(commands));
    return ExitCode.Usage;
  }
  if (first.startsWith("-")) {
    if (args.every((a) => isHelp(a) || isVersion(a)) && args.some(isHelp))
      return write(io.stdout, globalHelp(commands));
    if (args.length === 1 && isHelp(first)) return write(io.stdout, globalHelp(commands));
    if (args.length === 1 && isVersion(first)) return write(io.stdout, `sentinel ${deps.version}\n`);
    if (isHelp(first) && args[1] !== undefined) return helpFor(args.slice(1), commands, deps);
    throw new UsageError(
      `unknown flag "${first}" before a command: put flags after the command, e.g. sentinel server-sessions --table NAME; run sentinel --help`,
    );
  }
  if (first === "help") return helpFor(args.slice(1), commands, deps);
  const named = builtIn(first);
  if (named !== undefined && args.slice(1).some(isHelp)) return write(io.stdout, BUILT_IN_HELP[named]);
  if (first === "version") {
    if (args.length > 1) throw new UsageError(`sentinel version takes no arguments: run sentinel version`);
    return write(io.stdout, `sentinel ${deps.version}\n`);
  }
  if (first === "completion") {
    const shell = args[1];
    if (args.length !== 2 || !SHELLS.includes(shell as Shell)) {
      throw new UsageError(`sentinel completion needs one shell, ${SHELLS.join(", ")}: e.g. sentinel completion bash`);
    }
    return write(io.stdout, completionScript(shell as Shell, commands));
  }
  const found = findCommand(commands, args);
  if (found === undefined)
    throw unknownCommand(
      args
        .slice(0, 2)
        .filter((w) => !w.startsWith("-"))
        .join(" "),
      commands,
    );
  const [command, words] = found;
  const tokens = args.slice(words);
  const beforeEnd = tokens.indexOf("--") === -1 ? tokens : tokens.slice(0, tokens.indexOf("--"));
  if (beforeEnd.some(isHelp)) return write(io.stdout, commandHelp(command));
  checkWithCac(command, tokens);
  const split = splitArgs(tokens, command.flags, command.name);
  if (split.args.length < command.args.min) {
    throw new UsageError(
      command.args.missing ?? `sentinel ${command.name} needs more arguments: run sentinel ${command.name} --help`,
    );
  }
  if (split.args.length > command.args.max) {
    const extra = split.args
      .slice(command.args.max)
      .map((a) => JSON.stringify(a))
      .join(" ");
    throw new UsageError(`unexpected argument ${extra} for ${command.name}: run sentinel ${command.name} --help`);
  }
  const parsed: ParsedArgs = {
    flags: new FlagReader(split.values),
    has: (name) => split.switches.has(name),
    args: split.args,
    argv: args,
  };
  return command.run(command.toOptions(parsed, io), deps);
}

async function helpFor(words: readonly string[], commands: readonly AnyCommand[], deps: Deps): Promise<ExitCode> {
  const wanted = words.filter((w) => !isHelp(w));
  if (wanted.length === 0) return write(deps.io.stdout, globalHelp(commands));
  const named = builtIn(wanted[0]);
  if (named !== undefined && wanted.length === 1) return write(deps.io.stdout, BUILT_IN_HELP[named]);
  const found = findCommand(commands, wanted);
  if (found === undefined || found[1] !== wanted.length) {
    const group = commands.filter((c) => c.name.startsWith(`${wanted[0]} `));
    if (group.length > 0 && wanted.length === 1) {
      return write(deps.io.stdout, `${group.map((c) => commandHelp(c)).join("\n")}`);
    }
    throw unknownCommand(wanted.join(" "), commands);
  }
  return write(deps.io.stdout, commandHelp(found[0]));
}

async function write(out: Deps["io"]["stdout"], text: string): Promise<ExitCode> {
  await out.write(text);
  return ExitCode.Ok;
}
