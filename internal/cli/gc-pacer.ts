/**
 * Runs `collect` (a full garbage collection) between pages, but spends at most
 * `share` of the elapsed time on it. A long export allocates a page's worth of
 * garbage per page; collecting it promptly keeps peak memory near the live
 * rows instead of letting the heap grow with the table, and the budget keeps a
 * fast read from paying much for it.
 */
export function gcPacer(collect: () => void, clockMs: () => number = () => performance.now(), share = 0.1): () => void {
  let nextAtMs = Number.NEGATIVE_INFINITY;
  return () => {
    const startedMs = clockMs();
    if (startedMs < nextAtMs) return;
    collect();
    const endedMs = clockMs();
    nextAtMs = endedMs + (endedMs - startedMs) / share;
  };
}
