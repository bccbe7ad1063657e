/** Output text: a string, or UTF-8 bytes. */
export type Text = string | Uint8Array;

/** A sink for output; `write` may return a promise to apply back-pressure. */
export interface Writer {
  write(chunk: Text): void | Promise<void>;
}

const CHUNK_BYTES = 64 * 1024;
// The most UTF-8 bytes one UTF-16 code unit becomes (a surrogate pair: 4 bytes for 2 units).
const MAX_UTF8_PER_UNIT = 3;

/**
 * Gathers small pieces into 64 KiB chunks of UTF-8 and hands each to a Writer.
 * Pieces are copied (strings encoded, once) into one reused buffer, so writing a long export makes
 * almost no garbage; a chunk never splits a piece (unless the piece alone is
 * larger than a chunk), so every chunk is whole UTF-8.
 */
export class ChunkedWriter {
  readonly #out: Writer;
  readonly #buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #used = 0;

  constructor(out: Writer) {
    this.#out = out;
  }

  /**
   * Adds a piece: undefined when it went straight into the buffer (a long
   * export makes no promise per row), else a promise to wait for before the
   * next piece (a chunk may be written first).
   */
  add(piece: Text): Promise<void> | undefined {
    if (typeof piece === "string") {
      // Encoded straight into the buffer where it surely fits (UTF-8 takes at
      // most 3 bytes per UTF-16 unit): one pass, no measuring first.
      if (this.#used + piece.length * MAX_UTF8_PER_UNIT <= CHUNK_BYTES) {
        this.#used += this.#buffer.write(piece, this.#used, "utf8");
        return undefined;
      }
    } else if (this.#used + piece.length <= CHUNK_BYTES) {
      this.#buffer.set(piece, this.#used);
      this.#used += piece.length;
      return undefined;
    }
    return this.#addAfterFlush(piece);
  }

  async #addAfterFlush(piece: Text): Promise<void> {
    const bytes = typeof piece === "string" ? Buffer.byteLength(piece) : piece.length;
    if (this.#used + bytes > CHUNK_BYTES) await this.flush();
    if (bytes > CHUNK_BYTES) {
      await this.#out.write(piece);
      return;
    }
    if (typeof piece === "string") this.#buffer.write(piece, this.#used, "utf8");
    else this.#buffer.set(piece, this.#used);
    this.#used += bytes;
  }

  /**
   * Adds every piece in order. Pieces all at hand (an Iterable, as the sorted
   * rows are) are taken without a promise or an iterator result per piece,
   * which `for await` would make for each.
   */
  async addAll(pieces: Iterable<Text> | AsyncIterable<Text>): Promise<void> {
    if (Symbol.asyncIterator in pieces) {
      for await (const piece of pieces) await this.add(piece);
      return;
    }
    for (const piece of pieces) {
      const waiting = this.add(piece);
      if (waiting !== undefined) await waiting;
    }
  }

  async flush(): Promise<void> {
    if (this.#used === 0) return;
    // A copy: the buffer is reused for the next chunk while this one may still be queued.
    const chunk = Buffer.from(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
    await this.#out.write(chunk);
  }
}
