import { awsDeps } from "../../cmd/sentinel/deps.ts";
import { SentinelError, UsageError } from "../../internal/aws/errors.ts";
import { runCli } from "../../internal/cli/cli.ts";
import { reportFailure } from "../../internal/cli/report-failure.ts";
import { bufferIO } from "./buffer-io.ts";

export type CliResult = { code: number; stdout: string; stderr: string };

/**
 * Runs the CLI in-process against the real store, turning thrown errors into
 * statuses and `error:` lines with main's own reportFailure.
 */
export async function runInProcess(args: string[], now: Date, env: Record<string, string> = {}): Promise<CliResult> {
  const io = bufferIO(now, { env });
  let code: number;
  try {
    code = await runCli(args, awsDeps(io, new AbortController().signal, "test"));
  } catch (error) {
    // Anything but our own errors is a bug the test should show with its stack.
    if (!(error instanceof UsageError || error instanceof SentinelError)) throw error;
    code = await reportFailure(error, io, { debug: false, interrupted: false });
  }
  return { code, stdout: io.out(), stderr: io.err() };
}
