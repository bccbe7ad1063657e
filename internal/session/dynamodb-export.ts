// Sessions from a DynamoDB point-in-time export (SPEC §12), read like the
// table: for an export taken at T, a listing gives what the table gave at T.
// Each data file streams through MD5, gunzip, lines and JSON, and every item
// takes the table read's path: readItem, then `matches` or `couldMatch`.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { InterruptedError, SentinelError, UsageError } from "../aws/errors.ts";
import { isJsonObject } from "../aws/json-object.ts";
import type { S3Connection } from "../aws/s3-client.ts";
import { S3_CONCURRENCY } from "../aws/s3-limits.ts";
import { type DataFileEntry, type ExportSummary, readFileList, readSummary } from "./dynamodb-export-manifest.ts";
import {
  type ExportObjects,
  exportObjects,
  MissingExportFile,
  parseExportLocation,
} from "./dynamodb-export-objects.ts";
import { itemKey, itemLabel, malformedLabel, type RawItem, readItem } from "./item-schema.ts";
import { planListing, textRange } from "./listing-plan.ts";
import { type MalformedEntry, malformedEntry, reportedMalformed } from "./reported-malformed.ts";
import type { SessionFilter } from "./session.ts";
import { couldMatch, inReadRange, matches } from "./session-match.ts";
import type { FindEvents, FindProgress, FindResult, GetResult, SessionCollector, SessionStore } from "./store.ts";

/** Items between two progress reports and back-pressure waits (`afterPage`). */
const BATCH_ITEMS = 256;
/** The manifests are small; a larger one is not a manifest. */
const MANIFEST_MAX_BYTES = 64 * 1024 * 1024;

/** What the export's manifest records, for `--manifest` and messages. */
export type ExportFacts = {
  /** `s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID` or the folder's absolute path. */
  uri: string;
  exportArn: string;
  /** As manifest-summary.json writes it, e.g. "2026-02-10T00:00:00.000Z". */
  exportTime: string;
  itemCount: number;
  /** From `tableArn`. */
  table: string;
  region: string;
};

export type OpenExportOptions = {
  /** Connects to S3 when the export is in a bucket (not called for a folder). */
  s3: () => Promise<S3Connection>;
  /** Data files read at once, 1-64 (default 16). */
  concurrency?: number;
  signal?: AbortSignal;
};

/**
 * Opens the export at `location` (`--from-export`): reads and checks both
 * manifests. Refuses Ion and incremental exports, and a file list whose
 * counts do not add up to the summary's.
 */
export async function openDynamoDBExport(location: string, options: OpenExportOptions): Promise<DynamoDBExportStore> {
  const concurrency = options.concurrency ?? S3_CONCURRENCY.default;
  if (!Number.isInteger(concurrency) || concurrency < S3_CONCURRENCY.min || concurrency > S3_CONCURRENCY.max) {
    throw new UsageError(`--s3-concurrency must be a whole number from ${S3_CONCURRENCY.min} to ${S3_CONCURRENCY.max}`);
  }
  const objects = exportObjects(parseExportLocation(location), options.s3);
  const summaryText = await readManifest(objects, "manifest-summary.json", options.signal, true);
  const summary = readSummary(summaryText, objects.describe("manifest-summary.json"));
  const filesText = await readManifest(objects, "manifest-files.json", options.signal, false);
  const files = readFileList(filesText, objects.describe("manifest-files.json"), summary);
  return new DynamoDBExportStore(objects, summary, files, concurrency);
}

async function readManifest(
  objects: ExportObjects,
  name: string,
  signal: AbortSignal | undefined,
  first: boolean,
): Promise<string> {
  const pieces: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const piece of objects.bytes(name, signal)) {
      size += piece.length;
      if (size > MANIFEST_MAX_BYTES) {
        throw new SentinelError(`${objects.describe(name)} is larger than ${MANIFEST_MAX_BYTES} bytes: not a manifest`);
      }
      pieces.push(piece);
    }
  } catch (error) {
    if (error instanceof MissingExportFile) {
      throw new SentinelError(
        first
          ? `no DynamoDB export at ${objects.uri}: ${error.message}; give the export's folder (…/AWSDynamoDB/EXPORT_ID) or its manifest-summary.json`
          : `${error.message}: the export is incomplete; copy the whole export folder`,
        { cause: error },
      );
    }
    throw error;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(pieces));
  } catch {
    throw new SentinelError(`${objects.describe(name)} is not UTF-8 text: not a manifest; check the export`);
  }
}

