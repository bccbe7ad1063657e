import { stringify } from "csv-stringify/sync";
import type { Session } from "../session/session.ts";
import { LIST_FIELDS, listCells } from "./fields.ts";
import { ChunkedWriter, type Writer } from "./writer.ts";

const ROWS_PER_BATCH = 1000;

// Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a cell a spreadsheet would run as a formula by prefixing `'`.
 * @example guardFormula("=HYPERLINK(\"x\")") // "'=HYPERLINK(\"x\")"
 */
export function guardFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 text of rows (LF line ends, quoting only where needed). */
export function csvText(rows: string[][]): string {
  // With LF records csv-stringify no longer quotes a lone CR by itself; RFC 4180 wants it quoted.
  return stringify(rows, { record_delimiter: "unix", quoted_match: /\r/ });
}

/** Writes the CSV export: the SPEC §5 header, then one row per session. */
export async function writeCsv(out: Writer, sessions: Session[], formulaGuard: boolean): Promise<void> {
  const chunks = new ChunkedWriter(out);
  await chunks.add(csvText([[...LIST_FIELDS]]));
  for (let start = 0; start < sessions.length; start += ROWS_PER_BATCH) {
    const rows = sessions.slice(start, start + ROWS_PER_BATCH).map((s) => {
      const cells = listCells(s);
      return formulaGuard ? cells.map(guardFormula) : cells;
    });
    await chunks.add(csvText(rows));
  }
  await chunks.flush();
}
