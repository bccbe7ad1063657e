import { awsDeps } from "../../cmd/sentinel/deps.ts";
import { runCli } from "../../internal/cli/cli.ts";
import { SentinelError, UsageError } from "../../internal/cli/errors.ts";
import { ExitCode } from "../../internal/cli/exit-code.ts";
import { bufferIO } from "./buffer-io.ts";

export type CliResult = { code: number; stdout: string; stderr: string };

/**
 * Runs the CLI in-process against the real store, mapping thrown errors to
 * statuses and `error:` lines as main does.
 */
export async function runInProcess(args: string[], now: Date, env: Record<string, string> = {}): Promise<CliResult> {
  const io = bufferIO(now, { env });
  let code: number;
  try {
    code = await runCli(args, awsDeps(io, new AbortController().signal, "test"));
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof SentinelError)) throw error;
    await io.stderr.write(`error: ${error.message}\n`);
    code = error instanceof UsageError ? ExitCode.Usage : ExitCode.Failure;
  }
  return { code, stdout: io.out(), stderr: io.err() };
}
