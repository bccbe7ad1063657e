import { expect, test } from "bun:test";
import { closest, editDistance } from "./suggest.ts";

/** Optimal string alignment distance straight from its recursive definition (memoised). */
function reference(a: string, b: string): number {
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let best = Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d(i - 2, j - 2) + 1);
    memo.set(key, best);
    return best;
  };
  return d(a.length, b.length);
}

test("editDistance equals the recursive definition on 2,000 random pairs", () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const word = () =>
    Array.from({ length: Math.floor(random() * 9) }, () => "abcd-"[Math.floor(random() * 5)] as string).join("");
  for (let n = 0; n < 2_000; n++) {
    const a = word();
    const b = word();
    expect([a, b, editDistance(a, b)]).toEqual([a, b, reference(a, b)]);
  }
});

test.each([
  ["stauts", "status", 1],
  ["ab", "ba", 1],
  ["", "abc", 3],
  ["kitten", "sitting", 3],
  ["ca", "abc", 3],
])("editDistance(%p, %p) is %p", (a, b, expected) => {
  expect(editDistance(a, b)).toBe(expected);
});

test("closest picks the nearest by word, the first of equals, and nothing for a far word", () => {
  const names = ["server-sessions", "server-session", "server-revoke"];
  expect(closest("sessions", names, { wordParts: true })).toBe("server-sessions");
  expect(closest("session", names, { wordParts: true })).toBe("server-session");
  expect(closest("zzzzzzzzzzzzzzzzzzzzzzzzzzzzz", names, { wordParts: true })).toBeUndefined();
});

/** closest as its comment says it, with every candidate measured. */
function closestReference(typed: string, candidates: readonly string[], wordParts: boolean): string | undefined {
  const scored = candidates.map((c) => ({ c, d: reference(typed, c) }));
  const min = Math.min(...scored.map((s) => s.d));
  if (scored.length > 0 && min <= Math.max(2, Math.floor(typed.length / 3))) return scored.find((s) => s.d === min)?.c;
  const prefixed = candidates.filter((c) => typed.length >= 3 && c.startsWith(typed));
  if (prefixed.length === 1) return prefixed[0];
  if (!wordParts || typed.length < 4) return undefined;
  const slack = typed.length >= 6 ? 1 : 0;
  const byWord = scored.filter((s) => s.c.split(/[- ]/).some((w) => reference(typed, w) <= slack));
  const least = Math.min(...byWord.map((s) => s.d));
  return byWord.find((s) => s.d === least)?.c;
}

test("closest equals measuring every candidate, on 3,000 random words and lists", () => {
  let seed = 11;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const word = (most: number) =>
    Array.from({ length: 1 + Math.floor(random() * most) }, () => "abc- "[Math.floor(random() * 5)] as string).join("");
  for (let n = 0; n < 3_000; n++) {
    const typed = word(12);
    const candidates = Array.from({ length: Math.floor(random() * 6) }, () => word(16));
    for (const wordParts of [false, true]) {
      expect([typed, candidates, wordParts, closest(typed, candidates, { wordParts })]).toEqual([
        typed,
        candidates,
        wordParts,
        closestReference(typed, candidates, wordParts),
      ]);
    }
  }
});
