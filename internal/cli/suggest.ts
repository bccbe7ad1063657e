/**
 * Edit distance (insertions, deletions, substitutions, adjacent swaps) between
 * two short strings. Three rows of typed arrays: it runs once per candidate on
 * the way to a usage error, before the engine has compiled anything.
 */
export function editDistance(a: string, b: string): number {
  const n = b.length;
  let before = new Int32Array(n + 1);
  let above = new Int32Array(n + 1);
  let row = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) above[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    const ai = a.charCodeAt(i - 1);
    const aBefore = i > 1 ? a.charCodeAt(i - 2) : -1;
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      const insert = (row[j - 1] as number) + 1;
      const remove = (above[j] as number) + 1;
      const change = (above[j - 1] as number) + (ai === bj ? 0 : 1);
      let best = Math.min(insert, remove, change);
      if (j > 1 && ai === b.charCodeAt(j - 2) && aBefore === bj) {
        const swap = (before[j - 2] as number) + 1;
        if (swap < best) best = swap;
      }
      row[j] = best;
    }
    const spare = before;
    before = above;
    above = row;
    row = spare;
  }
  return above[n] as number;
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
  // A length apart by more than the distance allowed is that many edits at
  // least: such a candidate is never measured.
  const near = Math.max(2, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = near + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - typed.length) > near) continue;
    const distance = editDistance(typed, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  const prefixed = candidates.filter((c) => typed.length >= 3 && c.startsWith(typed));
  if (prefixed.length === 1) return prefixed[0];
  if (options.wordParts !== true || typed.length < 4) return undefined;
  const slack = typed.length >= 6 ? 1 : 0;
  let byWord: string | undefined;
  let byWordDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const words = candidate.split(/[- ]/);
    if (!words.some((word) => Math.abs(word.length - typed.length) <= slack && editDistance(typed, word) <= slack))
      continue;
    const distance = editDistance(typed, candidate);
    if (distance < byWordDistance) {
      byWord = candidate;
      byWordDistance = distance;
    }
  }
  return byWord;
}
