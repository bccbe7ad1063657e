// A CloudTrail digest file (AWS CloudTrail User Guide, "CloudTrail digest file
// structure") and the checks on its bytes and signature alone (SPEC §11.2).
import { createHash, type KeyObject, verify } from "node:crypto";
import { isJsonObject } from "../aws/json-object.ts";
import { parseTimestamp } from "../timefilter/instant.ts";
import { importPublicKey, type TrailPublicKey } from "./public-keys.ts";
import type { DigestName } from "./trail-layout.ts";

export const SIGNATURE_ALGORITHM = "SHA256withRSA";

/** A log file a digest lists. */
export type ListedLogFile = { s3Bucket: string; s3Object: string; hashValue: string; hashAlgorithm: string };

/** The fields of a digest that validation reads. */
export type Digest = {
  digestStartTime: string;
  digestEndTime: string;
  startSec: number;
  endSec: number;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm: string;
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  previousDigestHashValue: string | null;
  previousDigestSignature: string | null;
  logFiles: ListedLogFile[];
};

/** A digest as fetched: where it lies, what its name says, its metadata, and its parsed content or why there is none. */
export type FetchedDigest = {
  key: string;
  name: DigestName;
  metadata: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the uncompressed digest; undefined when it could not be read. */
  sha256?: string;
  digest?: Digest;
  /** Why the digest could not be read (not gzip, not JSON, a field missing). */
  unreadable?: string;
};

export type DigestProblemKind = "digest_invalid" | "digest_moved" | "key_not_found";

/** The result of checking one digest alone. */
export type DigestVerdict = { valid: true } | { valid: false; kind: DigestProblemKind; reason: string };

const secondsOf = (text: string): number | undefined => parseTimestamp(text)?.sec;
const str = (v: unknown): v is string => typeof v === "string";
const strOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";

/**
 * Reads a digest's uncompressed text; a string says why it is no digest.
 * @example parseDigest('{"digestStartTime": "2026-01-20T10:01:31Z", …}') // { digestStartTime: …, startSec: 1768903291, … }
 */
export function parseDigest(text: string): Digest | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (!isJsonObject(parsed)) return "not a JSON object";
  const d = parsed;
  for (const field of [
    "digestStartTime",
    "digestEndTime",
    "digestS3Bucket",
    "digestS3Object",
    "digestPublicKeyFingerprint",
    "digestSignatureAlgorithm",
  ]) {
    if (!str(d[field])) return `${field} missing`;
  }
  for (const field of [
    "previousDigestS3Bucket",
    "previousDigestS3Object",
    "previousDigestHashValue",
    "previousDigestSignature",
  ]) {
    if (!strOrNull(d[field] ?? null)) return `${field} is not a string or null`;
  }
  const startSec = secondsOf(d.digestStartTime as string);
  const endSec = secondsOf(d.digestEndTime as string);
  if (startSec === undefined || endSec === undefined) return "digestStartTime or digestEndTime is not a timestamp";
  if (!Array.isArray(d.logFiles)) return "logFiles missing";
  const logFiles: ListedLogFile[] = [];
  for (const f of d.logFiles) {
    if (!isJsonObject(f) || !str(f.s3Bucket) || !str(f.s3Object) || !str(f.hashValue) || !str(f.hashAlgorithm)) {
      return "a logFiles entry lacks s3Bucket, s3Object, hashValue or hashAlgorithm";
    }
    logFiles.push({
      s3Bucket: f.s3Bucket,
      s3Object: f.s3Object,
      hashValue: f.hashValue,
      hashAlgorithm: f.hashAlgorithm,
    });
  }
  return {
    digestStartTime: d.digestStartTime as string,
    digestEndTime: d.digestEndTime as string,
    startSec,
    endSec,
    digestS3Bucket: d.digestS3Bucket as string,
    digestS3Object: d.digestS3Object as string,
    digestPublicKeyFingerprint: d.digestPublicKeyFingerprint as string,
    digestSignatureAlgorithm: d.digestSignatureAlgorithm as string,
    previousDigestS3Bucket: (d.previousDigestS3Bucket ?? null) as string | null,
    previousDigestS3Object: (d.previousDigestS3Object ?? null) as string | null,
    previousDigestHashValue: (d.previousDigestHashValue ?? null) as string | null,
    previousDigestSignature: (d.previousDigestSignature ?? null) as string | null,
    logFiles,
  };
}

/**
 * The string CloudTrail signs: end time, bucket/object, hex SHA-256 of the
 * uncompressed digest and the previous signature ("null" when none), joined by LF.
 * @example signedString(d, "ab12…") // "2026-01-20T11:01:31Z\ntrail-logs/AWSLogs/…json.gz\nab12…\nnull"
 */
export function signedString(digest: Digest, sha256Hex: string): string {
  return [
    digest.digestEndTime,
    `${digest.digestS3Bucket}/${digest.digestS3Object}`,
    sha256Hex,
    digest.previousDigestSignature ?? "null",
  ].join("\n");
}

/** Hex SHA-256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * Checks one digest's bytes and signature, nothing about its neighbours:
 * readable, metadata present, SHA256withRSA, lying where it says, signed by a
 * key of its region (`keys` by fingerprint), signature verifying.
 */
export function checkDigest(
  fetched: FetchedDigest,
  bucketName: string,
  keys: ReadonlyMap<string, TrailPublicKey>,
): DigestVerdict {
  const invalid = (reason: string): DigestVerdict => ({ valid: false, kind: "digest_invalid", reason });
  const { digest, metadata } = fetched;
  if (digest === undefined || fetched.sha256 === undefined)
    return invalid(`unreadable: ${fetched.unreadable ?? "no content"}`);
  if (fetched.name.backfill && metadata["backfill-generation-timestamp"] === undefined) {
    return invalid("a backfill digest without the S3 metadata backfill-generation-timestamp");
  }
  const signature = metadata.signature;
  const algorithm = metadata["signature-algorithm"];
  if (signature === undefined || algorithm === undefined)
    return invalid("the S3 metadata signature or signature-algorithm is missing");
  if (algorithm !== SIGNATURE_ALGORITHM || digest.digestSignatureAlgorithm !== SIGNATURE_ALGORITHM) {
    return invalid(
      `signed with ${algorithm === SIGNATURE_ALGORITHM ? digest.digestSignatureAlgorithm : algorithm}, not ${SIGNATURE_ALGORITHM}`,
    );
  }
  if (digest.digestS3Bucket !== bucketName || digest.digestS3Object !== fetched.key) {
    return {
      valid: false,
      kind: "digest_moved",
      reason: `it says it lies at s3://${digest.digestS3Bucket}/${digest.digestS3Object}`,
    };
  }
  const known = keys.get(digest.digestPublicKeyFingerprint);
  if (known === undefined) {
    return {
      valid: false,
      kind: "key_not_found",
      reason: `no public key with fingerprint ${digest.digestPublicKeyFingerprint} in ${fetched.name.region}`,
    };
  }
  const key: KeyObject | undefined = importPublicKey(known.der);
  if (key === undefined) return invalid(`the public key ${digest.digestPublicKeyFingerprint} is not an RSA key in DER`);
  if (!HEX.test(signature)) return invalid("the signature is not hex");
  const ok = verify("sha256", Buffer.from(signedString(digest, fetched.sha256)), key, Buffer.from(signature, "hex"));
  return ok ? { valid: true } : invalid("the signature does not verify");
}
