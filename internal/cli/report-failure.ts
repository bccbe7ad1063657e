import { InterruptedError, SentinelError, UsageError } from "../aws/errors.ts";
import { escapeUnsafe } from "../output/printable.ts";
import { ExitCode } from "./exit-code.ts";
import type { IO } from "./io.ts";

/** True for the errors of writing to a stdout the reader has closed (`| head`). */
export function isClosedPipe(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
}

/**
 * Says what failed in one `error: …` line on stderr and returns the exit
 * status of SPEC §6. Stacks and SDK details only with --debug. Messages quote
 * table items, endpoint answers and flag values: their control and format
 * characters are written as escapes, so nothing in them reaches the terminal.
 */
export async function reportFailure(
  error: unknown,
  io: Pick<IO, "stderr">,
  options: { debug: boolean; interrupted: boolean },
): Promise<ExitCode> {
  if (options.interrupted || error instanceof InterruptedError) {
    await io.stderr.write("error: interrupted\n");
    return ExitCode.Interrupted;
  }
  if (isClosedPipe(error)) return ExitCode.Ok;
  const message = error instanceof Error ? (outputFailure(error) ?? error.message) : String(error);
  await io.stderr.write(`error: ${escapeUnsafe(message.replace(/\s*\n\s*/g, " ").trim())}\n`);
  if (options.debug) {
    if (error instanceof SentinelError && error.debugDetail) {
      await io.stderr.write(`debug: ${escapeUnsafe(error.debugDetail)}\n`);
    }
    if (error instanceof Error && error.stack) {
      // Every line marked: a message may hold a line feed (a key, a stored value), and each line of it is debug output.
      const lines = error.stack.split("\n").map((line) => `debug: ${escapeUnsafe(line)}`);
      await io.stderr.write(`${lines.join("\n")}\n`);
    }
  }
  return error instanceof UsageError ? ExitCode.Usage : ExitCode.Failure;
}

const OUTPUT_ERRORS: Record<string, string> = {
  ENOSPC: "no space left on the device: free some space, or write elsewhere",
  EDQUOT: "the disk quota is used up: free some space, or write elsewhere",
  EFBIG: "the file is too large for its file system: write elsewhere, or split the export (--since/--until)",
  EIO: "an input/output error on the device: check it, or write elsewhere",
};

/** A failed write of stdout or a file, in words (the system's own is terse: "ENOSPC: no space left…, write"). */
function outputFailure(error: Error): string | undefined {
  const code = (error as { code?: string }).code;
  const why = code === undefined ? undefined : OUTPUT_ERRORS[code];
  return why === undefined ? undefined : `cannot write output (${code}): ${why}`;
}
