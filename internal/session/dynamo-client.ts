import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { UsageError } from "../cli/errors.ts";

/** How to reach the table: flags of SPEC §2 plus the reliability settings. */
export type ConnectionOptions = {
  region?: string;
  awsProfile?: string;
  endpointUrl?: string;
  /** Per-request timeout, milliseconds. */
  timeoutMs: number;
  /** Attempts per request, first one included. */
  maxAttempts: number;
};

/** A DynamoDB client and the region and endpoint it resolved, for messages. */
export type DynamoConnection = { client: DynamoDBClient; region: string; endpoint: string };

/** The endpoint the SDK will use, for messages only: flag, then service env, then global env. */
function endpointLabel(opts: ConnectionOptions, env: Readonly<Record<string, string | undefined>>, region: string) {
  return (
    opts.endpointUrl ??
    env.AWS_ENDPOINT_URL_DYNAMODB ??
    env.AWS_ENDPOINT_URL ??
    `https://dynamodb.${region}.amazonaws.com`
  );
}

const SILENT = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * HTTP settings for every AWS client: a per-request timeout that fails the
 * attempt (so the SDK retries it, and a stalled endpoint cannot hang an audit
 * job), keep-alive sockets, and no SDK console output (our messages say it).
 */
export function requestHandlerOptions(opts: ConnectionOptions) {
  return {
    connectionTimeout: Math.min(opts.timeoutMs, 5_000),
    requestTimeout: opts.timeoutMs,
    throwOnRequestTimeout: true,
    logger: SILENT,
    httpAgent: { keepAlive: true, maxSockets: 64 },
    httpsAgent: { keepAlive: true, maxSockets: 64 },
  };
}

/** Builds the client: bounded standard retries, per-request timeout, keep-alive sockets. */
export async function connectDynamo(
  opts: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DynamoConnection> {
  // The JS SDK reads AWS_REGION but not AWS_DEFAULT_REGION; the AWS CLI reads both, in this order.
  const explicitRegion = opts.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  const client = new DynamoDBClient({
    ...(explicitRegion === undefined ? {} : { region: explicitRegion }),
    ...(opts.awsProfile === undefined ? {} : { profile: opts.awsProfile }),
    ...(opts.endpointUrl === undefined ? {} : { endpoint: opts.endpointUrl }),
    maxAttempts: opts.maxAttempts,
    retryMode: "standard",
    requestHandler: requestHandlerOptions(opts),
  });
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    client.destroy();
    throw new UsageError("no AWS region configured: pass --region or set AWS_REGION");
  }
  return { client, region, endpoint: endpointLabel(opts, env, region) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
