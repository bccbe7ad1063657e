// Help, version, completion and usage errors come from the table's literal
// (command-table.ts); the command's own module, cac and the value checks are
// imported only once the words name a command to run.
import { UsageError } from "../aws/errors.ts";
import { canonicalFlag, joinDashValues, splitArgs, unknownFlag } from "./argv.ts";
import type { AnyCommand, CommandInfo, ParsedArgs } from "./command.ts";
import { commandTable } from "./command-table.ts" with { type: "macro" };
import { COMMAND_MODULES } from "./commands.ts";
import type { Deps } from "./deps.ts";
import { ExitCode } from "./exit-code.ts";
import { checkFlagValues } from "./flag-syntax.ts";
import { commandHelp, globalHelp, groupHelp, helpWidth } from "./help.ts";
import type { IO } from "./io.ts";
import { closest } from "./suggest.ts";

// A macro's answer is the literal itself, not the Promise its type says. Through
// a call, so the minifier keeps one copy of the literal rather than one per use.
const TABLE: readonly CommandInfo[] = Object.freeze(commandTable() as unknown as CommandInfo[]);
const SHELLS = ["bash", "zsh", "fish"] as const;

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
function findCommand(commands: readonly CommandInfo[], words: readonly string[]): [CommandInfo, number] | undefined {
  const two = commands.find((c) => c.name === `${words[0]} ${words[1]}`);
  if (two !== undefined) return [two, 2];
  const one = commands.find((c) => c.name === words[0]);
  return one === undefined ? undefined : [one, 1];
}

function unknownCommand(typed: string, commands: readonly CommandInfo[]): UsageError {
  const names = [...commands.map((c) => c.name), ...BUILT_IN];
  const group = commands.filter((c) => c.name.startsWith(`${typed.split(" ")[0]} `));
  if (group.length > 0 && !typed.includes(" ")) {
    return new UsageError(
      `"${typed}" needs a command: ${group.map((c) => c.name).join(", ")}; run sentinel help ${typed}`,
    );
  }
  const guess = closest(typed, names, { wordParts: true });
  const hint = guess === undefined ? "" : `did you mean "${guess}"? `;
  return new UsageError(`unknown command "${typed}": ${hint}run sentinel --help`);
}

/**
 * cac matches the command and flags the options no entry declares; our own
 * split (argv.ts) keeps values exactly as typed and words the messages.
 */
export async function checkWithCac(command: CommandInfo, tokens: readonly string[]): Promise<void> {
  const { CAC } = await import("cac");
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
  // cac names an option by its own camelCase (s3-concurrency stays as it is, a
  // digit before the dash): known are the names it gave the declared options.
  // An unknown one is named as it was typed.
  const known = new Set(declared.options.flatMap((option) => option.names));
  const typed = argv.filter((t) => t.startsWith("-") && t !== "--").map((t) => t.split("=")[0] as string);
  for (const key of Object.keys(cli.options)) {
    if (key === "--" || key === "h" || key === "help") continue;
    if (!known.has(key)) {
      const culprit = typed.find((t) => canonicalFlag(command.flags, t.replace(/^-+/, "")) === undefined);
      throw unknownFlag(culprit ?? `--${key}`, command.flags, command.name);
    }
  }
}

/**
 * What runCli needs before a command runs: the IO its own texts go to, and the
 * command's Deps, asked for only when a command is about to run (main makes the
 * process's streams and the AWS factories then). A full Deps serves for both.
 */
export type CliDeps = { io: IO; version: string; commandDeps(): Promise<Deps> };

/** The full entry of `info`: its command's module is imported here, to run it. */
async function loadCommand(info: CommandInfo): Promise<AnyCommand> {
  const load = COMMAND_MODULES[TABLE.indexOf(info)];
  if (load === undefined) throw new Error(`the command table has no "${info.name}"`);
  return load();
}

