import type { ConnectionOptions } from "../aws/connection.ts";
import { InterruptedError, UsageError } from "../aws/errors.ts";
import { type RevokeEnv, type RevokeRunOptions, type RevokeTarget, revokeSessions } from "../revoke/revoke-run.ts";
import { type Command, oneOf, toggle, value } from "./command.ts";
import { CONNECTION_FLAGS, connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import type { ExitCode } from "./exit-code.ts";
import * as flag from "./flag-values.ts";
import { type IO, say } from "./io.ts";
import { processEdge } from "./process-edge.ts";
import { Progress } from "./progress.ts";
import { stdoutWidth } from "./terminal-width.ts";

export type { RevokeTarget } from "../revoke/revoke-run.ts";

/** What to revoke, and how this run reaches AWS and says what it does. */
export type RevokeOptions = RevokeRunOptions & {
  connection: ConnectionOptions;
  debug: boolean;
};

export const REASON_MAX_CHARS = 256;
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

/** Asks `question` on the terminal, y or yes (any case) for yes; a stop while waiting is an interrupt. */
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

/** The process edge and the table as the revocation pipeline sees them, bound to this run's connection. */
function revokeEnvOf(deps: Deps, connection: ConnectionOptions, { debug }: { debug: boolean }): RevokeEnv {
  const { io } = deps;
  return {
    ...processEdge(deps, debug),
    stdoutAfterStop: io.stdoutAfterStop ?? io.stdout,
    say: (line) => say(io, line),
    ask: io.stdinIsTTY !== true || io.readLine === undefined ? undefined : (question) => ask(io, question, deps.signal),
    startProgress: () => {
      const progress = new Progress(io);
      return { update: (done, total, noun) => progress.updateDone(done, total, noun), clear: () => progress.clear() };
    },
    fitWidth: () => stdoutWidth(io),
    openRevoker: (table) => deps.openRevoker(connection, table),
    callerUserName: (region) => deps.callerUserName({ ...connection, region }),
    holdStop: deps.holdStop ?? (() => () => {}),
  };
}

/** `sentinel server-revoke`: flags → options → the revocation pipeline (internal/revoke). */
async function serverRevokeRun(opts: RevokeOptions, deps: Deps): Promise<ExitCode> {
  const { connection, debug, ...revoke } = opts;
  return (await revokeSessions(revoke, revokeEnvOf(deps, connection, { debug }))) as ExitCode;
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
  run: serverRevokeRun,
};
