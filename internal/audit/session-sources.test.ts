import { expect, test } from "bun:test";
import { type ExportSessionsReader, malformedOnce, sessionsFromSources } from "./session-sources.ts";

const NO_ID = "(item without id) (id: missing)";

test("malformedOnce() counts an item met in two exports once", () => {
  expect(
    malformedOnce([
      ["a (x)", "b (y)"],
      ["b (y)", "c (z)"],
    ]),
  ).toEqual(["a (x)", "b (y)", "c (z)"]);
});

test("malformedOnce() keeps two items of one export that share a label", () => {
  expect(malformedOnce([[NO_ID, NO_ID], [NO_ID]])).toEqual([NO_ID, NO_ID]);
});

test("sessionsFromSources() reports the malformed items of an export given twice once", async () => {
  const reader: ExportSessionsReader = {
    isExport: async () => true,
    read: async () => ({
      sessions: [{ id: "00000000000000a1", user: "alice", sourceIdentity: "sentinel:alice:direct:r1" }],
      malformed: ['00000000000000b1 (request_count "1.5": not an integer)', NO_ID],
    }),
  };
  const { directory, malformed } = await sessionsFromSources(["s3://b/e/AWSDynamoDB/1", "./copy-of-it"], reader);
  expect(malformed).toEqual(['00000000000000b1 (request_count "1.5": not an integer)', NO_ID]);
  expect(directory.malformed()).toEqual(malformed);
});
