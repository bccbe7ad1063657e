import { expect, test } from "bun:test";
import { gcPacer } from "./gc-pacer.ts";

test("gcPacer() collects at once, then waits ten times the last collection's length", () => {
  let clock = 0;
  const collectedAt: number[] = [];
  const collect = () => {
    collectedAt.push(clock);
    clock += 5; // each collection takes 5 ms
  };
  const afterPage = gcPacer(collect, { maxGcTimeFraction: 0.1 }, () => clock);
  for (let page = 0; page < 20; page++) {
    afterPage();
    clock += 10; // a page every 10 ms
  }
  // A collection ending at t buys quiet until t + 50: 0 (ends 5, next at 55), 55 (ends 60, next 110), 110, 165.
  expect(collectedAt).toEqual([0, 55, 110, 165]);
  const spent = collectedAt.length * 5;
  expect(spent / clock).toBeLessThanOrEqual(0.1);
});
