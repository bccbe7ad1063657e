import { resolve } from "node:path";

export const BINARY = resolve(import.meta.dir, "../../dist/sentinel");

export type BinaryResult = { code: number; stdout: string; stderr: string };

/** The environment the binary sees in tests: dummy credentials only, nothing of the host's AWS setup. */
export function binaryEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: "/usr/bin:/bin",
    AWS_ACCESS_KEY_ID: "AKIATESTTESTTESTTEST",
    AWS_SECRET_ACCESS_KEY: "test-secret-access-key",
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
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
