/** How much of a run's time a pacer may spend collecting garbage. */
export type GcPacing = {
  /** The most of the elapsed wall-clock time spent in collections, as a fraction (0.1 = 10 %). */
  maxGcTimeFraction: number;
  /**
   * Collect whatever the time, once the heap has grown this many bytes since
   * the last collection (needs GcProbes.heapBytes): a bound on the peak that
   * does not depend on how fast pages arrive.
   */
  maxHeapGrowthBytes?: number;
  /**
   * Also hand the allocator's free pages back to the system after each
   * collection. It keeps a long stream's peak flat, but the next pages' buffers
   * fault those pages in again: measured by hand on a whole 100,000-session
   * table to CSV, 3.8-4.1 s of CPU with it and 2.4-2.5 s without.
   */
  returnFreePages?: boolean;
};

/** What a pacer reads: the time in milliseconds, and the heap's size in bytes. */
export type GcProbes = { clockMs?: () => number; heapBytes?: () => number };

/**
 * For every listing that reads pages: a page's garbage is about the size of
 * the page, and the runtime lets it pile up with the pages read whatever is
 * kept (measured in make bench: without it, `--limit 100` and `--order none`
 * grew 1.3x and 1.4x from 20,000 to 200,000 sessions). Collecting it promptly
 * keeps peak memory near what is kept, for at most a tenth of the time. Since
 * the sorted rows are written without a promise each and with collections of
 * their own (WRITING_PACING), a quarter of the time bought little: measured by
 * hand, 3 to 5 interleaved runs, on a 200,000-session table the 30-day CSV
 * peaked at 127–135 MB (118–124 MB at a quarter) and `--limit 100` at 89–93 MB
 * (85–86 MB) for 0.1–0.3 s less CPU; `--from-export` of a 100,000-session
 * folder took about 1.50 s of CPU against 1.55–1.60 s.
 */
export const LISTING_PACING: GcPacing = { maxGcTimeFraction: 0.1, returnFreePages: false };

/**
 * For the audit, which keeps every session of its window and the ids of the
 * events it has seen while it reads pages and log files: at a tenth of the
 * time its peak went from 205–215 MB to 218–250 MB at 100,000 events
 * (measured by hand on the trail-bucket benchmark's data), up to its 250 MB
 * bound; a quarter of the time keeps it well within.
 */
export const AUDIT_PACING: GcPacing = { maxGcTimeFraction: 0.25, returnFreePages: false };

/**
 * For `--order none`, which keeps no rows: a collection finds little alive and
 * is short, so collecting after nearly every page costs little; and whatever
 * the pace of the pages, 32 MB of growth since the last collection starts the
 * next. Measured by hand through a pipe, whole table, medians of three runs,
 * with the stream's small pages (list-sessions.ts): peak RSS 98 MB at 20,000
 * sessions and 97 MB at 200,000 (with 1 MB pages: LISTING_PACING 1.25x and
 * 1.13x in two runs; time alone at 0.9, 1.13x; with this bound, 1.03x). Free
 * pages go back to the system: without that, make bench measured 88 MB at
 * 20,000 sessions and 107 MB at 200,000 (1.21x).
 */
export const STREAMING_PACING: GcPacing = {
  maxGcTimeFraction: 0.9,
  maxHeapGrowthBytes: 32 << 20,
  returnFreePages: true,
};

/**
 * For the sorted rows as they are written (every ROWS_PER_COLLECTION rows,
 * row-order.ts): little is alive but the kept rows, so a collection is short,
 * and each frees what the rows written since left behind; nearly every call
 * collects (at 0.25 of the time most were skipped: measured by hand with a
 * call every 4,096 rows, 135–145 MB against 118–121 MB at this pace on a
 * 200,000-session table).
 */
export const WRITING_PACING: GcPacing = { maxGcTimeFraction: 0.9, returnFreePages: false };

/**
 * Runs `collect` (a full garbage collection) between pages, but spends at most
 * `pacing.maxGcTimeFraction` of the elapsed time on it: after a collection
 * that took d ms it waits d / fraction ms (from the collection's end) before
 * the next. A long export allocates a page's worth of garbage per page;
 * collecting it promptly keeps peak memory near the live rows instead of
 * letting the heap grow with the table, and the budget keeps a fast read from
 * paying much for it. With `maxHeapGrowthBytes` and a heap probe it also
 * collects, whatever the time, once the heap grew that much since the last one.
 */
export function gcPacer(collect: () => void, pacing: GcPacing, probes: GcProbes = {}): () => void {
  const clockMs = probes.clockMs ?? (() => performance.now());
  const { heapBytes } = probes;
  const growth = heapBytes === undefined ? undefined : pacing.maxHeapGrowthBytes;
  let nextAtMs = Number.NEGATIVE_INFINITY;
  let heapAfterLast = 0;
  return () => {
    const startedMs = clockMs();
    const grown = growth !== undefined && (heapBytes as () => number)() - heapAfterLast >= growth;
    if (startedMs < nextAtMs && !grown) return;
    collect();
    const endedMs = clockMs();
    nextAtMs = endedMs + (endedMs - startedMs) / pacing.maxGcTimeFraction;
    if (heapBytes !== undefined) heapAfterLast = heapBytes();
  };
}
