import { type AuditedEvent, runAudit } from "../audit/audit.ts";
import { LogFilesSource } from "../audit/log-files.ts";
import { parseRole, type RoleScope } from "../audit/role-scope.ts";
import { type SessionDirectory, TableSessionDirectory } from "../audit/session-directory.ts";
import { sessionsFromSources } from "../audit/session-sources.ts";
import type { EventSource } from "../audit/source.ts";
import type { ConnectionOptions } from "../aws/connection.ts";
import { UsageError } from "../aws/errors.ts";
import { withoutUrlCredentials } from "../aws/sdk-errors.ts";
import { auditManifestObject } from "../evidence/audit-manifest.ts";
import { writeEvidence } from "../evidence/evidence-files.ts";
import { fileIdentity, sameFile } from "../evidence/file-identity.ts";
import { HashingWriter } from "../evidence/hashing-writer.ts";
import { unwritableReason } from "../evidence/writable-path.ts";
import { FINDINGS_FORMATS, type FindingRow, type FindingsFormat, writeFindings } from "../output/findings-format.ts";
import { printable } from "../output/printable.ts";
import { formatNano } from "../timefilter/instant.ts";
import { describeWindowProblem, parseWindow, type TimeWindow } from "../timefilter/parse-when.ts";
import { type Command, oneOf, toggle, value } from "./command.ts";
import { CONNECTION_FLAGS, connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import { ExitCode } from "./exit-code.ts";
import { kmsSigner } from "./export-env.ts";
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
  // An export file is read before any AWS call, so a wrong file fails fast.
  const exported = opts.sessionsFrom.length === 0 ? undefined : await sessionsFromSources(opts.sessionsFrom);
  const needsTable = exported === undefined;
  const needsRegion = logs === undefined && opts.trailRegions.length === 0;
  const table = needsTable || needsRegion ? await deps.openSessionLookup(opts.connection, opts.table) : undefined;
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
    const source: EventSource = logs ?? deps.openCloudTrail(opts.connection, regionsOf(opts, table?.region), debug);
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
    const since = opts.window.since;
    const stdout = opts.manifest === undefined ? io.stdout : new HashingWriter(io.stdout);
    await writeFindings(
      stdout,
      {
        window: { since: since === undefined ? "" : formatNano(since), until: formatNano(opts.window.until) },
        summary: result.summary,
        rows: result.rows.map(toRow),
        allEvents: opts.allEvents,
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
    const status = result.findings > 0 ? ExitCode.Findings : malformed ? ExitCode.Malformed : ExitCode.Ok;
    if (stdout instanceof HashingWriter) {
      const manifest = auditManifestObject({
        version: `sentinel ${deps.version}`,
        command: opts.argv.map(withoutUrlCredentials),
        window: { since: since === undefined ? null : formatNano(since), until: formatNano(opts.window.until) },
        events:
          logs !== undefined
            ? { kind: "logs", folder: opts.cloudtrailLogs as string }
            : { kind: "api", regions: regionsOf(opts, table?.region) },
        sessions:
          opts.sessionsFrom.length > 0
            ? { kind: "files", files: opts.sessionsFrom }
            : { kind: "table", table: opts.table, region: table?.region ?? "" },
        logFiles: source.filesRead ?? null,
        eventsRead: result.summary.events,
        summary: result.summary,
        startedAt,
        finishedAt: io.now(),
        output: { format: opts.output, bytes: stdout.bytes, sha256: stdout.digest() },
        exitStatus: status,
      });
      const signer =
        opts.signWith === undefined ? undefined : kmsSigner(deps, opts.connection, opts.signWith, table?.region);
      await writeEvidence(opts.manifest as string, manifest, signer);
    }
    return status;
  } finally {
    progress.clear();
    table?.close();
  }
}

export const auditUntrackedSessions: Command<AuditUntrackedOptions> = {
  name: "audit untracked-sessions",
  summary: "match CloudTrail AssumeRole events to Sentinel sessions; exit 4 on findings",
  usage: "--since WHEN [flags]",
  description: `Reads the AssumeRole events of the window from CloudTrail (the LookupEvents API, or the
trail's log files with --cloudtrail-logs) and matches each to a Sentinel session by its
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
      "read LookupEvents in REGION (repeatable; default: the region in use and us-east-1)",
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
    "sessions-from": value(
      "Sessions",
      "FILE",
      "match against an earlier export (NDJSON or JSON of server-sessions) instead of the table\n(repeatable: merged by id, the later updated_at wins)",
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
