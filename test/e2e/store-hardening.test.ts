// dist/sentinel against DynamoDB Local on items that play tricks on the read
// plan and the item schema: created_at text outside the usual shapes, the
// ends of time, attributes the listing does not show, 38-digit numbers; and on
// the connection: broken shared config files, credentials in endpoint URLs.
// Expected rows and warnings are worked out by hand from the comments.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { csvIds } from "../support/csv-ids.ts";
import { endpoint, freshTable } from "../support/dynamo.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

const NINES_38 = "9".repeat(38);
const id = (suffix: string) => `000000000000000${suffix}`;

// suffix → created_at (UTC instant or why malformed), extra attributes
const ROWS: [string, AttributeValue | undefined, Record<string, AttributeValue>][] = [
  ["1", { S: " 2026-01-01T00:00:00Z" }, {}], // malformed: leading space, cannot be placed
  ["2", { S: "2026-01-01T00:00:00Z" }, {}], // 2026-01-01T00:00:00Z
  ["3", { S: "2026-11-27t01:00:00+14:00" }, {}], // 2026-11-26T11:00:00Z, lower-case t
  ["4", { S: "2026-01-02T00:00:00Z" }, { updated_at: { S: "2026-02-30T00:00:00Z" } }], // malformed updated_at
  ["5", { S: "2026-01-03T00:00:00Z" }, { request_count: { N: "12345678901234567890" }, ttl: { N: "1800000000" } }],
  ["6", { S: "2026-01-04T00:00:00Z" }, { request_count: { N: NINES_38 } }],
  ["7", { S: "2026-01-05T00:00:00Z" }, { request_count: { N: "1.5" } }], // malformed count
  ["8", { S: "9999-12-30T12:00:00Z" }, {}],
  ["9", { S: "0001-01-01T00:00:00Z" }, {}], // the first instant
  ["a", { S: "0000-12-31T23:00:00-01:00" }, {}], // also 0001-01-01T00:00:00Z
  ["b", { S: "9999-12-31T23:59:59-23:59" }, {}], // malformed: UTC 10000-01-01T23:58:59Z
  ["c", { S: "0001-01-01T00:00:00+01:00" }, {}], // malformed: UTC 0000-12-31T23:00:00Z
  ["d", { S: "9999-12-31T23:59:59.999999999Z" }, {}], // the last instant
  ["e", { S: "2026-11-26T12:00:00.000000001Z" }, {}], // 1 ns after the edge below
  ["f", { S: "2026-11-26t12:00:00z" }, {}], // exactly 2026-11-26T12:00:00Z
];
const items = ROWS.map(([suffix, created, extra]) => ({
  id: { S: id(suffix) },
  user: { S: "alice" },
  profile: { S: "prod" },
  status: { S: "active" },
  ...(created === undefined ? {} : { created_at: created }),
  ...extra,
}));

const MALFORMED: Record<string, string> = {
  "1": `${id("1")} (created_at " 2026-01-01T00:00:00Z": not an RFC 3339 timestamp)`,
  "4": `${id("4")} (updated_at "2026-02-30T00:00:00Z": no such date)`,
  "7": `${id("7")} (request_count "1.5": not an integer)`,
  b: `${id("b")} (created_at "9999-12-31T23:59:59-23:59": outside the years 0001-9999 in UTC)`,
  c: `${id("c")} (created_at "0001-01-01T00:00:00+01:00": outside the years 0001-9999 in UTC)`,
};
const warning = (suffixes: string[]) =>
  `warning: skipped ${suffixes.length} malformed session item(s): ${suffixes.map((s) => MALFORMED[s]).join(", ")}\n`;

let indexed: string;
let bare: string;
beforeAll(async () => {
  indexed = await freshTable("hardening", items);
  bare = await freshTable("hardening-bare", items, []);
});

const env = (extra: Record<string, string> = {}) => binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), ...extra });

