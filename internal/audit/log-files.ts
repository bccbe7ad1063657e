import { createReadStream } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { SentinelError, UsageError } from "../aws/errors.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";
import { type ReadRecord, readRecordText } from "./event.ts";
import { NotRecordsJson, RecordsSplitter } from "./records-splitter.ts";
import type { EventSource } from "./source.ts";

const LOG_FILE = /\.json(\.gz)?$/;

/**
 * Every `*.json` and `*.json.gz` file below `dir`, sorted, so runs read in the
 * same order. Symbolic links are followed (a synced or assembled trail folder
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
  return found.sort();
}

/**
 * CloudTrail log files as a trail writes them to S3 (`--cloudtrail-logs DIR`,
 * e.g. after `aws s3 sync`): gzip or plain `{"Records": [...]}` files, read
 * as streams one file at a time, so memory does not grow with the directory.
 */
export class LogFilesSource implements EventSource {
  readonly label: string;
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
    this.label = `CloudTrail log files under ${dir}`;
  }

  /** A usage error when DIR is not a readable directory. */
  async check(): Promise<void> {
    const info = await stat(this.#dir).catch(() => undefined);
    if (info === undefined || !info.isDirectory()) {
      throw new UsageError(
        `--cloudtrail-logs ${JSON.stringify(this.#dir)} is not a directory: give the folder holding the trail's log files`,
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
        `cannot list CloudTrail log files under ${JSON.stringify(this.#dir)}: ${(error as Error).message}; check its permissions`,
      );
    }
    for (const file of files) {
      signal?.throwIfAborted();
      yield* this.#readFile(file);
    }
  }

  async *#readFile(file: string): AsyncIterable<ReadRecord> {
    const name = relative(this.#dir, file);
    const gzip = file.endsWith(".gz");
    const raw = createReadStream(file);
    const stream: Readable = gzip ? raw.pipe(createGunzip()) : raw;
    raw.on("error", (error) => stream.destroy(error));
    stream.setEncoding("utf8");
    const splitter = new RecordsSplitter();
    let index = 0;
    const batch: string[] = [];
    try {
      for await (const chunk of stream) {
        splitter.push(chunk as string, (json) => batch.push(json));
        for (const json of batch) yield readRecordText(json, `${name} record ${++index}`);
        batch.length = 0;
      }
      splitter.end();
    } catch (error) {
      raw.destroy();
      throw fileError(name, gzip, error);
    }
  }
}

function fileError(name: string, gzip: boolean, error: unknown): Error {
  const q = JSON.stringify(name);
  if (error instanceof NotRecordsJson) {
    return new SentinelError(
      `CloudTrail log file ${q} is not a {"Records": [...]} JSON file (${error.message}): remove it or fetch it again`,
    );
  }
  const e = error as NodeJS.ErrnoException;
  if (gzip && (e.code === "Z_DATA_ERROR" || e.code === "Z_BUF_ERROR" || e.errno === -3)) {
    return new SentinelError(`CloudTrail log file ${q} is not valid gzip data: remove it or fetch it again`);
  }
  if (e.code === "EACCES" || e.code === "EPERM") {
    return new SentinelError(`cannot read CloudTrail log file ${q} (${e.code}): check its permissions`);
  }
  return new SentinelError(`cannot read CloudTrail log file ${q}: ${e.code ?? e.message}: remove it or fetch it again`);
}
