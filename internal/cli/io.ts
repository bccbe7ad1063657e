import { InterruptedError } from "../aws/errors.ts";
import { escapeUnsafe } from "../output/printable.ts";
import type { Text, Writer } from "../output/writer.ts";

/** The process edge a command sees; tests pass buffers, flags and a fixed clock. */
export interface IO {
  stdout: Writer;
  stderr: Writer;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Which file stdout is (device and inode, see fileIdentity()), when it can be told. */
  stdoutFile?: string;
  /** The terminal's width when stdout is one (the COLUMNS variable takes precedence). */
  stdoutColumns?: number;
  /** The terminal's width when stderr is one, read at each use (a terminal can be resized). */
  readonly stderrColumns?: number;
  env: Readonly<Record<string, string | undefined>>;
  now(): Date;
  /** True when stdin is a terminal, where a confirmation can be asked. */
  stdinIsTTY?: boolean;
  /** Reads one line of stdin, without its line end; `undefined` at end of input. */
  readLine?(): Promise<string | undefined>;
  /**
   * stdout that still writes after SIGINT/SIGTERM (`stdout` gives up then), for
   * a command that reports what it finished before stopping; main's grace period bounds it.
   */
  stdoutAfterStop?: Writer;
  /**
   * The status to end with should the reader close stdout from now on (`| head`),
   * for a command that knows its verdict before it writes it: 0 otherwise.
   */
  statusIfStdoutCloses?(code: number): void;
}

/**
 * Writes one `warning: …` / `note: …` style line to stderr. Stored, remote or
 * user-supplied text in it cannot act on the terminal: control, format and
 * separator characters are written as escapes (`\u001b`), a newline too, so
 * the line stays one line.
 */
export async function say(io: IO, line: string): Promise<void> {
  await io.stderr.write(`${escapeUnsafe(line)}\n`);
}

/** A thousands-separated count, e.g. 1,500. */
export { thousands as count } from "../output/count.ts";

/**
 * A Writer that gives up at an interrupt: a write asked for after `signal` is
 * aborted, or still waiting on a reader that does not read when it is, fails
 * with InterruptedError. Writes are awaited chunk by chunk, so an export stops
 * within one chunk of Ctrl-C, and a blocked stdout cannot hold the run.
 */
export function interruptible(out: Writer, signal: AbortSignal): Writer {
  return {
    write(chunk: Text): Promise<void> {
      if (signal.aborted) return Promise.reject(new InterruptedError("interrupted"));
      return new Promise<void>((resolve, reject) => {
        const stop = () => reject(new InterruptedError("interrupted"));
        signal.addEventListener("abort", stop, { once: true });
        Promise.resolve(out.write(chunk))
          .then(resolve, reject)
          .finally(() => signal.removeEventListener("abort", stop));
      });
    },
  };
}
