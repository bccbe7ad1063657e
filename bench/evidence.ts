// The evidence benchmarks (SPEC §13):
//   verify: a 30-run checkpointed series (`--output ndjson --columns all`, each
//     run appended to one archive, manifests written by the binary) checked by
//     `sentinel verify m1..m30 --data archive`, against `sha256sum archive`;
//   --sign-with: an export with `--manifest --sign-with KEY` (moto's KMS, key
//     made here) against the same export with `--manifest` only: the time it
//     adds, and the KMS requests a run makes and waits for after its last row,
//     recorded by a proxy.
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { generateSessions } from "../scripts/generate-sessions.ts";
import { createSessionTable, localClient, putItems } from "../scripts/session-table.ts";
import { startFaultProxy } from "../test/support/fault-proxy.ts";
import { type Section, writeBenchExport } from "./from-export.ts";
import {
  type Case,
  goalRow,
  lines,
  log,
  type Measure,
  measureStreaming,
  RESULTS,
  runInterleaved,
  summary,
} from "./measure.ts";

const ROOT = resolve(import.meta.dir, "..");
const BINARY = join(ROOT, "dist", "sentinel");
const SERIES_RUNS = 30;
const GOAL_VERIFY_VS_SHA256SUM = 1.2;
const GOAL_KMS_ROUND_TRIPS = 1;
const SIGN_ROUNDS = 11;
const DAY_MS = 86_400_000;

/** The KMS requests of one run: round trip, and how long before stdout's last row each was answered (≤ 0: after). */
type KmsRun = { name: string; roundTripMs: number; beforeLastRowMs: number }[];

export type EvidenceContext = {
  env: Record<string, string>;
  now: Date;
  dynamoEndpoint: string;
  /** Sessions in the archive's table: about 516 bytes of `--columns all` NDJSON each. */
  archiveSessions: number;
  /** Sessions in the export that the signing cases read. */
  signSessions: number;
  cutoffText: string;
  runs: number;
  motoEndpoint: string;
};

