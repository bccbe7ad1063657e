// The export reader against moto's S3: the same export in a bucket and in a
// folder reads the same; S3's faults (SlowDown, 500, resets, bodies cut short)
// are retried to the same answer, persistent ones and S3's refusals end in one line.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SentinelError } from "../../internal/aws/errors.ts";
import { connectS3 } from "../../internal/aws/s3-client.ts";
import { type DynamoDBExportStore, openDynamoDBExport } from "../../internal/session/dynamodb-export.ts";
import { NewestFirst } from "../../internal/session/newest-first.ts";
import type { Session, SessionFilter } from "../../internal/session/session.ts";
import { parseTimestamp } from "../../internal/timefilter/instant.ts";
import { freePort } from "../../scripts/dynamodb-local.ts";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { TEST_AWS_ENV } from "../support/aws-env.ts";
import {
  type BuiltExport,
  buildExport,
  writeExportToBucket,
  writeExportToFolder,
} from "../support/dynamodb-export-writer.ts";
import { sharedMoto } from "../support/moto.ts";
import { type S3Fault, type S3FaultProxy, startS3FaultProxy } from "../support/s3-fault-proxy.ts";

const moto = await sharedMoto();

const NOW = new Date(Date.UTC(2026, 1, 10));
const ITEMS: Record<string, unknown>[] = [
  ...generateSessions({ count: 3_000, now: NOW, days: 30, users: 12, seed: 11 }),
  { id: { S: "bad0000000000001" }, user: { S: "alice" }, created_at: { S: "2026-02-30T00:00:00Z" } },
  { id: { S: "bad0000000000002" } },
];
const ALL_TIME: SessionFilter = { window: { until: parseTimestamp("9999-12-31T23:59:59Z")! } };
const work = mkdtempSync(join(tmpdir(), "export-s3-"));
let built: BuiltExport;
let uri: string;
let folder: string;
const proxies: S3FaultProxy[] = [];

beforeAll(async () => {
  built = buildExport(ITEMS, { files: 6, gzipMembers: 2 });
  uri = await writeExportToBucket(built, moto.endpoint, "sentinel-exports");
  folder = writeExportToFolder(built, work);
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await Promise.all(proxies.map((proxy) => proxy.stop()));
});

const OPTIONS = { timeoutMs: 10_000, maxAttempts: 3 };

/** S3 at `endpoint` the way a user points the program at it: AWS_ENDPOINT_URL_S3. */
function s3At(endpoint: string) {
  return () => connectS3(OPTIONS, { ...TEST_AWS_ENV, AWS_ENDPOINT_URL_S3: endpoint });
}

async function proxy(script: (n: number, path: string) => S3Fault): Promise<S3FaultProxy> {
  const started = await startS3FaultProxy(moto.endpoint, (n, request) => script(n, request.path));
  proxies.push(started);
  return started;
}

async function listing(store: DynamoDBExportStore, filter: SessionFilter = ALL_TIME) {
  const keep = new NewestFirst(0, (s: Session) => s);
  const result = await store.find(filter, keep);
  return { rows: [...keep.sorted()], result };
}

async function errorOf(promise: Promise<unknown>): Promise<SentinelError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelError);
    expect((error as Error).message).not.toContain("\n");
    return error as SentinelError;
  }
  throw new Error("no error");
}

const isData = (path: string) => path.includes("/data/");

