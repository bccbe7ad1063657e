// The audit benchmark: AssumeRole events in gzip CloudTrail log files (100
// records a file, as a trail writes them) against a table of 100,000
// sessions, through the compiled binary. Wall time and peak RSS (GNU time -v)
// at 10,000 and 100,000 events: memory should stay flat as events grow.
//
// The trail-bucket part (--cloudtrail-s3, --validate-logs against moto) is bench/audit-trail.ts.
//
// Run alone: bun bench/audit.ts (starts its own DynamoDB Local and writes only
// the audit sections of docs/benchmarks.md), or from bench/run.ts.
// BENCH_AUDIT_PARTS=logs,trail   which parts run (default both): `trail` alone for iterating on the bucket reader
// BENCH_AUDIT_ROUNDS=3, BENCH_TRAIL_ROUNDS=5   measured rounds of each part
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { startDynamoDBLocal } from "../scripts/dynamodb-local.ts";
import { createSessionTable, localClient, putItems } from "../scripts/session-table.ts";
import { ACCOUNT, logFile, PER_FILE, SESSIONS, sessionItems } from "./audit-events.ts";
import { trailBenchmark } from "./audit-trail.ts";
import { benchEnv } from "./bench-env.ts";
import { processCpuS } from "./process-cpu.ts";

const ROOT = resolve(import.meta.dir, "..");
const BINARY = join(ROOT, "dist", "sentinel");
const RESULTS = join(ROOT, "bench", "results", "audit");
const EVENT_COUNTS = (process.env.BENCH_AUDIT_EVENTS ?? "10000,100000").split(",").map(Number);

const log = (line: string) => process.stderr.write(`${line}\n`);

function writeLogs(dir: string, events: number): void {
  rmSync(dir, { recursive: true, force: true });
  const folder = join(dir, "AWSLogs", ACCOUNT, "CloudTrail", "us-east-1", "2026", "01", "20");
  mkdirSync(folder, { recursive: true });
  for (let f = 0; f * PER_FILE < events; f++) {
    writeFileSync(
      join(folder, `${ACCOUNT}_CloudTrail_us-east-1_${String(f).padStart(5, "0")}.json.gz`),
      gzipSync(logFile(f, events).text),
    );
  }
}

type Measure = {
  wallS: number;
  cpuS: number;
  rssMb: number;
  rows: number;
  status: number;
  /** How sessions were read, from the --debug lines. */
  plan: string;
  dynamoCpuS?: number;
};

/** The way the run read sessions, as its --debug lines say. */
function planOf(stderr: string): string {
  if (/reading the sessions of the window/.test(stderr)) return "window read";
  if (/ids are read by key/.test(stderr)) return "by key";
  return "unknown";
}

const ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 3);
const GOAL_WALL_S = 10;
const GOAL_RSS_MB = 250;
const GOAL_RSS_RATIO = 1.2;

