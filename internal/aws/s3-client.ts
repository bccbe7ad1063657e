// S3 for the readers that take objects from a bucket: DynamoDB exports now,
// CloudTrail's trail bucket too. The client is created on first use, so a run
// that reads no bucket never loads the S3 SDK.
import type { S3Client } from "@aws-sdk/client-s3";
import { type ConnectionOptions, requestHandlerOptions } from "./connection.ts";
import { InterruptedError, SentinelError, UsageError } from "./errors.ts";
import {
  errorCode,
  failureDetail,
  firstLine,
  NETWORK_CODES,
  type SdkError,
  withoutUrlCredentials,
} from "./sdk-errors.ts";
import { checkedRegion, nonEmpty } from "./shared-config.ts";

/** An S3 client and what it resolved, for messages and for reading on after a failed attempt. */
export type S3Connection = {
  client: S3Client;
  region: string;
  /** The endpoint for messages, user:password hidden. */
  endpoint: string;
  /** Longest wait for the answer's headers, and then for each next piece of its body. */
  timeoutMs: number;
  /** Attempts per object read, first one included (the SDK's, and ours once a body breaks off). */
  maxAttempts: number;
};

/** An object being read: its body as it arrives. */
export type S3ObjectStream = {
  body: AsyncIterable<Uint8Array>;
  /** Bytes this answer carries (of the range asked for). */
  contentLength: number | undefined;
  etag: string | undefined;
  /** The answer's Content-Range (`bytes 100-999/1000`), for a range asked for. */
  contentRange: string | undefined;
  /** S3 user metadata, names without `x-amz-meta-` (as the SDK gives them). */
  metadata: Readonly<Record<string, string>>;
};

/** Where an S3 failure happened, for the message. */
export type S3ErrorContext = { operation: string; bucket: string; key: string; region: string; endpoint: string };

/** The region asked when none is configured: S3 answers for any bucket there, naming the bucket's own. */
const S3_FALLBACK_REGION = "us-east-1";

/** The endpoint the client is given, if any: flag, then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL. */
export function s3EndpointOverride(
  opts: Pick<ConnectionOptions, "endpointUrl">,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return opts.endpointUrl ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
}

/**
 * Builds the S3 client: the usual region and credential chain plus
 * `--aws-profile`, bounded standard retries (S3's 503 SlowDown and 500s are
 * retried), path-style addressing on a custom endpoint (a local S3 has no
 * bucket host names), and the bucket's own region followed when S3 answers
 * 301 PermanentRedirect with `x-amz-bucket-region` (the SDK's
 * `followRegionRedirects`: the request is signed again for that region); with
 * no region configured at all, us-east-1 is asked first, as the AWS CLI does.
 * `opts.endpointUrl`, when given, is an S3 endpoint.
 */
export async function connectS3(
  opts: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>>,
): Promise<S3Connection> {
  const explicitRegion = checkedRegion(opts, env);
  const endpoint = s3EndpointOverride(opts, env);
  const { S3Client } = await import("@aws-sdk/client-s3");
  const clientIn = (region: string | undefined) =>
    new S3Client({
      ...(region === undefined ? {} : { region }),
      ...(opts.awsProfile === undefined ? {} : { profile: opts.awsProfile }),
      ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
      followRegionRedirects: true,
      // Export data files are checked against their manifest's MD5; a partial read has no whole-object checksum.
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: opts.maxAttempts,
      retryMode: "standard",
      requestHandler: requestHandlerOptions(opts),
    });
  let client = clientIn(explicitRegion);
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    // No region anywhere: as the AWS CLI does for S3, ask us-east-1, which redirects to the bucket's region.
    client.destroy();
    region = S3_FALLBACK_REGION;
    client = clientIn(region);
  }
  return {
    client,
    region,
    endpoint: withoutUrlCredentials(endpoint ?? `https://s3.${region}.amazonaws.com`),
    timeoutMs: opts.timeoutMs,
    maxAttempts: opts.maxAttempts,
  };
}

function timeoutError(timeoutMs: number): Error {
  // The SDK's name and code for a timed-out attempt, so it is told and retried alike.
  return Object.assign(new Error(`no data for ${timeoutMs} ms`), { name: "TimeoutError", code: "ETIMEDOUT" });
}

/**
 * The body's pieces, failing with a TimeoutError when none arrives within
 * `timeoutMs` (the SDK's timeout ends with the headers), and stopping on
 * `signal`. Memory holds one piece at a time.
 */
