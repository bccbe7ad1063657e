// The trail-bucket benchmark: `audit untracked-sessions --cloudtrail-s3` (and
// `--validate-logs`) through the compiled binary against moto's S3, beside
// its floor (a bare SDK download of the same objects at the same
// concurrency, bench/floor-s3-get.ts) and `--cloudtrail-logs` on the same
// files on local disk, in one interleaved run. The bench data is built once
// per run: 100,000 and 10,000 AssumeRole events in gzip log files of 100
// records with their hourly signed digests, uploaded to moto in parallel, and
// a 90-day organization trail whose List requests are counted for a 7-day window.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { S3Client } from "@aws-sdk/client-s3";
import { startFakeCloudTrail } from "../scripts/fake-cloudtrail.ts";
import { putObjects } from "../scripts/sample-buckets.ts";
import { type TrailKey, trailKey, type WrittenDigest, writeDigest } from "../test/support/cloudtrail-digest-writer.ts";
import { type RunningMoto, sharedMoto, stopSharedMoto } from "../test/support/moto.ts";
import { ACCOUNT, DAY, logFile, PER_FILE, record } from "./audit-events.ts";
import { processCpuS } from "./process-cpu.ts";

const ROOT = resolve(import.meta.dir, "..");
const BINARY = join(ROOT, "dist", "sentinel");
const BUN = join(ROOT, "node_modules", ".bin", "bun");
const RESULTS = join(ROOT, "bench", "results", "audit-trail");
const ROUNDS = Number(process.env.BENCH_TRAIL_ROUNDS ?? 5);
const SMALL = 10_000;
const LARGE = 100_000;
const CONCURRENCY = 16;
const UPLOAD_CONCURRENCY = 32;
const REGION = "us-east-1";
const HOUR_MS = 3_600_000;
const WINDOW = ["--since", "2026-01-20", "--until", "2026-01-20"];
// Goals, checked against this run's figures.
const GOAL_VS_FLOOR = 1.25;
const GOAL_VALIDATE_EXTRA = 0.1;
const GOAL_RSS_MB = 250;
const GOAL_RSS_RATIO = 1.2;
const LIST_DAYS_PER_TRAIL = 9;

const log = (line: string) => process.stderr.write(`${line}\n`);
const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const n = (v: number) => v.toLocaleString("en-US");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

type Put = { key: string; body: Uint8Array | string; metadata?: Record<string, string> };

/** "2026/01/20" and "20260120T1005Z" of a delivery time. */
function stampOf(ms: number): { day: string; stamp: string } {
  const d = new Date(ms);
  const [y, mo, da, h, mi] = [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
  ];
  return { day: `${y}/${pad(mo)}/${pad(da)}`, stamp: `${y}${pad(mo)}${pad(da)}T${pad(h)}${pad(mi)}Z` };
}

/** Where CloudTrail puts a log file delivered at `ms` below `accountRoot` (`AWSLogs/[o-ORG/]ACCOUNT/`). */
function logKey(accountRoot: string, account: string, region: string, ms: number, unique: number): string {
  const { day, stamp } = stampOf(ms);
  return `${accountRoot}CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${stamp}_bench${pad(unique, 11)}.json.gz`;
}

/**
 * Hourly digests of one trail from `fromMs` to `toMs` (whole hours; each ends
 * 91 s past the hour, as CloudTrail's do), chained, each listing the log files
 * delivered in its hour.
 */
