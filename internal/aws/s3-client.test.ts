import { expect, test } from "bun:test";
import { InterruptedError, SentinelError } from "./errors.ts";
import { connectS3, s3EndpointOverride, toS3Error } from "./s3-client.ts";

const FILES = { AWS_CONFIG_FILE: "/nonexistent/config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials" };
const OPTIONS = { timeoutMs: 5_000, maxAttempts: 3 };

test.each([
  [{ endpointUrl: "http://flag" }, { AWS_ENDPOINT_URL_S3: "http://s3", AWS_ENDPOINT_URL: "http://all" }, "http://flag"],
  [{}, { AWS_ENDPOINT_URL_S3: "http://s3", AWS_ENDPOINT_URL: "http://all" }, "http://s3"],
  [{}, { AWS_ENDPOINT_URL_S3: "", AWS_ENDPOINT_URL: "http://all" }, "http://all"],
  [{}, {}, undefined],
])("s3EndpointOverride(%p, %p) is %p", (opts, env, expected) => {
  expect(s3EndpointOverride(opts, env)).toBe(expected);
});

test("a custom endpoint is addressed path-style; the bucket's region is followed; the label hides user:password", async () => {
  const s3 = await connectS3(OPTIONS, {
    ...FILES,
    AWS_REGION: "eu-west-1",
    AWS_ENDPOINT_URL_S3: "http://me:pw@127.0.0.1:9",
  });
  const config = s3.client.config as unknown as { forcePathStyle: boolean; followRegionRedirects: boolean };
  expect(config.forcePathStyle).toBe(true);
  expect(config.followRegionRedirects).toBe(true);
  expect(s3.region).toBe("eu-west-1");
  expect(s3.endpoint).toBe("http://***@127.0.0.1:9");
  s3.client.destroy();
});

test("without a custom endpoint the label is the region's S3 endpoint", async () => {
  const s3 = await connectS3({ ...OPTIONS, region: "ap-south-1" }, FILES);
  expect(s3.endpoint).toBe("https://s3.ap-south-1.amazonaws.com");
  s3.client.destroy();
});

test("no region at all: us-east-1 is asked, as the AWS CLI does for S3 (it redirects to the bucket's region)", async () => {
  // The SDK reads the process environment too: take the preload's region away for this test.
  const region = process.env.AWS_REGION;
  delete process.env.AWS_REGION;
  try {
    const s3 = await connectS3(OPTIONS, FILES);
    expect(s3.region).toBe("us-east-1");
    expect(await s3.client.config.region()).toBe("us-east-1");
    s3.client.destroy();
  } finally {
    process.env.AWS_REGION = region;
  }
});

const CONTEXT = { operation: "GetObject", bucket: "b", key: "p/k", region: "us-east-1", endpoint: "http://u:p@h:1" };
const sdkError = (name: string, status: number, extra: object = {}) =>
  Object.assign(new Error(name === "NoSuchBucket" ? "The specified bucket does not exist" : "x"), {
    name,
    $metadata: { httpStatusCode: status, attempts: 1 },
    ...extra,
  });

test.each([
  [sdkError("NoSuchBucket", 404), 'bucket "b" not found (reading s3://b/p/k): check the URI'],
  [sdkError("NoSuchKey", 404), "s3://b/p/k not found: check the URI"],
  [sdkError("PreconditionFailed", 412), "s3://b/p/k changed while it was read: read the export again"],
  [
    sdkError("PermanentRedirect", 301, { $response: { headers: { "x-amz-bucket-region": "eu-west-1" } } }),
    'bucket "b" is not in us-east-1 but in eu-west-1: pass --region eu-west-1',
  ],
  [
    sdkError("InvalidAccessKeyId", 403),
    "AWS rejected the credentials (InvalidAccessKeyId): refresh them or pick another with --aws-profile",
  ],
  [
    Object.assign(new Error("socket hang up"), { name: "TimeoutError", code: "ECONNRESET" }),
    "cannot reach S3 at http://***@h:1 (ECONNRESET) for GetObject s3://b/p/k: check AWS_ENDPOINT_URL_S3, --region and the network",
  ],
  [
    Object.assign(new Error("read ECONNRESET"), { name: "Error", code: "ECONNRESET", $metadata: { attempts: 5 } }),
    "cannot reach S3 at http://***@h:1 (ECONNRESET) for GetObject s3://b/p/k after 5 attempts: check AWS_ENDPOINT_URL_S3, --region and the network",
  ],
  [
    sdkError("AccessDenied", 403),
    "access denied for GetObject on s3://b/p/k: x; grant s3:GetObject on it (without s3:ListBucket, S3 also says so for an object that does not exist)",
  ],
  [
    Object.assign(new Error("no data"), { name: "TimeoutError", $metadata: { attempts: 3 } }),
    "GetObject s3://b/p/k timed out at http://***@h:1 after 3 attempts: check the network, or raise --timeout",
  ],
])("toS3Error(%p) says one line", (error, message) => {
  const converted = toS3Error(error, CONTEXT);
  expect(converted).toBeInstanceOf(SentinelError);
  expect(converted.message).toBe(message);
});

test("access denied to a listing asks for s3:ListBucket, not s3:GetObject", () => {
  const listing = { ...CONTEXT, operation: "ListObjectsV2", key: "AWSLogs/" };
  expect(toS3Error(sdkError("AccessDenied", 403), listing).message).toBe(
    'access denied for ListObjectsV2 on s3://b/AWSLogs/: x; grant s3:ListBucket on bucket "b" for that prefix',
  );
});

test("an abort is an interruption", () => {
  expect(toS3Error(Object.assign(new Error("x"), { name: "AbortError" }), CONTEXT)).toBeInstanceOf(InterruptedError);
});
