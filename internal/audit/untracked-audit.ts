// The audit pipeline of `sentinel audit untracked-sessions` (SPEC §9, §11, §13.4):
// an event source (the LookupEvents API, a log folder, the trail's bucket), a
// session directory (the table, or earlier exports merged by id), the
// categories, the log validation, the findings and the manifest. The command
// hands down the process edge and the AWS factories as an AuditEnv.

import { withoutUrlCredentials } from "../aws/sdk-errors.ts";
import { auditManifestObject } from "../evidence/audit-manifest.ts";
import { writeEvidence } from "../evidence/evidence-files.ts";
import { HashingWriter } from "../evidence/hashing-writer.ts";
import type { Signer } from "../evidence/signature.ts";
import { thousands } from "../output/count.ts";
import { type FindingRow, type FindingsFormat, writeFindings } from "../output/findings-format.ts";
import { printable } from "../output/printable.ts";
import type { Writer } from "../output/writer.ts";
import type { SessionStore } from "../session/store.ts";
import { formatNano } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";
import { type AuditedEvent, runAudit } from "./audit.ts";
import { BucketLogsSource } from "./bucket-logs.ts";
import { LogFilesSource } from "./log-files.ts";
import {
  type IntegrityReport,
  integrityFailed,
  integrityJson,
  integrityLines,
  validateLogs,
} from "./log-validation.ts";
import type { PublicKeyLister } from "./public-keys.ts";
import type { RoleScope } from "./role-scope.ts";
import { type IdLookup, type SessionDirectory, TableSessionDirectory } from "./session-directory.ts";
import type { ExportSessionsReader } from "./session-sources.ts";
import { sessionsFromSources } from "./session-sources.ts";
import type { EventSource } from "./source.ts";
import type { TrailBucket } from "./trail-bucket.ts";

/** The exit statuses an audit ends with (SPEC §6). */
export const AUDIT_STATUS = { ok: 0, malformed: 3, findings: 4, integrity: 5 } as const;
export type AuditStatus = (typeof AUDIT_STATUS)[keyof typeof AUDIT_STATUS];

/**
 * What an audit has done so far; `files` (listed) and `filesRead` when it reads log files,
 * and the bytes of those (as stored) when it reads them from the trail's bucket.
 */
export type AuditProgress = {
  events: number;
  findings: number;
  filesRead?: number;
  files?: number;
  bytesRead?: number;
  bytes?: number;
};

/**
 * What the audit needs of the process and of AWS, handed down by the command
 * (which knows the connection): it never reaches for either itself.
 */
export type AuditEnv = {
  /** Data only. */
  stdout: Writer;
  /**
   * The status to end with should the reader close stdout from now on
   * (`| head`): an audit knows its verdict before it writes the findings.
   */
  statusIfStdoutCloses?(status: AuditStatus): void;
  now(): Date;
  /** Aborted on SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** The --version line after "sentinel ", for the manifest. */
  version: string;
  /** A line on stderr (`warning:`, `note:`, `integrity:`), shown as it is given. */
  say(line: string): Promise<void>;
  /** A `debug:` line, shown with --debug. */
  debug(line: string): void;
  /** The progress line of a terminal (one that does nothing elsewhere). */
  startProgress(): { update(progress: AuditProgress): void; clear(): void };
  /** A paced garbage collection, run between batches and pages; undefined for none. */
  collector: (() => void) | undefined;
  /** The width to fit the human table to (a terminal's, as the findings are written); undefined = no fitting. */
  fitWidth(): number | undefined;
  /** The table as the audit reads it: sessions by id and the store for windows. */
  openSessionLookup(table: string): Promise<{ lookup: IdLookup; store: SessionStore; region: string; close(): void }>;
  /** AssumeRole records from the LookupEvents API in each region. */
  openCloudTrail(regions: readonly string[], onDebug: (line: string) => void): EventSource;
  /** The trail's S3 bucket (SPEC §11.1). */
  openTrailBucket(bucket: string, onDebug: (line: string) => void): Promise<{ bucket: TrailBucket; close(): void }>;
  /** CloudTrail's ListPublicKeys, for log file validation (SPEC §11.2). */
  trailPublicKeys(): PublicKeyLister;
  /** The sessions of a DynamoDB export, for --sessions-from (SPEC §12). */
  exportSessions: ExportSessionsReader;
  /** Signs with a KMS key (SPEC §13.2); `region` is the table's, for a key given without one. */
  signer(key: { keyId: string; algorithm?: string }, region: string | undefined): Signer;
};