function putDigests(
  puts: Put[],
  spec: { bucket: string; accountRoot: string; account: string; region: string; key: TrailKey },
  fromMs: number,
  toMs: number,
  logs: { key: string; deliveredMs: number; sha256: string }[],
): number {
  let previous: WrittenDigest | null = null;
  let count = 0;
  const sink = {
    put: (key: string, body: Uint8Array | string, metadata?: Record<string, string>) =>
      void puts.push({ key, body, ...(metadata ? { metadata } : {}) }),
  };
  for (let endMs = fromMs + HOUR_MS; endMs <= toMs; endMs += HOUR_MS) {
    const startSec = (endMs - HOUR_MS) / 1000 + 91;
    const endSec = endMs / 1000 + 91;
    previous = writeDigest(sink, {
      ...spec,
      startSec,
      endSec,
      logFiles: logs
        .filter((l) => l.deliveredMs / 1000 >= startSec && l.deliveredMs / 1000 < endSec)
        .map((l) => ({ key: l.key, sha256: l.sha256 })),
      previous,
    });
    count++;
  }
  return count;
}

/** The events' trail: one account and region, `events` in files of 100, each delivered 5 minutes after its newest record. */
export function eventsTrail(bucket: string, events: number, key: TrailKey) {
  const accountRoot = `AWSLogs/${ACCOUNT}/`;
  const puts: Put[] = [];
  const logs: { key: string; deliveredMs: number; sha256: string }[] = [];
  for (let f = 0; f * PER_FILE < events; f++) {
    const { text, newestMs } = logFile(f, events);
    const deliveredMs = Math.floor((newestMs + 5 * 60_000) / 60_000) * 60_000;
    const k = logKey(accountRoot, ACCOUNT, REGION, deliveredMs, f);
    puts.push({ key: k, body: gzipSync(text) });
    logs.push({ key: k, deliveredMs, sha256: sha256(text) });
  }
  // From 2 hours before the day to 4 hours after it: past the digest range of the window (since − 1h to until + 1h lag + 2h).
  const digests = putDigests(
    puts,
    { bucket, accountRoot, account: ACCOUNT, region: REGION, key },
    DAY - 2 * HOUR_MS,
    DAY + 28 * HOUR_MS,
    logs,
  );
  return { puts, logs: logs.map((l) => l.key), digests };
}

const ORG = "o-benchorg001";
const LIST_ACCOUNTS = ["111122223333", "444455556666"];
const LIST_REGIONS = ["us-east-1", "eu-west-1"];
const LIST_FIRST_DAY = Date.UTC(2026, 0, 1);
const LIST_DAYS = 90;
/** A 7-day window whose delivery range (until + 1h) meets 9 day folders: the most a 7-day window can. */
const LIST_WINDOW = { since: "2026-03-01T23:30:00Z", until: "2026-03-08T23:30:00Z" };

/** A 90-day organization trail, 2 accounts × 2 regions, a log file every 6 hours; and the keys the window's delivery range holds. */
function ninetyDayTrail() {
  const puts: Put[] = [];
  const inRange: string[] = [];
  const fromMs = Math.floor(Date.parse(LIST_WINDOW.since) / 60_000) * 60_000;
  const toMs = Date.parse(LIST_WINDOW.until) + HOUR_MS;
  let unique = 0;
  for (const account of LIST_ACCOUNTS) {
    for (const region of LIST_REGIONS) {
      for (let day = 0; day < LIST_DAYS; day++) {
        for (let h = 0; h < 24; h += 6) {
          const deliveredMs = LIST_FIRST_DAY + day * 86_400_000 + h * HOUR_MS + 10 * 60_000;
          const k = logKey(`AWSLogs/${ORG}/${account}/`, account, region, deliveredMs, unique);
          const r = { ...record(unique, deliveredMs - 5 * 60_000), awsRegion: region, recipientAccountId: account };
          puts.push({ key: k, body: gzipSync(JSON.stringify({ Records: [r] })) });
          if (deliveredMs >= fromMs && deliveredMs <= toMs) inRange.push(k);
          unique++;
        }
      }
    }
  }
  return { puts, inRange };
}

type Run = {
  wallS: number;
  cpuS: number;
  rssMb: number;
  motoCpuS: number | undefined;
  dynamoCpuS: number | undefined;
  stderr: string;
};
type Case = { name: string; argv: string[]; out: string; check: (run: Run, out: string) => void };

