import type { Session } from "../session/session.ts";
import { writeCsv } from "./csv.ts";
import type { OutputFormat } from "./fields.ts";
import { writeHumanTable } from "./human.ts";
import { writeJson, writeNdjson } from "./json.ts";
import type { Writer } from "./writer.ts";

/** Writes a listing in the chosen format. */
export async function writeSessions(
  out: Writer,
  sessions: Session[],
  format: OutputFormat,
  formulaGuard: boolean,
): Promise<void> {
  switch (format) {
    case "csv":
      return writeCsv(out, sessions, formulaGuard);
    case "json":
      return writeJson(out, sessions);
    case "ndjson":
      return writeNdjson(out, sessions);
    case "human":
      return writeHumanTable(out, sessions);
  }
}
