// Writes a DynamoDB point-in-time export of the given items in AWS's layout
// ("DynamoDB table export output format"), into a folder, an S3 bucket, or both:
//
//   PREFIX/AWSDynamoDB/EXPORT_ID/manifest-summary.json   one JSON object about the export
//   PREFIX/AWSDynamoDB/EXPORT_ID/manifest-summary.md5    base64 MD5 of the file above
//   PREFIX/AWSDynamoDB/EXPORT_ID/manifest-files.json     one JSON line per data file:
//       {"itemCount":N,"md5Checksum":"<base64 MD5 of the gzip object>","etag":"…","dataFileS3Key":"PREFIX/AWSDynamoDB/EXPORT_ID/data/<name>.json.gz"}
//   PREFIX/AWSDynamoDB/EXPORT_ID/manifest-files.md5
//   PREFIX/AWSDynamoDB/EXPORT_ID/data/<name>.json.gz     gzip of lines {"Item":{NAME:{"S":…},…}}
//   PREFIX/AWSDynamoDB/EXPORT_ID/_started                empty
//
// The knobs damage an export the ways a partial copy or a broken disk would.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

type Item = Record<string, AttributeValue | unknown>;

export type ExportOptions = {
  /** Key prefix of the export in its bucket (and of its folder on disk). Default "exports". */
  prefix?: string;
  exportId?: string;
  table?: string;
  region?: string;
  /** The table's account, in its ARN. Default "111122223333". */
  account?: string;
  /** The bucket the summary names (`s3Bucket`). Default "sentinel-exports". */
  bucket?: string;
  /** Default "2026-02-10T00:00:00.000Z". */
  exportTime?: string;
  /** Data files the items are spread over (round robin); an empty one is written for each beyond the items. Default 3. */
  files?: number;
  /** Gzip members per data file (each a run of lines). Default 1. */
  gzipMembers?: number;
  // ---- corruption knobs
  /** Flip one byte of a data file after its MD5 went into the manifest (`at` default 4: the gzip header's mtime). */
  flipByte?: { file: number; at?: number };
  /** Leave a data file out (the manifest still lists it). */
  dropFile?: number;
  /** Add `by` to one data file's itemCount in manifest-files.json, and to the summary (so the sums still agree). */
  wrongCount?: { file: number; by: number };
  /** The summary's itemCount, whatever the files say. */
  summaryItemCount?: number;
  /** Extra lines (raw text) appended to a data file before it is compressed and hashed. */
  extraLines?: { file: number; lines: string[] };
  /** `outputFormat` "ION" (data files .ion.gz). */
  ion?: boolean;
  /** An incremental export (`exportType` "INCREMENTAL_EXPORT", lines {"Keys","NewImage"}). */
  incremental?: boolean;
};

export type DataFile = { key: string; itemCount: number; body: Buffer };

/** An export in memory: every object by its key in the bucket. */
export type BuiltExport = {
  /** Key of the export's folder: PREFIX/AWSDynamoDB/EXPORT_ID. */
  root: string;
  exportArn: string;
  exportTime: string;
  tableArn: string;
  itemCount: number;
  dataFiles: DataFile[];
  objects: Map<string, Buffer>;
};

const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest();

