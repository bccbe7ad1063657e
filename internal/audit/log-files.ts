import { createReadStream } from "node:fs";
import { open, readdir, realpath, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip, gunzipSync } from "node:zlib";
import { InterruptedError, SentinelError, UsageError } from "../aws/errors.ts";
import { quotedPath } from "../aws/quoted-path.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";
import { type ReadRecord, readRecord, readRecordText } from "./event.ts";
import { NotRecordsJson, RecordsSplitter } from "./records-splitter.ts";
import type { EventSource } from "./source.ts";
import { inDeliveryOrder } from "./trail-layout.ts";

const LOG_FILE = /\.json(\.gz)?$/;
/**
 * Files up to this size on disk, whose text is at most WHOLE_TEXT_MAX_BYTES
 * and holds at most one object or array per MIN_BYTES_PER_NODE, are parsed
 * whole (a trail delivers a file every few minutes: most are far smaller);
 * the rest are split record by record, so memory stays bounded whatever the
 * file: a text of `{},{},…` parsed whole would take some 80 bytes a character.
 */
const WHOLE_FILE_MAX_BYTES = 1 << 20;
const WHOLE_TEXT_MAX_BYTES = 4 << 20;
/** An AssumeRole record is about 1 KB with a dozen objects and arrays. */
const MIN_BYTES_PER_NODE = 32;
/** Text fed to the splitter at a time when a whole file's text is split. */
const SPLIT_SLICE_CHARS = 64 << 10;
/** Output buffer of a whole-file gunzip: a typical file's text in one piece, not joined from 16 KiB ones. */
const GUNZIP_CHUNK_BYTES = 256 << 10;
/** A JSON escape that could spell a letter of a key (`\u0052` is "R"): such text takes the splitter. */
const LETTER_ESCAPE = /\\u00[4-7]/;

/**
 * Every `*.json` and `*.json.gz` file below `dir`, in delivery order (as a
 * trail bucket's are read), so runs read in the same order. Symbolic links are followed (a synced or assembled trail folder
 * may link its files in), each real folder is read once, so a link loop ends.
 */
async function logFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const seenFolders = new Set<string>();
  const walk = async (folder: string): Promise<void> => {
    const real = await realpath(folder);
    if (seenFolders.has(real)) return;
    seenFolders.add(real);
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const info = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
      if (info === undefined) continue; // a dangling link names nothing to read
      if (info.isDirectory()) await walk(path);
      else if (info.isFile() && LOG_FILE.test(entry.name)) found.push(path);
    }
  };
  await walk(dir);
  return inDeliveryOrder(found, (path) => path);
}

/**
 * CloudTrail log files as a trail writes them to S3 (`--cloudtrail-logs DIR`,
 * e.g. after `aws s3 sync`): gzip or plain `{"Records": [...]}` files, read
 * as streams one file at a time, so memory does not grow with the directory.
 */
export class LogFilesSource implements EventSource {
  readonly label: string;
  filesRead = 0;
  readonly #dir: string;
  readonly #onFile: ((filesRead: number, files: number) => void) | undefined;

  /** `onFile` hears how many of the listed files were read: once listed, then after each file. */
  constructor(dir: string, onFile?: (filesRead: number, files: number) => void) {
    this.#dir = dir;
    this.#onFile = onFile;
    this.label = `CloudTrail log files under ${dir}`;
  }

