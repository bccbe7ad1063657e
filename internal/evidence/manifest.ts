import { formatNano, type Instant } from "../timefilter/instant.ts";
import { writeFileAtomically } from "./atomic-file.ts";

/** What an export did, as SPEC §8.2 records it. */
export type ExportRecord = {
  version: string;
  command: readonly string[];
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
};

/** The manifest object, keys in the order of SPEC §8.2. */
export function manifestObject(r: ExportRecord): Record<string, unknown> {
  return {
    tool: "sentinel",
    version: r.version,
    command: r.command,
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
  };
}

/** Writes the manifest atomically: FILE holds the old content or the complete new one. */
export function writeManifest(path: string, record: ExportRecord): void {
  writeFileAtomically(path, `${JSON.stringify(manifestObject(record), null, 2)}\n`);
}
