// What make local puts into moto beside the sample table: a point-in-time export of the table
// (with sessions TTL has deleted from it since), the sample trail's logs in an organization
// trail's bucket with signed hourly digests, and the KMS key that signs evidence.
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type ListedPublicKey, type TrailKey, type WrittenDigest, writeDigest } from "./cloudtrail-digest-writer.ts";
import { type BuiltExport, buildExport } from "./dynamodb-export-writer.ts";
import { rfc3339Nano } from "./generate-sessions.ts";
import { SAMPLE_ACCOUNT, SAMPLE_REGION, SAMPLE_TABLE, type TrailFile } from "./sample.ts";

/** Where the sample export lies: `s3://sample-exports/exports/AWSDynamoDB/01764547200000-a1b2c3d4`. */
export const SAMPLE_EXPORT = { bucket: "sample-exports", prefix: "exports", id: "01764547200000-a1b2c3d4" } as const;
export const SAMPLE_EXPORT_URI = `s3://${SAMPLE_EXPORT.bucket}/${SAMPLE_EXPORT.prefix}/AWSDynamoDB/${SAMPLE_EXPORT.id}`;
/** The organization trail's bucket, its organization and trail. */
export const SAMPLE_TRAIL_BUCKET = "sample-trail";
export const SAMPLE_ORG = "o-sample1234";
export const SAMPLE_TRAIL_NAME = "org-trail";
/** The KMS key make local creates for `--sign-with`. */
export const SAMPLE_SIGNING_ALIAS = "alias/sentinel-evidence";
/** Hours of digests, back from make local's start: the examples' `--since 7d` and an hour to spare. */
export const SAMPLE_DIGEST_HOURS = 7 * 24 + 24;

const DAY_SEC = 86_400;

/**
 * Sessions the export holds and the table no longer does, TTL having deleted them: victor's,
 * which the sample trail's `orphaned` event names, and eleven of the days before the table's 90.
 */
export function ttlDeletedSessions(now: Date): Record<string, AttributeValue>[] {
  const nowSec = Math.floor(now.getTime() / 1000);
  const session = (id: string, user: string, profile: string, createdSec: number, request: string) => {
    const expires = createdSec + 3_600;
    const stamp = (sec: number) => rfc3339Nano(sec, 0, "Z");
    return {
      id: { S: id },
      user: { S: user },
      profile: { S: profile },
      server_instance_id: { S: "i-0d4e5f6a7b8c9d0e1" },
      status: { S: "expired" },
      started_at: { S: stamp(createdSec) },
      last_access_at: { S: stamp(createdSec + 1_800) },
      expires_at: { S: stamp(expires) },
      created_at: { S: stamp(createdSec) },
      updated_at: { S: stamp(expires) },
      request_count: { N: String(40 + request.charCodeAt(7)) },
      source_identity: { S: `sentinel:${user}:direct:${request}` },
      // Past: that is why the table no longer holds it.
      ttl: { N: String(expires + DAY_SEC) },
    } satisfies Record<string, AttributeValue>;
  };
  // sampleTrail()'s orphaned AssumeRole, 4 days 95 minutes ago, names this session and request.
  const victor = session("9f8e7d6c5b4a3921", "victor", "prod-admin", nowSec - (4 * DAY_SEC + 95 * 60) - 2, "3c2b1a09");
  const older = Array.from({ length: 11 }, (_, i) => {
    const n = String(i).padStart(2, "0");
    const user = i % 2 === 0 ? "victor" : "wendy";
    return session(`7d1e7e${n}00000000`, user, "prod-deploy", nowSec - (91 + i) * DAY_SEC, `0a1d${n}0b`);
  });
  return [victor, ...older];
}

/** The sample export of `tableItems` (and the TTL-deleted sessions) taken at `now`, in AWS's layout. */
export function sampleExport(tableItems: readonly Record<string, AttributeValue>[], now: Date): BuiltExport {
  return buildExport([...tableItems, ...ttlDeletedSessions(now)], {
    prefix: SAMPLE_EXPORT.prefix,
    exportId: SAMPLE_EXPORT.id,
    table: SAMPLE_TABLE,
    region: SAMPLE_REGION,
    account: SAMPLE_ACCOUNT,
    bucket: SAMPLE_EXPORT.bucket,
    exportTime: now.toISOString(),
    files: 4,
  });
}

export type BucketObject = { key: string; body: Uint8Array; metadata?: Record<string, string> };

