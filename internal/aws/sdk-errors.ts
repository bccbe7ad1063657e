import { InterruptedError, SentinelError } from "./errors.ts";

/** What the failing call was about, for the message. */
export type ErrorContext = { operation: string; table: string; region: string; endpoint: string };

type SdkError = Error & {
  code?: string;
  $metadata?: { requestId?: string; httpStatusCode?: number; attempts?: number };
  $fault?: string;
};

const NETWORK_CODES = new Set([
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

function firstLine(text: string): string {
  return text.split("\n", 1)[0]?.trim() ?? "";
}

/** Turns an AWS SDK failure into one actionable line (SPEC §6). */
export function toSentinelError(error: unknown, ctx: ErrorContext): Error {
  if (error instanceof SentinelError || error instanceof InterruptedError) return error;
  const e = (error instanceof Error ? error : new Error(String(error))) as SdkError;
  if (e.name === "AbortError") return new InterruptedError("interrupted");
  const attempts = e.$metadata?.attempts;
  const detail = [
    `${ctx.operation} failed: ${e.name}: ${firstLine(e.message)}`,
    e.$metadata?.requestId ? `request id ${e.$metadata.requestId}` : "",
    attempts ? `attempts ${attempts}` : "",
  ]
    .filter(Boolean)
    .join("; ");
  const make = (message: string) => new SentinelError(message, { cause: error, debugDetail: detail });
  const code = e.code ?? (e as { cause?: { code?: string } }).cause?.code;
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