export type UntrackedAuditOptions = {
  table: string;
  window: TimeWindow;
  roles: RoleScope;
  /** Regions whose LookupEvents are read; empty = the region in use plus us-east-1. */
  trailRegions: string[];
  cloudtrailLogs?: string;
  /** --cloudtrail-s3 s3://BUCKET[/PREFIX] (SPEC §11) and its settings. */
  cloudtrailS3?: {
    bucket: string;
    prefix: string;
    accounts: string[];
    deliveryLagSeconds: number;
    concurrency: number;
    validateLogs: boolean;
  };
  /** --sessions-from, repeatable: exports read instead of the table, merged by id. */
  sessionsFrom: string[];
  allEvents: boolean;
  output: FindingsFormat;
  formulaGuard: boolean;
  /** --manifest FILE (SPEC §13.4) and --sign-with. */
  manifest?: string;
  signWith?: { keyId: string; algorithm?: string };
  /** argv after the program name, for the manifest. */
  argv: readonly string[];
};

const MALFORMED_PREVIEW = 5;
/**
 * Events between garbage collections (paced by the command). Each event leaves its
 * parsed record, and each batch its BatchGetItem answers, behind; left to the
 * runtime's own pace, the heap grew with the run (147 MB at 100,000 events
 * against 97 MB at 10,000). Collecting every few batches keeps peak memory
 * near the working set for a small share of the time.
 */
const EVENTS_PER_COLLECTION = 2_000;
/** Calls to the global STS endpoint are recorded in us-east-1. */
const GLOBAL_STS_REGION = "us-east-1";

function preview(labels: readonly string[]): string {
  const shown = labels
    .slice(0, MALFORMED_PREVIEW)
    .map((l) => printable(l))
    .join(", ");
  return labels.length > MALFORMED_PREVIEW ? `${shown} …` : shown;
}

function toRow({ event, verdict }: AuditedEvent): FindingRow {
  return {
    event_id: event.eventId,
    event_time: formatNano(event.eventTime),
    category: verdict.category,
    role_arn: event.roleArn,
    role_session_name: event.roleSessionName,
    source_identity: event.sourceIdentity,
    session_id: verdict.sessionId,
    session_user: verdict.sessionUser,
    caller_arn: event.callerArn,
    caller_type: event.callerType,
    source_ip: event.sourceIp,
    user_agent: event.userAgent,
    region: event.region,
    reason: verdict.reason,
  };
}

/** The regions whose LookupEvents are read: --trail-region, else the region in use plus us-east-1. */
function regionsOf(opts: UntrackedAuditOptions, tableRegion: string | undefined): string[] {
  return opts.trailRegions.length > 0
    ? [...new Set(opts.trailRegions)]
    : [...new Set([tableRegion ?? GLOBAL_STS_REGION, GLOBAL_STS_REGION])];
}

/** Calls `collect` each time `events` more events were audited. */
function collectEvery(events: number, collect: (() => void) | undefined) {
  let nextAt = events;
  return (counts: { events: number }) => {
    if (counts.events < nextAt) return;
    nextAt = counts.events + events;
    collect?.();
  };
}

/**
 * Every AssumeRole of the window, matched to Sentinel sessions (SPEC §9): the
 * events from the API, a log folder or the trail's bucket (validated when
 * asked, §11.2), the sessions from the table or from earlier exports; the
 * findings on stdout, the manifest when asked (§13.4). Resolves to the exit
 * status (AUDIT_STATUS).
 */