describe("an export in S3", () => {
  test("reads exactly as the same export in a folder, with the same facts but its s3:// URI", async () => {
    const fromS3 = await openDynamoDBExport(uri, { s3: s3At(moto.endpoint), concurrency: 4 });
    const fromFolder = await openDynamoDBExport(folder, { s3: () => Promise.reject(new Error("no S3 for a folder")) });
    const [a, b] = [await listing(fromS3), await listing(fromFolder)];
    expect(a.rows.length).toBe(3_000);
    expect(a.rows).toEqual(b.rows);
    expect(a.result).toEqual(b.result);
    expect(a.result.malformed.map((label) => label.slice(0, 16))).toEqual(["bad0000000000001", "bad0000000000002"]);
    expect(fromS3.facts).toEqual({ ...fromFolder.facts, uri: `s3://sentinel-exports/${built.root}` });
    const user = { ...ALL_TIME, user: "alice" };
    expect((await listing(fromS3, user)).rows).toEqual((await listing(fromFolder, user)).rows);
  });

  test("opens from the URI of its manifest-summary.json", async () => {
    const store = await openDynamoDBExport(`${uri}/manifest-summary.json`, { s3: s3At(moto.endpoint) });
    expect(store.facts.itemCount).toBe(3_002);
  });

  test.each([["slowdown"], ["http500"], ["reset"], ["truncate"]] as const)(
    "a %s on the first read of every file is retried, giving the same sessions",
    async (fault) => {
      const tried = new Set<string>();
      const faulty = await proxy((_, path) => {
        const file = path.split("?")[0] as string;
        if (tried.has(file)) return "pass";
        tried.add(file);
        return fault;
      });
      const store = await openDynamoDBExport(uri, { s3: s3At(faulty.url), concurrency: 3 });
      const expected = await listing(await openDynamoDBExport(folder, { s3: s3At(moto.endpoint) }));
      const got = await listing(store);
      expect(got.rows).toEqual(expected.rows);
      expect(got.result).toEqual(expected.result);
      // Both manifests and all six data files met the fault once, then were read again.
      expect(faulty.seen.filter((s) => s.fault === fault).length).toBe(8);
      expect(faulty.seen.length).toBe(16);
      if (fault === "truncate") {
        // A body cut short is read on from where it stopped, not again from the start.
        const resumed = faulty.seen.filter((s) => isData(s.path) && s.fault === "pass");
        expect(resumed.every((s) => /^bytes=[1-9]\d*-$/.test(s.headers.range ?? ""))).toBe(true);
      }
    },
  );

  test("a body cut short and resumed by a server that ignores Range (the whole object again) gives the same sessions", async () => {
    const cut = new Set<string>();
    const faulty = await proxy((_, path) => {
      if (!isData(path)) return "pass";
      const file = path.split("?")[0] as string;
      if (cut.has(file)) return "ignore-range";
      cut.add(file);
      return "truncate";
    });
    const got = await listing(await openDynamoDBExport(uri, { s3: s3At(faulty.url), concurrency: 3 }));
    const expected = await listing(await openDynamoDBExport(folder, { s3: s3At(moto.endpoint) }));
    expect(got.rows).toEqual(expected.rows);
    expect(got.result).toEqual(expected.result);
    expect(faulty.seen.filter((s) => s.fault === "ignore-range").length).toBe(built.dataFiles.length);
  });

  test("a resumed read answered with another range is an error naming the file, never two ranges spliced", async () => {
    const victim = built.dataFiles[1]?.key as string;
    let cut = false;
    const faulty = await proxy((_, path) => {
      if (!path.includes(victim)) return "pass";
      if (cut) return "range-from-start";
      cut = true;
      return "truncate";
    });
    const error = await errorOf(listing(await openDynamoDBExport(uri, { s3: s3At(faulty.url) })));
    expect(error.message).toMatch(
      new RegExp(
        `^reading s3://sentinel-exports/${victim.replaceAll(".", "\\.")} on from byte [1-9]\\d* was answered with bytes 0-`,
      ),
    );
  });

  test("a data file that always fails with 500 is an error naming it, after the attempts", async () => {
    const victim = built.dataFiles[2]?.key as string;
    const faulty = await proxy((_, path) => (path.includes(victim) ? "http500" : "pass"));
    const store = await openDynamoDBExport(uri, { s3: s3At(faulty.url) });
    const error = await errorOf(listing(store));
    expect(error.message).toStartWith(
      `GetObject s3://sentinel-exports/${victim} failed after 3 attempts: InternalError (HTTP 500)`,
    );
  });

  test("a data file whose body always breaks off is an error naming it", async () => {
    const victim = built.dataFiles[4]?.key as string;
    const faulty = await proxy((_, path) => (path.includes(victim) ? "truncate" : "pass"));
    const store = await openDynamoDBExport(uri, { s3: s3At(faulty.url) });
    const error = await errorOf(listing(store));
    expect(error.message).toStartWith(`reading s3://sentinel-exports/${victim} broke off 3 times`);
  });

  test("a missing bucket is one line naming it", async () => {
    const error = await errorOf(
      openDynamoDBExport(`s3://no-such-bucket-here/${built.root}`, { s3: s3At(moto.endpoint) }),
    );
    expect(error.message).toBe(
      `bucket "no-such-bucket-here" not found (reading s3://no-such-bucket-here/${built.root}/manifest-summary.json): check the URI`,
    );
  });

  test("a prefix without an export says where it looked", async () => {
    const error = await errorOf(openDynamoDBExport("s3://sentinel-exports/elsewhere", { s3: s3At(moto.endpoint) }));
    expect(error.message).toBe(
      "no DynamoDB export at s3://sentinel-exports/elsewhere: s3://sentinel-exports/elsewhere/manifest-summary.json not found; give the export's folder (…/AWSDynamoDB/EXPORT_ID) or its manifest-summary.json",
    );
  });

  test("a data file missing from the bucket is an error naming it", async () => {
    const partial = buildExport(ITEMS.slice(0, 100), { exportId: "01770681600000-0000dead", files: 3, dropFile: 1 });
    const partialUri = await writeExportToBucket(partial, moto.endpoint, "sentinel-exports");
    const store = await openDynamoDBExport(partialUri, { s3: s3At(moto.endpoint) });
    const error = await errorOf(listing(store));
    expect(error.message).toBe(
      `export data file s3://sentinel-exports/${partial.dataFiles[1]?.key} not found: the export is incomplete; copy the whole export folder`,
    );
  });

  test("AccessDenied is one line naming the object and the permission", async () => {
    const faulty = await proxy(() => "access-denied");
    const error = await errorOf(openDynamoDBExport(uri, { s3: s3At(faulty.url) }));
    expect(error.message).toBe(
      `access denied for GetObject on s3://sentinel-exports/${built.root}/manifest-summary.json: Access Denied; grant s3:GetObject on it (without s3:ListBucket, S3 also says so for an object that does not exist)`,
    );
  });

  test("a 301 PermanentRedirect with x-amz-bucket-region is followed: the request is signed again for that region", async () => {
    const faulty = await proxy((n) => (n === 1 ? "redirect" : "pass"));
    const store = await openDynamoDBExport(uri, { s3: s3At(faulty.url) });
    expect(store.facts.itemCount).toBe(3_002);
    const scope = (n: number) =>
      /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\//.exec(faulty.seen[n]?.headers.authorization ?? "")?.[1];
    expect([scope(0), scope(1)]).toEqual(["us-east-1", "eu-west-1"]);
    expect(faulty.seen[1]?.path).toBe(faulty.seen[0]?.path as string);
  });

  test("an endpoint nobody listens on is one line naming it", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const error = await errorOf(openDynamoDBExport(uri, { s3: s3At(closed) }));
    expect(error.message).toBe(
      `cannot reach S3 at ${closed} (ECONNREFUSED) for GetObject s3://sentinel-exports/${built.root}/manifest-summary.json after 3 attempts: check AWS_ENDPOINT_URL_S3, --region and the network`,
    );
  });
});
