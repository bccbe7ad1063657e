import type { IO } from "../../internal/cli/io.ts";
import type { Text } from "../../internal/output/writer.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });
/** Chunks are whole UTF-8 (ChunkedWriter never splits a row), so each decodes alone. */
const text = (chunk: Text) => (typeof chunk === "string" ? chunk : decoder.decode(chunk));

export type BufferIO = IO & { out(): string; err(): string };

/** An IO whose streams are strings, with a fixed clock. */
export function bufferIO(now: Date, options: { stderrIsTTY?: boolean; env?: Record<string, string> } = {}): BufferIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout: { write: (chunk) => void stdout.push(text(chunk)) },
    stderr: { write: (chunk) => void stderr.push(text(chunk)) },
    stdoutIsTTY: false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    env: options.env ?? {},
    now: () => now,
    out: () => stdout.join(""),
    err: () => stderr.join(""),
  };
}
