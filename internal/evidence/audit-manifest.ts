/** Where an audit read its events (SPEC §13.4). */
export type AuditEventSource =
  | { kind: "api"; regions: readonly string[] }
  | { kind: "logs"; folder: string }
  | { kind: "s3"; bucket: string; prefix: string; accounts: readonly string[]; regions: readonly string[] };

/** What an audit did, as its manifest records it (SPEC §13.4). */
export type AuditRecord = {
  version: string;
  command: readonly string[];
  window: { since: string | null; until: string };
  events: AuditEventSource;
  /** The table read, or the exports given with --sessions-from. */
  sessions: { kind: "table"; table: string; region: string } | { kind: "files"; files: readonly string[] };
  logFiles: number | null;
  eventsRead: number;
  /** The integrity summary of §11.2, when the logs were validated. */
  integrity?: Record<string, unknown>;
  summary: Record<string, number>;
  startedAt: Date;
  finishedAt: Date;
  output: { format: string; bytes: number; sha256: string };
  exitStatus: number;
};

/** The audit's manifest object: `kind` "audit", keys in a fixed order. */
export function auditManifestObject(r: AuditRecord): Record<string, unknown> {
  return {
    tool: "sentinel",
    kind: "audit",
    version: r.version,
    command: r.command,
    window: r.window,
    sources: { events: r.events, sessions: r.sessions },
    log_files: r.logFiles,
    events_read: r.eventsRead,
    ...(r.integrity === undefined ? {} : { integrity: r.integrity }),
    summary: r.summary,
    started_at: r.startedAt.toISOString(),
    finished_at: r.finishedAt.toISOString(),
    output: r.output,
    exit_status: r.exitStatus,
  };
}
