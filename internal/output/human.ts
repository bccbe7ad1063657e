import type { Session } from "../session/session.ts";
import { formatHuman, type Instant } from "../timefilter/instant.ts";
import type { Column } from "./columns.ts";
import { displayWidth, escapeUnsafe, padToWidth, printable, truncate } from "./printable.ts";
import type { RowFormat } from "./row-format.ts";
import { ChunkedWriter, type Writer } from "./writer.ts";

const MIN_FIT_WIDTH = 5; // "a..." and a space to spare

/**
 * Column widths that fit `fitWidth` (with two spaces between columns): the
 * widest column gives up a character at a time, down to MIN_FIT_WIDTH each;
 * `keepWhole` columns are not cut.
 * @example fitWidths([16, 20, 24], 40, [true, false, false]) // [16, 10, 10]
 */
export function fitWidths(widths: readonly number[], fitWidth: number, keepWhole: readonly boolean[] = []): number[] {
  const fitted = [...widths];
  const total = () => fitted.reduce((sum, w) => sum + w, 0) + 2 * (fitted.length - 1);
  while (total() > fitWidth) {
    let widest = -1;
    for (let i = 0; i < fitted.length; i++) {
      const width = fitted[i] as number;
      if (keepWhole[i] === true || width <= MIN_FIT_WIDTH) continue;
      if (widest === -1 || width > (fitted[widest] as number)) widest = i;
    }
    if (widest === -1) break;
    fitted[widest] = (fitted[widest] as number) - 1;
  }
  return fitted;
}

/**
 * An aligned table in UTC, or "No sessions found." when empty; rows are the
 * cells, cut to each column's widest and made printable. With `fitWidth` (a
 * terminal), columns shrink, widest first, until a line fits.
 */
export function humanFormat(columns: readonly Column[], fitWidth?: number): RowFormat<string[]> {
  return {
    row: (session: Session) => columns.map((c) => truncate(printable(c.human(session)), c.maxWidth)),
    async write(out, iterable) {
      const rows: string[][] = [];
      for await (const row of iterable) rows.push(row);
      if (rows.length === 0) {
        await out.write("No sessions found.\n");
        return;
      }
      // A loop, not Math.max(...rows): spreading a million rows as arguments overflows the stack.
      let widths = columns.map((c) => displayWidth(c.title));
      for (const row of rows) {
        for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i] as number, displayWidth(row[i] as string));
      }
      const natural = widths;
      if (fitWidth !== undefined) {
        widths = fitWidths(
          widths,
          fitWidth,
          columns.map((c) => c.keepWhole === true),
        );
      }
      const cut = (cell: string, i: number) =>
        (widths[i] as number) < (natural[i] as number) ? truncate(cell, widths[i] as number) : cell;
      const line = (cells: string[]) =>
        `${cells
          .map((cell, i) => (i === cells.length - 1 ? cut(cell, i) : padToWidth(cut(cell, i), widths[i] as number)))
          .join("  ")
          .trimEnd()}\n`;
      const chunks = new ChunkedWriter(out);
      await chunks.add(line(columns.map((c) => c.title)));
      for (const row of rows) await chunks.add(line(row));
      await chunks.flush();
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