/** Runs argv under GNU time with stdout to `out`, without blocking this process (it serves ListPublicKeys meanwhile). */
async function measure(c: Case, env: Record<string, string>, moto: RunningMoto, dynamoPid?: number): Promise<Run> {
  const timeFile = `${c.out}.time`;
  const motoBefore = processCpuS(moto.pid);
  const dynamoBefore = processCpuS(dynamoPid);
  const started = performance.now();
  const child = Bun.spawn(["/usr/bin/time", "-v", "-o", timeFile, "bash", "-c", `"$0" "$@" > "${c.out}"`, ...c.argv], {
    env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const stderr = await new Response(child.stderr).text();
  const status = await child.exited;
  const wallS = (performance.now() - started) / 1000;
  const motoAfter = processCpuS(moto.pid);
  const dynamoAfter = processCpuS(dynamoPid);
  const time = readFileSync(timeFile, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(time)?.[1]);
  const run: Run = {
    wallS,
    cpuS: field("User time \\(seconds\\)") + field("System time \\(seconds\\)"),
    rssMb: field("Maximum resident set size \\(kbytes\\)") / 1024,
    motoCpuS: motoBefore === undefined || motoAfter === undefined ? undefined : motoAfter - motoBefore,
    dynamoCpuS: dynamoBefore === undefined || dynamoAfter === undefined ? undefined : dynamoAfter - dynamoBefore,
    stderr,
  };
  if (status !== 0 && status !== 4) throw new Error(`${c.name} failed (${status}): ${stderr.slice(-600)}`);
  c.check(run, c.out);
  return run;
}

/** List and Get requests the run made, from its last `S3 requests:` --debug line. */
function s3Requests(stderr: string): { list: number; get: number } | undefined {
  const all = [...stderr.matchAll(/S3 requests: (\d+) List, (\d+) Get/g)];
  const last = all.at(-1);
  return last === undefined ? undefined : { list: Number(last[1]), get: Number(last[2]) };
}

const csvRows = (file: string) => readFileSync(file, "utf8").split("\n").length - 2;

/**
 * Builds the trail buckets in moto, runs the cases interleaved, and returns
 * the markdown section. The session table `table` must hold the events' sessions.
 */
export async function trailBenchmark(
  dynamoEndpoint: string,
  table: string,
  baseEnv: Record<string, string>,
  dynamoPid?: number,
): Promise<string[]> {
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  const moto = await sharedMoto();
  const key = trailKey();
  const cloudTrail = startFakeCloudTrail({
    events: {},
    publicKeys: {
      [REGION]: [
        { der: key.publicKey.der, fingerprint: key.publicKey.fingerprint, validFromSec: 0, validToSec: 4_000_000_000 },
      ],
    },
  });
  const s3 = new S3Client({
    endpoint: moto.endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestHandler: { httpAgent: { keepAlive: true, maxSockets: UPLOAD_CONCURRENCY } },
  });
  try {
    const started = performance.now();
    const trails = new Map<number, { bucket: string; logs: string[]; digests: number; bytes: number }>();
    for (const events of [SMALL, LARGE]) {
      const bucket = `bench-trail-${events}`;
      const trail = eventsTrail(bucket, events, key);
      await putObjects(s3, bucket, trail.puts, UPLOAD_CONCURRENCY);
      const bytes = trail.puts.filter((p) => p.key.includes("/CloudTrail/")).reduce((sum, p) => sum + p.body.length, 0);
      trails.set(events, { bucket, logs: trail.logs, digests: trail.digests, bytes });
      if (events === LARGE) {
        // The same log files on local disk, as `aws s3 sync` leaves them, and the floor's list of keys.
        for (const p of trail.puts) {
          if (!p.key.includes("/CloudTrail/")) continue;
          const path = join(RESULTS, "synced", p.key);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, p.body);
        }
        writeFileSync(join(RESULTS, "keys.txt"), `${trail.logs.join("\n")}\n`);
      }
    }
    const ninety = ninetyDayTrail();
    await putObjects(s3, "bench-trail-90d", ninety.puts, UPLOAD_CONCURRENCY);
    const uploaded = [...trails.values()].reduce((sum, t) => sum + t.logs.length + t.digests, 0) + ninety.puts.length;
    log(
      `trail bench: ${n(uploaded)} objects uploaded to moto in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const env = {
      ...baseEnv,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_S3: moto.endpoint,
      AWS_ENDPOINT_URL_CLOUDTRAIL: cloudTrail.url,
    };
    const large = trails.get(LARGE) as { bucket: string; logs: string[]; digests: number; bytes: number };
    const small = trails.get(SMALL) as typeof large;
    const audit = (...extra: string[]) => [
      BINARY,
      "audit",
      "untracked-sessions",
      "--table",
      table,
      ...WINDOW,
      "--output",
      "csv",
      "--debug",
      ...extra,
    ];
    const findings = (events: number) => (run: Run, out: string) => {
      const rows = csvRows(out);
      if (rows !== events / 100)
        throw new Error(`expected ${events / 100} findings, got ${rows}: ${run.stderr.slice(-400)}`);
    };
    const validated = (events: number, trail: typeof large) => (run: Run, out: string) => {
      findings(events)(run, out);
      const summary =
        /integrity: ([\d,]+) of ([\d,]+) digests valid, ([\d,]+) of ([\d,]+) log files valid, 0 problems/.exec(
          run.stderr,
        );
      const intact = summary !== null && summary[1] === summary[2] && summary[3] === summary[4];
      if (!intact || summary?.[4] !== n(trail.logs.length))
        throw new Error(
          `the logs did not validate: ${run.stderr
            .split("\n")
            .filter((l) => l.startsWith("integrity"))
            .join(" | ")}`,
        );
    };
    const cases: Case[] = [
      {
        name: "floor: SDK download",
        argv: [
          BUN,
          join(ROOT, "bench", "floor-s3-get.ts"),
          moto.endpoint,
          large.bucket,
          join(RESULTS, "keys.txt"),
          String(CONCURRENCY),
        ],
        out: join(RESULTS, "floor.out"),
        check: (_, out) => {
          const [objects, bytes] = readFileSync(out, "utf8").trim().split(" ").map(Number);
          if (objects !== large.logs.length || bytes !== large.bytes)
            throw new Error(`the floor read ${objects} objects, ${bytes} bytes`);
        },
      },
      {
        name: "--cloudtrail-s3",
        argv: audit("--cloudtrail-s3", `s3://${large.bucket}`),
        out: join(RESULTS, "s3.csv"),
        check: findings(LARGE),
      },
      {
        name: "--cloudtrail-s3 --validate-logs",
        argv: audit("--cloudtrail-s3", `s3://${large.bucket}`, "--validate-logs"),
        out: join(RESULTS, "s3-validate.csv"),
        check: validated(LARGE, large),
      },
      {
        name: "--cloudtrail-logs (local disk)",
        argv: audit("--cloudtrail-logs", join(RESULTS, "synced")),
        out: join(RESULTS, "logs.csv"),
        check: findings(LARGE),
      },
      {
        name: "--cloudtrail-s3 (10,000 events)",
        argv: audit("--cloudtrail-s3", `s3://${small.bucket}`),
        out: join(RESULTS, "s3-small.csv"),
        check: findings(SMALL),
      },
      {
        name: "--cloudtrail-s3 --validate-logs (10,000 events)",
        argv: audit("--cloudtrail-s3", `s3://${small.bucket}`, "--validate-logs"),
        out: join(RESULTS, "s3-validate-small.csv"),
        check: validated(SMALL, small),
      },
    ];
    const runs = new Map<string, Run[]>(cases.map((c) => [c.name, []]));
    for (let round = 0; round <= ROUNDS; round++) {
      for (const c of cases) {
        const run = await measure(c, env, moto, dynamoPid);
        log(
          `  ${round === 0 ? "warm-up" : `round ${round}`}  ${c.name.padEnd(48)} ${run.wallS.toFixed(2)} s  cpu ${run.cpuS.toFixed(2)} s  ${run.rssMb.toFixed(0)} MB`,
        );
        if (round > 0) runs.get(c.name)?.push(run);
      }
    }

    // The List requests of a 7-day window in the 90-day bucket.
    const listCase: Case = {
      name: "7 days of a 90-day bucket",
      argv: [
        BINARY,
        "audit",
        "untracked-sessions",
        "--table",
        table,
        "--since",
        LIST_WINDOW.since,
        "--until",
        LIST_WINDOW.until,
        "--output",
        "csv",
        "--debug",
        "--cloudtrail-s3",
        "s3://bench-trail-90d",
      ],
      out: join(RESULTS, "ninety.csv"),
      check: () => {},
    };
    const listRun = await measure(listCase, env, moto, dynamoPid);
    const listed = s3Requests(listRun.stderr);
    // Discovery, from the layout written: AWSLogs/, the organization's folder, each account's CloudTrail/.
    const discovery = 1 + 1 + LIST_ACCOUNTS.length;
    const trailsCount = LIST_ACCOUNTS.length * LIST_REGIONS.length;
    const listBound = trailsCount * LIST_DAYS_PER_TRAIL + discovery;

    return section({
      runs,
      large,
      small,
      listed,
      listBound,
      discovery,
      trailsCount,
      inRange: ninety.inRange.length,
      withDynamo: dynamoPid !== undefined,
    });
  } finally {
    s3.destroy();
    cloudTrail.stop();
    await stopSharedMoto();
  }
}

