// server-sessions against DynamoDB Local with a hand-made table whose stored
// created_at text order differs from time order. Expected ids are worked out
// by hand from the comments beside each item (instants in UTC).
import { beforeAll, describe, expect, test } from "bun:test";
import { csvIds } from "../support/csv-ids.ts";
import { freshTable, item } from "../support/dynamo.ts";
import { runInProcess } from "../support/run-cli.ts";

const NOW = new Date("2026-01-20T12:00:00.000Z");

// id suffix → user, profile, status, created_at (UTC instant in the comment)
const ROWS: [string, string, string, string, string][] = [
  ["01", "alice", "prod", "active", "2026-01-20T10:00:00Z"], // 10:00:00 (edge of 2h)
  ["02", "alice", "prod", "revoked", "2026-01-20T09:59:59.999Z"], // 1 ms before 2h
  ["03", "bob", "prod", "active", "2026-01-20T11:59:59.999+02:00"], // 09:59:59.999
  ["04", "bob", "dev", "expired", "2026-01-20T08:00:00-02:00"], // 10:00:00, ties with 01
  ["05", "alice", "dev", "active", "2026-01-20T10:00:00.5Z"], // 10:00:00.5 (text sorts before …00Z)
  ["06", "bob", "prod", "expired", "2026-01-20T10:00:00.000000001Z"], // 10:00:00.000000001
  ["07", "alice", "prod", "expired", "2026-01-19T00:00:00Z"], // edge of 1d12h
  ["08", "bob", "dev", "revoked", "2026-01-18T23:59:59.999999999Z"], // 1 ns before 1d12h
  ["09", "alice", "dev", "active", "2026-01-13T12:00:00Z"], // edge of 7d
  ["0a", "bob", "prod", "active", "2026-01-13T11:59:59Z"], // 1 s before 7d
  ["0b", "alice", "prod", "active", "2026-01-20T12:00:00Z"], // exactly now
  ["0c", "bob", "prod", "active", "2026-01-20T12:00:00.001Z"], // after now
  ["0d", "carol", "prod", "revoked", "2026-01-20T10:30:00+00:00"], // edge of 90m
  ["0e", "carol", "dev", "active", "2026-01-20T10:29:59.999999999Z"], // 1 ns before 90m
  ["0f", "carol", "prod", "expired", "2025-12-01T00:00:00Z"], // old
  ["10", "alice", "prod", "active", "2026-01-19T12:00:00Z"], // edge of 24h
  ["11", "alice", "prod", "active", "2026-01-19T11:59:59.999Z"], // 1 ms before 24h
];
const id = (suffix: string) => `a0000000000000${suffix}`;
const items = ROWS.map(([suffix, user, profile, status, created_at]) =>
  item({ id: id(suffix), user, profile, status, created_at, request_count: 1 }),
);

let table: string;
let bare: string;
beforeAll(async () => {
  table = await freshTable("listing", items);
  bare = await freshTable("listing-noindex", items, []);
});

async function ids(args: string[], onTable = table): Promise<string[]> {
  const result = await runInProcess(
    ["server-sessions", "--table", onTable, "--output", "csv", "--limit", "0", ...args],
    NOW,
  );
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return result.stdout
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",")[0] as string);
}

const expectIds = (suffixes: string[]) => suffixes.map(id);

