// Writes CloudTrail digest files as CloudTrail delivers them, signed with a key
// made here (tests and make local's trail bucket). The format follows the AWS CloudTrail User Guide,
// "CloudTrail digest file structure" (fields, key layout, S3 metadata
// `signature` in hex and `signature-algorithm` SHA256withRSA, `_backfill`
// names) and "Validating CloudTrail log file integrity with the AWS CLI"
// (the signed string); every knob in `Tamper` breaks one thing on purpose.
import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { gzipSync } from "node:zlib";

/** Something that stores objects by key (MemoryBucket, a fake S3 server's seed, an upload queue). */
export type ObjectSink = { put(key: string, body: Uint8Array | string, metadata?: Record<string, string>): void };

/** A public key as `cloudtrail:ListPublicKeys` gives it: DER `Value` and its `Fingerprint` (hex MD5 of the DER). */
export type ListedPublicKey = { fingerprint: string; der: Uint8Array };

/** A signing key and its public half as ListPublicKeys gives it. */
export type TrailKey = { privateKey: KeyObject; publicKey: ListedPublicKey };

/** A new RSA key; its public DER in PKCS#1 (CloudTrail's form) or SubjectPublicKeyInfo. */
export function trailKey(format: "pkcs1" | "spki" = "pkcs1", bits = 2048): TrailKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const der = publicKey.export({ format: "der", type: format });
  return { privateKey, publicKey: { fingerprint: createHash("md5").update(der).digest("hex"), der } };
}

export type Tamper = {
  /** S3 metadata `signature` replaced. */
  signature?: string;
  /** No S3 metadata at all. */
  dropMetadata?: boolean;
  /** S3 metadata `signature-algorithm`. */
  algorithm?: string;
  /** `digestS3Object` names another key (the digest was moved here), signed as such. */
  claimedObject?: string;
  /** `digestPublicKeyFingerprint` replaced (signed with `key` all the same). */
  fingerprint?: string;
  previousHashValue?: string;
  previousSignature?: string;
  /** The stored text changed after it was signed. */
  editAfterSigning?: (text: string) => string;
  /** A backfill digest without `backfill-generation-timestamp`. */
  noBackfillTimestamp?: boolean;
};

export type DigestSpec = {
  bucket: string;
  /** `PREFIX/AWSLogs/[o-ORG/]ACCOUNT/` */
  accountRoot: string;
  account: string;
  region: string;
  trail?: string;
  homeRegion?: string;
  startSec: number;
  endSec: number;
  /** The log files delivered in the digest's hour, with the SHA-256 of their uncompressed content. */
  logFiles: { key: string; sha256: string }[];
  /** The digest before it; null for the first after logging (re)started. */
  previous: WrittenDigest | null;
  backfill?: boolean;
  key: TrailKey;
  tamper?: Tamper;
};

export type WrittenDigest = { key: string; sha256: string; signature: string; startSec: number; endSec: number };

const iso = (sec: number) => new Date(sec * 1000).toISOString().replace(".000Z", "Z");
const compact = (sec: number) => iso(sec).replace(/[-:]/g, "");

/** Where CloudTrail puts the digest of a trail ending at `endSec`. */
export function digestKey(
  spec: Pick<DigestSpec, "accountRoot" | "account" | "region" | "trail" | "homeRegion" | "endSec" | "backfill">,
): string {
  const day = iso(spec.endSec).slice(0, 10).replaceAll("-", "/");
  const name = `${spec.account}_CloudTrail-Digest_${spec.region}_${spec.trail ?? "main"}_${spec.homeRegion ?? spec.region}_${compact(spec.endSec)}${spec.backfill ? "_backfill" : ""}.json.gz`;
  return `${spec.accountRoot}CloudTrail-Digest/${spec.region}/${day}/${name}`;
}

/** Writes one digest to `sink` and returns what the next digest chains to. */
export function writeDigest(sink: ObjectSink, spec: DigestSpec): WrittenDigest {
  const t = spec.tamper ?? {};
  const key = digestKey(spec);
  const body = {
    awsAccountId: spec.account,
    digestStartTime: iso(spec.startSec),
    digestEndTime: iso(spec.endSec),
    digestS3Bucket: spec.bucket,
    digestS3Object: t.claimedObject ?? key,
    digestPublicKeyFingerprint: t.fingerprint ?? spec.key.publicKey.fingerprint,
    digestSignatureAlgorithm: "SHA256withRSA",
    newestEventTime: iso(spec.endSec - 60),
    oldestEventTime: iso(spec.startSec + 60),
    previousDigestS3Bucket: spec.previous === null ? null : spec.bucket,
    previousDigestS3Object: spec.previous?.key ?? null,
    previousDigestHashValue: t.previousHashValue ?? spec.previous?.sha256 ?? null,
    previousDigestHashAlgorithm: spec.previous === null ? null : "SHA-256",
    previousDigestSignature: t.previousSignature ?? spec.previous?.signature ?? null,
    logFiles: spec.logFiles.map((f) => ({
      s3Bucket: spec.bucket,
      s3Object: f.key,
      hashValue: f.sha256,
      hashAlgorithm: "SHA-256",
      newestEventTime: iso(spec.endSec - 60),
      oldestEventTime: iso(spec.startSec + 60),
    })),
  };
  const text = JSON.stringify(body);
  const sha256 = createHash("sha256").update(text).digest("hex");
  const toSign = [
    body.digestEndTime,
    `${body.digestS3Bucket}/${body.digestS3Object}`,
    sha256,
    body.previousDigestSignature ?? "null",
  ].join("\n");
  const signature = sign("sha256", Buffer.from(toSign), spec.key.privateKey).toString("hex");
  const stored = t.editAfterSigning === undefined ? text : t.editAfterSigning(text);
  const metadata: Record<string, string> = {
    signature: t.signature ?? signature,
    "signature-algorithm": t.algorithm ?? "SHA256withRSA",
  };
  if (spec.backfill && !t.noBackfillTimestamp) metadata["backfill-generation-timestamp"] = iso(spec.endSec + 3600);
  sink.put(key, gzipSync(stored), t.dropMetadata ? {} : metadata);
  // The next digest chains to what CloudTrail wrote, not to what the bucket holds later.
  return { key, sha256, signature, startSec: spec.startSec, endSec: spec.endSec };
}

/** The string a digest was signed over, for checking a signature with another tool. */
export function signedStringOf(text: string, bucket: string, key: string): string {
  const body = JSON.parse(text) as { digestEndTime: string; previousDigestSignature: string | null };
  const sha256 = createHash("sha256").update(text).digest("hex");
  return [body.digestEndTime, `${bucket}/${key}`, sha256, body.previousDigestSignature ?? "null"].join("\n");
}
