// Characters that let stored or remote text act on a terminal or hide itself:
// C0, DEL and C1 controls (escape sequences, carriage return, bell), format
// characters (zero-width characters, bidi controls, byte order mark, invisible
// tag characters), line and paragraph separators, and unpaired surrogates.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
// Printable ASCII: one column per character, nothing to replace (the common case, kept fast).
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * Text safe to show on a terminal: unsafe characters become "?" (the human
 * table, where a value must keep to its column).
 * @example printable("a\u001b[31mb") // "a?[31mb"
 */
export function printable(text: string): string {
  return PLAIN.test(text) ? text : text.replace(UNSAFE, "?");
}

const NAMED_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Text safe to show on a terminal with unsafe characters written as escapes,
 * so a message still names the exact value (`\u001b`, `\u{e0041}`).
 * @example escapeUnsafe("bad\u001b]0;x\u0007") // "bad\\u001b]0;x\\u0007"
 */
export function escapeUnsafe(text: string): string {
  if (PLAIN.test(text)) return text;
  return text.replace(UNSAFE, (char) => {
    const named = NAMED_ESCAPES[char];
    if (named !== undefined) return named;
    const code = char.codePointAt(0) as number;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

// East Asian Wide and Fullwidth blocks: Hangul Jamo, CJK, kana, Hangul
// syllables, compatibility ideographs, fullwidth forms, enclosed ideographs and
// the supplementary ideograph planes. A terminal gives each two columns.
const WIDE_RANGES = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
] as const;
// Emoji shown as pictures (two columns), and what joins the character before
// it without a column of its own: combining marks (variation selectors
// included) and skin tones.
const EMOJI = /^\p{Emoji_Presentation}$/u;
const MARK = /^\p{M}$/u;
const SKIN_TONE_FIRST = 0x1f3fb;
const SKIN_TONE_LAST = 0x1f3ff;
const REGIONAL_INDICATOR_A = 0x1f1e6;
const REGIONAL_INDICATOR_Z = 0x1f1ff;

function isWide(code: number): boolean {
  for (const [first, last] of WIDE_RANGES) {
    if (code < first) return false;
    if (code <= last) return true;
  }
  return false;
}

function columnsOfCodePoint(code: number): number {
  if (code < 0x300) return 1;
  if (isWide(code)) return 2;
  if (code >= SKIN_TONE_FIRST && code <= SKIN_TONE_LAST) return 0;
  const char = String.fromCodePoint(code);
  if (MARK.test(char)) return 0;
  return EMOJI.test(char) ? 2 : 1;
}

// Columns of the BMP code points met so far, plus one (0 = not yet known): a
// table of 100,000 rows then measures most characters with one lookup.
const bmpColumns = new Uint8Array(0x10000);

function bmpColumnsOf(code: number): number {
  let known = bmpColumns[code] as number;
  if (known === 0) {
    known = columnsOfCodePoint(code) + 1;
    bmpColumns[code] = known;
  }
  return known - 1;
}

/**
 * Cuts text at `max` columns: the number of UTF-16 units to keep and the
 * columns of the whole text (counted to the end, so one pass gives both).
 * Code points, not grapheme clusters: Intl.Segmenter is several times slower,
 * too slow for a table of 100,000 rows. A mark or skin tone joins the
 * character before it with 0 columns, a pair of regional indicators is one
 * 2-column flag; emoji joined by U+200D never get here (printable() replaces
 * the joiner).
 */
function measure(text: string, max: number): { keep: number; columns: number } {
  let columns = 0;
  let keep = text.length;
  let openFlag = false;
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i) as number;
    const regional = code >= REGIONAL_INDICATOR_A && code <= REGIONAL_INDICATOR_Z;
    if (regional) columns += openFlag ? 0 : 2;
    else columns += code <= 0xffff ? bmpColumnsOf(code) : columnsOfCodePoint(code);
    openFlag = regional && !openFlag;
    if (columns > max && keep === text.length) keep = i;
    i += code > 0xffff ? 2 : 1;
  }
  return { keep, columns };
}

/**
 * Terminal columns of printable text: two for East Asian wide characters and
 * emoji, none for combining marks, one otherwise.
 * @example displayWidth("漢字") // 4
 */
export function displayWidth(text: string): number {
  return PLAIN.test(text) ? text.length : measure(text, Number.POSITIVE_INFINITY).columns;
}

/**
 * Cuts printable text to `max` columns, ending in "..." when cut; never splits
 * a surrogate pair, and keeps a letter with its accents.
 * @example truncate("production-admin-role", 12) // "productio..."
 */
export function truncate(text: string, max: number): string {
  if (PLAIN.test(text)) return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
  const { keep, columns } = measure(text, max - 3);
  return columns <= max ? text : `${text.slice(0, keep)}...`;
}

/** Printable text padded with spaces to `columns` terminal columns. */
export function padToWidth(text: string, columns: number): string {
  const missing = columns - displayWidth(text);
  return missing > 0 ? text + " ".repeat(missing) : text;
}
