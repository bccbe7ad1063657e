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
  const message = error instanceof Error ? error.message : String(error);
  await io.stderr.write(`error: ${escapeUnsafe(message.replace(/\s*\n\s*/g, " ").trim())}\n`);
  if (options.debug) {
    if (error instanceof SentinelError && error.debugDetail) {
      await io.stderr.write(`debug: ${escapeUnsafe(error.debugDetail)}\n`);
    }
    if (error instanceof Error && error.stack) {
      const lines = error.stack.split("\n").map((line) => escapeUnsafe(line));
      await io.stderr.write(`debug: ${lines.join("\n")}\n`);
    }
  }
  return error instanceof UsageError ? ExitCode.Usage : ExitCode.Failure;
}
