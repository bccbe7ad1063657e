// Checkpoints and manifests that cannot lose evidence (SPEC §8.2, §8.3): no
// window ends in the future, no two evidence files are one file, a linked
// checkpoint stays a link and shares one lock, a reused pid holds no lock.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { startFakeSts } from "../support/fake-sts.ts";
import { binaryEnv, runBinary, runInto, runIntoClosedPipe } from "../support/run-binary.ts";

const DIR = realpathSync(mkdtempSync(join(tmpdir(), "sentinel-ckpt-hardening-")));
const env = (extra: Record<string, string> = {}) => binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), ...extra });
const sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Auditor/carol");
afterAll(() => {
  sts.stop();
  rmSync(DIR, { recursive: true, force: true });
});

let table: string;
beforeAll(async () => {
  table = await freshTable("ckpt-hardening", [
    item({ id: "00000000000000a1", user: "alice", status: "active", created_at: "2026-01-05T10:00:00Z" }),
    item({ id: "00000000000000a2", user: "bob", status: "active", created_at: "2026-01-06T10:00:00.5+02:00" }),
  ]);
});

/** A checkpointed NDJSON export of the table. */
const checkpointExport = (ckpt: string) => [
  "server-sessions",
  "--table",
  table,
  "--checkpoint",
  ckpt,
  "--output",
  "ndjson",
];

/** A checkpoint file as sentinel writes it (docs/guide/commands.md, "Checkpoint file"). */
function checkpointText(windowEnd: string): string {
  const file = {
    format: "sentinel-checkpoint",
    version: 1,
    table,
    filter: { status: null, user: null, profile: null },
    window_end: windowEnd,
    updated_at: "2026-01-01T00:00:00.000Z",
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Field 22 of /proc/PID/stat: when the process started. */
function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] as string;
}

