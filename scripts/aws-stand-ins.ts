// make local's AWS stand-ins, in one process that stays up until SIGTERM: STS GetCallerIdentity
// (the caller is --caller-arn), CloudTrail LookupEvents over the records of a trail folder, and
// CloudTrail ListPublicKeys with the keys of --public-keys (JSON: per region, a list of
// {"der" (base64), "fingerprint", "validFromSec", "validToSec"}).
// bun scripts/aws-stand-ins.ts --trail DIR --ready FILE --caller-arn ARN [--public-keys FILE]
// FILE receives {"pid", "sts", "cloudtrail"} (the endpoints) once both answer.
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { type FakeEvent, type FakePublicKey, startFakeCloudTrail } from "./fake-cloudtrail.ts";
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

/** The keys of a --public-keys file, by region. */
function publicKeys(file: string | undefined): Record<string, FakePublicKey[]> {
  if (file === undefined) return {};
  const listed = JSON.parse(readFileSync(file, "utf8")) as Record<
    string,
    (Omit<FakePublicKey, "der"> & { der: string })[]
  >;
  return Object.fromEntries(
    Object.entries(listed).map(([region, keys]) => [
      region,
      keys.map((k) => ({ ...k, der: Buffer.from(k.der, "base64") })),
    ]),
  );
}

const { values } = parseArgs({
  options: {
    trail: { type: "string" },
    ready: { type: "string" },
    "caller-arn": { type: "string" },
    "public-keys": { type: "string" },
  },
});
if (values.trail === undefined || values.ready === undefined || values["caller-arn"] === undefined) {
  console.error("usage: bun scripts/aws-stand-ins.ts --trail DIR --ready FILE --caller-arn ARN [--public-keys FILE]");
  process.exit(2);
}
const sts = startFakeSts(values["caller-arn"]);
const cloudTrail = startFakeCloudTrail({
  events: trailEvents(values.trail),
  publicKeys: publicKeys(values["public-keys"]),
});
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
