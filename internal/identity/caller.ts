import { type ConnectionOptions, requestHandlerOptions } from "../aws/connection.ts";
import { InterruptedError, SentinelError } from "../aws/errors.ts";
import { NETWORK_CODES, toSentinelError, withoutUrlCredentials } from "../aws/sdk-errors.ts";
import { boundWholeAttempts } from "../aws/whole-response.ts";
import { userNameFromArn } from "./arn.ts";

/** Who is calling, from STS GetCallerIdentity. */
export type CallerIdentity = { arn: string; account: string };

type Env = Readonly<Record<string, string | undefined>>;

/** STS failures name STS and the settings that apply to it: its own endpoint, credentials, the network. */
function stsError(error: unknown, endpoint: string, region: string): Error {
  const e = error as Error & { code?: string; cause?: { code?: string } };
  if (e?.name === "AbortError") return new InterruptedError("interrupted");
  const code = e?.code ?? e?.cause?.code;
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return new SentinelError(
      `cannot reach STS at ${endpoint} (${code}) to find the caller: check AWS_ENDPOINT_URL_STS, the network and the region`,
      { cause: error },
    );
  }
  if (e?.name === "TimeoutError" || e?.name === "RequestTimeout") {
    return new SentinelError(
      `STS at ${endpoint} did not answer in time to find the caller: check AWS_ENDPOINT_URL_STS and the network, or raise --timeout`,
      { cause: error },
    );
  }
  const mapped = toSentinelError(error, { operation: "STS GetCallerIdentity", table: "", region, endpoint });
  return mapped instanceof SentinelError && /credential/i.test(mapped.message)
    ? mapped
    : new SentinelError(
        `STS GetCallerIdentity at ${endpoint} failed: ${e?.name ?? "Error"}: ${(e?.message ?? "").split("\n")[0]}`,
        { cause: error },
      );
}

/**
 * The caller's ARN and account from STS GetCallerIdentity. STS keeps its own
 * endpoint (AWS_ENDPOINT_URL_STS); --endpoint-url is DynamoDB's.
 */
export async function callerIdentity(
  opts: ConnectionOptions & { region: string },
  env: Env,
  signal?: AbortSignal,
): Promise<CallerIdentity> {
  // Imported here, not at the top: commands load this file for help and flag checks too.
  const { GetCallerIdentityCommand, STSClient } = await import("@aws-sdk/client-sts");
  const client = new STSClient({
    region: opts.region,
    ...(opts.awsProfile === undefined ? {} : { profile: opts.awsProfile }),
    maxAttempts: opts.maxAttempts,
    retryMode: "standard",
    requestHandler: requestHandlerOptions(opts),
  });
  // STS answers in XML: bound each whole attempt, without the JSON check DynamoDB's answers get.
  boundWholeAttempts(client, opts.timeoutMs, { jsonObjects: false });
  try {
    const answer = await client.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    if (answer.Arn === undefined) throw new SentinelError("STS GetCallerIdentity returned no ARN");
    return { arn: answer.Arn, account: answer.Account ?? "" };
  } catch (error) {
    if (error instanceof SentinelError) throw error;
    const endpoint = withoutUrlCredentials(
      env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL ?? `https://sts.${opts.region}.amazonaws.com`,
    );
    throw stsError(error, endpoint, opts.region);
  } finally {
    client.destroy();
  }
}

/** The caller's ARN gives no Sentinel user name (SPEC §4); each command says what to do instead. */
export class UnsupportedCallerError extends SentinelError {
  override name = "UnsupportedCallerError";
}

/** The Sentinel user name of a caller (SPEC §4). */
export function userNameOf(identity: CallerIdentity): string {
  try {
    return userNameFromArn(identity.arn);
  } catch (error) {
    throw new UnsupportedCallerError((error as Error).message);
  }
}

/** The caller's Sentinel user name (SPEC §4). */
export async function callerUserName(
  opts: ConnectionOptions & { region: string },
  env: Env,
  signal?: AbortSignal,
): Promise<string> {
  return userNameOf(await callerIdentity(opts, env, signal));
}
