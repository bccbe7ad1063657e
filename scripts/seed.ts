// bun scripts/seed.ts --endpoint URL --table NAME --count N [--days D] [--now ISO] [--create]
import { parseArgs } from "node:util";
import { generateSessions } from "./generate-sessions.ts";
import { createSessionTable, localClient, putItems } from "./session-table.ts";

const { values } = parseArgs({
  options: {
    endpoint: { type: "string" },
    table: { type: "string", default: "sentinel-sessions" },
    count: { type: "string", default: "2000" },
    days: { type: "string", default: "90" },
    now: { type: "string" },
    create: { type: "boolean", default: false },
  },
});
if (values.endpoint === undefined) {
  console.error("usage: bun scripts/seed.ts --endpoint URL [--table NAME] [--count N] [--days D] [--create]");
  process.exit(2);
}
const client = localClient(values.endpoint);
try {
  if (values.create) await createSessionTable(client, values.table);
  const started = performance.now();
  const written = await putItems(
    client,
    values.table,
    generateSessions({
      count: Number(values.count),
      days: Number(values.days),
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
