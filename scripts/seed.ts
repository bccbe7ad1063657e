// bun scripts/seed.ts [--endpoint URL] [--table NAME] [--count N] [--days D] [--seed N] [--now ISO] [--create]
// Generated sessions into a DynamoDB Local table; the endpoint defaults to AWS_ENDPOINT_URL_DYNAMODB
// (set by `source .cache/local.env` after make local).
import { parseArgs } from "node:util";
import { generateSessions } from "./generate-sessions.ts";
import { createSessionTable, localClient, putItems } from "./session-table.ts";

const { values } = parseArgs({
  options: {
    endpoint: { type: "string" },
    table: { type: "string", default: "sentinel-sessions" },
    count: { type: "string", default: "2000" },
    days: { type: "string", default: "90" },
    // Not the sample's seed (42): the same seed gives the same ids, which would overwrite its sessions.
    seed: { type: "string", default: "1" },
    now: { type: "string" },
    create: { type: "boolean", default: false },
  },
});
const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
const count = Number(values.count);
const days = Number(values.days);
const seed = Number(values.seed);
if (endpoint === undefined || !Number.isSafeInteger(count) || count < 0 || !(days > 0) || !Number.isSafeInteger(seed)) {
  console.error(
    "usage: bun scripts/seed.ts [--endpoint URL] [--table NAME] [--count N] [--days D] [--seed N] [--now ISO] [--create]",
  );
  console.error("  the endpoint defaults to AWS_ENDPOINT_URL_DYNAMODB; N and D are numbers");
  process.exit(2);
}
const client = localClient(endpoint);
try {
  if (values.create) await createSessionTable(client, values.table);
  const started = performance.now();
  const written = await putItems(
    client,
    values.table,
    generateSessions({
      count,
      days,
      seed,
      now: values.now === undefined ? new Date() : new Date(values.now),
    }),
  );
  console.error(
    `seeded ${written} sessions into ${values.table} in ${((performance.now() - started) / 1000).toFixed(1)}s`,
  );
} catch (error) {
  // One line, as the program itself reports failures; the SDK's stack helps nobody here.
  const e = error as Error;
  const hint = e.name === "ResourceNotFoundException" ? `: table "${values.table}" does not exist; add --create` : "";
  console.error(`error: seeding failed: ${e.name}: ${e.message.split("\n")[0]}${hint}`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
