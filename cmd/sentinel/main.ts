// The process edge: argv, real streams, env, signals and the exit status.
import { ExitCode } from "../../internal/cli/exit-code.ts";
import { gcPacer } from "../../internal/cli/gc-pacer.ts";
import type { IO } from "../../internal/cli/io.ts";
import { isClosedPipe, reportFailure } from "../../internal/cli/report-failure.ts";
import { awsDeps } from "./deps.ts";

declare const SENTINEL_VERSION: string | undefined;
declare const SENTINEL_COMMIT: string | undefined;
declare const SENTINEL_TARGET: string | undefined;

/** "0.1.0 (3f2a9c1, linux-x64)": version, commit and target, embedded by scripts/build.ts. */
function versionLine(): string {
  const version = typeof SENTINEL_VERSION === "string" ? SENTINEL_VERSION : "0.0.0-dev";
  const commit = typeof SENTINEL_COMMIT === "string" ? SENTINEL_COMMIT : "unknown";
  const target = typeof SENTINEL_TARGET === "string" ? SENTINEL_TARGET : `${process.platform}-${process.arch}, source`;
  return `${version} (${commit}, ${target})`;
}

/**
 * A Writer that resolves once the chunk is handed to the OS: waiting for each
 * write (not just for "drain") keeps at most one chunk of output in memory.
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

async function main(): Promise<number> {
  const interrupt = new AbortController();
  process.once("SIGINT", () => {
    interrupt.abort();
    // A second Ctrl-C, or a first one that the current request ignores, ends at once.
    setTimeout(() => exitNow(ExitCode.Interrupted), 2_000).unref();
    process.once("SIGINT", () => exitNow(ExitCode.Interrupted));
  });
  process.stdout.on("error", (error) => {
    if (isClosedPipe(error)) exitNow(ExitCode.Ok);
  });

  const io: IO = {
    stdout: streamWriter(process.stdout),
    stderr: streamWriter(process.stderr),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    now: () => new Date(),
    stdinIsTTY: process.stdin.isTTY === true,
    readLine: async () => (await import("./read-line.ts")).readLine(process.stdin),
  };
  const debug = process.argv.includes("--debug");
  const deps = {
    ...awsDeps(io, interrupt.signal, versionLine()),
    afterPage: gcPacer(() => Bun.gc(true), undefined, 0.25),
  };

  try {
    const { runCli } = await import("../../internal/cli/cli.ts");
    return await runCli(process.argv.slice(2), deps);
  } catch (error) {
    return reportFailure(error, io, { debug, interrupted: interrupt.signal.aborted });
  }
}

function exitNow(code: number): never {
  process.exit(code);
}

// If even stderr is gone there is nothing left to say.
const code = await main().catch(() => ExitCode.Failure);
// Let stdout drain before exiting so piped output is complete.
process.exitCode = code;
if (process.stdout.writableLength === 0) process.exit(code);
process.stdout.once("drain", () => process.exit(code));
