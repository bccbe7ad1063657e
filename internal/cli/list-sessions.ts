import type { ConnectionOptions } from "../aws/dynamo-client.ts";
import type { OutputFormat } from "../output/fields.ts";
import { listingFormat } from "../output/listing-format.ts";
import type { Text } from "../output/writer.ts";
import { CompactNewestFirst } from "../session/compact-rows.ts";
import { NewestFirst } from "../session/newest-first.ts";
import type { Session, SessionFilter } from "../session/session.ts";
import type { Deps } from "./commands.ts";
import { ExitCode } from "./exit-code.ts";
import { count, say } from "./io.ts";
import { Progress } from "./progress.ts";

export type ListSessionsOptions = {
  table: string;
  connection: ConnectionOptions;
  filter: SessionFilter;
  /** False when no status, user, profile, since or until was given: list the caller's own sessions. */
  explicitFilter: boolean;
  limit: number; // 0 = no limit
  output: OutputFormat;
  formulaGuard: boolean;
  segments: number;
  debug: boolean;
};

const MALFORMED_PREVIEW = 5;

/** `sentinel server-sessions`: list or export the matching sessions, newest first. */
export async function listSessions(opts: ListSessionsOptions, deps: Deps): Promise<ExitCode> {
  const { io } = deps;
  const debug = (line: string) => (opts.debug ? void say(io, `debug: ${line}`) : undefined);
  const { store, region, close } = await deps.openStore(opts.connection, opts.table, opts.segments);
  try {
    let filter = opts.filter;
    if (!opts.explicitFilter) {
      const user = await deps.callerUserName({ ...opts.connection, region });
      await say(
        io,
        `note: no filter given; listing the sessions of user "${user}" (the caller); pass a filter to see others`,
      );
      filter = { ...filter, user };
    }
    const progress = new Progress(io);
    const startedMs = performance.now();
    const format = listingFormat(opts.output, opts.formulaGuard);
    // A full export keeps its rows as compact bytes; a limited one keeps at most `limit` rows.
    const keep =
      opts.limit === 0 && opts.output !== "human"
        ? new CompactNewestFirst(format.row as (session: Session) => Text)
        : new NewestFirst(opts.limit, format.row);
    const result = await store.find(filter, keep, {
      onProgress: (p) => {
        progress.update(p);
        deps.afterPage?.();
      },
      onNote: (line) => {
        progress.clear();
        void say(io, line);
      },
      onDebug: debug,
      signal: deps.signal,
    });
    progress.clear();
    debug(
      `read ${count(result.itemsRead)} items, matched ${count(result.matched)}, wrote ${count(keep.size)} in ${Math.round(performance.now() - startedMs)} ms`,
    );
    await format.write(io.stdout, keep.sorted());
    if (keep.size < result.matched) {
      const of = result.complete ? count(result.matched) : `at least ${count(result.matched)}`;
      await say(io, `note: showing the ${count(keep.size)} newest of ${of} matching sessions; --limit 0 shows all`);
    }
    if (result.malformed.length === 0) return ExitCode.Ok;
    await say(
      io,
      `warning: skipped ${count(result.malformed.length)} malformed session item(s): ${preview(result.malformed)}`,
    );
    return ExitCode.Malformed;
  } finally {
    close();
  }
}

function preview(labels: string[]): string {
  const shown = labels.slice(0, MALFORMED_PREVIEW).join(", ");
  return labels.length > MALFORMED_PREVIEW ? `${shown} …` : shown;
}
