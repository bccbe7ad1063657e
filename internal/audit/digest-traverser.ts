// Walks each trail's digests in time order: each links to the one before it
// (previousDigestSignature, previousDigestHashValue), and together they must
// cover the window without a hole (SPEC §11.2 chain_broken, digest_gap).
import { formatSeconds } from "../timefilter/instant.ts";
import type { FetchedDigest } from "./digest.ts";
import { baseName, type DeliveryRange, parseDigestName } from "./trail-layout.ts";

export type ChainProblem = { kind: "chain_broken" | "digest_gap"; key: string; digest: string | null; reason: string };

/** One trail's digests in one account and region: the unit that forms a chain. */
export type Chain = {
  /** The digest folder, e.g. `AWSLogs/111122223333/CloudTrail-Digest/us-east-1/`. */
  folder: string;
  trail: string;
  /** Valid digests of the chain (not backfill), any order. */
  digests: FetchedDigest[];
};

const time = (sec: number) => formatSeconds({ sec, nanos: 0 });

/** Groups valid, non-backfill digests into chains: by folder, trail name and home region. */
export function chainsOf(valid: readonly FetchedDigest[]): Chain[] {
  const chains = new Map<string, Chain>();
  for (const d of valid) {
    if (d.name.backfill) continue;
    // The key less its day folder (YYYY/MM/DD/, 11 characters) and its name.
    const folder = d.key.slice(0, d.key.length - baseName(d.key).length - 11);
    const id = `${folder}\n${d.name.trail}\n${d.name.homeRegion}`;
    let chain = chains.get(id);
    if (chain === undefined) {
      chain = { folder, trail: d.name.trail, digests: [] };
      chains.set(id, chain);
    }
    chain.digests.push(d);
  }
  return [...chains.values()];
}

/**
 * Checks the links and the coverage of one chain. `fetched` holds every digest
 * read (valid or not) by key; `listed` is the delivery range digests were
 * listed for (a previous digest named before it was not looked for);
 * coverage is required over `[coverFromSec, coverToSec]`.
 */
export function traverseChain(
  chain: Chain,
  fetched: ReadonlyMap<string, FetchedDigest>,
  bucketName: string,
  label: (key: string) => string,
  listed: DeliveryRange,
  coverFromSec: number,
  coverToSec: number,
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const ordered = [...chain.digests].sort((a, b) => (a.digest?.startSec ?? 0) - (b.digest?.startSec ?? 0));
  for (const d of ordered) {
    const digest = d.digest;
    if (digest === undefined || digest.previousDigestS3Object === null) continue;
    const broken = (reason: string, previous: string | null) =>
      problems.push({ kind: "chain_broken", key: label(d.key), digest: previous, reason });
    const previousKey = digest.previousDigestS3Object;
    const previousBucket = digest.previousDigestS3Bucket ?? bucketName;
    if (previousBucket !== bucketName) {
      broken(`the digest before it lies in another bucket, s3://${previousBucket}/${previousKey}`, null);
      continue;
    }
    const previous = fetched.get(previousKey);
    const previousLabel = label(previousKey);
    if (previous === undefined) {
      const name = parseDigestName(baseName(previousKey));
      // Named before the range listed: it was not looked for, and is no sign of a deletion.
      if (name !== undefined && name.endSec < listed.fromSec) continue;
      broken(`the digest before it, ${previousLabel}, is missing`, previousLabel);
      continue;
    }
    if (previous.sha256 === undefined) {
      broken(`the digest before it, ${previousLabel}, is unreadable`, previousLabel);
      continue;
    }
    if ((previous.metadata.signature ?? "").toLowerCase() !== (digest.previousDigestSignature ?? "").toLowerCase()) {
      broken(`previousDigestSignature differs from the signature of ${previousLabel}`, previousLabel);
    } else if (previous.sha256 !== (digest.previousDigestHashValue ?? "").toLowerCase()) {
      broken(`previousDigestHashValue differs from the SHA-256 of ${previousLabel}`, previousLabel);
    }
  }
  if (coverToSec <= coverFromSec) return problems;
  let cursor = coverFromSec;
  let previousEndSec: number | undefined;
  for (const d of ordered) {
    const digest = d.digest;
    if (digest === undefined) continue;
    // Each digest starts where the one before it ended: one that starts earlier overlaps it (SPEC §11.2).
    if (
      previousEndSec !== undefined &&
      digest.startSec < previousEndSec &&
      digest.startSec < coverToSec &&
      previousEndSec > coverFromSec
    ) {
      problems.push({
        kind: "digest_gap",
        key: label(d.key),
        digest: null,
        reason: `its digestStartTime ${time(digest.startSec)} is before the digestEndTime ${time(previousEndSec)} of the digest before it`,
      });
    }
    previousEndSec = Math.max(previousEndSec ?? digest.endSec, digest.endSec);
    if (digest.startSec > cursor && cursor < coverToSec) {
      problems.push({
        kind: "digest_gap",
        key: label(d.key),
        digest: null,
        reason: `no digest of trail ${chain.trail} covers ${time(cursor)} to ${time(Math.min(digest.startSec, coverToSec))}`,
      });
    }
    cursor = Math.max(cursor, digest.endSec);
  }
  if (cursor < coverToSec) {
    const last = ordered.at(-1);
    problems.push({
      kind: "digest_gap",
      key: label(last === undefined ? chain.folder : last.key),
      digest: null,
      reason: `no digest of trail ${chain.trail} covers ${time(cursor)} to ${time(coverToSec)}`,
    });
  }
  return problems;
}