/** Parses argv (without the runtime and script) and runs the command. */
export async function runCli(args: readonly string[], deps: Deps | CliDeps): Promise<ExitCode> {
  const commands = TABLE;
  const { io } = deps;
  const width = () => helpWidth(io);
  const first = args[0];
  if (first === undefined) {
    await io.stderr.write(globalHelp(commands, width()));
    return ExitCode.Usage;
  }
  if (first.startsWith("-")) {
    if (args.every((a) => isHelp(a) || isVersion(a)) && args.some(isHelp))
      return write(io.stdout, globalHelp(commands, width()));
    if (args.length === 1 && isVersion(first)) return write(io.stdout, `sentinel ${deps.version}\n`);
    if (isHelp(first) && args[1] !== undefined) return helpFor(args.slice(1), io);
    throw new UsageError(
      `unknown flag "${first}" before a command: put flags after the command, e.g. sentinel server-sessions --table NAME; run sentinel --help`,
    );
  }
  if (first === "help") return helpFor(args.slice(1), io);
  const named = builtIn(first);
  if (named !== undefined && args.slice(1).some(isHelp)) return write(io.stdout, BUILT_IN_HELP[named]);
  if (first === "version") {
    if (args.length > 1) throw new UsageError(`sentinel version takes no arguments: run sentinel version`);
    return write(io.stdout, `sentinel ${deps.version}\n`);
  }
  if (first === "completion") {
    const shell = args[1];
    if (args.length !== 2 || !SHELLS.includes(shell as (typeof SHELLS)[number])) {
      throw new UsageError(`sentinel completion needs one shell, ${SHELLS.join(", ")}: e.g. sentinel completion bash`);
    }
    const { completionScript } = await import("./completion.ts");
    return write(io.stdout, completionScript(shell as (typeof SHELLS)[number], commands));
  }
  const found = findCommand(commands, args);
  if (found === undefined) {
    // A group's help lists its commands: `sentinel audit --help`.
    if (isGroup(first, commands) && args.slice(1).some(isHelp)) {
      return write(io.stdout, groupHelp(first, commands, width()));
    }
    throw unknownCommand(
      args
        .slice(0, 2)
        .filter((w) => !w.startsWith("-"))
        .join(" "),
      commands,
    );
  }
  const [info, words] = found;
  const tokens = args.slice(words);
  const beforeEnd = tokens.indexOf("--") === -1 ? tokens : tokens.slice(0, tokens.indexOf("--"));
  if (beforeEnd.some(isHelp)) return write(io.stdout, commandHelp(info, width()));
  const split = splitArgs(tokens, info.flags, info.name);
  for (const [name, values] of split.values) {
    if (values.includes(undefined)) throw new UsageError(`--${name} needs a value`);
  }
  if (split.args.length < info.args.min) {
    throw new UsageError(
      info.args.missing ?? `sentinel ${info.name} needs more arguments: run sentinel ${info.name} --help`,
    );
  }
  if (split.args.length > info.args.max) {
    const extra = split.args
      .slice(info.args.max)
      .map((a) => JSON.stringify(a))
      .join(" ");
    throw new UsageError(`unexpected argument ${extra} for ${info.name}: run sentinel ${info.name} --help`);
  }
  // Whole numbers and fixed values are checked from the table: such a usage
  // error costs no more than --version.
  checkFlagValues(info.flags, split.values);
  const [command, { FlagReader }] = await Promise.all([loadCommand(info), import("./flag-values.ts")]);
  const parsed: ParsedArgs = {
    flags: new FlagReader(split.values),
    has: (name) => split.switches.has(name),
    args: split.args,
    argv: args,
  };
  const options = command.toOptions(parsed, io);
  // cac's match is the last check before the command runs: a usage error found by
  // our own split or the command's options never pays for loading it.
  await checkWithCac(info, tokens);
  return command.run(options, "commandDeps" in deps ? await deps.commandDeps() : deps);
}

const isGroup = (word: string, commands: readonly CommandInfo[]) => commands.some((c) => c.name.startsWith(`${word} `));

async function helpFor(words: readonly string[], io: IO): Promise<ExitCode> {
  const commands = TABLE;
  const width = helpWidth(io);
  const wanted = words.filter((w) => !isHelp(w));
  if (wanted.length === 0) return write(io.stdout, globalHelp(commands, width));
  const named = builtIn(wanted[0]);
  if (named !== undefined && wanted.length === 1) return write(io.stdout, BUILT_IN_HELP[named]);
  const found = findCommand(commands, wanted);
  if (found === undefined || found[1] !== wanted.length) {
    if (wanted.length === 1 && isGroup(wanted[0] as string, commands)) {
      return write(io.stdout, groupHelp(wanted[0] as string, commands, width));
    }
    throw unknownCommand(wanted.join(" "), commands);
  }
  return write(io.stdout, commandHelp(found[0], width));
}

async function write(out: IO["stdout"], text: string): Promise<ExitCode> {
  await out.write(text);
  return ExitCode.Ok;
}
