import { expect, test } from "bun:test";
import type { CommandInfo } from "./command.ts";
import { COMMAND_MODULES } from "./commands.ts";
import { wholeNumberHint } from "./flag-values.ts";
import { commandHelp, globalHelp, groupHelp, helpWidth, wrapLine } from "./help.ts";
import { closest } from "./suggest.ts";

const table: CommandInfo[] = await Promise.all(COMMAND_MODULES.map((load) => load()));

test("wrapLine() breaks after a comma or at a space, under the hanging indent", () => {
  expect(wrapLine("  --columns LIST  id,user,profile", 26, 18)).toEqual([
    "  --columns LIST  id,user,",
    "                  profile",
  ]);
  expect(wrapLine("one two three", 8, 2)).toEqual(["one two", "  three"]);
  expect(wrapLine("abcdefghij", 4, 0)).toEqual(["abcd", "efgh", "ij"]);
  expect(wrapLine("  sentinel a b", 13, 4, " \\")).toEqual(["  sentinel \\", "    a b"]);
});

test.each([
  [{ env: { COLUMNS: "120" }, stdoutIsTTY: false }, 120],
  [{ env: {}, stdoutIsTTY: true, stdoutColumns: 100 }, 100],
  [{ env: { COLUMNS: "70" }, stdoutIsTTY: true, stdoutColumns: 100 }, 70],
  [{ env: {}, stdoutIsTTY: false, stdoutColumns: 100 }, 80],
  [{ env: {}, stdoutIsTTY: false }, 80],
  [{ env: { COLUMNS: "wide" }, stdoutIsTTY: false }, 80],
])("helpWidth(%p) is %p", (io, width) => {
  expect(helpWidth(io)).toBe(width);
});

test.each([60, 80, 100, 132])("at width %p no line of any help is longer", (width) => {
  const texts = [
    globalHelp(table, width),
    groupHelp("audit", table, width),
    ...table.map((c) => commandHelp(c, width)),
  ];
  for (const text of texts) {
    const long = text.split("\n").filter((line) => line.length > width);
    expect(long).toEqual([]);
  }
});

test.each([60, 80, 132])(
  "at width %p a flag's help fills its lines: each ends where the next word would not fit",
  (width) => {
    for (const command of table) {
      const lines = commandHelp(command, width).split("\n");
      for (const [i, line] of lines.entries()) {
        const previous = lines[i - 1] ?? "";
        // A continuation under the flag column, after a line of the same flag's text (not a head alone).
        if (!/^ {24}\S/.test(line) || !/^ {2}(--\S+( \S+)? {2,}\S| {22}\S)/.test(previous)) continue;
        // The next word up to where it may break (after a comma); a space before it counted, as in prose.
        const next = /^[^ ,]*,?/.exec(line.trimStart())?.[0] ?? "";
        const joined = previous.length + 1 + next.length;
        expect({ command: command.name, previous, line, fits: joined <= width }).toMatchObject({ fits: false });
      }
    }
  },
);

test("the --columns help names every column across its wrapped lines", () => {
  const help = commandHelp(table[0] as CommandInfo, 80);
  const block = help.slice(help.indexOf("--columns LIST"), help.indexOf("--order")).replace(/\n\s+/g, " ");
  const names =
    "id,user,profile,status,effective_status,started_at,last_access_at,expires_at,created_at,updated_at,request_count,server_instance_id,source_identity,device_id,revoked_by,revoked_reason,ttl";
  expect(block.replaceAll(", ", ",")).toContain(names);
});

test("a group's help lists its commands", () => {
  const help = groupHelp("audit", table);
  expect(help).toStartWith("Usage: sentinel audit COMMAND [flags]\n");
  expect(help).toContain("sentinel audit untracked-sessions --since WHEN [flags]");
  expect(help).not.toContain("server-sessions");
});

test.each([
  ["sessions", "server-sessions"],
  ["untracked", "audit untracked-sessions"],
  ["revoke", "server-revoke"],
  ["frobnicate", undefined],
])("closest(%p) among the command names, by word, is %p", (typed, expected) => {
  const names = [...table.map((c) => c.name), "help", "version", "completion"];
  expect(closest(typed, names, { wordParts: true })).toBe(expected);
});

test.each([
  [0, Number.MAX_SAFE_INTEGER, "give a whole number, 0 for no limit"],
  [1, Number.MAX_SAFE_INTEGER, "give a whole number of at least 1"],
  [1, 64, "give a whole number from 1 to 64"],
])("wholeNumberHint(%p, %p) reads %p", (min, max, hint) => {
  expect(wholeNumberHint(min, max)).toBe(hint);
});
