// A `make local` playground for a test file: started through make on a free port with its own
// LOCAL_DIR (so it clashes neither with a developer's playground on 8000 nor with other test
// files), and commands run in a shell that has sourced the env file it wrote, as a user's would.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TEST_AWS_ENV } from "./aws-env.ts";
import { onPty } from "./pty.ts";

export const ROOT = resolve(import.meta.dir, "../..");

export type Playground = {
  /** The LOCAL_DIR given to make: the env file, the sample trail and the records are in it. */
  dir: string;
  port: number;
  envFile: string;
  /** What make local recorded: the processes make local-stop is to end. */
  record: {
    dynamodb: { pid: number; port: number };
    standIns: { pid: number; sts: string; cloudtrail: string };
    /** moto's server: S3 and KMS. */
    moto: { pid: number; port: number; endpoint: string };
  };
  stdout: string;
};

/**
 * Runs make with `args` in the checkout. `-o build`: the test run has built dist/sentinel, and
 * rebuilding it under the other test files' feet would gain nothing.
 */
export function make(
  args: string[],
  env: Record<string, string> = {},
): { code: number; stdout: string; stderr: string } {
  const result = spawnSync("make", ["-s", "-o", "build", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/", ...env },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `PORT=port LOCAL_DIR=dir make local`; throws with make's output when it fails. */
export function startPlayground(dir: string, port: number): Playground {
  const started = make(["local", `PORT=${port}`, `LOCAL_DIR=${dir}`]);
  if (started.code !== 0) throw new Error(`make local exited ${started.code}:\n${started.stdout}${started.stderr}`);
  return {
    dir,
    port,
    envFile: join(dir, "local.env"),
    record: JSON.parse(readFileSync(join(dir, "local", "playground.json"), "utf8")),
    stdout: started.stdout,
  };
}

/**
 * The environment of a new user's shell: a PATH, a HOME without AWS files, and nothing of AWS
 * that could reach a real account. Credentials and region come only from the env file.
 */
export function userShellEnv(home: string): Record<string, string> {
  return {
    PATH: "/usr/bin:/bin",
    HOME: home,
    AWS_CONFIG_FILE: TEST_AWS_ENV.AWS_CONFIG_FILE,
    AWS_SHARED_CREDENTIALS_FILE: TEST_AWS_ENV.AWS_SHARED_CREDENTIALS_FILE,
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/** bash's argv that sources `envFile` (unless undefined), then runs `argv` in its place. */
export function inShell(envFile: string | undefined, argv: string[]): string[] {
  return envFile === undefined ? argv : ["/bin/bash", "-c", 'source "$0" && exec "$@"', envFile, ...argv];
}

export type Run = { code: number; stdout: string; stderr: string };

/** Runs argv in `cwd`; `answer` runs it on a pseudo-terminal (python3's pty) that answers the prompt. */
export async function run(
  argv: string[],
  options: { cwd: string; env: Record<string, string>; answer?: string },
): Promise<Run> {
  const command = options.answer === undefined ? argv : onPty(argv, "[y/N] ", options.answer);
  const proc = Bun.spawn(command, {
    cwd: options.cwd,
    env: options.env,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout: options.answer === undefined ? stdout : stdout.replaceAll("\r\n", "\n"), stderr };
}

/** The command line of a live process (not a zombie), or undefined. */
export function commandLine(pid: number): string | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return line === "" ? undefined : line;
  } catch {
    return undefined;
  }
}
