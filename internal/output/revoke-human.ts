import type { Revocation } from "../session/revocation.ts";
import { layOutTable, leftOutNote, type TableColumn, type TableFitting } from "./fit.ts";
import { printable, truncate } from "./printable.ts";
import { humanTime } from "./revoke-fields.ts";
import type { Writer } from "./writer.ts";

type RevokeColumn = TableColumn & { max: number; cell: (r: Revocation) => string };

const dash = (value: string) => (value === "" ? "-" : value);

const COLUMNS: RevokeColumn[] = [
  { title: "ID", kind: "whole", required: true, max: 20, cell: (r) => r.id },
  { title: "USER", kind: "text", max: 20, cell: (r) => dash(r.user) },
  { title: "PROFILE", kind: "text", max: 24, cell: (r) => dash(r.profile) },
  { title: "PREVIOUS", kind: "text", max: 10, cell: (r) => dash(r.previousStatus) },
  // The outcome of each revocation, what the table is for: shown whole, on every terminal.
  { title: "RESULT", kind: "whole", required: true, max: 15, cell: (r) => r.result },
  { title: "REVOKED BY", kind: "text", max: 20, cell: (r) => dash(r.revokedBy) },
  { title: "UPDATED", kind: "time", max: 19, cell: (r) => dash(humanTime(r.updatedAt)) },
  { title: "REASON", kind: "text", max: 40, cell: (r) => dash(r.revokedReason) },
];

/**
 * An aligned table of revoke rows (UTC times, stored text made printable), or
 * "No sessions found." when empty; on a terminal it fits `fitting.fitWidth`.
 */
export async function writeRevocationsHuman(
  out: Writer,
  rows: readonly Revocation[],
  fitting: TableFitting = {},
): Promise<void> {
  if (rows.length === 0) {
    await out.write("No sessions found.\n");
    return;
  }
  const cells = rows.map((r) => COLUMNS.map((c) => truncate(printable(c.cell(r)), c.max)));
  const layout = layOutTable(COLUMNS, cells, fitting.fitWidth);
  await out.write([layout.header, ...cells.map(layout.line)].join(""));
  if (fitting.fitWidth !== undefined && layout.leftOut.length > 0) {
    fitting.onNote?.(leftOutNote(layout.leftOut, fitting.fitWidth));
  }
}
