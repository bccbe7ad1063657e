import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type ConnectionOptions, requestHandlerOptions } from "./connection.ts";
import { UsageError } from "./errors.ts";

export type { ConnectionOptions } from "./connection.ts";

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