  /** A usage error when DIR is not a readable directory. */
  async check(): Promise<void> {
    const info = await stat(this.#dir).catch(() => undefined);
    if (info === undefined || !info.isDirectory()) {
      throw new UsageError(
        `--cloudtrail-logs ${quotedPath(this.#dir)} is not a directory: give the folder holding the trail's log files`,
      );
    }
  }

  async *read(_window: TimeWindow, signal?: AbortSignal): AsyncIterable<ReadRecord> {
    await this.check();
    let files: string[];
    try {
      files = await logFiles(this.#dir);
    } catch (error) {
      throw new SentinelError(
        `cannot list CloudTrail log files under ${quotedPath(this.#dir)}: ${(error as Error).message}; check its permissions`,
      );
    }
    this.#onFile?.(0, files.length);
    for (const [index, file] of files.entries()) {
      signal?.throwIfAborted();
      yield* this.#readFile(file);
      this.filesRead++;
      this.#onFile?.(index + 1, files.length);
    }
  }

  async *#readFile(file: string): AsyncIterable<ReadRecord> {
    const name = relative(this.#dir, file);
    const gzip = file.endsWith(".gz");
    const text = await readWhole(file, gzip).catch((error: unknown) => {
      throw fileError(name, gzip, error);
    });
    if (text === undefined) yield* this.#streamFile(file, name, gzip);
    else yield* recordsOfText(text, name);
  }

  async *#streamFile(file: string, name: string, gzip: boolean): AsyncIterable<ReadRecord> {
    const raw = createReadStream(file);
    const stream: Readable = gzip ? raw.pipe(createGunzip()) : raw;
    raw.on("error", (error) => stream.destroy(error));
    stream.setEncoding("utf8");
    try {
      yield* splitRecords(stream as AsyncIterable<string>, name);
    } catch (error) {
      raw.destroy();
      throw fileError(name, gzip, error);
    }
  }
}

/** The text of a small log file (gunzipped), or undefined when it is too large to hold whole. */
async function readWhole(file: string, gzip: boolean): Promise<string | undefined> {
  // Read through one handle, at most one byte past the bound: a file that grows
  // meanwhile (a sync still writing) is streamed, never read whole unbounded.
  const handle = await open(file, "r");
  let raw: Buffer;
  try {
    if ((await handle.stat()).size > WHOLE_FILE_MAX_BYTES) return undefined;
    const buffer = Buffer.allocUnsafe(WHOLE_FILE_MAX_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > WHOLE_FILE_MAX_BYTES) return undefined;
    }
    raw = buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
  if (!gzip) return raw.toString("utf8");
  try {
    return gunzipSync(raw, { maxOutputLength: WHOLE_TEXT_MAX_BYTES, chunkSize: GUNZIP_CHUNK_BYTES }).toString("utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return undefined;
    throw error;
  }
}

/**
 * The records of a whole file's text. One JSON.parse of the file is the fast
 * path; it is taken only when it must give what the splitter gives: exactly
 * one "Records" key (JSON.parse keeps the last of repeated keys, and an
 * escaped key could repeat it unseen). Anything else — not JSON, a broken
 * record, another shape — goes through the splitter, which names the problem.
 */
export async function* recordsOfText(text: string, name: string, requireRecords = false): AsyncIterable<ReadRecord> {
  const at = text.indexOf('"Records"');
  if (
    at !== -1 &&
    text.indexOf('"Records"', at + 1) === -1 &&
    !LETTER_ESCAPE.test(text) &&
    fewNodes(text, Math.floor(text.length / MIN_BYTES_PER_NODE))
  ) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      const records = (parsed as { Records?: unknown }).Records;
      if (Array.isArray(records)) {
        for (let i = 0; i < records.length; i++) yield readRecord(records[i], `${name} record ${i + 1}`);
        return;
      }
      if (!requireRecords) return;
    }
  }
  try {
    yield* splitRecords(slices(text, SPLIT_SLICE_CHARS), name, requireRecords);
  } catch (error) {
    throw fileError(name, false, error);
  }
}

function* slices(text: string, size: number): Iterable<string> {
  for (let from = 0; from < text.length; from += size) yield text.slice(from, from + size);
}

/**
 * The records of a file's text as it comes, chunk by chunk, split by
 * RecordsSplitter: memory is a chunk and its records. Throws NotRecordsJson
 * (or the chunks' own error) for the caller to name the file.
 */
export async function* splitRecords(
  chunks: AsyncIterable<string> | Iterable<string>,
  name: string,
  /** A log file read from the trail's bucket must hold `Records` (a folder may hold other JSON). */
  requireRecords = false,
): AsyncIterable<ReadRecord> {
  const splitter = new RecordsSplitter();
  const batch: string[] = [];
  let index = 0;
  for await (const chunk of chunks) {
    splitter.push(chunk, (json) => batch.push(json));
    for (const json of batch) yield readRecordText(json, `${name} record ${++index}`);
    batch.length = 0;
  }
  splitter.end();
  if (requireRecords && !splitter.sawRecords) throw new NotRecordsJson('no "Records" list');
}

/** True when `text` has at most `max` "{" and "[" in all (strings included: a bound, not a count of values). */
function fewNodes(text: string, max: number): boolean {
  let count = 0;
  for (const open of ["{", "["]) {
    for (let at = text.indexOf(open); at !== -1; at = text.indexOf(open, at + 1)) {
      if (++count > max) return false;
    }
  }
  return true;
}

export function fileError(name: string, gzip: boolean, error: unknown): Error {
  // Already one line naming the file and what to do (a read that broke off, an interrupt).
  if (error instanceof SentinelError || error instanceof InterruptedError) return error;
  const q = quotedPath(name);
  // An object in the trail's bucket is the record itself: keep it, find out what changed it.
  const todo = name.startsWith("s3://")
    ? "keep it and compare it with the bucket's earlier versions (--validate-logs tells which files CloudTrail delivered)"
    : "fetch it again from the trail's bucket";
  if (error instanceof NotRecordsJson) {
    return new SentinelError(
      `CloudTrail log file ${q} is not a {"Records": [...]} JSON file (${error.message}): ${todo}`,
    );
  }
  const e = error as NodeJS.ErrnoException;
  if (gzip && (e.code === "Z_DATA_ERROR" || e.code === "Z_BUF_ERROR" || e.errno === -3)) {
    return new SentinelError(`CloudTrail log file ${q} is not valid gzip data: ${todo}`);
  }
  if (e.code === "EACCES" || e.code === "EPERM") {
    return new SentinelError(`cannot read CloudTrail log file ${q} (${e.code}): check its permissions`);
  }
  return new SentinelError(`cannot read CloudTrail log file ${q}: ${e.code ?? e.message}: ${todo}`);
}
