// Runs once before all test files: no test may reach a real AWS account, and
// one DynamoDB Local serves the whole run (each test file uses its own tables).
import { afterAll } from "bun:test";
import { startDynamoDBLocal } from "../../scripts/dynamodb-local.ts";
import { TEST_AWS_ENV } from "./aws-env.ts";

for (const name of Object.keys(process.env)) {
  if (name.startsWith("AWS_") || name === "SENTINEL_SESSION_TABLE") delete process.env[name];
}
Object.assign(process.env, TEST_AWS_ENV);

const dynamo = await startDynamoDBLocal();
process.env.SENTINEL_TEST_DYNAMODB = dynamo.endpoint;
// In-process runs reach it the way users point the SDK at an endpoint (SPEC §2).
process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
// Also on abrupt ends, never leave the JVM behind.
process.on("exit", () => {
  try {
    process.kill(dynamo.pid, "SIGKILL");
  } catch {}
});
afterAll(async () => {
  await dynamo.stop();
});
