import type { Writer } from "../output/writer.ts";

/** The process edge a command sees; tests pass buffers, flags and a fixed clock. */
export interface IO {
  stdout: Writer;
  stderr: Writer;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  now(): Date;
  /** True when stdin is a terminal, where a confirmation can be asked. */
  stdinIsTTY?: boolean;
  /** Reads one line of stdin, without its line end; `undefined` at end of input. */
  readLine?(): Promise<string | undefined>;
}

/** Writes one `warning: …` / `note: …` style line to stderr. */
export async function say(io: IO, line: string): Promise<void> {
  await io.stderr.write(`${line}\n`);
}

/** A thousands-separated count, e.g. 1,500. */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
