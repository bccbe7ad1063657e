// The floor of `--from-export s3://…`: a bare SDK download of every data file
// of the export (keys from its manifest-files.json), CONCURRENCY GetObject
// requests at once as the reader makes them, bodies read and thrown away.
// Prints the bytes downloaded. Usage: bun bench/floor-export-s3.ts ENDPOINT BUCKET EXPORT_KEY CONCURRENCY
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";

const [endpoint, bucket, root, concurrencyText] = process.argv.slice(2);
const concurrency = Number(concurrencyText ?? 16);
const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  requestHandler: { httpAgent: { keepAlive: true, maxSockets: 64 } },
});
const get = (key: string) => client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
const list = await (await get(`${root}/manifest-files.json`)).Body?.transformToString();
const keys = (list ?? "")
  .split("\n")
  .filter((line) => line !== "")
  .map((line) => JSON.parse(line).dataFileS3Key as string);
let bytes = 0;
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(concurrency, keys.length) }, async () => {
    while (next < keys.length) {
      const answer = await get(keys[next++] as string);
      for await (const piece of answer.Body as AsyncIterable<Uint8Array>) bytes += piece.length;
    }
  }),
);
console.log(bytes);
client.destroy();
