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
