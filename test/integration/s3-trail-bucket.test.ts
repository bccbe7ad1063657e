// The trail bucket's listing against moto's S3: keys come back exactly as
// stored, whatever characters they hold (a carriage return, which XML would
// turn into a line feed, a space, "+", "%", non-ASCII), and each opens.
import { afterAll, expect, test } from "bun:test";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { keyOf, listedKey, S3TrailBucket } from "../../internal/audit/s3-trail-bucket.ts";
import { connectS3 } from "../../internal/aws/s3-client.ts";
import { TEST_AWS_ENV } from "../support/aws-env.ts";
import { sharedMoto } from "../support/moto.ts";

const moto = await sharedMoto();
const BUCKET = `odd-keys-${process.pid}`;
const KEYS = [
  "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/20/planted\rfile.json",
  "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/20/a b+c%41d.json",
  "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/20/überprüfung (1).json",
  "AWSLogs/sp ace+plus\r/CloudTrail/x.json",
];
const setup = new S3Client({
  endpoint: moto.endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "t", secretAccessKey: "t" },
});
await setup.send(new CreateBucketCommand({ Bucket: BUCKET }));
for (const key of KEYS) await setup.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `body of ${key}` }));
const s3 = await connectS3(
  { region: "us-east-1", timeoutMs: 10_000, maxAttempts: 3 },
  { ...TEST_AWS_ENV, AWS_ENDPOINT_URL_S3: moto.endpoint },
);
const bucket = new S3TrailBucket(s3, BUCKET);
afterAll(() => {
  setup.destroy();
  s3.client.destroy();
});

test("listed keys and folders are the stored ones, and each key opens", async () => {
  const files = await bucket.listFiles("AWSLogs/");
  expect(files.map((f) => f.key).sort()).toEqual([...KEYS].sort());
  expect((await bucket.listFolders("AWSLogs/")).sort()).toEqual(["AWSLogs/111122223333/", "AWSLogs/sp ace+plus\r/"]);
  for (const key of KEYS) {
    const opened = await bucket.open(key);
    let text = "";
    for await (const piece of opened.body) text += Buffer.from(piece).toString("utf8");
    expect(text).toBe(`body of ${key}`);
  }
});

test("listedKey() reads S3's form encoding and plain percent-encoding alike", () => {
  expect(listedKey("a+b%2Bc%20d")).toBe("a b+c d");
  expect(listedKey("planted%0Dfile.json")).toBe("planted\rfile.json");
  expect(listedKey("%C3%BCber")).toBe("über");
});

test("a page that does not say it encoded its keys is taken as it is; a broken escape is one line naming the listing", () => {
  expect(keyOf({}, "a+b%41.json.gz", "s3://b/p/")).toBe("a+b%41.json.gz");
  expect(keyOf({ EncodingType: "url" }, "a+b%41.json.gz", "s3://b/p/")).toBe("a bA.json.gz");
  expect(() => keyOf({ EncodingType: "url" }, "bad%zz", "s3://b/p/")).toThrow(
    'the listing of s3://b/p/ holds a key that is not URL-encoded as asked ("bad%zz"): check AWS_ENDPOINT_URL_S3',
  );
});
