// Case tables that the end-to-end suite and the release check share: the same
// expectations for the Linux binary and for every release target.
import { item } from "./dynamo.ts";

/** Command lines that are usage errors (exit 2), with their one error line. */
export const USAGE_ERRORS: [string[], string][] = [
  [["server-sessions", "--bogus"], 'unknown flag "--bogus" for server-sessions: run sentinel server-sessions --help'],
  [
    ["server-sessions", "--table", "tbl", "--since", "yesterday"],
    'invalid --since "yesterday": not a duration or a time, e.g. 7d, 1h30m, 2026-01-20 or 2026-01-20T10:30:00Z',
  ],
  [
    ["server-sessions", "--table", "tbl", "--since", "2026-02-02", "--until", "2026-02-01"],
    '--since "2026-02-02" is after --until "2026-02-01": the window must start before it ends, e.g. --since 30d --until 1d',
  ],
  [["server-sessions", "--table", "tbl", "--limit", "-1"], 'invalid --limit "-1": give a whole number, 0 for no limit'],
  [
    ["server-sessions", "--table", "tbl", "--output", "xml"],
    'invalid --output "xml": use one of human, json, ndjson, csv',
  ],
  [["server-sessions", "--since", "1d"], "--table is required: pass --table NAME or set SENTINEL_SESSION_TABLE"],
  [["server-sessions", "--table"], "--table needs a value"],
  [
    ["server-session", "XYZ", "--table", "tbl"],
    'invalid session ID "XYZ": an ID is 16 hex characters, e.g. 0123456789abcdef',
  ],
  [["frobnicate"], 'unknown command "frobnicate": run sentinel --help'],
  // A name every object inherits is no flag.
  [
    ["server-sessions", "--table", "tbl", "--constructor", "x"],
    'unknown flag "--constructor" for server-sessions: run sentinel server-sessions --help',
  ],
];

/**
 * Items whose created_at plays the day-edge tricks of SPEC §3: the last ns of a
 * day, a fraction, offsets whose text names another day than their instant.
 */
export function dayEdgeItems() {
  return [
    item({ id: "00000000000000a1", created_at: "2026-11-26T23:59:59.999999999Z" }),
    item({ id: "00000000000000a2", created_at: "2026-11-27T00:00:00Z" }),
    item({ id: "00000000000000a3", created_at: "2026-11-27T12:00:00.5Z" }),
    item({ id: "00000000000000a4", created_at: "2026-11-27T23:59:59.999999999Z" }),
    // 2026-11-27T23:30:00Z: its text names the next day.
    item({ id: "00000000000000a5", created_at: "2026-11-28T01:30:00+02:00" }),
    item({ id: "00000000000000a6", created_at: "2026-11-28T00:00:00Z" }),
    // 2026-11-28T00:30:00Z: its text names the day itself.
    item({ id: "00000000000000a7", created_at: "2026-11-27T23:30:00-01:00" }),
  ];
}
