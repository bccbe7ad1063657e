// The floor: a minimal AWS SDK Scan of the whole table in N parallel segments
// that throws the pages away. Nothing the export does can be cheaper than this
// read. Usage: bun bench/floor-scan.ts ENDPOINT TABLE SEGMENTS
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";

const [endpoint, table, segmentsText] = process.argv.slice(2);
const segments = Number(segmentsText ?? 4);
const client = new DynamoDBClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  requestHandler: { httpAgent: { keepAlive: true, maxSockets: 64 } },
});
let items = 0;
await Promise.all(
  Array.from({ length: segments }, async (_, segment) => {
    let startKey: Record<string, import("@aws-sdk/client-dynamodb").AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: table,
          ExclusiveStartKey: startKey,
          ...(segments > 1 ? { Segment: segment, TotalSegments: segments } : {}),
        }),
      );
      items += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }),
);
console.log(items);
client.destroy();
