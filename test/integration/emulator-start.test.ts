// Starting DynamoDB Local on a port that another process holds. Jetty's bind failure ends
// the JVM's main thread but not the JVM, which would then wait out the 90 s start deadline
// (longer than this test's limit): the launcher reads the bind failure, stops the JVM and
// says so, from its own output and from make local's log file alike.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDynamoDBLocal } from "../../scripts/dynamodb-local.ts";

const DIR = mkdtempSync(join(tmpdir(), "sentinel-emulator-start-"));
let holder: Server;
let port: number;

beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((listening) => holder.listen(0, "127.0.0.1", () => listening()));
  port = (holder.address() as { port: number }).port;
});

afterAll(() => {
  holder.close();
  rmSync(DIR, { recursive: true, force: true });
});

test.each([
  ["its output piped", undefined],
  ["its output in a log file (make local)", "dynamodb-local.log"],
])(
  "a port in use is an error naming it, with %s",
  async (_label, logName) => {
    const logFile = logName === undefined ? undefined : join(DIR, logName);
    const started = startDynamoDBLocal({ port, ...(logFile === undefined ? {} : { logFile }) });
    await expect(started).rejects.toThrow(`DynamoDB Local could not bind http://127.0.0.1:${port}: the port is in use`);
    if (logFile !== undefined) {
      expect(existsSync(logFile)).toBe(true);
      expect(readFileSync(logFile, "utf8")).toContain("java.net.BindException");
    }
  },
  45_000,
);
