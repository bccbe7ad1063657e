// `server-revoke ID` through dist/sentinel against DynamoDB Local, with STS faked.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";
import { getItem, snapshot } from "../support/table-snapshot.ts";

const ACTIVE = "00000000000000a1";
const REVOKED = "00000000000000a2";
const EXPIRED = "00000000000000a3";
const FOR_REASONS = "00000000000000a4";
// The assumed-role session name, sanitized as SPEC §4 says: letters and digits, at most 20.
const CALLER = "alicesmithexamplecom";

let table: string;
let sts: FakeSts;

beforeAll(async () => {
  table = await freshTable("revoke-id", [
    item({
      id: ACTIVE,
      user: "mallory",
      profile: "prod",
      status: "active",
      server_instance_id: "srv-1",
      created_at: "2026-01-20T09:00:00Z",
      updated_at: "2026-01-20T09:05:00Z",
      request_count: 12,
      source_identity: "sentinel:mallory:direct:1",
    }),
    item({
      id: REVOKED,
      user: "mallory",
      profile: "prod",
      status: "revoked",
      created_at: "2026-01-20T08:00:00Z",
      updated_at: "2026-01-20T10:30:00.5+02:00",
      revoked_by: "bob",
      revoked_reason: "offboarding\u001b[2J",
    }),
    item({ id: EXPIRED, user: "mallory", profile: "dev", status: "expired", created_at: "2026-01-19T08:00:00Z" }),
    item({ id: FOR_REASONS, user: "trent", profile: "dev", status: "active", created_at: "2026-01-19T08:00:00Z" }),
  ]);
  sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Responder/alice.smith@example.com");
});

afterAll(() => sts.stop());

const env = () => binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: sts.url });
const revoke = (...args: string[]) => runBinary(["server-revoke", "--table", table, ...args], env());

