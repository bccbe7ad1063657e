// Audit evidence through the binary (SPEC §8.2, §8.3): the manifest proves what
// stdout held; checkpointed runs tile time so an archive holds every session once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { putItems } from "../../scripts/session-table.ts";
import { endpoint, freshTable, item, testClient } from "../support/dynamo.ts";
import { startFakeSts } from "../support/fake-sts.ts";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { referenceNanos } from "../support/reference.ts";
import { BINARY, binaryEnv, runBinary } from "../support/run-binary.ts";

const DIR = mkdtempSync(join(tmpdir(), "sentinel-evidence-"));
const NOW = Date.now();
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const env = (extra: Record<string, string> = {}) => binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), ...extra });
const sha256 = (text: string) => createHash("sha256").update(Buffer.from(text)).digest("hex");

let table: string;
const sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Auditor/carol");
afterAll(() => sts.stop());

beforeAll(async () => {
  table = await freshTable("evidence", [
    item({ id: "00000000000000a1", user: "alice", status: "active", created_at: ago(3_600_000) }),
    item({ id: "00000000000000a2", user: "alice", status: "revoked", created_at: ago(86_400_000) }),
    item({ id: "00000000000000b1", user: "bob", profile: "=cmd", status: "active", created_at: ago(2 * 86_400_000) }),
    item({ id: "00000000000000c1", user: "carol", status: "expired", created_at: ago(9 * 86_400_000) }),
    item({ id: "00000000000000d1", user: "dave", created_at: "garbage" }),
  ]);
});

function manifestOf(path: string) {
  return JSON.parse(readFileSync(path, "utf8"));
}

