import { UsageError } from "./errors.ts";

/** How to reach AWS: flags of SPEC §2 plus the reliability settings. */
export type ConnectionOptions = {
  region?: string;
  awsProfile?: string;
  endpointUrl?: string;
  /** Per-request timeout, milliseconds. */
  timeoutMs: number;
  /** Attempts per request, first one included. */
  maxAttempts: number;
};

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

/**
 * The region a new client settled on (flag, environment or profile), or a
 * usage error once the client is closed: no call can go anywhere without one.
 */
export async function resolvedRegion(client: {
  config: { region(): Promise<string> };
  destroy(): void;
}): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    client.destroy();
    throw new UsageError("no AWS region configured: pass --region or set AWS_REGION");
  }
}
