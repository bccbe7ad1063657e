import type { Revocation } from "../session/revocation.ts";
import { printable, truncate } from "./printable.ts";
import { humanTime } from "./revoke-fields.ts";
import type { Writer } from "./writer.ts";

type Column = { title: string; max: number; cell: (r: Revocation) => string };

const dash = (value: string) => (value === "" ? "-" : value);

const COLUMNS: Column[] = [
  { title: "ID", max: 20, cell: (r) => r.id },
  { title: "USER", max: 20, cell: (r) => dash(r.user) },
  { title: "PROFILE", max: 24, cell: (r) => dash(r.profile) },
  { title: "PREVIOUS", max: 10, cell: (r) => dash(r.previousStatus) },
  { title: "RESULT", max: 15, cell: (r) => r.result },
  { title: "REVOKED BY", max: 20, cell: (r) => dash(r.revokedBy) },
  { title: "UPDATED", max: 19, cell: (r) => dash(humanTime(r.updatedAt)) },
  { title: "REASON", max: 40, cell: (r) => dash(r.revokedReason) },
];

/** An aligned table of revoke rows (UTC times, stored text made printable), or "No sessions found." when empty. */
export async function writeRevocationsHuman(out: Writer, rows: readonly Revocation[]): Promise<void> {
  if (rows.length === 0) {
    await out.write("No sessions found.\n");
    return;
  }
  const cells = rows.map((r) => COLUMNS.map((c) => truncate(printable(c.cell(r)), c.max)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (row: string[]) =>
    `${row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd()}\n`;
  await out.write([line(COLUMNS.map((c) => c.title)), ...cells.map(line)].join(""));
}
