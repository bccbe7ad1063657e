import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { TEST_AWS_ENV } from "./aws-env.ts";

export const BINARY = resolve(import.meta.dir, "../../dist/sentinel");

export type BinaryResult = { code: number; stdout: string; stderr: string };

/** The environment the binary sees in tests: dummy credentials only, nothing of the host's AWS setup. */
export function binaryEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: "/usr/bin:/bin",
    ...TEST_AWS_ENV,
    ...extra,
  };
}

/** Runs dist/sentinel as a user would, collecting its streams and exit status. */
export async function runBinary(args: string[], env: Record<string, string> = binaryEnv()): Promise<BinaryResult> {
  const proc = Bun.spawn([BINARY, ...args], { env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/**
 * Runs dist/sentinel with stdout redirected by the shell to `out`, appended
 * (`>>`, as an archive job does) or replaced (`>`); its exit status and stderr.
 */
export function runInto(
  out: string,
  args: string[],
  env: Record<string, string> = binaryEnv(),
  mode: "append" | "replace" = "replace",
): { code: number | null; stderr: string } {
  const redirect = mode === "append" ? ">>" : ">";
  const child = spawnSync("sh", ["-c", `out=$1; shift; exec "$@" ${redirect} "$out"`, "sh", out, BINARY, ...args], {
    env,
    encoding: "utf8",
  });
  return { code: child.status, stderr: child.stderr };
}

/**
 * Runs dist/sentinel into a pipe whose reader is already gone (`| true`
 * that has exited): it starts once a write to the pipe fails, SIGPIPE
 * ignored so that the write fails with EPIPE. Its exit status and stderr.
 */
export async function runIntoClosedPipe(
  args: string[],
  env: Record<string, string> = binaryEnv(),
): Promise<{ code: number | undefined; stderr: string }> {
  const script = `{ trap '' PIPE; while printf x 2>/dev/null; do :; done; "$0" "$@"; echo "status=$?" >&2; } | true`;
  const proc = Bun.spawn(["bash", "-c", script, BINARY, ...args], { env, stdout: "pipe", stderr: "pipe" });
  const [stderr] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  const status = /status=(\d+)\n$/.exec(stderr);
  return { code: status === null ? undefined : Number(status[1]), stderr: stderr.replace(/status=\d+\n$/, "") };
}
