import { displayWidth, padToWidth, truncate } from "./printable.ts";

/**
 * How a human-table column gives up width on a terminal: `whole` is never cut
 * (ids, counts, results), `time` drops its seconds (never less than
 * `YYYY-MM-DD HH:MM`), `text` is cut with "...".
 */
export type FitKind = "whole" | "time" | "text";

export type TableColumn = {
  title: string;
  kind: FitKind;
  /** Kept on every terminal, however narrow (the sessions' ID). */
  required?: boolean;
  /** text: narrowest it is cut to (TEXT_MIN_WIDTH unless given). */
  minWidth?: number;
  /** text: cut below this width only once the other text columns are down to their floor (a role name stays readable). */
  keepWidth?: number;
  /** text: how a cell is cut to `width` columns; `truncate` unless given. */
  cut?: (cell: string, width: number) => string;
};

/** Narrowest a text column is cut to: a few letters and "..." still tell values apart. */
export const TEXT_MIN_WIDTH = 8;
const GAP = 2;

// "2026-01-20 10:30:00" → "2026-01-20 10:30"; "2026-01-20T10:30:00.5Z" → "2026-01-20T10:30Z".
const SECONDS = /^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d):\d\d(?:\.\d+)?(Z?)$/;

/**
 * A time without its seconds (and fraction); other text as it is.
 * @example shortTime("2026-01-20 10:30:59") // "2026-01-20 10:30"
 */
export function shortTime(cell: string): string {
  return cell.replace(SECONDS, "$1$2");
}

/**
 * A heading cut to `width`: first without its " (UTC)" mark, then with "...".
 * @example fitHeading("LAST ACCESS (UTC)", 16) // "LAST ACCESS"
 */
export function fitHeading(title: string, width: number): string {
  if (displayWidth(title) <= width) return title;
  const unmarked = title.replace(/ \(UTC\)$/, "");
  return displayWidth(unmarked) <= width ? unmarked : truncate(unmarked, width);
}

/** What fitting decided: the columns shown (indices, in order), their widths, and whether times lost their seconds. */
export type TableFit = { shown: number[]; widths: number[]; shortTimes: boolean };

/** A column's measures for fitTable: its natural width and, for times, its width without seconds. */
export type ColumnMeasure = {
  kind: FitKind;
  natural: number;
  short: number;
  required?: boolean;
  min?: number;
  keep?: number;
};

const lineWidth = (widths: readonly number[]) =>
  widths.reduce((sum, w) => sum + w, 0) + GAP * Math.max(0, widths.length - 1);

function floorOf(m: ColumnMeasure): number {
  if (m.kind === "whole") return m.natural;
  if (m.kind === "time") return Math.min(m.natural, m.short);
  return Math.min(m.natural, m.min ?? TEXT_MIN_WIDTH);
}

/** Cuts text columns, the one furthest above its keep width first, until the line fits or none can give more. */
function cutText(measures: readonly ColumnMeasure[], widths: number[], fitWidth: number): void {
  let total = lineWidth(widths);
  while (total > fitWidth) {
    let pick = -1;
    let pickExcess = 0;
    for (let i = 0; i < widths.length; i++) {
      const m = measures[i] as ColumnMeasure;
      const width = widths[i] as number;
      if (m.kind !== "text" || width <= floorOf(m)) continue;
      const excess = width - (m.keep ?? 0);
      if (pick === -1 || excess > pickExcess) {
        pick = i;
        pickExcess = excess;
      }
    }
    if (pick === -1) return;
    widths[pick] = (widths[pick] as number) - 1;
    total--;
  }
}

/**
 * Fits columns to `fitWidth` terminal columns: text is cut first (down to its
 * floor), then times drop their seconds; columns that still do not fit at
 * their narrowest are left out, from the left the first that fit are kept
 * (`required` ones always).
 * @example fitTable([{ kind: "whole", natural: 16, short: 16 }, { kind: "time", natural: 19, short: 16 }], 40)
 *   // { shown: [0, 1], widths: [16, 19], shortTimes: false }
 */
