import type { Session } from "../session/session.ts";
import { formatHuman, type Instant } from "../timefilter/instant.ts";
import type { Column, ColumnName } from "./columns.ts";
import { layOutTable, leftOutNote, type TableColumn } from "./fit.ts";
import { escapeUnsafe, printable, truncate } from "./printable.ts";
import type { RowFormat } from "./row-format.ts";
import { ChunkedWriter, type Writer } from "./writer.ts";

const TIME_COLUMNS: readonly ColumnName[] = ["started_at", "last_access_at", "expires_at", "created_at", "updated_at"];

/** The fitting of a sessions column: the id is kept whole and always shown, counts whole, times lose seconds. */
function tableColumn(c: Column): TableColumn {
  if (c.name === "id") return { title: c.title, kind: "whole", required: true };
  if (c.keepWhole === true) return { title: c.title, kind: "whole" };
  return { title: c.title, kind: TIME_COLUMNS.includes(c.name) ? "time" : "text" };
}

/**
 * An aligned table in UTC, or "No sessions found." when empty; rows are the
 * cells, made printable and cut to each column's widest (ids and counts stay whole). With `fitWidth` (a
 * terminal), the table fits it (see layOutTable); `onNote` hears which
 * columns were left out.
 */
export function humanFormat(
  columns: readonly Column[],
  fitWidth?: number,
  onNote?: (line: string) => void,
): RowFormat<string[]> {
  return {
    // A whole column (the id, counts) is never cut: two ids that differ past the cut would read as one.
    row: (session: Session) =>
      columns.map((c) => {
        const cell = printable(c.human(session));
        return c.keepWhole === true ? cell : truncate(cell, c.maxWidth);
      }),
    async write(out, iterable) {
      const rows: string[][] = [];
      for await (const row of iterable) rows.push(row);
      if (rows.length === 0) {
        await out.write("No sessions found.\n");
        return;
      }
      const layout = layOutTable(columns.map(tableColumn), rows, fitWidth);
      const chunks = new ChunkedWriter(out);
      await chunks.add(layout.header);
      for (const row of rows) await chunks.add(layout.line(row));
      await chunks.flush();
      if (fitWidth !== undefined && layout.leftOut.length > 0) {
        onNote?.(leftOutNote(layout.leftOut, fitWidth));
      }
    },
  };
}

/**
 * Writes one session as `Label: value` lines, plus a revocation block when
 * revoked. Values are shown whole, unsafe characters as escapes (`\u001b`).
 */
export async function writeHumanDetails(out: Writer, s: Session): Promise<void> {
  const at = (t: Instant | undefined) => (t === undefined ? "-" : `${formatHuman(t)} UTC`);
  const text = (value: string) => (value === "" ? "-" : escapeUnsafe(value));
  const fields: [string, string][] = [
    ["ID", text(s.id)],
    ["User", text(s.user)],
    ["Profile", text(s.profile)],
    ["Status", text(s.status)],
    ["Server instance", text(s.serverInstanceId)],
    ["Started", at(s.startedAt)],
    ["Last access", at(s.lastAccessAt)],
    ["Expires", at(s.expiresAt)],
    ["Request count", String(s.requestCount)],
    ["Source identity", text(s.sourceIdentity)],
    ["Device ID", text(s.deviceId)],
    ["Created", at(s.createdAt)],
    ["Updated", at(s.updatedAt)],
  ];
  if (s.revokedBy !== "") {
    fields.push(["Revoked by", text(s.revokedBy)], ["Revoked reason", text(s.revokedReason)]);
  }
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  const lines = fields.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`);
  if (s.revokedBy !== "") lines.splice(fields.length - 2, 0, "");
  await out.write(`${lines.join("\n")}\n`);
}
