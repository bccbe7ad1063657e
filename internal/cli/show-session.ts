import type { ConnectionOptions } from "../aws/connection.ts";
import { SentinelError } from "../aws/errors.ts";
import { writeDetailsJson } from "../output/details-json.ts";
import { writeHumanDetails } from "../output/human.ts";
import type { Command } from "./command.ts";
import { oneOf } from "./command.ts";
import { CONNECTION_FLAGS, connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import { ExitCode } from "./exit-code.ts";
import * as flag from "./flag-values.ts";
import { say } from "./io.ts";

export type ShowSessionOptions = {
  id: string;
  table: string;
  connection: ConnectionOptions;
  output: "human" | "json";
  debug: boolean;
};

/** `sentinel server-session ID`: one session's details. */
export async function showSession(opts: ShowSessionOptions, deps: Deps): Promise<ExitCode> {
  const { io } = deps;
  const { store, region, close } = await deps.openStore(opts.connection, opts.table, 1);
  try {
    const result = await store.get(opts.id, {
      onDebug: (line) => (opts.debug ? void say(io, `debug: ${line}`) : undefined),
      signal: deps.signal,
    });
    if (result.kind === "missing") {
      throw new SentinelError(
        `session "${opts.id}" not found in table "${opts.table}" (${region}): check the ID and --table`,
      );
    }
    if (result.kind === "malformed") {
      await say(io, `warning: skipped 1 malformed session item(s): ${result.label}`);
      return ExitCode.Malformed;
    }
    if (opts.output === "json") await writeDetailsJson(io.stdout, result.session);
    else await writeHumanDetails(io.stdout, result.session);
    return ExitCode.Ok;
  } finally {
    close();
  }
}

export const serverSession: Command<ShowSessionOptions> = {
  name: "server-session",
  summary: "show one session's details",
  usage: "ID [flags]",
  description: "Show one session's details. ID is 16 hex characters (upper case is read as lower case).",
  args: { min: 1, max: 1, missing: "server-session needs a session ID, e.g. sentinel server-session 0123456789abcdef" },
  flags: {
    output: oneOf("Output", "FORMAT", ["human", "json"], "human or json (default: human)", { aliases: ["format"] }),
    ...CONNECTION_FLAGS,
  },
  examples: ["sentinel server-session 0123456789abcdef --table sentinel-sessions --output json"],
  toOptions(parsed, io) {
    const raw = parsed.flags;
    return {
      id: flag.sessionId(parsed.args[0] as string),
      table: flag.tableName(raw.text("table"), io.env),
      connection: connectionOptions(parsed),
      output: flag.outputFormat(raw.text("output"), ["human", "json"]) as "human" | "json",
      debug: parsed.has("debug"),
    };
  },
  run: showSession,
};
