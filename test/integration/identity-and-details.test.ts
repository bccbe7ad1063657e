import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { csvIds } from "../support/csv-ids.ts";
import { freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { runInProcess } from "../support/run-cli.ts";

const NOW = new Date("2026-01-20T12:00:00.000Z");
let table: string;
let sts: FakeSts;

beforeAll(async () => {
  table = await freshTable("identity", [
    item({
      id: "00000000000000a1",
      user: "alicesmithexamplecom",
      created_at: "2026-01-20T09:00:00Z",
      status: "active",
    }),
    item({
      id: "00000000000000a2",
      user: "alicesmithexamplecom",
      created_at: "2026-01-10T09:00:00Z",
      status: "expired",
    }),
    item({ id: "00000000000000b1", user: "bob", created_at: "2026-01-20T10:00:00Z", status: "active" }),
    item({
      id: "00000000000000c1",
      user: "carol",
      profile: "prod",
      status: "revoked",
      server_instance_id: "srv-9",
      started_at: "2026-01-20T08:00:00Z",
      last_access_at: "2026-01-20T08:30:00.25Z",
      expires_at: "2026-01-20T20:00:00+02:00",
      created_at: "2026-01-20T08:00:00Z",
      updated_at: "2026-01-20T08:31:00Z",
      request_count: 7,
      source_identity: "sentinel:carol:direct:12345678",
      device_id: "dev-1",
      revoked_by: "admin",
      revoked_reason: "offboarding",
    }),
    item({ id: "00000000000000d1", user: "dave", created_at: "not a time" }),
    item({ id: "00000000000000e1", user: "erin", status: "active" }), // no created_at
    item({ id: "00000000000000e2", user: "erin", created_at: "2026-01-20T11:00:00Z", request_count: "many" }),
  ]);
  sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/AuditRole/alice.smith@example.com");
  process.env.AWS_ENDPOINT_URL_STS = sts.url;
});

afterAll(() => {
  delete process.env.AWS_ENDPOINT_URL_STS;
  sts.stop();
});

describe("no filter: the caller's own sessions", () => {
  test("asks STS who is calling and lists that user's sessions (assumed-role session name, sanitized)", async () => {
    const before = sts.requests;
    const result = await runInProcess(["server-sessions", "--table", table, "--output", "csv"], NOW);
    expect(result.code).toBe(0);
    expect(sts.requests).toBe(before + 1);
    expect(csvIds(result.stdout)).toEqual(["00000000000000a1", "00000000000000a2"]);
    expect(result.stderr).toContain('listing the sessions of user "alicesmithexamplecom"');
  });

  test("any filter turns the identity lookup off", async () => {
    const before = sts.requests;
    const result = await runInProcess(
      ["server-sessions", "--table", table, "--status", "active", "--output", "csv"],
      NOW,
    );
    expect(result.code).toBe(0);
    expect(sts.requests).toBe(before);
    expect(result.stdout.split("\n").length).toBe(4); // header, b1, a1, trailing newline
  });
});

describe("server-session", () => {
  test("human details with the revocation block", async () => {
    const result = await runInProcess(["server-session", "00000000000000c1", "--table", table], NOW);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`ID:              00000000000000c1
User:            carol
Profile:         prod
Status:          revoked
Server instance: srv-9
Started:         2026-01-20 08:00:00 UTC
Last access:     2026-01-20 08:30:00 UTC
Expires:         2026-01-20 18:00:00 UTC
Request count:   7
Source identity: sentinel:carol:direct:12345678
Device ID:       dev-1
Created:         2026-01-20 08:00:00 UTC
Updated:         2026-01-20 08:31:00 UTC

Revoked by:      admin
Revoked reason:  offboarding
`);
  });

  test("json has every field; device_id and revocation only when set", async () => {
    const full = await runInProcess(["server-session", "00000000000000c1", "--table", table, "--output", "json"], NOW);
    expect(JSON.parse(full.stdout)).toEqual({
      id: "00000000000000c1",
      user: "carol",
      profile: "prod",
      status: "revoked",
      server_instance_id: "srv-9",
      started_at: "2026-01-20T08:00:00Z",
      last_access_at: "2026-01-20T08:30:00.25Z",
      expires_at: "2026-01-20T18:00:00Z",
      request_count: 7,
      source_identity: "sentinel:carol:direct:12345678",
      device_id: "dev-1",
      revoked_by: "admin",
      revoked_reason: "offboarding",
      created_at: "2026-01-20T08:00:00Z",
      updated_at: "2026-01-20T08:31:00Z",
    });
    const bare = await runInProcess(["server-session", "00000000000000b1", "--table", table, "--format", "json"], NOW);
    expect(Object.keys(JSON.parse(bare.stdout))).not.toContainAnyValues(["device_id", "revoked_by", "revoked_reason"]);
  });

  test("not found is exit 1 with the id and table named", async () => {
    const result = await runInProcess(["server-session", "0000000000000fff", "--table", table], NOW);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `error: session "0000000000000fff" not found in table "${table}" (us-east-1): check the ID and --table\n`,
    );
  });

  test.each(["0123", "0123456789abcdeg", "0123456789abcdef0", "0123456789abcdeG"])(
    "invalid id %p is a usage error",
    async (id) => {
      const result = await runInProcess(["server-session", id, "--table", table], NOW);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `error: invalid session ID "${id}": an ID is 16 hex characters, e.g. 0123456789abcdef\n`,
      );
    },
  );

  test("an upper-case id is read as lower case", async () => {
    const upper = await runInProcess(["server-session", "00000000000000B1", "--table", table, "--output", "json"], NOW);
    const lower = await runInProcess(["server-session", "00000000000000b1", "--table", table, "--output", "json"], NOW);
    expect(upper.code).toBe(0);
    expect(JSON.parse(upper.stdout).id).toBe("00000000000000b1");
    expect(upper.stdout).toBe(lower.stdout);
  });

  test("a malformed item is exit 3 with a warning", async () => {
    const result = await runInProcess(["server-session", "00000000000000d1", "--table", table], NOW);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'warning: skipped 1 malformed session item(s): 00000000000000d1 (created_at "not a time": not an RFC 3339 timestamp)\n',
    );
  });
});

describe("malformed items in a listing", () => {
  test("good rows in full, then the warning, exit 3", async () => {
    const result = await runInProcess(
      ["server-sessions", "--table", table, "--until", "2026-02-01", "--output", "csv"],
      NOW,
    );
    expect(result.code).toBe(3);
    expect(csvIds(result.stdout)).toEqual([
      "00000000000000b1",
      "00000000000000a1",
      "00000000000000c1",
      "00000000000000a2",
    ]);
    expect(result.stderr).toBe(
      'warning: skipped 3 malformed session item(s): 00000000000000d1 (created_at "not a time": not an RFC 3339 timestamp), 00000000000000e1 (created_at: missing), 00000000000000e2 (request_count: not a number (S))\n',
    );
  });

  test("an item whose created_at cannot be a timestamp is reported through an index query too", async () => {
    const result = await runInProcess(["server-sessions", "--table", table, "--user", "dave", "--since", "7d"], NOW);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("No sessions found.\n");
    expect(result.stderr).toBe(
      'warning: skipped 1 malformed session item(s): 00000000000000d1 (created_at "not a time": not an RFC 3339 timestamp)\n',
    );
  });

  test("a malformed item ruled out by a readable filter field is not reported", async () => {
    const result = await runInProcess(["server-sessions", "--table", table, "--user", "bob", "--since", "7d"], NOW);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });
});
