// make local / make local-stop: a DynamoDB Local that stays up on 127.0.0.1:8000
// (or PORT), with the sample table created and seeded, for trying the docs'
// examples by hand. `stop` ends exactly the process `start` recorded.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { startDynamoDBLocal } from "./dynamodb-local.ts";
import { generateSessions } from "./generate-sessions.ts";
import { createSessionTable, localClient, putItems } from "./session-table.ts";

const ROOT = resolve(import.meta.dir, "..");
const STATE = join(ROOT, ".cache", "local");
const PID_FILE = join(STATE, "dynamodb-local.json");
const TABLE = "sentinel-sessions";

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
  });
}

/** The command line of a live process, or undefined when there is none. */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return undefined;
  }
}

function recorded(): { pid: number; port: number } | undefined {
  if (!existsSync(PID_FILE)) return undefined;
  return JSON.parse(readFileSync(PID_FILE, "utf8"));
}

async function start(): Promise<void> {
  const port = Number(process.env.PORT ?? 8000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT "${process.env.PORT}" is not a TCP port`);
  const running = recorded();
  if (running !== undefined && commandLine(running.pid)?.includes("DynamoDBLocal")) {
    fail(
      `DynamoDB Local from make local is already running (pid ${running.pid}, port ${running.port}): make local-stop`,
    );
  }
  if (!(await portIsFree(port)))
    fail(`port ${port} on 127.0.0.1 is in use: stop what uses it or run PORT=8001 make local`);
  mkdirSync(STATE, { recursive: true });
  const dynamo = await startDynamoDBLocal({ port, logFile: join(STATE, "dynamodb-local.log") });
  writeFileSync(PID_FILE, JSON.stringify({ pid: dynamo.pid, port }));
  const client = localClient(dynamo.endpoint);
  await createSessionTable(client, TABLE);
  const count = await putItems(client, TABLE, generateSessions({ count: 2_000, now: new Date(), days: 90 }));
  client.destroy();
  console.log(`DynamoDB Local is up at ${dynamo.endpoint} (pid ${dynamo.pid}), table ${TABLE} with ${count} sessions.

Use it from this shell (dummy credentials; DynamoDB Local accepts any):
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
  export AWS_ENDPOINT_URL_DYNAMODB=${dynamo.endpoint} SENTINEL_SESSION_TABLE=${TABLE}
  ./dist/sentinel server-sessions --since 7d

or with flags: ./dist/sentinel server-sessions --table ${TABLE} --endpoint-url ${dynamo.endpoint} --since 7d
Stop it with: make local-stop`);
}

function stop(): void {
  const running = recorded();
  if (running === undefined) {
    console.log("no DynamoDB Local from make local is recorded; nothing to stop");
    return;
  }
  // Only the process make local started: a reused pid that is not DynamoDB Local is left alone.
  if (commandLine(running.pid)?.includes("DynamoDBLocal")) {
    process.kill(running.pid, "SIGTERM");
    console.log(`stopped DynamoDB Local (pid ${running.pid}, port ${running.port})`);
  } else console.log(`DynamoDB Local (pid ${running.pid}) was no longer running`);
  rmSync(PID_FILE);
}

try {
  if (process.argv[2] === "stop") stop();
  else await start();
} catch (error) {
  fail((error as Error).message.split("\n")[0] ?? "unknown failure");
}
