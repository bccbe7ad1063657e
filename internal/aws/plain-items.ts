// Scan and Query answers are read as DynamoDB's JSON, parsed once: items stay
// the attribute maps of the wire format ({"S": "…"}, {"N": "…"}). The SDK's
// own deserializer gives the same maps, but only after walking every
// attribute of every item against the service's schema (to turn binary values
// into bytes): measured by hand on a whole-table export of 100,000 items, six
// interleaved runs, reading them here took 12 % less CPU. The SDK's
// deserializer still runs for every answer, on an empty body for these, so
// `$metadata` and every error (any answer that is not 2xx, or not a JSON
// object) are the SDK's as before.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { isJsonObject } from "./json-object.ts";

const PLAIN_OPERATIONS = new Set(["ScanCommand", "QueryCommand"]);

type HttpAnswer = { statusCode?: number; body?: unknown };

/** The successful answers parsed here, by response, until the SDK's deserializer has run. */
const parsedBodies = new WeakMap<object, Record<string, unknown>>();

function parseObject(body: Uint8Array): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  } catch {
    return undefined; // the SDK's deserializer reports it
  }
  return isJsonObject(value) ? value : undefined;
}

/**
 * Makes the client's Scan and Query results the answer's JSON object as sent
 * (plus `$metadata`): binary attributes stay base64 text rather than bytes.
 * Needs whole bodies (WholeResponseHandler), which every client here has.
 */
export function plainItemPages(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = result.response as HttpAnswer;
      const status = response.statusCode ?? 0;
      if (
        PLAIN_OPERATIONS.has(context.commandName ?? "") &&
        status >= 200 &&
        status < 300 &&
        response.body instanceof Uint8Array
      ) {
        const parsed = parseObject(response.body);
        if (parsed !== undefined) {
          parsedBodies.set(response, parsed);
          response.body = new Uint8Array(0);
        }
      }
      return result;
    },
    { step: "deserialize", name: "sentinelPlainItemsRead", priority: "low" },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as object;
      const parsed = parsedBodies.get(response);
      if (parsed === undefined) return result;
      parsedBodies.delete(response);
      const output = result.output as { $metadata?: unknown };
      parsed.$metadata = output.$metadata;
      return { ...result, output: parsed as unknown as typeof result.output };
    },
    { step: "deserialize", name: "sentinelPlainItemsOutput", priority: "high" },
  );
}
