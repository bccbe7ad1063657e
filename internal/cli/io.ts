import { escapeUnsafe } from "../output/printable.ts";
import type { Writer } from "../output/writer.ts";

/** The process edge a command sees; tests pass buffers, flags and a fixed clock. */
export interface IO {
  stdout: Writer;
  stderr: Writer;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  now(): Date;
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
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