export async function untrackedAudit(opts: UntrackedAuditOptions, env: AuditEnv): Promise<AuditStatus> {
  const startedAt = env.now();
  const debug = (line: string) => env.debug(printable(line));
  const progress = env.startProgress();
  let done: AuditProgress = { events: 0, findings: 0 };
  const show = (more: Partial<AuditProgress>) => {
    done = { ...done, ...more };
    progress.update(done);
  };
  const logs =
    opts.cloudtrailLogs === undefined
      ? undefined
      : new LogFilesSource(opts.cloudtrailLogs, (filesRead, files) => show({ filesRead, files }));
  await logs?.check();
  const trail =
    opts.cloudtrailS3 === undefined ? undefined : await env.openTrailBucket(opts.cloudtrailS3.bucket, debug);
  const bucketLogs =
    trail === undefined || opts.cloudtrailS3 === undefined
      ? undefined
      : new BucketLogsSource(trail.bucket, {
          prefix: opts.cloudtrailS3.prefix,
          accounts: opts.cloudtrailS3.accounts,
          regions: opts.trailRegions,
          deliveryLagSeconds: opts.cloudtrailS3.deliveryLagSeconds,
          now: startedAt,
          validating: opts.cloudtrailS3.validateLogs,
          concurrency: opts.cloudtrailS3.concurrency,
          onProgress: (p) =>
            show({ filesRead: p.files, files: p.filesListed, bytesRead: p.bytes, bytes: p.bytesListed }),
          onNote: (text) => {
            progress.clear();
            void env.say(`note: ${text}`);
          },
          onDebug: debug,
        });
  // An export file is read before any AWS call, so a wrong file fails fast.
  const exported =
    opts.sessionsFrom.length === 0 ? undefined : await sessionsFromSources(opts.sessionsFrom, env.exportSessions);
  const needsTable = exported === undefined;
  const needsRegion = logs === undefined && bucketLogs === undefined && opts.trailRegions.length === 0;
  const table = needsTable || needsRegion ? await env.openSessionLookup(opts.table) : undefined;
  // The signing key's spec is asked for while the audit reads: signing then costs one round trip.
  const signer = opts.signWith === undefined ? undefined : env.signer(opts.signWith, table?.region);
  signer?.prepare?.();
  const collectGarbage = collectEvery(EVENTS_PER_COLLECTION, env.collector);
  try {
    let directory: SessionDirectory;
    if (exported !== undefined) {
      directory = exported.directory;
    } else if (table !== undefined) {
      directory = new TableSessionDirectory(opts.table, table.lookup, table.store, opts.window, {
        signal: env.signal,
        onDebug: debug,
        ...(env.collector === undefined ? {} : { afterPage: env.collector }),
      });
    } else {
      throw new Error("no session directory");
    }
    const source: EventSource = logs ?? bucketLogs ?? env.openCloudTrail(regionsOf(opts, table?.region), debug);
    debug(`events from ${source.label}; sessions from ${directory.where}`);
    const result = await runAudit(source, directory, {
      window: opts.window,
      roles: opts.roles,
      allEvents: opts.allEvents,
      signal: env.signal,
      onBatch: (counts) => {
        collectGarbage(counts);
        show(counts);
      },
    });
    progress.clear();
    const integrity =
      bucketLogs !== undefined && trail !== undefined && opts.cloudtrailS3?.validateLogs === true
        ? await validateLogs(trail.bucket, env.trailPublicKeys(), bucketLogs.inventory, {
            window: opts.window,
            now: env.now(),
            deliveryLagSeconds: opts.cloudtrailS3.deliveryLagSeconds,
            regions: opts.trailRegions,
            concurrency: opts.cloudtrailS3.concurrency,
            signal: env.signal,
            onDebug: debug,
          })
        : undefined;
    if (trail !== undefined) debug(`S3 requests: ${trail.bucket.requests.list} List, ${trail.bucket.requests.get} Get`);
    const integrityText = integrity === undefined ? undefined : integrityLines(integrity);
    for (const line of integrityText ?? []) await env.say(line);
    const malformed = result.malformedEvents.length > 0 || result.malformedSessions.length > 0;
    // An audit whose logs fail validation cannot be trusted, whatever it found (SPEC §6).
    const status =
      integrity !== undefined && integrityFailed(integrity)
        ? AUDIT_STATUS.integrity
        : result.findings > 0
          ? AUDIT_STATUS.findings
          : malformed
            ? AUDIT_STATUS.malformed
            : AUDIT_STATUS.ok;
    // A reader that stops early (`| head`) must not turn findings or failed logs into success.
    env.statusIfStdoutCloses?.(status);
    const since = opts.window.since;
    const stdout = opts.manifest === undefined ? env.stdout : new HashingWriter(env.stdout);
    await writeFindings(
      stdout,
      {
        window: { since: since === undefined ? "" : formatNano(since), until: formatNano(opts.window.until) },
        summary: result.summary,
        rows: result.rows.map(toRow),
        allEvents: opts.allEvents,
        ...(integrity === undefined
          ? {}
          : { integrity: { json: integrityJson(integrity), lines: (integrityText ?? []).map((l) => printable(l)) } }),
      },
      opts.output,
      opts.formulaGuard,
      { fitWidth: env.fitWidth(), onNote: (line) => void env.say(line) },
    );
    if (result.malformedEvents.length > 0) {
      await env.say(
        `warning: skipped ${thousands(result.malformedEvents.length)} malformed CloudTrail event(s): ${preview(result.malformedEvents)}`,
      );
    }
    if (result.malformedSessions.length > 0) {
      await env.say(
        `warning: skipped ${thousands(result.malformedSessions.length)} malformed session item(s): ${preview(result.malformedSessions)}`,
      );
    }
    if (stdout instanceof HashingWriter) {
      const manifest = auditManifestObject({
        version: `sentinel ${env.version}`,
        command: opts.argv.map(withoutUrlCredentials),
        window: { since: since === undefined ? null : formatNano(since), until: formatNano(opts.window.until) },
        events:
          logs !== undefined
            ? { kind: "logs", folder: opts.cloudtrailLogs as string }
            : bucketLogs !== undefined && opts.cloudtrailS3 !== undefined
              ? {
                  kind: "s3",
                  bucket: opts.cloudtrailS3.bucket,
                  prefix: opts.cloudtrailS3.prefix,
                  accounts: [...new Set(bucketLogs.inventory.accountRoots.map((a) => a.account))],
                  regions: [...new Set(bucketLogs.inventory.trails.map((t) => t.region))],
                }
              : { kind: "api", regions: regionsOf(opts, table?.region) },
        sessions:
          opts.sessionsFrom.length > 0
            ? { kind: "files", files: opts.sessionsFrom }
            : { kind: "table", table: opts.table, region: table?.region ?? "" },
        logFiles: source.filesRead ?? null,
        eventsRead: result.summary.events,
        ...(integrity === undefined ? {} : { integrity: integritySummary(integrity) }),
        summary: result.summary,
        startedAt,
        finishedAt: env.now(),
        output: { format: opts.output, bytes: stdout.bytes, sha256: stdout.digest() },
        exitStatus: status,
      });
      await writeEvidence(opts.manifest as string, manifest, signer);
    }
    return status;
  } finally {
    progress.clear();
    table?.close();
    trail?.close();
  }
}

/** The integrity summary a manifest records: the counts, and the problems by kind. */
function integritySummary(report: IntegrityReport): Record<string, unknown> {
  const { problems, ...counts } = integrityJson(report);
  const byKind: Record<string, number> = {};
  for (const p of problems) byKind[p.kind] = (byKind[p.kind] ?? 0) + 1;
  return { ...counts, problems: byKind, failed: integrityFailed(report) };
}
