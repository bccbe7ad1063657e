// CloudTrail's ListPublicKeys (SPEC §11.2): the keys that signed digests in a
// region, every page followed. The SDK is imported on first use; it honours
// AWS_ENDPOINT_URL_CLOUDTRAIL itself.
import { type ConnectionOptions, requestHandlerOptions } from "../aws/connection.ts";
import { withoutUrlCredentials } from "../aws/sdk-errors.ts";
import { cloudTrailError, LIST_PUBLIC_KEYS } from "./cloudtrail-errors.ts";
import type { PublicKeyLister, TrailPublicKey } from "./public-keys.ts";

/** ListPublicKeys through the SDK, one client per region. */
export class CloudTrailPublicKeys implements PublicKeyLister {
  readonly #opts: ConnectionOptions;
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(opts: ConnectionOptions, env: Readonly<Record<string, string | undefined>>) {
    this.#opts = opts;
    this.#env = env;
  }

  async listPublicKeys(region: string, start: Date, end: Date, signal?: AbortSignal): Promise<TrailPublicKey[]> {
    const { CloudTrailClient, ListPublicKeysCommand } = await import("@aws-sdk/client-cloudtrail");
    const client = new CloudTrailClient({
      region,
      ...(this.#opts.awsProfile === undefined ? {} : { profile: this.#opts.awsProfile }),
      maxAttempts: this.#opts.maxAttempts,
      retryMode: "standard",
      requestHandler: requestHandlerOptions(this.#opts),
    });
    const keys: TrailPublicKey[] = [];
    try {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListPublicKeysCommand({
            StartTime: start,
            EndTime: end,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
          { abortSignal: signal },
        );
        for (const key of page.PublicKeyList ?? []) {
          if (key.Fingerprint === undefined || key.Value === undefined) continue;
          keys.push({
            fingerprint: key.Fingerprint,
            der: key.Value,
            ...(key.ValidityStartTime === undefined ? {} : { validFrom: key.ValidityStartTime }),
            ...(key.ValidityEndTime === undefined ? {} : { validTo: key.ValidityEndTime }),
          });
        }
        token = page.NextToken;
      } while (token !== undefined);
    } catch (error) {
      const endpoint = this.#env.AWS_ENDPOINT_URL_CLOUDTRAIL ?? this.#env.AWS_ENDPOINT_URL ?? `CloudTrail in ${region}`;
      throw cloudTrailError(error, LIST_PUBLIC_KEYS, region, withoutUrlCredentials(endpoint));
    } finally {
      client.destroy();
    }
    return keys;
  }
}
