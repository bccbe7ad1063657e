// The process edge: argv, real streams, env, signals and the exit status.

// Start-up: --help, --version, completion and usage errors load only the
// command table and the dispatcher, and write with Bun.write; node's
// process.stdout and process.stderr (which cost more to make than a whole
// --help), the AWS SDK and the commands' modules come when a command runs.

import { fstatSync, readFileSync, statSync, writeSync } from "node:fs";
import { constants } from "node:os";
import { InterruptedError, SentinelError } from "../../internal/aws/errors.ts";
import { runCli } from "../../internal/cli/cli.ts";
import type { Deps } from "../../internal/cli/deps.ts";
import { ExitCode } from "../../internal/cli/exit-code.ts";
import type { IO } from "../../internal/cli/io.ts";
import { isClosedPipe, reportFailure } from "../../internal/cli/report-failure.ts";
import { descriptorIdentity } from "../../internal/evidence/file-identity.ts";

declare const SENTINEL_VERSION: string | undefined;
declare const SENTINEL_COMMIT: string | undefined;
declare const SENTINEL_TARGET: string | undefined;

/**
 * How long a stop signal waits for the run to end by itself before exiting
 * anyway; counted from the end of the writes a held stop awaits (holdStop).
 */
const STOP_GRACE_MS = 2_000;
/** Linux's O_CLOEXEC, as /proc/self/fdinfo shows it among the flags (octal). */
const O_CLOEXEC = 0o2000000;

/** "0.1.0 (3f2a9c1, linux-x64)": version, commit and target, embedded by scripts/build.ts. */
function versionLine(): string {
  const version = typeof SENTINEL_VERSION === "string" ? SENTINEL_VERSION : "0.0.0-dev";
  const commit = typeof SENTINEL_COMMIT === "string" ? SENTINEL_COMMIT : "unknown";
  const target = typeof SENTINEL_TARGET === "string" ? SENTINEL_TARGET : `${process.platform}-${process.arch}, source`;
  return `${version} (${commit}, ${target})`;
}

/**
 * A Writer that resolves once the chunk is handed to the OS: waiting for each
 * write (not just for "drain") keeps at most one chunk of output in memory,
 * and means nothing is left to flush at exit.
 */
function streamWriter(stream: NodeJS.WriteStream) {
  return {
    write(chunk: string | Uint8Array): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        stream.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

/**
 * Whether stdout was closed when the program started (`sentinel … >&-`). Bun
 * puts /dev/null in place of a closed standard descriptor, so the export would
 * vanish without an error. It opens that /dev/null close-on-exec, which an
 * inherited descriptor cannot be (exec closes those), so the flag tells the
 * two apart. Linux shows it in /proc; macOS answers false.
 */
function stdoutWasClosed(): boolean {
  // Windows has no /proc and puts nothing in the place of a closed stdout: the
  // process has no stdout handle, which even an empty write is refused for
  // (EBADF). Unchecked, the export would be read in full, then fail with a bare EBADF.
  if (process.platform === "win32") {
    try {
      writeSync(1, "");
      return false;
    } catch (error) {
      return (error as { code?: string }).code === "EBADF";
    }
  }
  try {
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync("/proc/self/fdinfo/1", "utf8"))?.[1];
    return flags !== undefined && (Number.parseInt(flags, 8) & O_CLOEXEC) !== 0;
  } catch {
    return false;
  }
}

/**
 * Whether fd 1 or 2 is a terminal. Only a character device other than
 * /dev/null can be one; node's stream is asked (and made) only then.
 */
function isTerminal(fd: 1 | 2): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice() || stat.rdev === statSync("/dev/null").rdev) return false;
  } catch {
    // No such descriptor, or no /dev/null (Windows): node's stream decides.
  }
  return (fd === 1 ? process.stdout : process.stderr).isTTY === true;
}

/** One Bun.write per text: the dispatcher's short texts (help, completion, an `error:` line). */
function textWriter(file: typeof Bun.stdout) {
  return {
    async write(chunk: string | Uint8Array): Promise<void> {
      await Bun.write(file, chunk);
    },
  };
}

type StopSignal = "SIGINT" | "SIGTERM";

const interrupt = new AbortController();
let stoppedBy: StopSignal | undefined;
/** Writes under way that a stopped run awaits and reports (SPEC §10): the grace does not end the run meanwhile. */
let stopHolds = 0;
let stopGrace: ReturnType<typeof setTimeout> | undefined;
let interruptionSaid: Promise<unknown> | undefined;
/** The exit status when the reader closes stdout early: 0, or the verdict a command set before writing it. */
let closedStdoutStatus: number = ExitCode.Ok;

/** The IO before a command runs. */
const textIO: IO = {
  stdout: textWriter(Bun.stdout),
  stderr: textWriter(Bun.stderr),
  get stdoutIsTTY() {
    return isTerminal(1);
  },
  get stdoutColumns() {
    return isTerminal(1) ? process.stdout.columns : undefined;
  },
  get stderrIsTTY() {
    return isTerminal(2);
  },
  // Which file stdout is, so that --manifest or --checkpoint cannot name it too.
  get stdoutFile() {
    return descriptorIdentity(1);
  },
  env: process.env,
  now: () => new Date(),
};

