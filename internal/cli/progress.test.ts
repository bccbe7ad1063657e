import { expect, test } from "bun:test";
import { bufferIO } from "../../test/support/buffer-io.ts";
import { Progress } from "./progress.ts";

const NOW = new Date("2026-01-20T12:00:00Z");
const p = (itemsRead: number, matched: number, pages: number) => ({ itemsRead, matched, pages });

test("Progress draws on a TTY after a second, at most every 250 ms, and erases itself", () => {
  let clock = 0;
  const io = bufferIO(NOW, { stderrIsTTY: true });
  const progress = new Progress(io, () => clock);
  clock = 500;
  progress.update(p(1_000, 10, 1));
  expect(io.err()).toBe("");
  clock = 2_000;
  progress.update(p(40_000, 1_500, 8));
  expect(io.err()).toBe("\r\u001b[2K40,000 read, 1,500 matched, 8 pages, 20,000/s, 2.0s");
  clock = 2_100;
  progress.update(p(41_000, 1_600, 9));
  expect(io.err().split("\r\u001b[2K").length).toBe(2);
  clock = 2_300;
  progress.update(p(46_000, 1_700, 10));
  expect(io.err()).toEndWith("\r\u001b[2K46,000 read, 1,700 matched, 10 pages, 20,000/s, 2.3s");
  progress.clear();
  expect(io.err()).toEndWith("2.3s\r\u001b[2K");
});

test.each([
  ["a pipe", { stderrIsTTY: false }],
  ["CI", { stderrIsTTY: true, env: { CI: "true" } }],
])("Progress never draws on %s", (_, options) => {
  let clock = 0;
  const io = bufferIO(NOW, options);
  const progress = new Progress(io, () => clock);
  clock = 5_000;
  progress.update(p(100_000, 5, 20));
  progress.clear();
  expect(io.err()).toBe("");
});
