// Where an export's files are: an S3 prefix or a folder of the same layout
// (`aws s3 sync`), and how their bytes are read. Names are relative to the
// export's folder: "manifest-summary.json", "data/abc.json.gz".
import { createReadStream } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { InterruptedError, SentinelError, UsageError } from "../aws/errors.ts";
import { NoSuchObject, openWhole, type S3Connection } from "../aws/s3-client.ts";

const SUMMARY = "manifest-summary.json";

/** An export's folder, in a bucket or on disk. */
export type ExportLocation = { kind: "s3"; bucket: string; prefix: string } | { kind: "folder"; dir: string };

/**
 * Reads `--from-export`: `s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID` or a
 * folder, either one also as the path of its `manifest-summary.json`.
 * @example parseExportLocation("s3://audit/ddb/AWSDynamoDB/01700000000000-abcd1234/manifest-summary.json")
 *          // { kind: "s3", bucket: "audit", prefix: "ddb/AWSDynamoDB/01700000000000-abcd1234" }
 */
export function parseExportLocation(text: string): ExportLocation {
  const withoutSummary = (path: string) => {
    const trimmed = path.replace(/\/+$/, "");
    return trimmed === SUMMARY ? "" : trimmed.endsWith(`/${SUMMARY}`) ? trimmed.slice(0, -SUMMARY.length - 1) : trimmed;
  };
  if (/^s3:\/\//i.test(text)) {
    const rest = text.slice("s3://".length);
    const slash = rest.indexOf("/");
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = withoutSummary(slash === -1 ? "" : rest.slice(slash + 1));
    if (bucket === "")
      throw new UsageError(`export URI "${text}" names no bucket: use s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID`);
    if (prefix === "") {
      throw new UsageError(`export URI "${text}" names no export: use s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID`);
    }
    return { kind: "s3", bucket, prefix };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new UsageError(`export "${text}" is neither an s3:// URI nor a folder`);
  }
  if (text === "") throw new UsageError("--from-export needs an s3:// URI or a folder");
  // The platform's own path rules: a Windows path may name the summary after a backslash.
  const dir = basename(text) === SUMMARY ? dirname(text) : text;
  return { kind: "folder", dir: resolve(dir) };
}

/** The export's files, read the same way wherever they are. */
export interface ExportObjects {
  /** The export's own name: `s3://bucket/prefix` or the folder's absolute path. */
  readonly uri: string;
  /** A file's name for messages: `s3://bucket/key` or its path. */
  describe(name: string): string;
  /**
   * The file's bytes as they arrive, reading on where a broken-off answer
   * stopped (the same version of the object), so the whole file arrives once.
   * A file that is not there fails with a MissingExportFile.
   */
  bytes(name: string, signal?: AbortSignal): AsyncIterable<Uint8Array>;
}

/** A file of the export that does not exist (or, in S3, cannot be seen). */
export class MissingExportFile extends SentinelError {}

/** The export's files at `location`; `s3` connects on first use, so a folder never loads the S3 SDK. */
export function exportObjects(location: ExportLocation, s3: () => Promise<S3Connection>): ExportObjects {
  return location.kind === "s3"
    ? new S3ExportObjects(location.bucket, location.prefix, s3)
    : new FolderObjects(location.dir);
}

class FolderObjects implements ExportObjects {
  readonly uri: string;

  constructor(dir: string) {
    this.uri = dir;
  }

  describe(name: string): string {
    return `${this.uri === "/" ? "" : this.uri}/${name}`;
  }

  async *bytes(name: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    const path = this.describe(name);
    const stream = createReadStream(path, signal === undefined ? {} : { signal });
    try {
      for await (const piece of stream) yield piece as Uint8Array;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((error as Error).name === "AbortError") throw new InterruptedError("interrupted");
      // ENOTDIR: the location is a file, not a folder.
      if (code === "ENOENT" || code === "ENOTDIR") throw new MissingExportFile(`${path} not found`, { cause: error });
      throw new SentinelError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
    } finally {
      stream.destroy();
    }
  }
}

class S3ExportObjects implements ExportObjects {
  readonly uri: string;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #connect: () => Promise<S3Connection>;
  #connection: Promise<S3Connection> | undefined;

  constructor(bucket: string, prefix: string, connect: () => Promise<S3Connection>) {
    this.#bucket = bucket;
    this.#prefix = prefix;
    this.#connect = connect;
    this.uri = `s3://${bucket}/${prefix}`;
  }

  describe(name: string): string {
    return `${this.uri}/${name}`;
  }

  async *bytes(name: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    this.#connection ??= this.#connect();
    const s3 = await this.#connection;
    let object: Awaited<ReturnType<typeof openWhole>>;
    try {
      object = await openWhole(s3, {
        bucket: this.#bucket,
        key: `${this.#prefix}/${name}`,
        label: this.describe(name),
        signal,
      });
    } catch (error) {
      if (error instanceof NoSuchObject)
        throw new MissingExportFile(`${this.describe(name)} not found`, { cause: error });
      throw error;
    }
    yield* object.body;
  }
}
