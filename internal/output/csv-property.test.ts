// Property test: arbitrary text in every string field survives the CSV writer,
// checked with an independent parser (csv-parse).
import { expect, test } from "bun:test";
import { parse } from "csv-parse/sync";
import { randomSource } from "../../scripts/generate-sessions.ts";
import type { Session } from "../session/session.ts";
import { formatSeconds } from "../timefilter/instant.ts";
import { columnsFor, DEFAULT_COLUMNS } from "./columns.ts";
import { csvFormat } from "./csv.ts";
import { LIST_FIELDS } from "./fields.ts";

const random = randomSource(2026);
const SPECIAL = [
  ",",
  '"',
  "\n",
  "\r",
  "\r\n",
  "\t",
  "=",
  "+",
  "-",
  "@",
  "'",
  " ",
  ";",
  "\u0000",
  "\u001b",
  "\u007f",
  "\u2028",
  "\ufeff",
  "é",
  "漢",
  "😀",
  "\u202e",
];

function randomText(): string {
  const length = Math.floor(random() * 12);
  let text = "";
  for (let i = 0; i < length; i++) {
    const roll = random();
    if (roll < 0.4) text += SPECIAL[Math.floor(random() * SPECIAL.length)];
    else if (roll < 0.7) text += String.fromCharCode(32 + Math.floor(random() * 95));
    else {
      // Any Unicode scalar value (no lone surrogates: they cannot be stored in DynamoDB).
      let code = Math.floor(random() * 0x10ffff);
      if (code >= 0xd800 && code <= 0xdfff) code = 0x41;
      text += String.fromCodePoint(code);
    }
  }
  return text;
}

function randomSession(n: number): Session {
  const at = { sec: 1_700_000_000 + Math.floor(random() * 1e8), nanos: Math.floor(random() * 1e9) };
  return {
    id: randomText(),
    user: randomText(),
    profile: randomText(),
    status: randomText(),
    serverInstanceId: randomText(),
    sourceIdentity: randomText(),
    startedAt: n % 3 === 0 ? undefined : at,
    lastAccessAt: at,
    expiresAt: n % 5 === 0 ? undefined : at,
    createdAt: at,
    requestCount: BigInt(Math.floor(random() * 1e6)),
    deviceId: "",
    revokedBy: "",
    revokedReason: "",
  };
}

async function csvOf(sessions: Session[], guard: boolean): Promise<string> {
  const parts: string[] = [];
  const format = csvFormat(columnsFor(DEFAULT_COLUMNS, { sec: 0, nanos: 0 }), guard);
  await format.write({ write: (chunk: string) => void parts.push(chunk) }, sessions.map(format.row));
  return parts.join("");
}

const sessions = Array.from({ length: 10_000 }, (_, n) => randomSession(n));

test("10,000 sessions of arbitrary text: without the guard, CSV parses back to exactly the fields", async () => {
  const rows = parse(await csvOf(sessions, false), { relax_quotes: false }) as string[][];
  expect(rows.length).toBe(10_001);
  expect(rows[0]).toEqual([...LIST_FIELDS]);
  const when = (t: Session["startedAt"]) => (t === undefined ? "" : formatSeconds(t));
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i] as Session;
    expect(rows[i + 1]).toEqual([
      s.id,
      s.user,
      s.profile,
      s.status,
      when(s.startedAt),
      when(s.lastAccessAt),
      when(s.expiresAt),
      String(s.requestCount),
      s.serverInstanceId,
      s.sourceIdentity,
    ]);
  }
});

test("10,000 sessions of arbitrary text: with the guard, no cell starts with = + - @ TAB or CR", async () => {
  const rows = parse(await csvOf(sessions, true)) as string[][];
  expect(rows.length).toBe(10_001);
  let guarded = 0;
  for (const row of rows.slice(1)) {
    for (const cell of row) {
      expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      if (cell.startsWith("'")) guarded++;
    }
  }
  // The generator really produced dangerous first characters.
  expect(guarded).toBeGreaterThan(1_000);
});
