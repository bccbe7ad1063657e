// Runs once before all test files: no test may reach a real AWS account. Java
// is not needed here: DynamoDB Local starts only when a suite that needs it
// imports test/support/dynamo.ts, and one instance serves the whole run.
import { afterAll } from "bun:test";
import { EventEmitter } from "node:events";
import { TEST_AWS_ENV } from "./aws-env.ts";
import { stopSharedDynamoDBLocal } from "./dynamodb-local-once.ts";
import { stopSharedMoto } from "./moto.ts";

for (const name of Object.keys(process.env)) {
  if (name.startsWith("AWS_") || name === "SENTINEL_SESSION_TABLE") delete process.env[name];
}
Object.assign(process.env, TEST_AWS_ENV);
// The SDK's HTTP handler adds a close listener per request on a kept-alive
// socket; the tests' many requests to one proxy pass node's warning threshold.
EventEmitter.defaultMaxListeners = 64;

afterAll(async () => {
  await stopSharedDynamoDBLocal();
  await stopSharedMoto();
});
