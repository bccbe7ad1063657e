import { compareInstants, type Instant } from "../timefilter/instant.ts";
import type { SessionRef } from "./categorize.ts";

/** A session as a source gives it, with when it was last written (absent: the oldest). */
export type DatedSessionRef = SessionRef & { updatedAt?: Instant };

/**
 * Sessions of several sources merged by `id` (SPEC §12): the later
 * `updated_at` wins; one without `updated_at` counts as the oldest; on equal
 * times, the later source given (and within a source, the later record) wins.
 * @example mergeById([[{ id: "a", …, updatedAt: t1 }], [{ id: "a", …, updatedAt: t2 }]]) // the t2 record when t2 ≥ t1
 */
export function mergeById(sources: Iterable<Iterable<DatedSessionRef>>): SessionRef[] {
  const merged = new Map<string, DatedSessionRef>();
  for (const source of sources) {
    for (const session of source) {
      const held = merged.get(session.id);
      if (held === undefined || !isOlder(session, held)) merged.set(session.id, session);
    }
  }
  return [...merged.values()];
}

/** True when `a` was written before `b` (an absent time is the oldest). */
function isOlder(a: DatedSessionRef, b: DatedSessionRef): boolean {
  if (a.updatedAt === undefined) return b.updatedAt !== undefined;
  if (b.updatedAt === undefined) return false;
  return compareInstants(a.updatedAt, b.updatedAt) < 0;
}
