import type { ConnectionOptions } from "../aws/connection.ts";
import type { ParsedArgs } from "./command.ts";
import { type Flags, toggle, value } from "./command.ts";
import * as flag from "./flag-values.ts";

const GROUP = "Connection";

/** The flags every command that reaches AWS takes. */
export const CONNECTION_FLAGS: Flags = {
  table: value(GROUP, "NAME", "session table (default: $SENTINEL_SESSION_TABLE)"),
  region: value(GROUP, "REGION", "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or profile config)"),
  "aws-profile": value(GROUP, "NAME", "shared-config profile for credentials (SSO included)"),
  "endpoint-url": value(GROUP, "URL", "DynamoDB endpoint only (DynamoDB Local, VPC endpoint)"),
  timeout: value(
    GROUP,
    "DURATION",
    `bound on each request attempt, e.g. 30s (default: ${flag.DEFAULTS.timeoutMs / 1000}s; ${flag.DEFAULTS.maxAttempts} attempts)`,
  ),
  debug: toggle(GROUP, "show the query plan, request ids and timings on stderr"),
};

/** The connection settings from the flags of CONNECTION_FLAGS. */
export function connectionOptions(parsed: ParsedArgs): ConnectionOptions {
  const raw = parsed.flags;
  return {
    region: flag.region(raw.text("region")),
    awsProfile: flag.awsProfile(raw.text("aws-profile")),
    endpointUrl: flag.endpointUrl(raw.text("endpoint-url")),
    timeoutMs: flag.timeoutMs(raw.text("timeout")),
    maxAttempts: flag.DEFAULTS.maxAttempts,
  };
}
