import type { Instant } from "../timefilter/instant.ts";
import { compareListingKeys } from "./newest-first.ts";
import type { Session } from "./session.ts";
import type { SessionCollector } from "./store.ts";

const CHUNK_BYTES = 4 * 1024 * 1024;
const INITIAL_ROWS = 1024;
// The most UTF-8 bytes one UTF-16 code unit becomes (a surrogate pair: 4 bytes for 2 units).
const MAX_UTF8_PER_UNIT = 3;

function grown<T extends Float64Array | Uint32Array>(array: T, make: (length: number) => T): T {
  const bigger = make(array.length * 2);
  bigger.set(array);
  return bigger;
}

/**
 * Every matching session (`--limit 0`) as its text row, ordered newest first
 * when read back. Rows live as UTF-8 bytes in 4 MiB chunks and sort keys in
 * typed arrays, outside the garbage-collected heap: a long export costs about
 * its output's bytes plus 24 bytes and an id per row, and the heap does not
 * grow with the table.
 */
export class CompactNewestFirst implements SessionCollector {
  readonly limit = 0;
  readonly lastKeptAt: Instant | undefined = undefined;
  readonly #toRow: (session: Session) => string | Uint8Array;
  readonly #chunks: Buffer[] = [Buffer.allocUnsafe(CHUNK_BYTES)];
  #used = 0; // bytes used in the last chunk
  #count = 0;
  #secs = new Float64Array(INITIAL_ROWS);
  #nanos = new Uint32Array(INITIAL_ROWS);
  // Where a row is: chunk index, byte offset in it, byte length.
  #chunkOf = new Uint32Array(INITIAL_ROWS);
  #startOf = new Uint32Array(INITIAL_ROWS);
  #lengthOf = new Uint32Array(INITIAL_ROWS);
  readonly #ids: string[] = [];

  constructor(toRow: (session: Session) => string | Uint8Array) {
    this.#toRow = toRow;
  }

  get offered(): number {
    return this.#count;
  }

  /** How many rows are kept. */
  get size(): number {
    return this.#count;
  }

  offer(session: Session): void {
    const row = this.#toRow(session);
    // A string is encoded straight into the arena, once: where it surely fits
    // (UTF-8 takes at most 3 bytes per UTF-16 unit), without measuring it first.
    const most = typeof row === "string" ? row.length * MAX_UTF8_PER_UNIT : row.length;
    let chunk = this.#chunks[this.#chunks.length - 1] as Buffer;
    if (this.#used + most > chunk.length) {
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, most));
      this.#chunks.push(chunk);
      this.#used = 0;
    }
    const n = this.#count;
    if (n === this.#secs.length) {
      this.#secs = grown(this.#secs, (l) => new Float64Array(l));
      this.#nanos = grown(this.#nanos, (l) => new Uint32Array(l));
      this.#chunkOf = grown(this.#chunkOf, (l) => new Uint32Array(l));
      this.#startOf = grown(this.#startOf, (l) => new Uint32Array(l));
      this.#lengthOf = grown(this.#lengthOf, (l) => new Uint32Array(l));
    }
    let bytes: number;
    if (typeof row === "string") bytes = chunk.write(row, this.#used, "utf8");
    else {
      chunk.set(row, this.#used);
      bytes = row.length;
    }
    this.#secs[n] = session.createdAt.sec;
    this.#nanos[n] = session.createdAt.nanos;
    this.#chunkOf[n] = this.#chunks.length - 1;
    this.#startOf[n] = this.#used;
    this.#lengthOf[n] = bytes;
    this.#ids.push(session.id);
    this.#used += bytes;
    this.#count++;
  }

  /** The rows newest first (ties by id), as views of their UTF-8 bytes. */
  *sorted(): Generator<Uint8Array> {
    const secs = this.#secs;
    const nanos = this.#nanos;
    const ids = this.#ids;
    const order = Array.from({ length: this.#count }, (_, i) => i);
    order.sort((a, b) =>
      compareListingKeys(
        secs[a] as number,
        nanos[a] as number,
        ids[a] as string,
        secs[b] as number,
        nanos[b] as number,
        ids[b] as string,
      ),
    );
    for (const i of order) {
      const start = this.#startOf[i] as number;
      yield (this.#chunks[this.#chunkOf[i] as number] as Buffer).subarray(start, start + (this.#lengthOf[i] as number));
    }
  }
}
