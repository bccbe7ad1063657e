import type { ConnectionOptions } from "../aws/connection.ts";
import { SentinelError } from "../aws/errors.ts";
import { writeDetailsJson } from "../output/details-json.ts";
import { writeHumanDetails } from "../output/human.ts";
import type { SessionStore } from "../session/store.ts";
import type { Command } from "./command.ts";
import { oneOf } from "./command.ts";
import { CONNECTION_FLAGS, connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import { ExitCode } from "./exit-code.ts";
import { exportTable, FROM_EXPORT_FLAGS, fromExportOption } from "./export-flags.ts";
import * as flag from "./flag-values.ts";
import { say } from "./io.ts";

export type ShowSessionOptions = {
  id: string;
  /** The table; with --from-export, the one the export must be of (undefined: whichever it is). */
  table: string | undefined;
  /** --from-export (SPEC §12): look the session up in this export instead of the table. */
  fromExport?: { location: string; concurrency: number };
  connection: ConnectionOptions;
  output: "human" | "json";
  debug: boolean;
};

/** `sentinel server-session ID`: one session's details. */
export async function showSession(opts: ShowSessionOptions, deps: Deps): Promise<ExitCode> {
  const { io } = deps;
  const { store, region, close, where } = await openSource(opts, deps);
  try {
    const result = await store.get(opts.id, {
      onDebug: (line) => (opts.debug ? void say(io, `debug: ${line}`) : undefined),
      signal: deps.signal,
    });
    if (result.kind === "missing") {
      throw new SentinelError(
        opts.fromExport === undefined
          ? `session "${opts.id}" not found in table "${opts.table}" (${region}): check the ID and --table`
          : `session "${opts.id}" not found in the export ${where}: check the ID and --from-export`,
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

/** The table, or the export of --from-export (whose table must be --table's when given). */
async function openSource(
  opts: ShowSessionOptions,
  deps: Deps,
): Promise<{ store: SessionStore; region: string; close(): void; where: string }> {
  if (opts.fromExport === undefined) {
    const table = await deps.openStore(opts.connection, opts.table as string, 1);
    return { ...table, where: `table "${opts.table}"` };
  }
  const { store, facts, close } = await deps.openExport(
    opts.connection,
    opts.fromExport.location,
    opts.fromExport.concurrency,
  );
  if (opts.table !== undefined && opts.table !== facts.table) {
    close();
    throw new SentinelError(
      `the export ${facts.uri} is of table "${facts.table}", not "${opts.table}": drop --table, or give an export of "${opts.table}"`,
    );
  }
  return { store, region: facts.region, close, where: facts.uri };
}

export const serverSession: Command<ShowSessionOptions> = {
  name: "server-session",
  summary: "show one session's details",
  usage: "ID [flags]",
  description: "Show one session's details. ID is 16 hex characters (upper case is read as lower case).",
  args: { min: 1, max: 1, missing: "server-session needs a session ID, e.g. sentinel server-session 0123456789abcdef" },
  flags: {
    output: oneOf("Output", "FORMAT", ["human", "json"], "human or json (default: human)", { aliases: ["format"] }),
    ...FROM_EXPORT_FLAGS,
    ...CONNECTION_FLAGS,
  },
  examples: ["sentinel server-session 0123456789abcdef --table sentinel-sessions --output json"],
  toOptions(parsed, io) {
    const raw = parsed.flags;
    const fromExport = fromExportOption(parsed, ["endpoint-url"]);
    return {
      id: flag.sessionId(parsed.args[0] as string),
      table: fromExport === undefined ? flag.tableName(raw.text("table"), io.env) : exportTable(parsed),
      ...(fromExport === undefined ? {} : { fromExport }),
      connection: connectionOptions(parsed),
      output: flag.outputFormat(raw.text("output"), ["human", "json"]) as "human" | "json",
      debug: parsed.has("debug"),
    };
  },
  run: showSession,
};
