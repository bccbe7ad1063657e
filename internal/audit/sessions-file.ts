import { readFile } from "node:fs/promises";
import { SentinelError, UsageError } from "../aws/errors.ts";
import { quotedPath } from "../aws/quoted-path.ts";
import { parseTimestamp } from "../timefilter/instant.ts";
import type { DatedSessionRef } from "./session-merge.ts";

const REQUIRED = ["id", "user", "source_identity"] as const;

/** Turns one record of an export into a session, or says what is missing. */
function sessionOf(record: unknown): DatedSessionRef | string {
  if (typeof record !== "object" || record === null || Array.isArray(record)) return "is not a JSON object";
  const r = record as Record<string, unknown>;
  const missing = REQUIRED.filter((name) => typeof r[name] !== "string");
  if (missing.length > 0) return `has no ${missing.map((m) => JSON.stringify(m)).join(", ")} text field`;
  if (r.id === "") return 'has an empty "id"';
  // `updated_at` (in `--columns all` exports) decides between records of one session; unreadable, it counts as none.
  const updatedAt = typeof r.updated_at === "string" ? parseTimestamp(r.updated_at) : undefined;
  return {
    id: r.id as string,
    user: r.user as string,
    sourceIdentity: r.source_identity as string,
    ...(updatedAt === undefined ? {} : { updatedAt }),
  };
}

/**
 * Reads the sessions of an earlier export of `server-sessions`: NDJSON (one
 * object a line, e.g. an archive of `--checkpoint` runs) or the JSON
 * `{"sessions": [...]}`, each record with at least `id`, `user` and
 * `source_identity`. Not such a file is a usage error; an unreadable one exit 1.
 * @example readSessionsExport("archive.ndjson") // [{ id: "0123456789abcdef", user: "alice", sourceIdentity: "sentinel:alice:direct:r1" }, …]
 */
export async function readSessionsExport(file: string): Promise<DatedSessionRef[]> {
  const q = quotedPath(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new SentinelError(`cannot read --sessions-from ${q} (${code}): check the path and its permissions`);
  }
  const notExport = (what: string) =>
    new UsageError(
      `--sessions-from ${q} is not a session export: ${what}; give the NDJSON or JSON output of sentinel server-sessions`,
    );
  const trimmed = text.trim();
  if (trimmed === "") return [];
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    whole = undefined;
  }
  if (typeof whole === "object" && whole !== null && !Array.isArray(whole) && "sessions" in whole) {
    const list = (whole as { sessions: unknown }).sessions;
    if (!Array.isArray(list)) throw notExport('"sessions" is not a list');
    return list.map((record, i) => {
      const s = sessionOf(record);
      if (typeof s === "string") throw notExport(`session ${i + 1} ${s}`);
      return s;
    });
  }
  const sessions: DatedSessionRef[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw notExport(`line ${i + 1} is not JSON`);
    }
    const s = sessionOf(record);
    if (typeof s === "string") throw notExport(`line ${i + 1} ${s}`);
    sessions.push(s);
  }
  return sessions;
}
