import { DEFAULTS } from "./flag-values.ts";

const CONNECTION_FLAGS = `  --table NAME          session table (default: $SENTINEL_SESSION_TABLE)
  --region REGION       AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or profile config)
  --aws-profile NAME    shared-config profile for credentials (SSO included)
  --endpoint-url URL    DynamoDB endpoint only (DynamoDB Local, VPC endpoint)
  --timeout DURATION    per-request timeout, e.g. 30s (default: ${DEFAULTS.timeoutMs / 1000}s; ${DEFAULTS.maxAttempts} attempts per request)
  --debug               show the query plan, request ids and timings on stderr
  -h, --help            show this help`;

export const GLOBAL_HELP = `sentinel: list and export Sentinel server sessions from DynamoDB for audits

Usage:
  sentinel server-sessions [flags]     list or export sessions, newest first
  sentinel server-session ID [flags]   show one session's details
  sentinel --version                   print version, commit and build target
  sentinel <command> --help            show a command's flags

Example:
  sentinel server-sessions --table sentinel-sessions --since 30d --output csv > sessions.csv

Exit status: 0 ok, 1 runtime failure, 2 usage error, 3 malformed items skipped, 130 interrupted.
`;

export const LIST_HELP = `Usage: sentinel server-sessions [flags]

List or export sessions matching every filter given, newest first (by created_at,
ties by id). With no filter at all, lists the caller's own sessions (STS identity).

Filters:
  --status STATUS       active, revoked or expired
  --user USER           exact user name
  --profile PROFILE     exact profile name
  --since WHEN          created at or after WHEN: a duration before now (7d, 24h, 1h30m, 1.5h)
                        or a time (2026-01-20, 2026-01-20T10:30:00Z, 2026-01-20T12:30:00+02:00)
  --until WHEN          created at or before WHEN (default: now)

Output:
  --limit N             the N newest matching sessions; 0 = all (default: ${DEFAULTS.limit})
  --output FORMAT       human, json, ndjson or csv (default: human); --format is an alias
  --no-formula-guard    do not prefix CSV cells starting with = + - @ TAB CR with '

Connection:
${CONNECTION_FLAGS}
  --segments N          parallel scan segments, 1-64 (default: ${DEFAULTS.segments})

Examples:
  sentinel server-sessions --table sentinel-sessions --since 30d --output csv > sessions.csv
  sentinel server-sessions --table sentinel-sessions --status active
  sentinel server-sessions --table sentinel-sessions --user alice --since 2026-01-01 --until 2026-02-01 --limit 0
`;

export const SHOW_HELP = `Usage: sentinel server-session ID [flags]

Show one session's details. ID is 16 lowercase hex characters.

Flags:
  --output FORMAT       human or json (default: human); --format is an alias
${CONNECTION_FLAGS}

Example:
  sentinel server-session 0123456789abcdef --table sentinel-sessions --output json
`;