describe("the window, on instants not text", () => {
  // since 10:00:00Z, until 12:00:00Z
  const twoHours = ["0b", "0d", "0e", "05", "06", "01", "04"];
  test.each([
    ["2h", twoHours],
    ["2026-01-20T10:00:00Z", twoHours],
    ["2026-01-20T12:00:00+02:00", twoHours],
    ["90m", ["0b", "0d"]],
    ["1.5h", ["0b", "0d"]],
    ["24h", [...twoHours, "02", "03", "10"]],
    ["1d12h", [...twoHours, "02", "03", "10", "11", "07"]],
    ["7d", [...twoHours, "02", "03", "10", "11", "07", "08", "09"]],
    ["2026-01-20", [...twoHours, "02", "03"]],
  ])("--since %s gives exactly the items at or after it, newest first, ties by id", async (since, expected) => {
    expect(await ids(["--since", since])).toEqual(expectIds(expected));
  });

  test("--until alone lists everything created up to it, edge included", async () => {
    expect(await ids(["--until", "2026-01-19T00:00:00Z"])).toEqual(expectIds(["07", "08", "09", "0a", "0f"]));
  });

  test("--since with --until includes both edges", async () => {
    expect(await ids(["--since", "2026-01-19", "--until", "2026-01-20T10:00:00Z"])).toEqual(
      expectIds(["01", "04", "02", "03", "10", "11", "07"]),
    );
  });

  test("an item 1 ms before --since is out, one exactly at it is in", async () => {
    const got = await ids(["--since", "2026-01-20T10:00:00Z", "--until", "2026-01-20T10:00:00Z"]);
    expect(got).toEqual(expectIds(["01", "04"]));
  });
});

describe("filters alone and combined", () => {
  test.each([
    [
      ["--user", "alice", "--since", "1d12h"],
      ["0b", "05", "01", "02", "10", "11", "07"],
    ],
    [
      ["--profile", "dev", "--since", "7d"],
      ["0e", "05", "04", "08", "09"],
    ],
    [
      ["--status", "active"],
      ["0b", "0e", "05", "01", "03", "10", "11", "09", "0a"],
    ],
    [["--status", "revoked", "--user", "bob"], ["08"]],
    [
      ["--user", "carol"],
      ["0d", "0e", "0f"],
    ],
    [
      ["--status", "active", "--user", "alice", "--profile", "prod", "--since", "7d"],
      ["0b", "01", "10", "11"],
    ],
    [
      ["--profile", "prod", "--status", "expired"],
      ["06", "07", "0f"],
    ],
    [["--user", "nobody"], []],
  ])("%p", async (args, expected) => {
    expect(await ids(args)).toEqual(expectIds(expected));
  });

  test("without the indexes the same filters give the same rows, with a note", async () => {
    const args = ["--user", "alice", "--since", "1d12h"];
    const result = await runInProcess(["server-sessions", "--table", bare, "--output", "csv", ...args], NOW);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `note: index "gsi-user" not found on table "${bare}"; scanning the whole table instead\n`,
    );
    expect(await ids(args, bare)).toEqual(expectIds(["0b", "05", "01", "02", "10", "11", "07"]));
  });

  test("--status with no index falls back as well", async () => {
    expect(await ids(["--status", "revoked"], bare)).toEqual(expectIds(["0d", "02", "08"]));
  });
});

describe("--limit", () => {
  test("keeps the N newest and says how many matched", async () => {
    const result = await runInProcess(
      ["server-sessions", "--table", table, "--since", "1d12h", "--limit", "3", "--output", "csv"],
      NOW,
    );
    expect(result.code).toBe(0);
    expect(csvIds(result.stdout)).toEqual(expectIds(["0b", "0d", "0e"]));
    expect(result.stderr).toBe("note: showing the 3 newest of 12 matching sessions; --limit 0 shows all\n");
  });

  test("says nothing when nothing was cut", async () => {
    const result = await runInProcess(["server-sessions", "--table", table, "--since", "90m", "--limit", "2"], NOW);
    expect(result.stderr).toBe("");
  });

  test("on an index, the limit takes the newest by instant, not by text", async () => {
    // 05's text (…10:00:00.5Z) sorts below 01's (…10:00:00Z) but it is newer.
    expect(
      csvIds(
        (
          await runInProcess(
            [
              "server-sessions",
              "--table",
              table,
              "--user",
              "alice",
              "--since",
              "3h",
              "--limit",
              "2",
              "--output",
              "csv",
            ],
            NOW,
          )
        ).stdout,
      ),
    ).toEqual(expectIds(["0b", "05"]));
  });
});
