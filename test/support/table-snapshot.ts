import { type AttributeValue, GetItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { testClient } from "./dynamo.ts";

export type Item = Record<string, AttributeValue>;

/** Every item of a table by id, read with a consistent Scan, to compare attribute for attribute. */
export async function snapshot(table: string): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  let startKey: Item | undefined;
  do {
    const page = await testClient().send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) items.set(item.id?.S as string, item);
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** One item read consistently, `undefined` when absent. */
export async function getItem(table: string, id: string): Promise<Item | undefined> {
  const out = await testClient().send(
    new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return out.Item;
}