function measure(args: string[], env: Record<string, string>, out: string, dynamoPid?: number): Measure {
  const timeFile = `${out}.time`;
  const dynamoBefore = processCpuS(dynamoPid);
  const started = performance.now();
  const r = spawnSync(
    "/usr/bin/time",
    ["-v", "-o", timeFile, "bash", "-c", `"$0" "$@" > "${out}"`, BINARY, ...args, "--debug"],
    {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const wallS = (performance.now() - started) / 1000;
  const dynamoAfter = processCpuS(dynamoPid);
  if (r.status !== 0 && r.status !== 4)
    throw new Error(`audit failed (${r.status}): ${r.stderr?.toString().slice(-400)}`);
  const time = readFileSync(timeFile, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(time)?.[1]);
  const rows = readFileSync(out, "utf8").split("\n").length - 2;
  return {
    wallS,
    cpuS: field("User time \\(seconds\\)") + field("System time \\(seconds\\)"),
    rssMb: field("Maximum resident set size \\(kbytes\\)") / 1024,
    rows,
    status: r.status ?? -1,
    plan: planOf(r.stderr?.toString() ?? ""),
    ...(dynamoBefore === undefined || dynamoAfter === undefined ? {} : { dynamoCpuS: dynamoAfter - dynamoBefore }),
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** What the CPU figures of the largest run say about its wall time on this machine's 2 cores. */
function cpuFloor(events: number, cpu: { sentinel: number; dynamo: number | undefined } | undefined): string[] {
  if (cpu?.dynamo === undefined) return [];
  const total = cpu.sentinel + cpu.dynamo;
  return [
    `At ${events.toLocaleString("en-US")} events DynamoDB Local spent ${cpu.dynamo.toFixed(2)} s of CPU and sentinel ${cpu.sentinel.toFixed(2)} s:`,
    `together ${total.toFixed(2)} s of CPU, so on 2 cores the run cannot take less than ${(total / 2).toFixed(2)} s of wall time.`,
    "",
  ];
}

/** Which goals the largest run met or missed, each with its figure; nothing said that the numbers do not show. */
function verdict(events: number, wallS: number, rssMb: number, ratio: number): string {
  const n = events.toLocaleString("en-US");
  const checks = [
    { met: wallS < GOAL_WALL_S, text: `${n} events took ${wallS.toFixed(2)} s (goal: under ${GOAL_WALL_S} s)` },
    { met: rssMb < GOAL_RSS_MB, text: `peak RSS was ${rssMb.toFixed(0)} MB (goal: under ${GOAL_RSS_MB} MB)` },
    {
      met: ratio <= GOAL_RSS_RATIO,
      text: `peak RSS grew ${ratio.toFixed(2)}x from the smallest run (goal: within ${GOAL_RSS_RATIO}x)`,
    },
  ];
  const missed = checks.filter((c) => !c.met).map((c) => c.text);
  const met = checks.filter((c) => c.met).map((c) => c.text);
  if (missed.length === 0) return `Within the goals on this machine: ${met.join("; ")}.`;
  return `Not within every goal on this machine. Missed: ${missed.join("; ")}.${met.length > 0 ? ` Met: ${met.join("; ")}.` : ""}`;
}

type Part = "logs" | "trail";
const PARTS: Part[] = ["logs", "trail"];
const HEADINGS: Record<Part, string> = {
  logs: "## audit untracked-sessions (log files)",
  trail: "## audit untracked-sessions --cloudtrail-s3 (trail bucket)",
};
const chosenParts = (): Part[] => {
  const asked = (process.env.BENCH_AUDIT_PARTS ?? "logs,trail").split(",").map((p) => p.trim());
  return PARTS.filter((p) => asked.includes(p));
};

/**
 * Runs the benchmark against a running DynamoDB Local (its process id, when
 * given, adds its CPU time); returns the markdown sections of the parts that
 * BENCH_AUDIT_PARTS chooses.
 */
export async function auditBenchmark(
  endpoint: string,
  baseEnv: Record<string, string>,
  dynamoPid?: number,
): Promise<string[]> {
  return (await auditParts(endpoint, baseEnv, dynamoPid)).flatMap(([, lines]) => lines);
}

async function auditParts(
  endpoint: string,
  baseEnv: Record<string, string>,
  dynamoPid?: number,
): Promise<[Part, string[]][]> {
  mkdirSync(RESULTS, { recursive: true });
  const table = "bench-audit";
  const client = localClient(endpoint);
  await createSessionTable(client, table);
  const started = performance.now();
  await putItems(client, table, sessionItems());
  client.destroy();
  log(`audit bench: seeded ${SESSIONS} sessions in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const sections: [Part, string[]][] = [];
  for (const part of chosenParts()) {
    sections.push([
      part,
      part === "logs"
        ? await logFilesBenchmark(endpoint, table, baseEnv, dynamoPid)
        : await trailBenchmark(endpoint, table, baseEnv, dynamoPid),
    ]);
  }
  return sections;
}

/** The log-folder part: `--cloudtrail-logs` at each of EVENT_COUNTS. */
async function logFilesBenchmark(
  endpoint: string,
  table: string,
  baseEnv: Record<string, string>,
  dynamoPid?: number,
): Promise<string[]> {
  const env = { ...baseEnv, AWS_ENDPOINT_URL_DYNAMODB: endpoint };
  const rows: string[] = [];
  const rssAt: number[] = [];
  const wallAt: number[] = [];
  const cpuAt: { sentinel: number; dynamo: number | undefined }[] = [];
  for (const events of EVENT_COUNTS) {
    const dir = join(RESULTS, `logs-${events}`);
    writeLogs(dir, events);
    const args = [
      "audit",
      "untracked-sessions",
      "--table",
      table,
      "--since",
      "2026-01-20",
      "--until",
      "2026-01-20",
      "--cloudtrail-logs",
      dir,
      "--output",
      "csv",
    ];
    measure(args, env, join(RESULTS, `warm-${events}.csv`), dynamoPid);
    const runs: Measure[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const m = measure(args, env, join(RESULTS, `audit-${events}.csv`), dynamoPid);
      log(
        `  ${events} events: ${m.wallS.toFixed(2)} s, cpu ${m.cpuS.toFixed(2)} s, ${m.rssMb.toFixed(0)} MB, ${m.rows} findings, exit ${m.status}`,
      );
      runs.push(m);
    }
    const wallS = median(runs.map((m) => m.wallS));
    const rssMb = median(runs.map((m) => m.rssMb));
    const cpuS = median(runs.map((m) => m.cpuS));
    const dynamo = runs.every((m) => m.dynamoCpuS !== undefined)
      ? ` ${median(runs.map((m) => m.dynamoCpuS as number)).toFixed(2)} s |`
      : "";
    rssAt.push(rssMb);
    wallAt.push(wallS);
    cpuAt.push({
      sentinel: cpuS,
      dynamo: runs.every((m) => m.dynamoCpuS !== undefined)
        ? median(runs.map((m) => m.dynamoCpuS as number))
        : undefined,
    });
    const plans = [...new Set(runs.map((m) => m.plan))].join(", ");
    rows.push(
      `| ${events.toLocaleString("en-US")} | ${Math.ceil(events / PER_FILE).toLocaleString("en-US")} | ${plans} | ${wallS.toFixed(2)} s | ${cpuS.toFixed(2)} s |${dynamo} ${rssMb.toFixed(0)} MB | ${(runs[0] as Measure).rows.toLocaleString("en-US")} |`,
    );
  }
  const ratio = (rssAt.at(-1) as number) / (rssAt[0] as number);
  const withDynamo = dynamoPid !== undefined && processCpuS(dynamoPid) !== undefined;
  return [
    HEADINGS.logs,
    "",
    `AssumeRole events in gzip log files of ${PER_FILE} records against a table of ${SESSIONS.toLocaleString("en-US")} sessions`,
    "(DynamoDB Local, on the same cores); every 100th event has no Sentinel tag or source identity (a finding), the others",
    "name their session by tag. Sessions are read by key (BatchGetItem, 100 keys a call) until the keys asked for, times 4 KB,",
    "exceed the table's size, then from one read of the window (`sessions`: which way the run took, from its --debug lines). Medians of",
    `${ROUNDS} runs after a warm-up; sentinel's CPU (user + system) and peak RSS from GNU \`time -v\`${withDynamo ? ", DynamoDB Local's CPU from /proc" : ""}.`,
    "",
    `| events | files | sessions | wall | sentinel CPU |${withDynamo ? " DynamoDB Local CPU |" : ""} peak RSS | findings |`,
    `|---:|---:|---|---:|---:|${withDynamo ? "---:|" : ""}---:|---:|`,
    ...rows,
    "",
    `Peak RSS from the smallest to the largest run: ${ratio.toFixed(2)}x.`,
    "",
    ...cpuFloor(EVENT_COUNTS.at(-1) as number, cpuAt.at(-1)),
    verdict(EVENT_COUNTS.at(-1) as number, wallAt.at(-1) as number, rssAt.at(-1) as number, ratio),
    "",
  ];
}

/**
 * Replaces the audit sections of docs/benchmarks.md (from the marker, or the
 * first audit heading, to the next section that is not the audit's) with the
 * parts just run, keeping the previous text of the parts that were not.
 */
function writeSections(sections: [Part, string[]][]): void {
  const file = join(ROOT, "docs", "benchmarks.md");
  const text = readFileSync(file, "utf8");
  const marker = text.indexOf("<!-- audit benchmark:");
  const heading = text.indexOf("## audit untracked-sessions");
  const start = marker !== -1 ? marker : heading !== -1 ? heading : text.length;
  let end = text.length;
  for (let at = text.indexOf("\n## ", start); at !== -1; at = text.indexOf("\n## ", at + 1)) {
    if (!text.startsWith("\n## audit untracked-sessions", at)) {
      end = at + 1;
      break;
    }
  }
  const area = text.slice(start, end);
  const previous = (part: Part): string[] | undefined => {
    const at = area.indexOf(HEADINGS[part]);
    if (at === -1) return undefined;
    const next = area.indexOf("\n## audit untracked-sessions", at + 1);
    return area
      .slice(at, next === -1 ? area.length : next + 1)
      .trimEnd()
      .split("\n")
      .concat("");
  };
  const fresh = new Map(sections);
  const blocks = PARTS.flatMap((part) => fresh.get(part) ?? previous(part) ?? []);
  const day = new Date().toISOString().slice(0, 10);
  const head = `<!-- audit benchmark: written by bench/audit.ts (make bench); ${[...fresh.keys()].join(" and ")} run alone on ${day}, 2 cores shared -->`;
  const rest = text.slice(end);
  writeFileSync(
    file,
    `${text.slice(0, start).trimEnd()}\n\n\n${head}\n${blocks.join("\n").trimEnd()}\n${rest === "" ? "" : `\n${rest}`}`,
  );
}

if (import.meta.main) {
  const dynamo = await startDynamoDBLocal({ heapMb: 2_048 });
  try {
    const sections = await auditParts(dynamo.endpoint, benchEnv(), dynamo.pid);
    process.stdout.write(`${sections.flatMap(([, lines]) => lines).join("\n")}\n`);
    if (process.env.BENCH_WRITE_DOCS !== "0") writeSections(sections);
  } finally {
    await dynamo.stop();
  }
}
