import type { ConnectionOptions } from "../aws/connection.ts";
import { InterruptedError, SentinelError, UsageError } from "../aws/errors.ts";
import { UnsupportedCallerError } from "../identity/caller.ts";
import { printable } from "../output/printable.ts";
import { utcNano } from "../output/revoke-fields.ts";
import { writeRevocationsHuman } from "../output/revoke-human.ts";
import { writeRevocationsJson } from "../output/revoke-json.ts";
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
import { type Command, oneOf, toggle, value } from "./command.ts";
import { CONNECTION_FLAGS, connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import { ExitCode } from "./exit-code.ts";
import * as flag from "./flag-values.ts";
import type { IO } from "./io.ts";
import { count, say } from "./io.ts";
import { Progress } from "./progress.ts";
import { stdoutWidth } from "./terminal-width.ts";

export type RevokeTarget = { by: "id"; value: string } | RevokeSelector;

export type RevokeOptions = {
  target: RevokeTarget;
  reason: string;
  dryRun: boolean;
  /** Revoke without asking. */
  yes: boolean;
  /** Select by a Scan of the whole table instead of the index. */
  scan: boolean;
  output: "human" | "json";
  table: string;
  connection: ConnectionOptions;
  debug: boolean;
};

export const REASON_MAX_CHARS = 256;
/** Revocations in flight at once: quick for hundreds of sessions, gentle on the table's write capacity. */
const PARALLEL_REVOCATIONS = 8;
const SELECTORS = ["user", "profile", "server-instance"] as const;

/**
 * Control characters of a --reason (SPEC §10): C0, DEL and C1, and the invisible
 * ones that reorder or hide text on a terminal: bidi embeddings and overrides
 * (U+202A–U+202E), bidi isolates (U+2066–U+2069), zero-width characters and
 * marks (U+200B–U+200F) and the byte-order mark U+FEFF.
 */
const REASON_CONTROL = /[\p{Cc}\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

/**
 * --reason: 1–256 characters (code points), no control characters; it is stored
 * with the session and shown on terminals.
 * @example revokeReason("credential leaked in SEC-123") // "credential leaked in SEC-123"
 */
export function revokeReason(text: string | undefined): string {
  if (text === undefined) {
    throw new UsageError('--reason is required: say why, e.g. --reason "credential leaked in ticket SEC-123"');
  }
  const chars = [...text].length;
  if (chars === 0 || chars > REASON_MAX_CHARS || REASON_CONTROL.test(text)) {
    const shown =
      chars > 40 ? `${quoted([...text].slice(0, 40).join("")).slice(0, -1)}…" (${chars} characters)` : quoted(text);
    throw new UsageError(
      `invalid --reason ${shown}: give 1 to ${REASON_MAX_CHARS} characters without control characters`,
    );
  }
  return text;
}

/** A value in double quotes for a message, every control or bidi character escaped. */
function quoted(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** `user "alice"`, for the prompt and messages; stored text made printable. */
function describeSelector(selector: RevokeSelector): string {
  const noun = selector.by === "server-instance" ? "server instance" : selector.by;
  return `${noun} ${JSON.stringify(printable(selector.value))}`;
}

/**
 * `updated_at` values for one run, RFC3339Nano: the wall clock at the start
 * (`io.now()`, whole milliseconds) advanced by a monotonic clock of finer
 * resolution, so two runs writing in the same millisecond still write different
 * values; strictly increasing, so no two writes of a run share one either.
 */
export function stampClock(io: IO, monotonicMs: () => number = () => performance.now()): () => string {
  const start = instantFromDate(io.now());
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
    .map((result) => `${count(tally.get(result) as number)} ${result.replace("_", " ")}`);
  const selected = stopped?.selected ?? rows.length;
  if (selected > rows.length) parts.push(`${count(selected - rows.length)} not attempted`);
  const noun = selected === 1 ? "session" : "sessions";
  const line = `revoked ${count(revoked)} of ${count(selected)} ${noun} (${parts.length === 0 ? empty : parts.join(", ")})`;
  return stopped === undefined ? line : `${line}, interrupted`;
}

async function ask(io: IO, question: string, signal: AbortSignal): Promise<boolean> {
  const readLine = io.readLine;
  if (readLine === undefined) return false;
  await io.stderr.write(`${question} [y/N] `);
  if (signal.aborted) throw new InterruptedError("interrupted");
  const answer = await new Promise<string | undefined>((resolve, reject) => {
    signal.addEventListener("abort", () => reject(new InterruptedError("interrupted")), { once: true });
    readLine.call(io).then(resolve, reject);
  });
  return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
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
async function writeRows(opts: RevokeOptions, io: IO, rows: readonly Revocation[], signal: AbortSignal): Promise<void> {
  const out = signal.aborted ? (io.stdoutAfterStop ?? io.stdout) : io.stdout;
  if (opts.output === "json") await writeRevocationsJson(out, rows);
  else await writeRevocationsHuman(out, rows, { fitWidth: stdoutWidth(io), onNote: (line) => void say(io, line) });
}

async function reportFailures(io: IO, rows: readonly Revocation[]): Promise<ExitCode> {
  const failed = rows.filter((r) => r.result === "failed");
  for (const r of failed) await say(io, `error: could not revoke session "${r.id}": ${r.failure}`);
  return failed.length > 0 ? ExitCode.Failure : ExitCode.Ok;
}

/** `sentinel server-revoke`: revoke one session, or the active sessions of a user, profile or server instance. */
export async function revokeSessions(opts: RevokeOptions, deps: Deps): Promise<ExitCode> {
  const { io } = deps;
  const events: RevokeEvents = {
    onNote: (line) => void say(io, line),
    onDebug: (line) => (opts.debug ? void say(io, `debug: ${line}`) : undefined),
    signal: deps.signal,
  };
  const { revoker, region, close } = await deps.openRevoker(opts.connection, opts.table);
  try {
    const revokedBy = await revokerName(deps, { ...opts.connection, region });
    const stamp: RevokeStamp = { revokedBy, reason: opts.reason, now: stampClock(io) };
    const target = opts.target;
    if (target.by === "id") return await revokeOne(opts, deps, revoker, target.value, stamp, events, region);
    return await revokeSelected(opts, deps, revoker, target, stamp, events);
  } finally {
    close();
  }
}

/** The caller's user name, recorded as `revoked_by` (SPEC §4). */
async function revokerName(deps: Deps, connection: Parameters<Deps["callerUserName"]>[0]): Promise<string> {
  try {
    return await deps.callerUserName(connection);
  } catch (error) {
    if (!(error instanceof UnsupportedCallerError)) throw error;
    throw new SentinelError(
      `${error.message}: revoked_by records the caller's user name; use the credentials of an IAM user or an assumed-role session`,
    );
  }
}

async function revokeOne(
  opts: RevokeOptions,
  deps: Deps,
  revoker: SessionRevoker,
  id: string,
  stamp: RevokeStamp,
  events: RevokeEvents,
  region: string,
): Promise<ExitCode> {
  const { io } = deps;
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
    row = await revoker.revoke({ id, user: "", profile: "", status: "" }, stamp, events);
    if (row.result === "not_found") throw notFound();
  }
  await writeRows(opts, io, [row], deps.signal);
  if (row.result === "already_revoked") {
    const at = row.updatedAt === "" ? "" : ` at ${printable(utcNano(row.updatedAt))}`;
    await say(
      io,
      `note: session "${id}" already revoked by ${printable(row.revokedBy || "(unknown)")}${at}; nothing changed`,
    );
  } else if (row.result === "not_active") {
    await say(io, `note: session "${id}" is not active (status "${printable(row.previousStatus)}"); nothing changed`);
  }
  if (opts.dryRun) {
    await say(io, `dry run: would revoke ${row.result === "would_revoke" ? 1 : 0} of 1 session; nothing changed`);
    return ExitCode.Ok;
  }
  const status = await reportFailures(io, [row]);
  await say(io, summaryLine([row], "none", deps.signal.aborted ? { selected: 1 } : undefined));
  return status;
}

async function revokeSelected(
  opts: RevokeOptions,
  deps: Deps,
  revoker: SessionRevoker,
  selector: RevokeSelector,
  stamp: RevokeStamp,
  events: RevokeEvents,
): Promise<ExitCode> {
  const { io } = deps;
  const candidates = await revoker.selectActive(selector, events, opts.scan ? "scan" : "index");
  const whose = describeSelector(selector);
  const n = candidates.length;
  const sessions = `${count(n)} ${n === 1 ? "session" : "sessions"}`;
  if (opts.dryRun) {
    const rows = candidates.map((c): Revocation => wouldRevoke(c, stamp));
    await writeRows(opts, io, rows, deps.signal);
    await say(io, `dry run: would revoke ${sessions} of ${whose}; nothing changed`);
    return ExitCode.Ok;
  }
  if (n > 0 && !opts.yes) {
    if (io.stdinIsTTY !== true || io.readLine === undefined) {
      throw new UsageError(
        `would revoke ${sessions} of ${whose}: pass --yes to confirm (stdin is not a terminal to ask on), or --dry-run to list them`,
      );
    }
    if (!(await ask(io, `revoke ${sessions} of ${whose}?`, deps.signal))) {
      throw new SentinelError("not confirmed: nothing was revoked; answer y to revoke, or pass --yes");
    }
  }
  const progress = new Progress(io);
  const rows = await inParallel(
    candidates,
    PARALLEL_REVOCATIONS,
    deps.signal,
    (c) => revoker.revoke(c, stamp, events),
    (done) => progress.updateDone(done, n, n === 1 ? "session" : "sessions"),
  );
  progress.clear();
  await writeRows(opts, io, rows, deps.signal);
  const status = await reportFailures(io, rows);
  // main turns a stopped run into exit 130/143 once this returns.
  const stopped = deps.signal.aborted ? { selected: n } : undefined;
  await say(io, summaryLine(rows, `no active sessions of ${whose}`, stopped));
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

export const serverRevoke: Command<RevokeOptions> = {
  name: "server-revoke",
  summary: "revoke one session, or all active sessions of a user, profile or server",
  usage: "[ID] [flags]",
  description: `Revoke one session by ID, or every active session of a user, profile or server
instance (--user, --profile, --server-instance; give exactly one, or an ID). Each
revocation is one conditional write: only an active session changes, so running it
twice is safe. A bulk revocation asks for confirmation on a terminal; elsewhere it
needs --yes. The indexes hold no session without created_at: a warning says
when the table may hold such sessions, and --scan selects by a Scan instead.
Rows go to stdout; "revoked N of M sessions (…)" to stderr; Ctrl-C starts no
new write and prints the rows done.`,
  args: { min: 0, max: 1 },
  flags: {
    user: value("Selection", "USER", "every active session of this user"),
    profile: value("Selection", "PROFILE", "every active session of this profile"),
    "server-instance": value("Selection", "ID", "every active session of this Sentinel server instance"),
    reason: value("Revocation", "TEXT", `why, stored with each session: 1-${REASON_MAX_CHARS} characters (required)`),
    "dry-run": toggle("Revocation", "list what would be revoked; change nothing"),
    yes: toggle("Revocation", "revoke without asking (needed when stdin is not a terminal)"),
    scan: toggle("Selection", "select by a Scan of the whole table, not the index (sees sessions without created_at)"),
    output: oneOf("Output", "FORMAT", ["human", "json"], "human or json (default: human)", { aliases: ["format"] }),
    ...CONNECTION_FLAGS,
  },
  examples: [
    'sentinel server-revoke 0123456789abcdef --table sentinel-sessions --reason "credential leaked in SEC-123"',
    'sentinel server-revoke --user alice --table sentinel-sessions --reason "laptop stolen" --dry-run',
    'sentinel server-revoke --server-instance i-0abc --table sentinel-sessions --reason "host compromised" --yes --output json',
  ],
  toOptions(parsed, io) {
    const raw = parsed.flags;
    const chosen: RevokeTarget[] = [];
    const id = parsed.args[0];
    if (id !== undefined) chosen.push({ by: "id", value: flag.sessionId(id) });
    for (const by of SELECTORS) {
      const given = flag.matchText(`--${by}`, raw.text(by));
      if (given !== undefined) chosen.push({ by, value: given });
    }
    if (chosen.length !== 1) {
      throw new UsageError(
        chosen.length === 0
          ? 'server-revoke needs a session ID or one of --user, --profile, --server-instance: e.g. sentinel server-revoke 0123456789abcdef --reason "credential leaked"'
          : `server-revoke takes one of a session ID, --user, --profile, --server-instance (got ${chosen.map((c) => (c.by === "id" ? "an ID" : `--${c.by}`)).join(" and ")}): give one`,
      );
    }
    const target = chosen[0] as RevokeTarget;
    if (target.by === "id" && parsed.has("scan")) {
      throw new UsageError(
        "--scan selects the sessions of --user, --profile or --server-instance: a session ID is read by its key; leave out --scan",
      );
    }
    return {
      target,
      reason: revokeReason(raw.text("reason")),
      dryRun: parsed.has("dry-run"),
      yes: parsed.has("yes"),
      scan: parsed.has("scan"),
      output: flag.outputFormat(raw.text("output"), ["human", "json"]) as "human" | "json",
      table: flag.tableName(raw.text("table"), io.env),
      connection: connectionOptions(parsed),
      debug: parsed.has("debug"),
    };
  },
  run: revokeSessions,
};
