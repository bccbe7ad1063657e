/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short strings. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const up = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The closest of `candidates` to a mistyped word, if any is close enough to be
 * what was meant (a third of its length, at least 2 edits, or a prefix). With
 * `wordParts`, a candidate one of whose dash- or space-separated words is the
 * word typed (give or take one edit) is one too: `sessions` for `server-sessions`.
 * @example closest("stauts", ["status", "user"]) // "status"
 * @example closest("sessions", ["server-sessions", "server-session"], { wordParts: true }) // "server-sessions"
 */
export function closest(
  typed: string,
  candidates: readonly string[],
  options: { wordParts?: boolean } = {},
): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  if (bestDistance <= Math.max(2, Math.floor(typed.length / 3))) return best;
  const prefixed = candidates.filter((c) => typed.length >= 3 && c.startsWith(typed));
  if (prefixed.length === 1) return prefixed[0];
  if (options.wordParts !== true || typed.length < 4) return undefined;
  const slack = typed.length >= 6 ? 1 : 0;
  const byWord = candidates
    .filter((c) => c.split(/[- ]/).some((word) => editDistance(typed, word) <= slack))
    .sort((a, b) => editDistance(typed, a) - editDistance(typed, b));
  return byWord[0];
}
