import { UsageError } from "../aws/errors.ts";
import { S3_CONCURRENCY } from "../aws/s3-limits.ts";
import type { ParsedArgs } from "./command.ts";
import { type Flags, value } from "./command.ts";
import * as flag from "./flag-values.ts";

/** The flags of the commands that read sessions from a DynamoDB export (SPEC §12). */
export const FROM_EXPORT_FLAGS: Flags = {
  "from-export": value(
    "Source",
    "URI|DIR",
    "read a DynamoDB point-in-time export instead of the table: s3://BUCKET/PREFIX/AWSDynamoDB/ID or a folder of the same layout (no DynamoDB call; table and region from the export)",
    { complete: "directory" },
  ),
  "s3-concurrency": value(
    "Source",
    "N",
    `with --from-export: data files read at once, ${S3_CONCURRENCY.min}-${S3_CONCURRENCY.max} (default: ${S3_CONCURRENCY.default})`,
    { count: { min: S3_CONCURRENCY.min, max: S3_CONCURRENCY.max } },
  ),
};

/** `--from-export` and `--s3-concurrency`, checked against the flags that only a table read takes. */
export function fromExportOption(
  parsed: ParsedArgs,
  tableOnly: readonly string[],
): { location: string; concurrency: number } | undefined {
  const raw = parsed.flags;
  const location = raw.text("from-export");
  const concurrencyText = raw.text("s3-concurrency");
  if (location === undefined) {
    if (concurrencyText !== undefined) {
      throw new UsageError("--s3-concurrency applies only with --from-export: drop it, or add --from-export URI|DIR");
    }
    return undefined;
  }
  if (location === "") {
    throw new UsageError("--from-export needs an export: s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID or a folder");
  }
  for (const name of tableOnly) {
    if (raw.text(name) !== undefined || parsed.has(name)) {
      throw new UsageError(`--${name} does not apply to --from-export, which reads no table: drop --${name}`);
    }
  }
  const concurrency = flag.wholeNumber(
    "--s3-concurrency",
    concurrencyText,
    S3_CONCURRENCY.default,
    S3_CONCURRENCY.min,
    S3_CONCURRENCY.max,
  );
  return { location, concurrency };
}

/** With --from-export the table comes from the export: `--table` (the flag only) must then name it. */
export function exportTable(parsed: ParsedArgs): string | undefined {
  const given = parsed.flags.text("table");
  return given === undefined ? undefined : flag.tableName(given, {});
}
