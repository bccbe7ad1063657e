// A TrailBucket held in memory, answering as S3 does: keys in UTF-8 binary
// order, folders by delimiter "/", NoSuchKey as MissingObject. Bodies are
// handed out in small chunks so that readers meet chunk boundaries.
import {
  type BucketObject,
  MissingObject,
  type OpenedObject,
  type TrailBucket,
} from "../../internal/audit/trail-bucket.ts";

export type StoredObject = { body: Uint8Array; metadata?: Record<string, string> };

const byKey = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export class MemoryBucket implements TrailBucket {
  readonly name: string;
  readonly objects = new Map<string, StoredObject>();
  readonly requests = { list: 0, get: 0 };
  /** Every prefix listed, in order. */
  readonly listed: string[] = [];
  /** Every key opened, in order. */
  readonly opened: string[] = [];
  /** Most GetObject bodies being read at one time. */
  mostOpen = 0;
  #open = 0;
  readonly #chunkBytes: number;
  /** Called before a body's chunk is handed out: tests hold bodies open here. */
  beforeChunk: ((key: string) => Promise<void>) | undefined;

  constructor(name: string, chunkBytes = 1000) {
    this.name = name;
    this.#chunkBytes = chunkBytes;
  }

  put(key: string, body: Uint8Array | string, metadata?: Record<string, string>): void {
    this.objects.set(key, {
      body: typeof body === "string" ? Buffer.from(body) : body,
      ...(metadata ? { metadata } : {}),
    });
  }

  delete(key: string): void {
    this.objects.delete(key);
  }

  #keys(prefix: string): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort(byKey);
  }

  async listFolders(prefix: string): Promise<string[]> {
    this.requests.list++;
    this.listed.push(prefix);
    const folders = new Set<string>();
    for (const key of this.#keys(prefix)) {
      const slash = key.indexOf("/", prefix.length);
      if (slash !== -1) folders.add(key.slice(0, slash + 1));
    }
    return [...folders].sort(byKey);
  }

  async listFiles(prefix: string, startAfter?: string): Promise<BucketObject[]> {
    this.requests.list++;
    this.listed.push(prefix);
    return this.#keys(prefix)
      .filter((key) => startAfter === undefined || byKey(key, startAfter) > 0)
      .map((key) => ({ key, size: (this.objects.get(key) as StoredObject).body.length }));
  }

  async open(key: string): Promise<OpenedObject> {
    this.requests.get++;
    this.opened.push(key);
    const stored = this.objects.get(key);
    if (stored === undefined) throw new MissingObject(`NoSuchKey: ${this.label(key)}`);
    const chunk = this.#chunkBytes;
    this.#open++;
    this.mostOpen = Math.max(this.mostOpen, this.#open);
    const body = async function* (this: MemoryBucket): AsyncIterable<Uint8Array> {
      try {
        for (let at = 0; at < stored.body.length; at += chunk) {
          await this.beforeChunk?.(key);
          yield stored.body.subarray(at, at + chunk);
        }
      } finally {
        this.#open--;
      }
    }.call(this);
    return { body, metadata: stored.metadata ?? {} };
  }

  label(key: string): string {
    return `s3://${this.name}/${key}`;
  }
}