describe("a checkpointed window never ends in the future", () => {
  test("--until later than now minus --settle is a usage error naming both times; nothing is written", async () => {
    const ckpt = join(DIR, "future-until.ckpt");
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
    const result = await runBinary(
      ["server-sessions", "--table", table, "--checkpoint", ckpt, "--until", inAnHour, "--output", "ndjson"],
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith(`error: --until ${inAnHour} is later than now minus --settle (`);
    expect(result.stderr).toContain("a checkpointed window never ends in the future");
    expect(result.stderr.split("\n")).toHaveLength(2);
    expect(existsSync(ckpt)).toBe(false);
    expect(existsSync(`${ckpt}.lock`)).toBe(false);
  });

  test("a daily job's --until of today (its end is tonight) is refused; yesterday is taken", async () => {
    const ckpt = join(DIR, "daily.ckpt");
    const today = new Date().toISOString().slice(0, 10);
    const refused = await runBinary(
      ["server-sessions", "--table", table, "--checkpoint", ckpt, "--until", today, "--output", "csv"],
      env(),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--until ${today}T23:59:59.999999999Z is later than now minus --settle`);
    // The last UTC day that ended more than the default --settle (5m) ago: just after midnight, the day before.
    const yesterday = new Date(Date.now() - 86_400_000 - 6 * 60_000).toISOString().slice(0, 10);
    const taken = await runBinary(
      ["server-sessions", "--table", table, "--checkpoint", ckpt, "--until", yesterday, "--output", "csv"],
      env(),
    );
    expect(taken.code).toBe(0);
    expect(JSON.parse(readFileSync(ckpt, "utf8")).window_end).toBe(`${yesterday}T23:59:59.999999999Z`);
  });

  test("--settle counts: an --until 2 minutes ago is refused with --settle 5m and taken with --settle 1m", async () => {
    const ckpt = join(DIR, "settle.ckpt");
    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    const args = [
      "server-sessions",
      "--table",
      table,
      "--checkpoint",
      ckpt,
      "--until",
      twoMinutesAgo,
      "--output",
      "csv",
    ];
    const refused = await runBinary([...args, "--settle", "5m"], env());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("is later than now minus --settle");
    const taken = await runBinary([...args, "--settle", "1m"], env());
    expect(taken.code).toBe(0);
    expect(taken.stdout.split("\n").filter(Boolean)).toHaveLength(3); // header and both sessions
  });

  test("a first run whose --since is later than now minus --settle is a usage error naming both times; no manifest, no checkpoint", async () => {
    const ckpt = join(DIR, "late-since.ckpt");
    const manifest = join(DIR, "late-since.manifest.json");
    // A millisecond that ends in a nonzero digit: the message shows times with trailing zeros cut.
    const aMinuteAgo = new Date(Math.floor((Date.now() - 60_000) / 1000) * 1000 + 123).toISOString();
    const result = await runBinary(
      [
        "server-sessions",
        "--table",
        table,
        "--checkpoint",
        ckpt,
        "--since",
        aMinuteAgo,
        "--manifest",
        manifest,
        "--output",
        "ndjson",
      ],
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith(`error: --since ${aMinuteAgo.replace(/Z$/, "")}`);
    expect(result.stderr).toContain("is later than now minus --settle (");
    expect(result.stderr.split("\n")).toHaveLength(2);
    for (const file of [ckpt, manifest, `${ckpt}.lock`]) expect(existsSync(file)).toBe(false);
  });

  test("a checkpoint that ends later than now minus --settle is exit 1 saying so, and left as it is", async () => {
    const ckpt = join(DIR, "ahead.ckpt");
    const ahead = new Date(Date.now() + 86_400_000)
      .toISOString()
      .replace("Z", "000000Z")
      .replace(/(\.\d{9})\d*Z/, "$1Z");
    const text = checkpointText(ahead);
    writeFileSync(ckpt, text);
    const result = await runBinary(
      ["server-sessions", "--table", table, "--checkpoint", ckpt, "--output", "ndjson"],
      env(),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith(`error: checkpoint "${ckpt}" ends at `);
    expect(result.stderr).toContain("later than now minus --settle");
    expect(result.stderr).toContain("it is left as it is");
    expect(result.stderr.split("\n")).toHaveLength(2);
    expect(readFileSync(ckpt, "utf8")).toBe(text);
    expect(existsSync(`${ckpt}.lock`)).toBe(false);
  });
});

describe("--manifest, the checkpoint, its lock and stdout are four files", () => {
  /** A CSV export to `out` (as `> out`) with its manifest in `manifest`. */
  const exportWithManifest = (out: string, manifest: string) =>
    runInto(
      out,
      ["server-sessions", "--table", table, "--since", "2026-01-01", "--output", "csv", "--manifest", manifest],
      env(),
    );

  test.each([
    ["the checkpoint's lock", (c: string) => [`${c}.lock`, c], "--manifest and the checkpoint's lock"],
    ["the checkpoint", (c: string) => [c, c], "--manifest and --checkpoint"],
    ["the checkpoint through a link", (c: string) => [`${c}.alias`, c], "--manifest and --checkpoint"],
  ])("a manifest that is %s is a usage error naming the clash", async (_, names, clash) => {
    const ckpt = join(DIR, `clash-${Math.random().toString(16).slice(2)}.ckpt`);
    const first = await runBinary(
      ["server-sessions", "--table", table, "--checkpoint", ckpt, "--until", "2026-01-05", "--output", "csv"],
      env(),
    );
    expect(first.code).toBe(0);
    symlinkSync(ckpt, `${ckpt}.alias`);
    const saved = readFileSync(ckpt, "utf8");
    const [manifest, checkpoint] = names(ckpt) as [string, string];
    const result = await runBinary(
      [
        "server-sessions",
        "--table",
        table,
        "--checkpoint",
        checkpoint,
        "--manifest",
        manifest,
        "--until",
        "2026-01-07",
        "--output",
        "csv",
      ],
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `error: ${clash} are the same file: the export, its manifest (and signature), the checkpoint and its lock must be different files\n`,
    );
    expect(readFileSync(ckpt, "utf8")).toBe(saved);
    expect(existsSync(`${ckpt}.lock`)).toBe(false);
  });

  test("a manifest that is stdout's file (--manifest out.csv > out.csv) is a usage error; out.csv is not replaced", () => {
    const out = join(DIR, "out.csv");
    const result = exportWithManifest(out, out);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: --manifest and stdout are the same file: the export, its manifest (and signature), the checkpoint and its lock must be different files\n",
    );
    expect(readFileSync(out, "utf8")).toBe("");
  });

  test("a checkpoint that is stdout's file is a usage error, and the checkpoint survives", () => {
    const ckpt = join(DIR, "stdout.ckpt");
    const text = checkpointText("2026-01-01T00:00:00Z");
    writeFileSync(ckpt, text);
    // ">>" keeps the file's content, as an archive job appends.
    const child = runInto(ckpt, checkpointExport(ckpt), env(), "append");
    expect(child.code).toBe(2);
    expect(child.stderr).toContain("--checkpoint and stdout are the same file");
    expect(readFileSync(ckpt, "utf8")).toBe(text);
  });

  test("stdout that is the manifest's .sig is a usage error without --sign-with too: an unsigned run removes that file", () => {
    const manifest = join(DIR, "unsigned.manifest.json");
    const sig = `${manifest}.sig`;
    writeFileSync(sig, "rows appended before\n");
    const args = [
      "server-sessions",
      "--table",
      table,
      "--since",
      "2026-01-01",
      "--output",
      "csv",
      "--manifest",
      manifest,
    ];
    const child = runInto(sig, args, env(), "append");
    expect(child.code).toBe(2);
    expect(child.stderr).toBe(
      "error: the manifest's signature and stdout are the same file: the export, its manifest (and signature), the checkpoint and its lock must be different files\n",
    );
    expect(readFileSync(sig, "utf8")).toBe("rows appended before\n");
    expect(existsSync(manifest)).toBe(false);
  });

  test("a manifest beside stdout's file (other names) is written as before", () => {
    const out = join(DIR, "fine.csv");
    const manifest = join(DIR, "fine.manifest.json");
    const result = exportWithManifest(out, manifest);
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(manifest, "utf8")).output.bytes).toBe(readFileSync(out).length);
  });
});

describe("a checkpoint given through a symbolic link", () => {
  test("its target is updated, the link stays a link, and both names share one lock", async () => {
    mkdirSync(join(DIR, "data"), { recursive: true });
    const real = join(DIR, "data", "real.ckpt");
    const link = join(DIR, "link.ckpt");
    symlinkSync("data/real.ckpt", link); // dangling until the first run writes the target
    const run = (name: string, until: string) =>
      runBinary(
        ["server-sessions", "--table", table, "--checkpoint", name, "--until", until, "--output", "ndjson"],
        env(),
      );
    const first = await run(link, "2026-01-05T12:00:00Z");
    expect(first.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, "utf8")).window_end).toBe("2026-01-05T12:00:00Z");
    expect(first.stdout).toContain('"00000000000000a1"');

    // A live export holds the lock of the real file: a run through the link is refused.
    const lock = `${real}.lock`;
    writeFileSync(lock, `${process.pid} ${startTime(process.pid)}\n`);
    try {
      const refused = await run(link, "2026-01-06T23:00:00Z");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        `error: checkpoint "${link}" is in use by another export (pid ${process.pid}): wait for it to finish\n`,
      );
    } finally {
      rmSync(lock);
    }
    const second = await run(link, "2026-01-06T23:00:00Z");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('"00000000000000a2"');
    expect(second.stdout).not.toContain('"00000000000000a1"');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, "utf8")).window_end).toBe("2026-01-06T23:00:00Z");
    expect(existsSync(join(DIR, "link.ckpt.lock"))).toBe(false);
  });
});

describe("a lock and a manifest that name their process exactly", () => {
  test("a reader that closes stdout early (| head) leaves neither the lock nor a checkpoint behind", async () => {
    const ckpt = join(DIR, "closed-early.ckpt");
    const result = await runIntoClosedPipe(
      ["server-sessions", "--table", table, "--checkpoint", ckpt, "--until", "2026-02-01", "--output", "ndjson"],
      env(),
    );
    expect(result.code).toBe(0);
    expect(existsSync(ckpt)).toBe(false);
    expect(existsSync(`${ckpt}.lock`)).toBe(false);
  });

  test("a lock holding the pid of a live, unrelated process (another start time) is taken over", async () => {
    const ckpt = join(DIR, "reused-pid.ckpt");
    writeFileSync(`${ckpt}.lock`, `${process.pid} ${Number(startTime(process.pid)) + 17}\n`);
    const result = await runBinary(
      ["server-sessions", "--table", table, "--checkpoint", ckpt, "--until", "2026-01-07", "--output", "csv"],
      env(),
    );
    expect(result.code).toBe(0);
    expect(existsSync(`${ckpt}.lock`)).toBe(false);
    expect(JSON.parse(readFileSync(ckpt, "utf8")).window_end).toBe("2026-01-07T23:59:59.999999999Z");
  });

  test("the manifest's version is the --version line exactly", async () => {
    const manifest = join(DIR, "version.manifest.json");
    const version = await runBinary(["--version"]);
    const result = await runBinary(
      ["server-sessions", "--table", table, "--since", "2026-01-01", "--output", "csv", "--manifest", manifest],
      env({ AWS_ENDPOINT_URL_STS: sts.url }),
    );
    expect(result.code).toBe(0);
    expect(`${JSON.parse(readFileSync(manifest, "utf8")).version}\n`).toBe(version.stdout);
    expect(version.stdout).toMatch(/^sentinel \d+\.\d+\.\d+/);
  });

  test("--checkpoint with the human table is a usage error: an archive is csv, json or ndjson", async () => {
    const ckpt = join(DIR, "human.ckpt");
    for (const extra of [[], ["--output", "human"]]) {
      const result = await runBinary(["server-sessions", "--table", table, "--checkpoint", ckpt, ...extra], env());
      expect(result.code).toBe(2);
      expect(result.stderr).toBe("error: --checkpoint archives an export: use --output csv, json or ndjson\n");
    }
    expect(existsSync(ckpt)).toBe(false);
  });
});
