// make local / make local-stop: a playground that stays up for trying the docs' examples by hand.
// `start` runs DynamoDB Local on 127.0.0.1:8000 (or PORT) with the sample table, and the STS and
// CloudTrail stand-ins on free loopback ports; it writes the sample's CloudTrail logs to
// LOCAL_DIR/sample-trail and the settings to `source` to LOCAL_DIR/local.env (LOCAL_DIR: .cache).
// `stop` ends exactly the two processes `start` recorded, nothing else.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { startDynamoDBLocal } from "./dynamodb-local.ts";
import { SAMPLE_CALLER_ARN, SAMPLE_REGION, SAMPLE_TABLE, sampleSessions, sampleTrail, writeTrail } from "./sample.ts";
import { createSessionTable, localClient, putItems } from "./session-table.ts";

const ROOT = resolve(import.meta.dir, "..");
const DIR = resolve(process.env.LOCAL_DIR || join(ROOT, ".cache"));
const STATE = join(DIR, "local");
const RECORD = join(STATE, "playground.json");
/** What make local wrote before it started the stand-ins too. */
const LEGACY_RECORD = join(STATE, "dynamodb-local.json");
const READY = join(STATE, "aws-stand-ins.json");
const ENV_FILE = join(DIR, "local.env");
const TRAIL = join(DIR, "sample-trail");

type Playground = {
  dynamodb: { pid: number; port: number };
  standIns?: { pid: number; sts: string; cloudtrail: string };
};

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

// A recorded pid counts only while its command line is still the one started here: the JVM on
// that port, the stand-ins with this playground's ready file. A reused pid is someone else's.
const isOurDynamoDB = (p: Playground["dynamodb"]) =>
  commandLine(p.pid)?.match(new RegExp(`DynamoDBLocal.* -port ${p.port}( |$)`)) != null;
const isOurStandIns = (pid: number) => {
  const line = commandLine(pid);
  return line?.includes("aws-stand-ins.ts") === true && line.includes(READY);
};

function recorded(): Playground | undefined {
  if (existsSync(RECORD)) return JSON.parse(readFileSync(RECORD, "utf8"));
  if (existsSync(LEGACY_RECORD)) return { dynamodb: JSON.parse(readFileSync(LEGACY_RECORD, "utf8")) };
  return undefined;
}

/** Starts the stand-ins detached, and waits until they have written their endpoints. */
async function startStandIns(): Promise<NonNullable<Playground["standIns"]>> {
  rmSync(READY, { force: true });
  const log = openSync(join(STATE, "aws-stand-ins.log"), "w");
  const child = spawn(
    process.execPath,
    [join(ROOT, "scripts", "aws-stand-ins.ts"), "--trail", TRAIL, "--ready", READY, "--caller-arn", SAMPLE_CALLER_ARN],
    { cwd: ROOT, stdio: ["ignore", log, log], detached: true },
  );
  child.unref();
  const deadline = Date.now() + 30_000;
  while (!existsSync(READY)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      const output = readFileSync(join(STATE, "aws-stand-ins.log"), "utf8").trim().split("\n").pop();
      throw new Error(`the STS and CloudTrail stand-ins did not start: ${output || "no output"}`);
    }
    await Bun.sleep(50);
  }
  return JSON.parse(readFileSync(READY, "utf8"));
}

