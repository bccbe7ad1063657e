import { formatNano, type Instant } from "../timefilter/instant.ts";

/** Where an export read (SPEC §12): the table, or a DynamoDB point-in-time export. */
export type SourceRecord =
  | { kind: "table" }
  | { kind: "dynamodb-export"; uri: string; export_arn: string; export_time: string; item_count: number };

/** What an export did, as SPEC §8.2 records it. */
export type ExportRecord = {
  version: string;
  command: readonly string[];
  source: SourceRecord;
  table: string;
  region: string;
  endpoint: string | null;
  caller: { arn: string; account: string } | null;
  filter: { status: string | null; user: string | null; profile: string | null };
  window: { since: Instant | undefined; until: Instant | undefined };
  startedAt: Date;
  finishedAt: Date;
  itemsRead: number;
  matched: number;
  rows: number;
  limit: number;
  truncated: boolean;
  malformed: readonly string[];
  output: { format: string; columns: readonly string[]; bytes: number; sha256: string };
  exitStatus: number;
  /**
   * For a checkpointed run (SPEC §13.1): the SHA-256 of the manifest of the
   * previous successful checkpointed run, null when there was none; undefined
   * (no key) for a run without a checkpoint.
   */
  previousManifestSha256?: string | null;
};

/** The manifest object, keys in the order of SPEC §8.2 (with `kind`, `source` and the chain of §12, §13). */
export function manifestObject(r: ExportRecord): Record<string, unknown> {
  return {
    tool: "sentinel",
    kind: "export",
    version: r.version,
    command: r.command,
    source: r.source,
    table: r.table,
    region: r.region,
    endpoint: r.endpoint,
    caller: r.caller,
    filter: r.filter,
    window: {
      since: r.window.since === undefined ? null : formatNano(r.window.since),
      until: r.window.until === undefined ? null : formatNano(r.window.until),
    },
    started_at: r.startedAt.toISOString(),
    finished_at: r.finishedAt.toISOString(),
    items_read: r.itemsRead,
    matched: r.matched,
    rows: r.rows,
    limit: r.limit,
    truncated: r.truncated,
    malformed: { count: r.malformed.length, items: r.malformed },
    output: r.output,
    exit_status: r.exitStatus,
    ...(r.previousManifestSha256 === undefined ? {} : { previous_manifest_sha256: r.previousManifestSha256 }),
  };
}

/** The manifest's bytes as written: 2-space JSON and a final newline. */
export function manifestText(manifest: Record<string, unknown>): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
