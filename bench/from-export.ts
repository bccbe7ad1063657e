// The `--from-export` benchmark: the comparison table's sessions written as a
// DynamoDB export (AWS's layout, test/support/dynamodb-export-writer.ts) of
// EXPORT_FILES data files, read from a folder and from moto's S3, against
// floors measured in the same interleaved rounds:
//   folder: bench/floor-export-folder.ts (gunzip + JSON.parse of every line, same concurrency)
//   S3:     the larger of the folder run and bench/floor-export-s3.ts (a bare parallel SDK download)
// and against the same listing from DynamoDB Local at the default segments.
// Then peak RSS of a sorted export and of `--order none` at two export sizes.
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateSessions } from "../scripts/generate-sessions.ts";
import { buildExport, writeExportToBucket, writeExportToFolder } from "../test/support/dynamodb-export-writer.ts";
import { type Case, goalRow, lines, log, type Measure, RESULTS, runInterleaved, summary } from "./measure.ts";

const ROOT = resolve(import.meta.dir, "..");
const BINARY = join(ROOT, "dist", "sentinel");
const BUN = join(ROOT, "node_modules", ".bin", "bun");
const EXPORT_FILES = 100;
/** The reader's default --s3-concurrency (SPEC §12), used by both floors too. */
const CONCURRENCY = 16;
const BUCKET = "bench-exports";
const GOAL_FOLDER_VS_FLOOR = 1.3;
const GOAL_S3_VS_FLOOR = 1.25;
const GOAL_STREAM_RSS_GROWTH = 1.1;
/** Every session: the window starts before any generated created_at. */
const SINCE_ALL = "2000-01-01";

export type FromExportContext = {
  env: Record<string, string>;
  now: Date;
  /** The 30-day cut-off of the table benchmark, for the memory cases. */
  cutoffText: string;
  /** The comparison table in DynamoDB Local, seeded with `sessions` sessions of seed 7. */
  table: string;
  sessions: number;
  defaultSegments: number;
  runs: number;
  memorySizes: number[];
  motoEndpoint: string;
};

export type Section = { goals: string[]; markdown: string[] };

const sessionsOf = (count: number, seed: number, now: Date) => [
  ...generateSessions({ count, now, days: 90, users: 200, profiles: 30, activeShare: 0.1, seed }),
];

