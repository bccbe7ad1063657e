// make local / make local-stop: a playground that stays up for trying the docs' examples by hand.
// `start` runs DynamoDB Local on 127.0.0.1:8000 (or PORT) with the sample table, the STS and
// CloudTrail stand-ins, and moto (S3 and KMS) on free loopback ports; it writes the sample's
// CloudTrail logs to LOCAL_DIR/sample-trail and a point-in-time export of the table to
// LOCAL_DIR/sample-export, puts both into moto's buckets (the trail's with signed digests),
// creates the evidence signing key there, and writes the settings to `source` to
// LOCAL_DIR/local.env (LOCAL_DIR: .cache), the two folders' paths among them. `stop` ends exactly the three processes `start`
// recorded, nothing else.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { trailKey } from "./cloudtrail-digest-writer.ts";
import { writeExportToBucket, writeExportToFolder } from "./dynamodb-export-writer.ts";
import { freePort, startDynamoDBLocal } from "./dynamodb-local.ts";
import { SAMPLE_CALLER_ARN, SAMPLE_REGION, SAMPLE_TABLE, sampleSessions, sampleTrail, writeTrail } from "./sample.ts";
import {
  createSigningKey,
  fillBucket,
  listedKey,
  SAMPLE_EXPORT,
  SAMPLE_EXPORT_URI,
  SAMPLE_ORG,
  SAMPLE_SIGNING_ALIAS,
  SAMPLE_TRAIL_BUCKET,
  sampleExport,
  trailBucketObjects,
} from "./sample-buckets.ts";
import { createSessionTable, localClient, putItems } from "./session-table.ts";
import { shellWord } from "./shell-word.ts";

const ROOT = resolve(import.meta.dir, "..");
const DIR = resolve(process.env.LOCAL_DIR || join(ROOT, ".cache"));
const STATE = join(DIR, "local");
const RECORD = join(STATE, "playground.json");
/** What make local wrote before it started the stand-ins too. */
const LEGACY_RECORD = join(STATE, "dynamodb-local.json");
const READY = join(STATE, "aws-stand-ins.json");
const ENV_FILE = join(DIR, "local.env");
const TRAIL = join(DIR, "sample-trail");
const EXPORT = join(DIR, "sample-export");
const PUBLIC_KEYS = join(STATE, "trail-public-keys.json");
const MOTO_LOG = join(STATE, "moto.log");

