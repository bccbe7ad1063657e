import { expect, test } from "bun:test";
import { displayWidth, escapeUnsafe, padToWidth, printable, truncate } from "./printable.ts";

// Every kind of character a terminal must not receive from stored or remote text.
const UNSAFE: [string, string][] = [
  ["NUL", "\u0000"],
  ["BEL", "\u0007"],
  ["BS", "\u0008"],
  ["TAB", "\t"],
  ["LF", "\n"],
  ["CR", "\r"],
  ["ESC", "\u001b"],
  ["DEL", "\u007f"],
  ["C1 NEL", "\u0085"],
  ["C1 CSI", "\u009b"],
  ["ARABIC LETTER MARK", "\u061c"],
  ["ZERO WIDTH SPACE", "\u200b"],
  ["ZERO WIDTH NON-JOINER", "\u200c"],
  ["ZERO WIDTH JOINER", "\u200d"],
  ["LEFT-TO-RIGHT MARK", "\u200e"],
  ["RIGHT-TO-LEFT MARK", "\u200f"],
  ["LINE SEPARATOR", "\u2028"],
  ["PARAGRAPH SEPARATOR", "\u2029"],
  ["LEFT-TO-RIGHT EMBEDDING", "\u202a"],
  ["RIGHT-TO-LEFT OVERRIDE", "\u202e"],
  ["LEFT-TO-RIGHT ISOLATE", "\u2066"],
  ["POP DIRECTIONAL ISOLATE", "\u2069"],
  ["BYTE ORDER MARK", "\ufeff"],
  ["TAG LATIN CAPITAL LETTER A", "\u{e0041}"],
  ["unpaired high surrogate", "\ud83d"],
  ["unpaired low surrogate", "\ude00"],
];

test.each(UNSAFE)("printable() replaces %s with ?", (_, char) => {
  expect(printable(`a${char}b`)).toBe("a?b");
});

test.each(UNSAFE)("escapeUnsafe() writes %s as an escape", (_, char) => {
  const escaped = escapeUnsafe(`a${char}b`);
  expect(escaped).toMatch(/^a\\(?:[nrt]|u[0-9a-f]{4}|u\{[0-9a-f]{5}\})b$/);
});

test.each([
  ["bad\u001b]0;pwned\u0007", "bad\\u001b]0;pwned\\u0007"],
  ["a\nb\tc\r", "a\\nb\\tc\\r"],
  ["x\u202eyz", "x\\u202eyz"],
  ["\u{e0041}\u{e0042}", "\\u{e0041}\\u{e0042}"],
  ["\ud800", "\\ud800"],
  ["\u0085", "\\u0085"],
])("escapeUnsafe(%p) is %p", (text, expected) => {
  expect(escapeUnsafe(text)).toBe(expected);
});

test.each([
  ["plain ASCII", "alice-01 (admin) ~#"],
  ["accents", "Müller-Straße é"],
  ["CJK", "山田太郎"],
  ["emoji", "😀👍🏽🇩🇪"],
  ["combining accent", "e\u0301"],
  ["variation selector", "\u2764\ufe0f"],
])("printable() and escapeUnsafe() keep %s as it is", (_, text) => {
  expect(printable(text)).toBe(text);
  expect(escapeUnsafe(text)).toBe(text);
});

test("printable() keeps the documented example", () => {
  expect(printable("a\u001b[31mb")).toBe("a?[31mb");
});

test.each([
  ["abc", 3],
  ["", 0],
  ["漢字", 4],
  ["ｱｲ", 2], // halfwidth katakana
  ["ＡＢ", 4], // fullwidth Latin
  ["한글", 4],
  ["😀", 2],
  ["👍🏽", 2], // skin tone joins the hand
  ["🇩🇪", 2], // two regional indicators, one flag
  ["🇩🇪🇫🇷", 4],
  ["e\u0301", 1],
  ["a\u0301\u0323b", 2],
  ["Müller", 6],
])("displayWidth(%p) is %d", (text, columns) => {
  expect(displayWidth(text)).toBe(columns);
});

const isWholeUtf16 = (text: string) => !/\p{Cs}/u.test(text);

test.each([
  ["production-admin-role", 12, "productio..."],
  ["short", 12, "short"],
  ["exactly-12ch", 12, "exactly-12ch"],
  // 20 emoji are 40 columns: 8 of them (16 columns) and "..." fit in 20.
  ["😀".repeat(20), 20, `${"😀".repeat(8)}...`],
  ["😀".repeat(10), 20, "😀".repeat(10)],
  ["漢字漢字漢字", 10, "漢字漢..."],
  ["漢字漢字漢", 10, "漢字漢字漢"],
  // Each "e\u0301" is one column; the accent stays with its letter.
  ["e\u0301".repeat(12), 10, `${"e\u0301".repeat(7)}...`],
  // Four flags, 8 columns: a flag is never cut between its two indicators.
  ["🇩🇪🇫🇷🇮🇹🇪🇸", 4, "..."],
  ["🇩🇪🇫🇷🇮🇹🇪🇸", 6, "🇩🇪..."],
  ["🇩🇪🇫🇷🇮🇹🇪🇸", 7, "🇩🇪🇫🇷..."],
  ["ab😀c", 5, "ab😀c"],
  ["ab😀cd", 5, "ab..."],
])("truncate(%p, %d) is %p", (text, max, expected) => {
  const cut = truncate(text, max);
  expect(cut).toBe(expected);
  expect(isWholeUtf16(cut)).toBe(true);
  expect(displayWidth(cut)).toBeLessThanOrEqual(max);
});

test("truncate() of 20 emoji no longer leaves half a surrogate pair (U+FFFD once encoded)", () => {
  const cut = truncate("😀".repeat(20), 20);
  expect(Buffer.from(cut).toString()).not.toContain("\ufffd");
});

test.each([
  ["ab", 4, "ab  "],
  ["漢", 4, "漢  "],
  ["😀x", 3, "😀x"],
  ["toolong", 3, "toolong"],
])("padToWidth(%p, %d) is %p", (text, columns, expected) => {
  expect(padToWidth(text, columns)).toBe(expected);
});
