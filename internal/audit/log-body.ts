import { createHash } from "node:crypto";
import type { ReadRecord } from "./event.ts";
import { type GunzipResult, gunzipMembers } from "./gzip-members.ts";
import { fileError, recordsOfText, splitRecords } from "./log-files.ts";

/**
 * Bodies whose text is at most this many characters are parsed whole, as a
 * folder's small files are (one JSON.parse instead of a split per record);
 * larger ones are split as they stream. A reader holds at most one such text,
 * so the bound times --s3-concurrency bounds what the readers hold.
 */
const WHOLE_BODY_TEXT_MAX_CHARS = 256 << 10;

/** What reading a log file's body showed about its bytes, for validation (SPEC §11.2). */
export type LogContent = {
  /** Hex SHA-256 of the whole uncompressed content (every gzip member, in order). */
  sha256: string;
  /** Bytes after the last gzip member (0 for plain `.json`). */
  trailingBytes: number;
};

/**
 * The records of one log file's body as it streams: gunzipped (`gzip`), hashed
 * and split record by record, so memory is a chunk and its records. `content`
 * is filled in once the last record has been yielded. A body that is not gzip
 * or not `{"Records": [...]}` fails with a SentinelError naming `name`.
 */
export async function* recordsOfBody(
  body: AsyncIterable<Uint8Array>,
  name: string,
  gzip: boolean,
  content: LogContent,
  onBytes?: (compressedBytes: number) => void,
): AsyncIterable<ReadRecord> {
  const hash = createHash("sha256");
  const gunzip: GunzipResult = { members: 0, trailingBytes: 0 };
  const counted = onBytes === undefined ? body : countBytes(body, onBytes);
  const raw = gzip ? gunzipMembers(counted, gunzip) : counted;
  try {
    yield* recordsOfStream(decodeHashing(raw, hash), name);
  } catch (error) {
    throw fileError(name, gzip, error);
  }
  content.sha256 = hash.digest("hex");
  content.trailingBytes = gunzip.trailingBytes;
}

/** The records of a body's text: whole when it ends within WHOLE_BODY_TEXT_MAX_CHARS, else split as it streams. */
async function* recordsOfStream(texts: AsyncIterable<string>, name: string): AsyncIterable<ReadRecord> {
  const iterator = texts[Symbol.asyncIterator]();
  const head: string[] = [];
  let chars = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) {
      yield* recordsOfText(head.join(""), name, true);
      return;
    }
    head.push(next.value);
    chars += next.value.length;
    if (chars > WHOLE_BODY_TEXT_MAX_CHARS) break;
  }
  async function* rest(): AsyncIterable<string> {
    yield* head;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  yield* splitRecords(rest(), name, true);
}

async function* countBytes(body: AsyncIterable<Uint8Array>, onBytes: (n: number) => void): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/** UTF-8 text of the chunks (a character split across chunks is joined), hashing the bytes on the way. */
async function* decodeHashing(
  chunks: AsyncIterable<Uint8Array>,
  hash: ReturnType<typeof createHash>,
): AsyncIterable<string> {
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of chunks) {
    hash.update(chunk);
    const text = decoder.decode(chunk, { stream: true });
    if (text !== "") yield text;
  }
  const rest = decoder.decode();
  if (rest !== "") yield rest;
}
