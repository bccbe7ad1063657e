import { csvText, guardFormula } from "./csv.ts";
import { layOutTable, leftOutNote, type TableColumn, type TableFitting } from "./fit.ts";
import { displayWidth, printable, truncate } from "./printable.ts";
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
  /**
   * With --validate-logs (SPEC §11.2): the JSON output's `integrity` object,
   * and the report's lines (printable) that the human output shows before the findings.
   */
  integrity?: { json: Record<string, unknown>; lines: readonly string[] };
};

export const FINDINGS_FORMATS = ["human", "json", "ndjson", "csv"] as const;
export type FindingsFormat = (typeof FINDINGS_FORMATS)[number];

const ordered = (row: FindingRow) => Object.fromEntries(FINDING_FIELDS.map((f) => [f, row[f]]));

/** Writes the report in one of the four formats; json, ndjson and csv keep values exact; human fits a terminal. */
export async function writeFindings(
  out: Writer,
  report: FindingsReport,
  format: FindingsFormat,
  formulaGuard: boolean,
  fitting: TableFitting = {},
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
      const integrity = report.integrity === undefined ? {} : { integrity: report.integrity.json };
      const head = JSON.stringify({ window: report.window, summary, ...integrity }, null, 2).slice(0, -2);
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
      await writeHuman(chunks, report, fitting);
      break;
  }
  await chunks.flush();
}

type FindingColumn = TableColumn & { max: number; cell: (r: FindingRow) => string };

/** Widest a role ARN is shown off a terminal, unless its role name needs more. */
const ROLE_MAX = 40;
/** Narrowest the ROLE column is cut to on a terminal. */
const ROLE_MIN = 10;

const HUMAN_COLUMNS: FindingColumn[] = [
  { title: "EVENT TIME", kind: "time", max: 20, cell: (r) => r.event_time },
  { title: "CATEGORY", kind: "whole", max: 9, cell: (r) => r.category },
  { title: "ROLE", kind: "text", minWidth: ROLE_MIN, cut: cutRoleArn, max: ROLE_MAX, cell: (r) => r.role_arn },
  { title: "SESSION NAME", kind: "text", max: 24, cell: (r) => r.role_session_name || "-" },
  { title: "SOURCE IDENTITY", kind: "text", max: 36, cell: (r) => r.source_identity || "-" },
  // A session id is what `server-session ID` needs: shown whole or not at all.
  { title: "SESSION", kind: "whole", max: 16, cell: (r) => r.session_id || "-" },
  { title: "CALLER", kind: "text", max: 40, cell: (r) => r.caller_arn || r.caller_type || "-" },
  { title: "REASON", kind: "text", max: 100, cell: (r) => r.reason },
];

/** Fewest columns of an ARN's start worth showing before its role name ("arn:..."). */
const ARN_HEAD_MIN = 7;

/** Where a role ARN's name starts: after its last "/" (or, without a path, its last ":"). */
function roleNameStart(arn: string): number {
  const slash = arn.lastIndexOf("/");
  return slash === -1 ? arn.lastIndexOf(":") + 1 : slash + 1;
}

/**
 * A role ARN cut to `width` columns, its account and path first, so the role
 * name stays whole as long as it fits.
 * @example cutRoleArn("arn:aws:iam::123456789012:role/ops/deploy/ProductionDeployAdmin", 32) // "arn:aws.../ProductionDeployAdmin"
 */
export function cutRoleArn(arn: string, width: number): string {
  if (displayWidth(arn) <= width) return arn;
  const start = roleNameStart(arn);
  const name = arn.slice(start);
  if (start > 0) {
    const tail = arn.slice(start - 1);
    const tailWidth = displayWidth(tail);
    if (tailWidth + ARN_HEAD_MIN <= width) return `${truncate(arn.slice(0, start - 1), width - tailWidth)}${tail}`;
  }
  const nameWidth = displayWidth(name);
  if (nameWidth + 3 <= width) return `...${name}`;
  return nameWidth <= width ? name : truncate(name, width);
}

/** Off a terminal: a role ARN cut at ROLE_MAX, wider when its role name needs it (never hidden, SPEC §5). */
function fixedRole(arn: string): string {
  return cutRoleArn(arn, Math.max(ROLE_MAX, displayWidth(arn.slice(roleNameStart(arn))) + 3));
}

const SUMMARY_INDENT = " ".repeat("Findings: ".length);

/**
 * A summary line wrapped at spaces to `width` columns, continued under its value.
 * @example wrapSummary("Events:   9 (tracked 3, denied 1, service 1)", 30) // "Events:   9 (tracked 3,\n          denied 1, service 1)"
 */
export function wrapSummary(line: string, width: number): string {
  if (line.length <= width) return line;
  const lines: string[] = [];
  let current = "";
  // Broken after a comma or a window's "..": a count stays with its name.
  for (const part of line.slice(SUMMARY_INDENT.length).split(/(?<=,) |(?<= \.\.) /)) {
    if (current !== "" && SUMMARY_INDENT.length + current.length + 1 + part.length > width) {
      lines.push(current);
      current = part;
    } else current = current === "" ? part : `${current} ${part}`;
  }
  lines.push(current);
  return `${line.slice(0, SUMMARY_INDENT.length)}${lines.join(`\n${SUMMARY_INDENT}`)}`;
}

async function writeHuman(chunks: ChunkedWriter, report: FindingsReport, fitting: TableFitting): Promise<void> {
  const s = report.summary;
  const summary = [
    `Window:   ${report.window.since} .. ${report.window.until}`,
    `Events:   ${s.events} (tracked ${s.tracked}, denied ${s.denied}, service ${s.service})`,
    `Findings: ${s.untracked + s.orphaned + s.mismatch} (untracked ${s.untracked}, orphaned ${s.orphaned}, mismatch ${s.mismatch})`,
  ];
  const wrap = (line: string) => (fitting.fitWidth === undefined ? line : wrapSummary(line, fitting.fitWidth));
  await chunks.add(`${summary.map(wrap).join("\n")}\n\n`);
  // The logs' integrity before the findings: a finding in logs that fail validation is no proof.
  if (report.integrity !== undefined) await chunks.add(`${report.integrity.lines.join("\n")}\n\n`);
  if (report.rows.length === 0) {
    await chunks.add(report.allEvents ? "No events.\n" : "No findings.\n");
    return;
  }
  const rows = report.rows.map((r) =>
    HUMAN_COLUMNS.map((c) => {
      const cell = printable(c.cell(r));
      return c.cut === cutRoleArn ? fixedRole(cell) : truncate(cell, c.max);
    }),
  );
  // The ROLE column is cut below "..." and the widest role name only after the other text columns.
  let keep = ROLE_MIN;
  for (const row of rows) {
    const role = row[2] as string;
    keep = Math.max(keep, Math.min(ROLE_MAX, displayWidth(role.slice(roleNameStart(role))) + 3));
  }
  const columns = HUMAN_COLUMNS.map((c) => (c.cut === cutRoleArn ? { ...c, keepWidth: keep } : c));
  const layout = layOutTable(columns, rows, fitting.fitWidth);
  await chunks.add(layout.header);
  for (const row of rows) await chunks.add(layout.line(row));
  if (fitting.fitWidth !== undefined && layout.leftOut.length > 0) {
    await chunks.flush();
    fitting.onNote?.(leftOutNote(layout.leftOut, fitting.fitWidth));
  }
}
