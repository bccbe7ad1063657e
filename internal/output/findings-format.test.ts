import { expect, test } from "bun:test";
import { cutRoleArn, FINDING_FIELDS, type FindingRow, wrapSummary, writeFindings } from "./findings-format.ts";

const LONG = "arn:aws:iam::123456789012:role/ops/deploy/ProductionDeployAdmin";

test.each([
  [LONG, 80, LONG],
  [LONG, 32, "arn:aws.../ProductionDeployAdmin"],
  [LONG, 29, "arn:.../ProductionDeployAdmin"],
  [LONG, 28, "...ProductionDeployAdmin"],
  [LONG, 25, "...ProductionDeployAdmin"],
  [LONG, 21, "ProductionDeployAdmin"],
  [LONG, 12, "Productio..."],
  ["arn:aws:iam::123456789012:role/Admin", 20, "arn:aws:iam.../Admin"],
])("cutRoleArn(%p, %p) is %p", (arn, width, expected) => {
  expect(cutRoleArn(arn, width)).toBe(expected);
  expect(expected.length).toBeLessThanOrEqual(width);
});

test("wrapSummary() continues a long line under its value", () => {
  expect(wrapSummary("Events:   9 (tracked 3, denied 1, service 1)", 30)).toBe(
    "Events:   9 (tracked 3,\n          denied 1, service 1)",
  );
  expect(wrapSummary("Events:   9 (tracked 3)", 30)).toBe("Events:   9 (tracked 3)");
});

const row = (over: Partial<FindingRow>): FindingRow => ({
  ...(Object.fromEntries(FINDING_FIELDS.map((f) => [f, ""])) as FindingRow),
  event_time: "2026-01-20T10:30:00Z",
  category: "untracked",
  reason: "no tag",
  ...over,
});

async function human(rows: FindingRow[], fitWidth?: number) {
  let out = "";
  const notes: string[] = [];
  await writeFindings(
    {
      write: (chunk) => {
        out += String(chunk);
      },
    },
    {
      window: { since: "2026-01-20T00:00:00Z", until: "2026-01-21T00:00:00Z" },
      summary: { events: 2, tracked: 0, untracked: 2, orphaned: 0, mismatch: 0, denied: 0, service: 0 },
      rows,
      allEvents: false,
    },
    "human",
    true,
    { fitWidth, onNote: (line) => notes.push(line) },
  );
  return { table: out.split("\n\n")[1] as string, notes };
}

test("the human table pads by display width (a CJK session name takes two columns a character)", async () => {
  const { table } = await human([
    row({ role_arn: "arn:aws:iam::1:role/a", role_session_name: "山田" }),
    row({ role_arn: "arn:aws:iam::1:role/b", role_session_name: "bob" }),
  ]);
  expect(table.split("\n").slice(0, 3)).toEqual([
    "EVENT TIME            CATEGORY   ROLE                   SESSION NAME  SOURCE IDENTITY  SESSION  CALLER  REASON",
    "2026-01-20T10:30:00Z  untracked  arn:aws:iam::1:role/a  山田          -                -        -       no tag",
    "2026-01-20T10:30:00Z  untracked  arn:aws:iam::1:role/b  bob           -                -        -       no tag",
  ]);
});

test("off a terminal a long role ARN loses its account and path, never its role name", async () => {
  const { table } = await human([row({ role_arn: LONG })]);
  // Cut at 40 columns: 18 of the ARN's start ("arn:aws:iam::12" and "..."), then "/ProductionDeployAdmin".
  expect(table.split("\n")[1]).toContain("  arn:aws:iam::12.../ProductionDeployAdmin  ");
  const longName = `arn:aws:iam::123456789012:role/${"N".repeat(50)}`;
  expect((await human([row({ role_arn: longName })])).table.split("\n")[1]).toContain(`  ...${"N".repeat(50)}  `);
});

test("on a terminal of 60 columns the table fits, the role name stays whole, and one note names what is left out", async () => {
  const { table, notes } = await human([row({ role_arn: LONG, role_session_name: "deploy", session_id: "-" })], 60);
  const lines = table.split("\n").slice(0, 2);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
  // 17 (time) + 9 (category) + 2 gaps leave 31 for the role... cut to "...ProductionDeployAdmin" (24) at the most.
  expect(lines[1]).toContain("ProductionDeployAdmin");
  expect(notes).toHaveLength(1);
  expect(notes[0]).toStartWith("note: ");
  expect(notes[0]).toContain("left out to fit 60 columns");
});