export function fitTable(measures: readonly ColumnMeasure[], fitWidth: number): TableFit {
  // The width each shown column was admitted at: its floor, or its keep width where that still fitted,
  // so a column admitted later never takes the room a kept width needs.
  const admitted = new Map<number, number>();
  measures.forEach((m, i) => {
    if (m.required === true) admitted.set(i, floorOf(m));
  });
  const fits = (width: number) => lineWidth([...admitted.values(), width]) <= fitWidth;
  for (let i = 0; i < measures.length; i++) {
    const m = measures[i] as ColumnMeasure;
    if (m.required === true) continue;
    const kept = m.keep === undefined ? undefined : Math.min(m.natural, Math.max(floorOf(m), m.keep));
    if (kept !== undefined && fits(kept)) admitted.set(i, kept);
    // The first column is shown however narrow the terminal: a table of no columns says nothing.
    else if (fits(floorOf(m)) || admitted.size === 0) admitted.set(i, floorOf(m));
  }
  const shown = [...admitted.keys()].sort((a, b) => a - b);
  const kept = shown.map((i) => measures[i] as ColumnMeasure);
  let widths = kept.map((m) => m.natural);
  cutText(kept, widths, fitWidth);
  let shortTimes = false;
  if (lineWidth(widths) > fitWidth && kept.some((m) => m.kind === "time")) {
    shortTimes = true;
    widths = kept.map((m) => (m.kind === "time" ? floorOf(m) : m.natural));
    cutText(kept, widths, fitWidth);
  }
  return { shown, widths, shortTimes };
}

/** Where a human table is shown: the terminal's width to fit (none off a terminal), and who hears the left-out note. */
export type TableFitting = { fitWidth?: number | undefined; onNote?: (line: string) => void };

/** An aligned table ready to write: its heading line, a line per row, and the headings left out to fit. */
export type TableLayout = { header: string; line(cells: readonly string[]): string; leftOut: string[] };

/**
 * Lays out a human table: off a terminal (`fitWidth` undefined) every column
 * at its widest cell; on one, fitted by fitTable. Cells are printable text,
 * already cut to their column's fixed maximum; widths are display widths.
 */
export function layOutTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  fitWidth: number | undefined,
): TableLayout {
  // Loops, not Math.max(...rows): spreading a million rows as arguments overflows the stack.
  const natural = columns.map((c) => displayWidth(c.title));
  const short = columns.map((c) => displayWidth(c.title.replace(/ \(UTC\)$/, "")));
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      const cell = row[i] as string;
      const width = displayWidth(cell);
      if (width > (natural[i] as number)) natural[i] = width;
      if (fitWidth !== undefined && columns[i]?.kind === "time") {
        const cut = displayWidth(shortTime(cell));
        if (cut > (short[i] as number)) short[i] = cut;
      }
    }
  }
  const all = columns.map((_, i) => i);
  const fit: TableFit =
    fitWidth === undefined
      ? { shown: all, widths: natural, shortTimes: false }
      : fitTable(
          columns.map((c, i) => ({
            kind: c.kind,
            natural: natural[i] as number,
            short: short[i] as number,
            ...(c.required === true ? { required: true } : {}),
            ...(c.minWidth === undefined ? {} : { min: c.minWidth }),
            ...(c.keepWidth === undefined ? {} : { keep: c.keepWidth }),
          })),
          fitWidth,
        );
  const last = fit.shown.length - 1;
  const render = (cells: readonly string[], heading: boolean) => {
    let text = "";
    for (let k = 0; k <= last; k++) {
      const i = fit.shown[k] as number;
      const column = columns[i] as TableColumn;
      const width = fit.widths[k] as number;
      let cell = cells[i] as string;
      if (heading) cell = fitHeading(cell, width);
      else if (column.kind === "time" && fit.shortTimes) cell = shortTime(cell);
      if (!heading && width < (natural[i] as number) && displayWidth(cell) > width) {
        cell = column.kind === "text" && column.cut !== undefined ? column.cut(cell, width) : truncate(cell, width);
      }
      text += k === last ? cell : `${padToWidth(cell, width)}  `;
    }
    return `${text.trimEnd()}\n`;
  };
  return {
    header: render(
      columns.map((c) => c.title),
      true,
    ),
    line: (cells) => render(cells, false),
    leftOut: all.filter((i) => !fit.shown.includes(i)).map((i) => (columns[i] as TableColumn).title),
  };
}

/**
 * The one note that names the columns a terminal's width left out (short, so it fits the terminal too).
 * @example leftOutNote(["REQUESTS"], 60) // "note: REQUESTS left out to fit 60 columns"
 */
export function leftOutNote(titles: readonly string[], fitWidth: number): string {
  return `note: ${titles.join(", ")} left out to fit ${fitWidth} columns`;
}