async function start(): Promise<void> {
  const port = Number(process.env.PORT || 8000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT "${process.env.PORT}" is not a TCP port`);
  const running = recorded();
  if (running !== undefined && (isOurDynamoDB(running.dynamodb) || isOurStandIns(running.standIns?.pid ?? 0))) {
    fail(
      `the playground of make local is already running (DynamoDB Local on port ${running.dynamodb.port}): make local-stop`,
    );
  }
  if (!(await portIsFree(port)))
    fail(`port ${port} on 127.0.0.1 is in use: stop what uses it or run PORT=8001 make local`);
  mkdirSync(STATE, { recursive: true });
  rmSync(LEGACY_RECORD, { force: true });
  const dynamo = await startDynamoDBLocal({ port, logFile: join(STATE, "dynamodb-local.log") });
  const playground: Playground = { dynamodb: { pid: dynamo.pid, port } };
  writeFileSync(RECORD, JSON.stringify(playground));
  try {
    const client = localClient(dynamo.endpoint);
    const now = new Date();
    const sessions = sampleSessions(now);
    await createSessionTable(client, SAMPLE_TABLE);
    await putItems(client, SAMPLE_TABLE, sessions);
    client.destroy();
    const trail = sampleTrail(sessions, now);
    const files = writeTrail(TRAIL, trail.records);
    playground.standIns = await startStandIns();
    writeFileSync(RECORD, JSON.stringify(playground));
    const settings = {
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_REGION: SAMPLE_REGION,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_STS: playground.standIns.sts,
      AWS_ENDPOINT_URL_CLOUDTRAIL: playground.standIns.cloudtrail,
      SENTINEL_SESSION_TABLE: SAMPLE_TABLE,
    };
    const exports = Object.entries(settings).map(([name, value]) => `export ${name}=${value}`);
    writeFileSync(
      ENV_FILE,
      [
        "# make local: dummy credentials (the playground accepts any), its region and endpoints.",
        "# A profile or session token of a real account would take precedence over them: unset.",
        "unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL",
        ...exports,
        "",
      ].join("\n"),
    );
    const shown = (path: string) => (path.startsWith(`${ROOT}/`) ? path.slice(ROOT.length + 1) : path);
    console.log(`The playground is up:
  DynamoDB Local  ${dynamo.endpoint} (pid ${dynamo.pid}), table ${SAMPLE_TABLE} with ${sessions.length} sessions
  STS             ${playground.standIns.sts} (caller ${SAMPLE_CALLER_ARN})
  CloudTrail      ${playground.standIns.cloudtrail} (the events of the logs below; both stand-ins are pid ${playground.standIns.pid})
  CloudTrail logs ${shown(TRAIL)} (${trail.categories.size} AssumeRole events in ${files} files)

Use it from this shell (dummy credentials; the playground accepts any):
  source ${shown(ENV_FILE)}    # ${Object.entries(settings)
    .slice(0, 3)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ")}, the endpoints, SENTINEL_SESSION_TABLE
  sentinel server-sessions --since 7d        # or ./dist/sentinel; make install PREFIX=~/.local puts it on PATH
  sentinel audit untracked-sessions --since 7d --cloudtrail-logs ${shown(TRAIL)}

Stop it with: make local-stop`);
  } catch (error) {
    stopRecorded(playground);
    throw error;
  }
}

/** Sends SIGTERM to the process if it is still ours; waits until it is gone (SIGKILL after 10 s). */
async function end(name: string, pid: number, ours: () => boolean): Promise<void> {
  if (!ours()) {
    console.log(`${name} (pid ${pid}) was no longer running`);
    return;
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (ours()) {
    if (Date.now() > deadline) process.kill(pid, "SIGKILL");
    await Bun.sleep(50);
  }
  console.log(`stopped ${name} (pid ${pid})`);
}

function stopRecorded(playground: Playground): void {
  for (const [pid, ours] of [
    [playground.dynamodb.pid, () => isOurDynamoDB(playground.dynamodb)],
    [playground.standIns?.pid ?? 0, () => isOurStandIns(playground.standIns?.pid ?? 0)],
  ] as const) {
    if (pid !== 0 && ours()) process.kill(pid, "SIGKILL");
  }
  rmSync(RECORD, { force: true });
}

async function stop(): Promise<void> {
  const playground = recorded();
  if (playground === undefined) {
    console.log("no playground of make local is recorded; nothing to stop");
    return;
  }
  await end(`DynamoDB Local on port ${playground.dynamodb.port}`, playground.dynamodb.pid, () =>
    isOurDynamoDB(playground.dynamodb),
  );
  const standIns = playground.standIns;
  if (standIns !== undefined) {
    await end("the STS and CloudTrail stand-ins", standIns.pid, () => isOurStandIns(standIns.pid));
  }
  for (const file of [RECORD, LEGACY_RECORD, READY, ENV_FILE]) rmSync(file, { force: true });
}

try {
  if (process.argv[2] === "stop") await stop();
  else await start();
} catch (error) {
  fail((error as Error).message.split("\n")[0] ?? "unknown failure");
}