type Figures = {
  runs: Map<string, Run[]>;
  large: { logs: string[]; digests: number; bytes: number };
  small: { logs: string[]; digests: number; bytes: number };
  listed: { list: number; get: number } | undefined;
  listBound: number;
  discovery: number;
  trailsCount: number;
  inRange: number;
  withDynamo: boolean;
};

function section(f: Figures): string[] {
  const of = (name: string) => f.runs.get(name) as Run[];
  const best = (name: string) => Math.min(...of(name).map((r) => r.wallS));
  const med = (name: string, pick: (r: Run) => number | undefined) => {
    const values = of(name).map(pick);
    return values.every((v) => v !== undefined) ? median(values as number[]) : undefined;
  };
  const floor = best("floor: SDK download");
  const s3 = best("--cloudtrail-s3");
  const validate = best("--cloudtrail-s3 --validate-logs");
  const local = best("--cloudtrail-logs (local disk)");
  const reference = Math.max(floor, local);
  const vsReference = s3 / reference;
  const validateExtra = validate / s3 - 1;
  const rss = (name: string) => med(name, (r) => r.rssMb) as number;
  const rssLarge = Math.max(rss("--cloudtrail-s3"), rss("--cloudtrail-s3 --validate-logs"));
  const ratioPlain = rss("--cloudtrail-s3") / rss("--cloudtrail-s3 (10,000 events)");
  const ratioValidate = rss("--cloudtrail-s3 --validate-logs") / rss("--cloudtrail-s3 --validate-logs (10,000 events)");
  const yes = (met: boolean) => (met ? "yes" : "**no**");
  const goals = [
    "| goal | measured | met |",
    "|---|---|---|",
    `| \`--cloudtrail-s3\` ≤ ${GOAL_VS_FLOOR}x the larger of the floor and \`--cloudtrail-logs\` on local disk | ${vsReference.toFixed(2)}x the ${floor >= local ? "floor" : "local-disk run"} (${s3.toFixed(2)} s against ${reference.toFixed(2)} s; floor ${floor.toFixed(2)} s, local disk ${local.toFixed(2)} s) | ${yes(vsReference <= GOAL_VS_FLOOR)} |`,
    `| \`--validate-logs\` adds ≤ ${GOAL_VALIDATE_EXTRA * 100} % | ${(validateExtra * 100).toFixed(1)} % (${validate.toFixed(2)} s against ${s3.toFixed(2)} s) | ${yes(validateExtra <= GOAL_VALIDATE_EXTRA)} |`,
    `| peak RSS < ${GOAL_RSS_MB} MB at 100,000 events (the larger of with and without \`--validate-logs\`) | ${rssLarge.toFixed(0)} MB | ${yes(rssLarge < GOAL_RSS_MB)} |`,
    `| peak RSS within ${GOAL_RSS_RATIO}x from 10,000 to 100,000 events | ${ratioPlain.toFixed(2)}x without, ${ratioValidate.toFixed(2)}x with \`--validate-logs\` | ${yes(Math.max(ratioPlain, ratioValidate) <= GOAL_RSS_RATIO)} |`,
    `| List requests for a 7-day window in a 90-day bucket ≤ accounts × regions × ${LIST_DAYS_PER_TRAIL} + discovery (${f.trailsCount} × ${LIST_DAYS_PER_TRAIL} + ${f.discovery} = ${f.listBound}) | ${f.listed === undefined ? "not reported" : `${f.listed.list} List, ${f.listed.get} Get (${f.inRange} files in the delivery range)`} | ${yes(f.listed !== undefined && f.listed.list <= f.listBound && f.listed.get === f.inRange)} |`,
  ];
  const rows = [...f.runs.keys()].map((name) => {
    const moto = med(name, (r) => r.motoCpuS);
    const dynamo = med(name, (r) => r.dynamoCpuS);
    const requests = s3Requests(of(name)[0]?.stderr ?? "");
    return `| ${name} | ${(med(name, (r) => r.wallS) as number).toFixed(2)} s | ${best(name).toFixed(2)} s | ${(med(name, (r) => r.cpuS) as number).toFixed(2)} s | ${moto === undefined ? "" : `${moto.toFixed(2)} s`} |${f.withDynamo ? ` ${dynamo === undefined ? "" : `${dynamo.toFixed(2)} s`} |` : ""} ${rss(name).toFixed(0)} MB | ${requests === undefined ? "" : `${requests.list} / ${requests.get}`} |`;
  });
  return [
    "## audit untracked-sessions --cloudtrail-s3 (trail bucket)",
    "",
    `${n(LARGE)} AssumeRole events in ${n(f.large.logs.length)} gzip log files of ${PER_FILE} records (${(f.large.bytes / 1048576).toFixed(1)} MB compressed), with ${f.large.digests} hourly signed digests,`,
    `in moto ${"(S3 on the same cores)"} against the same table; the same files for \`--cloudtrail-logs\` on local disk; ${n(SMALL)} events in ${n(f.small.logs.length)} files for the memory check.`,
    `The floor is a bare SDK download of the same ${n(f.large.logs.length)} objects, ${CONCURRENCY} at once (sentinel's default \`--s3-concurrency\`), bodies thrown away.`,
    `${ROUNDS} interleaved rounds after a warm-up; ratios compare the fastest rounds (other work on the shared cores only adds time), medians beside them.`,
    "sentinel's CPU and peak RSS from GNU `time -v`; moto's" +
      (f.withDynamo ? " and DynamoDB Local's" : "") +
      " CPU from /proc. S3 requests from `--debug`.",
    "",
    ...goals,
    "",
    `| case | median wall | fastest wall | CPU | moto CPU |${f.withDynamo ? " DynamoDB Local CPU |" : ""} peak RSS | S3 List / Get |`,
    `|---|---:|---:|---:|---:|${f.withDynamo ? "---:|" : ""}---:|---:|`,
    ...rows,
    "",
  ];
}
