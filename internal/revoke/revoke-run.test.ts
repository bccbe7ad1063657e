import { expect, test } from "bun:test";
import { writeRevocationsHuman } from "../output/revoke-human.ts";
import type { Revocation } from "../session/revocation.ts";
import { stampClock, summaryLine } from "./revoke-run.ts";

const row = (id: string, result: Revocation["result"]): Revocation => ({
  id,
  user: "u",
  profile: "p",
  previousStatus: "active",
  result,
  revokedBy: "",
  revokedReason: "",
  updatedAt: "",
  failure: "",
});

test("summaryLine() counts each result, thousands separated", () => {
  const rows = [
    ...Array.from({ length: 1_200 }, (_, n) => row(String(n), "revoked")),
    row("a", "already_revoked"),
    row("b", "already_revoked"),
    row("c", "not_found"),
    row("d", "failed"),
  ];
  expect(summaryLine(rows, "-")).toBe(
    "revoked 1,200 of 1,204 sessions (1,200 revoked, 2 already revoked, 1 not found, 1 failed)",
  );
  expect(summaryLine([], "nothing selected")).toBe("revoked 0 of 0 sessions (nothing selected)");
});

test("summaryLine() of a stopped run counts the sessions not attempted and says interrupted", () => {
  const rows = [...Array.from({ length: 1_866 }, (_, n) => row(String(n), "revoked")), row("x", "failed")];
  expect(summaryLine(rows, "-", { selected: 5_000 })).toBe(
    "revoked 1,866 of 5,000 sessions (1,866 revoked, 1 failed, 3,133 not attempted), interrupted",
  );
  expect(summaryLine([], "-", { selected: 1 })).toBe("revoked 0 of 1 session (1 not attempted), interrupted");
});

test("the human table cuts long values, shows - for empty ones and UTC times", async () => {
  const parts: string[] = [];
  await writeRevocationsHuman({ write: (chunk) => void parts.push(String(chunk)) }, [
    {
      ...row("00000000000000a1", "revoked"),
      user: "a-very-long-user-name-indeed",
      revokedBy: "bob",
      revokedReason: "r",
      updatedAt: "2026-01-20T14:00:00.5+02:00",
    },
    { ...row("00000000000000a2", "not_found"), user: "", profile: "", previousStatus: "" },
  ]);
  expect(parts.join("")).toBe(
    [
      "ID                USER                  PROFILE  PREVIOUS  RESULT     REVOKED BY  UPDATED              REASON",
      "00000000000000a1  a-very-long-user-...  p        active    revoked    bob         2026-01-20 12:00:00  r",
      "00000000000000a2  -                     -        -         not_found  -           -                    -",
      "",
    ].join("\n"),
  );
});

test("stampClock() writes nanoseconds from the monotonic clock, strictly increasing", () => {
  const readings = [100, 101.234567, 101.234567, 100.5, 1_100.000001];
  const next = stampClock(
    () => new Date("2026-01-20T12:00:00Z"),
    () => readings.shift() as number,
  );
  expect(next()).toBe("2026-01-20T12:00:00.001234567Z");
  expect(next()).toBe("2026-01-20T12:00:00.001234568Z");
  expect(next()).toBe("2026-01-20T12:00:00.001234569Z");
  expect(next()).toBe("2026-01-20T12:00:01.000000001Z");
});