/**
 * The sample trail's log files as an organization trail delivers them
 * (`AWSLogs/o-…/ACCOUNT/CloudTrail/…`), and a digest for every hour of the last
 * SAMPLE_DIGEST_HOURS that has ended, chained and signed with `key`, each listing
 * the files delivered in its hour.
 */
export function trailBucketObjects(files: readonly TrailFile[], now: Date, key: TrailKey): BucketObject[] {
  const accountRoot = `AWSLogs/${SAMPLE_ORG}/${SAMPLE_ACCOUNT}/`;
  const objects: BucketObject[] = [];
  const logs = files.map((file) => {
    const bucketKey = `${accountRoot}${file.key.slice(`AWSLogs/${SAMPLE_ACCOUNT}/`.length)}`;
    objects.push({ key: bucketKey, body: file.body });
    const sha256 = createHash("sha256").update(gunzipSync(file.body)).digest("hex");
    return { key: bucketKey, sha256, deliveredSec: file.deliveredSec };
  });
  const sink = {
    put: (k: string, body: Uint8Array | string, metadata?: Record<string, string>) => {
      objects.push({
        key: k,
        body: typeof body === "string" ? Buffer.from(body) : body,
        ...(metadata ? { metadata } : {}),
      });
    },
  };
  const lastEndSec = Math.floor(now.getTime() / 3_600_000) * 3_600;
  let previous: WrittenDigest | null = null;
  for (let endSec = lastEndSec - (SAMPLE_DIGEST_HOURS - 1) * 3_600; endSec <= lastEndSec; endSec += 3_600) {
    const startSec = endSec - 3_600;
    previous = writeDigest(sink, {
      bucket: SAMPLE_TRAIL_BUCKET,
      accountRoot,
      account: SAMPLE_ACCOUNT,
      region: SAMPLE_REGION,
      trail: SAMPLE_TRAIL_NAME,
      homeRegion: SAMPLE_REGION,
      startSec,
      endSec,
      logFiles: logs.filter((l) => l.deliveredSec >= startSec && l.deliveredSec < endSec),
      previous,
      key,
    });
  }
  return objects;
}

/** The public key as make local's CloudTrail stand-in lists it, valid over the digests' days and a year on. */
export function listedKey(publicKey: ListedPublicKey, now: Date) {
  const nowSec = Math.floor(now.getTime() / 1000);
  return {
    der: Buffer.from(publicKey.der).toString("base64"),
    fingerprint: publicKey.fingerprint,
    validFromSec: nowSec - (SAMPLE_DIGEST_HOURS + 24) * 3_600,
    validToSec: nowSec + 365 * DAY_SEC,
  };
}

const credentials = { accessKeyId: "local", secretAccessKey: "local" };

/** Creates `bucket` through `client` and puts `objects` in it, `concurrency` at a time. */
export async function putObjects(
  client: S3Client,
  bucket: string,
  objects: readonly { key: string; body: Uint8Array | string; metadata?: Record<string, string> }[],
  concurrency: number,
): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      const object = objects[next++] as (typeof objects)[number];
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: object.key,
          Body: object.body,
          ...(object.metadata ? { Metadata: object.metadata } : {}),
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Creates `bucket` at an S3 endpoint (moto's) and puts `objects` in it, a few at a time. */
export async function fillBucket(endpoint: string, bucket: string, objects: readonly BucketObject[]): Promise<void> {
  const client = new S3Client({ endpoint, region: SAMPLE_REGION, forcePathStyle: true, credentials });
  try {
    await putObjects(client, bucket, objects, 16);
  } finally {
    client.destroy();
  }
}

/** Creates the RSA signing key of SAMPLE_SIGNING_ALIAS at a KMS endpoint (moto's); its ARN. */
export async function createSigningKey(endpoint: string): Promise<string> {
  const client = new KMSClient({ endpoint, region: SAMPLE_REGION, credentials });
  try {
    const made = await client.send(
      new CreateKeyCommand({
        KeyUsage: "SIGN_VERIFY",
        KeySpec: "RSA_2048",
        Description: "make local: signs sentinel evidence (--sign-with alias/sentinel-evidence)",
      }),
    );
    const arn = made.KeyMetadata?.Arn as string;
    await client.send(new CreateAliasCommand({ AliasName: SAMPLE_SIGNING_ALIAS, TargetKeyId: arn }));
    return arn;
  } finally {
    client.destroy();
  }
}
