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
});

/**
 * Reads a checkpoint; undefined when the file does not exist. A file that is
 * not a checkpoint is a SentinelError naming the problem (and is never overwritten).
 */
export function readCheckpoint(path: string): CheckpointState | undefined {
  if (!existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SentinelError(
      `cannot read checkpoint "${path}" (${(error as NodeJS.ErrnoException).code ?? "error"}): check the path and its permissions`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SentinelError(
      `checkpoint "${path}" is not JSON: it was not written by sentinel, or was damaged; it is left as it is — pass another --checkpoint`,
    );
  }
  const parsed = v.safeParse(fileSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join(".") ?? "the file";
    throw new SentinelError(
      `checkpoint "${path}" is not a sentinel checkpoint (${where}: ${issue.message}); it is left as it is — pass another --checkpoint`,
    );
  }
  const file = parsed.output;
  return { table: file.table, filter: file.filter, windowEnd: parseTimestamp(file.window_end) as Instant };
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
  };
  writeFileAtomically(path, `${JSON.stringify(file, null, 2)}\n`);
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
  try {
    writeFileSync(pending, `${process.pid}\n`, { mode: 0o644 });
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
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw lockFailure(lockPath, error);
  }
}

/** The lock file's identity (device and inode) and the pid in it, or undefined when it is gone. */
function readLock(lockPath: string): { file: string; holder: number } | undefined {
  try {
    const stat = statSync(lockPath);
    return { file: `${stat.dev}:${stat.ino}`, holder: Number.parseInt(readFileSync(lockPath, "utf8"), 10) };
  } catch {
    return undefined;
  }
}

/**
 * Takes `FILE.lock` for this process: one export per checkpoint at a time.
 * A lock whose process is gone is taken over. Returns the release function.
 */
export function lockCheckpoint(path: string): () => void {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreateLock(lockPath)) return () => rmSync(lockPath, { force: true });
    const lock = readLock(lockPath);
    if (lock === undefined) continue; // removed meanwhile: try again
    const { holder } = lock;
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new SentinelError(
        `checkpoint "${path}" is in use by another export (pid ${holder}): wait for it to finish`,
      );
    }
    // Left by a process that died (or unreadable): take it over, unless another
    // run has done so meanwhile and the lock is now a new file (its own).
    if (readLock(lockPath)?.file === lock.file) rmSync(lockPath, { force: true });
  }
  throw new SentinelError(`checkpoint "${path}" is in use by another export: wait for it to finish`);
}
