// The revocation pipeline of `sentinel server-revoke` (SPEC §10): select (one
// ID, or the active sessions of a user, profile or server instance), confirm,
// revoke in parallel with conditional writes, report. The command hands down
// the process edge and the table as a RevokeEnv.
import { SentinelError, UsageError } from "../aws/errors.ts";
import { UnsupportedCallerError } from "../identity/caller.ts";
import { thousands } from "../output/count.ts";
import { printable } from "../output/printable.ts";
import { utcNano } from "../output/revoke-fields.ts";
import { writeRevocationsHuman } from "../output/revoke-human.ts";
import { writeRevocationsJson } from "../output/revoke-json.ts";
import type { Writer } from "../output/writer.ts";
import type {
  Revocation,
  RevokeCandidate,
  RevokeEvents,
  RevokeResult,
  RevokeSelector,
  RevokeStamp,
  SessionRevoker,
} from "../session/revocation.ts";
import { addNanos, compareInstants, formatNano, type Instant, instantFromDate } from "../timefilter/instant.ts";

/** The exit statuses a revocation ends with (SPEC §6): 1 when any revocation failed. */
export const REVOKE_STATUS = { ok: 0, failed: 1 } as const;
export type RevokeStatus = (typeof REVOKE_STATUS)[keyof typeof REVOKE_STATUS];

/** Revocations in flight at once: quick for hundreds of sessions, gentle on the table's write capacity. */
const PARALLEL_REVOCATIONS = 8;

/**
 * What a revocation needs of the process and of AWS, handed down by the
 * command (which knows the connection): it never reaches for either itself.
 */
export type RevokeEnv = {
  /** Data only. */
  stdout: Writer;
  /** Where the rows go once the run was stopped by a signal (they are still written). */
  stdoutAfterStop: Writer;
  now(): Date;
  /** Aborted on SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** A line on stderr. */
  say(line: string): Promise<void>;
  /** A `debug:` line, shown with --debug. */
  debug(line: string): void;
  /** Asks a yes/no question on the terminal; undefined when stdin is no terminal to ask on. */
  ask: ((question: string) => Promise<boolean>) | undefined;
  /** The progress line of a terminal (one that does nothing elsewhere). */
  startProgress(): { update(done: number, total: number, noun: string): void; clear(): void };
  /** The width to fit the human table to (a terminal's, as the rows are written); undefined = no fitting. */
  fitWidth(): number | undefined;
  /** Connects to the table for revocations; resolves the region. */
  openRevoker(table: string): Promise<{ revoker: SessionRevoker; region: string; close(): void }>;
  /** The caller's user name from STS (SPEC §4), in the table's region. */
  callerUserName(region: string): Promise<string>;
  /** Keeps a stop from ending the process until the returned release is called: writes under way are awaited. */
  holdStop(): () => void;
};

export type RevokeTarget = { by: "id"; value: string } | RevokeSelector;

/** What to revoke and how. */
export type RevokeRunOptions = {
  target: RevokeTarget;
  reason: string;
  dryRun: boolean;
  /** Revoke without asking. */
  yes: boolean;
  /** Select by a Scan of the whole table instead of the index. */
  scan: boolean;
  output: "human" | "json";
  table: string;
};

/** `user "alice"`, for the prompt and messages; stored text made printable. */
function describeSelector(selector: RevokeSelector): string {
  const noun = selector.by === "server-instance" ? "server instance" : selector.by;
  return `${noun} ${JSON.stringify(printable(selector.value))}`;
}

/**
 * `updated_at` values for one run, RFC3339Nano: the wall clock at the start
 * (`now()`, whole milliseconds) advanced by a monotonic clock of finer
 * resolution, so two runs writing in the same millisecond still write different
 * values; strictly increasing, so no two writes of a run share one either.
 */
export function stampClock(now: () => Date, monotonicMs: () => number = () => performance.now()): () => string {
  const start = instantFromDate(now());
  const startMs = monotonicMs();
  let last: Instant | undefined;
  return () => {
    let at = addNanos(start, Math.round((monotonicMs() - startMs) * 1_000_000));
    if (last !== undefined && compareInstants(at, last) <= 0) at = addNanos(last, 1);
    last = at;
    return formatNano(at);
  };
}

