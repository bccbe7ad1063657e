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
    // c is placed at the start of its date, 0001-01-01T00:00:00Z, inside; b at 9999-12-31T00:00:00Z, after it.
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
    // c is placed at 0001-01-01T00:00:00Z, before a window from 2026; b at 9999-12-31T00:00:00Z, inside.
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

describe("a malformed created_at that begins with a date is placed at the start of that UTC day", () => {
  const mid = (suffix: string) => `00000000000000${suffix}`;
  // suffix → created_at (e: malformed, b: good); where SPEC §5 places it, worked out by hand.
  const PLACED: [string, string][] = [
    ["e1", "2026-11-21T25:00:00Z"], // hour 25: 2026-11-21T00:00:00Z
    ["e2", "2026-11-19T10:00:00"], // no zone: 2026-11-19T00:00:00Z
    ["e3", "2026-11-21Tgarbage"], // 2026-11-21T00:00:00Z
    ["e4", "2026-11-20T06:00:00.5"], // no zone: 2026-11-20T00:00:00Z
  ];
  const UNPLACED: [string, string][] = [["e5", "garbage"]]; // no date: every window reports it
  const LAST_DAY: [string, string][] = [["e6", "9999-12-31~~"]]; // 9999-12-31T00:00:00Z, the last day there is
  const GOOD: [string, string][] = [
    ["b1", "2026-11-20T05:59:59.999999999Z"],
    ["b2", "2026-11-20t06:00:00z"],
    ["b3", "2026-11-20T12:00:00+02:00"], // 10:00Z
    ["b4", "2026-11-21T00:00:00Z"],
  ];
  let table: string;
  beforeAll(async () => {
    table = await freshTable(
      "placed",
      [...PLACED, ...UNPLACED, ...LAST_DAY, ...GOOD].map(([suffix, created]) => ({
        id: { S: mid(suffix) },
        user: { S: "alice" },
        status: { S: "active" },
        created_at: { S: created },
      })),
    );
  });

  /** The ids a warning names, checking the count it gives (every window here names at most 5). */
  const named = (stderr: string): string[] => {
    const match = /^warning: skipped (\d+) malformed session item\(s\): (.*)$/m.exec(stderr);
    if (match === null) return [];
    const ids = (match[2] as string).split(/, (?=[0-9a-f]{16} \()/).map((label) => label.slice(0, 16));
    expect(ids.length).toBe(Number(match[1]));
    return ids;
  };

  test("a window on 2026-11-20 reports only the items placed on that day and those that cannot be placed", async () => {
    const result = await listing(table, [
      "--since",
      "2026-11-20T00:00:00Z",
      "--until",
      "2026-11-20T23:59:59.999999999Z",
    ]);
    expect(result.ids).toEqual(["b3", "b2", "b1"].map(mid));
    expect(result.stderr).toBe(
      `warning: skipped 2 malformed session item(s): ${mid("e4")} (created_at "2026-11-20T06:00:00.5": not an RFC 3339 timestamp), ${mid("e5")} (created_at "garbage": not an RFC 3339 timestamp)\n`,
    );
    expect(result.code).toBe(3);
  });

  test("a window that ends 1 ns before a placed item's day does not report it; one that ends at its start does", async () => {
    const before = await listing(table, [
      "--user",
      "alice",
      "--since",
      "2026-11-20T12:00:00Z",
      "--until",
      "2026-11-20T23:59:59.999999999Z",
    ]);
    expect(named(before.stderr)).toEqual([mid("e5")]);
    const at = await listing(table, [
      "--user",
      "alice",
      "--since",
      "2026-11-20T12:00:00Z",
      "--until",
      "2026-11-21T00:00:00Z",
    ]);
    expect(at.ids).toEqual(["b4"].map(mid));
    expect(named(at.stderr)).toEqual(["e1", "e3", "e5"].map(mid));
  });

  test("an item placed on 9999-12-31 is read by a window that ends that day, whatever follows its date", async () => {
    const result = await listing(table, ["--since", "9999-12-30T12:00:00Z", "--until", "9999-12-31T00:00:00Z"]);
    expect(result.ids).toEqual([]);
    expect(named(result.stderr)).toEqual(["e5", "e6"].map(mid));
  });

  // 12 windows of 6 hours, 2026-11-19T00:00:00Z to 2026-11-21T23:59:59.999999999Z, meeting to the ns.
  const SIX_HOURS_MS = 6 * 3_600_000;
  const START_MS = Date.UTC(2026, 10, 19);
  const edge = (ms: number) => new Date(ms).toISOString().replace(".000Z", ".000000000Z");
  const lastNs = (ms: number) => new Date(ms - 1000).toISOString().replace(".000Z", ".999999999Z");
  const tiles = Array.from({ length: 12 }, (_, i) => ({
    since: edge(START_MS + i * SIX_HOURS_MS),
    until: lastNs(START_MS + (i + 1) * SIX_HOURS_MS),
  }));

  /** How many windows named each id, and listed each row. */
  const tally = (runs: { ids: string[]; stderr: string }[]) => {
    const count = new Map<string, number>();
    for (const run of runs)
      for (const id of [...run.ids, ...named(run.stderr)]) count.set(id, (count.get(id) ?? 0) + 1);
    return Object.fromEntries([...count].sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  const ONCE_EACH = {
    [mid("b1")]: 1,
    [mid("b2")]: 1,
    [mid("b3")]: 1,
    [mid("b4")]: 1,
    [mid("e1")]: 1,
    [mid("e2")]: 1,
    [mid("e3")]: 1,
    [mid("e4")]: 1,
    [mid("e5")]: 12,
  };

  test.each([
    ["a parallel Scan", ["--segments", "4"]],
    ["gsi-user", ["--user", "alice"]],
  ])(
    "12 six-hour windows (--since/--until to the ns) through %s report each placed item once in total",
    async (_, filter) => {
      expect(tiles[0]).toEqual({ since: "2026-11-19T00:00:00.000000000Z", until: "2026-11-19T05:59:59.999999999Z" });
      expect(tiles[11]?.until).toBe("2026-11-21T23:59:59.999999999Z");
      const runs = [];
      for (const tile of tiles)
        runs.push(await listing(table, [...filter, "--since", tile.since, "--until", tile.until]));
      expect(tally(runs)).toEqual(ONCE_EACH);
    },
  );

  test("a 6-hourly checkpoint reports each placed item in one run only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sentinel-placed-"));
    try {
      const checkpoint = join(dir, "sessions.ckpt");
      const runs = [];
      for (const [i, tile] of tiles.entries()) {
        const result = await runBinary(
          [
            "server-sessions",
            "--table",
            table,
            "--output",
            "csv",
            "--checkpoint",
            checkpoint,
            ...(i === 0 ? ["--since", tile.since] : []),
            "--until",
            tile.until,
          ],
          env(),
        );
        expect(result.code === 0 || result.code === 3).toBe(true);
        runs.push({ ids: csvIds(result.stdout), stderr: result.stderr });
      }
      expect(tally(runs)).toEqual(ONCE_EACH);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