describe("--manifest", () => {
  test.each(["csv", "json", "ndjson", "human"])("%s: sha256 and bytes are those of stdout", async (format) => {
    const path = join(DIR, `m-${format}.json`);
    const before = BigInt(Date.now()) * 1_000_000n;
    const args = ["server-sessions", "--table", table, "--since", "7d", "--output", format, "--manifest", path];
    const result = await runBinary(args, env({ AWS_ENDPOINT_URL_STS: sts.url }));
    const after = BigInt(Date.now()) * 1_000_000n;
    // The malformed item keeps the export at exit 3; the manifest is written all the same.
    expect(result.code).toBe(3);
    const m = manifestOf(path);
    expect(m.output.sha256).toBe(sha256(result.stdout));
    expect(m.output.bytes).toBe(Buffer.byteLength(result.stdout));
    expect(m.output.format).toBe(format);
    expect(m.exit_status).toBe(3);
    expect(m.malformed).toEqual({ count: 1, items: [expect.stringMatching(/^00000000000000d1/)] });
    expect(m.tool).toBe("sentinel");
    expect(m.command).toEqual(args);
    expect(m.table).toBe(table);
    expect(m.region).toBe("us-east-1");
    expect(m.endpoint).toBe(endpoint());
    expect(m.caller).toEqual({ arn: "arn:aws:sts::123456789012:assumed-role/Auditor/carol", account: "123456789012" });
    expect(m.filter).toEqual({ status: null, user: null, profile: null });
    // --since 7d resolved to absolute instants exactly 7 days apart, "now" within the run.
    const since = referenceNanos(m.window.since);
    const until = referenceNanos(m.window.until);
    expect(until - since).toBe(7n * 86_400n * 1_000_000_000n);
    expect(until >= before && until <= after).toBe(true);
    expect(m.matched).toBe(3);
    expect(m.rows).toBe(3);
    expect(m.items_read).toBeGreaterThanOrEqual(4);
    expect(m.truncated).toBe(false);
    expect(m.limit).toBe(format === "human" ? 100 : 0);
    expect(m.output.columns).toEqual(
      format === "human"
        ? ["id", "user", "profile", "status", "started_at", "last_access_at", "request_count"]
        : [
            "id",
            "user",
            "profile",
            "status",
            "started_at",
            "last_access_at",
            "expires_at",
            "request_count",
            "server_instance_id",
            "source_identity",
          ],
    );
    expect(new Date(m.finished_at).getTime()).toBeGreaterThanOrEqual(new Date(m.started_at).getTime());
  });

  test.each([
    [["--limit", "2"], true],
    [["--limit", "3"], false],
    [[], false],
  ])("with %p, truncated is true exactly when the note appears", async (extra, truncated) => {
    const path = join(DIR, `m-limit-${extra.join("")}.json`);
    const result = await runBinary(
      ["server-sessions", "--table", table, "--since", "7d", "--output", "csv", "--manifest", path, ...extra],
      env({ AWS_ENDPOINT_URL_STS: sts.url }),
    );
    expect(result.code).toBe(3);
    expect(result.stderr.includes("note: showing the")).toBe(truncated);
    const m = manifestOf(path);
    expect(m.truncated).toBe(truncated);
    expect(m.rows).toBe(truncated ? 2 : 3);
    expect(m.output.sha256).toBe(sha256(result.stdout));
  });

  test("STS failing: the export succeeds, caller is null, one warning line", async () => {
    const path = join(DIR, "m-nosts.json");
    const result = await runBinary(
      ["server-sessions", "--table", table, "--user", "alice", "--output", "csv", "--manifest", path],
      env({ AWS_ENDPOINT_URL_STS: "http://127.0.0.1:1" }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").length).toBe(4);
    const warnings = result.stderr.split("\n").filter((line) => line !== "");
    expect(warnings).toEqual([expect.stringMatching(/^warning: the manifest records no caller: cannot reach STS/)]);
    const m = manifestOf(path);
    expect(m.caller).toBeNull();
    expect(m.filter).toEqual({ status: null, user: "alice", profile: null });
    expect(m.exit_status).toBe(0);
  });

  test("an endpoint URL's password reaches neither the manifest nor stderr", async () => {
    const path = join(DIR, "m-password.json");
    const withPassword = endpoint().replace("http://", "http://auditor:hunter2@");
    const result = await runBinary(
      ["server-sessions", "--table", table, "--user", "alice", "--endpoint-url", withPassword, "--manifest", path],
      env({ AWS_ENDPOINT_URL_STS: sts.url }),
    );
    expect(result.code).toBe(0);
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain("hunter2");
    expect(result.stderr).not.toContain("hunter2");
    const m = JSON.parse(text);
    expect(m.endpoint).toBe(endpoint().replace("http://", "http://***@"));
    expect(m.command).toContain(endpoint().replace("http://", "http://***@"));
  });

  test("a failed export leaves an existing manifest byte-identical", async () => {
    const path = join(DIR, "m-failed.json");
    writeFileSync(path, "previous manifest\n");
    const result = await runBinary(
      [
        "server-sessions",
        "--table",
        table,
        "--since",
        "7d",
        "--manifest",
        path,
        "--endpoint-url",
        "http://127.0.0.1:1",
      ],
      env({ AWS_ENDPOINT_URL_STS: sts.url }),
    );
    expect(result.code).toBe(1);
    expect(readFileSync(path, "utf8")).toBe("previous manifest\n");
  });
});

describe("bad input for the evidence flags: one error line, nothing written", () => {
  const ckpt = join(DIR, "bad-input.ckpt");
  beforeAll(async () => {
    const first = await runBinary(
      ["server-sessions", "--table", table, "--checkpoint", ckpt, "--until", "2026-01-01", "--output", "ndjson"],
      env(),
    );
    expect(first.code).toBe(3); // the table holds one malformed item; exit 3 still records the window
    expect(existsSync(ckpt)).toBe(true);
  });

  test.each([
    [
      "--checkpoint with --limit 5",
      ["--checkpoint", join(DIR, "new.ckpt"), "--limit", "5"],
      2,
      "--checkpoint exports are complete",
    ],
    [
      "--since with an existing checkpoint",
      ["--checkpoint", ckpt, "--since", "1d"],
      2,
      "--since cannot be combined with an existing --checkpoint",
    ],
    [
      "--settle without --checkpoint",
      ["--settle", "1m", "--since", "1d"],
      2,
      "--settle applies only with --checkpoint",
    ],
    [
      "--settle not a duration",
      ["--checkpoint", join(DIR, "new.ckpt"), "--settle", "soon"],
      2,
      'invalid --settle "soon"',
    ],
    ["--manifest a directory", ["--since", "1d", "--manifest", DIR], 2, "cannot be written: is a directory"],
    [
      "--manifest in a missing folder",
      ["--since", "1d", "--manifest", join(DIR, "nope", "m.json")],
      2,
      "does not exist",
    ],
    ["another filter on the checkpoint", ["--checkpoint", ckpt, "--user", "bob"], 2, 'this run has --user "bob"'],
    [
      "--until before the checkpoint's next window",
      ["--checkpoint", ckpt, "--until", "2025-12-31"],
      2,
      "--until 2025-12-31T23:59:59.999999999Z is before the checkpoint's next window, which starts at 2026-01-02T00:00:00Z",
    ],
  ])("%s", async (_, extra, code, message) => {
    const before = readFileSync(ckpt, "utf8");
    const result = await runBinary(["server-sessions", "--table", table, "--output", "csv", ...extra], env());
    expect(result.code).toBe(code);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith("error: ");
    expect(result.stderr).toContain(message);
    expect(result.stderr.split("\n").length).toBe(2);
    expect(readFileSync(ckpt, "utf8")).toBe(before);
    expect(existsSync(join(DIR, "new.ckpt"))).toBe(false);
  });

  test("a checkpoint of another table is a usage error naming both tables", async () => {
    const other = await freshTable("evidence-other", []);
    const before = readFileSync(ckpt, "utf8");
    const result = await runBinary(
      ["server-sessions", "--table", other, "--checkpoint", ckpt, "--output", "ndjson"],
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: checkpoint "${ckpt}" does not fit this export: it is for table "${table}", not "${other}"; use the same table and filter, or another --checkpoint\n`,
    );
    expect(readFileSync(ckpt, "utf8")).toBe(before);
  });

  test("a file that is not a checkpoint is exit 1 and is never overwritten", async () => {
    for (const text of ["not json at all\n", '{"format":"something-else"}\n', "[]"]) {
      const path = join(DIR, "corrupt.ckpt");
      writeFileSync(path, text);
      const result = await runBinary(
        ["server-sessions", "--table", table, "--checkpoint", path, "--output", "ndjson"],
        env(),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: checkpoint ".*corrupt\.ckpt" is not (JSON|a sentinel checkpoint)/);
      expect(readFileSync(path, "utf8")).toBe(text);
    }
  });
});

describe("--checkpoint: consecutive runs export each session exactly once", () => {
  const at = (text: string, id: string) => item({ id, user: "u", status: "active", created_at: text });
  let archive: string[] = [];
  let tiles: string;
  const ckpt = join(DIR, "tiles.ckpt");

  async function runOnce(extra: string[]) {
    const result = await runBinary(
      ["server-sessions", "--table", tiles, "--checkpoint", ckpt, "--output", "ndjson", ...extra],
      env(),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    archive = archive.concat(
      result.stdout
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l).id),
    );
    return JSON.parse(readFileSync(ckpt, "utf8")).window_end as string;
  }

  test("five runs with sessions added between them, at window ends and inside --settle", async () => {
    tiles = await freshTable("evidence-tiles", [
      at("2025-12-31T23:59:59.999999999Z", "0000000000000001"),
      at("2026-01-01T00:00:00Z", "0000000000000002"), // exactly the first window end: run 1
      at("2026-01-01T02:00:00+02:00", "0000000000000003"), // the same instant with an offset: run 1
      at("2026-01-01T00:00:00.000000001Z", "0000000000000004"), // 1 ns later: run 2
      at("2020-06-01T00:00:00Z", "0000000000000005"),
    ]);
    expect(await runOnce(["--until", "2026-01-01T00:00:00Z"])).toBe("2026-01-01T00:00:00Z");

    await putItems(testClient(), tiles, [
      at("2026-01-02T00:00:00Z", "0000000000000006"), // the second window end: run 2
      at("2026-01-01T23:00:00-01:00", "0000000000000007"), // = 2026-01-02T00:00:00Z: run 2
      at("2026-01-02T00:00:00.000000001Z", "0000000000000008"), // run 3
      at("2025-12-31T12:00:00Z", "0000000000000009"), // behind a finished window: by design, never exported
    ]);
    expect(await runOnce(["--until", "2026-01-02"])).toBe("2026-01-02T23:59:59.999999999Z");

    // Exactly the third window end: run 3 takes it.
    await putItems(testClient(), tiles, [at("2026-01-03T00:00:00Z", "000000000000000a")]);
    expect(await runOnce(["--until", "2026-01-03T00:00:00Z"])).toBe("2026-01-03T00:00:00Z");

    // Run 4 ends at now - 5m (the default --settle): a session 1 minute old is left for run 5.
    await putItems(testClient(), tiles, [
      at(new Date(Date.now() - 3_600_000).toISOString(), "000000000000000b"),
      at(new Date(Date.now() - 60_000).toISOString(), "000000000000000c"),
    ]);
    const end4 = await runOnce([]);
    expect(archive).not.toContain("000000000000000c");
    expect(referenceNanos(end4) < referenceNanos(new Date(Date.now() - 299_000).toISOString())).toBe(true);

    await putItems(testClient(), tiles, [at(new Date(Date.now() - 30_000).toISOString(), "000000000000000d")]);
    const last = await runOnce(["--settle", "1s"]);

    // Every session created up to the last window end, from an independent scan, exactly once.
    const scanned = (await testClient().send(new ScanCommand({ TableName: tiles }))).Items ?? [];
    const expected = scanned
      .filter((i) => referenceNanos(i.created_at?.S as string) <= referenceNanos(last))
      .map((i) => i.id?.S as string)
      .filter((id) => id !== "0000000000000009")
      .sort();
    expect([...archive].sort()).toEqual(expected);
    expect(new Set(archive).size).toBe(archive.length);
    expect(expected).toContain("000000000000000c");
    expect(archive).not.toContain("0000000000000009");
    // Runs 1-3 had fixed ends: who took which boundary session is known exactly.
    expect(archive.slice(0, 4).sort()).toEqual([
      "0000000000000001",
      "0000000000000002",
      "0000000000000003",
      "0000000000000005",
    ]);
  });
});

describe("--checkpoint under interruption and concurrency", () => {
  let big: string;
  const stallAfterFirst = (n: number) => (n >= 2 ? "stall" : "pass");

  beforeAll(async () => {
    const items = Array.from({ length: 1_500 }, (_, i) =>
      item({
        id: i.toString(16).padStart(16, "0"),
        user: `user${i % 7}`,
        status: "active",
        created_at: new Date(Date.UTC(2026, 0, 10) + i * 60_000).toISOString(),
        padding: "p".repeat(1024),
      }),
    );
    big = await freshTable("evidence-big", items);
  });

  async function waitFor(condition: () => boolean) {
    while (!condition()) await Bun.sleep(20);
  }

  test("SIGINT mid-export leaves the checkpoint unchanged; the next run covers that window again", async () => {
    const ckpt = join(DIR, "interrupt.ckpt");
    const first = await runBinary(
      ["server-sessions", "--table", big, "--checkpoint", ckpt, "--until", "2026-01-10T12:00:00Z", "--output", "csv"],
      env(),
    );
    expect(first.code).toBe(0);
    const saved = readFileSync(ckpt, "utf8");
    const proxy = await startFaultProxy(endpoint(), stallAfterFirst);
    try {
      const args = [
        "server-sessions",
        "--table",
        big,
        "--checkpoint",
        ckpt,
        "--until",
        "2026-01-12",
        "--output",
        "csv",
      ];
      const child = Bun.spawn([BINARY, ...args, "--segments", "1", "--endpoint-url", proxy.url], {
        env: env(),
        stdout: "pipe",
        stderr: "pipe",
      });
      await waitFor(() => proxy.seen.length >= 2); // the first page is in, the second request hangs
      child.kill("SIGINT");
      expect(await child.exited).toBe(130);
      expect(readFileSync(ckpt, "utf8")).toBe(saved);
      expect(existsSync(`${ckpt}.lock`)).toBe(false);
      const again = await runBinary(args, env());
      expect(again.code).toBe(0);
      // 2026-01-10T12:00:01Z .. 2026-01-12T23:59:59.999999999Z holds minutes 721..1499 of the seeded series.
      expect(again.stdout.split("\n").length - 2).toBe(1_500 - 721);
    } finally {
      await proxy.stop();
    }
  });

  test("a second run on a checkpoint in use exits 1 naming the holder; a dead holder's lock is taken over", async () => {
    const ckpt = join(DIR, "busy.ckpt");
    const proxy = await startFaultProxy(endpoint(), stallAfterFirst);
    const run = ["server-sessions", "--table", big, "--checkpoint", ckpt, "--until", "2026-01-11", "--output", "csv"];
    const holder = Bun.spawn([BINARY, ...run, "--segments", "1"], {
      env: env({ AWS_ENDPOINT_URL_DYNAMODB: proxy.url }),
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      await waitFor(() => proxy.seen.length >= 2);
      const second = await runBinary(run, env());
      expect(second.code).toBe(1);
      expect(second.stderr).toBe(
        `error: checkpoint "${ckpt}" is in use by another export (pid ${holder.pid}): wait for it to finish\n`,
      );
    } finally {
      holder.kill("SIGINT");
      await holder.exited;
      await proxy.stop();
    }
    // A lock left by a process that no longer exists.
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    mkdirSync(DIR, { recursive: true });
    writeFileSync(`${ckpt}.lock`, `${dead.pid}\n`);
    const taken = await runBinary(
      ["server-sessions", "--table", big, "--checkpoint", ckpt, "--until", "2026-01-11", "--output", "csv"],
      env(),
    );
    expect(taken.code).toBe(0);
    expect(taken.stdout.split("\n").length - 2).toBe(1_500);
    expect(existsSync(`${ckpt}.lock`)).toBe(false);
    expect(JSON.parse(readFileSync(ckpt, "utf8")).window_end).toBe("2026-01-11T23:59:59.999999999Z");
  });
});
