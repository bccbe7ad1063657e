import type { ConnectionOptions } from "../aws/connection.ts";
import { SentinelError, UsageError } from "../aws/errors.ts";
import { withoutUrlCredentials } from "../aws/sdk-errors.ts";
import { unwritableReason } from "../evidence/atomic-file.ts";
import {
  type CheckpointFilter,
  type CheckpointState,
  lockCheckpoint,
  readCheckpoint,
  writeCheckpoint,
} from "../evidence/checkpoint.ts";
import { HashingWriter } from "../evidence/hashing-writer.ts";
import { writeManifest } from "../evidence/manifest.ts";
import { type CallerIdentity, UnsupportedCallerError, userNameOf } from "../identity/caller.ts";
import { COLUMN_NAMES, type ColumnName, columnsFor, DEFAULT_COLUMNS, defaultHumanColumns } from "../output/columns.ts";
import { OUTPUT_FORMATS, type OutputFormat } from "../output/fields.ts";
import { listingFormat } from "../output/listing-format.ts";
import type { RowFormat } from "../output/row-format.ts";
import type { Text, Writer } from "../output/writer.ts";
import { CompactNewestFirst } from "../session/compact-rows.ts";
import { NewestFirst } from "../session/newest-first.ts";
import { RowStream } from "../session/row-stream.ts";
import { SESSION_STATUSES, type Session, type SessionFilter } from "../session/session.ts";
import type { FindEvents, FindResult, SessionStore } from "../session/store.ts";
import { addNanos, compareInstants, formatNano, instantFromDate } from "../timefilter/instant.ts";
import { describeWindowProblem, parseDuration, parseWindow, type TimeWindow } from "../timefilter/parse-when.ts";
import { type Command, oneOf, toggle, value } from "./command.ts";
import { CONNECTION_FLAGS, connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import { ExitCode } from "./exit-code.ts";
import * as flag from "./flag-values.ts";
import { LISTING_PACING, STREAMING_PACING } from "./gc-pacer.ts";
import { count, say } from "./io.ts";
import { Progress } from "./progress.ts";
import { closest } from "./suggest.ts";
import { stdoutWidth } from "./terminal-width.ts";

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
  /** --manifest FILE (SPEC §8.2). */
  manifest?: string;
  /** --checkpoint FILE (SPEC §8.3): the window comes from the file, `--until` or now minus `settleNanos`. */
  checkpoint?: { path: string; settleNanos: number; sinceGiven: boolean; untilGiven: boolean };
  /** argv after the program name, for the manifest. */
  argv: readonly string[];
  /** --columns; undefined = the default of each format. */
  columns?: readonly ColumnName[];
  /** newest: sorted, newest first; none: as read. */
  order: "newest" | "none";
};

const MALFORMED_PREVIEW = 5;
const DEFAULT_SETTLE_NANOS = 5 * 60e9;

/**
 * The names of `--columns`, in the order given; `all` is every column.
 * @example parseColumns("id,user,ttl") // ["id", "user", "ttl"]
 */
export function parseColumns(text: string): ColumnName[] {
  if (text === "all") return [...COLUMN_NAMES];
  const names = text.split(",").map((name) => name.trim());
  const valid = `valid names: ${COLUMN_NAMES.join(", ")}, or all`;
  const seen = new Set<string>();
  for (const name of names) {
    if (name === "") throw new UsageError(`invalid --columns ${JSON.stringify(text)}: an empty name; ${valid}`);
    if (!(COLUMN_NAMES as readonly string[]).includes(name)) {
      const guess = closest(name, COLUMN_NAMES);
      const hint = guess === undefined ? "" : `did you mean "${guess}"? `;
      throw new UsageError(`invalid --columns: unknown column ${JSON.stringify(name)}: ${hint}${valid}`);
    }
    if (seen.has(name))
      throw new UsageError(`invalid --columns: ${JSON.stringify(name)} is named twice; name each column once`);
    seen.add(name);
  }
  return names as ColumnName[];
}

