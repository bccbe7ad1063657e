import { ExportSessionDirectory } from "./session-directory.ts";
import { type DatedSessionRef, mergeById } from "./session-merge.ts";
import { readSessionsExport } from "./sessions-file.ts";

/** Reads the sessions of a DynamoDB export (an `s3://` URI or a folder), when the source is one. */
export type ExportSessionsReader = {
  /** True when `source` names a DynamoDB export rather than an export file of sentinel. */
  isExport(source: string): Promise<boolean>;
  read(source: string): Promise<{ sessions: DatedSessionRef[]; malformed: readonly string[] }>;
};

/**
 * The session directory of `--sessions-from` (repeatable, SPEC §9, §12):
 * export files of sentinel and DynamoDB exports, read in the order given and
 * merged by id. Malformed items of the exports are returned to be reported.
 */
export async function sessionsFromSources(
  sources: readonly string[],
  exports?: ExportSessionsReader,
): Promise<{ directory: ExportSessionDirectory; malformed: string[] }> {
  const lists: DatedSessionRef[][] = [];
  const malformedLists: (readonly string[])[] = [];
  for (const source of sources) {
    if (exports !== undefined && (await exports.isExport(source))) {
      const read = await exports.read(source);
      lists.push(read.sessions);
      malformedLists.push(read.malformed);
    } else lists.push(await readSessionsExport(source));
  }
  const malformed = malformedOnce(malformedLists);
  const names = sources.map((s) => JSON.stringify(s)).join(", ");
  const where = sources.length === 1 ? `sessions file ${names}` : `sessions of ${names}`;
  return { directory: new ExportSessionDirectory(where, mergeById(lists), malformed), malformed };
}

/**
 * The malformed items of several exports, each counted once (SPEC §5): the
 * same export given twice, or two exports of one table, meet the same items.
 * A label stands as often as the one source that gave it most often, since
 * one export may hold two items of the same label (two items without an id).
 * @example malformedOnce([["a (x)", "b (y)"], ["b (y)", "c (z)"]]) // ["a (x)", "b (y)", "c (z)"]
 */
export function malformedOnce(lists: readonly (readonly string[])[]): string[] {
  const most = new Map<string, number>();
  for (const list of lists) {
    const here = new Map<string, number>();
    for (const label of list) here.set(label, (here.get(label) ?? 0) + 1);
    for (const [label, n] of here) most.set(label, Math.max(most.get(label) ?? 0, n));
  }
  return [...most].flatMap(([label, n]) => Array.from({ length: n }, () => label));
}
