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