/**
 * The window of a checkpointed run; `empty` when it ends before it starts
 * (the last run ended less than --settle ago): nothing is settled to export yet.
 */
function checkpointWindow(
  opts: ListSessionsOptions,
  state: CheckpointState | undefined,
  now: Date,
): { window: TimeWindow; empty: boolean } {
  const cp = opts.checkpoint as NonNullable<ListSessionsOptions["checkpoint"]>;
  const until = cp.untilGiven ? opts.filter.window.until : addNanos(instantFromDate(now), -cp.settleNanos);
  const since = state === undefined ? opts.filter.window.since : addNanos(state.windowEnd, 1);
  const empty = since !== undefined && compareInstants(since, until) > 0;
  if (empty && cp.untilGiven) {
    throw new UsageError(
      `--until ${formatNano(until)} is before the checkpoint's next window, which starts at ${formatNano(since)}: give a later --until, or none`,
    );
  }
  return { window: since === undefined ? { until } : { since, until }, empty };
}

const filterRecord = (filter: SessionFilter): CheckpointFilter => ({
  status: filter.status ?? null,
  user: filter.user ?? null,
  profile: filter.profile ?? null,
});

/** Names how a run's table or filter differs from the checkpoint's, or undefined when they agree. */
function checkpointMismatch(state: CheckpointState, table: string, filter: CheckpointFilter): string | undefined {
  if (state.table !== table) return `it is for table "${state.table}", not "${table}"`;
  for (const name of ["status", "user", "profile"] as const) {
    if (state.filter[name] !== filter[name]) {
      const was = state.filter[name] === null ? `no --${name}` : `--${name} "${state.filter[name]}"`;
      const now = filter[name] === null ? `no --${name}` : `--${name} "${filter[name]}"`;
      return `it was taken with ${was}, this run has ${now}`;
    }
  }
  return undefined;
}

/** `sentinel server-sessions`: list or export the matching sessions, newest first. */
export async function listSessions(opts: ListSessionsOptions, deps: Deps): Promise<ExitCode> {
  const { io } = deps;
  const startedAt = io.now();
  const debug = (line: string) => (opts.debug ? void say(io, `debug: ${line}`) : undefined);
  const note = (line: string) => (opts.quiet ? undefined : say(io, line));

  let release: (() => void) | undefined;
  let state: CheckpointState | undefined;
  let emptyWindow = false;
  let window = opts.filter.window;
  if (opts.checkpoint !== undefined) release = lockCheckpoint(opts.checkpoint.path);
  try {
    if (opts.checkpoint !== undefined) {
      state = readCheckpoint(opts.checkpoint.path);
      if (state !== undefined && opts.checkpoint.sinceGiven) {
        throw new UsageError(
          `--since cannot be combined with an existing --checkpoint "${opts.checkpoint.path}": the next window starts after ${formatNano(state.windowEnd)}; drop --since`,
        );
      }
      const mismatch =
        state === undefined ? undefined : checkpointMismatch(state, opts.table, filterRecord(opts.filter));
      if (mismatch !== undefined) {
        throw new UsageError(
          `checkpoint "${opts.checkpoint.path}" does not fit this export: ${mismatch}; use the same table and filter, or another --checkpoint`,
        );
      }
      const settled = checkpointWindow(opts, state, startedAt);
      if (settled.empty) {
        await note(
          `note: nothing settled to export yet: the last run ended at ${formatNano(state?.windowEnd ?? window.until)}, less than --settle ago; the checkpoint is unchanged`,
        );
      }
      window = settled.window;
      emptyWindow = settled.empty;
    }
    return await exportSessions({ ...opts, filter: { ...opts.filter, window } }, deps, {
      startedAt,
      note,
      debug,
      state,
      emptyWindow,
    });
  } finally {
    release?.();
  }
}

