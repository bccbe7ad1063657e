import { CloudTrailApiSource } from "../../internal/audit/cloudtrail-api.ts";
import { Kms } from "../../internal/aws/kms-client.ts";
import type { Deps } from "../../internal/cli/deps.ts";
import { DEFAULTS } from "../../internal/cli/flag-values.ts";
import type { IO } from "../../internal/cli/io.ts";

/**
 * The real dependencies: DynamoDB and STS through the AWS SDK. The SDK is
 * imported only when a command reaches AWS, so --help, --version and usage
 * errors start instantly. The SDK itself reads AWS_* from the process
 * environment; `io.env` feeds our own messages.
 */
export function awsDeps(io: IO, signal: AbortSignal, version: string): Deps {
  return {
    io,
    signal,
    version,
    async openStore(connection, table, segments) {
      const { connectDynamo } = await import("../../internal/aws/dynamo-client.ts");
      const { DynamoSessionStore } = await import("../../internal/session/dynamo-store.ts");
      const dynamo = await connectDynamo(connection, io.env);
      return {
        store: new DynamoSessionStore(dynamo, table, segments),
        region: dynamo.region,
        // null for AWS's own endpoint; the label never carries a URL's password.
        endpoint:
          (connection.endpointUrl ?? io.env.AWS_ENDPOINT_URL_DYNAMODB ?? io.env.AWS_ENDPOINT_URL)
            ? dynamo.endpoint
            : null,
        close: () => dynamo.client.destroy(),
      };
    },
    async openExport(connection, location, concurrency) {
      const [{ connectS3 }, { openDynamoDBExport }] = await Promise.all([
        import("../../internal/aws/s3-client.ts"),
        import("../../internal/session/dynamodb-export.ts"),
      ]);
      let s3: Promise<Awaited<ReturnType<typeof connectS3>>> | undefined;
      // --endpoint-url is DynamoDB's: S3 keeps its own (AWS_ENDPOINT_URL_S3).
      const connect = () => {
        s3 ??= connectS3({ ...connection, endpointUrl: undefined }, io.env);
        return s3;
      };
      const store = await openDynamoDBExport(location, { s3: connect, concurrency, signal });
      return {
        store,
        facts: store.facts,
        close: () =>
          void s3?.then(
            (c) => c.client.destroy(),
            () => undefined,
          ),
      };
    },
    async callerIdentity(connection) {
      const { callerIdentity } = await import("../../internal/identity/caller.ts");
      return callerIdentity(connection, io.env, signal);
    },
    async openSessionLookup(connection, table) {
      const { connectDynamo } = await import("../../internal/aws/dynamo-client.ts");
      const { DynamoSessionStore } = await import("../../internal/session/dynamo-store.ts");
      const { DynamoSessionLookup } = await import("../../internal/session/dynamo-lookup.ts");
      const dynamo = await connectDynamo(connection, io.env);
      return {
        lookup: new DynamoSessionLookup(dynamo, table),
        store: new DynamoSessionStore(dynamo, table, DEFAULTS.segments),
        region: dynamo.region,
        close: () => dynamo.client.destroy(),
      };
    },
    openCloudTrail(connection, regions, onDebug) {
      // The SDK client itself is imported only when the first page is asked for.
      return new CloudTrailApiSource(connection, regions, io.env, onDebug);
    },
    async openTrailBucket(connection, bucket, onDebug) {
      const [{ connectS3 }, { S3TrailBucket }] = await Promise.all([
        import("../../internal/aws/s3-client.ts"),
        import("../../internal/audit/s3-trail-bucket.ts"),
      ]);
      // --endpoint-url is DynamoDB's: S3 keeps its own (AWS_ENDPOINT_URL_S3).
      const s3 = await connectS3({ ...connection, endpointUrl: undefined }, io.env);
      return { bucket: new S3TrailBucket(s3, bucket, onDebug), close: () => s3.client.destroy() };
    },
    trailPublicKeys(connection) {
      let lister: Promise<import("../../internal/audit/public-keys.ts").PublicKeyLister> | undefined;
      return {
        async listPublicKeys(region, start, end, keySignal) {
          lister ??= import("../../internal/audit/cloudtrail-public-keys.ts").then(
            ({ CloudTrailPublicKeys }) => new CloudTrailPublicKeys(connection, io.env),
          );
          return (await lister).listPublicKeys(region, start, end, keySignal);
        },
      };
    },
    async openRevoker(connection, table) {
      const { connectDynamo } = await import("../../internal/aws/dynamo-client.ts");
      const { DynamoRevoker } = await import("../../internal/session/dynamo-revoker.ts");
      const dynamo = await connectDynamo(connection, io.env);
      return {
        revoker: new DynamoRevoker(dynamo, table),
        region: dynamo.region,
        close: () => dynamo.client.destroy(),
      };
    },
    kms(connection) {
      return new Kms(connection, io.env, signal);
    },
    async callerUserName(connection) {
      const { callerUserName } = await import("../../internal/identity/caller.ts");
      return callerUserName(connection, io.env, signal);
    },
  };
}
