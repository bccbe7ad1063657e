import { SentinelError } from "../aws/errors.ts";
import { mapLimited } from "./bucket-logs.ts";
import { type FetchedDigest, parseDigest, sha256Hex } from "./digest.ts";
import { type GunzipResult, GzipError, gunzipMembers } from "./gzip-members.ts";
import type { PublicKeyLister, TrailPublicKey } from "./public-keys.ts";
import { MissingObject, type TrailBucket } from "./trail-bucket.ts";
import { baseName, type DeliveryRange, dayFolders, folderName, inRange, parseDigestName } from "./trail-layout.ts";

/** A digest is a few KB; more than this is no digest CloudTrail wrote. */
const DIGEST_MAX_BYTES = 64 << 20;

/** One account's digest folder in one region: `ROOT/CloudTrail-Digest/REGION/`. */
export type DigestFolder = { accountRoot: string; account: string; region: string; prefix: string };

/**
 * Finds and fetches digests and the public keys that signed them: listing
 * by delimiter and by day, as the log source does, each digest fetched once,
 * keys listed once per region. Checks nothing itself.
 */
export class DigestProvider {
  readonly #bucket: TrailBucket;
  readonly #keys: PublicKeyLister;
  readonly #concurrency: number;
  readonly #onDebug: ((line: string) => void) | undefined;
  readonly #keysByRegion = new Map<string, Promise<Map<string, TrailPublicKey>>>();

  constructor(bucket: TrailBucket, keys: PublicKeyLister, concurrency: number, onDebug?: (line: string) => void) {
    this.#bucket = bucket;
    this.#keys = keys;
    this.#concurrency = concurrency;
    this.#onDebug = onDebug;
  }

  /** The digest folders of these accounts, in the wanted regions (all when none are given). */
  async folders(
    accountRoots: readonly { accountRoot: string; account: string }[],
    regions: readonly string[] | undefined,
    signal?: AbortSignal,
  ): Promise<DigestFolder[]> {
    const lists = await mapLimited(accountRoots, this.#concurrency, async ({ accountRoot, account }) => {
      const prefix = `${accountRoot}CloudTrail-Digest/`;
      this.#onDebug?.(`list ${this.#bucket.label(prefix)} (folders)`);
      return (await this.#bucket.listFolders(prefix, signal))
        .map((folder) => ({ accountRoot, account, region: folderName(folder), prefix: folder }))
        .filter((f) => regions === undefined || regions.length === 0 || regions.includes(f.region));
    });
    return lists.flat();
  }

  /** The keys of the digests in these folders whose names say they were delivered in the range, in key order. */
  async list(folders: readonly DigestFolder[], range: DeliveryRange, signal?: AbortSignal): Promise<string[]> {
    const prefixes = folders.flatMap((f) => dayFolders(range).map((day) => `${f.prefix}${day}`));
    const listings = await mapLimited(prefixes, this.#concurrency, async (prefix) => {
      this.#onDebug?.(`list ${this.#bucket.label(prefix)}`);
      return this.#bucket.listFiles(prefix, undefined, signal);
    });
    return listings
      .flat()
      .map((o) => o.key)
      .filter((key) => {
        const name = parseDigestName(baseName(key));
        return name !== undefined && inRange(name.endSec, range);
      });
  }

  /** Fetches and parses the digests, at most `concurrency` at once. */
  fetchAll(keys: readonly string[], signal?: AbortSignal): Promise<FetchedDigest[]> {
    return mapLimited(keys, this.#concurrency, (key) => this.fetch(key, signal));
  }

  /** One digest: its metadata, the SHA-256 of its uncompressed content, and its fields (or why it is unreadable). */
  async fetch(key: string, signal?: AbortSignal): Promise<FetchedDigest> {
    const name = parseDigestName(baseName(key));
    if (name === undefined) throw new Error(`not a digest key: ${key}`);
    const { body, metadata } = await this.#bucket.open(key, signal).catch((error: unknown) => {
      if (!(error instanceof MissingObject)) throw error;
      throw new SentinelError(
        `CloudTrail digest ${this.#bucket.label(key)} was deleted while the audit read the bucket: run it again`,
        { cause: error },
      );
    });
    const parts: Buffer[] = [];
    let length = 0;
    const result: GunzipResult = { members: 0, trailingBytes: 0 };
    try {
      for await (const piece of gunzipMembers(body, result)) {
        length += piece.length;
        if (length > DIGEST_MAX_BYTES) return { key, name, metadata, unreadable: "larger than any digest" };
        parts.push(piece);
      }
    } catch (error) {
      if (error instanceof GzipError) return { key, name, metadata, unreadable: `not gzip (${error.message})` };
      throw error;
    }
    const bytes = Buffer.concat(parts);
    const sha256 = sha256Hex(bytes);
    if (result.trailingBytes > 0) return { key, name, metadata, sha256, unreadable: "bytes after its gzip data" };
    const digest = parseDigest(bytes.toString("utf8"));
    if (typeof digest === "string") return { key, name, metadata, sha256, unreadable: digest };
    return { key, name, metadata, sha256, digest };
  }

  /** The public keys of a region valid in the range, by fingerprint (one ListPublicKeys per region and run). */
  keys(region: string, range: DeliveryRange, signal?: AbortSignal): Promise<Map<string, TrailPublicKey>> {
    let keys = this.#keysByRegion.get(region);
    if (keys === undefined) {
      keys = this.#keys
        .listPublicKeys(region, new Date(range.fromSec * 1000), new Date(range.toSec * 1000), signal)
        .then((list) => new Map(list.map((k) => [k.fingerprint, k])));
      this.#keysByRegion.set(region, keys);
    }
    return keys;
  }
}
