import { expect, test } from "bun:test";
import { gcPacer } from "./gc-pacer.ts";

test("gcPacer() collects at once, then waits ten times the last collection's length", () => {
  let clock = 0;
  const collectedAt: number[] = [];
  const collect = () => {
    collectedAt.push(clock);
    clock += 5; // each collection takes 5 ms
  };
  const afterPage = gcPacer(collect, { maxGcTimeFraction: 0.1 }, { clockMs: () => clock });
  for (let page = 0; page < 20; page++) {
    afterPage();
    clock += 10; // a page every 10 ms
  }
  // A collection ending at t buys quiet until t + 50: 0 (ends 5, next at 55), 55 (ends 60, next 110), 110, 165.
  expect(collectedAt).toEqual([0, 55, 110, 165]);
  const spent = collectedAt.length * 5;
  expect(spent / clock).toBeLessThanOrEqual(0.1);
});

test("gcPacer() with a growth bound also collects, whatever the time, once the heap grew that much", () => {
  let clock = 0;
  let heap = 10; // MB alive after a collection
  const collectedAt: number[] = [];
  const collect = () => {
    collectedAt.push(clock);
    clock += 5;
    heap = 10;
  };
  const afterPage = gcPacer(
    collect,
    { maxGcTimeFraction: 0.1, maxHeapGrowthBytes: 30 },
    { clockMs: () => clock, heapBytes: () => heap },
  );
  for (let page = 0; page < 20; page++) {
    afterPage();
    clock += 10;
    heap += 8; // a page leaves 8 MB behind
  }
  // By time alone: 0, 55, 110, 165 (as above). With pages at 0, 15, 25, 35, 45, …, the heap
  // has grown 32 MB four pages after each collection: at 45 (next by time would be 55), 90
  // (the collection at 45 ended at 50, so time alone waits until 100), 135 and 180.
  expect(collectedAt).toEqual([0, 45, 90, 135, 180]);
});
