// The DynamoDB client as connectDynamo builds it, against a loopback HTTP
// server that answers with canned awsJson1_0 bodies (shapes from the DynamoDB
// API reference: Scan/Query/GetItem results and the error body
// {"__type": "com.amazonaws.dynamodb.v20120810#<Name>", "message": …}).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GetItemCommand, QueryCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { connectDynamo, type DynamoConnection } from "./dynamo-client.ts";

const JSON_TYPE = "application/x-amz-json-1.0";

// Every attribute type, nested ones included, and a key the SDK's walk treats specially.
const PAGE_TEXT = JSON.stringify({
  Items: [
    {
      id: { S: "0000000000000001" },
      request_count: { N: "12345678901234567890123456789012345678" },
      blob: { B: "AAEC/w==" },
      blobs: { BS: ["AQ==", "Ag=="] },
      nested: { M: { b: { B: "Aw==" }, l: { L: [{ B: "BA==" }, { NULL: true }, { BOOL: false }] } } },
      tags: { SS: ["a", "b"] },
      counts: { NS: ["1", "2.5"] },
    },
    JSON.parse('{"id":{"S":"0000000000000002"},"__proto__":{"S":"stored"}}'),
  ],
  Count: 2,
  ScannedCount: 5,
  LastEvaluatedKey: { id: { S: "0000000000000002" } },
  ConsumedCapacity: { TableName: "t", CapacityUnits: 1.5 },
});

type Answer = { status: number; body: string; contentType?: string };
let answers: Answer[] = [];
let server: Server;
let connection: DynamoConnection;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const answer = answers.shift() ?? { status: 500, body: "{}" };
      response.writeHead(answer.status, {
        "content-type": answer.contentType ?? JSON_TYPE,
        "x-amzn-requestid": `req-${answers.length}`,
      });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  connection = await connectDynamo(
    { region: "us-east-1", endpointUrl: `http://127.0.0.1:${port}`, timeoutMs: 5_000, maxAttempts: 2 },
    {},
  );
});

afterAll(async () => {
  connection.client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

test("a Scan result is the answer's JSON as sent, with the SDK's $metadata", async () => {
  answers = [{ status: 200, body: PAGE_TEXT }];
  const output = await connection.client.send(new ScanCommand({ TableName: "t" }));
  const { $metadata, ...rest } = output;
  expect(rest).toEqual(JSON.parse(PAGE_TEXT));
  expect($metadata.httpStatusCode).toBe(200);
  expect($metadata.requestId).toBe("req-0");
  // Stored as an own attribute, not a prototype.
  expect(Object.keys(output.Items?.[1] ?? {})).toEqual(["id", "__proto__"]);
});

test("a Query result after a retried 500 is the second answer's JSON", async () => {
  answers = [
    { status: 500, body: '{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"x"}' },
    { status: 200, body: PAGE_TEXT },
  ];
  const output = await connection.client.send(new QueryCommand({ TableName: "t", KeyConditionExpression: "id = :id" }));
  expect(output.Items).toEqual(JSON.parse(PAGE_TEXT).Items);
  expect(output.$metadata.attempts).toBe(2);
});

test("other operations keep the SDK's reading: binary values become bytes", async () => {
  answers = [{ status: 200, body: JSON.stringify({ Item: { id: { S: "x" }, blob: { B: "AAEC/w==" } } }) }];
  const output = await connection.client.send(new GetItemCommand({ TableName: "t", Key: { id: { S: "x" } } }));
  expect(output.Item?.blob?.B).toEqual(new Uint8Array([0, 1, 2, 255]));
});

test("an error answer is still the SDK's named exception", async () => {
  answers = [
    {
      status: 400,
      body: '{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}',
    },
  ];
  const error = await connection.client.send(new ScanCommand({ TableName: "t" })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe("ResourceNotFoundException");
  expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
});

test.each([
  ["a JSON text that is no object", "[1,2]"],
  ["text that is no JSON", '{"Items": [ '],
])("%s is left to the SDK's reading", async (_, body) => {
  answers = [{ status: 200, body }];
  const outcome = await connection.client.send(new ScanCommand({ TableName: "t" })).then(
    (output) => ({ output }),
    (error: unknown) => ({ error }),
  );
  // The SDK either fails (broken JSON) or returns no Items: never the array or text as a result.
  if ("output" in outcome) expect(outcome.output.Items).toBeUndefined();
  else expect(outcome.error).toBeInstanceOf(Error);
});
