import { createPublicKey, type KeyObject } from "node:crypto";

/** One key of `cloudtrail:ListPublicKeys` (PublicKeyList[]): `Value` as DER bytes, and its `Fingerprint`. */
export type TrailPublicKey = { fingerprint: string; der: Uint8Array; validFrom?: Date; validTo?: Date };

/** The public keys CloudTrail signed digests with in `region` between two times (ListPublicKeys, every page). */
export interface PublicKeyLister {
  listPublicKeys(region: string, start: Date, end: Date, signal?: AbortSignal): Promise<TrailPublicKey[]>;
}

/** An RSA public key from DER, PKCS#1 (what CloudTrail returns) or SubjectPublicKeyInfo; undefined when it is neither. */
export function importPublicKey(der: Uint8Array): KeyObject | undefined {
  for (const type of ["pkcs1", "spki"] as const) {
    try {
      const key = createPublicKey({ key: Buffer.from(der), format: "der", type });
      if (key.asymmetricKeyType === "rsa") return key;
    } catch {
      // try the other encoding
    }
  }
  return undefined;
}
