import type { IO } from "../../internal/cli/io.ts";

export type BufferIO = IO & { out(): string; err(): string };

/** An IO whose streams are strings, with a fixed clock. */
export function bufferIO(now: Date, options: { stderrIsTTY?: boolean; env?: Record<string, string> } = {}): BufferIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout: { write: (chunk) => void stdout.push(chunk) },
    stderr: { write: (chunk) => void stderr.push(chunk) },
    stdoutIsTTY: false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    env: options.env ?? {},
    now: () => now,
    out: () => stdout.join(""),
    err: () => stderr.join(""),
  };
}
