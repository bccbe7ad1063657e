import { SentinelError } from "../aws/errors.ts";
import { withoutUrlCredentials } from "../aws/sdk-errors.ts";
import { writeEvidence } from "../evidence/evidence-files.ts";
import { HashingWriter } from "../evidence/hashing-writer.ts";
import { manifestObject } from "../evidence/manifest.ts";
import { type CallerIdentity, UnsupportedCallerError, userNameOf } from "../identity/caller.ts";
import { type ColumnName, columnsFor, DEFAULT_COLUMNS, defaultHumanColumns } from "../output/columns.ts";
import { thousands } from "../output/count.ts";
import type { OutputFormat } from "../output/fields.ts";
import { listingFormat } from "../output/listing-format.ts";
import type { SessionFilter } from "../session/session.ts";
import type { FindEvents, FindResult, SessionStore } from "../session/store.ts";
import { formatNano, instantFromDate } from "../timefilter/instant.ts";
import { type CheckpointOptions, type CheckpointRun, filterRecord, startCheckpointRun } from "./checkpointed-window.ts";
import type { ExportEnv, ExportOrder } from "./export-env.ts";
import { newestFirstRows, type OrderedRows, streamedRows } from "./row-order.ts";
import type { OpenedSource, SessionSource } from "./session-source.ts";

/** What to export and how; the source is given beside it. */
export type ExportOptions = {
  filter: SessionFilter;
  /** False when no status, user, profile, since or until was given: export the caller's own sessions. */
  explicitFilter: boolean;
  limit: number; // 0 = no limit
  output: OutputFormat;
  formulaGuard: boolean;
  /** --columns; undefined = the default of each format. */
  columns?: readonly ColumnName[];
  order: ExportOrder;
  /** The width to fit the human table to (a terminal's); undefined = no fitting. */
  fitWidth?: number;
  /** --manifest FILE (SPEC §8.2). */
  manifest?: string;
  /** --sign-with KMS_KEY (SPEC §13.2), and --signing-algorithm when given. */
  signWith?: { keyId: string; algorithm?: string };
  /** --checkpoint FILE (SPEC §8.3). */
  checkpoint?: CheckpointOptions;
  /** argv after the program name, for the manifest. */
  argv: readonly string[];
};

/** The exit statuses an export ends with (SPEC §6). */
export const EXPORT_OK = 0;
export const EXPORT_MALFORMED = 3;

const MALFORMED_PREVIEW = 5;

/** Stands in for the source when a checkpointed window is empty: nothing is read. */
const NOTHING: SessionStore = {
  find: async () => ({ matched: 0, complete: true, malformed: [], itemsRead: 0 }),
  get: async () => ({ kind: "missing" }),
};

/**
 * Reads the matching sessions from the source, writes them in the order
 * asked, and records what was written: the manifest, then the checkpoint.
 * Resolves to the exit status (0, or 3 when malformed items were skipped).
 */
export async function exportSessions(source: SessionSource, opts: ExportOptions, env: ExportEnv): Promise<number> {
  const startedAt = env.now();
  let checkpoint: CheckpointRun | undefined;
  if (opts.checkpoint !== undefined) {
    checkpoint = await startCheckpointRun(opts.checkpoint, source.table, opts.filter, startedAt, env.note);
  }
  try {
    const window = checkpoint?.window ?? opts.filter.window;
    return await exportWindow(source, { ...opts, filter: { ...opts.filter, window } }, env, startedAt, checkpoint);
  } finally {
    checkpoint?.release();
  }
}

