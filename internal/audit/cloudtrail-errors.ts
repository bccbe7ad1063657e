import { InterruptedError, SentinelError } from "../aws/errors.ts";
import { errorCode, failureDetail, type SdkError } from "../aws/sdk-errors.ts";

/** LookupEvents, as its failures name it. */
export const LOOKUP_EVENTS: CloudTrailCall = {
  operation: "LookupEvents",
  alternative: "or read log files with --cloudtrail-logs",
  reachHint: "AWS_ENDPOINT_URL_CLOUDTRAIL, --trail-region and the network",
};

/** ListPublicKeys (log file validation), as its failures name it. */
export const LIST_PUBLIC_KEYS: CloudTrailCall = {
  operation: "ListPublicKeys",
  reachHint: "AWS_ENDPOINT_URL_CLOUDTRAIL and the network",
};

/** A CloudTrail call as its failures name it: the operation and what else to try. */
export type CloudTrailCall = {
  operation: string;
  /** Said after the advice when access is denied or throttled, e.g. "or read log files with --cloudtrail-logs". */
  alternative?: string;
  /** The settings to check when CloudTrail cannot be reached. */
  reachHint: string;
};

/** One actionable line for a failed CloudTrail call (SPEC §6). */
export function cloudTrailError(error: unknown, call: CloudTrailCall, region: string, endpoint: string): Error {
  if (error instanceof SentinelError || error instanceof InterruptedError) return error;
  const e = (error instanceof Error ? error : new Error(String(error))) as SdkError;
  if (e.name === "AbortError") return new InterruptedError("interrupted");
  const message = (e.message ?? "").split("\n", 1)[0]?.trim() ?? "";
  const attempts = e.$metadata?.attempts;
  const debugDetail = failureDetail(call.operation, e);
  const or = call.alternative === undefined ? "" : `, ${call.alternative}`;
  const make = (text: string) => new SentinelError(text, { cause: error, debugDetail });
  const code = errorCode(e);
  if (e.name === "AccessDeniedException" || e.name === "AccessDenied") {
    return make(
      `access denied for cloudtrail:${call.operation} in ${region}: ${message}; grant it (docs/guide/install.md)${or}`,
    );
  }
  if (e.name === "CredentialsProviderError" || /credential/i.test(e.name)) {
    return make(
      `no AWS credentials found: ${message}; set AWS_PROFILE, pass --aws-profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
  if (
    e.name === "UnrecognizedClientException" ||
    e.name === "InvalidSignatureException" ||
    e.name === "ExpiredTokenException"
  ) {
    return make(`AWS rejected the credentials (${e.name}): refresh them or pick another with --aws-profile`);
  }
  if (e.name === "ThrottlingException") {
    return make(
      `CloudTrail kept throttling ${call.operation} in ${region}${attempts ? ` after ${attempts} attempts` : ""}: run the audit again later${or}`,
    );
  }
  if (e.name === "TimeoutError" || code === "ETIMEDOUT") {
    return make(`${call.operation} in ${region} timed out at ${endpoint}: check the network, or raise --timeout`);
  }
  if (code !== undefined && /^E[A-Z]+$/.test(code)) {
    return make(`cannot reach CloudTrail at ${endpoint} (${code}): check ${call.reachHint}`);
  }
  const status = e.$metadata?.httpStatusCode;
  return make(
    `${call.operation} in ${region} failed${attempts && attempts > 1 ? ` after ${attempts} attempts` : ""}: ${e.name}${status ? ` (HTTP ${status})` : ""}: ${message || "no message"}`,
  );
}
