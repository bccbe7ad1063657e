import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type ConnectionOptions, requestHandlerOptions, resolvedRegion } from "./connection.ts";
import { plainItemPages } from "./plain-items.ts";
import { withoutUrlCredentials } from "./sdk-errors.ts";
import { checkedRegion, nonEmpty } from "./shared-config.ts";
import { boundWholeAttempts } from "./whole-response.ts";

export type { ConnectionOptions } from "./connection.ts";

/** A DynamoDB client and the region and endpoint it resolved, for messages. */
export type DynamoConnection = { client: DynamoDBClient; region: string; endpoint: string };

/**
 * The endpoint the SDK will use, for messages only: flag, then service env,
 * then global env; any user:password in it is hidden.
 */
export function endpointLabel(
  opts: Pick<ConnectionOptions, "endpointUrl">,
  env: Readonly<Record<string, string | undefined>>,
  region: string,
): string {
  return withoutUrlCredentials(
    opts.endpointUrl ??
      nonEmpty(env.AWS_ENDPOINT_URL_DYNAMODB) ??
      nonEmpty(env.AWS_ENDPOINT_URL) ??
      `https://dynamodb.${region}.amazonaws.com`,
  );
}

/**
 * Builds the client: bounded standard retries, a timeout on each whole
 * attempt (request to last byte), keep-alive sockets, and answers checked to
 * be DynamoDB's JSON. A broken shared config or credentials file is an error
 * here rather than a missing region or credentials later.
 */
export async function connectDynamo(
  opts: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DynamoConnection> {
  const explicitRegion = checkedRegion(opts, env);
  const client = new DynamoDBClient({
    ...(explicitRegion === undefined ? {} : { region: explicitRegion }),
    ...(opts.awsProfile === undefined ? {} : { profile: opts.awsProfile }),
    ...(opts.endpointUrl === undefined ? {} : { endpoint: opts.endpointUrl }),
    maxAttempts: opts.maxAttempts,
    retryMode: "standard",
    requestHandler: requestHandlerOptions(opts),
  });
  boundWholeAttempts(client, opts.timeoutMs, { jsonObjects: true });
  plainItemPages(client);
  const region = await resolvedRegion(client);
  return { client, region, endpoint: endpointLabel(opts, env, region) };
}
