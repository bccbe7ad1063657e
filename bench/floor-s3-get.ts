// The floor of reading a trail bucket: a bare AWS SDK download of the same
// objects, N GetObject requests at once, each body read to its end and thrown
// away (no gunzip, no hashing, no parsing). Nothing `--cloudtrail-s3` does can be
// cheaper than this. The S3 client is set up as sentinel's is (path-style on a
// custom endpoint, keep-alive sockets).
// Usage: bun bench/floor-s3-get.ts ENDPOINT BUCKET KEYS_FILE CONCURRENCY  (prints objects and bytes read)
import { readFileSync } from "node:fs";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";

const [endpoint, bucket, keysFile, concurrencyText] = process.argv.slice(2);
const concurrency = Number(concurrencyText ?? 16);
const keys = readFileSync(keysFile as string, "utf8")
  .split("\n")
  .filter(Boolean);
const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  responseChecksumValidation: "WHEN_REQUIRED",
  requestHandler: { httpAgent: { keepAlive: true, maxSockets: 64 } },
});
let next = 0;
let objects = 0;
let bytes = 0;
await Promise.all(
  Array.from({ length: Math.min(concurrency, keys.length) }, async () => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      for await (const piece of answer.Body as AsyncIterable<Uint8Array>) bytes += piece.length;
      objects++;
    }
  }),
);
console.log(`${objects} ${bytes}`);
client.destroy();
