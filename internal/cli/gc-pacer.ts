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
