// ChunkedWriter: every piece's bytes in order, in chunks of at most 64 KiB
// that never split a piece (unless it alone is larger), whether the pieces are
// all at hand or arrive one by one, and through a writer that is slow to answer.
import { expect, test } from "bun:test";
import { ChunkedWriter, type Text } from "./writer.ts";

const CHUNK = 64 * 1024;
// Rows of varied lengths, ASCII and not, strings and bytes, and one longer than a chunk.
const pieces: Text[] = Array.from({ length: 3_000 }, (_, i) => {
  const text = `${i},${"é".repeat(i % 50)}${"x".repeat((i * 37) % 300)}\n`;
  return i % 3 === 0 ? new TextEncoder().encode(text) : text;
});
pieces.splice(1_500, 0, `${"y".repeat(CHUNK + 10)}\n`);
const expected = Buffer.concat(pieces.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));

function sink(delayed: boolean) {
  const chunks: Buffer[] = [];
  return {
    chunks,
    write(chunk: Text): Promise<void> | undefined {
      // Copied at once: the writer may reuse nothing it handed over, but a sink must not rely on that.
      chunks.push(Buffer.from(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
      return delayed ? new Promise((resolve) => setTimeout(resolve, 0)) : undefined;
    },
  };
}

async function* arriving(all: Text[]): AsyncIterable<Text> {
  for (const p of all) yield p;
}

test.each([
  ["all at hand, a writer that answers at once", false, false],
  ["all at hand, a writer slow to answer", false, true],
  ["arriving one by one, a writer slow to answer", true, true],
])("addAll(): %s gives every byte in order, no piece split", async (_, async, delayed) => {
  const out = sink(delayed);
  const chunks = new ChunkedWriter(out);
  await chunks.addAll(async ? arriving(pieces) : pieces);
  await chunks.flush();
  expect(Buffer.concat(out.chunks).equals(expected)).toBe(true);
  // Each chunk ends where a piece ends, and only the long piece's own chunk is over 64 KiB.
  const ends = new Set<number>();
  let at = 0;
  for (const p of pieces) {
    at += typeof p === "string" ? Buffer.byteLength(p) : p.length;
    ends.add(at);
  }
  at = 0;
  for (const c of out.chunks) {
    at += c.length;
    expect(ends.has(at)).toBe(true);
    if (c.length > CHUNK) expect(c.toString()).toBe(`${"y".repeat(CHUNK + 10)}\n`);
  }
  expect(out.chunks.length).toBeGreaterThan(8);
});

test("add() answers undefined for a piece that went into the buffer, a promise when a chunk is written first", async () => {
  const out = sink(true);
  const chunks = new ChunkedWriter(out);
  expect(chunks.add(Buffer.alloc(CHUNK - 1, "a"))).toBeUndefined();
  const waiting = chunks.add("bb");
  expect(waiting).toBeInstanceOf(Promise);
  await waiting;
  expect(out.chunks.map((c) => c.length)).toEqual([CHUNK - 1]);
  await chunks.flush();
  expect(out.chunks.map((c) => c.toString())).toEqual(["a".repeat(CHUNK - 1), "bb"]);
});