type Playground = {
  dynamodb: { pid: number; port: number };
  standIns?: { pid: number; sts: string; cloudtrail: string };
  moto?: { pid: number; port: number; endpoint: string };
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
const isOurMoto = (p: Playground["moto"]) =>
  p !== undefined &&
  commandLine(p.pid)?.match(new RegExp(`moto\\.server -H 127\\.0\\.0\\.1 -p ${p.port}( |$)`)) != null;

const MOTO_MISSING = "make local runs moto for S3 and KMS, and python3 has no moto: pip install 'moto[server]'";

/**
 * Starts moto's server detached on a free port other than `dynamoPort` (which DynamoDB Local
 * binds only after this); `ready` resolves once it listens.
 */
async function startMoto(dynamoPort: number): Promise<{ child: ChildProcess; port: number; ready: Promise<string> }> {
  let port = await freePort();
  while (port === dynamoPort) port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const log = openSync(MOTO_LOG, "w");
  const child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", log, log],
    detached: true,
  });
  child.unref();
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once("error", (error) => reject(new Error(`${MOTO_MISSING} (python3: ${error.message})`))),
  );
  const listening = (async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const seen = readFileSync(MOTO_LOG, "utf8");
      if (seen.includes(`Running on ${endpoint}`)) return endpoint;
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        if (/No module named '?moto/.test(seen)) throw new Error(MOTO_MISSING);
        throw new Error(`moto did not start: ${seen.trim().split("\n").pop() || "no output"} (see ${MOTO_LOG})`);
      }
      await Bun.sleep(50);
    }
  })();
  return { child, port, ready: Promise.race([listening, spawnFailed]) };
}

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
    [
      join(ROOT, "scripts", "aws-stand-ins.ts"),
      "--trail",
      TRAIL,
      "--ready",
      READY,
      "--caller-arn",
      SAMPLE_CALLER_ARN,
      "--public-keys",
      PUBLIC_KEYS,
    ],
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
  if (
    running !== undefined &&
    (isOurDynamoDB(running.dynamodb) || isOurStandIns(running.standIns?.pid ?? 0) || isOurMoto(running.moto))
  ) {
    fail(
      `the playground of make local is already running (DynamoDB Local on port ${running.dynamodb.port}): make local-stop`,
    );
  }
  if (!(await portIsFree(port)))
    fail(`port ${port} on 127.0.0.1 is in use: stop what uses it or run PORT=8001 make local`);
  mkdirSync(STATE, { recursive: true });
  rmSync(LEGACY_RECORD, { force: true });
  // moto starts while DynamoDB Local does: both take a few seconds.
  const moto = await startMoto(port);
  let dynamo: Awaited<ReturnType<typeof startDynamoDBLocal>>;
  try {
    dynamo = await startDynamoDBLocal({ port, logFile: join(STATE, "dynamodb-local.log") });
  } catch (error) {
    moto.child.kill("SIGKILL");
    throw error;
  }
  const playground: Playground = { dynamodb: { pid: dynamo.pid, port } };
  writeFileSync(RECORD, JSON.stringify(playground));
  try {
    const client = localClient(dynamo.endpoint);
    const now = new Date();
    const sessions = sampleSessions(now);
    const table = (async () => {
      await createSessionTable(client, SAMPLE_TABLE);
      await putItems(client, SAMPLE_TABLE, sessions);
      client.destroy();
    })();
    // Awaited below; a failure before then is not to end the process unhandled.
    table.catch(() => {});
    const trail = sampleTrail(sessions, now);
    const files = writeTrail(TRAIL, trail.records, now);
    const built = sampleExport(sessions, now);
    rmSync(EXPORT, { recursive: true, force: true });
    const exportFolder = writeExportToFolder(built, EXPORT);
    const key = trailKey();
    writeFileSync(PUBLIC_KEYS, JSON.stringify({ [SAMPLE_REGION]: [listedKey(key.publicKey, now)] }));
    const trailObjects = trailBucketObjects(files, now, key);
    const motoEndpoint = await moto.ready.catch((error) => {
      moto.child.kill("SIGKILL");
      throw error;
    });
    playground.moto = { pid: moto.child.pid as number, port: moto.port, endpoint: motoEndpoint };
    writeFileSync(RECORD, JSON.stringify(playground));
    const [standIns, , , , signingKeyArn] = await Promise.all([
      startStandIns(),
      table,
      writeExportToBucket(built, motoEndpoint, SAMPLE_EXPORT.bucket),
      fillBucket(motoEndpoint, SAMPLE_TRAIL_BUCKET, trailObjects),
      createSigningKey(motoEndpoint),
    ]);
    playground.standIns = standIns;
    writeFileSync(RECORD, JSON.stringify(playground));
    const digests = trailObjects.filter((o) => o.key.includes("/CloudTrail-Digest/")).length;
    const settings = {
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_REGION: SAMPLE_REGION,
      // The AWS CLI v1 reads only this one.
      AWS_DEFAULT_REGION: SAMPLE_REGION,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_STS: playground.standIns.sts,
      AWS_ENDPOINT_URL_CLOUDTRAIL: playground.standIns.cloudtrail,
      AWS_ENDPOINT_URL_S3: motoEndpoint,
      AWS_ENDPOINT_URL_KMS: motoEndpoint,
      SENTINEL_SESSION_TABLE: SAMPLE_TABLE,
      // Where the sample's files are (LOCAL_DIR moves them), for examples run outside the checkout.
      SAMPLE_TRAIL_DIR: TRAIL,
      SAMPLE_EXPORT_DIR: EXPORT,
      // The key behind alias/sentinel-evidence, for `verify --kms --signed-by`.
      SAMPLE_SIGNING_KEY_ARN: signingKeyArn,
    };
    const exports = Object.entries(settings).map(([name, value]) => `export ${name}=${shellWord(value)}`);
    writeFileSync(
      ENV_FILE,
      [
        "# make local: dummy credentials (the playground accepts any), its region and endpoints.",
        "# A profile or session token of a real account would take precedence over them: unset.",
        "# SAMPLE_TRAIL_DIR, SAMPLE_EXPORT_DIR: the sample's CloudTrail logs and DynamoDB export on disk.",
        "# SAMPLE_SIGNING_KEY_ARN: the KMS key of alias/sentinel-evidence.",
        "unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL",
        ...exports,
        "",
      ].join("\n"),
    );
    const shown = (path: string) => (path.startsWith(`${ROOT}/`) ? path.slice(ROOT.length + 1) : path);
    console.log(`The playground is up:
  DynamoDB Local  ${dynamo.endpoint} (pid ${dynamo.pid}), table ${SAMPLE_TABLE} with ${sessions.length} sessions
  STS             ${playground.standIns.sts} (caller ${SAMPLE_CALLER_ARN})
  CloudTrail      ${playground.standIns.cloudtrail} (the events of the logs below, and the digests' public key; both stand-ins are pid ${playground.standIns.pid})
  S3 and KMS      ${motoEndpoint} (moto, pid ${playground.moto.pid})
  CloudTrail logs ${shown(TRAIL)} (${trail.categories.size} AssumeRole events in ${files.length} files)
  trail bucket    s3://${SAMPLE_TRAIL_BUCKET}/AWSLogs/${SAMPLE_ORG}/… (the same files, and ${digests} signed hourly digests)
  export          ${SAMPLE_EXPORT_URI} (${built.itemCount} sessions), and as a folder: ${shown(exportFolder)}
  signing key     ${SAMPLE_SIGNING_ALIAS} (KMS, RSA_2048)

Use it from this shell (dummy credentials; the playground accepts any):
  source ${shown(ENV_FILE)}    # ${Object.entries(settings)
    .slice(0, 3)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ")}, the endpoints, SENTINEL_SESSION_TABLE, SAMPLE_TRAIL_DIR, SAMPLE_EXPORT_DIR
  sentinel server-sessions --since 7d        # or ./dist/sentinel; make install PREFIX=~/.local puts it on PATH
  sentinel audit untracked-sessions --since 7d --cloudtrail-logs ${shown(TRAIL)}
  sentinel audit untracked-sessions --since 7d --cloudtrail-s3 s3://${SAMPLE_TRAIL_BUCKET} --validate-logs
  sentinel server-sessions --from-export ${SAMPLE_EXPORT_URI} --since 7d

Stop it with: ${process.env.LOCAL_DIR ? `LOCAL_DIR=${shellWord(process.env.LOCAL_DIR)} ` : ""}make local-stop`);
  } catch (error) {
    if (playground.moto === undefined) moto.child.kill("SIGKILL");
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
    [playground.moto?.pid ?? 0, () => isOurMoto(playground.moto)],
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
  const moto = playground.moto;
  if (moto !== undefined) await end(`moto (S3 and KMS) on port ${moto.port}`, moto.pid, () => isOurMoto(moto));
  for (const file of [RECORD, LEGACY_RECORD, READY, PUBLIC_KEYS, ENV_FILE]) rmSync(file, { force: true });
}

try {
  if (process.argv[2] === "stop") await stop();
  else await start();
} catch (error) {
  fail((error as Error).message.split("\n")[0] ?? "unknown failure");
}