async function exportSessions(
  opts: ListSessionsOptions,
  deps: Deps,
  run: {
    startedAt: Date;
    note: (line: string) => Promise<void> | undefined;
    debug: (line: string) => void;
    state: CheckpointState | undefined;
    /** A checkpointed window that ends before it starts: an empty export (output and manifest), nothing read. */
    emptyWindow: boolean;
  },
): Promise<ExitCode> {
  const { io } = deps;
  const { note, debug } = run;
  if (opts.debug) {
    const w = opts.filter.window;
    debug(`window ${w.since === undefined ? "-" : formatNano(w.since)} .. ${formatNano(w.until)}`);
  }
  const { store, region, endpoint, close } = await deps.openStore(opts.connection, opts.table, opts.segments);
  try {
    let filter = opts.filter;
    // The manifest's caller is asked for while the table is read: STS costs the export no time.
    const asking =
      opts.manifest === undefined
        ? undefined
        : deps.callerIdentity({ ...opts.connection, region }).then(
            (identity) => ({ identity }),
            (error: unknown) => ({ error }),
          );
    const callerOrWarn = async (): Promise<CallerIdentity | null> => {
      const answer = await asking;
      if (answer === undefined) return null;
      if ("identity" in answer) return answer.identity;
      if (deps.signal.aborted) throw answer.error;
      await say(io, `warning: the manifest records no caller: ${(answer.error as Error).message}`);
      return null;
    };
    if (!opts.explicitFilter) {
      let user: string;
      try {
        const known = asking === undefined ? undefined : await asking;
        user =
          known !== undefined && "identity" in known
            ? userNameOf(known.identity)
            : await deps.callerUserName({ ...opts.connection, region });
      } catch (error) {
        if (!(error instanceof UnsupportedCallerError)) throw error;
        throw new SentinelError(`${error.message}: pass --user to choose whose sessions to list`);
      }
      await note(
        `note: no filter given; listing the sessions of user "${user}" (the caller); pass a filter to see others`,
      );
      filter = { ...filter, user };
    }
    const progress = new Progress(io);
    const collect = deps.pacedCollector?.(opts.order === "none" ? STREAMING_PACING : LISTING_PACING);
    const startedMs = performance.now();
    const columns =
      opts.columns === undefined && opts.output === "human"
        ? defaultHumanColumns(instantFromDate(run.startedAt))
        : columnsFor(opts.columns ?? DEFAULT_COLUMNS, instantFromDate(run.startedAt));
    const format = listingFormat(opts.output, {
      columns,
      formulaGuard: opts.formulaGuard,
      fitWidth: opts.output === "human" ? stdoutWidth(io) : undefined,
      onNote: (line) => void note(line),
    });
    const stdout = opts.manifest === undefined ? io.stdout : new HashingWriter(io.stdout);
    const events: FindEvents = {
      onProgress: (p) => {
        progress.update(p);
        collect?.();
      },
      countTotal: progress.enabled,
      onNote: (line) => {
        progress.clear();
        void note(line);
      },
      onDebug: debug,
      signal: deps.signal,
    };
    const read = (result: FindResult, kept: number) =>
      debug(
        `read ${count(result.itemsRead)} items, matched ${count(result.matched)}, kept ${count(kept)} in ${Math.round(performance.now() - startedMs)} ms`,
      );
    const nothing: SessionStore = {
      find: async () => ({ matched: 0, complete: true, malformed: [], itemsRead: 0 }),
      get: async () => ({ kind: "missing" }),
    };
    const source = run.emptyWindow ? nothing : store;
    const { keep, result } =
      opts.order === "none"
        ? await streamRows(source, filter, format, opts.limit, stdout, events)
        : await sortedRows(source, filter, format, opts, stdout, { ...events, onRead: read });
    progress.clear();
    const truncated = keep.size < result.matched;
    if (truncated) {
      const of = result.complete ? count(result.matched) : `at least ${count(result.matched)}`;
      const which = opts.order === "none" ? "first read" : "newest";
      await note(`note: showing the ${count(keep.size)} ${which} of ${of} matching sessions; --limit 0 shows all`);
    }
    let status: ExitCode = ExitCode.Ok;
    if (result.malformed.length > 0) {
      await say(
        io,
        `warning: skipped ${count(result.malformed.length)} malformed session item(s): ${preview(result.malformed)}`,
      );
      status = ExitCode.Malformed;
    }
    if (stdout instanceof HashingWriter) {
      const caller = await callerOrWarn();
      writeManifest(opts.manifest as string, {
        version: deps.version,
        // As given, but never an endpoint URL's password.
        command: opts.argv.map(withoutUrlCredentials),
        table: opts.table,
        region,
        endpoint,
        caller,
        filter: filterRecord(filter),
        window: { since: filter.window.since, until: filter.window.until },
        startedAt: run.startedAt,
        finishedAt: io.now(),
        itemsRead: result.itemsRead,
        matched: result.matched,
        rows: keep.size,
        limit: opts.limit,
        truncated,
        malformed: result.malformed,
        output: {
          format: opts.output,
          columns: columns.map((c) => c.name),
          bytes: stdout.bytes,
          sha256: stdout.digest(),
        },
        exitStatus: status,
      });
    }
    if (opts.checkpoint !== undefined && !run.emptyWindow) {
      writeCheckpoint(
        opts.checkpoint.path,
        { table: opts.table, filter: filterRecord(filter), windowEnd: filter.window.until },
        io.now(),
      );
    }
    return status;
  } finally {
    close();
  }
}

