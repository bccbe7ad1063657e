import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { type GunzipResult, gunzipMembers } from "./gzip-members.ts";

async function* chunks(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function gunzip(bytes: Buffer, size: number): Promise<{ text: string; result: GunzipResult }> {
  const result: GunzipResult = { members: 0, trailingBytes: 0 };
  const parts: Buffer[] = [];
  for await (const piece of gunzipMembers(chunks(bytes, size), result)) parts.push(piece);
  return { text: Buffer.concat(parts).toString("utf8"), result };
}

const a = gzipSync('{"Records": [1,');
const b = gzipSync("2]}");
const sizes = [1, 7, 64, 100_000];

test.each(sizes)(
  "two members read in chunks of %p bytes give their texts in order and no trailing bytes",
  async (size) => {
    expect(await gunzip(Buffer.concat([a, b]), size)).toEqual({
      text: '{"Records": [1,2]}',
      result: { members: 2, trailingBytes: 0 },
    });
  },
);

test.each(sizes)("bytes after the last member are counted, whatever they are (chunks of %p)", async (size) => {
  expect((await gunzip(Buffer.concat([a, b, Buffer.from("appended")]), size)).result).toEqual({
    members: 2,
    trailingBytes: 8,
  });
  expect((await gunzip(Buffer.concat([a, Buffer.alloc(5)]), size)).result).toEqual({ members: 1, trailingBytes: 5 });
  // The start of a header with nothing after it is no member either.
  expect((await gunzip(Buffer.concat([a, Buffer.from([0x1f, 0x8b])]), size)).result.trailingBytes).toBe(2);
});

test("a header with a file name, a comment and extra data is skipped", async () => {
  // RFC 1952: FLG = FEXTRA | FNAME | FCOMMENT; XLEN = 3.
  const header = Buffer.from([0x1f, 0x8b, 8, 4 | 8 | 16, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3]);
  const member = Buffer.concat([header, Buffer.from("name\0comment\0"), a.subarray(10)]);
  expect((await gunzip(member, 3)).text).toBe('{"Records": [1,');
});

test("a large member streams out in pieces whose SHA-256 is the text's", async () => {
  const text = JSON.stringify({
    Records: Array.from({ length: 20_000 }, (_, i) => ({ id: i, pad: "x".repeat(i % 97) })),
  });
  const parts: number[] = [];
  const hash = createHash("sha256");
  const result: GunzipResult = { members: 0, trailingBytes: 0 };
  for await (const piece of gunzipMembers(chunks(gzipSync(text), 16_384), result)) {
    parts.push(piece.length);
    hash.update(piece);
  }
  expect(parts.length).toBeGreaterThan(1);
  expect(hash.digest("hex")).toBe(createHash("sha256").update(text).digest("hex"));
});

test.each([
  ["not gzip at all", Buffer.from('{"Records": []}')],
  ["empty", Buffer.alloc(0)],
  ["cut inside the deflate data", a.subarray(0, a.length - 12)],
  ["cut inside the trailer", a.subarray(0, a.length - 3)],
  ["a wrong CRC-32", Buffer.concat([a.subarray(0, a.length - 8), Buffer.from([1, 2, 3, 4]), a.subarray(a.length - 4)])],
  ["a corrupt second member", Buffer.concat([a, b.subarray(0, 10), Buffer.from([0xff, 0xff, 0xff]), b.subarray(13)])],
])("%s is a GzipError with zlib's data error code", async (_, bytes) => {
  const reading = gunzip(bytes, 5);
  await expect(reading).rejects.toThrow();
  await expect(reading).rejects.toMatchObject({ name: "GzipError", code: "Z_DATA_ERROR" });
});
