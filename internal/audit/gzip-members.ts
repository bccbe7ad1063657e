// Gzip (RFC 1952) read member by member as it streams: zlib inflates each
// member's deflate data; the framing around it (header, CRC-32 and length
// trailer) is read here, so that the end of the last member is known exactly
// and bytes after it are counted instead of ignored or taken for corruption
// (a log file with bytes appended has been modified; SPEC §11.2).
import { crc32, createInflateRaw } from "node:zlib";

/** The data is not gzip, or ends inside a member. `code` is zlib's, so callers name it as zlib's own errors. */
export class GzipError extends Error {
  override name = "GzipError";
  readonly code = "Z_DATA_ERROR";
}

/** Filled in when the stream ends: bytes that followed the last member. */
export type GunzipResult = { members: number; trailingBytes: number };

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const EMPTY = Buffer.alloc(0);

/** Bytes of an async stream, taken as needed, with unread bytes put back. */
class ByteReader {
  readonly #chunks: AsyncIterator<Uint8Array>;
  #buffer: Buffer = EMPTY;
  #ended = false;

  constructor(input: AsyncIterable<Uint8Array>) {
    this.#chunks = input[Symbol.asyncIterator]();
  }

  get buffered(): Buffer {
    return this.#buffer;
  }

  /** Reads until at least `n` bytes are buffered; false when the stream ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.#buffer.length < n) {
      const chunk = await this.#pull();
      if (chunk === undefined) return false;
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    }
    return true;
  }

  take(n: number): Buffer {
    const taken = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return taken;
  }

  /** The buffered bytes, or else the next chunk; undefined at the end. */
  async next(): Promise<Buffer | undefined> {
    if (this.#buffer.length > 0) return this.take(this.#buffer.length);
    return this.#pull();
  }

  unshift(bytes: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? bytes : Buffer.concat([bytes, this.#buffer]);
  }

  async #pull(): Promise<Buffer | undefined> {
    if (this.#ended) return undefined;
    for (;;) {
      const { value, done } = await this.#chunks.next();
      if (done) {
        this.#ended = true;
        return undefined;
      }
      if (value.length > 0) return Buffer.from(value.buffer, value.byteOffset, value.length);
    }
  }

  /** Stops the source stream early (e.g. the consumer gave up). */
  async cancel(): Promise<void> {
    await this.#chunks.return?.();
  }
}

/** Skips a zero-terminated header field; false when the data ends inside it. */
async function skipZeroTerminated(reader: ByteReader): Promise<boolean> {
  for (;;) {
    const zero = reader.buffered.indexOf(0);
    if (zero !== -1) {
      reader.take(zero + 1);
      return true;
    }
    if (!(await reader.fill(reader.buffered.length + 1))) return false;
  }
}

/** Reads one member header; "end" when no bytes are left, "not-gzip" when what follows is no complete header. */
async function readHeader(reader: ByteReader): Promise<"member" | "end" | "not-gzip"> {
  if (!(await reader.fill(1))) return "end";
  if (!(await reader.fill(10))) return "not-gzip";
  const head = reader.buffered;
  if (head[0] !== 0x1f || head[1] !== 0x8b || head[2] !== 8 || ((head[3] as number) & 0xe0) !== 0) return "not-gzip";
  const flags = head[3] as number;
  reader.take(10);
  if (flags & FEXTRA) {
    if (!(await reader.fill(2))) return "not-gzip";
    const length = reader.take(2).readUInt16LE(0);
    if (!(await reader.fill(length))) return "not-gzip";
    reader.take(length);
  }
  if (flags & FNAME && !(await skipZeroTerminated(reader))) return "not-gzip";
  if (flags & FCOMMENT && !(await skipZeroTerminated(reader))) return "not-gzip";
  if (flags & FHCRC) {
    if (!(await reader.fill(2))) return "not-gzip";
    reader.take(2);
  }
  return "member";
}

/**
 * The uncompressed content of a gzip stream of one or more members, chunk by
 * chunk. Throws GzipError when the data does not start as gzip, a member is
 * cut short or its CRC-32 or length disagree; bytes after the last complete
 * member that do not begin another one end the content and are counted in
 * `result.trailingBytes`.
 * @example for await (const text of gunzipMembers(body, result)) …; result.trailingBytes // 0 for an intact file
 */
export async function* gunzipMembers(input: AsyncIterable<Uint8Array>, result: GunzipResult): AsyncIterable<Buffer> {
  const reader = new ByteReader(input);
  result.members = 0;
  result.trailingBytes = 0;
  try {
    for (;;) {
      const header = await readHeader(reader);
      if (header === "end") {
        if (result.members === 0) throw new GzipError("empty gzip data");
        return;
      }
      if (header === "not-gzip") {
        if (result.members === 0) throw new GzipError("incorrect gzip header");
        // What follows the last member is counted, not parsed.
        let trailing = reader.buffered.length;
        reader.take(trailing);
        for (let chunk = await reader.next(); chunk !== undefined; chunk = await reader.next())
          trailing += chunk.length;
        result.trailingBytes = trailing;
        return;
      }
      let crc = 0;
      let length = 0;
      for await (const piece of inflateMember(reader)) {
        crc = crc32(piece, crc);
        length += piece.length;
        yield piece;
      }
      if (!(await reader.fill(8))) throw new GzipError("unexpected end of gzip data");
      const trailer = reader.take(8);
      if (trailer.readUInt32LE(0) !== crc >>> 0 || trailer.readUInt32LE(4) !== length % 2 ** 32) {
        throw new GzipError("gzip CRC-32 or length does not match the data");
      }
      result.members++;
    }
  } finally {
    await reader.cancel();
  }
}

/** Inflates one member's deflate data from the reader, leaving the bytes after it unread. */
async function* inflateMember(reader: ByteReader): AsyncIterable<Buffer> {
  const inflater = createInflateRaw();
  const out: Buffer[] = [];
  const state: { failure?: Error; written?: () => void } = {};
  inflater.on("data", (piece: Buffer) => out.push(piece));
  inflater.on("error", (error) => {
    state.failure ??= error;
    // A write that failed may never call back.
    state.written?.();
  });
  // A function, not the field: the field's narrowing would outlive the awaits that change it.
  const check = () => {
    if (state.failure !== undefined) throw new GzipError(`invalid deflate data (${state.failure.message})`);
  };
  const ended = new Promise<void>((resolve) => {
    inflater.once("end", resolve);
    inflater.once("error", () => resolve());
  });
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve) => {
      state.written = resolve;
      inflater.write(chunk, () => resolve());
    });
  let fed = 0;
  try {
    for (;;) {
      const chunk = await reader.next();
      if (chunk === undefined) throw new GzipError("unexpected end of gzip data");
      fed += chunk.length;
      await write(chunk);
      check();
      // zlib takes no input past the end of the deflate data: what it left is the trailer and beyond.
      const unread = fed - inflater.bytesWritten;
      if (unread > 0) {
        reader.unshift(chunk.subarray(chunk.length - unread));
        break;
      }
      if (out.length > 0) yield* out.splice(0);
    }
    inflater.end();
    await ended;
    check();
    yield* out.splice(0);
  } finally {
    inflater.destroy();
  }
}
