import { SentinelError, UsageError } from "../aws/errors.ts";
import {
  type CheckpointFilter,
  type CheckpointState,
  lockCheckpoint,
  readCheckpoint,
  writeCheckpoint,
} from "../evidence/checkpoint.ts";
import type { SessionFilter } from "../session/session.ts";
import { addNanos, compareInstants, formatNano, type Instant, instantFromDate } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";

/** --checkpoint FILE (SPEC §8.3): the window comes from the file, `--until` or now minus `settleNanos`. */
export type CheckpointOptions = {
  /** The file reached (links followed): read, locked and replaced. */
  path: string;
  /** As given, for messages. */
  name: string;
  settleNanos: number;
  sinceGiven: boolean;
  untilGiven: boolean;
};

/** The filter as a checkpoint and a manifest record it: null where not given. */
export const filterRecord = (filter: SessionFilter): CheckpointFilter => ({
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

/**
 * The window of a checkpointed run; `empty` when it ends before it starts:
 * nothing is settled to export yet. A window never ends in the future.
 */
function checkpointWindow(
  cp: CheckpointOptions,
  window: TimeWindow,
  state: CheckpointState | undefined,
  now: Date,
): { window: TimeWindow; empty: boolean } {
  const settled = addNanos(instantFromDate(now), -cp.settleNanos);
  // A window that ended in the future would record an end that sessions created
  // later, but before it, could never be exported after.
  if (state !== undefined && compareInstants(state.windowEnd, settled) > 0) {
    throw new SentinelError(
      `checkpoint "${cp.name}" ends at ${formatNano(state.windowEnd)}, later than now minus --settle (${formatNano(settled)}): this clock is behind the one of the last run, or the file was edited; it is left as it is — check the clock, or pass another --checkpoint`,
    );
  }
  if (cp.untilGiven && compareInstants(window.until, settled) > 0) {
    throw new UsageError(
      `--until ${formatNano(window.until)} is later than now minus --settle (${formatNano(settled)}): a checkpointed window never ends in the future; give an earlier --until, or none`,
    );
  }
  const until = cp.untilGiven ? window.until : settled;
  const since = state === undefined ? window.since : addNanos(state.windowEnd, 1);
  const empty = since !== undefined && compareInstants(since, until) > 0;
  // The first run's window starts at --since: one later than its end would record evidence of no window.
  if (empty && state === undefined && !cp.untilGiven) {
    throw new UsageError(
      `--since ${formatNano(since)} is later than now minus --settle (${formatNano(until)}): the first checkpointed window would end before it starts; give an earlier --since`,
    );
  }
  if (empty && cp.untilGiven) {
    throw new UsageError(
      `--until ${formatNano(until)} is before the checkpoint's next window, which starts at ${formatNano(since)}: give a later --until, or none`,
    );
  }
  return { window: since === undefined ? { until } : { since, until }, empty };
}

/** A checkpointed run in progress: its lock is held until `release`. */
export type CheckpointRun = {
  window: TimeWindow;
  /** The window ends before it starts: an empty export (output and manifest), nothing read. */
  empty: boolean;
  /** The SHA-256 of the manifest of the previous successful run, null when none (SPEC §13.1). */
  previousManifestSha256: string | null;
  /** Records the window's end and this run's manifest: called only after every row was written. */
  record(table: string, filter: SessionFilter, windowEnd: Instant, manifestSha256: string | null, now: Date): void;
  release(): void;
};

/**
 * Locks the checkpoint, reads it and works out this run's window (SPEC §8.3);
 * the caller releases it whatever happens.
 */
export async function startCheckpointRun(
  cp: CheckpointOptions,
  table: string,
  filter: SessionFilter,
  now: Date,
  note: (line: string) => Promise<void>,
): Promise<CheckpointRun> {
  const release = lockCheckpoint(cp.path, cp.name);
  try {
    const state = readCheckpoint(cp.path, cp.name);
    if (state !== undefined && cp.sinceGiven) {
      throw new UsageError(
        `--since cannot be combined with an existing --checkpoint "${cp.name}": the next window starts after ${formatNano(state.windowEnd)}; drop --since`,
      );
    }
    const mismatch = state === undefined ? undefined : checkpointMismatch(state, table, filterRecord(filter));
    if (mismatch !== undefined) {
      throw new UsageError(
        `checkpoint "${cp.name}" does not fit this export: ${mismatch}; use the same table and filter, or another --checkpoint`,
      );
    }
    const settled = checkpointWindow(cp, filter.window, state, now);
    if (settled.empty) {
      await note(
        `note: nothing settled to export yet: the last run ended at ${formatNano(state?.windowEnd ?? filter.window.until)}, less than --settle ago; the checkpoint is unchanged`,
      );
    }
    return {
      ...settled,
      previousManifestSha256: state?.lastManifestSha256 ?? null,
      record: (recordedTable, recordedFilter, windowEnd, lastManifestSha256, at) =>
        writeCheckpoint(
          cp.path,
          { table: recordedTable, filter: filterRecord(recordedFilter), windowEnd, lastManifestSha256 },
          at,
        ),
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}
