import { expect, test } from "bun:test";
import type { Revocation } from "../session/revocation.ts";
import { writeRevocationsHuman } from "./revoke-human.ts";

const ROWS = [
  {
    id: "00000000000000c1",
    user: "山田太郎",
    profile: "production-admin-role",
    previousStatus: "active",
    result: "revoked",
    revokedBy: "arn:aws:iam::123456789012:user/responder",
    revokedReason: "stolen laptop",
    updatedAt: "2026-01-20T10:30:59Z",
  },
] as unknown as Revocation[];

async function table(fitWidth?: number): Promise<{ lines: string[]; notes: string[] }> {
  let out = "";
  const notes: string[] = [];
  await writeRevocationsHuman(
    {
      write: (chunk) => {
        out += String(chunk);
      },
    },
    ROWS,
    {
      fitWidth,
      onNote: (line) => notes.push(line),
    },
  );
  return { lines: out.split("\n").slice(0, -1), notes };
}

test("off a terminal the revocation table pads by display width and is not fitted", async () => {
  const { lines, notes } = await table();
  expect(lines).toEqual([
    "ID                USER      PROFILE                PREVIOUS  RESULT   REVOKED BY            UPDATED              REASON",
    "00000000000000c1  山田太郎  production-admin-role  active    revoked  arn:aws:iam::1234...  2026-01-20 10:30:59  stolen laptop",
  ]);
  expect(notes).toEqual([]);
});

test("on a terminal of 60 columns the revocation table keeps ID and RESULT whole and fits", async () => {
  const { lines, notes } = await table(60);
  // At their floors ID 16, USER 8, PROFILE 8, PREVIOUS 8, RESULT 7 and gaps take 55: REVOKED BY, UPDATED and
  // REASON (8, 16, 8 and a gap) do not fit. Then PROFILE gets back all but 8 of its 21: 13.
  expect(lines).toEqual([
    "ID                USER      PROFILE        PREVIOUS  RESULT",
    "00000000000000c1  山田太郎  production...  active    revoked",
  ]);
  expect(notes).toEqual(["note: REVOKED BY, UPDATED, REASON left out to fit 60 columns"]);
});

test("on a terminal of 40 columns the revocation table still shows each RESULT, text columns left out first", async () => {
  const { lines, notes } = await table(40);
  // ID 16 and RESULT 7 are kept first; then USER (8) fits with the gaps in 35, PROFILE (8 more) does not.
  expect(lines).toEqual(["ID                USER      RESULT", "00000000000000c1  山田太郎  revoked"]);
  expect(notes).toEqual(["note: PROFILE, PREVIOUS, REVOKED BY, UPDATED, REASON left out to fit 40 columns"]);
});
