// Property test of the read plan: 5,000 generated items whose created_at plays
// every trick a stored text can play (case of T/t and Z/z, offsets from -14:00
// to +14:00 with odd minutes, 0-9 fraction digits, the ends of time, malformed
// text of many kinds), read through every read path for 50 random windows.
// Each result must equal a brute-force scan-and-filter computed here with an
// independent timestamp parser (Date-based, BigInt nanoseconds), and every
// malformed item that could be in the result must be named exactly once.
// The bulk drives the real store in process; a sample runs the binary.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { connectDynamo, type DynamoConnection } from "../../internal/aws/dynamo-client.ts";
import { DynamoSessionStore } from "../../internal/session/dynamo-store.ts";
import { NewestFirst } from "../../internal/session/newest-first.ts";
import type { Session, SessionFilter, SessionStatus } from "../../internal/session/session.ts";
import { randomSource } from "../../scripts/generate-sessions.ts";
import { csvIds } from "../support/csv-ids.ts";
import { endpoint, freshTable } from "../support/dynamo.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

type Item = Record<string, AttributeValue>;

const ITEMS = 5_000;
const WINDOWS = 50;
const random = randomSource(20261127);
const int = (below: number) => Math.floor(random() * below);
const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;

// ---------------------------------------------------------------- reference

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const FIRST_NS = BigInt(Date.parse("0001-01-01T00:00:00Z")) * NS_PER_MS;
const LAST_NS = BigInt(Date.parse("9999-12-31T23:59:59.999Z")) * NS_PER_MS + 999_999n;
const STAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Nanoseconds since the epoch of an RFC 3339 text, via Date: independent of the program's calendar code. */
function referenceNs(text: string): bigint | undefined {
  const m = STAMP.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  if ((hour as number) > 23 || (minute as number) > 59 || (second as number) > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year as number, (month as number) - 1, day as number);
  // Date rolls 2026-02-30 over to March: a day that does not come back is no day.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== (month as number) - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const [h, mm] = [Number(m[9]), Number(m[10])];
    if (h > 23 || mm > 59) return undefined;
    offsetMinutes = (m[8] === "-" ? -1 : 1) * (h * 60 + mm);
  }
  const ms =
    date.getTime() + (((hour as number) * 60 + (minute as number) - offsetMinutes) * 60 + (second as number)) * 1000;
  const ns = BigInt(ms) * NS_PER_MS + BigInt((m[7] ?? "").padEnd(9, "0"));
  return ns < FIRST_NS || ns > LAST_NS ? undefined : ns;
}

const LAST_DAY_NS = BigInt(Date.parse("9999-12-31T00:00:00Z")) * NS_PER_MS;

/** Nanoseconds of the start of the UTC day of the real date "YYYY-MM-DD" a text begins with, via Date. */
function referenceDayNs(text: string): bigint | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (m === null) return undefined;
  const [year, month, day] = m.slice(1, 4).map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return BigInt(date.getTime()) * NS_PER_MS;
}

const text = (item: Item, name: string) => item[name]?.S;

/** SPEC §1 on the attributes the generator writes, checked without the program's code. */
function referenceValid(item: Item): boolean {
  for (const name of ["user", "profile", "status", "device_id"]) {
    if (item[name] !== undefined && text(item, name) === undefined) return false;
  }
  const created = text(item, "created_at");
  if (created === undefined || referenceNs(created) === undefined) return false;
  const updated = item.updated_at;
  if (updated !== undefined && (updated.S === undefined || referenceNs(updated.S) === undefined)) return false;
  const count = item.request_count;
  if (count !== undefined && !(count.N !== undefined && /^\d{1,38}$/.test(count.N))) return false;
  return true;
}

type Window = { sinceNs?: bigint; untilNs: bigint };
type Equality = { user?: string; profile?: string; status?: string };

/** "YYYY-MM-DD" of the UTC day `days` away from the instant, within four-digit years. */
function dayText(ns: bigint, days: number): string {
  const floorMs = Number((ns - (((ns % NS_PER_MS) + NS_PER_MS) % NS_PER_MS)) / NS_PER_MS);
  const iso = new Date(floorMs + days * 86_400_000).toISOString();
  if (iso.startsWith("+")) return "9999-12-31";
  if (iso.startsWith("-")) return "0000-01-01";
  return iso.slice(0, 10);
}

/**
 * The rows (ids, listing order) and the malformed ids (sorted) a listing must
 * give. An index read (`viaIndex`) cannot see an item without `created_at`:
 * an index holds no item without its sort key (SPEC §5).
 */
