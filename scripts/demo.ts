// make demo: a real export from a real local DynamoDB. Starts DynamoDB Local,
// creates and seeds the session table, runs the binary, stops everything.
import { resolve } from "node:path";
import { startDynamoDBLocal } from "./dynamodb-local.ts";
import { SAMPLE_TABLE, sampleSessions } from "./sample.ts";
import { createSessionTable, localClient, putItems } from "./session-table.ts";

const BINARY = resolve(import.meta.dir, "..", "dist", "sentinel");
const TABLE = SAMPLE_TABLE;

const dynamo = await startDynamoDBLocal();
const stop = async () => {
  await dynamo.stop();
};
process.once("SIGINT", () => void stop().then(() => process.exit(130)));

try {
  console.log(`DynamoDB Local is up at ${dynamo.endpoint} (pid ${dynamo.pid})`);
  const client = localClient(dynamo.endpoint);
  await createSessionTable(client, TABLE);
  const count = await putItems(client, TABLE, sampleSessions(new Date()));
  client.destroy();
  console.log(`created table ${TABLE} (4 indexes, TTL) and wrote ${count} sample sessions spread over 90 days\n`);

  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    AWS_ACCESS_KEY_ID: "demo",
    AWS_SECRET_ACCESS_KEY: "demo",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  };
  const run = async (args: string[], options: { headLines?: number } = {}) => {
    console.log(`$ sentinel ${args.join(" ")}${options.headLines ? ` | head -n ${options.headLines}` : ""}`);
    const proc = Bun.spawn([BINARY, ...args], { env, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    const shown = options.headLines ? out.split("\n").slice(0, options.headLines).join("\n") : out.trimEnd();
    console.log(shown);
    if (err) process.stderr.write(err);
    console.log("");
    if (code !== 0) throw new Error(`sentinel exited with status ${code}`);
    return out;
  };

  await run(["server-sessions", "--table", TABLE, "--status", "active", "--limit", "10"]);
  const csv = await run(["server-sessions", "--table", TABLE, "--since", "7d", "--limit", "0", "--output", "csv"], {
    headLines: 6,
  });
  console.log(`(${csv.trimEnd().split("\n").length - 1} sessions created in the last 7 days)\n`);
  const firstId = csv.split("\n")[1]?.split(",")[0] as string;
  await run(["server-session", firstId, "--table", TABLE]);
} finally {
  await stop();
  console.log("DynamoDB Local stopped.");
}
