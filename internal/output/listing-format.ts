import { csvFormat } from "./csv.ts";
import type { OutputFormat } from "./fields.ts";
import { humanFormat } from "./human.ts";
import { jsonFormat, ndjsonFormat } from "./json.ts";
import type { RowFormat } from "./row-format.ts";

/** The row format of a listing output. */
export function listingFormat(format: OutputFormat, formulaGuard: boolean): RowFormat<unknown> {
  switch (format) {
    case "csv":
      return csvFormat(formulaGuard) as RowFormat<unknown>;
    case "json":
      return jsonFormat as RowFormat<unknown>;
    case "ndjson":
      return ndjsonFormat as RowFormat<unknown>;
    case "human":
      return humanFormat as RowFormat<unknown>;
  }
}