type Rows = { keep: { size: number }; result: FindResult };

/** The default order: every row read first, then written newest first. */
async function sortedRows(
  store: SessionStore,
  filter: SessionFilter,
  format: RowFormat<unknown>,
  opts: ListSessionsOptions,
  stdout: Writer,
  events: FindEvents & { onRead(result: FindResult, kept: number): void },
): Promise<Rows> {
  // A full export keeps its rows as compact bytes; a limited one keeps at most `limit` rows.
  const keep =
    opts.limit === 0 && opts.output !== "human"
      ? new CompactNewestFirst(format.row as (session: Session) => Text)
      : new NewestFirst(opts.limit, format.row);
  const result = await store.find(filter, keep, events);
  events.onRead(result, keep.size);
  await format.write(stdout, keep.sorted());
  return { keep, result };
}

/**
 * `--order none` reads pages of at most this many items. While the writer
 * catches up, every segment has a page parsed and the next one arriving; with
 * 1 MB pages (~2,800 sessions) those bursts set the peak, and more of them
 * coincide the longer the table. Measured by hand through a pipe, whole table
 * of 200,000 sessions, 8 segments: 1 MB pages peaked at 171–188 MB, 1,000
 * items at 123 MB, 500 at 100 MB (20,000 sessions: 98 MB), 250 at 99 MB but
 * 1.4x slower.
 */
const STREAM_PAGE_ITEMS = 500;

