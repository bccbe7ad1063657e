import type * as CsvStringify from "csv-stringify/sync";
import type { Session } from "../session/session.ts";
import type { Column } from "./columns.ts";
import type { RowFormat } from "./row-format.ts";
import { ChunkedWriter, type Text } from "./writer.ts";

// Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a cell a spreadsheet would run as a formula by prefixing `'`.
 * @example guardFormula("=HYPERLINK(\"x\")") // "'=HYPERLINK(\"x\")"
 */
export function guardFormula(cell: string): string {
  // Most cells start with a letter or digit: settled by one character code, before the pattern.
  const first = cell.charCodeAt(0);
  if (first > 0x40 || (first >= 0x30 && first <= 0x39) || cell.length === 0) return cell;
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 text of rows (LF line ends, quoting only where needed). */
export function csvText(rows: string[][]): string {
  // Loaded at the first use, not with this file: help and usage errors load it with the command table.
  const { stringify } = require("csv-stringify/sync") as typeof CsvStringify;
  // With LF records csv-stringify no longer quotes a lone CR by itself; RFC 4180 wants it quoted.
  return stringify(rows, { record_delimiter: "unix", quoted_match: /\r/ });
}

const NEEDS_QUOTES = /[",\r\n]/;

function csvRowText(columns: readonly Column[], session: Session, formulaGuard: boolean): string {
  const cells = columns.map((c) => c.csv(session));
  return csvText([formulaGuard ? cells.map(guardFormula) : cells]);
}

/**
 * The CSV export: a header of the column names, then one line per session;
 * the formula guard applies to every cell.
 */
export function csvFormat(columns: readonly Column[], formulaGuard: boolean): RowFormat<Text> {
  const header = csvText([columns.map((c) => c.name)]);
  return {
    row(session: Session): Text {
      // Cells without a quote, comma, CR or LF are written as they are (csv-stringify
      // quotes nothing else with these options), joined by hand; any other row goes
      // through csv-stringify whole.
      let line = "";
      for (let i = 0; i < columns.length; i++) {
        const raw = (columns[i] as Column).csv(session);
        const cell = formulaGuard ? guardFormula(raw) : raw;
        if (NEEDS_QUOTES.test(cell)) return csvRowText(columns, session, formulaGuard);
        line = i === 0 ? cell : `${line},${cell}`;
      }
      return `${line}\n`;
    },
    async write(out, lines) {
      const chunks = new ChunkedWriter(out);
      await chunks.add(header);
      await chunks.addAll(lines);
      await chunks.flush();
    },
  };
}