/** Runs a command line in bash without blocking this process (the STS stand-in answers from here). */
async function run(command: string, env: Record<string, string>): Promise<void> {
  const child = Bun.spawn(["bash", "-c", `set -o pipefail; ${command}`], {
    env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const stderr = new Response(child.stderr).text();
  const status = await child.exited;
  if (status !== 0) throw new Error(`${command.slice(0, 120)} failed (${status}): ${(await stderr).slice(-500)}`);
}

/**
 * The archive: one user's sessions over 90 days in their own table, exported
 * by SERIES_RUNS checkpointed runs whose `--until` steps through the 90 days,
 * each appended to the archive with its manifest. `--user` reads the user
 * index, so each run reads only its window.
 */
async function writeArchive(ctx: EvidenceContext): Promise<{ archive: string; manifests: string[] }> {
  const dir = join(RESULTS, "archive");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const table = "bench-archive";
  const client = localClient(ctx.dynamoEndpoint);
  await createSessionTable(client, table);
  let started = performance.now();
  await putItems(
    client,
    table,
    generateSessions({ count: ctx.archiveSessions, now: ctx.now, days: 90, users: 1, profiles: 30, seed: 11 }),
  );
  client.destroy();
  log(`seeded ${ctx.archiveSessions} sessions into ${table} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  const archive = join(dir, "archive.ndjson");
  const ckpt = join(dir, "sessions.ckpt");
  const manifests: string[] = [];
  const first = ctx.now.getTime() - 90 * DAY_MS;
  for (let i = 1; i <= SERIES_RUNS; i++) {
    const until = new Date(first + (i * 90 * DAY_MS) / SERIES_RUNS).toISOString();
    const manifest = join(dir, `sessions-${String(i).padStart(2, "0")}.manifest.json`);
    await run(
      `"${BINARY}" server-sessions --table ${table} --user alice --checkpoint "${ckpt}" --settle 0s --until ${until} --output ndjson --columns all --manifest "${manifest}" >> "${archive}"`,
      ctx.env,
    );
    manifests.push(manifest);
  }
  log(
    `wrote a ${SERIES_RUNS}-run archive of ${(statSync(archive).size / 1048576).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { archive, manifests };
}

async function verifyBenchmark(ctx: EvidenceContext): Promise<Section> {
  const { archive, manifests } = await writeArchive(ctx);
  const cases: Case[] = [
    {
      name: `verify ${SERIES_RUNS} manifests --data`,
      group: "verify",
      command: `"${BINARY}" verify ${manifests.map((m) => `"${m}"`).join(" ")} --data "${archive}"`,
      out: join(RESULTS, "verify.out"),
      rowsOf: lines,
    },
    {
      name: "sha256sum archive",
      group: "floor",
      command: `sha256sum "${archive}"`,
      out: join(RESULTS, "sha256sum.out"),
      rowsOf: lines,
    },
  ];
  log(`\n== verify: ${SERIES_RUNS} manifests, ${ctx.runs} rounds after a warm-up`);
  const results = await runInterleaved(cases, ctx.env, ctx.runs);
  const [v, floor] = cases.map((c) => summary(results.get(c.name) as Measure[])) as [Measure, Measure];
  const mb = statSync(archive).size / 1048576;
  const ratio = (v.bestWallS ?? v.wallS) / (floor.bestWallS ?? floor.wallS);
  return {
    goals: [
      goalRow(
        `\`verify\` of a ${SERIES_RUNS}-run series over its ${mb.toFixed(0)} MB archive ≤ ${GOAL_VERIFY_VS_SHA256SUM}x \`sha256sum\``,
        ratio,
        (x) => `${x.toFixed(2)}x`,
        (x) => x <= GOAL_VERIFY_VS_SHA256SUM,
      ),
    ],
    markdown: [
      "## verify of a checkpointed series",
      "",
      `${ctx.archiveSessions.toLocaleString("en-US")} sessions of one user over 90 days in DynamoDB Local, exported by ${SERIES_RUNS} checkpointed runs`,
      "(`--user alice --output ndjson --columns all --manifest`, `--until` stepping through the 90 days), each appended to one archive of",
      `${mb.toFixed(0)} MB. \`sentinel verify\` with all ${SERIES_RUNS} manifests and \`--data\` (the chain, the tiling and every export's bytes, in one`,
      `read) against \`sha256sum\` of the archive (GNU coreutils; the file in the page cache). Medians of ${ctx.runs} interleaved rounds after a warm-up.`,
      "",
      "| case | median wall | fastest wall | CPU | peak RSS | fastest vs sha256sum |",
      "|---|---:|---:|---:|---:|---:|",
      ...cases.map((c, i) => {
        const m = i === 0 ? v : floor;
        return `| ${c.name} | ${m.wallS.toFixed(2)} s | ${(m.bestWallS ?? m.wallS).toFixed(2)} s | ${m.cpuS.toFixed(2)} s | ${m.rssMb.toFixed(0)} MB | ${i === 0 ? `${ratio.toFixed(2)}x` : ""} |`;
      }),
      "",
      `verify read the archive at ${(mb / (v.bestWallS ?? v.wallS)).toFixed(0)} MB/s in its fastest round, sha256sum at ${(mb / (floor.bestWallS ?? floor.wallS)).toFixed(0)} MB/s.`,
      "",
    ],
  };
}

async function signBenchmark(ctx: EvidenceContext): Promise<Section> {
  const kms = new KMSClient({
    endpoint: ctx.motoEndpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  });
  const made = await kms.send(new CreateKeyCommand({ KeyUsage: "SIGN_VERIFY", KeySpec: "RSA_2048" }));
  kms.destroy();
  const key = made.KeyMetadata?.Arn as string;
  const exported = await writeBenchExport("sign", ctx.signSessions, 7, ctx.now);
  const dir = join(RESULTS, "sign");
  mkdirSync(dir, { recursive: true });
  const listing = `"${BINARY}" server-sessions --from-export "${exported.dir}" --since ${ctx.cutoffText} --limit 0 --output csv`;
  const variants: [name: string, flags: string][] = [
    ["export --manifest", ""],
    ["export --manifest --sign-with", ` --sign-with ${key}`],
    ["… and --signing-algorithm", ` --sign-with ${key} --signing-algorithm RSASSA_PKCS1_V1_5_SHA_256`],
  ];
  const cases: Case[] = variants.map(([name, flags], i) => ({
    name,
    group: "sign",
    command: `${listing} --manifest "${join(dir, `sign-${i}.manifest.json`)}"${flags}`,
    out: join(RESULTS, `sign-${i}.out`),
    rowsOf: (file) => lines(file) - 1,
  }));
  const env = { ...ctx.env, AWS_ENDPOINT_URL_KMS: ctx.motoEndpoint };
  // The time signing adds is tens of milliseconds on a run of about a second:
  // more rounds than the other sections, so that the fastest ones tell it.
  const rounds = Math.max(ctx.runs, SIGN_ROUNDS);
  log(`\n== --sign-with: ${rounds} rounds after a warm-up`);
  const results = await runInterleaved(cases, env, rounds);
  const s = cases.map((c) => summary(results.get(c.name) as Measure[]));

  // One more run of each case through a proxy that records every KMS request
  // and when it was answered, with stdout read here to see when the last row
  // arrived: a request answered before that cost the run no waiting.
  const proxy = await startFaultProxy(ctx.motoEndpoint, () => "pass");
  const runs: KmsRun[] = [];
  try {
    for (const c of cases) {
      const before = proxy.seen.length;
      const m = await measureStreaming(c, { ...ctx.env, AWS_ENDPOINT_URL_KMS: proxy.url });
      const lastRow = m.lastByteAt ?? Number.POSITIVE_INFINITY;
      runs.push(
        proxy.seen.slice(before).map((r) => ({
          name: r.target.replace(/^TrentService\./, ""),
          roundTripMs: (r.answeredAt ?? Number.NaN) - r.at,
          beforeLastRowMs: lastRow - (r.answeredAt ?? Number.POSITIVE_INFINITY),
        })),
      );
    }
  } finally {
    await proxy.stop();
  }
  const base = s[0] as Measure;
  const added = (m: Measure) => (m.bestWallS ?? m.wallS) - (base.bestWallS ?? base.wallS);
  const addedText = (m: Measure) => `${added(m) >= 0 ? "+" : ""}${(added(m) * 1000).toFixed(0)} ms`;
  const waitedFor = (run: KmsRun) => run.filter((r) => !(r.beforeLastRowMs > 0));
  const goals = cases.slice(1).map((c, i) => {
    const run = runs[i + 1] ?? [];
    const waited = waitedFor(run).map((r) => `${r.name}, ${r.roundTripMs.toFixed(0)} ms`);
    const early = run
      .filter((r) => r.beforeLastRowMs > 0)
      .map((r) => `; ${r.name} answered ${r.beforeLastRowMs.toFixed(0)} ms before the last row`);
    return goalRow(
      `${c.name === "export --manifest --sign-with" ? "`--sign-with KEY`" : "`--sign-with KEY --signing-algorithm ALG`"}: at most ${GOAL_KMS_ROUND_TRIPS} KMS round trip after the last row`,
      waited.length,
      (n) => `${n} (${waited.join("; ")})${early.join("")}; ${addedText(s[i + 1] as Measure)} (fastest rounds)`,
      (n) => n <= GOAL_KMS_ROUND_TRIPS,
    );
  });
  return {
    goals,
    markdown: [
      "## Signed manifests (`--sign-with`)",
      "",
      `The 30-day CSV export (\`--since ${ctx.cutoffText} --limit 0\`) of a ${ctx.signSessions.toLocaleString("en-US")}-session export folder with \`--manifest\`, and with`,
      "`--manifest --sign-with KEY` (an RSA_2048 SIGN_VERIFY key made in moto's KMS on the same machine), without and with",
      `\`--signing-algorithm\`. Medians of ${rounds} interleaved rounds after a warm-up; the time added compares the fastest rounds. KMS requests`,
      "are recorded by a proxy in front of moto in one more run of each case, with stdout read by the harness: a request",
      "answered before the last row arrived kept the run waiting for nothing.",
      "",
      "| case | median wall | fastest wall | added (fastest) | CPU | peak RSS | KMS requests (round trip; answered before the last row) |",
      "|---|---:|---:|---:|---:|---:|---|",
      ...cases.map((c, i) => {
        const m = s[i] as Measure;
        const run = runs[i] ?? [];
        const kms = run
          .map(
            (r) =>
              `${r.name} (${r.roundTripMs.toFixed(0)} ms; ${r.beforeLastRowMs > 0 ? `${r.beforeLastRowMs.toFixed(0)} ms before` : "after"})`,
          )
          .join(", ");
        return `| ${c.name} | ${m.wallS.toFixed(2)} s | ${(m.bestWallS ?? m.wallS).toFixed(2)} s | ${i === 0 ? "" : addedText(m)} | ${m.cpuS.toFixed(2)} s | ${m.rssMb.toFixed(0)} MB | ${run.length === 0 ? "none" : kms} |`;
      }),
      "",
      `Without \`--signing-algorithm\` a signed run made ${runs[1]?.length ?? 0} KMS requests (${runs[1]?.map((r) => r.name).join(", ") ?? ""}), of which the run waited for ${waitedFor(runs[1] ?? []).length} after its last row: the key's spec, which picks the algorithm (SPEC §13.2), comes from DescribeKey, asked as the export starts reading. With \`--signing-algorithm\` it made ${runs[2]?.length ?? 0} (${runs[2]?.map((r) => r.name).join(", ") ?? ""}).`,
      "",
    ],
  };
}

/** The sections asked for, in order: "verify", "sign". */
export async function evidenceBenchmarks(ctx: EvidenceContext, which: ReadonlySet<string>): Promise<Section[]> {
  const sections: Section[] = [];
  if (which.has("verify")) sections.push(await verifyBenchmark(ctx));
  if (which.has("sign")) sections.push(await signBenchmark(ctx));
  return sections;
}
