import { SentinelError } from "../aws/errors.ts";
import { S3_CONCURRENCY } from "../aws/s3-limits.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";
import type { ReadRecord } from "./event.ts";
import { type LogContent, recordsOfBody } from "./log-body.ts";
import type { EventSource } from "./source.ts";
import { MissingObject, type TrailBucket } from "./trail-bucket.ts";
import {
  baseName,
  dayFolders,
  folderKind,
  folderName,
  inDeliveryOrder,
  logDeliveryRange,
  logsRoot,
  parseLogFileName,
  placeLogFile,
} from "./trail-layout.ts";

/** The margin after `until` in which files are still delivered (SPEC §11.1, --delivery-lag). */
export const DEFAULT_DELIVERY_LAG_SECONDS = 3600;
/** GetObject requests at once (--s3-concurrency). */
export const DEFAULT_S3_CONCURRENCY = S3_CONCURRENCY.default;
/** Records handed over at a time from a file being read. */
const BATCH_RECORDS = 500;
/** Files a reader may be ahead of the one whose records are being handed over (times --s3-concurrency). */
const FILES_AHEAD_PER_READER = 2;
/** Compressed bytes of log files fetched ahead of the file being parsed, at most. */
const PREFETCH_BYTES = 32 << 20;
/** Unfitting names spelled out in the note; the rest are counted. */
const NOTE_NAMES = 5;

/** One account's folder in one region: `ROOT/CloudTrail/REGION/` holds its logs. */
export type TrailFolder = {
  /** `PREFIX/AWSLogs/[o-ORG/]ACCOUNT/` */
  accountRoot: string;
  account: string;
  region: string;
};

/** A log file that was read whole. */
export type ReadLogFile = LogContent & {
  key: string /** From its name; undefined when the name does not fit. */;
  deliveredSec?: number;
};

/** What a run listed and read, for validation. */
export type BucketInventory = {
  /** Account folders kept (after --account). */
  accountRoots: { accountRoot: string; account: string }[];
  trails: TrailFolder[];
  /** Every day folder listed (whole prefixes), and every key met in them. */
  listedDayFolders: Set<string>;
  listedKeys: Set<string>;
  /** Every log file read, by key. */
  files: Map<string, ReadLogFile>;
};

export type BucketProgress = { files: number; filesListed: number; bytes: number; bytesListed: number };

export type BucketLogsOptions = {
  /** The trail's S3 key prefix ("" when none). */
  prefix: string;
  /** --account: keep only these (empty or absent: every account found). */
  accounts?: readonly string[];
  /** --trail-region: keep only these (empty or absent: every region found). */
  regions?: readonly string[];
  deliveryLagSeconds?: number;
  /** The time of the run: no day folder later than the day after it is listed. */
  now?: Date;
  /**
   * --validate-logs: an account or region whose log folders are gone while its
   * digest folder remains is read as holding no logs, not taken for a wrong
   * --account, --trail-region or prefix; the digests then name the files deleted.
   */
  validating?: boolean;
  /** At most this many GetObject bodies being read at once (and List requests at once). */
  concurrency?: number;
  onProgress?: (progress: BucketProgress) => void;
  /** One `note:` line's text (without "note: "). */
  onNote?: (text: string) => void;
  onDebug?: (line: string) => void;
};

type Listed = { key: string; size: number; deliveredSec?: number };

/**
 * CloudTrail log files straight from the trail's bucket (`--cloudtrail-s3`,
 * SPEC §11.1): accounts, organizations and regions found by listing, only the
 * day folders and files of the delivery range fetched, at most `concurrency`
 * bodies at once, each decompressed, hashed and split as it streams.
 * Duplicates by eventID are removed by the audit, across every source.
 */
export class BucketLogsSource implements EventSource {
  readonly label: string;
  readonly inventory: BucketInventory = {
    accountRoots: [],
    trails: [],
    listedDayFolders: new Set(),
    listedKeys: new Set(),
    files: new Map(),
  };
  readonly #bucket: TrailBucket;
  readonly #options: BucketLogsOptions;
  readonly #concurrency: number;

  constructor(bucket: TrailBucket, options: BucketLogsOptions) {
    this.#bucket = bucket;
    this.#options = options;
    this.#concurrency = options.concurrency ?? DEFAULT_S3_CONCURRENCY;
    this.label = `CloudTrail logs in ${bucket.label(logsRoot(options.prefix))}`;
  }

