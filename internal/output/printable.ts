// C0/C1 controls and bidi overrides could move the cursor or reorder a terminal line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to show on a terminal: control and bidi characters become "?".
 * @example printable("a\u001b[31mb") // "a?[31mb"
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, "?");
}

/**
 * Cuts text to `max` characters, ending in "..." when cut.
 * @example truncate("production-admin-role", 12) // "productio..."
 */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
