import type { ConnectionOptions } from "../aws/dynamo-client.ts";
import { SentinelError } from "../aws/errors.ts";
import { writeDetailsJson } from "../output/details-json.ts";
import { writeHumanDetails } from "../output/human.ts";
import type { Deps } from "./commands.ts";
import { ExitCode } from "./exit-code.ts";
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
