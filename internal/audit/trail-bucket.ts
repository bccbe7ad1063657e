/** One object of a listing: its key and its stored (compressed) size. */
export type BucketObject = { key: string; size: number };

/** An object being read: its body as it streams, and its S3 user metadata (names lowercased, no `x-amz-meta-`). */
export type OpenedObject = { body: AsyncIterable<Uint8Array>; metadata: Readonly<Record<string, string>> };

/** How many requests of each kind a bucket answered, for --debug. */
export type BucketRequests = { list: number; get: number };

/** GetObject answered NoSuchKey: the object is not (or no longer) in the bucket. */
export class MissingObject extends Error {
  override name = "MissingObject";
}

/**
 * The trail bucket as the S3 sources read it: ListObjectsV2 (every page) and
 * GetObject. Keys are whole keys (prefix included). The S3 implementation
 * turns SDK failures into SentinelErrors naming `label(key)`, and NoSuchKey
 * into MissingObject.
 */
export interface TrailBucket {
  readonly name: string;
  /** The folders right below `prefix` (ListObjectsV2 with Delimiter "/"): whole prefixes, each ending in "/". */
  listFolders(prefix: string, signal?: AbortSignal): Promise<string[]>;
  /** Every object below `prefix`, in key order, after `startAfter` when given. */
  listFiles(prefix: string, startAfter?: string, signal?: AbortSignal): Promise<BucketObject[]>;
  /** Starts reading one object; throws MissingObject when it does not exist. */
  open(key: string, signal?: AbortSignal): Promise<OpenedObject>;
  /** `s3://bucket/key`, how messages name an object. */
  label(key: string): string;
  /** Requests made so far. */
  readonly requests: BucketRequests;
}
