// The trail bucket in S3 (SPEC §11.1): ListObjectsV2 with every page followed,
// and whole-object reads that resume where a body broke off.
import { SentinelError } from "../aws/errors.ts";
import { NoSuchObject, openWhole, type S3Connection, toS3Error } from "../aws/s3-client.ts";
import {
  type BucketObject,
  type BucketRequests,
  MissingObject,
  type OpenedObject,
  type TrailBucket,
} from "./trail-bucket.ts";

/**
 * A key of a listing asked for with EncodingType "url", as stored: S3 encodes
 * like a form (a space as "+"), moto percent-encodes everything; this reads both.
 * @example listedKey("AWSLogs/planted%0Dfile+1.json") // "AWSLogs/planted\rfile 1.json"
 */
export function listedKey(encoded: string): string {
  return decodeURIComponent(encoded.replaceAll("+", " "));
}

/** The keys of a listing page as stored: decoded when the answer says it encoded them. */
export function keyOf(page: { EncodingType?: string }, key: string, where: string): string {
  if (page.EncodingType?.toLowerCase() !== "url") return key;
  try {
    return listedKey(key);
  } catch {
    throw new SentinelError(
      `the listing of ${where} holds a key that is not URL-encoded as asked (${JSON.stringify(key)}): check AWS_ENDPOINT_URL_S3`,
    );
  }
}

/** A trail bucket read through S3. */
export class S3TrailBucket implements TrailBucket {
  readonly name: string;
  readonly requests: BucketRequests = { list: 0, get: 0 };
  readonly #s3: S3Connection;
  readonly #onDebug: ((line: string) => void) | undefined;

  constructor(s3: S3Connection, bucket: string, onDebug?: (line: string) => void) {
    this.#s3 = s3;
    this.name = bucket;
    this.#onDebug = onDebug;
  }

  label(key: string): string {
    return `s3://${this.name}/${key}`;
  }

  async listFolders(prefix: string, signal?: AbortSignal): Promise<string[]> {
    const folders: string[] = [];
    await this.#list(prefix, { delimiter: "/" }, signal, (page) => {
      for (const p of page.CommonPrefixes ?? []) {
        if (p.Prefix !== undefined) folders.push(keyOf(page, p.Prefix, this.label(prefix)));
      }
    });
    return folders;
  }

  async listFiles(prefix: string, startAfter?: string, signal?: AbortSignal): Promise<BucketObject[]> {
    const files: BucketObject[] = [];
    await this.#list(prefix, startAfter === undefined ? {} : { startAfter }, signal, (page) => {
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) files.push({ key: keyOf(page, o.Key, this.label(prefix)), size: o.Size ?? 0 });
      }
    });
    return files;
  }

  async open(key: string, signal?: AbortSignal): Promise<OpenedObject> {
    this.requests.get++;
    try {
      return await openWhole(this.#s3, {
        bucket: this.name,
        key,
        label: this.label(key),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (error instanceof NoSuchObject) throw new MissingObject(this.label(key), { cause: error });
      throw error;
    }
  }

  async #list(
    prefix: string,
    options: { delimiter?: string; startAfter?: string },
    signal: AbortSignal | undefined,
    take: (page: import("@aws-sdk/client-s3").ListObjectsV2CommandOutput) => void,
  ): Promise<void> {
    const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
    this.#onDebug?.(`ListObjectsV2 s3://${this.name}/${prefix}${options.delimiter === undefined ? "" : " (folders)"}`);
    let token: string | undefined;
    do {
      this.requests.list++;
      let page: import("@aws-sdk/client-s3").ListObjectsV2CommandOutput;
      try {
        page = await this.#s3.client.send(
          new ListObjectsV2Command({
            Bucket: this.name,
            Prefix: prefix,
            // Keys come URL-encoded: XML would turn a carriage return in a key into a line feed.
            EncodingType: "url",
            ...(options.delimiter === undefined ? {} : { Delimiter: options.delimiter }),
            ...(token === undefined && options.startAfter !== undefined ? { StartAfter: options.startAfter } : {}),
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        throw toS3Error(error, {
          operation: "ListObjectsV2",
          bucket: this.name,
          key: prefix,
          region: this.#s3.region,
          endpoint: this.#s3.endpoint,
        });
      }
      take(page);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
}
