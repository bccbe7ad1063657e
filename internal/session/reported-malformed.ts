import { compareInstants, type Instant, parseTimestamp } from "../timefilter/instant.ts";
import { leadingDateStart } from "../timefilter/leading-date.ts";
import { olderTextBound } from "../timefilter/widen.ts";
import type { RawItem } from "./item-schema.ts";
import type { SessionCollector } from "./store.ts";

/** A malformed item a read met: its label for the warning and its stored `created_at`. */
export type MalformedEntry = { id: string; label: string; created: unknown };

/** The entry of a malformed item, keyed by the caller so each item counts once. */
export function malformedEntry(item: RawItem, id: string, label: string): MalformedEntry {
  return { id, label, created: (item.created_at as { S?: unknown } | undefined)?.S };
}

/**
 * Whether a malformed item could rank among the rows a --limit kept, whose
 * oldest is `oldestKept`: placed (by its instant, or the start of the day its
 * text begins with) at or after it; digit-first text that cannot be placed
 * when it sorts at or above the text bound an index read stops at
 * (olderTextBound); anything else cannot be placed and always counts. The
 * table store reads every item this keeps before it stops early, so the
 * table and an export report the same items.
 */
function couldRank(created: unknown, oldestKept: Instant): boolean {
  if (typeof created !== "string" || !(created >= "0" && created < ":")) return true;
  const at = parseTimestamp(created) ?? leadingDateStart(created);
  if (at !== undefined) return compareInstants(at, oldestKept) >= 0;
  return created >= olderTextBound(oldestKept);
}

/**
 * The labels to report (SPEC §5), sorted by id then label, so the warning names
 * the same items whatever order the reads answered in. When a --limit cut a
 * newest-first result, an item that could not rank within it is no more part
 * of the result than a row older than the last one shown.
 */
export function reportedMalformed(entries: Iterable<MalformedEntry>, keep: SessionCollector): string[] {
  const oldestKept = keep.limit > 0 && keep.offered > keep.limit ? keep.lastKeptAt : undefined;
  return [...entries]
    .filter((entry) => oldestKept === undefined || couldRank(entry.created, oldestKept))
    .sort((a, b) => (a.id !== b.id ? (a.id < b.id ? -1 : 1) : a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
    .map((entry) => entry.label);
}
