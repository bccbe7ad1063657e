import {
  closeSync,
  existsSync,
  linkSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import * as v from "valibot";
import { SentinelError } from "../aws/errors.ts";
import { formatNano, type Instant, parseTimestamp } from "../timefilter/instant.ts";
import { writeFileAtomically } from "./atomic-file.ts";

/** The filter a checkpoint was taken with; every run on the file must use the same. */
export type CheckpointFilter = { status: string | null; user: string | null; profile: string | null };

/** What a checkpoint file records (docs/guide/commands.md, "Checkpoint file"). */
export type CheckpointState = {
  table: string;
  filter: CheckpointFilter;
  /** The `--until` of the last successful run: the next run starts 1 ns after it. */
  windowEnd: Instant;
  /**
   * The SHA-256 of the manifest that run wrote (SPEC §13.1), null when it wrote
   * none; files written before the chain existed have no such key (null too).
   */
  lastManifestSha256: string | null;
};

const FORMAT = "sentinel-checkpoint";

const nullableText = v.nullable(v.pipe(v.string(), v.minLength(1)));
const fileSchema = v.object({
  format: v.literal(FORMAT),
  version: v.literal(1),
  table: v.pipe(v.string(), v.minLength(1)),
  filter: v.strictObject({ status: nullableText, user: nullableText, profile: nullableText }),
  window_end: v.pipe(
    v.string(),
    v.check((text) => parseTimestamp(text) !== undefined, "not an RFC 3339 time"),
  ),
  updated_at: v.string(),
  last_manifest_sha256: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "not a SHA-256")))),
});

/**
 * Reads a checkpoint; undefined when the file does not exist. A file that is
 * not a checkpoint is a SentinelError naming the problem (and is never overwritten).
 * `name` is how the user gave the path, for messages.
 */
export function readCheckpoint(path: string, name = path): CheckpointState | undefined {
  if (!existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SentinelError(
      `cannot read checkpoint "${name}" (${(error as NodeJS.ErrnoException).code ?? "error"}): check the path and its permissions`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SentinelError(
      `checkpoint "${name}" is not JSON: it was not written by sentinel, or was damaged; it is left as it is — pass another --checkpoint`,
    );
  }
  const parsed = v.safeParse(fileSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join(".") ?? "the file";
    throw new SentinelError(
      `checkpoint "${name}" is not a sentinel checkpoint (${where}: ${issue.message}); it is left as it is — pass another --checkpoint`,
    );
  }
  const file = parsed.output;
  return {
    table: file.table,
    filter: file.filter,
    windowEnd: parseTimestamp(file.window_end) as Instant,
    lastManifestSha256: file.last_manifest_sha256 ?? null,
  };
}

/** Writes the checkpoint atomically. */
export function writeCheckpoint(path: string, state: CheckpointState, now: Date): void {
  const file = {
    format: FORMAT,
    version: 1,
    table: state.table,
    filter: state.filter,
    window_end: formatNano(state.windowEnd),
    updated_at: now.toISOString(),
    last_manifest_sha256: state.lastManifestSha256,
  };
  writeFileAtomically(path, `${JSON.stringify(file, null, 2)}\n`);
}

/**
 * When the process started, in clock ticks since boot (field 22 of Linux's
 * `/proc/PID/stat`), or undefined where that cannot be read (another system,
 * a process that is gone). With the pid it names one process: a pid is reused
 * by later processes, the pair is not.
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // Field 2, the command name in parentheses, may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const start = fields[22 - 3];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

/** What a lock records: the pid, and its start time where the system tells it. */
function lockText(): string {
  const start = processStartTime(process.pid);
  return start === undefined ? `${process.pid}\n` : `${process.pid} ${start}\n`;
}

/** True when a process with this pid exists (signal 0 checks without sending). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function lockFailure(lockPath: string, error: unknown): SentinelError {
  return new SentinelError(
    `cannot create the lock "${lockPath}" (${(error as NodeJS.ErrnoException).code ?? "error"}): check that its folder is writable`,
  );
}

/**
 * Creates the lock with this pid in it, or returns false when one exists. The
 * pid is written to a file of its own first and then linked in as the lock,
 * so no other run ever reads a lock without its pid (and takes it for a dead
 * one's). Where the file system has no hard links, the lock is created empty
 * and written at once.
 */
function tryCreateLock(lockPath: string): boolean {
  const pending = `${lockPath}.${process.pid}`;
  const text = lockText();
  try {
    writeFileSync(pending, text, { mode: 0o644 });
  } catch (error) {
    throw lockFailure(lockPath, error);
  }
  try {
    linkSync(pending, lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw lockFailure(lockPath, error);
  } finally {
    rmSync(pending, { force: true });
  }
  try {
    const fd = openSync(lockPath, "wx", 0o644);
    writeSync(fd, text);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw lockFailure(lockPath, error);
  }
}

/**
 * The lock file's identity (device and inode), the pid in it and that
 * process's start time (absent in locks of earlier versions), or undefined
 * when it is gone.
 */
function readLock(lockPath: string): { file: string; holder: number; started?: string } | undefined {
  try {
    const stat = statSync(lockPath);
    const [pid, started] = readFileSync(lockPath, "utf8").trim().split(/\s+/);
    return {
      file: `${stat.dev}:${stat.ino}`,
      holder: Number.parseInt(pid ?? "", 10),
      ...(started === undefined ? {} : { started }),
    };
  } catch {
    return undefined;
  }
}

/**
 * True when the lock's process still runs: its pid is alive and, where the
 * lock recorded a start time, the process with that pid started then (a pid
 * reused by an unrelated process does not hold the lock).
 */
function holderRuns(lock: { holder: number; started?: string }): boolean {
  const { holder, started } = lock;
  if (!Number.isInteger(holder) || holder <= 0 || holder === process.pid || !isAlive(holder)) return false;
  if (started === undefined) return true;
  const now = processStartTime(holder);
  return now === undefined || now === started;
}

/**
 * Takes `FILE.lock` for this process: one export per checkpoint at a time.
 * A lock whose process is gone is taken over. Returns the release function.
 * `path` is the checkpoint's resolved path (checkpointPath()), so that every
 * name of one file shares one lock; `name` is how the user gave it.
 */
export function lockCheckpoint(path: string, name = path): () => void {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreateLock(lockPath)) {
      // A run that ends at once (the reader closed stdout: process.exit) releases it too.
      const release = () => {
        process.removeListener("exit", release);
        rmSync(lockPath, { force: true });
      };
      process.once("exit", release);
      return release;
    }
    const lock = readLock(lockPath);
    if (lock === undefined) continue; // removed meanwhile: try again
    if (holderRuns(lock)) {
      throw new SentinelError(
        `checkpoint "${name}" is in use by another export (pid ${lock.holder}): wait for it to finish`,
      );
    }
    // Left by a process that died (or unreadable): take it over, unless another
    // run has done so meanwhile and the lock is now a new file (its own).
    if (readLock(lockPath)?.file === lock.file) rmSync(lockPath, { force: true });
  }
  throw new SentinelError(`checkpoint "${name}" is in use by another export: wait for it to finish`);
}
