import type { Column } from "./columns.ts";
import { csvFormat } from "./csv.ts";
import type { OutputFormat } from "./fields.ts";
import { humanFormat } from "./human.ts";
import { jsonFormat, ndjsonFormat } from "./json.ts";
import type { RowFormat } from "./row-format.ts";

export type ListingFormatOptions = {
  columns: readonly Column[];
  formulaGuard: boolean;
  /** For the human table on a terminal: the width to fit; undefined keeps full width. */
  fitWidth: number | undefined;
  /** Hears a note for stderr: the columns a terminal's width left out. */
  onNote?: (line: string) => void;
};

/** The row format of a listing output. */
export function listingFormat(format: OutputFormat, options: ListingFormatOptions): RowFormat<unknown> {
  switch (format) {
    case "csv":
      return csvFormat(options.columns, options.formulaGuard) as RowFormat<unknown>;
    case "json":
      return jsonFormat(options.columns) as RowFormat<unknown>;
    case "ndjson":
      return ndjsonFormat(options.columns) as RowFormat<unknown>;
    case "human":
      return humanFormat(options.columns, options.fitWidth, options.onNote) as RowFormat<unknown>;
  }
}