async function exportWindow(
  source: SessionSource,
  opts: ExportOptions,
  env: ExportEnv,
  startedAt: Date,
  checkpoint: CheckpointRun | undefined,
): Promise<number> {
  const w = opts.filter.window;
  env.debug(`window ${w.since === undefined ? "-" : formatNano(w.since)} .. ${formatNano(w.until)}`);
  const opened = await source.open();
  try {
    // The manifest's caller is asked for while the table is read: STS costs the export no time.
    const asking =
      opts.manifest === undefined
        ? undefined
        : env.callerIdentity(opened.region).then(
            (identity) => ({ identity }),
            (error: unknown) => ({ error }),
          );
    // Likewise the signing key's spec: signing then costs the export one KMS round trip.
    const signer = opts.signWith === undefined ? undefined : env.signer(opts.signWith, opened.region);
    signer?.prepare?.();
    const filter = opts.explicitFilter ? opts.filter : await callersFilter(opts.filter, opened, asking, env);
    const columns =
      opts.columns === undefined && opts.output === "human"
        ? defaultHumanColumns(instantFromDate(startedAt))
        : columnsFor(opts.columns ?? DEFAULT_COLUMNS, instantFromDate(startedAt));
    const format = listingFormat(opts.output, {
      columns,
      formulaGuard: opts.formulaGuard,
      fitWidth: opts.fitWidth,
      onNote: (line) => void env.note(line),
    });
    const stdout = opts.manifest === undefined ? env.stdout : new HashingWriter(env.stdout);
    const { keep, result } = await readAndWrite(checkpoint?.empty ? NOTHING : opened.store, filter, format, opts, {
      stdout,
      env,
    });
    const truncated = keep.size < result.matched;
    if (truncated) {
      const of = result.complete ? thousands(result.matched) : `at least ${thousands(result.matched)}`;
      const which = opts.order === "none" ? "first read" : "newest";
      await env.note(
        `note: showing the ${thousands(keep.size)} ${which} of ${of} matching sessions; ${result.complete ? "--limit 0 shows all" : "counting stopped once no more could be shown: --limit 0 shows and counts them all"}`,
      );
    }
    let status = EXPORT_OK;
    if (result.malformed.length > 0) {
      await env.warn(
        `warning: skipped ${thousands(result.malformed.length)} malformed session item(s): ${preview(result.malformed)}`,
      );
      status = EXPORT_MALFORMED;
    }
    const record = (manifestSha256: string | null) =>
      checkpoint?.record(opened.table, filter, filter.window.until, manifestSha256, env.now());
    if (stdout instanceof HashingWriter) {
      const caller = await callerOrWarn(asking, env);
      const manifest = manifestObject({
        version: `sentinel ${env.version}`, // the --version line
        // As given, but never an endpoint URL's password.
        command: opts.argv.map(withoutUrlCredentials),
        source: opened.source,
        table: opened.table,
        region: opened.region,
        endpoint: opened.endpoint,
        caller,
        filter: filterRecord(filter),
        window: { since: filter.window.since, until: filter.window.until },
        startedAt,
        finishedAt: env.now(),
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
        ...(checkpoint === undefined ? {} : { previousManifestSha256: checkpoint.previousManifestSha256 }),
      });
      // An empty window records nothing, so its manifest is not a link of the chain.
      await writeEvidence(opts.manifest as string, manifest, signer, checkpoint?.empty ? undefined : record);
    } else if (checkpoint !== undefined && !checkpoint.empty) {
      record(null);
    }
    return status;
  } finally {
    opened.close();
  }
}

type Asking = Promise<{ identity: CallerIdentity } | { error: unknown }> | undefined;

/** With no filter at all, the caller's own sessions (SPEC §2): the user name from STS. */
async function callersFilter(
  filter: SessionFilter,
  opened: OpenedSource,
  asking: Asking,
  env: ExportEnv,
): Promise<SessionFilter> {
  let user: string;
  try {
    const known = asking === undefined ? undefined : await asking;
    user =
      known !== undefined && "identity" in known ? userNameOf(known.identity) : await env.callerUserName(opened.region);
  } catch (error) {
    if (!(error instanceof UnsupportedCallerError)) throw error;
    throw new SentinelError(`${error.message}: pass --user to choose whose sessions to list`);
  }
  await env.note(
    `note: no filter given; listing the sessions of user "${user}" (the caller); pass a filter to see others`,
  );
  return { ...filter, user };
}

/** The manifest's caller, or null with a warning when STS failed (unless the run was stopped). */
async function callerOrWarn(asking: Asking, env: ExportEnv): Promise<CallerIdentity | null> {
  const answer = await asking;
  if (answer === undefined) return null;
  if ("identity" in answer) return answer.identity;
  if (env.signal.aborted) throw answer.error;
  await env.warn(`warning: the manifest records no caller: ${(answer.error as Error).message}`);
  return null;
}

/** Reads from the store into the order asked and writes the rows, with progress, pacing and --debug counts. */
async function readAndWrite(
  store: SessionStore,
  filter: SessionFilter,
  format: ReturnType<typeof listingFormat>,
  opts: ExportOptions,
  { stdout, env }: { stdout: ExportEnv["stdout"]; env: ExportEnv },
): Promise<OrderedRows> {
  const progress = env.startProgress();
  const collect = env.collectorFor(opts.order);
  const startedMs = performance.now();
  const events: FindEvents = {
    onProgress: (p) => {
      progress.update(p);
      collect?.();
    },
    onNote: (line) => {
      progress.clear();
      void env.note(line);
    },
    onDebug: env.debug,
    signal: env.signal,
    // The total (DescribeTable's item count) is worth a request only where progress is drawn.
    countTotal: progress.enabled,
  };
  const onRead = (result: FindResult, kept: number) =>
    env.debug(
      `read ${thousands(result.itemsRead)} items, matched ${thousands(result.matched)}, kept ${thousands(kept)} in ${Math.round(performance.now() - startedMs)} ms`,
    );
  const rows =
    opts.order === "none"
      ? await streamedRows(store, filter, format, opts.limit, stdout, events)
      : await newestFirstRows(store, filter, format, opts, stdout, { ...events, onRead }, env.collectorFor("writing"));
  progress.clear();
  return rows;
}

function preview(labels: string[]): string {
  const shown = labels.slice(0, MALFORMED_PREVIEW).join(", ");
  return labels.length > MALFORMED_PREVIEW ? `${shown} …` : shown;
}