/** `--order none`: rows are written as pages arrive; reading waits for the writing. */
async function streamRows(
  store: SessionStore,
  filter: SessionFilter,
  format: RowFormat<unknown>,
  limit: number,
  stdout: Writer,
  events: FindEvents,
): Promise<Rows> {
  const rows = new RowStream(limit, format.row);
  const writing = format.write(stdout, rows);
  // A failed write (a closed pipe) must not leave reading waiting for a writer that is gone.
  const writeFailed = writing.then(
    () => new Promise<never>(() => {}),
    (error) => Promise.reject(error),
  );
  writeFailed.catch(() => {});
  let result: FindResult;
  try {
    result = await store.find(filter, rows, {
      ...events,
      pageItems: STREAM_PAGE_ITEMS,
      afterPage: () => Promise.race([rows.drained(), writeFailed]),
    });
  } finally {
    rows.close();
  }
  await writing;
  return { keep: rows, result };
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
    columns: value(
      "Output",
      "LIST",
      `comma-separated columns, or all: ${COLUMN_NAMES.join(",")}\n(default: the ten fields of csv and json; the table's seven for human)`,
    ),
    order: oneOf(
      "Output",
      "ORDER",
      ["newest", "none"],
      "newest (default): newest first; none: rows as they are read,\nunsorted, in memory independent of their number",
    ),
    "no-formula-guard": toggle("Output", "do not prefix CSV cells starting with = + - @ TAB CR with '"),
    quiet: toggle("Output", "no note: lines on stderr (warnings and errors stay)"),
    manifest: value(
      "Evidence",
      "FILE",
      "when the export finishes, write FILE: a JSON record of what was exported,\nwith the SHA-256 of stdout (written atomically)",
      { complete: "file" },
    ),
    checkpoint: value(
      "Evidence",
      "FILE",
      "incremental archive: start 1 ns after the previous run's end (recorded in FILE),\nend at --until or now minus --settle; FILE is updated only after a complete run",
      { complete: "file" },
    ),
    settle: value(
      "Evidence",
      "DURATION",
      "with --checkpoint: leave sessions created in the last DURATION\nto the next run (default: 5m)",
    ),
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
    const checkpoint = raw.text("checkpoint");
    const settle = raw.text("settle");
    const manifest = raw.text("manifest");
    const columnsText = raw.text("columns");
    const order = raw.text("order");
    if (order !== undefined && order !== "newest" && order !== "none") {
      throw new UsageError(`invalid --order ${JSON.stringify(order)}: use newest or none`);
    }
    // An export is complete unless asked otherwise; a terminal table shows a screenful.
    const defaultLimit = output === "human" && checkpoint === undefined ? flag.DEFAULTS.limit : 0;
    const limit = flag.wholeNumber("--limit", raw.text("limit"), defaultLimit, 0, Number.MAX_SAFE_INTEGER);
    if (checkpoint !== undefined && limit !== 0) {
      throw new UsageError(`--checkpoint exports are complete: drop --limit ${limit} (or give --limit 0)`);
    }
    if (settle !== undefined && checkpoint === undefined) {
      throw new UsageError("--settle applies only with --checkpoint: drop it, or add --checkpoint FILE");
    }
    const settleNanos = settle === undefined ? DEFAULT_SETTLE_NANOS : parseDuration(settle);
    if (settleNanos === undefined || settleNanos < 0) {
      throw new UsageError(
        `invalid --settle ${JSON.stringify(settle)}: give a duration, e.g. 5m or 1h (0s to settle nothing)`,
      );
    }
    for (const [name, path] of [
      ["--manifest", manifest],
      ["--checkpoint", checkpoint],
    ] as const) {
      if (path === undefined) continue;
      if (path === "") throw new UsageError(`${name} needs a file name`);
      const problem = unwritableReason(path);
      if (problem !== undefined) throw new UsageError(`${name} ${JSON.stringify(path)} cannot be written: ${problem}`);
    }
    if (manifest !== undefined && (manifest === checkpoint || manifest === `${checkpoint}.lock`)) {
      throw new UsageError("--manifest and --checkpoint (and its .lock) must be different files");
    }
    return {
      table: flag.tableName(raw.text("table"), io.env),
      connection: connectionOptions(parsed),
      filter: {
        window: window.window,
        ...(status === undefined ? {} : { status }),
        ...(user === undefined ? {} : { user }),
        ...(profile === undefined ? {} : { profile }),
      },
      explicitFilter: [status, user, profile, since, until, checkpoint].some((given) => given !== undefined),
      limit,
      output,
      formulaGuard: !parsed.has("no-formula-guard"),
      segments: flag.wholeNumber("--segments", raw.text("segments"), flag.DEFAULTS.segments, 1, 64),
      quiet: parsed.has("quiet"),
      debug: parsed.has("debug"),
      ...(manifest === undefined ? {} : { manifest }),
      ...(checkpoint === undefined
        ? {}
        : {
            checkpoint: {
              path: checkpoint,
              settleNanos,
              sinceGiven: since !== undefined,
              untilGiven: until !== undefined,
            },
          }),
      argv: parsed.argv,
      ...(columnsText === undefined ? {} : { columns: parseColumns(columnsText) }),
      order: (raw.text("order") ?? "newest") as "newest" | "none",
    };
  },
  run: listSessions,
};
