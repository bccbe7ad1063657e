import { expect, test } from "bun:test";
import { randomSource } from "../../scripts/generate-sessions.ts";
import { FIRST_INSTANT, LAST_INSTANT, parseTimestamp } from "../timefilter/instant.ts";
import { ITEM_ATTRIBUTES } from "./item-schema.ts";
import { planListing, planOutlierQueries, textRange } from "./listing-plan.ts";
import type { SessionFilter } from "./session.ts";

const at = (text: string) => parseTimestamp(text)!;

test('without --since an index read starts at "0", so it cannot meet what the outlier queries read', () => {
  const filter: SessionFilter = { user: "alice", window: { until: at("2026-11-26T12:00:00Z") } };
  const plan = planListing(filter);
  expect(plan.keyConditionExpression).toBe("#user = :user AND #created_at BETWEEN :created_low AND :created_high");
  expect(plan.expressionAttributeValues).toEqual({
    ":created_low": { S: "0" },
    ":created_high": { S: "2026-11-27~" },
    ":user": { S: "alice" },
  });
  expect(planOutlierQueries(filter, plan).map((p) => p.keyConditionExpression)).toEqual([
    "#user = :user AND #created_at < :digit_first",
    "#user = :user AND #created_at >= :after_digits",
  ]);
});

test('the text range lies inside ["0", ":") for any window, the ends of time included', () => {
  const random = randomSource(77);
  const span = LAST_INSTANT.sec - FIRST_INSTANT.sec;
  const windows = [
    { since: FIRST_INSTANT, until: LAST_INSTANT },
    { until: LAST_INSTANT },
    { since: { sec: -1e13, nanos: 0 }, until: { sec: 1e13, nanos: 0 } },
  ];
  for (let i = 0; i < 2_000; i++) {
    const a = FIRST_INSTANT.sec + Math.floor(random() * span);
    const b = FIRST_INSTANT.sec + Math.floor(random() * span);
    windows.push({ since: { sec: Math.min(a, b), nanos: 0 }, until: { sec: Math.max(a, b), nanos: 0 } });
  }
  for (const window of windows) {
    const { low, high } = textRange({ window });
    expect(low >= "0" && low < ":").toBe(true);
    expect(high >= "0" && high < ":").toBe(true);
    expect(low <= high).toBe(true);
  }
});

test("a Scan keeps what cannot be placed and reads every SPEC §1 attribute", () => {
  const plan = planListing(
    { status: "active", window: { since: at("2026-01-20T00:00:00Z"), until: at("2026-01-21T00:00:00Z") } },
    false,
  );
  expect(plan.operation).toBe("Scan");
  expect(plan.filterExpression).toBe(
    "#status = :status AND (#created_at BETWEEN :created_low AND :created_high OR NOT attribute_type(#created_at, :string_type) OR #created_at < :digit_first OR #created_at >= :after_digits)",
  );
  expect(plan.expressionAttributeValues[":created_low"]).toEqual({ S: "2026-01-19" });
  expect(plan.expressionAttributeValues[":created_high"]).toEqual({ S: "2026-01-22~" });
  expect(Object.values(plan.expressionAttributeNames).sort()).toEqual([...ITEM_ATTRIBUTES].sort());
  expect(ITEM_ATTRIBUTES).toContain("ttl");
  expect(ITEM_ATTRIBUTES).toContain("updated_at");
});