/** Writes an export of `count` sessions under RESULTS; its folder (and, with an endpoint, its s3:// URI). */
export async function writeBenchExport(name: string, count: number, seed: number, now: Date, motoEndpoint?: string) {
  const started = performance.now();
  const built = buildExport(sessionsOf(count, seed, now), {
    files: EXPORT_FILES,
    prefix: name,
    table: "bench-sessions",
    exportTime: now.toISOString(),
  });
  const base = join(RESULTS, "exports");
  rmSync(join(base, name), { recursive: true, force: true });
  const dir = writeExportToFolder(built, base);
  const uri = motoEndpoint === undefined ? undefined : await writeExportToBucket(built, motoEndpoint, BUCKET);
  const bytes = built.dataFiles.reduce((sum, f) => sum + f.body.length, 0);
  log(
    `wrote an export of ${count} sessions (${EXPORT_FILES} data files, ${(bytes / 1048576).toFixed(1)} MB gzip)${uri === undefined ? "" : " to a folder and to moto"} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { dir, uri, root: built.root, bytes };
}

const sha256Of = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** Runs the section; its goal rows and its markdown. */
export async function fromExportBenchmark(ctx: FromExportContext): Promise<Section> {
  const exported = await writeBenchExport("speed", ctx.sessions, 7, ctx.now, ctx.motoEndpoint);
  const env = { ...ctx.env, AWS_ENDPOINT_URL_S3: ctx.motoEndpoint };
  const out = (name: string) => join(RESULTS, `${name}.out`);
  const csvRows = (file: string) => lines(file) - 1;
  const printed = (file: string) => Number(readFileSync(file, "utf8").trim());
  const listing = `--since ${SINCE_ALL} --limit 0 --output csv`;
  const cases: Case[] = [
    {
      name: "export folder csv",
      group: "export",
      command: `"${BINARY}" server-sessions --from-export "${exported.dir}" ${listing}`,
      out: out("export-folder-csv"),
      rowsOf: csvRows,
    },
    {
      name: "floor gunzip + JSON.parse",
      group: "floor",
      command: `"${BUN}" "${join(ROOT, "bench", "floor-export-folder.ts")}" "${exported.dir}" ${CONCURRENCY}`,
      out: out("floor-export-folder"),
      rowsOf: printed,
    },
    {
      name: "export s3 csv",
      group: "export",
      command: `"${BINARY}" server-sessions --from-export ${exported.uri} ${listing}`,
      out: out("export-s3-csv"),
      rowsOf: csvRows,
    },
    {
      name: "floor s3 download",
      group: "floor",
      command: `"${BUN}" "${join(ROOT, "bench", "floor-export-s3.ts")}" ${ctx.motoEndpoint} ${BUCKET} ${exported.root} ${CONCURRENCY}`,
      out: out("floor-export-s3"),
      // Bytes, not rows: shown as data files.
      rowsOf: (file) => (printed(file) === exported.bytes ? EXPORT_FILES : 0),
    },
    {
      name: `table csv seg${ctx.defaultSegments}`,
      group: "table",
      command: `"${BINARY}" server-sessions --table ${ctx.table} ${listing} --segments ${ctx.defaultSegments}`,
      out: out("export-table-csv"),
      rowsOf: csvRows,
    },
  ];
  log(`\n== --from-export: ${ctx.sessions.toLocaleString("en-US")} sessions, ${ctx.runs} rounds after a warm-up`);
  const results = await runInterleaved(cases, env, ctx.runs);
  const s = new Map(cases.map((c) => [c.name, summary(results.get(c.name) as Measure[])]));
  const best = (name: string) => {
    const m = s.get(name) as Measure;
    return m.bestWallS ?? m.wallS;
  };
  const folder = best("export folder csv");
  const floor = best("floor gunzip + JSON.parse");
  const s3 = best("export s3 csv");
  const s3Floor = Math.max(folder, best("floor s3 download"));
  const table = best(`table csv seg${ctx.defaultSegments}`);
  // The three listings must agree byte for byte (SPEC §12: an export at T gives what the table gave at T).
  const digests = ["export-folder-csv", "export-s3-csv", "export-table-csv"].map((name) => sha256Of(out(name)));
  const identical = digests.every((d) => d === digests[0]);

  const table1 = [
    "| case | median wall | fastest wall | CPU | peak RSS | rows | fastest vs its floor |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  const floorOf: Record<string, number> = { "export folder csv": floor, "export s3 csv": s3Floor };
  for (const c of cases) {
    const m = s.get(c.name) as Measure;
    const f = floorOf[c.name];
    const rows = c.name === "floor s3 download" ? `${m.rows} files` : m.rows.toLocaleString("en-US");
    table1.push(
      `| ${c.name} | ${m.wallS.toFixed(2)} s | ${(m.bestWallS ?? m.wallS).toFixed(2)} s | ${m.cpuS.toFixed(2)} s | ${m.rssMb.toFixed(0)} MB | ${rows} | ${f === undefined ? "" : `${((m.bestWallS ?? m.wallS) / f).toFixed(2)}x`} |`,
    );
  }

  const goals = [
    goalRow(
      `\`--from-export DIR\` whole-table CSV ≤ ${GOAL_FOLDER_VS_FLOOR}x the gunzip + JSON.parse floor`,
      folder / floor,
      (v) => `${v.toFixed(2)}x the floor`,
      (v) => v <= GOAL_FOLDER_VS_FLOOR,
    ),
    goalRow(
      `\`--from-export DIR\` faster than the same listing from DynamoDB Local (${ctx.defaultSegments} segments)`,
      folder / table,
      (v) => `${v.toFixed(2)}x the table's time`,
      (v) => v < 1,
    ),
    goalRow(
      `\`--from-export s3://…\` ≤ ${GOAL_S3_VS_FLOOR}x the larger of the folder run and a bare download`,
      s3 / s3Floor,
      (v) => `${v.toFixed(2)}x`,
      (v) => v <= GOAL_S3_VS_FLOOR,
    ),
  ];

  // Memory: one export per size, from a folder.
  const table2: string[] = [];
  const rss: { size: number; sorted: Measure; stream: Measure }[] = [];
  for (const size of ctx.memorySizes) {
    const e = await writeBenchExport(`memory-${size}`, size, 1_000 + size, ctx.now);
    const memCases: Case[] = [
      {
        name: `export mem ${size} sorted`,
        group: "mem",
        command: `"${BINARY}" server-sessions --from-export "${e.dir}" --since ${ctx.cutoffText} --limit 0 --output csv`,
        out: out(`export-mem-${size}-sorted`),
        rowsOf: csvRows,
      },
      {
        name: `export mem ${size} order none`,
        group: "mem",
        command: `"${BINARY}" server-sessions --from-export "${e.dir}" --since ${SINCE_ALL} --order none --limit 0 --output ndjson`,
        out: out(`export-mem-${size}-stream`),
        rowsOf: lines,
        firstByte: true,
      },
    ];
    const r = await runInterleaved(memCases, env, ctx.runs);
    const at = {
      size,
      sorted: summary(r.get(`export mem ${size} sorted`) as Measure[]),
      stream: summary(r.get(`export mem ${size} order none`) as Measure[]),
    };
    rss.push(at);
    const row = (label: string, m: Measure) =>
      `| ${size.toLocaleString("en-US")} | ${label} | ${m.rows.toLocaleString("en-US")} | ${m.rssMb.toFixed(0)} MB | ${m.wallS.toFixed(2)} s | ${m.firstByteS === undefined ? "" : `${m.firstByteS.toFixed(2)} s`} |`;
    table2.push(row("30d csv `--limit 0` (sorted)", at.sorted), row("whole export ndjson `--order none`", at.stream));
  }
  const [small, large] = [rss[0], rss.at(-1)];
  const growth = small && large && rss.length > 1 ? large.stream.rssMb / small.stream.rssMb : undefined;
  goals.push(
    goalRow(
      `\`--from-export\` \`--order none\` peak RSS at ${large?.size.toLocaleString("en-US") ?? "?"} sessions ≤ ${GOAL_STREAM_RSS_GROWTH}x that at ${small?.size.toLocaleString("en-US") ?? "?"}`,
      growth,
      (v) => `${v.toFixed(2)}x (${small?.stream.rssMb.toFixed(0)} → ${large?.stream.rssMb.toFixed(0)} MB)`,
      (v) => v <= GOAL_STREAM_RSS_GROWTH,
    ),
  );

  const m = (name: string) => s.get(name) as Measure;
  const notes = [
    `- The folder, S3 and table listings wrote ${identical ? "the same bytes" : "**different bytes**"} (SHA-256 of the three outputs compared).`,
    `- CPU (user + system): the folder export ${m("export folder csv").cpuS.toFixed(2)} s, its floor ${m("floor gunzip + JSON.parse").cpuS.toFixed(2)} s; the export validates every item, formats, keeps, sorts and writes ${m("export folder csv").rows.toLocaleString("en-US")} rows beyond what the floor does.`,
    `- From S3 the export took ${(s3 - folder >= 0 ? "+" : "") + (s3 - folder).toFixed(2)} s against the folder (fastest rounds); the bare download alone took ${best("floor s3 download").toFixed(2)} s.`,
  ];
  if (small && large && rss.length > 1) {
    notes.push(
      `- From ${small.size.toLocaleString("en-US")} to ${large.size.toLocaleString("en-US")} sessions the sorted export's peak RSS went ${small.sorted.rssMb.toFixed(0)} → ${large.sorted.rssMb.toFixed(0)} MB (${(large.sorted.rssMb / small.sorted.rssMb).toFixed(2)}x, ${small.sorted.rows.toLocaleString("en-US")} → ${large.sorted.rows.toLocaleString("en-US")} rows kept), \`--order none\` ${small.stream.rssMb.toFixed(0)} → ${large.stream.rssMb.toFixed(0)} MB (${(large.stream.rssMb / small.stream.rssMb).toFixed(2)}x).`,
    );
  }
  return {
    goals,
    markdown: [
      "## Sessions from a DynamoDB export (`--from-export`)",
      "",
      `The ${ctx.sessions.toLocaleString("en-US")} sessions of the comparison table, written as a DynamoDB export in AWS's layout: ${EXPORT_FILES} gzip data files`,
      `(${(exported.bytes / 1048576).toFixed(1)} MB) in a folder and in moto's S3 on the same machine. \`server-sessions ${listing}\`; the reader and both floors`,
      `read ${CONCURRENCY} data files at once. The folder floor gunzips every data file and JSON.parse's every line (bench/floor-export-folder.ts);`,
      "the S3 floor downloads every data file with a bare SDK GetObject (bench/floor-export-s3.ts), and the S3 export is compared with the larger",
      `of that and the folder run. The table case is the same listing from DynamoDB Local at ${ctx.defaultSegments} segments. Medians of ${ctx.runs} interleaved rounds after a warm-up; ratios compare the fastest rounds.`,
      "",
      ...table1,
      "",
      ...notes,
      "",
      ...(table2.length === 0
        ? []
        : [
            "| sessions in export | export | rows | median peak RSS | median wall | median first byte |",
            "|---:|---|---:|---:|---:|---:|",
            ...table2,
            "",
          ]),
    ],
  };
}
