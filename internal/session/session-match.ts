// The filters of a listing applied to a session or a stored item, for every
// reader of the table's items: the table's own reads and a DynamoDB export.
// No SDK here: an export is read without loading the DynamoDB client.
import { parseTimestamp } from "../timefilter/instant.ts";
import { leadingDateStart } from "../timefilter/leading-date.ts";
import { inWindow } from "../timefilter/parse-when.ts";
import type { RawItem } from "./item-schema.ts";
import type { TextRange } from "./listing-plan.ts";
import type { Session, SessionFilter } from "./session.ts";

/** True when a session meets every filter exactly (instants, not text). */
export function matches(s: Session, filter: SessionFilter): boolean {
  if (filter.user !== undefined && s.user !== filter.user) return false;
  if (filter.profile !== undefined && s.profile !== filter.profile) return false;
  if (filter.status !== undefined && s.status !== filter.status) return false;
  return inWindow(s.createdAt, filter.window);
}

/**
 * Whether a malformed item could be in the result (SPEC §5), by the rules of
 * the plan's invariant (listing-plan.ts): equality filters compare the stored
 * string; a `created_at` that parses is placed by its instant, one that begins
 * with a real date at the start of that UTC day (leading-date.ts); anything
 * else cannot be placed and counts wherever it is read.
 */
export function couldMatch(item: RawItem, filter: SessionFilter): boolean {
  const text = (name: string) => (item[name] as { S?: unknown } | undefined)?.S;
  for (const name of ["user", "profile", "status"] as const) {
    if (filter[name] !== undefined && text(name) !== filter[name]) return false;
  }
  const created = text("created_at");
  if (typeof created !== "string") return true;
  const at = parseTimestamp(created) ?? leadingDateStart(created);
  return at === undefined || inWindow(at, filter.window);
}

/**
 * Whether the table's reads for a filter meet the item at all (listing-plan.ts):
 * a `created_at` text that starts with a digit is read only inside the text
 * range; any other `created_at` is read by the outlier reads (or the Scan's
 * filter). A reader of all items (a DynamoDB export) applies this first, so it
 * reports what the table would.
 */
export function inReadRange(item: RawItem, range: TextRange): boolean {
  const created = (item.created_at as { S?: unknown } | undefined)?.S;
  if (typeof created !== "string" || !(created >= "0" && created < ":")) return true;
  return created >= range.low && created <= range.high;
}
