import { CAC, type Command } from "cac";
import { UsageError } from "../aws/errors.ts";
import { formatNano } from "../timefilter/instant.ts";
import { describeWindowProblem, parseWindow } from "../timefilter/parse-when.ts";
import { joinDashValues, rawFlagValues } from "./argv.ts";
import type { Deps } from "./commands.ts";
import { ExitCode } from "./exit-code.ts";
import * as flag from "./flag-values.ts";
import { GLOBAL_HELP, LIST_HELP, SHOW_HELP } from "./help.ts";
import { listSessions } from "./list-sessions.ts";
import { showSession } from "./show-session.ts";

const CONNECTION_VALUE_FLAGS = ["table", "region", "aws-profile", "endpoint-url", "timeout", "output", "format"];
const LIST_VALUE_FLAGS = [
  ...CONNECTION_VALUE_FLAGS,
  "status",
  "user",
  "profile",
  "since",
  "until",
  "limit",
  "segments",
];
const VALUE_FLAGS = new Set(LIST_VALUE_FLAGS);

function declare(command: Command, valueFlags: string[]): Command {
  for (const name of valueFlags) command.option(`--${name} <value>`, "");
  return command.option("--debug", "").option("-h, --help", "");
}

/** A fresh cac with both commands' flags declared; help text is our own (help.ts). */
export function createCli(): CAC {
  const cli = new CAC("sentinel");
  declare(cli.command("server-sessions"), LIST_VALUE_FLAGS).option("--no-formula-guard", "");
  declare(cli.command("server-session [id]"), CONNECTION_VALUE_FLAGS);
  cli.option("-v, --version", "").option("-h, --help", "");
  return cli;
}

/** Parses argv (without the runtime and script) and runs the command. */
export async function runCli(args: string[], deps: Deps): Promise<ExitCode> {
  const { io } = deps;
  const argv = joinDashValues(args, VALUE_FLAGS);
  const cli = createCli();
  try {
    cli.parse(["sentinel", "sentinel", ...argv], { run: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const command = cli.matchedCommand;
  if (cli.options.version && !cli.options.help) {
    await io.stdout.write(`sentinel ${deps.version}\n`);
    return ExitCode.Ok;
  }
  if (command === undefined) {
    if (cli.args.length > 0) throw new UsageError(`unknown command "${cli.args[0]}": run sentinel --help`);
    if (cli.options.help) {
      await io.stdout.write(GLOBAL_HELP);
      return ExitCode.Ok;
    }
    if (argv.length === 0) {
      await io.stderr.write(GLOBAL_HELP);
      return ExitCode.Usage;
    }
    throw new UsageError(`unknown flag "${argv[0]}": run sentinel --help`);
  }
  if (cli.options.help) {
    await io.stdout.write(command.name === "server-sessions" ? LIST_HELP : SHOW_HELP);
    return ExitCode.Ok;
  }
  try {
    command.checkUnknownOptions();
    command.checkUnusedArgs();
  } catch (error) {
    const message = (error as Error).message.replace(/`/g, '"');
    throw new UsageError(`${message.charAt(0).toLowerCase()}${message.slice(1)}: run sentinel ${command.name} --help`);
  }
  const raw = new flag.FlagReader(rawFlagValues(argv, VALUE_FLAGS));
  const connection = {
    region: flag.region(raw.text("region")),
    awsProfile: flag.awsProfile(raw.text("aws-profile")),
    endpointUrl: flag.endpointUrl(raw.text("endpoint-url")),
    timeoutMs: flag.timeoutMs(raw.text("timeout")),
    maxAttempts: flag.DEFAULTS.maxAttempts,
  };
  const debug = cli.options.debug === true;

  if (command.name === "server-session") {
    const id = flag.sessionId(cli.args[0]);
    const table = flag.tableName(raw.text("table"), io.env);
    const output = flag.outputFormat(raw.text("output", ["format"]), ["human", "json"]) as "human" | "json";
    return showSession({ id, table, connection, output, debug }, deps);
  }

  const table = flag.tableName(raw.text("table"), io.env);
  const status = flag.status(raw.text("status"));
  const user = flag.matchText("--user", raw.text("user"));
  const profile = flag.matchText("--profile", raw.text("profile"));
  const since = raw.text("since");
  const until = raw.text("until");
  const parsed = parseWindow(since, until, io.now());
  if ("problem" in parsed) throw new UsageError(describeWindowProblem(parsed.problem, since, until));
  const limit = flag.wholeNumber("--limit", raw.text("limit"), flag.DEFAULTS.limit, 0, Number.MAX_SAFE_INTEGER);
  const output = flag.outputFormat(raw.text("output", ["format"]), ["human", "json", "ndjson", "csv"]);
  const segments = flag.wholeNumber("--segments", raw.text("segments"), flag.DEFAULTS.segments, 1, 64);
  if (debug) {
    const w = parsed.window;
    await io.stderr.write(
      `debug: window ${w.since === undefined ? "-" : formatNano(w.since)} .. ${formatNano(w.until)}\n`,
    );
  }
  return listSessions(
    {
      table,
      connection,
      filter: {
        window: parsed.window,
        ...(status === undefined ? {} : { status }),
        ...(user === undefined ? {} : { user }),
        ...(profile === undefined ? {} : { profile }),
      },
      explicitFilter: [status, user, profile, since, until].some((value) => value !== undefined),
      limit,
      output,
      formulaGuard: cli.options.formulaGuard !== false,
      segments,
      debug,
    },
    deps,
  );
}
