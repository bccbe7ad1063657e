import type { ConnectionOptions } from "../aws/connection.ts";
import type { ExportEnv } from "../export/export-env.ts";
import type { SessionSource } from "../export/session-source.ts";
import type { Deps } from "./deps.ts";
import { LISTING_PACING, STREAMING_PACING } from "./gc-pacer.ts";
import { say } from "./io.ts";
import { Progress } from "./progress.ts";

/** The process edge as the export pipeline sees it: stderr lines, progress, pacing and STS. */
export function exportEnvOf(
  deps: Deps,
  connection: ConnectionOptions,
  { quiet, debug }: { quiet: boolean; debug: boolean },
): ExportEnv {
  const { io } = deps;
  return {
    stdout: io.stdout,
    now: () => io.now(),
    signal: deps.signal,
    version: deps.version,
    warn: (line) => say(io, line),
    note: async (line) => (quiet ? undefined : say(io, line)),
    debug: (line) => (debug ? void say(io, `debug: ${line}`) : undefined),
    startProgress: () => new Progress(io),
    collectorFor: (order) => deps.pacedCollector?.(order === "none" ? STREAMING_PACING : LISTING_PACING),
    callerIdentity: (region) => deps.callerIdentity({ ...connection, region }),
    callerUserName: (region) => deps.callerUserName({ ...connection, region }),
  };
}

/** The session table as an export's source. */
export function tableSource(deps: Deps, connection: ConnectionOptions, table: string, segments: number): SessionSource {
  return {
    table,
    open: async () => ({ ...(await deps.openStore(connection, table, segments)), table }),
  };
}