  async *read(window: TimeWindow, signal?: AbortSignal): AsyncIterable<ReadRecord> {
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const trails = await this.#discover(stop.signal);
      const files = await this.#list(trails, window, stop.signal);
      yield* this.#readAll(files, stop.signal);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      stop.abort();
    }
  }

  /** Account folders (also below organization folders), then their regions. */
  async #discover(signal: AbortSignal): Promise<TrailFolder[]> {
    const bucket = this.#bucket;
    const root = logsRoot(this.#options.prefix);
    const wanted = (list: readonly string[] | undefined, value: string) =>
      list === undefined || list.length === 0 || list.includes(value);
    const accountRoots: { accountRoot: string; account: string }[] = [];
    for (const folder of await this.#listFolders(root, signal)) {
      const kind = folderKind(folderName(folder));
      if (kind === "account") accountRoots.push({ accountRoot: folder, account: folderName(folder) });
      else if (kind === "organization") {
        for (const inner of await this.#listFolders(folder, signal)) {
          if (folderKind(folderName(inner)) === "account") {
            accountRoots.push({ accountRoot: inner, account: folderName(inner) });
          }
        }
      }
    }
    const kept = accountRoots.filter((a) => wanted(this.#options.accounts, a.account));
    // An account asked for by name and not found would leave the audit short of its logs.
    const absentAccounts = [...new Set(this.#options.accounts ?? [])].filter((a) => !kept.some((k) => k.account === a));
    if (kept.length === 0 || absentAccounts.length > 0) {
      const which = absentAccounts.length > 0 ? ` for account ${absentAccounts.join(", ")}` : "";
      throw new SentinelError(
        `no CloudTrail logs found${which} below ${bucket.label(root)}: check the bucket and prefix of --cloudtrail-s3${which ? " and --account" : ""}`,
      );
    }
    this.inventory.accountRoots = kept;
    const perAccount = await mapLimited(kept, this.#concurrency, async ({ accountRoot, account }) =>
      (await this.#listFolders(`${accountRoot}CloudTrail/`, signal))
        .map(folderName)
        .filter((region) => wanted(this.#options.regions, region))
        .map((region) => ({ accountRoot, account, region })),
    );
    const trails = perAccount.flat();
    const askedAccounts = [...new Set(this.#options.accounts ?? [])];
    const askedRegions = [...new Set(this.#options.regions ?? [])];
    const missing =
      trails.length === 0 ||
      askedAccounts.some((a) => !trails.some((t) => t.account === a)) ||
      askedRegions.some((r) => !trails.some((t) => t.region === r));
    // With --validate-logs, a digest folder where the logs are gone (all deleted) answers for them.
    const digestTrails =
      missing && this.#options.validating === true
        ? (
            await mapLimited(kept, this.#concurrency, async ({ accountRoot, account }) =>
              (
                await this.#listFolders(`${accountRoot}CloudTrail-Digest/`, signal)
              )
                .map(folderName)
                .filter((region) => wanted(this.#options.regions, region))
                .map((region) => ({ account, region })),
            )
          ).flat()
        : [];
    const held = [...trails, ...digestTrails];
    // An account asked for whose folder holds no CloudTrail logs (of the regions asked for) gives none either.
    const emptyAccounts = askedAccounts.filter((a) => !held.some((t) => t.account === a));
    if (emptyAccounts.length > 0) {
      const where = askedRegions.length > 0 ? ` in region ${askedRegions.join(", ")}` : "";
      throw new SentinelError(
        `no CloudTrail log folders found${where} for account ${emptyAccounts.join(", ")} below ${bucket.label(root)}: check --account${where ? " and --trail-region" : ""}`,
      );
    }
    const absentRegions = askedRegions.filter((r) => !held.some((t) => t.region === r));
    if (held.length === 0 || absentRegions.length > 0) {
      const which = absentRegions.length > 0 ? ` in region ${absentRegions.join(", ")}` : "";
      throw new SentinelError(
        `no CloudTrail log folders found${which} below ${bucket.label(root)}: check --cloudtrail-s3${which ? " and --trail-region" : ""}`,
      );
    }
    this.inventory.trails = trails;
    return trails;
  }

  async #listFolders(prefix: string, signal: AbortSignal): Promise<string[]> {
    this.#options.onDebug?.(`list ${this.#bucket.label(prefix)} (folders)`);
    return this.#bucket.listFolders(prefix, signal);
  }

  /** One listing per trail folder and day of the delivery range; the files whose names place them inside it. */
  async #list(trails: TrailFolder[], window: TimeWindow, signal: AbortSignal): Promise<Listed[]> {
    const now = this.#options.now;
    const range = logDeliveryRange(
      window,
      this.#options.deliveryLagSeconds ?? DEFAULT_DELIVERY_LAG_SECONDS,
      now === undefined ? undefined : Math.floor(now.getTime() / 1000),
    );
    const prefixes = trails.flatMap((t) =>
      dayFolders(range).map((day) => `${t.accountRoot}CloudTrail/${t.region}/${day}`),
    );
    const listings = await mapLimited(prefixes, this.#concurrency, async (prefix) => {
      this.#options.onDebug?.(`list ${this.#bucket.label(prefix)}`);
      const objects = await this.#bucket.listFiles(prefix, undefined, signal);
      this.inventory.listedDayFolders.add(prefix);
      return objects;
    });
    const files: Listed[] = [];
    const unplaced: string[] = [];
    for (const object of listings.flat()) {
      this.inventory.listedKeys.add(object.key);
      if (object.key.endsWith("/")) continue; // a folder marker, no file
      const name = baseName(object.key);
      const place = placeLogFile(name, range);
      if (place === "out") continue;
      if (place === "unplaced") unplaced.push(object.key);
      const parsed = parseLogFileName(name);
      files.push({ ...object, ...(parsed === undefined ? {} : { deliveredSec: parsed.deliveredSec }) });
    }
    if (unplaced.length > 0) {
      const shown = unplaced.slice(0, NOTE_NAMES).map((key) => this.#bucket.label(key));
      const more = unplaced.length > NOTE_NAMES ? ` and ${unplaced.length - NOTE_NAMES} more` : "";
      this.#options.onNote?.(
        `${unplaced.length === 1 ? "1 file" : `${unplaced.length} files`} in the trail's day folders ${unplaced.length === 1 ? "does" : "do"} not fit CloudTrail's log file names and ${unplaced.length === 1 ? "was" : "were"} read whatever ${unplaced.length === 1 ? "its" : "their"} delivery time: ${shown.join(", ")}${more}`,
      );
    }
    return inDeliveryOrder(files, (f) => f.key);
  }

  /**
   * Reads the files, at most `concurrency` at once, their records handed over
   * in delivery order (inDeliveryOrder). The next few files are parsed as they stream; past those,
   * readers fetch ahead while the consumer waits (on the table, say), keeping
   * the compressed bodies (at most PREFETCH_BYTES in all) to parse in turn.
   */
  async *#readAll(files: Listed[], signal: AbortSignal): AsyncIterable<ReadRecord> {
    const progress: BucketProgress = {
      files: 0,
      filesListed: files.length,
      bytes: 0,
      bytesListed: files.reduce((sum, f) => sum + f.size, 0),
    };
    this.#options.onProgress?.({ ...progress });
    const onBytes = (bytes: number) => {
      progress.bytes += bytes;
      this.#options.onProgress?.({ ...progress });
    };
    const fileDone = () => {
      progress.files++;
      this.#options.onProgress?.({ ...progress });
    };
    // Files are read `concurrency` at once, but their records come out in
    // delivery order, as a folder's do: which copy of an event two files hold is kept
    // (the first) does not depend on which answer arrived first. A file parsed
    // as it streams has a queue of a few batches; a reader ahead of the
    // consumer waits there.
    const queues = files.map(() => new BoundedQueue<ReadRecord[]>(2));
    const fetched: (Promise<Uint8Array[]> | undefined)[] = new Array(files.length);
    // Records are parsed only a few files ahead of the consumer: left to run,
    // readers held every record of the run while the consumer waited on the
    // table, and the heap grew with the bucket. Compressed bodies are a
    // twentieth of that: those are fetched further ahead, within a byte budget.
    const ahead = Math.max(2, this.#concurrency * FILES_AHEAD_PER_READER);
    let consuming = 0;
    let fetchedBytes = 0;
    let stopped = false;
    let waiting: (() => void)[] = [];
    const wakeReaders = () => {
      for (const wake of waiting) wake();
      waiting = [];
    };
    let next = 0;
    const worker = async () => {
      while (next < files.length && !signal.aborted && !stopped) {
        const file = files[next] as Listed;
        const near = next < consuming + ahead;
        if (!near && fetchedBytes + file.size > PREFETCH_BYTES) {
          await new Promise<void>((resolve) => waiting.push(resolve));
          continue;
        }
        const at = next++;
        if (near) {
          const queue = queues[at] as BoundedQueue<ReadRecord[]>;
          try {
            await this.#readFile(file, queue, signal, onBytes);
            queue.close();
          } catch (error) {
            queue.fail(error);
            throw error;
          }
          fileDone();
        } else {
          fetchedBytes += file.size;
          const body = this.#fetchFile(file, signal, onBytes);
          body.catch(() => {});
          fetched[at] = body;
          await body;
        }
      }
    };
    const workers = Array.from({ length: Math.min(this.#concurrency, files.length) }, worker);
    const reading = Promise.all(workers);
    reading.catch(() => {});
    try {
      for (const [at, queue] of queues.entries()) {
        consuming = at;
        wakeReaders();
        const body = fetched[at];
        if (body !== undefined) {
          const file = files[at] as Listed;
          const chunks = await body;
          fetchedBytes -= file.size;
          wakeReaders();
          let batch: ReadRecord[] = [];
          for await (const record of this.#records(file, fromChunks(chunks))) {
            batch.push(record);
            if (batch.length >= BATCH_RECORDS) {
              yield* batch;
              batch = [];
            }
          }
          yield* batch;
          fileDone();
          continue;
        }
        for (;;) {
          const batch = await queue.next();
          if (batch === undefined) break;
          yield* batch;
        }
      }
      await reading;
    } finally {
      // Readers waiting for room give up when the consumer stops early.
      stopped = true;
      wakeReaders();
      for (const queue of queues) queue.fail(new Error("stopped"));
    }
  }

  /** Parses a file as it streams, its records into `queue` in batches. */
  async #readFile(
    file: Listed,
    queue: BoundedQueue<ReadRecord[]>,
    signal: AbortSignal,
    onBytes: (n: number) => void,
  ): Promise<void> {
    let batch: ReadRecord[] = [];
    const body = await this.#open(file, signal);
    for await (const record of this.#records(file, countBytes(body, onBytes))) {
      batch.push(record);
      if (batch.length >= BATCH_RECORDS) {
        await queue.push(batch);
        batch = [];
      }
      if (signal.aborted) return;
    }
    if (batch.length > 0) await queue.push(batch);
  }

  /**
   * A file's compressed body, whole, to parse when its turn comes. Copied out:
   * a chunk can be a view of a larger network buffer, which it would keep alive.
   */
  async #fetchFile(file: Listed, signal: AbortSignal, onBytes: (n: number) => void): Promise<Uint8Array[]> {
    const chunks: Uint8Array[] = [];
    let length = 0;
    const body = await this.#open(file, signal);
    try {
      for await (const chunk of countBytes(body, onBytes)) {
        chunks.push(chunk);
        length += chunk.length;
      }
    } catch (error) {
      throw this.#missing(file, error);
    }
    const whole = new Uint8Array(length);
    let at = 0;
    for (const chunk of chunks) {
      whole.set(chunk, at);
      at += chunk.length;
    }
    return [whole];
  }

  async #open(file: Listed, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    try {
      return (await this.#bucket.open(file.key, signal)).body;
    } catch (error) {
      throw this.#missing(file, error);
    }
  }

  /** Log files read to their end so far (each once), for the manifest. */
  get filesRead(): number {
    return this.inventory.files.size;
  }

  #missing(file: Listed, error: unknown): unknown {
    if (!(error instanceof MissingObject)) return error;
    return new SentinelError(
      `CloudTrail log file ${this.#bucket.label(file.key)} was deleted while the audit read the bucket: run it again`,
    );
  }

  /** A body's records (gunzipped, hashed, split); once they are all read, the file goes into the inventory. */
  async *#records(file: Listed, body: AsyncIterable<Uint8Array>): AsyncIterable<ReadRecord> {
    const label = this.#bucket.label(file.key);
    const content: LogContent = { sha256: "", trailingBytes: 0 };
    try {
      yield* recordsOfBody(body, label, file.key.endsWith(".gz"), content);
    } catch (error) {
      throw this.#missing(file, error);
    }
    this.inventory.files.set(file.key, {
      key: file.key,
      ...content,
      ...(file.deliveredSec === undefined ? {} : { deliveredSec: file.deliveredSec }),
    });
  }
}

async function* fromChunks(chunks: readonly Uint8Array[]): AsyncIterable<Uint8Array> {
  yield* chunks;
}

async function* countBytes(body: AsyncIterable<Uint8Array>, onBytes: (n: number) => void): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/** `fn` over every item, at most `limit` at once, results in the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const at = next++;
      try {
        results[at] = await fn(items[at] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Batches from the readers to the one consumer; a reader waits while `limit` batches are waiting. */
class BoundedQueue<T> {
  readonly #items: T[] = [];
  readonly #limit: number;
  #closed = false;
  #failed = false;
  #error: unknown;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducers: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  async push(item: T): Promise<void> {
    while (this.#items.length >= this.#limit && !this.#failed) {
      await new Promise<void>((resolve) => this.#wakeProducers.push(resolve));
    }
    this.#items.push(item);
    this.#wakeConsumer?.();
  }

  close(): void {
    this.#closed = true;
    this.#wakeConsumer?.();
  }

  fail(error: unknown): void {
    if (!this.#failed) {
      this.#failed = true;
      this.#error = error;
    }
    this.#wakeConsumer?.();
    for (const wake of this.#wakeProducers.splice(0)) wake();
  }

  async next(): Promise<T | undefined> {
    for (;;) {
      if (this.#failed) throw this.#error;
      const item = this.#items.shift();
      if (item !== undefined) {
        this.#wakeProducers.shift()?.();
        return item;
      }
      if (this.#closed) return undefined;
      await new Promise<void>((resolve) => {
        this.#wakeConsumer = resolve;
      });
      this.#wakeConsumer = undefined;
    }
  }
}
