// dist/sentinel with a closed stdout, a stdout nobody reads, and Ctrl-C or a
// CI runner's SIGTERM in the middle of an export.
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { endpoint, freshTable } from "../support/dynamo.ts";
import { BINARY, binaryEnv } from "../support/run-binary.ts";

const NOW = new Date();
let big: string;
const env = () => binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() });
// About 500 KB of CSV: far more than a pipe holds (64 KiB on Linux).
const exportArgs = () => [
  "server-sessions",
  "--table",
  big,
  "--until",
  "2099-01-01",
  "--limit",
  "0",
  "--output",
  "csv",
];

beforeAll(async () => {
  big = await freshTable("signals", generateSessions({ count: 3_000, now: NOW, days: 10, seed: 7 }));
});

/** Reads a stream to its end, calling `onText` with all text so far after each chunk. */
async function collect(stream: ReadableStream<Uint8Array>, onText: (text: string) => void = () => {}) {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    onText(text);
  }
  return text;
}

type Fifo = {
  path: string;
  /** Takes what the pipe holds, without waiting: the number of bytes read. */
  take(): number;
  /** Fills the pipe to the last byte: a program writing to it blocks. */
  fill(): void;
  close(): void;
};

/**
 * A named pipe whose read end the test holds and reads only when it says so,
 * so a program writing to it blocks at a point the test chooses. (A pipe from
 * Bun.spawn is read ahead by half a megabyte, whether the test reads or not.)
 */
function fifo(): Fifo {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-pipe-"));
  const path = join(dir, "stdout");
  const made = Bun.spawnSync(["mkfifo", path]);
  if (made.exitCode !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const filler = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  const untilAgain = (step: () => void) => {
    for (;;) {
      try {
        step();
      } catch (error) {
        if ((error as { code?: string }).code === "EAGAIN") return;
        throw error;
      }
    }
  };
  return {
    path,
    take() {
      const buffer = Buffer.alloc(1 << 16);
      let total = 0;
      untilAgain(() => {
        const n = readSync(reader, buffer);
        if (n === 0) throw Object.assign(new Error("end of pipe"), { code: "EAGAIN" });
        total += n;
      });
      return total;
    },
    fill() {
      // Big writes first, then single bytes: a write of n <= 4096 bytes needs n bytes free at once.
      for (const size of [4096, 1]) {
        const block = Buffer.alloc(size, "x");
        untilAgain(() => writeSync(filler, block));
      }
    },
    close() {
      closeSync(filler);
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs dist/sentinel with stdout to `path` (opened by the shell, as `> path` does), stderr to a pipe. */
function spawnTo(path: string, args: string[]) {
  const quoted = args.map((arg) => `"${arg}"`).join(" ");
  return Bun.spawn(["bash", "-c", `exec "${BINARY}" ${quoted} > "${path}"`], { env: env(), stderr: "pipe" });
}

describe("stdout", () => {
  test("a closed stdout (>&-) fails with one error line instead of discarding the export", async () => {
    const args = exportArgs().join(" ");
    const proc = Bun.spawn(["bash", "-c", `exec "${BINARY}" ${args} >&-`], { env: env(), stderr: "pipe" });
    const [stderr, code] = await Promise.all([collect(proc.stderr), proc.exited]);
    expect(code).toBe(1);
    expect(stderr).toBe("error: cannot write output: stdout is closed: redirect it to a file or a pipe\n");
  });

  test("stdout sent to /dev/null is not a closed stdout", async () => {
    const args = exportArgs().join(" ");
    const proc = Bun.spawn(["bash", "-c", `exec "${BINARY}" ${args} >/dev/null`], { env: env(), stderr: "pipe" });
    const [stderr, code] = await Promise.all([collect(proc.stderr), proc.exited]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});

describe("stop signals", () => {
  let pipe: Fifo | undefined;
  afterEach(() => {
    pipe?.close();
    pipe = undefined;
  });

  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s while stdout is blocked: error: interrupted, exit %d", async (signal, status) => {
    pipe = fifo();
    pipe.fill();
    // --debug says when the read is done and the rows are about to be written.
    const proc = spawnTo(pipe.path, [...exportArgs(), "--debug"]);
    let signalled = false;
    const stderr = collect(proc.stderr, (text) => {
      if (!signalled && /^debug: read .* items/m.test(text)) {
        signalled = true;
        proc.kill(signal);
      }
    });
    const code = await proc.exited;
    expect(signalled).toBe(true);
    expect(code).toBe(status);
    expect((await stderr).split("\n").filter((line) => !line.startsWith("debug: "))).toEqual([
      "error: interrupted",
      "",
    ]);
  });

  test("Ctrl-C once the first rows reached the reader stops the export: error: interrupted, exit 130", async () => {
    const reader = fifo();
    pipe = reader;
    const proc = spawnTo(reader.path, exportArgs());
    const stderr = collect(proc.stderr);
    // Wait for the first rows; the reader then stops reading, so the export cannot run to its end.
    let received = 0;
    while (received === 0 && proc.exitCode === null) {
      received = reader.take();
      if (received === 0) await Bun.sleep(5);
    }
    expect(received).toBeGreaterThan(0);
    proc.kill("SIGINT");
    const code = await proc.exited;
    expect(code).toBe(130);
    expect(await stderr).toBe("error: interrupted\n");
    // The reader got a cut export: a whole one is 3,000 rows of over 100 bytes each.
    received += reader.take();
    expect(received).toBeLessThan(3_000 * 100);
  });
});
