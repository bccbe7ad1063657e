const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;

/** The position of `text` in `chunk` from `from` on, or the chunk's length when it does not occur. */
function indexOrEnd(chunk: string, text: string, from: number): number {
  const at = chunk.indexOf(text, from);
  return at === -1 ? chunk.length : at;
}

/**
 * A key as JSON means it: `"Rec\u006frds"` is the key "Records" (SPEC §9).
 * Text with a broken escape is kept as written; it names no key of the format.
 * @example keyText("\\u0052ecords") // "Records"
 */
function keyText(raw: string): string {
  if (!raw.includes("\\")) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** The text is not a JSON object, or ends before it closes. */
export class NotRecordsJson extends Error {
  override name = "NotRecordsJson";
}

/**
 * Splits the text of a CloudTrail log file, `{"Records": [ {...}, {...} ]}`,
 * into the JSON text of each element of `Records` as chunks arrive, so a file
 * never needs to be held whole: memory is one chunk plus one record. Only the
 * structure is followed here (strings, brackets); each element is parsed by
 * its reader. Keys are read as JSON means them, escapes and all (`"Rec\u006frds"`
 * is `Records`). An object without `Records` (e.g. a digest file) has no records.
 * @example const s = new RecordsSplitter(); s.push('{"Records":[{"a":1},', emit); s.push('{"b":"]"}]}', emit); s.end()
 *          // emit('{"a":1}'), emit('{"b":"]"}')
 */
export class RecordsSplitter {
  #depth = 0;
  #inString = false;
  #escaped = false;
  #started = false;
  /** The last string read at depth 1 (a key, when followed by ":"). */
  #lastKey = "";
  #keyParts: string[] | undefined;
  #afterColon = false;
  #inRecords = false;
  #sawRecords = false;
  /** Inside one element of Records; its text so far from earlier chunks. */
  #inElement = false;
  #elementParts: string[] = [];

  /** Feeds one chunk; `emit` gets the text of each element completed in it. */
  push(chunk: string, emit: (json: string) => void): void {
    let elementStart = this.#inElement ? 0 : -1;
    const finishElement = (endExclusive: number) => {
      const tail = chunk.slice(elementStart, endExclusive);
      const json = this.#elementParts.length === 0 ? tail : this.#elementParts.join("") + tail;
      this.#elementParts = [];
      this.#inElement = false;
      elementStart = -1;
      emit(json);
    };
    let keyStart = this.#keyParts === undefined ? -1 : 0;
    // Most of a record is string content: jump over it to the next quote or
    // backslash (found natively, each position looked up once a chunk).
    let nextQuote = -1;
    let nextBackslash = -1;
    for (let i = 0; i < chunk.length; i++) {
      if (this.#inString) {
        if (this.#escaped) {
          this.#escaped = false;
          continue;
        }
        if (nextQuote < i) nextQuote = indexOrEnd(chunk, '"', i);
        if (nextBackslash < i) nextBackslash = indexOrEnd(chunk, "\\", i);
        i = Math.min(nextQuote, nextBackslash);
        if (i === chunk.length) break;
        if (i === nextBackslash) this.#escaped = true;
        else {
          this.#inString = false;
          if (keyStart !== -1) {
            this.#lastKey = keyText((this.#keyParts ?? []).join("") + chunk.slice(keyStart, i));
            this.#keyParts = undefined;
            keyStart = -1;
          }
          // A string element (not a record, but its reader says so) ends with its quote.
          if (this.#inElement && this.#depth === 2) finishElement(i + 1);
        }
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (isSpace(c)) continue;
      if (!this.#started) {
        if (c !== OPEN_BRACE) throw new NotRecordsJson("not a JSON object");
        this.#started = true;
        this.#depth = 1;
        continue;
      }
      if (this.#depth === 0) throw new NotRecordsJson("text after the end of the JSON object");
      if (this.#inRecords && this.#depth === 2 && !this.#inElement) {
        if (c === COMMA) continue;
        if (c === CLOSE_BRACKET) {
          this.#inRecords = false;
          this.#depth = 1;
          continue;
        }
        this.#inElement = true;
        elementStart = i;
      }
      if (c === QUOTE) {
        this.#inString = true;
        if (this.#depth === 1) {
          keyStart = i + 1;
          this.#keyParts = [];
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.#depth === 1 && c === OPEN_BRACKET && this.#afterColon && this.#lastKey === "Records") {
          this.#inRecords = true;
          this.#sawRecords = true;
        }
        this.#depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.#inElement && this.#depth === 2) {
          // A number or literal as the last element ends at the array's close.
          finishElement(i);
          this.#inRecords = false;
        }
        this.#depth--;
        if (this.#inElement && this.#depth === 2) finishElement(i + 1);
      } else if (this.#inElement && this.#depth === 2 && c === COMMA) {
        // A number or literal element ends at the comma.
        finishElement(i);
      }
      this.#afterColon = c === COLON;
    }
    if (this.#inString && keyStart !== -1) this.#keyParts?.push(chunk.slice(keyStart));
    if (this.#inElement && elementStart !== -1) this.#elementParts.push(chunk.slice(elementStart));
  }

  /** Call after the last chunk: an unfinished object is an error. */
  /** True once the top-level `Records` list was met. */
  get sawRecords(): boolean {
    return this.#sawRecords;
  }

  end(): void {
    if (!this.#started) throw new NotRecordsJson("empty file");
    if (this.#depth !== 0 || this.#inString) throw new NotRecordsJson("the JSON ends before it is complete");
  }
}
