import { InterruptedError, SentinelError } from "./errors.ts";

/** What the failing call was about, for the message. */
export type ErrorContext = { operation: string; table: string; region: string; endpoint: string };

/** An error as the AWS SDK throws it: its name, a system code on it or its cause, the response's metadata. */
export type SdkError = Error & {
  code?: string;
  cause?: { code?: string };
  $metadata?: { requestId?: string; httpStatusCode?: number; attempts?: number };
  $fault?: string;
};

/** Error codes of a connection that failed: the endpoint could not be reached or went away. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
]);
const CREDENTIAL_REJECTED = new Set([
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "IncompleteSignatureException",
  "MissingAuthenticationTokenException",
]);

// scheme://user:password@host: what is between "//" and the "@" before the host.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

// A URL's query string: presigned and token parameters (X-Amz-Security-Token=…) are secrets too.
const URL_QUERY = /\b([a-z][a-z0-9+.-]*:\/\/[^\s?#]*)\?[^\s#]*/gi;

/**
 * Text with the user:password and the query string of every URL in it hidden, for messages.
 * @example withoutUrlCredentials("http://admin:s3cret@127.0.0.1:8000/") // "http://***@127.0.0.1:8000/"
 */
export function withoutUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, "$1***@").replace(URL_QUERY, "$1?***");
}

/** The first line of an SDK message, without URL credentials. */
export function firstLine(text: string): string {
  return withoutUrlCredentials(text.split("\n", 1)[0]?.trim() ?? "");
}

/**
 * The --debug line of a failed call: what failed, the error's name and first
 * line, and the request id and attempts when the SDK has them.
 * @example failureDetail("Scan", e) // "Scan failed: ThrottlingException: Rate exceeded; request id R1; attempts 5"
 */
export function failureDetail(what: string, e: SdkError): string {
  const attempts = e.$metadata?.attempts;
  return [
    `${what} failed: ${e.name}: ${firstLine(e.message)}`,
    e.$metadata?.requestId ? `request id ${e.$metadata.requestId}` : "",
    attempts ? `attempts ${attempts}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

/** The system error code of a failed connection (ECONNREFUSED…), on the error or on its cause. */
export function errorCode(e: SdkError): string | undefined {
  return e.code ?? e.cause?.code;
}

/**
 * The answer could not be read as a result: an answer that is not the
 * service's protocol (checked by WholeResponseHandler), or one the SDK could
 * not parse (it marks those with the raw `$response`).
 */
function isUnreadableAnswer(e: SdkError): boolean {
  if (e.name === "UnexpectedAnswerError") return true;
  const status = e.$metadata?.httpStatusCode;
  return "$response" in e && e.$fault === undefined && status !== undefined && status >= 200 && status < 300;
}

/** Turns an AWS SDK failure into one actionable line (SPEC §6). */
export function toSentinelError(error: unknown, context: ErrorContext): Error {
  if (error instanceof SentinelError || error instanceof InterruptedError) return error;
  const e = (error instanceof Error ? error : new Error(String(error))) as SdkError;
  if (e.name === "AbortError") return new InterruptedError("interrupted");
  const ctx = { ...context, endpoint: withoutUrlCredentials(context.endpoint) };
  const attempts = e.$metadata?.attempts;
  const detail = failureDetail(ctx.operation, e);
  const make = (message: string) => new SentinelError(message, { cause: error, debugDetail: detail });
  const code = errorCode(e);
  if (isUnreadableAnswer(e)) {
    const what =
      e.name === "UnexpectedAnswerError"
        ? firstLine(e.message)
        : `HTTP ${e.$metadata?.httpStatusCode} and a body that cannot be parsed (${e.name})`;
    return make(
      `the endpoint ${ctx.endpoint} answered ${ctx.operation} with ${what}, which is not a ${ctx.operation} result: check --endpoint-url`,
    );
  }
  if (e.name === "ResourceNotFoundException") {
    return make(`table "${ctx.table}" not found in ${ctx.region}: check --table and --region`);
  }
  if (e.name === "AccessDeniedException") {
    return make(
      `access denied for ${ctx.operation} on table "${ctx.table}": ${firstLine(e.message)}; grant the IAM permissions listed in the README`,
    );
  }
  if (CREDENTIAL_REJECTED.has(e.name)) {
    return make(`AWS rejected the credentials (${e.name}): refresh them or pick another with --aws-profile`);
  }
  if (e.name === "CredentialsProviderError" || /credential/i.test(e.name)) {
    return make(
      `no AWS credentials found: ${firstLine(e.message)}; set AWS_PROFILE, pass --aws-profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
  if (e.name === "TimeoutError" || e.name === "RequestTimeout" || code === "ETIMEDOUT") {
    return make(
      `${ctx.operation} on table "${ctx.table}" timed out at ${ctx.endpoint}${attempts ? ` after ${attempts} attempts` : ""}: check the network, or raise --timeout`,
    );
  }
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return make(`cannot reach DynamoDB at ${ctx.endpoint} (${code}): check --endpoint-url, --region and the network`);
  }
  const status = e.$metadata?.httpStatusCode;
  const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : "";
  return make(
    `${ctx.operation} on table "${ctx.table}" failed${tries}: ${e.name}${status ? ` (HTTP ${status})` : ""}: ${firstLine(e.message) || "no message"}`,
  );
}

/** True for DynamoDB's answer to a Query on an index the table does not have. */
export function isMissingIndex(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === "ValidationException" &&
    /specified index|index.*(does not exist|not found)/i.test(error.message)
  );
}