/** The IO of a running command, made by commandIO(): node's streams, which wait for the reader. */
let io: IO = textIO;

async function commandIO(): Promise<IO> {
  const [{ interruptible }, { erasingStatusLine }] = await Promise.all([
    import("../../internal/cli/io.ts"),
    import("../../internal/cli/progress.ts"),
  ]);
  process.stdout.on("error", (error) => {
    if (isClosedPipe(error)) process.exit(closedStdoutStatus);
  });
  const stdoutFile = descriptorIdentity(1);
  io = {
    stdout: interruptible(streamWriter(process.stdout), interrupt.signal),
    // Only a terminal shows a progress line, so only there is one to erase.
    stderr: process.stderr.isTTY ? erasingStatusLine(streamWriter(process.stderr)) : streamWriter(process.stderr),
    stdoutIsTTY: process.stdout.isTTY === true,
    ...(stdoutFile === undefined ? {} : { stdoutFile }),
    ...(process.stdout.columns === undefined ? {} : { stdoutColumns: process.stdout.columns }),
    stderrIsTTY: process.stderr.isTTY === true,
    // Read at each draw: a terminal can be resized while a long export runs.
    get stderrColumns() {
      return process.stderr.columns;
    },
    env: process.env,
    now: () => new Date(),
    stdinIsTTY: process.stdin.isTTY === true,
    readLine: async () => (await import("./read-line.ts")).readLine(process.stdin),
    stdoutAfterStop: streamWriter(process.stdout),
    statusIfStdoutCloses: (code) => {
      closedStdoutStatus = code;
    },
  };
  return io;
}

/** What a command gets: its IO, the AWS factories and the paced collector. */
async function commandDeps(): Promise<Deps> {
  const [commandIo, { awsDeps }, { gcPacer }, { fullGC, heapSize }] = await Promise.all([
    commandIO(),
    import("./deps.ts"),
    import("../../internal/cli/gc-pacer.ts"),
    import("bun:jsc"),
  ]);
  return {
    ...awsDeps(commandIo, interrupt.signal, versionLine()),
    holdStop,
    // JavaScriptCore's full collection; Bun.gc(true) also returns the allocator's free pages.
    pacedCollector: (pacing) =>
      gcPacer(pacing.returnFreePages ? () => Bun.gc(true) : () => void fullGC(), pacing, { heapBytes: heapSize }),
  };
}

/** Says `error: interrupted` once, however many paths end the run. */
function sayInterrupted(): Promise<unknown> {
  const options = { debug: false, interrupted: true };
  interruptionSaid ??= reportFailure(new InterruptedError("interrupted"), io, options).catch(() => undefined);
  return interruptionSaid;
}

/** 130 for SIGINT, 143 for SIGTERM: 128 plus the signal's number, as shells report it. */
function stopStatus(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * The first SIGINT or SIGTERM aborts the run, which then ends by itself with
 * `error: interrupted`. A second one, or a run that has not ended within
 * STOP_GRACE_MS (a request that ignores the abort), exits at once with the same
 * message: without waiting for a write to stderr that cannot complete.
 */
function onStopSignal(signal: StopSignal): void {
  if (stoppedBy !== undefined) exitInterrupted();
  stoppedBy = signal;
  interrupt.abort(new InterruptedError("interrupted"));
  startStopGrace();
}

function startStopGrace(): void {
  clearTimeout(stopGrace);
  stopGrace = setTimeout(() => {
    if (stopHolds === 0) exitInterrupted();
  }, STOP_GRACE_MS);
  stopGrace.unref();
}

/**
 * Holds off the exit that the grace of a stop forces, until the returned
 * release is called; the grace then starts again. For writes that are awaited
 * after a stop (each bounded by --timeout and its retries); a second signal
 * still exits at once.
 */
function holdStop(): () => void {
  stopHolds++;
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    stopHolds--;
    if (stopHolds === 0 && stoppedBy !== undefined) startStopGrace();
  };
}

function exitInterrupted(): never {
  void sayInterrupted();
  process.exit(stopStatus(stoppedBy ?? "SIGINT"));
}

async function main(): Promise<number> {
  process.on("SIGINT", () => onStopSignal("SIGINT"));
  process.on("SIGTERM", () => onStopSignal("SIGTERM"));
  const debug = process.argv.includes("--debug");
  try {
    if (stdoutWasClosed()) {
      throw new SentinelError("cannot write output: stdout is closed: redirect it to a file or a pipe");
    }
    const code = await runCli(process.argv.slice(2), { io: textIO, version: versionLine(), commandDeps });
    // Stopped after the last write: still a stopped run, and it says so.
    if (stoppedBy !== undefined) throw new InterruptedError("interrupted");
    return code;
  } catch (error) {
    if (stoppedBy === undefined && !(error instanceof InterruptedError)) {
      if (isClosedPipe(error)) return closedStdoutStatus;
      return reportFailure(error, io, { debug, interrupted: false });
    }
    await sayInterrupted();
    return stopStatus(stoppedBy ?? "SIGINT");
  }
}

// If even stderr is gone there is nothing left to say. Every write was
// awaited, so nothing is left to flush.
process.exit(await main().catch(() => ExitCode.Failure));
