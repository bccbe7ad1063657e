import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createSessionTable, type IndexName, localClient, putItems } from "../../scripts/session-table.ts";
import { sharedDynamoDBLocal } from "./dynamodb-local-once.ts";

// A suite that imports this module needs DynamoDB Local: start it (once) now.
await sharedDynamoDBLocal();

/** The DynamoDB Local endpoint started by the preload. */
export function endpoint(): string {
  const url = process.env.SENTINEL_TEST_DYNAMODB;
  if (url === undefined) throw new Error("DynamoDB Local was not started (test/support/dynamodb-local-once.ts)");
  return url;
}

let client: DynamoDBClient | undefined;
export function testClient(): DynamoDBClient {
  client ??= localClient(endpoint());
  return client;
}

let tables = 0;
/** Creates a table with a name unique to this run, and fills it. */
export async function freshTable(
  prefix: string,
  items: Iterable<Record<string, AttributeValue>>,
  indexes?: readonly IndexName[],
): Promise<string> {
  const name = `${prefix}-${process.pid}-${++tables}`;
  // No TTL: fixtures use fixed past dates, and DynamoDB Local would delete them.
  await createSessionTable(testClient(), name, indexes, { ttl: false });
  await putItems(testClient(), name, items);
  return name;
}

export type SessionFields = {
  id: string;
  created_at?: string;
  user?: string;
  profile?: string;
  status?: string;
  [attribute: string]: string | number | undefined;
};

/** A table item from plain fields: numbers become N, strings S; undefined is left out. */
export function item(fields: SessionFields): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[name] = typeof value === "number" ? { N: String(value) } : { S: value };
  }
  return out;
}
