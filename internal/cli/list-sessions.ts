import type { ConnectionOptions } from "../aws/connection.ts";
import { UsageError } from "../aws/errors.ts";
import { OUTPUT_FORMATS, type OutputFormat } from "../output/fields.ts";
import { listingFormat } from "../output/listing-format.ts";
import type { Text } from "../output/writer.ts";
import { CompactNewestFirst } from "../session/compact-rows.ts";
import { NewestFirst } from "../session/newest-first.ts";
import { SESSION_STATUSES, type Session, type SessionFilter } from "../session/session.ts";
import { formatNano } from "../timefilter/instant.ts";
import { describeWindowProblem, parseWindow } from "../timefilter/parse-when.ts";
import { type Command, oneOf, toggle, value } from "./command.ts";
import { CONNECTION_FLAGS, connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import { ExitCode } from "./exit-code.ts";
import * as flag from "./flag-values.ts";
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
  /** Drop `note:` lines. */
  quiet: boolean;
  debug: boolean;
};

const MALFORMED_PREVIEW = 5;

/** `sentinel server-sessions`: list or export the matching sessions, newest first. */
export async function listSessions(opts: ListSessionsOptions, deps: Deps): Promise<ExitCode> {
  const { io } = deps;
  const debug = (line: string) => (opts.debug ? void say(io, `debug: ${line}`) : undefined);
  const note = (line: string) => (opts.quiet ? undefined : say(io, line));
  if (opts.debug) {
    const w = opts.filter.window;
    debug(`window ${w.since === undefined ? "-" : formatNano(w.since)} .. ${formatNano(w.until)}`);
  }
  const { store, region, close } = await deps.openStore(opts.connection, opts.table, opts.segments);
  try {
    let filter = opts.filter;
    if (!opts.explicitFilter) {
      const user = await deps.callerUserName({ ...opts.connection, region });
      await note(
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
        void note(line);
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
      await note(`note: showing the ${count(keep.size)} newest of ${of} matching sessions; --limit 0 shows all`);
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

export const serverSessions: Command<ListSessionsOptions> = {
  name: "server-sessions",
  summary: "list or export sessions, newest first",
  usage: "[flags]",
  description: `List or export the sessions matching every filter given, newest first (by created_at,
ties by id). With no filter at all, lists the caller's own sessions (STS identity).`,
  args: { min: 0, max: 0 },
  flags: {
    status: oneOf("Filters", "STATUS", SESSION_STATUSES, "active, revoked or expired"),
    user: value("Filters", "USER", "exact user name"),
    profile: value("Filters", "PROFILE", "exact profile name"),
    since: value(
      "Filters",
      "WHEN",
      "created at or after WHEN: a duration before now (7d, 24h, 1h30m, 1.5h)\nor a time (2026-01-20, 2026-01-20T10:30:00Z, 2026-01-20T12:30:00+02:00)",
    ),
    until: value("Filters", "WHEN", "created at or before WHEN; a date means its end (default: now)"),
    limit: value(
      "Output",
      "N",
      `the N newest matching sessions; 0 = all\n(default: ${flag.DEFAULTS.limit} for human, all for json, ndjson and csv)`,
    ),
    output: oneOf("Output", "FORMAT", OUTPUT_FORMATS, "human, json, ndjson or csv (default: human)", {
      aliases: ["format"],
    }),
    "no-formula-guard": toggle("Output", "do not prefix CSV cells starting with = + - @ TAB CR with '"),
    quiet: toggle("Output", "no note: lines on stderr (warnings and errors stay)"),
    ...CONNECTION_FLAGS,
    segments: value("Connection", "N", `parallel scan segments, 1-64 (default: ${flag.DEFAULTS.segments})`),
  },
  examples: [
    "sentinel server-sessions --table sentinel-sessions --since 30d --output csv > sessions.csv",
    "sentinel server-sessions --table sentinel-sessions --status active",
    "sentinel server-sessions --table sentinel-sessions --user alice --since 2026-01-01 --until 2026-01-31 --output ndjson",
  ],
  toOptions(parsed, io) {
    const raw = parsed.flags;
    const status = flag.status(raw.text("status"));
    const user = flag.matchText("--user", raw.text("user"));
    const profile = flag.matchText("--profile", raw.text("profile"));
    const since = raw.text("since");
    const until = raw.text("until");
    const window = parseWindow(since, until, io.now());
    if ("problem" in window) throw new UsageError(describeWindowProblem(window.problem, since, until));
    const output = flag.outputFormat(raw.text("output"), OUTPUT_FORMATS);
    // An export is complete unless asked otherwise; a terminal table shows a screenful.
    const defaultLimit = output === "human" ? flag.DEFAULTS.limit : 0;
    return {
      table: flag.tableName(raw.text("table"), io.env),
      connection: connectionOptions(parsed),
      filter: {
        window: window.window,
        ...(status === undefined ? {} : { status }),
        ...(user === undefined ? {} : { user }),
        ...(profile === undefined ? {} : { profile }),
      },
      explicitFilter: [status, user, profile, since, until].some((given) => given !== undefined),
      limit: flag.wholeNumber("--limit", raw.text("limit"), defaultLimit, 0, Number.MAX_SAFE_INTEGER),
      output,
      formulaGuard: !parsed.has("no-formula-guard"),
      segments: flag.wholeNumber("--segments", raw.text("segments"), flag.DEFAULTS.segments, 1, 64),
      quiet: parsed.has("quiet"),
      debug: parsed.has("debug"),
    };
  },
  run: listSessions,
};
