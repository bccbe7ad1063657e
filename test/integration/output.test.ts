// Every output format against text written out by hand.
import { beforeAll, describe, expect, test } from "bun:test";
import { parse } from "csv-parse/sync";
import { freshTable, item } from "../support/dynamo.ts";
import { runInProcess } from "../support/run-cli.ts";

const NOW = new Date("2026-01-20T12:00:00.000Z");
let table: string;
let nasty: string;

const NASTY = {
  id: "3333333333333333",
  user: 'a,b "c"\nd',
  profile: "=cmd|' /C calc'!A0",
  status: "weird\r\nstatus",
  server_instance_id: "+srv",
  source_identity: "@SUM(1,2)",
  created_at: "2026-01-20T11:00:00Z",
};

beforeAll(async () => {
  table = await freshTable("output", [
    item({
      id: "1111111111111111",
      user: "alice",
      profile: "prod-admin",
      status: "active",
      server_instance_id: "srv-0001",
      started_at: "2026-01-20T12:30:00.5+02:00",
      last_access_at: "2026-01-20T10:45:10.123456789Z",
      expires_at: "2026-01-20T22:30:00Z",
      created_at: "2026-01-20T10:30:00.5Z",
      request_count: 42,
      source_identity: "sentinel:alice:direct:0badf00d",
    }),
    item({
      id: "2222222222222222",
      user: "bob",
      profile: "dev",
      status: "revoked",
      server_instance_id: "srv-0002",
      started_at: "2026-01-19T08:00:00Z",
      expires_at: "2026-01-19T09:00:00.000000001Z",
      created_at: "2026-01-19T08:00:00Z",
    }),
  ]);
  nasty = await freshTable("output-nasty", [
    item(NASTY),
    item({ id: "4444444444444444", user: "-1", profile: "\tx", created_at: "2026-01-20T10:00:00Z" }),
  ]);
});

async function run(format: string, args: string[] = ["--since", "7d"], onTable = table) {
  const result = await runInProcess(["server-sessions", "--table", onTable, "--output", format, ...args], NOW);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result.stdout;
}

describe("formats", () => {
  test("csv: header, UTC second precision, empty cells for missing values", async () => {
    expect(await run("csv")).toBe(
      [
        "id,user,profile,status,started_at,last_access_at,expires_at,request_count,server_instance_id,source_identity",
        "1111111111111111,alice,prod-admin,active,2026-01-20T10:30:00Z,2026-01-20T10:45:10Z,2026-01-20T22:30:00Z,42,srv-0001,sentinel:alice:direct:0badf00d",
        "2222222222222222,bob,dev,revoked,2026-01-19T08:00:00Z,,2026-01-19T09:00:00Z,0,srv-0002,",
        "",
      ].join("\n"),
    );
  });

  test("json: indented, UTC with the stored fraction, request_count a number", async () => {
    expect(await run("json")).toBe(`{
  "sessions": [
    {
      "id": "1111111111111111",
      "user": "alice",
      "profile": "prod-admin",
      "status": "active",
      "started_at": "2026-01-20T10:30:00.5Z",
      "last_access_at": "2026-01-20T10:45:10.123456789Z",
      "expires_at": "2026-01-20T22:30:00Z",
      "request_count": 42,
      "server_instance_id": "srv-0001",
      "source_identity": "sentinel:alice:direct:0badf00d"
    },
    {
      "id": "2222222222222222",
      "user": "bob",
      "profile": "dev",
      "status": "revoked",
      "started_at": "2026-01-19T08:00:00Z",
      "last_access_at": "",
      "expires_at": "2026-01-19T09:00:00.000000001Z",
      "request_count": 0,
      "server_instance_id": "srv-0002",
      "source_identity": ""
    }
  ]
}
`);
  });

  test("ndjson: one compact object per line", async () => {
    expect(await run("ndjson")).toBe(
      '{"id":"1111111111111111","user":"alice","profile":"prod-admin","status":"active","started_at":"2026-01-20T10:30:00.5Z","last_access_at":"2026-01-20T10:45:10.123456789Z","expires_at":"2026-01-20T22:30:00Z","request_count":42,"server_instance_id":"srv-0001","source_identity":"sentinel:alice:direct:0badf00d"}\n' +
        '{"id":"2222222222222222","user":"bob","profile":"dev","status":"revoked","started_at":"2026-01-19T08:00:00Z","last_access_at":"","expires_at":"2026-01-19T09:00:00.000000001Z","request_count":0,"server_instance_id":"srv-0002","source_identity":""}\n',
    );
  });

  test("--format is an alias of --output", async () => {
    const result = await runInProcess(
      ["server-sessions", "--table", table, "--since", "7d", "--format", "ndjson"],
      NOW,
    );
    expect(result.stdout).toBe(await run("ndjson"));
  });

  test("human: aligned columns in UTC", async () => {
    expect(await run("human")).toBe(
      [
        "ID                USER   PROFILE     STATUS   STARTED (UTC)        LAST ACCESS (UTC)    REQUESTS",
        "1111111111111111  alice  prod-admin  active   2026-01-20 10:30:00  2026-01-20 10:45:10  42",
        "2222222222222222  bob    dev         revoked  2026-01-19 08:00:00  -                    0",
        "",
      ].join("\n"),
    );
  });

  test.each([
    [
      "csv",
      "id,user,profile,status,started_at,last_access_at,expires_at,request_count,server_instance_id,source_identity\n",
    ],
    ["json", '{\n  "sessions": []\n}\n'],
    ["ndjson", ""],
    ["human", "No sessions found.\n"],
  ])("empty %s", async (format, expected) => {
    expect(await run(format, ["--user", "nobody"])).toBe(expected);
  });
});

describe("hostile cell values", () => {
  test("with --no-formula-guard, CSV parses back (csv-parse) to exactly the stored values", async () => {
    const rows = parse(await run("csv", ["--since", "7d", "--no-formula-guard"], nasty)) as string[][];
    expect(rows[1]).toEqual([
      NASTY.id,
      NASTY.user,
      NASTY.profile,
      NASTY.status,
      "",
      "",
      "",
      "0",
      NASTY.server_instance_id,
      NASTY.source_identity,
    ]);
    expect(rows[2]?.slice(0, 3)).toEqual(["4444444444444444", "-1", "\tx"]);
  });

  test("the formula guard (default) prefixes cells starting with = + - @ TAB with '", async () => {
    const rows = parse(await run("csv", ["--since", "7d"], nasty)) as string[][];
    expect(rows[1]).toEqual([
      NASTY.id,
      NASTY.user,
      `'${NASTY.profile}`,
      NASTY.status,
      "",
      "",
      "",
      "0",
      `'${NASTY.server_instance_id}`,
      `'${NASTY.source_identity}`,
    ]);
    expect(rows[2]?.slice(0, 3)).toEqual(["4444444444444444", "'-1", "'\tx"]);
  });

  test("json keeps values as they are (no guard there)", async () => {
    const parsed = JSON.parse(await run("json", ["--since", "7d"], nasty));
    expect(parsed.sessions[0].profile).toBe(NASTY.profile);
    expect(parsed.sessions[0].status).toBe(NASTY.status);
  });

  test("human output shows control characters as ?", async () => {
    const out = await run("human", ["--since", "7d"], nasty);
    expect(out).toContain('a,b "c"?d');
    expect(out).toContain("weird??..."); // "weird\r\nstatus": CR and LF shown, then cut to 10
    expect(out.split("\n").length).toBe(4);
  });
});