/**
 * `revoked N of M sessions (…)`: the first line a responder reads after a run.
 * A run stopped by a signal counts the selected sessions it did not get to, and says so.
 */
export function summaryLine(rows: readonly Revocation[], empty: string, stopped?: { selected: number }): string {
  const revoked = rows.filter((r) => r.result === "revoked").length;
  const tally = new Map<string, number>();
  for (const r of rows) tally.set(r.result, (tally.get(r.result) ?? 0) + 1);
  const order: RevokeResult[] = ["revoked", "already_revoked", "not_active", "not_found", "failed"];
  const parts = order
    .filter((result) => tally.has(result))
    .map((result) => `${thousands(tally.get(result) as number)} ${result.replace("_", " ")}`);
  const selected = stopped?.selected ?? rows.length;
  if (selected > rows.length) parts.push(`${thousands(selected - rows.length)} not attempted`);
  const noun = selected === 1 ? "session" : "sessions";
  const line = `revoked ${thousands(revoked)} of ${thousands(selected)} ${noun} (${parts.length === 0 ? empty : parts.join(", ")})`;
  return stopped === undefined ? line : `${line}, interrupted`;
}

/**
 * Runs `work` over `items` with at most `parallel` at once, starting none
 * after `signal` is aborted (those under way finish); the results of the items
 * done, in the items' order.
 */
