import { expect, test } from "bun:test";
import { sessionAt } from "../../test/support/session.ts";
import { columnsFor, DEFAULT_COLUMNS, jsonObject } from "./columns.ts";
import { csvFormat } from "./csv.ts";
import { detailsObject } from "./details-json.ts";
import { exactJsonNumber } from "./fields.ts";
import { jsonFormat, ndjsonFormat } from "./json.ts";

const COLUMNS = columnsFor(DEFAULT_COLUMNS, { sec: 0, nanos: 0 });

const big = {
  ...sessionAt("0123456789abcdef", 1_768_905_000),
  requestCount: 10n ** 38n - 1n,
  ttl: 12345678901234567890n,
};

test("exactJsonNumber() matches its documented example", () => {
  expect(JSON.stringify({ n: exactJsonNumber(12345678901234567890n) })).toBe('{"n":12345678901234567890}');
});

test("json and ndjson rows write a 38-digit count digit for digit, as a number", () => {
  const digits = "9".repeat(38);
  expect(ndjsonFormat(COLUMNS).row(big)).toContain(`"request_count":${digits},`);
  expect(jsonFormat(COLUMNS).row(big)).toContain(`"request_count": ${digits},`);
  expect(JSON.stringify(jsonObject(COLUMNS, big))).toContain(`"request_count":${digits}`);
});

test("CSV cells hold the count's plain digits", () => {
  expect(csvFormat(COLUMNS, true).row(big)).toContain(`,${"9".repeat(38)},`);
  expect(csvFormat(COLUMNS, true).row({ ...big, requestCount: 0n })).toContain(",0,");
});

test("details JSON has the exact count, and ttl only when set", () => {
  const text = JSON.stringify(detailsObject(big), null, 2);
  expect(text).toContain(`  "request_count": ${"9".repeat(38)},\n`);
  expect(text).toContain('  "ttl": 12345678901234567890\n');
  expect(Object.keys(detailsObject({ ...big, ttl: undefined }))).not.toContain("ttl");
});