/** Nanoseconds since the epoch of an RFC3339Nano UTC text, without the program's parser. */
function nanosOf(text: string): bigint {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(text);
  if (m === null) throw new Error(`not RFC3339Nano UTC: ${text}`);
  return BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

describe("by ID", () => {
  test("an active session is revoked: all four attributes set, read back with GetItem; the rest unchanged", async () => {
    const before = await getItem(table, ACTIVE);
    const startedNs = BigInt(Date.now()) * 1_000_000n;
    const result = await revoke(ACTIVE, "--reason", "credential leaked in SEC-123", "--output", "json");
    const endedNs = BigInt(Date.now()) * 1_000_000n;
    expect(result.stderr).toBe("revoked 1 of 1 session (1 revoked)\n");
    expect(result.code).toBe(0);
    const after = await getItem(table, ACTIVE);
    const updatedAt = after?.updated_at?.S as string;
    expect(after).toEqual({
      ...before,
      status: { S: "revoked" },
      revoked_by: { S: CALLER },
      revoked_reason: { S: "credential leaked in SEC-123" },
      updated_at: { S: updatedAt },
    });
    // RFC3339Nano in UTC: trailing zeros of the fraction trimmed, and the instant of the run.
    expect(updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/);
    expect(nanosOf(updatedAt)).toBeGreaterThanOrEqual(startedNs - 1_000_000n);
    expect(nanosOf(updatedAt)).toBeLessThanOrEqual(endedNs + 1_000_000n);
    expect(JSON.parse(result.stdout)).toEqual({
      sessions: [
        {
          id: ACTIVE,
          user: "mallory",
          profile: "prod",
          previous_status: "active",
          result: "revoked",
          revoked_by: CALLER,
          revoked_reason: "credential leaked in SEC-123",
          updated_at: updatedAt,
        },
      ],
    });
  });

  test("run again: exit 0, already_revoked with a note, the item unchanged attribute for attribute", async () => {
    const before = await getItem(table, ACTIVE);
    const result = await revoke(ACTIVE, "--reason", "second responder", "--output", "json");
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout).sessions;
    expect(rows).toEqual([
      {
        id: ACTIVE,
        user: "mallory",
        profile: "prod",
        previous_status: "revoked",
        result: "already_revoked",
        revoked_by: CALLER,
        revoked_reason: "credential leaked in SEC-123",
        updated_at: before?.updated_at?.S,
      },
    ]);
    expect(result.stderr).toBe(
      `note: session "${ACTIVE}" already revoked by ${CALLER} at ${before?.updated_at?.S}; nothing changed\nrevoked 0 of 1 session (1 already revoked)\n`,
    );
    expect(await getItem(table, ACTIVE)).toEqual(before);
  });

  test("a session revoked by someone else, as a table: UTC times, control characters made printable", async () => {
    const before = await getItem(table, REVOKED);
    const result = await revoke(REVOKED, "--reason", "again");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "ID                USER     PROFILE  PREVIOUS  RESULT           REVOKED BY  UPDATED              REASON",
        "00000000000000a2  mallory  prod     revoked   already_revoked  bob         2026-01-20 08:30:00  offboarding?[2J",
        "",
      ].join("\n"),
    );
    expect(result.stderr).toBe(
      `note: session "${REVOKED}" already revoked by bob at 2026-01-20T08:30:00.5Z; nothing changed\nrevoked 0 of 1 session (1 already revoked)\n`,
    );
    expect(await getItem(table, REVOKED)).toEqual(before);
  });

  test("an expired session: exit 0, not_active, unchanged", async () => {
    const before = await getItem(table, EXPIRED);
    const result = await revoke(EXPIRED, "--reason", "x", "--output", "json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).sessions[0]).toMatchObject({ result: "not_active", previous_status: "expired" });
    expect(result.stderr).toBe(
      `note: session "${EXPIRED}" is not active (status "expired"); nothing changed\nrevoked 0 of 1 session (1 not active)\n`,
    );
    expect(await getItem(table, EXPIRED)).toEqual(before);
  });

  test("an unknown id is exit 1, nothing written", async () => {
    const result = await revoke("0000000000000fff", "--reason", "x");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `error: session "0000000000000fff" not found in table "${table}" (us-east-1): check the ID and --table\n`,
    );
    expect(await getItem(table, "0000000000000fff")).toBeUndefined();
  });

  test.each(["0123", "0123456789abcdeg", "0123456789abcdef0"])("a malformed id %p is exit 2", async (id) => {
    const result = await revoke(id, "--reason", "x");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: invalid session ID "${id}": an ID is 16 hex characters, e.g. 0123456789abcdef\n`,
    );
  });

  test("--dry-run by ID shows the row and changes nothing", async () => {
    const before = await snapshot(table);
    const result = await revoke(FOR_REASONS, "--reason", "x".repeat(256), "--dry-run", "--output", "json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).sessions).toEqual([
      {
        id: FOR_REASONS,
        user: "trent",
        profile: "dev",
        previous_status: "active",
        result: "would_revoke",
        revoked_by: CALLER,
        revoked_reason: "x".repeat(256),
        updated_at: "",
      },
    ]);
    expect(result.stderr).toBe("dry run: would revoke 1 of 1 session; nothing changed\n");
    expect(await snapshot(table)).toEqual(before);
  });
});

describe("--reason", () => {
  test.each([
    ["missing", [], '--reason is required: say why, e.g. --reason "credential leaked in ticket SEC-123"'],
    ["empty", ["--reason", ""], 'invalid --reason "": give 1 to 256 characters without control characters'],
    ["empty after =", ["--reason="], 'invalid --reason "": give 1 to 256 characters without control characters'],
    [
      "257 characters",
      ["--reason", "r".repeat(257)],
      `invalid --reason "${"r".repeat(40)}…" (257 characters): give 1 to 256 characters without control characters`,
    ],
    [
      "a newline",
      ["--reason", "two\nlines"],
      'invalid --reason "two\\nlines": give 1 to 256 characters without control characters',
    ],
    [
      "an escape",
      ["--reason", "a\u001b[31m"],
      'invalid --reason "a\\u001b[31m": give 1 to 256 characters without control characters',
    ],
    [
      "a C1 control",
      ["--reason", "a\u0085b"],
      'invalid --reason "a\\u0085b": give 1 to 256 characters without control characters',
    ],
    // Written as escapes in the message, so it cannot reorder or hide text on the terminal.
    ...(
      [
        ["a right-to-left override", "\u202e", "202e"],
        ["a left-to-right embedding", "\u202a", "202a"],
        ["a first-strong isolate", "\u2068", "2068"],
        ["a pop directional isolate", "\u2069", "2069"],
        ["a zero-width space", "\u200b", "200b"],
        ["a zero-width joiner", "\u200d", "200d"],
        ["a right-to-left mark", "\u200f", "200f"],
        ["a byte-order mark", "\ufeff", "feff"],
      ] as const
    ).map(([name, char, hex]) => [
      name,
      ["--reason", `exe${char}.txt`],
      `invalid --reason "exe\\u${hex}.txt": give 1 to 256 characters without control characters`,
    ]),
  ])("%s: exit 2, nothing changed", async (_, reason, message) => {
    const before = await snapshot(table);
    for (const target of [[FOR_REASONS], ["--user", "trent", "--yes"]]) {
      const result = await revoke(...target, ...(reason as string[]));
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(`error: ${message}\n`);
    }
    expect(await snapshot(table)).toEqual(before);
  });

  test("256 characters of any script are accepted (counted as characters, not bytes)", async () => {
    const result = await revoke(FOR_REASONS, "--reason", "漢".repeat(256), "--dry-run", "--output", "json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).sessions[0].revoked_reason).toBe("漢".repeat(256));
  });
});