async function inParallel<T, R>(
  items: readonly T[],
  parallel: number,
  signal: AbortSignal,
  work: (item: T) => Promise<R>,
  onDone: (done: number) => void,
): Promise<R[]> {
  const results: { value: R }[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length && !signal.aborted) {
      const index = next++;
      results[index] = { value: await work(items[index] as T) };
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results.filter((r) => r !== undefined).map((r) => r.value);
}

/** Writes the rows; after SIGINT/SIGTERM too, so a stopped run still shows what it revoked. */
async function writeRows(opts: RevokeRunOptions, env: RevokeEnv, rows: readonly Revocation[]): Promise<void> {
  const out = env.signal.aborted ? env.stdoutAfterStop : env.stdout;
  if (opts.output === "json") await writeRevocationsJson(out, rows);
  else await writeRevocationsHuman(out, rows, { fitWidth: env.fitWidth(), onNote: (line) => void env.say(line) });
}

async function reportFailures(env: RevokeEnv, rows: readonly Revocation[]): Promise<RevokeStatus> {
  const failed = rows.filter((r) => r.result === "failed");
  for (const r of failed) await env.say(`error: could not revoke session "${r.id}": ${r.failure}`);
  return failed.length > 0 ? REVOKE_STATUS.failed : REVOKE_STATUS.ok;
}

/**
 * Revokes one session, or the active sessions of a user, profile or server
 * instance (SPEC §10): each revocation one conditional write, a bulk one
 * confirmed first, rows on stdout (those done, after a stop too) and the
 * summary on stderr. Resolves to the exit status (REVOKE_STATUS).
 */
export async function revokeSessions(opts: RevokeRunOptions, env: RevokeEnv): Promise<RevokeStatus> {
  const events: RevokeEvents = {
    onNote: (line) => void env.say(line),
    onDebug: (line) => env.debug(line),
    signal: env.signal,
  };
  const { revoker, region, close } = await env.openRevoker(opts.table);
  try {
    const revokedBy = await revokerName(env, region);
    const stamp: RevokeStamp = { revokedBy, reason: opts.reason, now: stampClock(() => env.now()) };
    const target = opts.target;
    if (target.by === "id") return await revokeOne(opts, env, revoker, target.value, stamp, events, region);
    return await revokeSelected(opts, env, revoker, target, stamp, events);
  } finally {
    close();
  }
}

/** The caller's user name, recorded as `revoked_by` (SPEC §4). */
async function revokerName(env: RevokeEnv, region: string): Promise<string> {
  try {
    return await env.callerUserName(region);
  } catch (error) {
    if (!(error instanceof UnsupportedCallerError)) throw error;
    throw new SentinelError(
      `${error.message}: revoked_by records the caller's user name; use the credentials of an IAM user or an assumed-role session`,
    );
  }
}

async function revokeOne(
  opts: RevokeRunOptions,
  env: RevokeEnv,
  revoker: SessionRevoker,
  id: string,
  stamp: RevokeStamp,
  events: RevokeEvents,
  region: string,
): Promise<RevokeStatus> {
  const notFound = () =>
    new SentinelError(`session "${id}" not found in table "${opts.table}" (${region}): check the ID and --table`);
  let row: Revocation;
  if (opts.dryRun) {
    const now = await revoker.current(id, events);
    if (now === undefined) throw notFound();
    const stored = { revokedBy: now.revokedBy, revokedReason: now.revokedReason, updatedAt: now.updatedAt };
    const result =
      now.status === "active" ? "would_revoke" : now.status === "revoked" ? "already_revoked" : "not_active";
    row = {
      id,
      user: now.user,
      profile: now.profile,
      previousStatus: now.status,
      result,
      ...(result === "would_revoke"
        ? { revokedBy: stamp.revokedBy, revokedReason: stamp.reason, updatedAt: "" }
        : stored),
      failure: "",
    };
  } else {
    const release = env.holdStop();
    try {
      row = await revoker.revoke({ id, user: "", profile: "", status: "" }, stamp, events);
    } finally {
      release();
    }
    if (row.result === "not_found") throw notFound();
  }
  await writeRows(opts, env, [row]);
  if (row.result === "already_revoked") {
    const at = row.updatedAt === "" ? "" : ` at ${printable(utcNano(row.updatedAt))}`;
    await env.say(
      `note: session "${id}" already revoked by ${printable(row.revokedBy || "(unknown)")}${at}; nothing changed`,
    );
  } else if (row.result === "not_active") {
    await env.say(`note: session "${id}" is not active (status "${printable(row.previousStatus)}"); nothing changed`);
  }
  if (opts.dryRun) {
    await env.say(`dry run: would revoke ${row.result === "would_revoke" ? 1 : 0} of 1 session; nothing changed`);
    return REVOKE_STATUS.ok;
  }
  const status = await reportFailures(env, [row]);
  await env.say(summaryLine([row], "none", env.signal.aborted ? { selected: 1 } : undefined));
  return status;
}

async function revokeSelected(
  opts: RevokeRunOptions,
  env: RevokeEnv,
  revoker: SessionRevoker,
  selector: RevokeSelector,
  stamp: RevokeStamp,
  events: RevokeEvents,
): Promise<RevokeStatus> {
  const candidates = await revoker.selectActive(selector, events, opts.scan ? "scan" : "index");
  const whose = describeSelector(selector);
  const n = candidates.length;
  const sessions = `${thousands(n)} ${n === 1 ? "session" : "sessions"}`;
  if (opts.dryRun) {
    const rows = candidates.map((c): Revocation => wouldRevoke(c, stamp));
    await writeRows(opts, env, rows);
    await env.say(`dry run: would revoke ${sessions} of ${whose}; nothing changed`);
    return REVOKE_STATUS.ok;
  }
  if (n > 0 && !opts.yes) {
    if (env.ask === undefined) {
      throw new UsageError(
        `would revoke ${sessions} of ${whose}: pass --yes to confirm (stdin is not a terminal to ask on), or --dry-run to list them`,
      );
    }
    if (!(await env.ask(`revoke ${sessions} of ${whose}?`))) {
      throw new SentinelError("not confirmed: nothing was revoked; answer y to revoke, or pass --yes");
    }
  }
  const progress = env.startProgress();
  // A stop starts no new write; the process waits for those under way (each bounded by --timeout and retries).
  const release = env.holdStop();
  const rows = await inParallel(
    candidates,
    PARALLEL_REVOCATIONS,
    env.signal,
    (c) => revoker.revoke(c, stamp, events),
    (done) => progress.update(done, n, n === 1 ? "session" : "sessions"),
  ).finally(release);
  progress.clear();
  await writeRows(opts, env, rows);
  const status = await reportFailures(env, rows);
  // main turns a stopped run into exit 130/143 once this returns.
  const stopped = env.signal.aborted ? { selected: n } : undefined;
  await env.say(summaryLine(rows, `no active sessions of ${whose}`, stopped));
  return status;
}

function wouldRevoke(c: RevokeCandidate, stamp: RevokeStamp): Revocation {
  return {
    id: c.id,
    user: c.user,
    profile: c.profile,
    previousStatus: c.status,
    result: "would_revoke",
    revokedBy: stamp.revokedBy,
    revokedReason: stamp.reason,
    updatedAt: "",
    failure: "",
  };
}
