// One DynamoDB Local for the whole test run, started by the first suite that
// asks for it (bun test shares modules between files). Importing this module
// starts nothing, so unit tests run without Java.
import type { RunningDynamoDB } from "../../scripts/dynamodb-local.ts";

let running: Promise<RunningDynamoDB> | undefined;

/** Starts DynamoDB Local once and points in-process runs at it. */
export function sharedDynamoDBLocal(): Promise<RunningDynamoDB> {
  running ??= (async () => {
    const { startDynamoDBLocal } = await import("../../scripts/dynamodb-local.ts");
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
    return dynamo;
  })();
  return running;
}

/** Stops it if it was started. */
export async function stopSharedDynamoDBLocal(): Promise<void> {
  if (running !== undefined) await (await running).stop();
}
