// The Sentinel session table of SPEC §1: create it, fill it.
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";

export const ALL_INDEXES = ["gsi-user", "gsi-status", "gsi-profile", "gsi-server-instance"] as const;
export type IndexName = (typeof ALL_INDEXES)[number];

const INDEX_KEYS: Record<IndexName, [hash: string, range: string]> = {
  "gsi-user": ["user", "created_at"],
  "gsi-status": ["status", "created_at"],
  "gsi-profile": ["profile", "created_at"],
  "gsi-server-instance": ["server_instance_id", "status"],
};

/** A client for DynamoDB Local with dummy credentials. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

/** Creates the table with the SPEC §1 key, the given GSIs (all by default) and the TTL attribute. */
export async function createSessionTable(
  client: DynamoDBClient,
  table: string,
  indexes: readonly IndexName[] = ALL_INDEXES,
  options: { ttl?: boolean } = {},
): Promise<void> {
  const attributes = new Set(["id", ...indexes.flatMap((name) => INDEX_KEYS[name])]);
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: "S" })),
      ...(indexes.length === 0
        ? {}
        : {
            GlobalSecondaryIndexes: indexes.map((name) => ({
              IndexName: name,
              KeySchema: [
                { AttributeName: INDEX_KEYS[name][0], KeyType: "HASH" },
                { AttributeName: INDEX_KEYS[name][1], KeyType: "RANGE" },
              ],
              Projection: { ProjectionType: "ALL" },
            })),
          }),
    }),
  );
  if (options.ttl === false) return;
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true } }),
  );
}

/** Writes items with BatchWriteItem, 25 at a time, several batches in flight, retrying unprocessed ones. */
export async function putItems(
  client: DynamoDBClient,
  table: string,
  items: Iterable<Record<string, AttributeValue>>,
  concurrency = 8,
): Promise<number> {
  let written = 0;
  const batches: Record<string, AttributeValue>[][] = [];
  let current: Record<string, AttributeValue>[] = [];
  for (const item of items) {
    current.push(item);
    if (current.length === 25) {
      batches.push(current);
      current = [];
    }
  }
  if (current.length > 0) batches.push(current);
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++] as Record<string, AttributeValue>[];
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 10) throw new Error("BatchWriteItem kept leaving items unprocessed");
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
        if (requests.length > 0) await Bun.sleep(50 * 2 ** attempt);
      }
      written += batch.length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return written;
}
