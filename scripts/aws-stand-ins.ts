// make local's AWS stand-ins, in one process that stays up until SIGTERM: STS GetCallerIdentity
// (the caller is --caller-arn) and CloudTrail LookupEvents over the records of a trail folder.
// bun scripts/aws-stand-ins.ts --trail DIR --ready FILE --caller-arn ARN
// FILE receives {"pid", "sts", "cloudtrail"} (the endpoints) once both answer.
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { type FakeEvent, startFakeCloudTrail } from "./fake-cloudtrail.ts";
import { startFakeSts } from "./fake-sts.ts";

/** The records of every *.json.gz and *.json file below `dir`, by their awsRegion. */
function trailEvents(dir: string): Record<string, FakeEvent[]> {
  const events: Record<string, FakeEvent[]> = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (!name.endsWith(".json.gz") && !name.endsWith(".json")) continue;
    const bytes = readFileSync(join(dir, name));
    const parsed = JSON.parse((name.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"));
    for (const record of (parsed as { Records?: FakeEvent[] }).Records ?? []) {
      const region = String((record as { awsRegion?: unknown }).awsRegion ?? "us-east-1");
      events[region] = [...(events[region] ?? []), record];
    }
  }
  return events;
}

const { values } = parseArgs({
  options: { trail: { type: "string" }, ready: { type: "string" }, "caller-arn": { type: "string" } },
});
if (values.trail === undefined || values.ready === undefined || values["caller-arn"] === undefined) {
  console.error("usage: bun scripts/aws-stand-ins.ts --trail DIR --ready FILE --caller-arn ARN");
  process.exit(2);
}
const sts = startFakeSts(values["caller-arn"]);
const cloudTrail = startFakeCloudTrail({ events: trailEvents(values.trail) });
// Written whole, then renamed: whoever waits for the file never reads half of it.
writeFileSync(`${values.ready}.tmp`, JSON.stringify({ pid: process.pid, sts: sts.url, cloudtrail: cloudTrail.url }));
renameSync(`${values.ready}.tmp`, values.ready);
console.log(`STS at ${sts.url}, CloudTrail at ${cloudTrail.url} (pid ${process.pid})`);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    sts.stop();
    cloudTrail.stop();
    process.exit(0);
  });
}
