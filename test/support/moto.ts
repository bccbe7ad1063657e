// One moto server (an S3 that speaks the real wire protocol) for the whole
// test run, started by the first suite that asks for it; the preload stops it.
// Importing this module starts nothing, so unit tests run without Python.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { freePort } from "../../scripts/dynamodb-local.ts";

export type RunningMoto = { endpoint: string; pid: number; stop(): Promise<void> };

let running: Promise<RunningMoto> | undefined;

/** Waits for werkzeug's "Running on http://…" line on stderr, or fails when moto exits first. */
function untilListening(child: ChildProcess, endpoint: string): Promise<void> {
  return new Promise((done, fail) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (seen.includes(`Running on ${endpoint}`)) {
        child.stderr?.off("data", onData);
        child.off("exit", onExit);
        // Keep draining, so a full pipe never blocks the server.
        child.stderr?.resume();
        done();
      }
    };
    const onExit = (code: number | null) =>
      fail(
        new Error(`moto exited with status ${code} while starting: ${seen.trim().split("\n").slice(-3).join(" | ")}`),
      );
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

async function startMoto(): Promise<RunningMoto> {
  const probe = spawnSync("python3", ["-c", "import moto.server"], { encoding: "utf8" });
  if (probe.status !== 0) {
    throw new Error("moto is not installed for python3: pip install 'moto[server]'");
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const pid = child.pid as number;
  // Also on abrupt ends, never leave the server behind.
  process.on("exit", () => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  });
  await untilListening(child, endpoint);
  const exited = new Promise<void>((done) => {
    if (child.exitCode !== null) done();
    else child.once("exit", () => done());
  });
  return {
    endpoint,
    pid,
    stop: async () => {
      try {
        process.kill(pid, "SIGTERM");
      } catch {}
      await exited;
    },
  };
}

/** Starts moto once for the run; the same server for every suite. */
export function sharedMoto(): Promise<RunningMoto> {
  running ??= startMoto();
  return running;
}

/** Stops it if it was started. */
export async function stopSharedMoto(): Promise<void> {
  if (running !== undefined) await (await running.catch(() => undefined))?.stop();
}
