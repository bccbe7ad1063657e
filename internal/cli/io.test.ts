import { expect, test } from "bun:test";
import { InterruptedError } from "../aws/errors.ts";
import { ChunkedWriter, type Text, type Writer } from "../output/writer.ts";
import { interruptible } from "./io.ts";

test("interruptible() stops the write loop at the first chunk after an interrupt", async () => {
  const interrupt = new AbortController();
  const written: Text[] = [];
  // A fast reader: every chunk is taken at once; the third one is the moment of Ctrl-C.
  const sink: Writer = {
    write(chunk) {
      written.push(chunk);
      if (written.length === 3) interrupt.abort();
    },
  };
  const chunks = new ChunkedWriter(interruptible(sink, interrupt.signal));
  const row = `${"x".repeat(1023)}\n`;
  let rowsAdded = 0;
  const loop = async () => {
    for (let i = 0; i < 10_000; i++) {
      await chunks.add(row);
      rowsAdded++;
    }
    await chunks.flush();
  };
  const failure = await loop().catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(InterruptedError);
  // 64 KiB chunks of 1 KiB rows: three chunks went out, none after the interrupt.
  expect(written.length).toBe(3);
  expect(rowsAdded).toBeLessThan(4 * 64);
});

test("interruptible() gives up on a write the reader never takes, once interrupted", async () => {
  const interrupt = new AbortController();
  let asked = 0;
  // A reader that never reads: the write stays pending forever.
  const blocked: Writer = {
    write() {
      asked++;
      return new Promise<void>(() => {});
    },
  };
  const pending = interruptible(blocked, interrupt.signal).write("half a row");
  interrupt.abort();
  expect(await Promise.resolve(pending).catch((error: unknown) => error)).toBeInstanceOf(InterruptedError);
  expect(asked).toBe(1);
});

test("interruptible() passes a failed write's own error on (EPIPE for | head)", async () => {
  const epipe = Object.assign(new Error("broken pipe"), { code: "EPIPE" });
  const failing: Writer = { write: () => Promise.reject(epipe) };
  const failure = await Promise.resolve(interruptible(failing, new AbortController().signal).write("x")).catch(
    (error: unknown) => error,
  );
  expect(failure).toBe(epipe);
});
