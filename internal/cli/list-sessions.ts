import type { ConnectionOptions } from "../aws/connection.ts";
import { UsageError } from "../aws/errors.ts";
import { quotedPath } from "../aws/quoted-path.ts";
import { fileIdentity, resolvedPath, sameFile } from "../evidence/file-identity.ts";
import { unwritableReason } from "../evidence/writable-path.ts";
import type { ExportOptions } from "../export/export-sessions.ts";
import { COLUMN_NAMES, type ColumnName } from "../output/columns.ts";
import { OUTPUT_FORMATS } from "../output/fields.ts";
import { SESSION_STATUSES, type SessionFilter } from "../session/session.ts";
import { describeWindowProblem, parseDuration, parseWindow } from "../timefilter/parse-when.ts";
import { type Command, oneOf, toggle, value } from "./command.ts";
import { CONNECTION_FLAGS, connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import type { ExitCode } from "./exit-code.ts";
import { exportTable, FROM_EXPORT_FLAGS, fromExportOption } from "./export-flags.ts";
import { fixedValue } from "./flag-syntax.ts";
import * as flag from "./flag-values.ts";
import { signingFlags, signingOption } from "./signing-flags.ts";
import { closest } from "./suggest.ts";
import { stdoutWidth } from "./terminal-width.ts";

export type ListSessionsOptions = {
  /** The table; with --from-export, the one the export must be of (undefined: whichever it is). */
  table: string | undefined;
  connection: ConnectionOptions;
  /** --from-export (SPEC §12): read this export instead of the table. */
  fromExport?: { location: string; concurrency: number };
  segments: number;
  /** Drop `note:` lines. */
  quiet: boolean;
  debug: boolean;
  export: ExportOptions;
};

const DEFAULT_SETTLE_NANOS = 5 * 60e9;
/** --limit: 0 is no limit. */
const LIMIT = { min: 0, max: Number.MAX_SAFE_INTEGER } as const;
const SEGMENTS = { min: 1, max: 64 } as const;
const ORDERS = ["newest", "none"] as const;

/**
 * The names of `--columns`, in the order given; `all` is every column.
 * @example parseColumns("id,user,ttl") // ["id", "user", "ttl"]
 */
export function parseColumns(text: string): ColumnName[] {
  if (text === "all") return [...COLUMN_NAMES];
  const names = text.split(",").map((name) => name.trim());
  const valid = `valid names: ${COLUMN_NAMES.join(", ")}, or all`;
  const seen = new Set<string>();
  for (const name of names) {
    if (name === "") throw new UsageError(`invalid --columns ${JSON.stringify(text)}: an empty name; ${valid}`);
    if (!(COLUMN_NAMES as readonly string[]).includes(name)) {
      const guess = closest(name, COLUMN_NAMES);
      const hint = guess === undefined ? "" : `did you mean "${guess}"? `;
      throw new UsageError(`invalid --columns: unknown column ${JSON.stringify(name)}: ${hint}${valid}`);
    }
    if (seen.has(name))
      throw new UsageError(`invalid --columns: ${JSON.stringify(name)} is named twice; name each column once`);
    seen.add(name);
  }
  return names as ColumnName[];
}

/** `sentinel server-sessions`: list or export the matching sessions, newest first. */
export async function listSessions(opts: ListSessionsOptions, deps: Deps): Promise<ExitCode> {
  // Loaded when the command runs: a usage error never loads the pipeline.
  const [{ exportSessions }, { dynamodbExportSource, exportEnvOf, tableSource }] = await Promise.all([
    import("../export/export-sessions.ts"),
    import("./export-env.ts"),
  ]);
  const source =
    opts.fromExport === undefined
      ? tableSource(deps, opts.connection, opts.table as string, opts.segments)
      : dynamodbExportSource(deps, opts.connection, opts.fromExport.location, opts.fromExport.concurrency, opts.table);
  const fitWidth = opts.export.output === "human" ? stdoutWidth(deps.io) : undefined;
  return (await exportSessions(
    source,
    { ...opts.export, ...(fitWidth === undefined ? {} : { fitWidth }) },
    exportEnvOf(deps, opts.connection, opts),
  )) as ExitCode;
}

export const serverSessions: Command<ListSessionsOptions> = {
  name: "server-sessions",
  summary: "list or export sessions, newest first",
  usage: "[flags]",
  description: `List or export the sessions matching every filter given, newest first (by created_at,
ties by id). With no filter at all, lists the caller's own sessions (STS identity).`,
  args: { min: 0, max: 0 },
  flags: {
    status: oneOf("Filters", "STATUS", SESSION_STATUSES, "active, revoked or expired"),
    user: value("Filters", "USER", "exact user name"),
    profile: value("Filters", "PROFILE", "exact profile name"),
    since: value(
      "Filters",
      "WHEN",
      "created at or after WHEN: a duration before now (7d, 24h, 1h30m, 1.5h) or a time (2026-01-20, 2026-01-20T10:30:00Z, 2026-01-20T12:30:00+02:00)",
    ),
    until: value("Filters", "WHEN", "created at or before WHEN; a date means its end (default: now)"),
    limit: value(
      "Output",
      "N",
      `the N newest matching sessions; 0 = all (default: ${flag.DEFAULTS.limit} for human, all for json, ndjson and csv)`,
      { count: LIMIT },
    ),
    output: oneOf("Output", "FORMAT", OUTPUT_FORMATS, "human, json, ndjson or csv (default: human)", {
      aliases: ["format"],
    }),
    columns: value(
      "Output",
      "LIST",
      `comma-separated columns, or all: ${COLUMN_NAMES.join(",")} (default: the ten fields of csv and json; the table's seven for human)`,
      // A comma-separated list: completion offers the names one by one.
      { listOf: [...COLUMN_NAMES, "all"] },
    ),
    order: oneOf(
      "Output",
      "ORDER",
      ORDERS,
      "newest (default): newest first; none: rows as they are read, unsorted, in memory independent of their number",
    ),
    "no-formula-guard": toggle("Output", "do not prefix CSV cells starting with = + - @ TAB CR with '"),
    quiet: toggle("Output", "no note: lines on stderr (warnings and errors stay)"),
    manifest: value(
      "Evidence",
      "FILE",
      "when the export finishes, write FILE: a JSON record of what was exported, with the SHA-256 of stdout (written atomically)",
      { complete: "file" },
    ),
    checkpoint: value(
      "Evidence",
      "FILE",
      "incremental archive: start 1 ns after the previous run's end (recorded in FILE), end at --until or now minus --settle; FILE is updated only after a complete run",
      { complete: "file" },
    ),
    settle: value(
      "Evidence",
      "DURATION",
      "with --checkpoint: leave sessions created in the last DURATION to the next run (default: 5m)",
    ),
    ...signingFlags("manifest, signature and checkpoint are written all or none"),
    ...FROM_EXPORT_FLAGS,
    ...CONNECTION_FLAGS,
    segments: value(
      "Connection",
      "N",
      `parallel scan segments, ${SEGMENTS.min}-${SEGMENTS.max} (default: ${flag.DEFAULTS.segments})`,
      { count: SEGMENTS },
    ),
  },
  examples: [
    "sentinel server-sessions --table sentinel-sessions --since 30d --output csv > sessions.csv",
    "sentinel server-sessions --table sentinel-sessions --status active",
    "sentinel server-sessions --table sentinel-sessions --user alice --since 2026-01-01 --until 2026-01-31 --output ndjson",
  ],
  toOptions(parsed, io) {
    const raw = parsed.flags;
    const fromExport = fromExportOption(parsed, ["checkpoint", "segments", "endpoint-url"]);
    const status = flag.status(raw.text("status"));
    const user = flag.matchText("--user", raw.text("user"));
    const profile = flag.matchText("--profile", raw.text("profile"));
    const since = raw.text("since");
    const until = raw.text("until");
    const window = parseWindow(since, until, io.now());
    if ("problem" in window) throw new UsageError(describeWindowProblem(window.problem, since, until));
    const output = flag.outputFormat(raw.text("output"), OUTPUT_FORMATS);
    const checkpoint = raw.text("checkpoint");
    const settle = raw.text("settle");
    const manifest = raw.text("manifest");
    const signWith = signingOption((name) => raw.text(name), manifest);
    const columnsText = raw.text("columns");
    const orderText = raw.text("order");
    const order = orderText === undefined ? "newest" : fixedValue("--order", orderText, ORDERS);
    // An export is complete unless asked otherwise; a terminal table shows a screenful.
    const defaultLimit = output === "human" && checkpoint === undefined ? flag.DEFAULTS.limit : 0;
    const limit = flag.wholeNumber("--limit", raw.text("limit"), defaultLimit, LIMIT.min, LIMIT.max);
    if (checkpoint !== undefined && limit !== 0) {
      throw new UsageError(`--checkpoint exports are complete: drop --limit ${limit} (or give --limit 0)`);
    }
    if (settle !== undefined && checkpoint === undefined) {
      throw new UsageError("--settle applies only with --checkpoint: drop it, or add --checkpoint FILE");
    }
    const settleNanos = settle === undefined ? DEFAULT_SETTLE_NANOS : parseDuration(settle);
    if (settleNanos === undefined || settleNanos < 0) {
      throw new UsageError(
        `invalid --settle ${JSON.stringify(settle)}: give a duration, e.g. 5m or 1h (0s to settle nothing)`,
      );
    }
    if (checkpoint !== undefined && output === "human") {
      throw new UsageError("--checkpoint archives an export: use --output csv, json or ndjson");
    }
    const checkpointPath = checkpoint === undefined || checkpoint === "" ? undefined : resolvedPath(checkpoint);
    for (const [name, path, written] of [
      ["--manifest", manifest, manifest],
      ["--checkpoint", checkpoint, checkpointPath],
    ] as const) {
      if (path === undefined) continue;
      if (path === "") throw new UsageError(`${name} needs a file name`);
      const problem = unwritableReason(written ?? path);
      if (problem !== undefined) throw new UsageError(`${name} ${quotedPath(path)} cannot be written: ${problem}`);
    }
    // Compared as files: a link or a second name for one file is that file.
    const clash = sameFile([
      { name: "--manifest", identity: manifest === undefined ? undefined : fileIdentity(manifest) },
      { name: "--checkpoint", identity: checkpointPath === undefined ? undefined : fileIdentity(checkpointPath) },
      {
        name: "the checkpoint's lock",
        identity: checkpointPath === undefined ? undefined : fileIdentity(`${checkpointPath}.lock`),
      },
      {
        name: "the manifest's signature",
        // Written by a signed run, removed by an unsigned one: never another file of the run.
        identity: manifest === undefined ? undefined : fileIdentity(`${manifest}.sig`),
      },
      { name: "stdout", identity: io.stdoutFile },
    ]);
    if (clash !== undefined) {
      throw new UsageError(
        `${clash} are the same file: the export, its manifest (and signature), the checkpoint and its lock must be different files`,
      );
    }
    const filter: SessionFilter = {
      window: window.window,
      ...(status === undefined ? {} : { status }),
      ...(user === undefined ? {} : { user }),
      ...(profile === undefined ? {} : { profile }),
    };
    return {
      table: fromExport === undefined ? flag.tableName(raw.text("table"), io.env) : exportTable(parsed),
      ...(fromExport === undefined ? {} : { fromExport }),
      connection: connectionOptions(parsed),
      segments: flag.wholeNumber(
        "--segments",
        raw.text("segments"),
        flag.DEFAULTS.segments,
        SEGMENTS.min,
        SEGMENTS.max,
      ),
      quiet: parsed.has("quiet"),
      debug: parsed.has("debug"),
      export: {
        filter,
        explicitFilter: [status, user, profile, since, until, checkpoint].some((given) => given !== undefined),
        limit,
        output,
        formulaGuard: !parsed.has("no-formula-guard"),
        ...(manifest === undefined ? {} : { manifest }),
        ...(signWith === undefined ? {} : { signWith }),
        ...(checkpoint === undefined
          ? {}
          : {
              checkpoint: {
                path: checkpointPath as string,
                name: checkpoint,
                settleNanos,
                sinceGiven: since !== undefined,
                untilGiven: until !== undefined,
              },
            }),
        argv: parsed.argv,
        ...(columnsText === undefined ? {} : { columns: parseColumns(columnsText) }),
        order,
      },
    };
  },
  run: listSessions,
};
