import { statSync } from "node:fs";
import { basename, join } from "node:path";
import type { DatedSessionRef } from "../audit/session-merge.ts";
import type { ExportSessionsReader } from "../audit/session-sources.ts";
import type { ConnectionOptions } from "../aws/connection.ts";
import { S3_CONCURRENCY } from "../aws/s3-limits.ts";
import type { SessionCollector } from "../session/store.ts";
import { LAST_INSTANT } from "../timefilter/instant.ts";
import type { Deps } from "./deps.ts";

/** True when `source` names a DynamoDB export: an s3:// URI, its manifest, or a folder holding one. */
function isExportLocation(source: string): boolean {
  if (/^s3:\/\//i.test(source)) return true;
  if (basename(source) === "manifest-summary.json") return true;
  try {
    return statSync(source).isDirectory() && statSync(join(source, "manifest-summary.json")).isFile();
  } catch {
    return false;
  }
}

/** Every session of an export, as `--sessions-from` merges them (SPEC §12). */
export function exportSessionsReader(deps: Deps, connection: ConnectionOptions): ExportSessionsReader {
  return {
    isExport: async (source) => isExportLocation(source),
    async read(source) {
      const { store, close } = await deps.openExport(connection, source, S3_CONCURRENCY.default);
      try {
        // Only what the merge and the audit use: a whole Session per item would hold
        // every field of every session of the export until the end of the read.
        const sessions: DatedSessionRef[] = [];
        const collector: SessionCollector = {
          limit: 0,
          lastKeptAt: undefined,
          get offered() {
            return sessions.length;
          },
          offer: (s) =>
            void sessions.push({
              id: s.id,
              user: s.user,
              sourceIdentity: s.sourceIdentity,
              ...(s.updatedAt === undefined ? {} : { updatedAt: s.updatedAt }),
            }),
        };
        // Every session, whenever created: the audit places events, not sessions, in its window.
        const result = await store.find({ window: { until: LAST_INSTANT } }, collector, { signal: deps.signal });
        return {
          sessions,
          malformed: result.malformed,
        };
      } finally {
        close();
      }
    },
  };
}
