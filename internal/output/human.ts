import type { Session } from "../session/session.ts";
import { formatHuman, type Instant } from "../timefilter/instant.ts";
import { displayWidth, escapeUnsafe, padToWidth, printable, truncate } from "./printable.ts";
import type { RowFormat } from "./row-format.ts";
import { ChunkedWriter, type Writer } from "./writer.ts";

type Column = { title: string; max: number; cell: (s: Session) => string };

function when(t: Instant | undefined): string {
  return t === undefined ? "-" : formatHuman(t);
}

const COLUMNS: Column[] = [
  { title: "ID", max: 20, cell: (s) => s.id },
  { title: "USER", max: 20, cell: (s) => s.user },
  { title: "PROFILE", max: 24, cell: (s) => s.profile },
  { title: "STATUS", max: 10, cell: (s) => s.status },
  { title: "STARTED", max: 19, cell: (s) => when(s.startedAt) },
  { title: "LAST ACCESS", max: 19, cell: (s) => when(s.lastAccessAt) },
  { title: "REQUESTS", max: 12, cell: (s) => String(s.requestCount) },
];

/** An aligned table in UTC, or "No sessions found." when empty; rows are the cells, cut and made printable. */
export const humanFormat: RowFormat<string[]> = {
  row: (session: Session) => COLUMNS.map((c) => truncate(printable(c.cell(session)), c.max)),
  async write(out, iterable) {
    const rows = Array.from(iterable);
    if (rows.length === 0) {
      await out.write("No sessions found.\n");
      return;
    }
    // A loop, not Math.max(...rows): spreading a million rows as arguments overflows the stack.
    const widths = COLUMNS.map((c) => c.title.length);
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i] as number, displayWidth(row[i] as string));
    }
    const line = (cells: string[]) =>
      `${cells
        .map((cell, i) => (i === cells.length - 1 ? cell : padToWidth(cell, widths[i] as number)))
        .join("  ")
        .trimEnd()}\n`;
    const chunks = new ChunkedWriter(out);
    await chunks.add(line(COLUMNS.map((c) => c.title)));
    for (const row of rows) await chunks.add(line(row));
    await chunks.flush();
  },
};

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
