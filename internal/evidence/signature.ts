import { createHash, createPublicKey, constants as cryptoConstants, type KeyObject, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import * as v from "valibot";
import { SentinelError, UsageError } from "../aws/errors.ts";
import { quotedPath } from "../aws/quoted-path.ts";

/** What a signature file's statement starts with (SPEC §13.2). */
export const STATEMENT_VERSION = "sentinel-manifest-v1";

/**
 * The statement signed for a manifest: the version line and the hex SHA-256 of its bytes.
 * @example statementOf(Buffer.from("{}\n")) // "sentinel-manifest-v1\nca3d163b…\n"
 */
export function statementOf(manifestBytes: Uint8Array | string): string {
  return `${STATEMENT_VERSION}\n${createHash("sha256").update(manifestBytes).digest("hex")}\n`;
}

/** The manifest SHA-256 a statement names, or undefined when it is not a statement. */
export function statementDigest(statement: string): string | undefined {
  const m = /^sentinel-manifest-v1\n([0-9a-f]{64})\n$/.exec(statement);
  return m?.[1];
}

/** A signature as KMS gave it. */
export type Signature = { keyId: string; algorithm: string; signature: Uint8Array };

/** Signs a statement: KMS Sign with MessageType RAW (internal/aws/kms-client.ts). */
export interface Signer {
  /** Starts what signing needs to know (the key's spec) while the run does its work. */
  prepare?(): void;
  sign(message: Uint8Array): Promise<Signature>;
}

/** The `FILE.sig` beside a manifest. */
export type SignatureFile = { statement: string; key_id: string; signing_algorithm: string; signature: string };

/** The text of `FILE.sig` (2-space JSON, final newline). */
export function signatureText(statement: string, signed: Signature): string {
  const file: SignatureFile = {
    statement,
    key_id: signed.keyId,
    signing_algorithm: signed.algorithm,
    signature: Buffer.from(signed.signature).toString("base64"),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

const signatureSchema = v.object({
  statement: v.string(),
  key_id: v.pipe(v.string(), v.minLength(1)),
  signing_algorithm: v.pipe(v.string(), v.minLength(1)),
  signature: v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]+={0,2}$/, "not base64")),
});

/** Reads a `.sig` file; a file that is not one is a problem to report (undefined + why), not an error. */
export function parseSignatureFile(text: string): SignatureFile | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "is not JSON";
  }
  const parsed = v.safeParse(signatureSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    return `is not a sentinel signature (${issue.path?.map((p) => String(p.key)).join(".") ?? "the file"}: ${issue.message})`;
  }
  return parsed.output;
}

/**
 * A public key file for `verify --public-key`: DER or PEM SubjectPublicKeyInfo,
 * as `aws kms get-public-key` gives it (the base64 of DER, decoded, or as text).
 * Not a key is a usage error; an unreadable file exit 1.
 */
export function readPublicKey(path: string): KeyObject {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SentinelError(
      `cannot read --public-key ${quotedPath(path)} (${(error as NodeJS.ErrnoException).code ?? "error"}): check the path and its permissions`,
    );
  }
  const text = bytes.toString("utf8").trim();
  const attempts: (() => KeyObject)[] = [
    () => createPublicKey({ key: bytes, format: "der", type: "spki" }),
    () => createPublicKey({ key: text, format: "pem" }),
    // `aws kms get-public-key --output text --query PublicKey` prints the DER as base64.
    () => createPublicKey({ key: Buffer.from(text, "base64"), format: "der", type: "spki" }),
  ];
  for (const attempt of attempts) {
    try {
      const key = attempt();
      if (key.type === "public") return key;
    } catch {
      // try the next form
    }
  }
  throw new UsageError(
    `--public-key ${quotedPath(path)} is not a public key: give the DER or PEM SubjectPublicKeyInfo from aws kms get-public-key`,
  );
}

const HASHES: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };

/**
 * Checks a KMS signature with a public key, offline (node:crypto): RSASSA
 * PKCS#1 v1.5 and PSS (salt as long as the digest, as KMS signs), and ECDSA
 * (DER-encoded, as KMS returns it). False for an algorithm KMS does not have.
 */
export function verifyOffline(message: Uint8Array, signed: SignatureFile, key: KeyObject): boolean {
  const m = /^(RSASSA_PKCS1_V1_5|RSASSA_PSS|ECDSA)_SHA_(256|384|512)$/.exec(signed.signing_algorithm);
  if (m === null) return false;
  const hash = HASHES[m[2] as string] as string;
  const signature = Buffer.from(signed.signature, "base64");
  // node:crypto would check an RSA key's signature whatever the algorithm named: the key must be of its family.
  if ((m[1] === "ECDSA") !== (key.asymmetricKeyType === "ec")) return false;
  try {
    if (m[1] === "ECDSA") return verify(hash, message, { key, dsaEncoding: "der" }, signature);
    if (m[1] === "RSASSA_PSS") {
      return verify(
        hash,
        message,
        { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST },
        signature,
      );
    }
    return verify(hash, message, { key, padding: cryptoConstants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false; // a key of another type than the algorithm's
  }
}
