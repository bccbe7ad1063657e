/** How much of a run's time a pacer may spend collecting garbage. */
export type GcPacing = {
  /** The most of the elapsed wall-clock time spent in collections, as a fraction (0.1 = 10 %). */
  maxGcTimeFraction: number;
};

/**
 * For every listing that reads pages: a page's garbage is about the size of
 * the page, and the runtime lets it pile up with the pages read whatever is
 * kept (measured in make bench: without it, `--limit 100` and `--order none`
 * grew 1.3x and 1.4x from 20,000 to 200,000 sessions). Collecting it promptly
 * keeps peak memory near what is kept, for at most a quarter of the time.
 */
export const LISTING_PACING: GcPacing = { maxGcTimeFraction: 0.25 };

/**
 * For `--order none`, which keeps no rows: a collection finds little alive and
 * is short, so collecting after nearly every page costs little, and the heap
 * stays at a page or two. Measured by hand (20,000 and 200,000 sessions, twice
 * each): with LISTING_PACING the peak grew 1.12x and 1.25x from the small table
 * to the large one; with this, 1.01x and 0.98x, for about 10 % more CPU on the
 * small table and none measurable on the large.
 */
export const STREAMING_PACING: GcPacing = { maxGcTimeFraction: 0.9 };

/**
 * Runs `collect` (a full garbage collection) between pages, but spends at most
 * `pacing.maxGcTimeFraction` of the elapsed time on it: after a collection
 * that took d ms it waits d / fraction ms (from the collection's end) before
 * the next. A long export allocates a page's worth of garbage per page;
 * collecting it promptly keeps peak memory near the live rows instead of
 * letting the heap grow with the table, and the budget keeps a fast read from
 * paying much for it. `clockMs` reads the time in milliseconds.
 */
export function gcPacer(
  collect: () => void,
  pacing: GcPacing,
  clockMs: () => number = () => performance.now(),
): () => void {
  let nextAtMs = Number.NEGATIVE_INFINITY;
  return () => {
    const startedMs = clockMs();
    if (startedMs < nextAtMs) return;
    collect();
    const endedMs = clockMs();
    nextAtMs = endedMs + (endedMs - startedMs) / pacing.maxGcTimeFraction;
  };
}
