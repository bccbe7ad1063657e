import { expect, test } from "bun:test";
import { bufferIO } from "../../test/support/buffer-io.ts";
import { InterruptedError } from "../aws/errors.ts";
import { say } from "./io.ts";
import { byteSize, erasingStatusLine, fitStatusLine, Progress, timeLeft } from "./progress.ts";
import { reportFailure } from "./report-failure.ts";

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

test("Progress says 1 page, in the singular", () => {
  let clock = 0;
  const io = bufferIO(NOW, { stderrIsTTY: true });
  const progress = new Progress(io, () => clock);
  clock = 1_000;
  progress.update(p(1_000, 10, 1));
  expect(io.err()).toBe("\r\u001b[2K1,000 read, 10 matched, 1 page, 1,000/s, 1.0s");
});

test("erasingStatusLine() erases a progress line before the next message, and only then", async () => {
  let clock = 0;
  const io = bufferIO(NOW, { stderrIsTTY: true });
  io.stderr = erasingStatusLine(io.stderr);
  await say(io, "note: before any progress");
  const progress = new Progress(io, () => clock);
  clock = 2_000;
  progress.update(p(40_000, 1_500, 8));
  clock = 2_300;
  progress.update(p(46_000, 1_700, 10));
  // The run stops without progress.clear(), as an interrupted read does.
  await reportFailure(new InterruptedError("interrupted"), io, { debug: false, interrupted: true });
  expect(io.err()).toBe(
    "note: before any progress\n" +
      "\r\u001b[2K40,000 read, 1,500 matched, 8 pages, 20,000/s, 2.0s" +
      "\r\u001b[2K46,000 read, 1,700 matched, 10 pages, 20,000/s, 2.3s" +
      "\r\u001b[2Kerror: interrupted\n",
  );
});

test("erasingStatusLine() adds nothing once progress.clear() erased the line", async () => {
  let clock = 0;
  const io = bufferIO(NOW, { stderrIsTTY: true });
  io.stderr = erasingStatusLine(io.stderr);
  const progress = new Progress(io, () => clock);
  clock = 2_000;
  progress.update(p(40_000, 1_500, 8));
  progress.clear();
  await say(io, "warning: skipped 1 malformed session item(s): x");
  expect(io.err()).toBe(
    "\r\u001b[2K40,000 read, 1,500 matched, 8 pages, 20,000/s, 2.0s\r\u001b[2K" +
      "warning: skipped 1 malformed session item(s): x\n",
  );
});

test("Progress.updateDone() draws done of total on a TTY after a second, and never on a pipe", () => {
  let clock = 0;
  const io = bufferIO(NOW, { stderrIsTTY: true });
  const progress = new Progress(io, () => clock);
  clock = 900;
  progress.updateDone(300, 5_000, "sessions");
  expect(io.err()).toBe("");
  clock = 4_000;
  progress.updateDone(1_867, 5_000, "sessions");
  expect(io.err()).toBe("\r\u001b[2K1,867 of 5,000 sessions done, 467/s, 4.0s");
  clock = 4_100;
  progress.updateDone(1_900, 5_000, "sessions");
  expect(io.err()).toBe("\r\u001b[2K1,867 of 5,000 sessions done, 467/s, 4.0s");
  progress.clear();
  expect(io.err()).toEndWith("4.0s\r\u001b[2K");

  const pipe = bufferIO(NOW, { stderrIsTTY: false });
  const quiet = new Progress(pipe, () => clock);
  clock = 10_000;
  quiet.updateDone(10, 20, "sessions");
  expect(pipe.err()).toBe("");
});

test.each([
  [0.2, "1s"],
  [59, "59s"],
  [200, "3m20s"],
  [3_725, "1h02m"],
])("timeLeft(%p) is %p", (seconds, expected) => {
  expect(timeLeft(seconds)).toBe(expected);
});