// Every read path: each index, a Scan, and a table without indexes (Scan fallback).
const PATHS: [string, () => string, string[]][] = [
  ["gsi-user", () => indexed, ["--user", "alice"]],
  ["gsi-profile", () => indexed, ["--profile", "prod"]],
  ["gsi-status", () => indexed, ["--status", "active"]],
  ["Scan", () => indexed, []],
  ["no indexes", () => bare, ["--user", "alice"]],
];

async function listing(table: string, args: string[]) {
  const result = await runBinary(
    ["server-sessions", "--table", table, "--output", "csv", "--limit", "0", ...args],
    env(),
  );
  // The note of the index fallback is not what these tests look at.
  const stderr = result.stderr.replace(/^note: index "gsi-user" not found on table "[^"]+"; .*\n/, "");
  return { ...result, stderr, ids: csvIds(result.stdout) };
}

describe.each(PATHS)("read path %s", (_, table, filter) => {
  test("an item whose created_at sorts below the range is reported once; lower-case t and z are rows at the window's edge", async () => {
    const result = await listing(table(), [...filter, "--until", "2026-11-26T12:00:00Z"]);
    expect(result.ids).toEqual(["f", "3", "6", "5", "2", "9", "a"].map(id));
    // c starts like a date and is placed by its text (inside the range); b's text lies after it.
    expect(result.stderr).toBe(warning(["1", "4", "7", "c"]));
    expect(result.code).toBe(3);
  });

  test("the far end of time: everything up to 9999-12-31T23:59:59.999999999Z", async () => {
    const result = await listing(table(), [...filter, "--until", "9999-12-31T23:59:59.999999999Z"]);
    expect(result.ids).toEqual(["d", "8", "e", "f", "3", "6", "5", "2", "9", "a"].map(id));
    expect(result.stderr).toBe(warning(["1", "4", "7", "b", "c"]));
    expect(result.code).toBe(3);
  });

  test("the whole of time with offsets on both flags", async () => {
    const result = await listing(table(), [
      ...filter,
      "--since",
      "0001-01-01T01:00:00+01:00",
      "--until",
      "9999-12-31T23:59:59.999999999+00:00",
    ]);
    expect(result.ids).toEqual(["d", "8", "e", "f", "3", "6", "5", "2", "9", "a"].map(id));
    expect(result.stderr).toBe(warning(["1", "4", "7", "b", "c"]));
  });

  test("--since 2026-01-01 --until 9999-12-31T23:59:59Z is a window, not a ValidationException", async () => {
    const result = await listing(table(), [...filter, "--since", "2026-01-01", "--until", "9999-12-31T23:59:59Z"]);
    expect(result.ids).toEqual(["8", "e", "f", "3", "6", "5", "2"].map(id));
    // c's text "0001-…" lies below the range of a window from 2026: placed before it.
    expect(result.stderr).toBe(warning(["1", "4", "7", "b"]));
  });

  test("--until 9999-12-31 lists the sessions", async () => {
    const result = await listing(table(), [...filter, "--until", "9999-12-31"]);
    // Whether the last instant of 9999-12-31 is in depends on how the date is read (its start or its end).
    expect(result.ids.filter((row) => row !== id("d"))).toEqual(["8", "e", "f", "3", "6", "5", "2", "9", "a"].map(id));
    expect(result.stderr).toBe(warning(["1", "4", "7", "b", "c"]));
  });

  test("--since 0001-01-01 from the first instant on", async () => {
    const result = await listing(table(), [...filter, "--since", "0001-01-01", "--until", "2026-01-01T00:00:00Z"]);
    expect(result.ids).toEqual(["2", "9", "a"].map(id));
    expect(result.stderr).toBe(warning(["1", "c"]));
  });
});

