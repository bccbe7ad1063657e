import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { type ConnectionOptions, requestHandlerOptions } from "../aws/connection.ts";
import { SentinelError } from "../aws/errors.ts";
import { toSentinelError } from "../aws/sdk-errors.ts";
import { userNameFromArn } from "./arn.ts";

/**
 * The caller's Sentinel user name from STS GetCallerIdentity (SPEC §4). STS
 * keeps its own endpoint (AWS_ENDPOINT_URL_STS); --endpoint-url is DynamoDB's.
 */
export async function callerUserName(
  opts: ConnectionOptions & { region: string },
  env: Readonly<Record<string, string | undefined>>,
  signal?: AbortSignal,
): Promise<string> {
  const client = new STSClient({
    region: opts.region,
    ...(opts.awsProfile === undefined ? {} : { profile: opts.awsProfile }),
    maxAttempts: opts.maxAttempts,
    retryMode: "standard",
    requestHandler: requestHandlerOptions(opts),
  });
  let arn: string | undefined;
  try {
    arn = (await client.send(new GetCallerIdentityCommand({}), { abortSignal: signal })).Arn;
  } catch (error) {
    const endpoint = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL ?? `https://sts.${opts.region}.amazonaws.com`;
    throw toSentinelError(error, { operation: "GetCallerIdentity", table: "", region: opts.region, endpoint });
  } finally {
    client.destroy();
  }
  if (arn === undefined)
    throw new SentinelError("STS GetCallerIdentity returned no ARN: pass --user to choose whose sessions to list");
  try {
    return userNameFromArn(arn);
  } catch (error) {
    throw new SentinelError(`${(error as Error).message}: pass --user to choose whose sessions to list`);
  }
}
