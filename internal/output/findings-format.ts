import { csvText, guardFormula } from "./csv.ts";
import { printable, truncate } from "./printable.ts";
import { ChunkedWriter, type Writer } from "./writer.ts";

/** The fields of an audit row, in output order (SPEC §9). */
export const FINDING_FIELDS = [
  "event_id",
  "event_time",
  "category",
  "role_arn",
  "role_session_name",
  "source_identity",
  "session_id",
  "session_user",
  "caller_arn",
  "caller_type",
  "source_ip",
  "user_agent",
  "region",
  "reason",
] as const;
export type FindingField = (typeof FINDING_FIELDS)[number];

/** One audit row: every field as text (`event_time` RFC 3339 UTC). */
export type FindingRow = Record<FindingField, string>;

export const SUMMARY_KEYS = ["events", "tracked", "untracked", "orphaned", "mismatch", "denied", "service"] as const;
export type FindingsSummary = Record<(typeof SUMMARY_KEYS)[number], number>;

/** Everything a findings report shows. */
export type FindingsReport = {
  window: { since: string; until: string };
  summary: FindingsSummary;
  rows: readonly FindingRow[];
  /** True when rows hold every event, not only findings. */
  allEvents: boolean;
};

export const FINDINGS_FORMATS = ["human", "json", "ndjson", "csv"] as const;
export type FindingsFormat = (typeof FINDINGS_FORMATS)[number];

const ordered = (row: FindingRow) => Object.fromEntries(FINDING_FIELDS.map((f) => [f, row[f]]));

/** Writes the report in one of the four formats; json, ndjson and csv keep values exact. */
export async function writeFindings(
  out: Writer,
  report: FindingsReport,
  format: FindingsFormat,
  formulaGuard: boolean,
): Promise<void> {
  const chunks = new ChunkedWriter(out);
  switch (format) {
    case "csv":
      await chunks.add(csvText([[...FINDING_FIELDS]]));
      for (const row of report.rows) {
        const cells = FINDING_FIELDS.map((f) => row[f]);
        await chunks.add(csvText([formulaGuard ? cells.map(guardFormula) : cells]));
      }
      break;
    case "ndjson":
      for (const row of report.rows) await chunks.add(`${JSON.stringify(ordered(row))}\n`);
      break;
    case "json": {
      const summary = Object.fromEntries(SUMMARY_KEYS.map((k) => [k, report.summary[k]]));
      const head = JSON.stringify({ window: report.window, summary }, null, 2).slice(0, -2);
      if (report.rows.length === 0) {
        await chunks.add(`${head},\n  "findings": []\n}\n`);
        break;
      }
      await chunks.add(`${head},\n  "findings": [\n`);
      for (let i = 0; i < report.rows.length; i++) {
        const text = JSON.stringify(ordered(report.rows[i] as FindingRow), null, 2).replace(/\n/g, "\n    ");
        await chunks.add(`    ${text}${i === report.rows.length - 1 ? "\n" : ",\n"}`);
      }
      await chunks.add("  ]\n}\n");
      break;
    }
    case "human":
      await writeHuman(chunks, report);
      break;
  }
  await chunks.flush();
}

type Column = { title: string; max: number; cell: (r: FindingRow) => string };

const HUMAN_COLUMNS: Column[] = [
  { title: "EVENT TIME", max: 20, cell: (r) => r.event_time },
  { title: "CATEGORY", max: 9, cell: (r) => r.category },
  { title: "ROLE", max: 40, cell: (r) => r.role_arn },
  { title: "SESSION NAME", max: 24, cell: (r) => r.role_session_name || "-" },
  { title: "SOURCE IDENTITY", max: 36, cell: (r) => r.source_identity || "-" },
  { title: "SESSION", max: 16, cell: (r) => r.session_id || "-" },
  { title: "CALLER", max: 40, cell: (r) => r.caller_arn || r.caller_type || "-" },
  { title: "REASON", max: 100, cell: (r) => r.reason },
];

async function writeHuman(chunks: ChunkedWriter, report: FindingsReport): Promise<void> {
  const s = report.summary;
  await chunks.add(`Window:   ${report.window.since} .. ${report.window.until}\n`);
  await chunks.add(
    `Events:   ${s.events} (tracked ${s.tracked}, denied ${s.denied}, service ${s.service})\nFindings: ${s.untracked + s.orphaned + s.mismatch} (untracked ${s.untracked}, orphaned ${s.orphaned}, mismatch ${s.mismatch})\n\n`,
  );
  if (report.rows.length === 0) {
    await chunks.add(report.allEvents ? "No events.\n" : "No findings.\n");
    return;
  }
  const rows = report.rows.map((r) => HUMAN_COLUMNS.map((c) => truncate(printable(c.cell(r)), c.max)));
  const widths = HUMAN_COLUMNS.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    `${cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd()}\n`;
  await chunks.add(line(HUMAN_COLUMNS.map((c) => c.title)));
  for (const row of rows) await chunks.add(line(row));
}
