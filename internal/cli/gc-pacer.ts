/** How much of a run's time a pacer may spend collecting garbage. */
export type GcPacing = {
  /** The most of the elapsed wall-clock time spent in collections, as a fraction (0.1 = 10 %). */
  maxGcTimeFraction: number;
};

/**
 * For a full sorted export, whose rows are kept in the byte arena: a page's
 * garbage is about the size of the page, and collecting it promptly keeps
 * peak memory near the kept rows, for at most a quarter of the time.
 */
export const FULL_EXPORT_PACING: GcPacing = { maxGcTimeFraction: 0.25 };

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