async function* boundedBody(
  body: AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void },
  timeoutMs: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  const pieces = body[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort: (() => void) | undefined;
      const stop = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError(timeoutMs)), timeoutMs);
        onAbort = () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
        if (signal?.aborted) onAbort();
        else signal?.addEventListener("abort", onAbort, { once: true });
      });
      try {
        const next = await Promise.race([pieces.next(), stop]);
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      } finally {
        clearTimeout(timer);
        if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
      }
    }
  } finally {
    // Given up early (timeout, abort, a consumer that stopped): free the socket.
    if (!finished) body.destroy?.();
  }
}

/**
 * Starts reading an object, from byte `fromByte` on when given (a Range
 * request, after a read broke off) and only while it is still the version
 * `ifMatch` names. The SDK retries what fails before the body (throttling,
 * 5xx, resets); a body that breaks off fails while being read.
 */
export async function openObject(
  s3: S3Connection,
  request: { bucket: string; key: string; fromByte?: number; ifMatch?: string; signal?: AbortSignal },
): Promise<S3ObjectStream> {
  const { GetObjectCommand } = await import("@aws-sdk/client-s3");
  const output = await s3.client.send(
    new GetObjectCommand({
      Bucket: request.bucket,
      Key: request.key,
      ...(request.fromByte === undefined || request.fromByte === 0 ? {} : { Range: `bytes=${request.fromByte}-` }),
      ...(request.ifMatch === undefined ? {} : { IfMatch: request.ifMatch }),
    }),
    { abortSignal: request.signal },
  );
  const body = output.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  return {
    body: body === undefined ? (async function* () {})() : boundedBody(body, s3.timeoutMs, request.signal),
    contentLength: output.ContentLength,
    etag: output.ETag,
    contentRange: output.ContentRange,
    metadata: output.Metadata ?? {},
  };
}

/** The object is not in the bucket (NoSuchKey). */
export class NoSuchObject extends SentinelError {}

/**
 * Opens an object and reads it to the end, resuming from the byte where an
 * answer broke off (a Range request bound to the first answer's ETag), at most
 * `maxAttempts` times: the SDK retries a request, not a body cut short. Throws
 * NoSuchObject for a missing key, our own errors for the rest.
 */
export async function openWhole(
  s3: S3Connection,
  request: { bucket: string; key: string; label: string; signal?: AbortSignal },
): Promise<{ metadata: Readonly<Record<string, string>>; body: AsyncIterable<Uint8Array> }> {
  const { bucket, key, signal } = request;
  const context = { operation: "GetObject", bucket, key, region: s3.region, endpoint: s3.endpoint };
  const open = async (fromByte: number, ifMatch: string | undefined) => {
    try {
      return await openObject(s3, { bucket, key, fromByte, ifMatch, signal });
    } catch (error) {
      // The SDK has made its attempts at this request already.
      if ((error as Error).name === "NoSuchKey") throw new NoSuchObject(`${request.label} not found`, { cause: error });
      throw toS3Error(error, context);
    }
  };
  const first = await open(0, undefined);
  const total = first.contentLength;
  const etag = first.etag;
  async function* body(): AsyncIterable<Uint8Array> {
    let object = first;
    let received = 0;
    let breaks = 0;
    for (;;) {
      try {
        for await (const piece of object.body) {
          received += piece.length;
          yield piece;
        }
        if (total === undefined || received >= total) return;
        throw Object.assign(new Error(`the answer ended after ${received} of ${total} bytes`), { name: "ShortBody" });
      } catch (error) {
        if ((error as Error).name === "AbortError" || signal?.aborted) throw new InterruptedError("interrupted");
        if (error instanceof SentinelError || error instanceof InterruptedError) throw error;
        breaks++;
        if (breaks >= s3.maxAttempts) {
          throw new SentinelError(
            `reading ${request.label} broke off ${breaks} times (last: ${(error as Error).message}): check the network and try again`,
            { cause: error },
          );
        }
      }
      object = await open(received, etag);
      object = { ...object, body: fromByte(object, received, total, request.label) };
    }
  }
  return { metadata: first.metadata, body: body() };
}

/**
 * The body of a resumed read from byte `from` on. An answer to the Range
 * asked for starts there (Content-Range); a server or proxy that ignored the
 * Range sends the whole object again, whose first `from` bytes are skipped;
 * any other answer would splice two different byte ranges, and is an error.
 */
