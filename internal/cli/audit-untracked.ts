import { type AuditedEvent, runAudit } from "../audit/audit.ts";
import { BucketLogsSource, DEFAULT_DELIVERY_LAG_SECONDS } from "../audit/bucket-logs.ts";
import { LogFilesSource } from "../audit/log-files.ts";
import {
  type IntegrityReport,
  integrityFailed,
  integrityJson,
  integrityLines,
  validateLogs,
} from "../audit/log-validation.ts";
import { parseRole, type RoleScope } from "../audit/role-scope.ts";
import { type SessionDirectory, TableSessionDirectory } from "../audit/session-directory.ts";
import { sessionsFromSources } from "../audit/session-sources.ts";
import type { EventSource } from "../audit/source.ts";
import { parseTrailLocation } from "../audit/trail-layout.ts";
import type { ConnectionOptions } from "../aws/connection.ts";
import { UsageError } from "../aws/errors.ts";
import { S3_CONCURRENCY } from "../aws/s3-limits.ts";
import { withoutUrlCredentials } from "../aws/sdk-errors.ts";
import { auditManifestObject } from "../evidence/audit-manifest.ts";
import { writeEvidence } from "../evidence/evidence-files.ts";
import { fileIdentity, sameFile } from "../evidence/file-identity.ts";
import { HashingWriter } from "../evidence/hashing-writer.ts";
import { unwritableReason } from "../evidence/writable-path.ts";
import { FINDINGS_FORMATS, type FindingRow, type FindingsFormat, writeFindings } from "../output/findings-format.ts";
import { printable } from "../output/printable.ts";
import { formatNano } from "../timefilter/instant.ts";
import { describeWindowProblem, parseDuration, parseWindow, type TimeWindow } from "../timefilter/parse-when.ts";
import { type Command, oneOf, type ParsedArgs, toggle, value } from "./command.ts";
import { CONNECTION_FLAGS, connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import { ExitCode } from "./exit-code.ts";
import { kmsSigner } from "./export-env.ts";
import { exportSessionsReader } from "./export-sessions-reader.ts";
import * as flag from "./flag-values.ts";
import { LISTING_PACING } from "./gc-pacer.ts";
import { count, say } from "./io.ts";
import { type AuditProgress, Progress } from "./progress.ts";
import { SIGNING_FLAGS, signingOption } from "./signing-flags.ts";
import { stdoutWidth } from "./terminal-width.ts";

export type AuditUntrackedOptions = {
  table: string;
  connection: ConnectionOptions;
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
  debug: boolean;
  /** --manifest FILE (SPEC §13.4) and --sign-with. */
  manifest?: string;
  signWith?: { keyId: string; algorithm?: string };
  /** argv after the program name, for the manifest. */
  argv: readonly string[];
};

const MALFORMED_PREVIEW = 5;
/**
 * Events between garbage collections (paced as LISTING_PACING). Each event leaves its
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
function regionsOf(opts: AuditUntrackedOptions, tableRegion: string | undefined): string[] {
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

/** `sentinel audit untracked-sessions`: every AssumeRole of the window, matched to Sentinel sessions (SPEC §9). */
export async function auditUntracked(opts: AuditUntrackedOptions, deps: Deps): Promise<ExitCode> {
  const { io } = deps;
  const startedAt = io.now();
  const debug = (line: string) => (opts.debug ? void say(io, `debug: ${printable(line)}`) : undefined);
  const progress = new Progress(io);
  let done: AuditProgress = { events: 0, findings: 0 };
  const show = (more: Partial<AuditProgress>) => {
    done = { ...done, ...more };
    progress.updateAudit(done);
  };
  const logs =
    opts.cloudtrailLogs === undefined
      ? undefined
      : new LogFilesSource(opts.cloudtrailLogs, (filesRead, files) => show({ filesRead, files }));
  await logs?.check();
  const trail =
    opts.cloudtrailS3 === undefined
      ? undefined
      : await deps.openTrailBucket(opts.connection, opts.cloudtrailS3.bucket, debug);
  const bucketLogs =
    trail === undefined || opts.cloudtrailS3 === undefined
      ? undefined
      : new BucketLogsSource(trail.bucket, {
          prefix: opts.cloudtrailS3.prefix,
          accounts: opts.cloudtrailS3.accounts,
          regions: opts.trailRegions,
          deliveryLagSeconds: opts.cloudtrailS3.deliveryLagSeconds,
          concurrency: opts.cloudtrailS3.concurrency,
          onProgress: (p) => show({ filesRead: p.files, files: p.filesListed }),
          onNote: (text) => {
            progress.clear();
            void say(io, `note: ${text}`);
          },
          onDebug: debug,
        });
  // An export file is read before any AWS call, so a wrong file fails fast.
  const exported =
    opts.sessionsFrom.length === 0
      ? undefined
      : await sessionsFromSources(opts.sessionsFrom, exportSessionsReader(deps, opts.connection));
  const needsTable = exported === undefined;
  const needsRegion = logs === undefined && bucketLogs === undefined && opts.trailRegions.length === 0;
  const table = needsTable || needsRegion ? await deps.openSessionLookup(opts.connection, opts.table) : undefined;
  // The signing key's spec is asked for while the audit reads: signing then costs one round trip.
  const signer =
    opts.signWith === undefined ? undefined : kmsSigner(deps, opts.connection, opts.signWith, table?.region);
  signer?.prepare?.();
  const collect = deps.pacedCollector?.(LISTING_PACING);
  const collectGarbage = collectEvery(EVENTS_PER_COLLECTION, collect);
  try {
    let directory: SessionDirectory;
    if (exported !== undefined) {
      directory = exported.directory;
    } else if (table !== undefined) {
      directory = new TableSessionDirectory(opts.table, table.lookup, table.store, opts.window, {
        signal: deps.signal,
        onDebug: debug,
        ...(collect === undefined ? {} : { afterPage: collect }),
      });
    } else {
      throw new Error("no session directory");
    }
    const source: EventSource =
      logs ?? bucketLogs ?? deps.openCloudTrail(opts.connection, regionsOf(opts, table?.region), debug);
    debug(`events from ${source.label}; sessions from ${directory.where}`);
    const result = await runAudit(source, directory, {
      window: opts.window,
      roles: opts.roles,
      allEvents: opts.allEvents,
      signal: deps.signal,
      onBatch: (counts) => {
        collectGarbage(counts);
        show(counts);
      },
    });
    progress.clear();
    const integrity =
      bucketLogs !== undefined && trail !== undefined && opts.cloudtrailS3?.validateLogs === true
        ? await validateLogs(trail.bucket, deps.trailPublicKeys(opts.connection), bucketLogs.inventory, {
            window: opts.window,
            now: io.now(),
            deliveryLagSeconds: opts.cloudtrailS3.deliveryLagSeconds,
            regions: opts.trailRegions,
            concurrency: opts.cloudtrailS3.concurrency,
            signal: deps.signal,
            onDebug: debug,
          })
        : undefined;
    if (trail !== undefined) debug(`S3 requests: ${trail.bucket.requests.list} List, ${trail.bucket.requests.get} Get`);
    const integrityText = integrity === undefined ? undefined : integrityLines(integrity);
    for (const line of integrityText ?? []) await say(io, line);
    const since = opts.window.since;
    const stdout = opts.manifest === undefined ? io.stdout : new HashingWriter(io.stdout);
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
      { fitWidth: stdoutWidth(io), onNote: (line) => void say(io, line) },
    );
    let malformed = false;
    if (result.malformedEvents.length > 0) {
      malformed = true;
      await say(
        io,
        `warning: skipped ${count(result.malformedEvents.length)} malformed CloudTrail event(s): ${preview(result.malformedEvents)}`,
      );
    }
    if (result.malformedSessions.length > 0) {
      malformed = true;
      await say(
        io,
        `warning: skipped ${count(result.malformedSessions.length)} malformed session item(s): ${preview(result.malformedSessions)}`,
      );
    }
    // An audit whose logs fail validation cannot be trusted, whatever it found (SPEC §6).
    const status =
      integrity !== undefined && integrityFailed(integrity)
        ? ExitCode.Integrity
        : result.findings > 0
          ? ExitCode.Findings
          : malformed
            ? ExitCode.Malformed
            : ExitCode.Ok;
    if (stdout instanceof HashingWriter) {
      const manifest = auditManifestObject({
        version: `sentinel ${deps.version}`,
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
        finishedAt: io.now(),
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

const ACCOUNT_ID = /^\d{12}$/;

/** --cloudtrail-s3 and the flags that only it takes (SPEC §11); each elsewhere is a usage error. */
function trailBucketOption(
  parsed: ParsedArgs,
  cloudtrailLogs: string | undefined,
): AuditUntrackedOptions["cloudtrailS3"] | undefined {
  const raw = parsed.flags;
  const uri = raw.text("cloudtrail-s3");
  if (uri === undefined) {
    if (parsed.has("validate-logs")) {
      throw new UsageError(
        "--validate-logs needs --cloudtrail-s3: digest signatures are S3 object metadata, which a copied folder or the API does not have",
      );
    }
    for (const name of ["account", "delivery-lag", "s3-concurrency"]) {
      if (raw.all(name).length > 0)
        throw new UsageError(`--${name} applies only with --cloudtrail-s3 s3://BUCKET[/PREFIX]`);
    }
    return undefined;
  }
  if (cloudtrailLogs !== undefined) {
    throw new UsageError("--cloudtrail-s3 and --cloudtrail-logs are two sources of the same logs: give one of them");
  }
  const location = parseTrailLocation(uri);
  if (location === undefined) {
    throw new UsageError(
      `invalid --cloudtrail-s3 ${JSON.stringify(uri)}: give the trail's bucket as s3://BUCKET or s3://BUCKET/PREFIX (the trail's S3 key prefix)`,
    );
  }
  const accounts = raw.all("account");
  for (const account of accounts) {
    if (!ACCOUNT_ID.test(account)) {
      throw new UsageError(`invalid --account ${JSON.stringify(account)}: give a 12-digit AWS account ID`);
    }
  }
  const lagText = raw.text("delivery-lag");
  const lagNanos = lagText === undefined ? DEFAULT_DELIVERY_LAG_SECONDS * 1e9 : parseDuration(lagText);
  if (lagNanos === undefined || lagNanos <= 0) {
    throw new UsageError(`invalid --delivery-lag ${JSON.stringify(lagText)}: give a duration, e.g. 1h or 3h`);
  }
  return {
    ...location,
    accounts,
    deliveryLagSeconds: Math.ceil(lagNanos / 1e9),
    concurrency: flag.wholeNumber(
      "--s3-concurrency",
      raw.text("s3-concurrency"),
      S3_CONCURRENCY.default,
      S3_CONCURRENCY.min,
      S3_CONCURRENCY.max,
    ),
    validateLogs: parsed.has("validate-logs"),
  };
}

export const auditUntrackedSessions: Command<AuditUntrackedOptions> = {
  name: "audit untracked-sessions",
  summary: "match CloudTrail AssumeRole events to Sentinel sessions; exit 4 on findings",
  usage: "--since WHEN [flags]",
  description: `Reads the AssumeRole events of the window from CloudTrail (the LookupEvents API, the
trail's bucket with --cloudtrail-s3, or a folder of its log files with --cloudtrail-logs) and matches each to a Sentinel session by its
SentinelSessionID tag or its source identity. Findings (untracked, orphaned, mismatch) are
listed newest first; the exit status is 4 when there is at least one.`,
  args: { min: 0, max: 0 },
  flags: {
    since: value(
      "Events",
      "WHEN",
      "required: events at or after WHEN, a duration before now (7d, 24h) or a time\n(2026-01-20, 2026-01-20T10:30:00Z)",
    ),
    until: value("Events", "WHEN", "events at or before WHEN; a date means its end (default: now)"),
    role: value("Events", "ARN", "only this role (repeatable); a trailing * matches a prefix", { repeatable: true }),
    "trail-region": value(
      "Events",
      "REGION",
      "read LookupEvents in REGION (repeatable; default: the region in use and us-east-1);\nwith --cloudtrail-s3: only REGION's logs (default: every region found)",
      { repeatable: true },
    ),
    "cloudtrail-logs": value(
      "Events",
      "DIR",
      "read the trail's *.json.gz / *.json log files below DIR instead of the API",
      {
        complete: "directory",
      },
    ),
    "cloudtrail-s3": value(
      "Events",
      "S3_URI",
      "read the trail's log files from its bucket, s3://BUCKET[/PREFIX] (every account\nand region found, organization trails included) instead of the API",
    ),
    account: value("Events", "ID", "with --cloudtrail-s3: only this account's logs (repeatable)", { repeatable: true }),
    "delivery-lag": value(
      "Events",
      "DURATION",
      "with --cloudtrail-s3: read files delivered up to DURATION after --until (default: 1h)",
    ),
    "s3-concurrency": value(
      "Events",
      "N",
      `with --cloudtrail-s3: objects read at once, ${S3_CONCURRENCY.min}-${S3_CONCURRENCY.max} (default: ${S3_CONCURRENCY.default})`,
      { count: { min: S3_CONCURRENCY.min, max: S3_CONCURRENCY.max } },
    ),
    "validate-logs": toggle(
      "Events",
      "with --cloudtrail-s3: prove the logs read are those CloudTrail delivered (signed\ndigests, their chain, every file's SHA-256); exit 5 when they are not",
    ),
    "sessions-from": value(
      "Sessions",
      "FILE",
      "match against an earlier export (NDJSON or JSON of server-sessions) or a DynamoDB\nexport (s3:// URI or folder) instead of the table (repeatable: merged by id, the later\nupdated_at wins)",
      { complete: "file", repeatable: true },
    ),
    "all-events": toggle("Output", "list every event with its category, not only findings"),
    output: oneOf("Output", "FORMAT", FINDINGS_FORMATS, "human, json, ndjson or csv (default: human)", {
      aliases: ["format"],
    }),
    "no-formula-guard": toggle("Output", "do not prefix CSV cells starting with = + - @ TAB CR with '"),
    manifest: value(
      "Evidence",
      "FILE",
      "when the audit finishes, write FILE: a JSON record of what was read and found,\nwith the SHA-256 of stdout (written atomically)",
      { complete: "file" },
    ),
    ...SIGNING_FLAGS,
    ...CONNECTION_FLAGS,
  },
  examples: [
    "sentinel audit untracked-sessions --table sentinel-sessions --since 7d",
    "sentinel audit untracked-sessions --table sentinel-sessions --since 7d --role 'arn:aws:iam::123456789012:role/prod-*' --output json > audit.json",
    "sentinel audit untracked-sessions --table sentinel-sessions --since 2026-01-01 --until 2026-01-31 --cloudtrail-logs ./trail --sessions-from archive.ndjson",
  ],
  toOptions(parsed, io) {
    const raw = parsed.flags;
    const since = raw.text("since");
    const until = raw.text("until");
    if (since === undefined) {
      throw new UsageError("--since is required for audit untracked-sessions: e.g. --since 7d or --since 2026-01-20");
    }
    const window = parseWindow(since, until, io.now());
    if ("problem" in window) throw new UsageError(describeWindowProblem(window.problem, since, until));
    const roles = raw.all("role").map((text) => {
      const role = parseRole(text);
      if (role === undefined) {
        throw new UsageError(
          `invalid --role ${JSON.stringify(text)}: give a role ARN, e.g. arn:aws:iam::123456789012:role/prod-admin, or a prefix ending in *`,
        );
      }
      return role;
    });
    const trailRegions = raw.all("trail-region").map((r) => flag.region(r) as string);
    const cloudtrailLogs = raw.text("cloudtrail-logs");
    const sessionsFrom = raw.all("sessions-from");
    if (cloudtrailLogs === "")
      throw new UsageError("--cloudtrail-logs needs a directory, e.g. --cloudtrail-logs ./trail");
    const cloudtrailS3 = trailBucketOption(parsed, cloudtrailLogs);
    if (sessionsFrom.includes("")) {
      throw new UsageError("--sessions-from needs a file, e.g. --sessions-from archive.ndjson");
    }
    const manifest = raw.text("manifest");
    if (manifest !== undefined) {
      if (manifest === "") throw new UsageError("--manifest needs a file name");
      const problem = unwritableReason(manifest);
      if (problem !== undefined) {
        throw new UsageError(`--manifest ${JSON.stringify(manifest)} cannot be written: ${problem}`);
      }
    }
    const signWith = signingOption((name) => raw.text(name), manifest);
    const clash = sameFile([
      { name: "--manifest", identity: manifest === undefined ? undefined : fileIdentity(manifest) },
      {
        name: "the manifest's signature",
        identity: signWith === undefined || manifest === undefined ? undefined : fileIdentity(`${manifest}.sig`),
      },
      { name: "stdout", identity: io.stdoutFile },
    ]);
    if (clash !== undefined) {
      throw new UsageError(
        `${clash} are the same file: the report, its manifest and its signature must be different files`,
      );
    }
    return {
      // The table is not read with --sessions-from, unless a region must be found.
      table:
        sessionsFrom.length > 0 && raw.text("table") === undefined && io.env.SENTINEL_SESSION_TABLE === undefined
          ? ""
          : flag.tableName(raw.text("table"), io.env),
      connection: connectionOptions(parsed),
      window: window.window,
      roles,
      trailRegions,
      ...(cloudtrailLogs === undefined ? {} : { cloudtrailLogs }),
      ...(cloudtrailS3 === undefined ? {} : { cloudtrailS3 }),
      sessionsFrom,
      allEvents: parsed.has("all-events"),
      output: flag.outputFormat(raw.text("output"), [...FINDINGS_FORMATS]) as FindingsFormat,
      formulaGuard: !parsed.has("no-formula-guard"),
      debug: parsed.has("debug"),
      ...(manifest === undefined ? {} : { manifest }),
      ...(signWith === undefined ? {} : { signWith }),
      argv: parsed.argv,
    };
  },
  run: auditUntracked,
};
