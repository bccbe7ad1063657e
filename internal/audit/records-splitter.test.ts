import { expect, test } from "bun:test";
import { NotRecordsJson, RecordsSplitter } from "./records-splitter.ts";

function split(text: string, chunkSize: number): string[] {
  const out: string[] = [];
  const s = new RecordsSplitter();
  for (let i = 0; i < text.length; i += chunkSize) s.push(text.slice(i, i + chunkSize), (json) => out.push(json));
  s.end();
  return out;
}

const records = [{ a: 1, s: 'x"]}{[,' }, { b: [1, { c: "\\" }] }, { e: "\u00e9\u4e2d" }];
const file = JSON.stringify({ before: { Records: "no" }, Records: records, after: [1, 2] }, null, 1);

test.each([1, 2, 3, 7, 64, 100_000])("RecordsSplitter gives each record once whatever the chunk size (%i)", (size) => {
  expect(split(file, size).map((json) => JSON.parse(json))).toEqual(records);
});

test("RecordsSplitter() passes scalar elements on for their reader to refuse", () => {
  expect(split('{"Records":[1,"x",{"a":2},true]}', 3)).toEqual(["1", '"x"', '{"a":2}', "true"]);
});

test("RecordsSplitter() finds no records in an object without Records (a digest file)", () => {
  expect(split('{"awsAccountId":"1","logFiles":[{"a":1}]}', 5)).toEqual([]);
});

test.each([["[1,2]"], [""], ['{"Records":[{"a":1}'], ['{"a":1} x']])("RecordsSplitter() refuses %p", (text) => {
  expect(() => split(text, 4)).toThrow(NotRecordsJson);
});

test("RecordsSplitter agrees with JSON.parse on random records cut into random chunks", () => {
  let x = 2463534242;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const alphabet = ['"', "\\", "{", "}", "[", "]", ",", ":", " ", "a", "Z", "é", "中", "\n", "\u0000", "😀"];
  const text = () =>
    Array.from({ length: Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
  const value = (depth: number): unknown => {
    const kind = Math.floor(next() * (depth > 2 ? 3 : 5));
    if (kind === 0) return text();
    if (kind === 1) return Math.floor(next() * 1000) - 500;
    if (kind === 2) return next() < 0.5 ? null : true;
    if (kind === 3) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [text(), value(depth + 1)]));
  };
  let disagreements = 0;
  for (let round = 0; round < 300; round++) {
    const records = Array.from({ length: 1 + Math.floor(next() * 5) }, () => ({ [text()]: value(1), k: text() }));
    const json = JSON.stringify({ [text()]: text(), Records: records }, null, round % 2 === 0 ? 0 : 1);
    const out: string[] = [];
    const s = new RecordsSplitter();
    for (let i = 0; i < json.length; ) {
      const size = 1 + Math.floor(next() * 40);
      s.push(json.slice(i, i + size), (record) => out.push(record));
      i += size;
    }
    s.end();
    if (JSON.stringify(out.map((r) => JSON.parse(r))) !== JSON.stringify(records)) disagreements++;
  }
  expect(disagreements).toBe(0);
});

test.each([
  ['{"Rec\\u006frds":[{"a":1},{"b":2}]}'],
  ['{"\\u0052ecords":[{"a":1},{"b":2}]}'],
  ['{"\\u0052\\u0065\\u0063\\u006F\\u0072\\u0064\\u0073":[{"a":1},{"b":2}]}'],
  ['{"x\\"":"Records","Rec\\u006frds" : [{"a":1},{"b":2}]}'],
])("RecordsSplitter() reads an escaped key as the key it spells: %s", (text) => {
  expect(JSON.parse(text).Records).toEqual([{ a: 1 }, { b: 2 }]);
  for (const size of [1, 3, 5, 100])
    expect(split(text, size).map((json) => JSON.parse(json))).toEqual([{ a: 1 }, { b: 2 }]);
});

test("RecordsSplitter() finds no records under a key that only looks like Records", () => {
  expect(split('{"Records\\u0020":[{"a":1}],"records":[{"b":2}],"Rec\\\\u006frds":[{"c":3}]}', 4)).toEqual([]);
});