async function* fromByte(
  object: S3ObjectStream,
  from: number,
  total: number | undefined,
  label: string,
): AsyncIterable<Uint8Array> {
  const start = /^bytes (\d+)-/.exec(object.contentRange ?? "")?.[1];
  if (start !== undefined && Number(start) === from) {
    yield* object.body;
    return;
  }
  if (start !== undefined || object.contentLength !== total) {
    throw new SentinelError(
      `reading ${label} on from byte ${from} was answered with ${object.contentRange === undefined ? `${object.contentLength ?? "unknown"} bytes and no Content-Range` : `bytes ${object.contentRange.replace(/^bytes /, "")}`}: check AWS_ENDPOINT_URL_S3 and any proxy on the way`,
    );
  }
  let skip = from;
  for await (const piece of object.body) {
    if (skip >= piece.length) {
      skip -= piece.length;
      continue;
    }
    yield skip === 0 ? piece : piece.subarray(skip);
    skip = 0;
  }
}

type S3SdkError = SdkError & {
  Code?: string;
  $response?: { headers?: Record<string, string | undefined> };
};

/** The network codes, and the name S3's SDK gives a refused connection. */
const S3_NETWORK_CODES: ReadonlySet<string> = new Set([...NETWORK_CODES, "ConnectionRefused"]);
const CREDENTIAL_REJECTED = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
]);

/** Turns an S3 SDK failure into one actionable line (SPEC §6), naming the object as `s3://bucket/key`. */
export function toS3Error(error: unknown, context: S3ErrorContext): Error {
  if (error instanceof SentinelError || error instanceof InterruptedError || error instanceof UsageError) return error;
  const e = (error instanceof Error ? error : new Error(String(error))) as S3SdkError;
  if (e.name === "AbortError") return new InterruptedError("interrupted");
  const endpoint = withoutUrlCredentials(context.endpoint);
  const uri = `s3://${context.bucket}/${context.key}`;
  const attempts = e.$metadata?.attempts;
  const detail = failureDetail(`${context.operation} ${uri}`, e);
  const make = (message: string) => new SentinelError(message, { cause: error, debugDetail: detail });
  const code = errorCode(e);
  const status = e.$metadata?.httpStatusCode;
  if (e.name === "NoSuchBucket") {
    return make(`bucket "${context.bucket}" not found (reading ${uri}): check the URI`);
  }
  if (e.name === "NoSuchKey" || (status === 404 && e.name === "NotFound")) {
    return make(`${uri} not found: check the URI`);
  }
  // Before access denied: S3 sends rejected credentials as a 403 too.
  if (CREDENTIAL_REJECTED.has(e.name)) {
    return make(`AWS rejected the credentials (${e.name}): refresh them or pick another with --aws-profile`);
  }
  if (e.name === "AccessDenied" || status === 403) {
    const said = e.message && e.message !== "UnknownError" ? `: ${firstLine(e.message)}` : "";
    const grant =
      context.operation === "ListObjectsV2"
        ? `grant s3:ListBucket on bucket "${context.bucket}" for that prefix`
        : "grant s3:GetObject on it (without s3:ListBucket, S3 also says so for an object that does not exist)";
    return make(`access denied for ${context.operation} on ${uri}${said}; ${grant}`);
  }
  if (e.name === "PermanentRedirect" || status === 301) {
    const region = e.$response?.headers?.["x-amz-bucket-region"];
    return make(
      `bucket "${context.bucket}" is not in ${context.region}${region ? ` but in ${region}` : ""}: pass --region${region ? ` ${region}` : ""}`,
    );
  }
  if (e.name === "PreconditionFailed" || status === 412) {
    return make(`${uri} changed while it was read: read the export again`);
  }
  if (e.name === "CredentialsProviderError" || /credential/i.test(e.name)) {
    return make(
      `no AWS credentials found: ${firstLine(e.message)}; set AWS_PROFILE, pass --aws-profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
  // Before the timeout check: the SDK names a reset socket "TimeoutError" too, with the code saying what it was.
  if (code !== undefined && code !== "ETIMEDOUT" && S3_NETWORK_CODES.has(code)) {
    const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : "";
    return make(
      `cannot reach S3 at ${endpoint} (${code}) for ${context.operation} ${uri}${tries}: check AWS_ENDPOINT_URL_S3, --region and the network`,
    );
  }
  if (e.name === "TimeoutError" || e.name === "RequestTimeout" || code === "ETIMEDOUT") {
    return make(
      `${context.operation} ${uri} timed out at ${endpoint}${attempts ? ` after ${attempts} attempts` : ""}: check the network, or raise --timeout`,
    );
  }
  const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : "";
  return make(
    `${context.operation} ${uri} failed${tries}: ${e.name}${status ? ` (HTTP ${status})` : ""}: ${firstLine(e.message) || "no message"}`,
  );
}
