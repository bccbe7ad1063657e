// --since/--until through dist/sentinel: every refused value is exit 2 with one
// line that names the flag and shows a valid value; accepted dates cover whole days.
import { beforeAll, describe, expect, test } from "bun:test";
import { csvIds } from "../support/csv-ids.ts";
import { endpoint, freshTable } from "../support/dynamo.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";
import { dayEdgeItems } from "../support/shared-cases.ts";

// A port nothing listens on: a refused value must stop the run before any request.
const NOWHERE = "http://127.0.0.1:1";
const list = (...args: string[]) => [
  "server-sessions",
  "--table",
  "sentinel-sessions",
  "--endpoint-url",
  NOWHERE,
  ...args,
];

describe("refused time values: exit 2, one error line", () => {
  test.each([
    [["--since", "0.6ns"], 'invalid --since "0.6ns": a duration must be more than zero, e.g. 7d or 24h'],
    [
      ["--since", "9999999999999999999999h"],
      'invalid --since "9999999999999999999999h": a duration can be at most 2562047h47m16.854775807s (about 292 years), e.g. 7d or 365d',
    ],
    [
      ["--since", "2562047h47m16.854775808s"],
      'invalid --since "2562047h47m16.854775808s": a duration can be at most 2562047h47m16.854775807s (about 292 years), e.g. 7d or 365d',
    ],
    [["--since", "0s"], 'invalid --since "0s": a duration must be more than zero, e.g. 7d or 24h'],
    [["--until", "0d"], 'invalid --until "0d": a duration must be more than zero, e.g. 7d or 24h'],
    [["--since", "-7d"], 'invalid --since "-7d": a duration counts back from now, so give it without "-", e.g. 7d'],
    [["--since", "7w"], 'invalid --since "7w": unknown unit "w" (units are d, h, m, s, ms, us, ns), e.g. 7d or 24h'],
    [
      ["--since", "7"],
      'invalid --since "7": each number of a duration needs a unit (d, h, m, s, ms, us, ns), e.g. 7d or 1h30m',
    ],
    [["--since", "2026-02-30"], 'invalid --since "2026-02-30": no such date, e.g. 2026-02-28'],
    [
      ["--until", "2026-01-20T24:00:00Z"],
      'invalid --until "2026-01-20T24:00:00Z": no such time of day (hours 00-23, minutes and seconds 00-59), e.g. 2026-01-20T23:00:00Z',
    ],
    [
      ["--since", "2026-01-20T10:60:00Z"],
      'invalid --since "2026-01-20T10:60:00Z": no such time of day (hours 00-23, minutes and seconds 00-59), e.g. 2026-01-20T10:59:00Z',
    ],
    [
      ["--since", "2026-01-20T10:30:00"],
      'invalid --since "2026-01-20T10:30:00": add a zone, Z or +02:00, e.g. 2026-01-20T10:30:00Z',
    ],
    [
      ["--since", "2026-01-20T10:30:00+24:00"],
      'invalid --since "2026-01-20T10:30:00+24:00": no such zone offset (-23:59 to +23:59), e.g. 2026-01-20T10:30:00+23:00',
    ],
    [
      ["--until", "9999-12-31T23:59:59-01:00"],
      'invalid --until "9999-12-31T23:59:59-01:00": outside the years 0001 to 9999 in UTC, e.g. 9999-12-31T23:59:59Z',
    ],
    [
      ["--since", "yesterday"],
      'invalid --since "yesterday": not a duration or a time, e.g. 7d, 1h30m, 2026-01-20 or 2026-01-20T10:30:00Z',
    ],
    [
      ["--since", "2026-02-02", "--until", "2026-02-01"],
      '--since "2026-02-02" is after --until "2026-02-01": the window must start before it ends, e.g. --since 30d --until 1d',
    ],
    [
      ["--since", "1d", "--until", "7d"],
      '--since "1d" is after --until "7d": the window must start before it ends, e.g. --since 30d --until 1d',
    ],
  ])("%p", async (args, message) => {
    const result = await runBinary(list(...args));
    expect(result.stderr).toBe(`error: ${message}\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
  });
});

describe("accepted time values against DynamoDB Local", () => {
  let table: string;
  beforeAll(async () => {
    table = await freshTable("timevalues", dayEdgeItems());
  });

  const exportIds = async (...args: string[]) => {
    const result = await runBinary(
      ["server-sessions", "--table", table, "--output", "csv", ...args],
      binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() }),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return csvIds(result.stdout);
  };

  test("--since D --until D is the whole UTC day D, newest first", async () => {
    const ids = await exportIds("--since", "2026-11-27", "--until", "2026-11-27");
    expect(ids).toEqual(["00000000000000a4", "00000000000000a5", "00000000000000a3", "00000000000000a2"]);
  });

  test("a date --until alone includes the last nanosecond of that day", async () => {
    const ids = await exportIds("--until", "2026-11-27");
    expect(ids).toEqual([
      "00000000000000a4",
      "00000000000000a5",
      "00000000000000a3",
      "00000000000000a2",
      "00000000000000a1",
    ]);
  });

  test("--since 0001-01-01 is accepted, and a date --until reaches the end of its day", async () => {
    const ids = await exportIds("--since", "0001-01-01", "--until", "2026-11-26");
    expect(ids).toEqual(["00000000000000a1"]);
  });
});