/** Sessions in a DynamoDB export of a table of the SPEC §1 format. Makes no DynamoDB request. */
export class DynamoDBExportStore implements SessionStore {
  readonly facts: ExportFacts;
  readonly #objects: ExportObjects;
  readonly #files: readonly DataFileEntry[];
  readonly #concurrency: number;

  constructor(objects: ExportObjects, summary: ExportSummary, files: readonly DataFileEntry[], concurrency: number) {
    this.#objects = objects;
    this.#files = files;
    this.#concurrency = concurrency;
    this.facts = {
      uri: objects.uri,
      exportArn: summary.exportArn,
      exportTime: summary.exportTime,
      itemCount: summary.itemCount,
      table: summary.table,
      region: summary.region,
    };
  }

  async find(filter: SessionFilter, keep: SessionCollector, events: FindEvents = {}): Promise<FindResult> {
    // The table reads an index for an equality filter; an index holds no item
    // whose sort key `created_at` is missing or not a string, so the table never sees those.
    const viaIndex = planListing(filter).operation === "Query";
    const range = textRange(filter);
    const malformed = new Map<string, MalformedEntry>();
    let matched = 0;
    const itemsRead = await this.#readAll(events, (item, totals) => {
      if (viaIndex) {
        const created = item.created_at;
        if (!isJsonObject(created) || typeof created.S !== "string") return;
      }
      const reading = readItem(item);
      if ("problem" in reading) {
        const key = itemKey(item);
        if (!malformed.has(key) && inReadRange(item, range) && couldMatch(item, filter)) {
          malformed.set(key, malformedEntry(item, itemLabel(item), malformedLabel(item, reading.problem)));
        }
      } else if (matches(reading.session, filter)) {
        matched++;
        totals.matched++;
        keep.offer(reading.session);
      }
    });
    return { matched, complete: true, malformed: reportedMalformed(malformed.values(), keep), itemsRead };
  }

  /** Like GetItem on the key `id`; every data file is read and checked. */
  async get(id: string, events: FindEvents = {}): Promise<GetResult> {
    let found: RawItem | undefined;
    let copies = 0;
    await this.#readAll(events, (item) => {
      const key = item.id;
      if (isJsonObject(key) && key.S === id) {
        copies++;
        found ??= item;
      }
    });
    if (found === undefined) return { kind: "missing" };
    // A table holds one item per key, and an export each key in one data file: which
    // copy came first depends on the order the files were read in.
    if (copies > 1) {
      throw new SentinelError(
        `the export ${this.#objects.uri} holds session "${id}" ${copies} times: the export is damaged; take a new export`,
      );
    }
    const reading = readItem(found);
    return "session" in reading
      ? { kind: "found", session: reading.session }
      : { kind: "malformed", label: malformedLabel(found, reading.problem) };
  }

  /** Reads every data file, `#concurrency` at once, each item to `take`; the items read. */
  async #readAll(events: FindEvents, take: (item: RawItem, totals: FindProgress) => void): Promise<number> {
    // One failing file stops the others: the answer is an error either way.
    const stopAll = new AbortController();
    const passOn = () => stopAll.abort(events.signal?.reason);
    if (events.signal?.aborted) passOn();
    else events.signal?.addEventListener("abort", passOn, { once: true });
    const totals: FindProgress = { itemsRead: 0, matched: 0, pages: 0 };
    const onItem = (item: RawItem) => {
      totals.itemsRead++;
      take(item, totals);
    };
    const report = async () => {
      events.onProgress?.({ ...totals });
      await events.afterPage?.();
    };
    let next = 0;
    const worker = async () => {
      while (next < this.#files.length && !stopAll.signal.aborted) {
        const file = this.#files[next++] as DataFileEntry;
        await this.#readFile(file, onItem, report, stopAll.signal);
        totals.pages++;
        await report();
      }
    };
    const workers = Array.from({ length: Math.min(this.#concurrency, this.#files.length) }, () =>
      worker().catch((error) => {
        stopAll.abort(error);
        throw error;
      }),
    );
    try {
      const outcomes = await Promise.allSettled(workers);
      if (events.signal?.aborted) throw new InterruptedError("interrupted");
      // The first real failure, not the interruptions it caused in the other files.
      const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as unknown] : []));
      const first = failures.find((e) => !(e instanceof InterruptedError)) ?? failures[0];
      if (first !== undefined) throw first;
    } finally {
      events.signal?.removeEventListener("abort", passOn);
    }
    return totals.itemsRead;
  }

  /**
   * Streams one data file: bytes into MD5 as they arrive, gunzip (several
   * members allowed), lines, JSON; then checks the MD5 and the item count
   * against manifest-files.json. One line in memory at a time.
   */
  async #readFile(
    file: DataFileEntry,
    onItem: (item: RawItem) => void,
    report: () => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const label = this.#objects.describe(file.name);
    const hash = createHash("md5");
    let bytes = 0;
    const source = this.#objects.bytes(file.name, signal)[Symbol.asyncIterator]();
    let first: IteratorResult<Uint8Array>;
    try {
      first = await source.next();
    } catch (error) {
      throw error instanceof MissingExportFile
        ? new SentinelError(
            `export data file ${label} not found: the export is incomplete; copy the whole export folder`,
            {
              cause: error,
            },
          )
        : error;
    }
    let items = 0;
    if (!first.done) {
      const hashed = async function* () {
        let piece: IteratorResult<Uint8Array> = first;
        while (!piece.done) {
          hash.update(piece.value);
          bytes += piece.value.length;
          yield piece.value;
          piece = await source.next();
        }
      };
      const parse = async (decompressed: AsyncIterable<Buffer>) => {
        // Fatal: DynamoDB stores UTF-8 only, so other bytes are damage, not text to replace with U+FFFD.
        // The BOM is kept, so that a line it starts is refused like any other that is not an item.
        const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
        const decode = (chunk?: Buffer) => {
          try {
            return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
          } catch {
            throw new SentinelError(
              `export data file ${label} holds bytes that are not UTF-8 text: the export is damaged; take a new export`,
            );
          }
        };
        let partial = "";
        let lineNumber = 0;
        // Synchronous per line; a wait (progress, back-pressure) only every BATCH_ITEMS items.
        const line = (text: string): boolean => {
          lineNumber++;
          onItem(itemOfLine(text, label, lineNumber));
          items++;
          return items % BATCH_ITEMS === 0;
        };
        for await (const chunk of decompressed) {
          const text = partial + decode(chunk);
          let start = 0;
          for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
            if (line(text.slice(start, end))) await report();
            start = end + 1;
          }
          partial = text.slice(start);
        }
        partial += decode();
        if (partial !== "" && line(partial)) await report();
      };
      try {
        await pipeline(Readable.from(hashed()), createGunzip(), parse, { signal });
      } catch (error) {
        if (signal.aborted) throw error instanceof SentinelError ? error : new InterruptedError("interrupted");
        if (error instanceof SentinelError || error instanceof InterruptedError) throw error;
        // The MD5 of the object says more than zlib's reason (zero padding left by a partial copy, say):
        // the rest of the object goes into it, a piece at a time.
        for (let piece = await source.next(); !piece.done; piece = await source.next()) {
          hash.update(piece.value);
          bytes += piece.value.length;
        }
        const md5 = hash.digest("base64");
        if (md5 !== file.md5Checksum) throw md5Differs(label, bytes, md5, file.md5Checksum);
        throw new SentinelError(
          `export data file ${label} cannot be decompressed (${(error as Error).message}): the export is damaged; take a new export`,
          { cause: error },
        );
      }
    }
    const md5 = hash.digest("base64");
    if (md5 !== file.md5Checksum) throw md5Differs(label, bytes, md5, file.md5Checksum);
    if (items !== file.itemCount) {
      throw new SentinelError(
        `export data file ${label} holds ${items} items where manifest-files.json says ${file.itemCount}: the export is damaged; take a new export`,
      );
    }
  }
}

function md5Differs(label: string, bytes: number, md5: string, listed: string): SentinelError {
  return new SentinelError(
    `export data file ${label} (${bytes} bytes) has MD5 ${md5} where manifest-files.json says ${listed}: the export is damaged; take a new export`,
  );
}

/** The item of one data-file line, `{"Item": {NAME: {"S": …}, …}}`. */
function itemOfLine(text: string, label: string, lineNumber: number): RawItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isJsonObject(value) || !isJsonObject(value.Item) || Object.keys(value).length !== 1) {
    throw new SentinelError(
      `export data file ${label} line ${lineNumber} is not {"Item": {…}} (DynamoDB JSON): the export is damaged or not a DynamoDB JSON export`,
    );
  }
  return value.Item;
}