describe("numbers are exact", () => {
  const window = ["--user", "alice", "--since", "2026-01-03", "--until", "2026-01-04T00:00:00Z"];

  test("CSV writes the integer text", async () => {
    const result = await listing(indexed, window);
    expect(result.stdout.split("\n").slice(1, -1)).toEqual([
      `${id("6")},alice,prod,active,,,,${NINES_38},,`,
      `${id("5")},alice,prod,active,,,,12345678901234567890,,`,
    ]);
  });

  test.each(["json", "ndjson"])("%s writes the numbers as JSON numbers, digit for digit", async (format) => {
    const result = await runBinary(
      ["server-sessions", "--table", indexed, "--output", format, ...window, "--limit", "0"],
      env(),
    );
    const space = format === "json" ? " " : "";
    expect(result.stdout).toContain(`"request_count":${space}${NINES_38}`);
    expect(result.stdout).toContain(`"request_count":${space}12345678901234567890`);
    expect(result.stdout).not.toContain("e+");
    // The item with a leading space cannot be placed in or out of any window.
    expect(result.stderr).toBe(warning(["1"]));
    expect(result.code).toBe(3);
  });

  test("server-session JSON has the exact count and the ttl", async () => {
    const result = await runBinary(["server-session", id("5"), "--table", indexed, "--output", "json"], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  "request_count": 12345678901234567890,\n');
    expect(result.stdout).toContain('  "ttl": 1800000000\n');
  });

  test("server-session names what is wrong with a malformed item", async () => {
    const result = await runBinary(["server-session", id("7"), "--table", indexed], env());
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(warning(["7"]));
  });
});

describe("broken shared config files are named, exit 1", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "sentinel-broken-config-"));
    writeFileSync(join(dir, "garbage"), "this is not a config file\n[default]\nregion = us-west-2\n");
    writeFileSync(join(dir, "open-section"), "[default]\nregion = us-west-2\n[profile audit\nregion = eu-west-1\n");
    writeFileSync(join(dir, "credentials"), "[default]\naws_access_key_id AKIAEXAMPLE\n");
    writeFileSync(join(dir, "binary"), Buffer.from([0x5b, 0x00, 0xff, 0xfe, 0x0a]));
    mkdirSync(join(dir, "a-folder"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const noRegion = () => {
    const { AWS_REGION: _region, ...rest } = env();
    return rest;
  };

  test.each([
    ["garbage", "AWS_CONFIG_FILE", "AWS config file", "line 1 is neither a [section] nor a name = value setting"],
    ["open-section", "AWS_CONFIG_FILE", "AWS config file", "line 3 opens a [section] without closing it"],
    ["binary", "AWS_CONFIG_FILE", "AWS config file", "is not UTF-8 text"],
    ["a-folder", "AWS_CONFIG_FILE", "AWS config file", "cannot be read (EISDIR)"],
    [
      "credentials",
      "AWS_SHARED_CREDENTIALS_FILE",
      "AWS credentials file",
      "line 2 is neither a [section] nor a name = value setting",
    ],
  ])("%s", async (file, variable, kind, problem) => {
    const path = join(dir, file);
    const result = await runBinary(["server-sessions", "--table", indexed, "--since", "1d"], {
      ...noRegion(),
      [variable]: path,
    });
    expect(result.stderr).toBe(`error: ${kind} "${path}" ${problem}: fix it, or point ${variable} at another file\n`);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
  });
});

describe("credentials in an endpoint URL are never printed", () => {
  const PASSWORD = "s3cretPassw0rd";
  let closedPort: number;
  beforeAll(async () => {
    // A port that was just free: nothing listens on it.
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    closedPort = (server.address() as { port: number }).port;
    await new Promise<void>((done) => server.close(() => done()));
  });

  test.each([
    ["--endpoint-url", (url: string) => ["--endpoint-url", url], {}],
    ["AWS_ENDPOINT_URL_DYNAMODB", () => [], "AWS_ENDPOINT_URL_DYNAMODB"],
  ] as const)("given by %s", async (_, flag, variable) => {
    const url = `http://auditor:${PASSWORD}@127.0.0.1:${closedPort}/`;
    const extra = typeof variable === "string" ? { [variable]: url } : {};
    const result = await runBinary(
      ["server-sessions", "--table", indexed, "--since", "1d", "--timeout", "2s", ...flag(url), "--debug"],
      env(extra),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: cannot reach DynamoDB at http://***@127.0.0.1:${closedPort}/ (ECONNREFUSED)`,
    );
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });
});
