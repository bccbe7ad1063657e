import { DEFAULT_DELIVERY_LAG_SECONDS } from "../audit/bucket-logs.ts";
import { parseRole } from "../audit/role-scope.ts";
import { parseTrailLocation } from "../audit/trail-layout.ts";
import { type UntrackedAuditOptions, untrackedAudit } from "../audit/untracked-audit.ts";
import type { ConnectionOptions } from "../aws/connection.ts";
import { UsageError } from "../aws/errors.ts";
import { S3_CONCURRENCY } from "../aws/s3-limits.ts";
import { fileIdentity, sameFile } from "../evidence/file-identity.ts";
import { unwritableReason } from "../evidence/writable-path.ts";
import { FINDINGS_FORMATS, type FindingsFormat } from "../output/findings-format.ts";
import { describeWindowProblem, parseDuration, parseWindow } from "../timefilter/parse-when.ts";
import { auditEnvOf } from "./audit-env.ts";
import { type Command, oneOf, type ParsedArgs, toggle, value } from "./command.ts";
import { CONNECTION_FLAGS, connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import type { ExitCode } from "./exit-code.ts";
import * as flag from "./flag-values.ts";
import { signingFlags, signingOption } from "./signing-flags.ts";

/** The audit's options, and how this run reaches AWS and says what it does. */
export type AuditUntrackedOptions = UntrackedAuditOptions & {
  connection: ConnectionOptions;
  debug: boolean;
};

/** `sentinel audit untracked-sessions`: flags → options → the audit pipeline (internal/audit). */
async function auditUntracked(opts: AuditUntrackedOptions, deps: Deps): Promise<ExitCode> {
  const { connection, debug, ...audit } = opts;
  return (await untrackedAudit(audit, auditEnvOf(deps, connection, { debug }))) as ExitCode;
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
      "required: events at or after WHEN, a duration before now (7d, 24h) or a time (2026-01-20, 2026-01-20T10:30:00Z)",
    ),
    until: value("Events", "WHEN", "events at or before WHEN; a date means its end (default: now)"),
    role: value("Events", "ARN", "only this role (repeatable); a trailing * matches a prefix", { repeatable: true }),
    "trail-region": value(
      "Events",
      "REGION",
      "read LookupEvents in REGION (repeatable; default: the region in use and us-east-1); with --cloudtrail-s3: only REGION's logs (default: every region found)",
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
      "read the trail's log files from its bucket, s3://BUCKET[/PREFIX] (every account and region found, organization trails included) instead of the API",
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
      "with --cloudtrail-s3: prove the logs read are those CloudTrail delivered (signed digests, their chain, every file's SHA-256); exit 5 when they are not",
    ),
    "sessions-from": value(
      "Sessions",
      "FILE|URI|DIR",
      "match against an earlier export (NDJSON or JSON of server-sessions) or a DynamoDB export (s3:// URI or folder) instead of the table (repeatable: merged by id, the later updated_at wins)",
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
      "when the audit finishes, write FILE: a JSON record of what was read and found, with the SHA-256 of stdout (written atomically)",
      { complete: "file" },
    ),
    ...signingFlags("the manifest and its signature are written both or neither"),
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
    const trailRegions = raw.all("trail-region").map((r) => flag.region(r, "--trail-region") as string);
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
        // Written by a signed run, removed by an unsigned one: never another file of the run.
        identity: manifest === undefined ? undefined : fileIdentity(`${manifest}.sig`),
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