/** Builds the export of `items` (DynamoDB JSON attribute maps, written as given). */
export function buildExport(items: readonly Item[], options: ExportOptions = {}): BuiltExport {
  const prefix = options.prefix ?? "exports";
  const exportId = options.exportId ?? "01770681600000-a1b2c3d4";
  const table = options.table ?? "sentinel-sessions";
  const region = options.region ?? "us-east-1";
  const exportTime = options.exportTime ?? "2026-02-10T00:00:00.000Z";
  const fileCount = options.files ?? 3;
  const members = options.gzipMembers ?? 1;
  const root = `${prefix}/AWSDynamoDB/${exportId}`;
  const tableArn = `arn:aws:dynamodb:${region}:${options.account ?? "111122223333"}:table/${table}`;
  const exportArn = `${tableArn}/export/${exportId}`;
  const extension = options.ion ? "ion.gz" : "json.gz";

  const lines: string[][] = Array.from({ length: fileCount }, () => []);
  items.forEach((item, i) => {
    const line = options.incremental
      ? JSON.stringify({
          Metadata: { WriteTimestampMicros: { N: "1770681600000000" } },
          Keys: { id: item.id },
          NewImage: item,
        })
      : JSON.stringify({ Item: item });
    (lines[i % fileCount] as string[]).push(line);
  });
  if (options.extraLines !== undefined) lines[options.extraLines.file]?.push(...options.extraLines.lines);

  const objects = new Map<string, Buffer>();
  const dataFiles: DataFile[] = [];
  const manifestLines: string[] = [];
  lines.forEach((fileLines, index) => {
    const key = `${root}/data/${fileName(exportId, index)}.${extension}`;
    // Each member a run of whole lines, every line ending in "\n" (as AWS writes them).
    const per = Math.ceil(fileLines.length / members) || 1;
    const parts: Buffer[] = [];
    for (let m = 0; m < members; m++) {
      const run = fileLines.slice(m * per, (m + 1) * per);
      if (run.length > 0 || m === 0) parts.push(gzipSync(run.map((l) => `${l}\n`).join("")));
    }
    const body = Buffer.concat(parts);
    const realCount =
      options.extraLines?.file === index ? fileLines.length - options.extraLines.lines.length : fileLines.length;
    const itemCount = realCount + (options.wrongCount?.file === index ? options.wrongCount.by : 0);
    manifestLines.push(
      JSON.stringify({
        itemCount,
        md5Checksum: md5(body).toString("base64"),
        etag: md5(body).toString("hex"),
        dataFileS3Key: key,
      }),
    );
    let stored = body;
    if (options.flipByte?.file === index) {
      stored = Buffer.from(body);
      const at = options.flipByte.at ?? 4;
      stored[at] = ((stored[at] as number) ^ 0xff) & 0xff;
    }
    dataFiles.push({ key, itemCount, body: stored });
    if (options.dropFile !== index) objects.set(key, stored);
  });

  const listed = dataFiles.reduce((sum, file) => sum + file.itemCount, 0);
  const itemCount = options.summaryItemCount ?? listed;
  const filesText = Buffer.from(`${manifestLines.join("\n")}\n`);
  const summary: Record<string, unknown> = {
    version: "2020-06-30",
    exportArn,
    startTime: exportTime,
    endTime: "2026-02-10T00:05:12.345Z",
    tableArn,
    tableId: "12345a12-abcd-123a-ab12-1234abc12345",
    exportTime,
    s3Bucket: options.bucket ?? "sentinel-exports",
    s3Prefix: prefix,
    s3SseAlgorithm: "AES256",
    s3SseKmsKeyId: null,
    manifestFilesS3Key: `${root}/manifest-files.json`,
    billedSizeBytes: dataFiles.reduce((sum, file) => sum + file.body.length, 0),
    itemCount,
    outputFormat: options.ion ? "ION" : "DYNAMODB_JSON",
  };
  if (options.incremental) {
    Object.assign(summary, {
      exportType: "INCREMENTAL_EXPORT",
      exportFromTime: "2026-02-09T00:00:00.000Z",
      exportToTime: exportTime,
      outputView: "NEW_AND_OLD_IMAGES",
    });
  } else {
    summary.exportType = "FULL_EXPORT";
  }
  const summaryText = Buffer.from(JSON.stringify(summary));
  objects.set(`${root}/_started`, Buffer.alloc(0));
  objects.set(`${root}/manifest-files.json`, filesText);
  objects.set(`${root}/manifest-files.md5`, Buffer.from(md5(filesText).toString("base64")));
  objects.set(`${root}/manifest-summary.json`, summaryText);
  objects.set(`${root}/manifest-summary.md5`, Buffer.from(md5(summaryText).toString("base64")));
  return { root, exportArn, exportTime, tableArn, itemCount, dataFiles, objects };
}

/** A data file name in AWS's style: 26 lowercase base32 characters, fixed for a given export and index. */
function fileName(exportId: string, index: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const digest = createHash("sha256").update(`${exportId}/${index}`).digest();
  return Array.from(digest.subarray(0, 26), (byte) => alphabet[byte % 32]).join("");
}

/** Writes the export under `dir` as `aws s3 sync s3://BUCKET dir` would; the export's folder. */
export function writeExportToFolder(built: BuiltExport, dir: string): string {
  for (const [key, body] of built.objects) {
    const path = join(dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  }
  return join(dir, built.root);
}

/** Puts the export into `bucket` (created if needed) at an S3 endpoint such as moto's; the export's s3:// URI. */
export async function writeExportToBucket(built: BuiltExport, endpoint: string, bucket: string): Promise<string> {
  const { S3Client, CreateBucketCommand, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: Error) => {
      if (error.name !== "BucketAlreadyOwnedByYou" && error.name !== "BucketAlreadyExists") throw error;
    });
    await Promise.all(
      [...built.objects].map(([key, body]) =>
        client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })),
      ),
    );
  } finally {
    client.destroy();
  }
  return `s3://${bucket}/${built.root}`;
}