test.each([
  // 40,000 of 100,000 in 2 s: 40 %, 60,000 more at 20,000/s is 3 s.
  [undefined, "40,000 of about 100,000 read (40%), 1,500 matched, 8 pages, 20,000/s, 2.0s, about 3s left"],
  [100, "40,000 of about 100,000 read (40%), 1,500 matched, 8 pages, 20,000/s, 2.0s, about 3s left"],
  [60, "40,000 read (40%), 1,500 matched, 2.0s, 3s left"],
  [40, "40%, 1,500 matched, 3s left"],
  [20, "40%, 3s left"],
  [8, "40%"],
  [4, "40%"],
])("Progress with a known total at %p columns: %p", (columns, expected) => {
  let clock = 0;
  const io = bufferIO(NOW, { stderrIsTTY: true });
  if (columns !== undefined) io.env = { COLUMNS: String(columns) };
  const progress = new Progress(io, () => clock);
  clock = 2_000;
  progress.update({ ...p(40_000, 1_500, 8), total: 100_000 });
  expect(io.err()).toBe(`\r\u001b[2K${expected}`);
  if (columns !== undefined) expect(expected.length).toBeLessThan(columns);
});

test("Progress without a total keeps to a narrow terminal, the width read at each draw", () => {
  let clock = 0;
  let columns = 80;
  const io = { ...bufferIO(NOW, { stderrIsTTY: true }), env: {} };
  Object.defineProperty(io, "stderrColumns", { get: () => columns });
  const progress = new Progress(io, () => clock);
  clock = 2_000;
  progress.update(p(40_000, 1_500, 8));
  columns = 30;
  clock = 2_500;
  progress.update(p(50_000, 1_600, 9));
  columns = 12;
  clock = 3_000;
  progress.update(p(60_000, 1_700, 10));
  expect(io.err()).toBe(
    "\r\u001b[2K40,000 read, 1,500 matched, 8 pages, 20,000/s, 2.0s" +
      "\r\u001b[2K50,000 read, 1,600 matched" +
      "\r\u001b[2K60,000 read",
  );
});

test("Progress shows an audit's files read of those listed, with the share and time left", () => {
  let clock = 0;
  const io = bufferIO(NOW, { stderrIsTTY: true });
  const progress = new Progress(io, () => clock);
  clock = 3_000;
  // 30 of 120 files in 3 s: 25 %, 90 more at 10 a second: 9 s.
  progress.updateAudit({ events: 5_000, findings: 1, filesRead: 30, files: 120 });
  clock = 3_500;
  io.env = { COLUMNS: "40" };
  progress.updateAudit({ events: 6_000, findings: 2, filesRead: 35, files: 120 });
  clock = 4_000;
  io.env = {};
  progress.updateAudit({ events: 7_000, findings: 2 });
  expect(io.err()).toBe(
    "\r\u001b[2K30 of 120 files (25%), 5,000 events, 1 finding, 3.0s, about 9s left" +
      "\r\u001b[2K35/120 files (29%), 2 findings, 9s left" +
      "\r\u001b[2K7,000 events, 2 findings, 4.0s",
  );
});

test("Progress shows the bytes read of those listed when the audit reads a trail's bucket", () => {
  let clock = 0;
  const io = bufferIO(NOW, { stderrIsTTY: true });
  const progress = new Progress(io, () => clock);
  clock = 3_000;
  progress.updateAudit({
    events: 5_000,
    findings: 1,
    filesRead: 30,
    files: 120,
    bytesRead: 1_500_000,
    bytes: 6_000_000,
  });
  clock = 3_500;
  io.env = { COLUMNS: "70" };
  progress.updateAudit({
    events: 6_000,
    findings: 2,
    filesRead: 35,
    files: 120,
    bytesRead: 1_750_000,
    bytes: 6_000_000,
  });
  expect(io.err()).toBe(
    "\r\u001b[2K30 of 120 files, 1.5 MB of 6.0 MB (25%), 5,000 events, 1 finding, 3.0s, about 9s left" +
      "\r\u001b[2K35 of 120 files, 1.8 MB of 6.0 MB (29%), 2 findings, 9s left",
  );
});

test.each([
  [0, "0 B"],
  [999, "999 B"],
  [1_000, "1.0 KB"],
  [1_234_567, "1.2 MB"],
  [999_960, "1.0 MB"],
  [7_300_000_000, "7.3 GB"],
])("byteSize(%p) is %p", (bytes, text) => {
  expect(byteSize(bytes)).toBe(text);
});

test("fitStatusLine() cuts the shortest form when none fits", () => {
  expect(fitStatusLine(["a long line", "a line"], 5)).toBe("a...");
  expect(fitStatusLine(["a long line"], undefined)).toBe("a long line");
});