function expected(
  items: Item[],
  window: Window,
  equality: Equality,
  viaIndex: boolean,
): { rows: string[]; malformed: string[] } {
  const equal = (item: Item) =>
    (["user", "profile", "status"] as const).every(
      (name) => equality[name] === undefined || text(item, name) === equality[name],
    );
  const inWindow = (ns: bigint) => (window.sinceNs === undefined || ns >= window.sinceNs) && ns <= window.untilNs;
  // Malformed text that starts with a digit but with no real date cannot be placed (SPEC §5): the
  // reads whose text range (whole days around the window) holds it see it and report it.
  const low = window.sinceNs === undefined ? "0" : dayText(window.sinceNs, -1);
  const high = window.untilNs >= LAST_DAY_NS ? "9:" : `${dayText(window.untilNs, 1)}~`;
  const rows: { id: string; ns: bigint }[] = [];
  const malformed: string[] = [];
  for (const item of items) {
    if (!equal(item) || (viaIndex && item.created_at === undefined)) continue;
    const id = text(item, "id") as string;
    const created = text(item, "created_at");
    if (referenceValid(item)) {
      const ns = referenceNs(created as string) as bigint;
      if (inWindow(ns)) rows.push({ id, ns });
      continue;
    }
    // Placed by its instant, else at the start of the UTC day its text begins with.
    const ns = created === undefined ? undefined : (referenceNs(created) ?? referenceDayNs(created));
    const digitFirst = created !== undefined && /^[0-9]/.test(created);
    if (ns !== undefined ? inWindow(ns) : !digitFirst || (created >= low && created <= high)) malformed.push(id);
  }
  rows.sort((a, b) => (a.ns !== b.ns ? (a.ns > b.ns ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rows: rows.map((row) => row.id), malformed: malformed.sort() };
}

// ---------------------------------------------------------------- generator

const USERS = ["alice", "bob", "carol", "dave"];
const PROFILES = ["prod", "dev", "audit"];
const STATUSES = ["active", "revoked", "expired", "suspended"];
const FROM_S = Date.UTC(2026, 0, 1) / 1000;
const TO_S = Date.UTC(2026, 2, 1) / 1000;
const NOW = new Date(Date.UTC(2026, 1, 10));

/** A second of time: mostly two months of 2026, sometimes far out (the ends of time, before 1970, 2999). */
function randomSecond(): number {
  const roll = random();
  if (roll < 0.01) return Date.parse("0001-01-01T00:00:00Z") / 1000 + int(3 * 86_400);
  if (roll < 0.02) return Date.parse("9999-12-29T00:00:00Z") / 1000 + int(3 * 86_400);
  if (roll < 0.03) return Date.parse("1969-12-30T00:00:00Z") / 1000 + int(3 * 86_400);
  if (roll < 0.04) return Date.parse("2999-06-01T00:00:00Z") / 1000 + int(86_400);
  return FROM_S + int(TO_S - FROM_S);
}

const two = (n: number) => String(n).padStart(2, "0");

/** A valid stored text of second `sec` plus a fraction, in a random zone and case; its instant in ns. */
function validStamp(): { text: string; ns: bigint } | undefined {
  const sec = randomSecond();
  const digits = int(10);
  const fraction = Array.from({ length: digits }, () => int(10)).join("");
  const offset = random() < 0.3 ? 0 : int(2 * 840 + 1) - 840; // −14:00 … +14:00, any minute
  const local = new Date((sec + offset * 60) * 1000).toISOString();
  if (!/^\d{4}-/.test(local)) return undefined; // a local year a four-digit text cannot hold
  const zone =
    offset === 0 && random() < 0.7
      ? pick(["Z", "z"])
      : `${offset < 0 ? "-" : "+"}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  const t = pick(["T", "t"]);
  const text = `${local.slice(0, 10)}${t}${local.slice(11, 19)}${digits > 0 ? `.${fraction}` : ""}${zone}`;
  return { text, ns: BigInt(sec) * NS_PER_S + BigInt(fraction.padEnd(9, "0")) };
}

const GARBAGE = [
  "garbage",
  "yesterday",
  "~~~",
  "é2026-01-20T10:00:00Z",
  "2026-01-20",
  "2026-01-20 10:00:00Z",
  "20260120T100000Z",
  "9",
  "0",
  ":",
  "2026-01-20T10:00:00",
  "2026-01-20T10:00:00+1400",
  "2026-01-20T10:00:00.Z",
  "2026-01-20T10:00:00.1234567890Z",
  "9999-12-31T23:59:59-23:59",
  "0001-01-01T00:00:00+01:00",
  "0000-06-01T00:00:00Z",
];

/** A created_at that is not a timestamp: undefined = missing. Only `bareOnly` ones need a table without indexes. */
function malformedCreated(): { value: AttributeValue | undefined; bareOnly: boolean } {
  const valid = validStamp()?.text ?? "2026-01-20T10:00:00Z";
  const roll = int(12);
  // Placed at the start of the day they begin with: hour 25, no zone, garbage after the date.
  if (roll === 9) return { value: { S: `${valid.slice(0, 11)}25${valid.slice(13)}` }, bareOnly: false };
  if (roll === 10)
    return { value: { S: pick([valid.slice(0, 19), `${valid.slice(0, 10)}Tgarbage`]) }, bareOnly: false };
  // Starts with a digit but no real date: cannot be placed.
  if (roll === 11)
    return {
      value: { S: `${valid.slice(0, 5)}${pick(["1-5", "02-30", "13-01"])}${valid.slice(10)}` },
      bareOnly: false,
    };
  if (roll === 0) return { value: { S: `${valid.slice(0, 5)}02-30${valid.slice(10)}` }, bareOnly: false };
  if (roll === 1) return { value: { S: `${valid.slice(0, 11)}24${valid.slice(13)}` }, bareOnly: false };
  if (roll === 2) return { value: { S: `${valid.slice(0, 14)}60${valid.slice(16)}` }, bareOnly: false };
  if (roll === 3) return { value: { S: ` ${valid}` }, bareOnly: false };
  if (roll === 4) return { value: { S: pick(GARBAGE) }, bareOnly: false };
  if (roll === 5) return { value: undefined, bareOnly: false };
  if (roll === 6) return { value: { N: String(int(2_000_000_000)) }, bareOnly: true };
  if (roll === 7) return { value: { S: "" }, bareOnly: true };
  return { value: { S: `${valid}${pick([" ", "x", "Z"])}` }, bareOnly: false };
}

type Generated = { item: Item; bareOnly: boolean; ns?: bigint };

function generate(): Generated[] {
  const out: Generated[] = [];
  for (let i = 0; out.length < ITEMS; i++) {
    const item: Item = { id: { S: `${i.toString(16).padStart(12, "0")}aaaa` } };
    for (const [name, values] of [
      ["user", USERS],
      ["profile", PROFILES],
      ["status", STATUSES],
    ] as const) {
      if (random() < 0.95) item[name] = { S: pick(values) };
    }
    let bareOnly = false;
    let ns: bigint | undefined;
    if (random() < 0.8) {
      const stamp = validStamp();
      if (stamp === undefined) continue;
      item.created_at = { S: stamp.text };
      ns = stamp.ns;
      // Valid created_at, something else wrong: these are placed by their instant.
      const roll = random();
      if (roll < 0.02) item.updated_at = { S: "2026-02-30T00:00:00Z" };
      else if (roll < 0.04) item.request_count = { N: "1.5" };
      else if (roll < 0.05) item.device_id = { N: "7" };
      else if (roll < 0.3) item.request_count = { N: String(int(100_000)) };
    } else {
      const created = malformedCreated();
      if (created.value !== undefined) item.created_at = created.value;
      bareOnly = created.bareOnly;
    }
    out.push({ item, bareOnly, ns });
  }
  return out;
}

const generated = generate();
const bareItems = generated.map((g) => g.item);
const indexedItems = generated.filter((g) => !g.bareOnly).map((g) => g.item);
const instants = generated.flatMap((g) => (g.ns === undefined ? [] : [g.ns]));

/** An edge of a window: often exactly an item's instant (or 1 ns beside it), else anywhere near the items. */
function randomEdge(): bigint {
  if (random() < 0.6) return pick(instants) + BigInt(int(3) - 1);
  return BigInt(FROM_S - 2 * 86_400 + int(TO_S - FROM_S + 4 * 86_400)) * NS_PER_S + BigInt(int(1e9));
}

const NOW_NS = BigInt(NOW.getTime()) * NS_PER_MS;
const windows: Window[] = [
  { sinceNs: FIRST_NS, untilNs: LAST_NS },
  { untilNs: LAST_NS },
  { sinceNs: BigInt(Date.parse("2026-01-20T00:00:00Z")) * NS_PER_MS, untilNs: LAST_NS },
];
while (windows.length < WINDOWS) {
  const roll = random();
  let since: bigint | undefined = roll < 0.2 ? undefined : randomEdge();
  let until = roll >= 0.2 && roll < 0.4 ? NOW_NS : randomEdge(); // "no --until" is now
  if (since !== undefined && since > until) [since, until] = [until, since];
  windows.push(since === undefined ? { untilNs: until } : { sinceNs: since, untilNs: until });
}

const instant = (ns: bigint) => {
  const sec = ns >= 0n ? ns / NS_PER_S : -((-ns + NS_PER_S - 1n) / NS_PER_S);
  return { sec: Number(sec), nanos: Number(ns - sec * NS_PER_S) };
};

// ---------------------------------------------------------------- tables and reads

let indexed: string;
let bare: string;
let connection: DynamoConnection;

beforeAll(async () => {
  [indexed, bare] = await Promise.all([freshTable("prop", indexedItems), freshTable("prop-bare", bareItems, [])]);
  connection = await connectDynamo(
    { endpointUrl: endpoint(), region: "us-east-1", timeoutMs: 60_000, maxAttempts: 3 },
    {},
  );
}, 120_000);

afterAll(() => connection.client.destroy());

async function read(table: string, window: Window, equality: Equality) {
  const store = new DynamoSessionStore(connection, table, 8);
  const keep = new NewestFirst(0, (s: Session) => s.id);
  const filter: SessionFilter = {
    ...equality,
    status: equality.status as SessionStatus | undefined,
    window:
      window.sinceNs === undefined
        ? { until: instant(window.untilNs) }
        : { since: instant(window.sinceNs), until: instant(window.untilNs) },
  };
  const result = await store.find(filter, keep);
  const malformed = result.malformed.map((label) => {
    const cut = label.indexOf(" (");
    expect(cut).toBeGreaterThan(0);
    expect(label.endsWith(")")).toBe(true);
    return label.slice(0, cut);
  });
  return { rows: keep.sorted(), malformed };
}

test("the generator produced what the property needs", () => {
  expect(bareItems.length).toBe(ITEMS);
  const created = bareItems.map((item) => text(item, "created_at") ?? "");
  expect(created.filter((c) => /^\d{4}-\d\d-\d\dt/.test(c)).length).toBeGreaterThan(500);
  expect(created.filter((c) => /[+-]\d\d:\d[1-9]$/.test(c)).length).toBeGreaterThan(500);
  expect(created.filter((c) => /z$/.test(c)).length).toBeGreaterThan(100);
  expect(created.filter((c) => /\.\d{9}[Zz+-]/.test(c)).length).toBeGreaterThan(100);
  expect(bareItems.filter((item) => !referenceValid(item)).length).toBeGreaterThan(800);
  expect(bareItems.filter((item) => item.created_at === undefined).length).toBeGreaterThan(50);
  expect(bareItems.filter((item) => item.created_at?.N !== undefined).length).toBeGreaterThan(50);
  expect(windows.filter((w) => w.sinceNs === undefined).length).toBeGreaterThan(5);
  expect(windows.filter((w) => w.untilNs === NOW_NS).length).toBeGreaterThan(5);
});

// Each read path, each window; the equality value is drawn per window.
const PATHS: [string, (w: number) => [() => string, () => Item[], Equality]][] = [
  ["gsi-user", (w) => [() => indexed, () => indexedItems, { user: USERS[w % USERS.length] }]],
  ["gsi-profile", (w) => [() => indexed, () => indexedItems, { profile: PROFILES[w % PROFILES.length] }]],
  ["gsi-status", (w) => [() => indexed, () => indexedItems, { status: STATUSES[w % 3] }]],
  ["Scan", () => [() => indexed, () => indexedItems, {}]],
  ["no indexes", (w) => [() => bare, () => bareItems, w % 2 === 0 ? {} : { user: USERS[w % USERS.length] }]],
];

describe.each(PATHS)("%s: 50 windows, each equal to the brute-force result", (_, path) => {
  test("rows and malformed items", async () => {
    let rows = 0;
    let malformed = 0;
    for (let w = 0; w < windows.length; w++) {
      const [table, items, equality] = path(w);
      const window = windows[w] as Window;
      const viaIndex = table() === indexed && Object.keys(equality).length > 0;
      const want = expected(items(), window, equality, viaIndex);
      const got = await read(table(), window, equality);
      expect({ w, ...got }).toEqual({ w, ...want });
      rows += want.rows.length;
      malformed += want.malformed.length;
    }
    // The windows were not all empty.
    expect(rows).toBeGreaterThan(1_000);
    expect(malformed).toBeGreaterThan(100);
  }, 60_000);
});

test("windows that tile two months, to the ns, name each item placed in them exactly once in total", async () => {
  // 12 windows that meet to the nanosecond, cut at random instants (some of them items' instants).
  const spanFrom = BigInt(FROM_S - 86_400) * NS_PER_S;
  const spanTo = BigInt(TO_S + 86_400) * NS_PER_S;
  const cuts = [spanFrom, ...Array.from({ length: 11 }, () => randomEdge()), spanTo + 1n].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const tiles: Window[] = cuts.slice(1).map((end, i) => ({ sinceNs: cuts[i] as bigint, untilNs: end - 1n }));
  const named = new Map<string, number>();
  const rows = new Map<string, number>();
  for (const tile of tiles) {
    const got = await read(bare, tile, {});
    for (const id of got.malformed) named.set(id, (named.get(id) ?? 0) + 1);
    for (const id of got.rows) rows.set(id, (rows.get(id) ?? 0) + 1);
  }
  let placed = 0;
  for (const item of bareItems) {
    const id = text(item, "id") as string;
    const created = text(item, "created_at");
    const ns = created === undefined ? undefined : (referenceNs(created) ?? referenceDayNs(created));
    const inSpan = ns !== undefined && ns >= spanFrom && ns <= spanTo;
    if (referenceValid(item)) {
      expect({ id, rows: rows.get(id) ?? 0 }).toEqual({ id, rows: inSpan ? 1 : 0 });
      continue;
    }
    if (ns !== undefined) {
      if (inSpan) placed++;
      expect({ id, named: named.get(id) ?? 0 }).toEqual({ id, named: inSpan ? 1 : 0 });
    } else if (!(created !== undefined && /^[0-9]/.test(created))) {
      // Cannot be placed: every window names it.
      expect({ id, named: named.get(id) }).toEqual({ id, named: tiles.length });
    }
  }
  expect(placed).toBeGreaterThan(200);
}, 60_000);

// ---------------------------------------------------------------- a sample through the binary

/** An instant as a flag value: RFC 3339 UTC with nine fraction digits, written with Date. */
function flagText(ns: bigint): string {
  const { sec, nanos } = instant(ns);
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}.${String(nanos).padStart(9, "0")}Z`;
}

describe("the binary agrees on a sample", () => {
  const SAMPLE: [string, number, Equality, "indexed" | "bare"][] = [
    [
      "gsi-user, window without --since",
      windows.findIndex((w) => w.sinceNs === undefined),
      { user: "alice" },
      "indexed",
    ],
    ["gsi-status, the whole of time", 0, { status: "revoked" }, "indexed"],
    ["Scan, a window of instants", 10, {}, "indexed"],
    ["no indexes, a window of instants", 11, { profile: "dev" }, "bare"],
    ["gsi-profile, without --until (now)", -1, { profile: "audit" }, "indexed"],
    ["no indexes, without --until (now)", -1, {}, "bare"],
  ];

  test.each(SAMPLE)("%s", async (_, w, equality, which) => {
    const table = which === "indexed" ? indexed : bare;
    const items = which === "indexed" ? indexedItems : bareItems;
    // Without --until the binary reads up to the real now; the items all lie before it, or far after.
    const window: Window =
      w === -1
        ? { sinceNs: windows[5]?.sinceNs ?? FIRST_NS, untilNs: BigInt(Date.now()) * NS_PER_MS }
        : (windows[w] as Window);
    const flags = [
      ...(window.sinceNs === undefined ? [] : ["--since", flagText(window.sinceNs)]),
      ...(w === -1 ? [] : ["--until", flagText(window.untilNs)]),
      ...Object.entries(equality).flatMap(([name, value]) => [`--${name}`, value as string]),
    ];
    const result = await runBinary(
      ["server-sessions", "--table", table, "--output", "csv", "--limit", "0", ...flags],
      binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint() }),
    );
    if (w === -1) expect(Date.now()).toBeGreaterThan(TO_S * 1000 + 86_400_000);
    const want = expected(items, window, equality, which === "indexed" && Object.keys(equality).length > 0);
    expect(csvIds(result.stdout)).toEqual(want.rows);
    const warning = result.stderr.split("\n").find((line) => line.startsWith("warning: "));
    if (want.malformed.length === 0) {
      expect(warning).toBeUndefined();
      expect(result.code).toBe(0);
      return;
    }
    expect(result.code).toBe(3);
    const shown = want.malformed.slice(0, 5);
    const match = /^warning: skipped ([\d,]+) malformed session item\(s\): (.*)$/.exec(warning ?? "");
    expect(Number(match?.[1]?.replaceAll(",", ""))).toBe(want.malformed.length);
    const labels = (match?.[2] ?? "").split(/, (?=[0-9a-f]{16} \()/);
    expect(labels.map((label) => label.slice(0, 16))).toEqual(shown);
    expect((match?.[2] ?? "").endsWith(" …")).toBe(want.malformed.length > 5);
  });
});
