// The export reader on folder exports written by test/support/dynamodb-export-writer.ts:
// no S3, no Java, no Python.
import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { buildExport, type ExportOptions, writeExportToFolder } from "../../test/support/dynamodb-export-writer.ts";
import { InterruptedError, SentinelError, UsageError } from "../aws/errors.ts";
import { parseTimestamp } from "../timefilter/instant.ts";
import { openDynamoDBExport } from "./dynamodb-export.ts";
import { tableOfArn } from "./dynamodb-export-manifest.ts";
import { parseExportLocation } from "./dynamodb-export-objects.ts";
import { NewestFirst } from "./newest-first.ts";
import type { Session, SessionFilter } from "./session.ts";

const work = mkdtempSync(join(tmpdir(), "export-reader-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let folders = 0;

type Item = Record<string, unknown>;

const NOW = new Date(Date.UTC(2026, 1, 10));
const GOOD: Item[] = [...generateSessions({ count: 700, now: NOW, days: 30, users: 5, seed: 7 })];
const BAD: Item[] = [
  { id: { S: "bad0000000000001" }, user: { S: "alice" }, created_at: { S: "2026-02-30T00:00:00Z" } },
  { id: { S: "bad0000000000002" }, user: { S: "alice" } },
  { id: { S: "bad0000000000003" }, user: { S: "bob" }, created_at: { N: "1770000000" } },
  { id: { S: "bad0000000000004" }, created_at: { S: "2026-02-01T00:00:00Z" }, request_count: { N: "x" } },
];
const ITEMS = [...GOOD, ...BAD];
const NO_S3 = { s3: () => Promise.reject(new Error("a folder export must not connect to S3")) };
const ALL_TIME: SessionFilter = { window: { until: parseTimestamp("9999-12-31T23:59:59Z")! } };

function folderExport(items: readonly Item[], options: ExportOptions = {}) {
  const built = buildExport(items, options);
  return { built, dir: writeExportToFolder(built, join(work, String(++folders))) };
}

async function listIds(dir: string, filter: SessionFilter, concurrency?: number) {
  const store = await openDynamoDBExport(dir, { ...NO_S3, concurrency });
  const keep = new NewestFirst(0, (s: Session) => s.id);
  const result = await store.find(filter, keep);
  return { ids: [...keep.sorted()].sort(), result, store };
}

const text = (item: Item, name: string) => (item[name] as { S?: string } | undefined)?.S;

test("a folder export gives every valid session, the malformed ones by label, and the manifest's facts", async () => {
  const { built, dir } = folderExport(ITEMS, { files: 5 });
  const { ids, result, store } = await listIds(dir, ALL_TIME);
  expect(ids).toEqual(GOOD.map((item) => text(item, "id") as string).sort());
  expect(result.matched).toBe(700);
  expect(result.itemsRead).toBe(704);
  expect(result.complete).toBe(true);
  expect(result.malformed).toEqual([
    'bad0000000000001 (created_at "2026-02-30T00:00:00Z": no such date)',
    "bad0000000000002 (created_at: missing)",
    "bad0000000000003 (created_at: not a string (N))",
    'bad0000000000004 (request_count "x": not a number)',
  ]);
  expect(store.facts).toEqual({
    uri: dir,
    exportArn: built.exportArn,
    exportTime: "2026-02-10T00:00:00.000Z",
    itemCount: 704,
    table: "sentinel-sessions",
    region: "us-east-1",
  });
});

test("filters and windows apply as on the table: --user alice since 2026-02-01", async () => {
  const { dir } = folderExport(ITEMS, { files: 3 });
  const since = Date.parse("2026-02-01T00:00:00Z");
  const filter: SessionFilter = {
    user: "alice",
    window: { since: parseTimestamp("2026-02-01T00:00:00Z")!, until: parseTimestamp("2026-02-10T00:00:00Z")! },
  };
  const { ids, result } = await listIds(dir, filter);
  // Whole-second edges: the fraction cannot move an instant across them, so Date.parse of the text without it decides.
  const expected = GOOD.filter(
    (item) =>
      text(item, "user") === "alice" && Date.parse((text(item, "created_at") as string).replace(/\.\d+/, "")) >= since,
  ).map((item) => text(item, "id") as string);
  expect(expected.length).toBeGreaterThan(20);
  expect(ids).toEqual(expected.sort());
  // The index of --user holds no item without a string created_at (bad…2, bad…3): the table never sees them.
  expect(result.malformed).toEqual([]);
});

test("an item without created_at is reported by a Scan but hidden by an index read, as on the table", async () => {
  const { dir } = folderExport(BAD, { files: 2 });
  const scan = await listIds(dir, ALL_TIME);
  expect(scan.result.malformed.map((label) => label.slice(0, 16))).toEqual([
    "bad0000000000001",
    "bad0000000000002",
    "bad0000000000003",
    "bad0000000000004",
  ]);
  const byUser = await listIds(dir, { ...ALL_TIME, user: "alice" });
  expect(byUser.result.malformed).toEqual(['bad0000000000001 (created_at "2026-02-30T00:00:00Z": no such date)']);
  expect(byUser.result.itemsRead).toBe(4);
});

test("data files of several gzip members, and empty data files, are read whole", async () => {
  const { built, dir } = folderExport(GOOD, { files: 9, gzipMembers: 4 });
  expect(built.dataFiles.length).toBe(9);
  const { result } = await listIds(dir, ALL_TIME, 2);
  expect(result.matched).toBe(700);
  const empty = folderExport(GOOD.slice(0, 2), { files: 4 });
  const few = await listIds(empty.dir, ALL_TIME);
  expect(few.ids).toEqual(
    GOOD.slice(0, 2)
      .map((item) => text(item, "id") as string)
      .sort(),
  );
});

test("a zero-byte data file with itemCount 0 and the MD5 of no bytes is an empty partition", async () => {
  const { built, dir } = folderExport(GOOD.slice(0, 3), { files: 1 });
  const manifest = join(dir, "manifest-files.json");
  const emptyKey = `${built.root}/data/emptyemptyemptyemptyempty.json.gz`;
  writeFileSync(join(dir, "data", "emptyemptyemptyemptyempty.json.gz"), "");
  const line = JSON.stringify({
    itemCount: 0,
    md5Checksum: "1B2M2Y8AsgTpgAmY7PhCfg==",
    etag: "x",
    dataFileS3Key: emptyKey,
  });
  writeFileSync(manifest, `${readFileSync(manifest, "utf8")}${line}\n`);
  const { result } = await listIds(dir, ALL_TIME);
  expect(result.matched).toBe(3);
});

test.each([
  ["the export's folder", (dir: string) => dir],
  ["its folder with a final slash", (dir: string) => `${dir}/`],
  ["its manifest-summary.json", (dir: string) => `${dir}/manifest-summary.json`],
])("an export opens from %s", async (_, form) => {
  const { dir } = folderExport(GOOD.slice(0, 10));
  const { ids, store } = await listIds(form(dir), ALL_TIME);
  expect(ids.length).toBe(10);
  expect(store.facts.uri).toBe(dir);
});

test.each([
  [
    "s3://audit/ddb/AWSDynamoDB/01700000000000-abcd1234",
    { kind: "s3", bucket: "audit", prefix: "ddb/AWSDynamoDB/01700000000000-abcd1234" },
  ],
  [
    "s3://audit/ddb/AWSDynamoDB/01700000000000-abcd1234/",
    { kind: "s3", bucket: "audit", prefix: "ddb/AWSDynamoDB/01700000000000-abcd1234" },
  ],
  [
    "s3://audit/ddb/AWSDynamoDB/01700000000000-abcd1234/manifest-summary.json",
    { kind: "s3", bucket: "audit", prefix: "ddb/AWSDynamoDB/01700000000000-abcd1234" },
  ],
  ["s3://audit/AWSDynamoDB/0170-ab", { kind: "s3", bucket: "audit", prefix: "AWSDynamoDB/0170-ab" }],
  [
    "/srv/exports/AWSDynamoDB/0170-ab/manifest-summary.json",
    { kind: "folder", dir: "/srv/exports/AWSDynamoDB/0170-ab" },
  ],
  ["/srv/exports/AWSDynamoDB/0170-ab//", { kind: "folder", dir: "/srv/exports/AWSDynamoDB/0170-ab" }],
  ["manifest-summary.json", { kind: "folder", dir: process.cwd() }],
  ["S3://audit/AWSDynamoDB/0170-ab", { kind: "s3", bucket: "audit", prefix: "AWSDynamoDB/0170-ab" }],
])("parseExportLocation(%p)", (uri, expected) => {
  expect(parseExportLocation(uri)).toEqual(expected as ReturnType<typeof parseExportLocation>);
});

test.each([
  ["s3://"],
  ["s3:///AWSDynamoDB/x"],
  ["s3://bucket"],
  ["s3://bucket/manifest-summary.json"],
  ["https://example.com/x"],
  [""],
])("parseExportLocation(%p) is a usage error", (uri) => {
  expect(() => parseExportLocation(uri)).toThrow(UsageError);
});

/** The SentinelError that opening and listing the export gives. */
async function failure(dir: string): Promise<SentinelError> {
  try {
    await listIds(dir, ALL_TIME, 2);
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelError);
    expect((error as Error).message).not.toContain("\n");
    return error as SentinelError;
  }
  throw new Error("the export was read as whole");
}

test("a data file with a flipped byte is refused, naming the file and its MD5", async () => {
  const { built, dir } = folderExport(ITEMS, { files: 3, flipByte: { file: 1 } });
  const file = join(work, String(folders), built.dataFiles[1]?.key as string);
  const error = await failure(dir);
  expect(error.message).toContain(`export data file ${file} `);
  expect(error.message).toContain("has MD5");
});

test("a data file damaged inside its compressed data is refused, naming the file", async () => {
  const { built } = folderExport(ITEMS, { files: 3 });
  const body = built.dataFiles[2]?.body as Buffer;
  const { dir } = folderExport(ITEMS, { files: 3, flipByte: { file: 2, at: Math.floor(body.length / 2) } });
  const error = await failure(dir);
  expect(error.message).toContain(join(dir, "data"));
  expect(error.message).toContain(built.dataFiles[2]?.key.split("/").pop() as string);
});

test("a data file with bytes that are not UTF-8 is refused, not read with U+FFFD in their place", async () => {
  const { built, dir } = folderExport([GOOD[2] as Item], { files: 1 });
  const bad = Buffer.from(JSON.stringify({ Item: { ...(GOOD[1] as Item), user: { S: "al~ce" } } }));
  bad[bad.indexOf("~")] = 0xff;
  const body = gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify({ Item: GOOD[0] })}\n`), bad, Buffer.from("\n")]));
  const name = "notutf8notutf8notutf8notu.json.gz";
  writeFileSync(join(dir, "data", name), body);
  const md5Checksum = createHash("md5").update(body).digest("base64");
  const line = JSON.stringify({ itemCount: 2, md5Checksum, etag: "x", dataFileS3Key: `${built.root}/data/${name}` });
  const files = join(dir, "manifest-files.json");
  writeFileSync(files, `${readFileSync(files, "utf8")}${line}\n`);
  const summary = join(dir, "manifest-summary.json");
  writeFileSync(summary, JSON.stringify({ ...JSON.parse(readFileSync(summary, "utf8")), itemCount: 3 }));
  const error = await failure(dir);
  expect(error.message).toBe(
    `export data file ${dir}/data/${name} holds bytes that are not UTF-8 text: the export is damaged; take a new export`,
  );
});

test("a data file padded with zeros (a partial copy) is refused for its MD5, not for zlib's reason", async () => {
  const { built, dir } = folderExport(ITEMS, { files: 3 });
  const file = join(work, String(folders), built.dataFiles[1]?.key as string);
  const body = readFileSync(file);
  writeFileSync(file, Buffer.concat([body, Buffer.alloc(100_000)]));
  const error = await failure(dir);
  expect(error.message).toStartWith(`export data file ${file} (${body.length + 100_000} bytes) has MD5 `);
  const listed = createHash("md5").update(body).digest("base64");
  expect(error.message).toEndWith(`where manifest-files.json says ${listed}: the export is damaged; take a new export`);
});

test("blank lines after manifest-files.json's entries are no entry; one between them is damage", async () => {
  const { dir } = folderExport(ITEMS, { files: 3 });
  const list = join(dir, "manifest-files.json");
  const lines = readFileSync(list, "utf8").trimEnd().split("\n");
  writeFileSync(list, `${lines.join("\n")}\n\n \r\n`);
  expect((await listIds(dir, ALL_TIME)).ids).toEqual(GOOD.map((item) => text(item, "id") as string).sort());
  writeFileSync(list, `${lines[0]}\n\n${lines.slice(1).join("\n")}\n`);
  expect((await failure(dir)).message).toBe(`${list} line 2 is not JSON: the export is damaged; take a new export`);
});

test("a missing data file is refused, naming it", async () => {
  const { built, dir } = folderExport(ITEMS, { files: 4, dropFile: 3 });
  const error = await failure(dir);
  expect(error.message).toBe(
    `export data file ${join(work, String(folders), built.dataFiles[3]?.key as string)} not found: the export is incomplete; copy the whole export folder`,
  );
});

test("a data file whose item count differs from manifest-files.json is refused, naming it", async () => {
  const { built, dir } = folderExport(ITEMS, { files: 3, wrongCount: { file: 0, by: 1 } });
  const error = await failure(dir);
  const expected = Math.ceil(ITEMS.length / 3);
  expect(error.message).toContain(
    `export data file ${join(work, String(folders), built.dataFiles[0]?.key as string)} holds ${expected} items where manifest-files.json says ${expected + 1}`,
  );
});

test("file counts that do not add up to the summary's itemCount are refused, naming manifest-files.json", async () => {
  const { dir } = folderExport(ITEMS, { files: 3, summaryItemCount: 705 });
  const error = await failure(dir);
  expect(error.message).toContain(
    `${dir}/manifest-files.json counts 704 items in 3 data files where manifest-summary.json says 705`,
  );
});

test.each([['{"Foo":{}}'], ['{"Item":{"id":{"S":"x"}},"Extra":1}'], ['{"Item":"text"}'], ["not json"], [""]])(
  "a data file line %p is refused, naming the file and line",
  async (line) => {
    const { built, dir } = folderExport(GOOD.slice(0, 6), { files: 2, extraLines: { file: 1, lines: [line] } });
    const error = await failure(dir);
    expect(error.message).toContain(
      `export data file ${join(work, String(folders), built.dataFiles[1]?.key as string)} line 4 is not {"Item": {…}}`,
    );
  },
);

test.each([
  ["an Ion export", { ion: true }, "describes an export in Amazon Ion format"],
  ["an incremental export", { incremental: true }, "describes an incremental export"],
])("%s is refused with how to take a full DynamoDB JSON export", async (_, options, what) => {
  const { built, dir } = folderExport(GOOD.slice(0, 5), options);
  const error = await failure(dir);
  expect(error.message).toContain(`${dir}/manifest-summary.json ${what}`);
  expect(error.message).toContain(
    `aws dynamodb export-table-to-point-in-time --table-arn ${built.tableArn} --s3-bucket BUCKET --export-time TIME --export-format DYNAMODB_JSON --export-type FULL_EXPORT`,
  );
});

test("a folder without an export says where it looked", async () => {
  const empty = join(work, "no-export");
  const error = await failure(empty);
  expect(error.message).toContain(`no DynamoDB export at ${empty}: ${empty}/manifest-summary.json not found`);
});

test("a summary that is not an export summary is refused, naming it", async () => {
  const { dir } = folderExport(GOOD.slice(0, 2));
  writeFileSync(join(dir, "manifest-summary.json"), JSON.stringify({ version: "2020-06-30" }));
  const error = await failure(dir);
  expect(error.message).toStartWith(`${dir}/manifest-summary.json is not the summary of a DynamoDB export`);
});

test("get() finds a session, a malformed item, or nothing, like GetItem", async () => {
  const { dir } = folderExport(ITEMS, { files: 4 });
  const store = await openDynamoDBExport(dir, NO_S3);
  const id = text(GOOD[123] as Item, "id") as string;
  const found = await store.get(id);
  expect(found.kind === "found" && found.session.id).toBe(id);
  expect(await store.get("bad0000000000002")).toEqual({
    kind: "malformed",
    label: "bad0000000000002 (created_at: missing)",
  });
  expect(await store.get("0000000000000000")).toEqual({ kind: "missing" });
});

test("get() refuses an export that holds the session's id twice, whichever copy is read first", async () => {
  const copy = (user: string) => ({ ...(GOOD[5] as Item), user: { S: user } });
  const { dir } = folderExport([copy("alice"), copy("mallory")], { files: 2 });
  const store = await openDynamoDBExport(dir, NO_S3);
  const id = text(GOOD[5] as Item, "id") as string;
  const error = await store.get(id).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SentinelError);
  expect((error as Error).message).toBe(
    `the export ${dir} holds session "${id}" 2 times: the export is damaged; take a new export`,
  );
});

test("get() still checks every data file it reads", async () => {
  const { dir } = folderExport(ITEMS, { files: 4, flipByte: { file: 3 } });
  const store = await openDynamoDBExport(dir, NO_S3);
  await expect(store.get(text(GOOD[0] as Item, "id") as string)).rejects.toThrow("has MD5");
});

test("reading waits for afterPage every few hundred items: no item is read while it is pending", async () => {
  const { dir } = folderExport(GOOD, { files: 1 });
  const store = await openDynamoDBExport(dir, { ...NO_S3, concurrency: 1 });
  const keep = new NewestFirst(0, (s: Session) => s.id);
  const seenAtWait: number[] = [];
  let release: (() => void) | undefined;
  const progress: number[] = [];
  const reading = store.find(ALL_TIME, keep, {
    onProgress: (p) => progress.push(p.itemsRead),
    afterPage: () => {
      seenAtWait.push(keep.offered);
      return new Promise<void>((done) => {
        release = done;
      });
    },
  });
  for (let wait = 0; wait < 3; wait++) {
    while (release === undefined) await new Promise((done) => setImmediate(done));
    const offered = keep.offered;
    // Many turns of the event loop: a reader that did not wait would go on meanwhile.
    for (let turn = 0; turn < 50; turn++) await new Promise((done) => setImmediate(done));
    expect(keep.offered).toBe(offered);
    const go = release;
    release = undefined;
    go();
  }
  const result = await reading;
  expect(seenAtWait).toEqual([256, 512, 700]);
  expect(progress).toEqual([256, 512, 700]);
  expect(result.matched).toBe(700);
});

test("pages count the data files done", async () => {
  const { dir } = folderExport(GOOD.slice(0, 50), { files: 6 });
  const store = await openDynamoDBExport(dir, NO_S3);
  const pages: number[] = [];
  await store.find(ALL_TIME, new NewestFirst(0, (s: Session) => s.id), { onProgress: (p) => pages.push(p.pages) });
  expect(pages.at(-1)).toBe(6);
});

test("an aborted listing stops with InterruptedError", async () => {
  const { dir } = folderExport(GOOD, { files: 3 });
  const store = await openDynamoDBExport(dir, NO_S3);
  const stop = new AbortController();
  const reading = store.find(ALL_TIME, new NewestFirst(0, (s: Session) => s.id), {
    afterPage: async () => stop.abort(),
    signal: stop.signal,
  });
  await expect(reading).rejects.toBeInstanceOf(InterruptedError);
});

test.each([[0], [65], [1.5]])("--s3-concurrency %p is a usage error", async (concurrency) => {
  const { dir } = folderExport(GOOD.slice(0, 1));
  await expect(openDynamoDBExport(dir, { ...NO_S3, concurrency })).rejects.toBeInstanceOf(UsageError);
});

test.each([
  [
    "arn:aws:dynamodb:eu-west-1:111122223333:table/sentinel-sessions",
    { table: "sentinel-sessions", region: "eu-west-1" },
  ],
  ["arn:aws-cn:dynamodb:cn-north-1:111122223333:table/s.e_s-1", { table: "s.e_s-1", region: "cn-north-1" }],
  ["arn:aws:dynamodb:eu-west-1:111122223333:table/t/export/0170-ab", undefined],
  ["arn:aws:s3:::bucket", undefined],
])("tableOfArn(%p)", (arn, expected) => {
  expect(tableOfArn(arn)).toEqual(expected);
});
