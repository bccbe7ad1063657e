// LogFilesSource on files written here: a small file is parsed whole, a large
// one streamed, and both give what the record-by-record splitter gives, for
// the shapes where one JSON.parse of the file would not (repeated or escaped
// "Records" keys, a broken record). Expected results are written by hand.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { InterruptedError, SentinelError } from "../aws/errors.ts";
import type { ReadRecord } from "./event.ts";
import { fileError, LogFilesSource } from "./log-files.ts";

const ROOT = mkdtempSync(join(tmpdir(), "sentinel-log-files-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

/** An AssumeRole record in CloudTrail's shape, as JSON text. */
const rec = (id: string, padding = "") =>
  JSON.stringify({
    eventSource: "sts.amazonaws.com",
    eventName: "AssumeRole",
    eventID: id,
    eventTime: "2026-01-20T10:30:00Z",
    requestParameters: { roleArn: "arn:aws:iam::111122223333:role/prod-admin", padding },
  });

let folders = 0;
/** Reads one file of `body` (gzipped when the name ends in .gz) and describes each record. */
async function readOne(name: string, body: string | Buffer): Promise<string[]> {
  const dir = join(ROOT, String(++folders));
  mkdirSync(dir);
  writeFileSync(join(dir, name), name.endsWith(".gz") && typeof body === "string" ? gzipSync(body) : body);
  const out: string[] = [];
  for await (const r of new LogFilesSource(dir).read({ until: { seconds: 0n, nanos: 0 } } as never)) out.push(show(r));
  return out;
}

const show = (r: ReadRecord) =>
  r.kind === "event" ? r.event.eventId : r.kind === "malformed" ? `malformed ${r.label}` : "other";

test("a gzip file and a plain one give their records in order", async () => {
  const body = `{"Records": [${rec("e1")}, ${rec("e2")}, {"eventSource": "s3.amazonaws.com", "eventName": "GetObject"}]}`;
  expect(await readOne("a.json.gz", body)).toEqual(["e1", "e2", "other"]);
  expect(await readOne("a.json", body)).toEqual(["e1", "e2", "other"]);
});

test("a repeated Records key gives the records of both lists, not only the last", async () => {
  expect(await readOne("a.json.gz", `{"Records": [${rec("e1")}], "Records": [${rec("e2")}]}`)).toEqual(["e1", "e2"]);
});

test("a Records key spelled with escapes beside the real one does not hide the real one's records", async () => {
  expect(await readOne("a.json.gz", `{"Records": [${rec("e1")}], "Rec\\u006frds": []}`)).toEqual(["e1"]);
});

test("a broken record is named and the others are still read", async () => {
  expect(await readOne("a.json.gz", `{"Records": [${rec("e1")}, {"eventID": }, ${rec("e3")}, 7]}`)).toEqual([
    "e1",
    "malformed a.json.gz record 2",
    "e3",
    "malformed a.json.gz record 4",
  ]);
});

test("a gzip file of several members is read to its end", async () => {
  const body = Buffer.concat([gzipSync(`{"Records": [${rec("e1")},`), gzipSync(` ${rec("e2")}]}`)]);
  expect(await readOne("a.json.gz", body)).toEqual(["e1", "e2"]);
});

test("a file whose text is larger than is held whole is streamed, every record read", async () => {
  // 17 MiB of text (a file parsed whole holds at most 4 MiB), compressing to little.
  const padding = "x".repeat(4_000);
  const ids = Array.from({ length: 4_500 }, (_, i) => `big-${i}`);
  const body = `{"Records": [${ids.map((id) => rec(id, padding)).join(",")}]}`;
  expect(body.length).toBeGreaterThan(17 << 20);
  expect(await readOne("big.json.gz", body)).toEqual(ids);
});

test("a small file dense with objects is split record by record, every record named", async () => {
  // 40,000 empty lists in 160 KB of text: too many to parse whole; each is a malformed record.
  const body = `{"Records": [${Array.from({ length: 40_000 }, () => "[]").join(", ")}, ${rec("last")}]}`;
  const read = await readOne("dense.json.gz", body);
  expect(read.length).toBe(40_001);
  expect(read[0]).toBe("malformed dense.json.gz record 1");
  expect(read[39_999]).toBe("malformed dense.json.gz record 40000");
  expect(read[40_000]).toBe("last");
});

test("a file that is not a Records object, or not gzip, fails the run with its name", async () => {
  await expect(readOne("a.json.gz", "[1, 2]")).rejects.toThrow(
    'CloudTrail log file "a.json.gz" is not a {"Records": [...]} JSON file (not a JSON object)',
  );
  await expect(readOne("b.json.gz", Buffer.from('{"Records": []}'))).rejects.toThrow(
    'CloudTrail log file "b.json.gz" is not valid gzip data',
  );
  const whole = gzipSync(`{"Records": [${rec("e1")}]}`);
  await expect(readOne("c.json.gz", whole.subarray(0, whole.length - 8))).rejects.toThrow(
    'CloudTrail log file "c.json.gz" is not valid gzip data',
  );
});

test.each([
  ["a small file", 1],
  ["a file over 1 MiB, streamed", 300],
])("a Records key spelled with escapes holds the records of %s", async (_, count) => {
  const ids = Array.from({ length: count }, (_, i) => `e${i}`);
  const body = `{"\\u0052ec\\u006frds": [${ids.map((id) => rec(id, "x".repeat(4_000)).replace('"eventID"', '"event\\u0049D"')).join(",")}]}`;
  expect(body.length > 1 << 20).toBe(count > 1);
  expect(await readOne("a.json", body)).toEqual(ids);
});

test("fileError() passes on an error that already says what happened and what to do", () => {
  const brokeOff = new SentinelError(
    "reading s3://b/k broke off 5 times (last: aborted): check the network and try again",
  );
  expect(fileError("s3://b/k", true, brokeOff)).toBe(brokeOff);
  const stop = new InterruptedError("interrupted");
  expect(fileError("a.json.gz", true, stop)).toBe(stop);
});
