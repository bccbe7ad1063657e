// The playground of `make local`, and every example of the README, the guides and each command's
// --help run on it the way a new user runs them: `make local` on a free port, a shell with no AWS
// settings but the env file make local wrote, `sentinel` being dist/sentinel. Each example exits
// 0 unless its line says otherwise (`# exit 4 …`), and the README's and the guides' examples
// print rows: the sample holds what each of them names. `make local-stop` ends it at the end.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash, createPublicKey, verify } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetPublicKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { freePort } from "../../scripts/dynamodb-local.ts";
import { sampleSessions, sampleTrail } from "../../scripts/sample.ts";
import { SAMPLE_EXPORT_URI, SAMPLE_SIGNING_ALIAS, ttlDeletedSessions } from "../../scripts/sample-buckets.ts";
import { type Example, helpExamples, markdownExamples } from "../support/doc-examples.ts";
import {
  commandLine,
  inShell,
  make,
  type Playground,
  ROOT,
  run,
  startPlayground,
  userShellEnv,
} from "../support/playground.ts";
import { BINARY } from "../support/run-binary.ts";

const DOCS = ["README.md", "docs/guide/commands.md", "docs/guide/install.md"];
const text = (path: string) => readFileSync(join(ROOT, path), "utf8");
/** Markdown with its line breaks and list indentation as single spaces, for finding a phrase. */
const prose = (path: string) => text(path).replace(/\s+/g, " ");

/**
 * Examples not run, each with its reason: only those that need a real AWS account (a profile of
 * one, a GitHub Actions job). Every other example runs on the playground, KMS and S3 ones on its
 * moto, also those of the README's real-account block that name nothing the playground lacks
 * (the CI jobs are ```yaml blocks, which hold no example lines).
 */
const NEEDS_REAL_AWS: Record<string, string> = {
  "sentinel server-sessions --from-export s3://example-audit-exports/exports/AWSDynamoDB/01764547200000-a1b2c3d4 --since 30d --output csv > from-export.csv  # a point-in-time export in S3, no table read":
    "the README's real-account block: an export bucket of that account",
  "sentinel audit untracked-sessions --table sentinel-sessions --since 7d --cloudtrail-s3 s3://example-org-trail --validate-logs --output json > org-audit.json  # the trail's bucket; exit 4 on findings, 5 when the logs fail validation":
    "the README's real-account block: an organization trail's bucket of that account",
};

/** The caller the STS stand-in names, as the docs say. */
const CALLER = "arn:aws:sts::123456789012:assumed-role/sentinel-audit/alice";

const WORK = mkdtempSync(join(tmpdir(), "sentinel-playground-"));
let playground: Playground;
let decoy: ReturnType<typeof Bun.spawn>;
let examples = 0;
let archive = "";
/** Evidence as a daily signed job leaves it (the "Proving an archive" examples read it as evidence/). */
let evidence = "";
/** When make local began writing the sample: its one pending log file is named for that hour. */
let sampleMadeAt = 0;
/**
 * The stamps (`date -u +%Y%m%dT%H%M%SZ`) the daily job names its runs' files by, oldest first;
 * `$stamp` in an example is the last, as the guide's runs leave it, and verify --help names it.
 */
const STAMPS = ["20261126T021709Z", "20261127T021711Z", "20261128T021710Z"];

beforeAll(async () => {
  // A process whose command line names both processes of the playground: make local-stop must
  // leave it alone (it stops by recorded pid, not by name).
  decoy = Bun.spawn(
    ["python3", "-c", "import time; time.sleep(3600)", "DynamoDBLocal", "aws-stand-ins.ts", "moto.server"],
    {
      stdio: ["ignore", "ignore", "ignore"],
    },
  );
  sampleMadeAt = Date.now();
  playground = startPlayground(join(WORK, ".cache"), await freePort());
  // An earlier export, for the examples that audit against one (`--sessions-from archive.ndjson`).
  archive = (await sentinel(["sentinel", "server-sessions", "--since", "90d", "--output", "ndjson"])).stdout;
  evidence = await signedEvidence();
}, 240_000);

/**
 * Three checkpointed daily runs with their manifests, signed with `--sign-with
 * alias/sentinel-evidence` through the playground's KMS, the key's public half as `aws kms
 * get-public-key` gives it, and the day files joined into one archive.
 */
async function signedEvidence(): Promise<string> {
  const dir = join(WORK, "evidence");
  mkdirSync(dir);
  const kms = new KMSClient({
    endpoint: playground.record.moto.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const der = Buffer.from(
    (await kms.send(new GetPublicKeyCommand({ KeyId: SAMPLE_SIGNING_ALIAS }))).PublicKey as Uint8Array,
  );
  kms.destroy();
  writeFileSync(join(dir, "sentinel-evidence.der"), der);
  const untils = [new Date(Date.now() - 30 * 86_400_000), new Date(Date.now() - 86_400_000), undefined];
  const days: string[] = [];
  for (const [i, until] of untils.entries()) {
    const manifest = join(dir, `sessions-${STAMPS[i]}.manifest.json`);
    const run = await sentinel([
      "sentinel",
      "server-sessions",
      "--checkpoint",
      join(dir, "sessions.ckpt"),
      "--columns",
      "all",
      "--output",
      "ndjson",
      "--manifest",
      manifest,
      "--sign-with",
      SAMPLE_SIGNING_ALIAS,
      ...(until === undefined ? [] : ["--until", until.toISOString()]),
    ]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    writeFileSync(join(dir, `sessions-${STAMPS[i]}.ndjson`), run.stdout);
    days.push(run.stdout);
    // The signature checked here too, with node:crypto and the public key alone.
    const sig = JSON.parse(readFileSync(`${manifest}.sig`, "utf8"));
    const statement = `sentinel-manifest-v1\n${createHash("sha256").update(readFileSync(manifest)).digest("hex")}\n`;
    expect(sig.statement).toBe(statement);
    const key = createPublicKey({ key: der, format: "der", type: "spki" });
    expect(verify("sha256", Buffer.from(statement), key, Buffer.from(sig.signature, "base64"))).toBe(true);
  }
  writeFileSync(join(dir, "archive.ndjson"), days.join(""));
  return dir;
}

afterAll(() => {
  decoy.kill("SIGKILL");
  // Only if a test failed before make local-stop ran: the recorded pids, while they are still ours.
  const { dynamodb, standIns, moto } = playground?.record ?? {
    dynamodb: { pid: 0 },
    standIns: { pid: 0 },
    moto: { pid: 0, port: 0 },
  };
  for (const pid of [dynamodb.pid, standIns.pid]) {
    const line = pid === 0 ? undefined : commandLine(pid);
    if (line?.includes(WORK)) process.kill(pid, "SIGKILL");
  }
  if (moto.pid !== 0 && commandLine(moto.pid)?.includes(`moto.server -H 127.0.0.1 -p ${moto.port}`)) {
    process.kill(moto.pid, "SIGKILL");
  }
});

/**
 * A fresh folder as a user's working directory: the checkout's `.cache` and the files the examples
 * read. An example that writes evidence (`--checkpoint evidence/…`) gets an empty evidence/ of its own.
 */
function workingDirectory(words: string[]): string {
  const dir = join(WORK, `run-${++examples}`);
  mkdirSync(dir);
  symlinkSync(playground.dir, join(dir, ".cache"));
  // `--cloudtrail-logs ./trail` (as after `aws s3 sync`) and `--sessions-from archive.ndjson`.
  symlinkSync(join(playground.dir, "sample-trail"), join(dir, "trail"));
  writeFileSync(join(dir, "archive.ndjson"), archive);
  const writesEvidence = words.some((word, i) => words[i - 1] === "--checkpoint" && word.startsWith("evidence/"));
  if (writesEvidence) mkdirSync(join(dir, "evidence"));
  else if (evidence !== "") symlinkSync(evidence, join(dir, "evidence"));
  return dir;
}

/** Words with a `*` expanded in `cwd` as the shell would (sorted), or left as they are when nothing matches. */
function expandGlobs(words: string[], cwd: string): string[] {
  return words.flatMap((word) => {
    if (!word.includes("*")) return [word];
    const found = [...new Bun.Glob(word).scanSync({ cwd, followSymlinks: true })].sort();
    return found.length === 0 ? [word] : found;
  });
}

/** Runs a sentinel command line (words, `sentinel` first) as the user's shell would, in a fresh folder. */
async function sentinel(words: string[], options: { sourceEnv?: boolean; answer?: string } = {}) {
  const cwd = workingDirectory(words);
  const argv = [BINARY, ...expandGlobs(words.slice(1), cwd)];
  const result = await run(inShell(options.sourceEnv === false ? undefined : ".cache/local.env", argv), {
    cwd,
    env: userShellEnv(cwd),
    ...(options.answer === undefined ? {} : { answer: options.answer }),
  });
  return { ...result, cwd };
}

const csvRows = (stdout: string) => stdout.trimEnd().split("\n").slice(1);

/** The sample's last week audited, every event in the JSON report. */
const AUDIT_JSON = ["sentinel", "audit", "untracked-sessions", "--since", "7d", "--all-events", "--output", "json"];

/** The variables the env file exports, by name. */
function envSettings(): Record<string, string> {
  return Object.fromEntries(
    [...readFileSync(playground.envFile, "utf8").matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)].map((m) => [
      m[1] as string,
      m[2] as string,
    ]),
  );
}

test("make local writes local.env with dummy credentials, the region and the playground's endpoints, as the docs show", () => {
  expect(envSettings()).toEqual({
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${playground.port}`,
    AWS_ENDPOINT_URL_STS: playground.record.standIns.sts,
    AWS_ENDPOINT_URL_CLOUDTRAIL: playground.record.standIns.cloudtrail,
    AWS_ENDPOINT_URL_S3: playground.record.moto.endpoint,
    AWS_ENDPOINT_URL_KMS: playground.record.moto.endpoint,
    SENTINEL_SESSION_TABLE: "sentinel-sessions",
    SAMPLE_TRAIL_DIR: join(playground.dir, "sample-trail"),
    SAMPLE_EXPORT_DIR: join(playground.dir, "sample-export"),
    SAMPLE_SIGNING_KEY_ARN: expect.stringMatching(/^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]{36}$/),
  });
  expect(playground.record.moto.endpoint).toBe(`http://127.0.0.1:${playground.record.moto.port}`);
  expect(playground.record.standIns.sts).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(playground.record.standIns.cloudtrail).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  // The guide shows the same settings, and make local prints the dummy ones.
  const guide = text("docs/guide/commands.md");
  for (const line of [
    "export AWS_ACCESS_KEY_ID=local",
    "export AWS_SECRET_ACCESS_KEY=local",
    "export AWS_REGION=us-east-1",
    "export AWS_DEFAULT_REGION=us-east-1",
    "export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000",
    "export AWS_ENDPOINT_URL_STS=http://127.0.0.1:",
    "export AWS_ENDPOINT_URL_CLOUDTRAIL=http://127.0.0.1:",
    "export AWS_ENDPOINT_URL_S3=http://127.0.0.1:",
    "export AWS_ENDPOINT_URL_KMS=http://127.0.0.1:",
    "export SENTINEL_SESSION_TABLE=sentinel-sessions",
    "export SAMPLE_TRAIL_DIR=/…/.cache/sample-trail",
    "export SAMPLE_EXPORT_DIR=/…/.cache/sample-export",
    "export SAMPLE_SIGNING_KEY_ARN=arn:aws:kms:us-east-1:",
  ]) {
    expect(guide).toContain(line);
  }
  expect(playground.stdout).toContain("AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1");
});

test("with LOCAL_DIR, the sample's files are where local.env says, from a folder without .cache", async () => {
  const cwd = join(WORK, "elsewhere");
  mkdirSync(cwd);
  const script = 'source "$0" && exec "$1" audit untracked-sessions --since 7d --cloudtrail-logs "$SAMPLE_TRAIL_DIR"';
  const audit = await run(["/bin/bash", "-c", script, playground.envFile, BINARY], {
    cwd,
    env: userShellEnv(cwd),
  });
  expect({ code: audit.code, stderr: audit.stderr }).toEqual({ code: 4, stderr: "" });
  const listing = 'source "$0" && exec "$1" server-sessions --from-export "$SAMPLE_EXPORT_DIR/$2" --user victor';
  const folder = SAMPLE_EXPORT_URI.split("/").slice(3).join("/");
  const fromFolder = await run(["/bin/bash", "-c", listing, playground.envFile, BINARY, folder], {
    cwd,
    env: userShellEnv(cwd),
  });
  expect({ code: fromFolder.code, stderr: fromFolder.stderr }).toEqual({ code: 0, stderr: "" });
  expect(fromFolder.stdout).toContain("9f8e7d6c5b4a3921");
});

test("the guide's DynamoDB Local example needs the env file: without it there is no region, with it rows", async () => {
  const words = ["sentinel", "server-sessions", "--table", "sentinel-sessions", "--endpoint-url"];
  const local = [...words, `http://127.0.0.1:${playground.port}`, "--since", "1d", "--output", "csv"];
  const bare = await sentinel(local, { sourceEnv: false });
  expect(bare.code).toBe(2);
  expect(bare.stderr).toContain("region");
  const sourced = await sentinel(local);
  expect({ code: sourced.code, stderr: sourced.stderr }).toEqual({ code: 0, stderr: "" });
  expect(csvRows(sourced.stdout).length).toBeGreaterThan(0);
});

test("the sample: 2,009 sessions of the last 90 days as the README describes, no expired one ending ahead", async () => {
  const before = Date.now();
  const listed = await sentinel([
    "sentinel",
    "server-sessions",
    "--since",
    "91d",
    "--columns",
    "id,status,created_at,expires_at",
    "--output",
    "csv",
  ]);
  expect(listed.code).toBe(0);
  const rows = csvRows(listed.stdout).map((line) => line.split(","));
  // Expected from the generator that make local loaded, not from the listing.
  const sample = sampleSessions(new Date());
  expect(rows.length).toBe(2_009);
  expect(sample.length).toBe(2_009);
  expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(sample.map((s) => s.id?.S)));
  const statuses = (list: (string | undefined)[]) => {
    const counts: Record<string, number> = {};
    for (const status of list) counts[status as string] = (counts[status as string] ?? 0) + 1;
    return counts;
  };
  const expected = statuses(sample.map((s) => s.status?.S));
  expect(statuses(rows.map((r) => r[1]))).toEqual(expected);
  const readme = prose("README.md");
  expect(readme).toContain("2,009 sessions");
  expect(readme).toContain(`${(expected.expired as number).toLocaleString("en-US")} \`expired\``);
  expect(readme).toContain(`${expected.revoked} \`revoked\``);
  expect(readme).toContain(`${expected.active} \`active\``);
  expect(readme).toContain("40 users");
  expect(readme).toContain("30 profiles");
  expect(readme).toContain("90 days");
  const expired = rows.filter((r) => r[1] === "expired");
  expect(expired.length).toBeGreaterThan(1_000);
  expect(expired.filter((r) => Date.parse(r[3] as string) >= before)).toEqual([]);
  // Relative to now: the newest session began within the hour, the oldest within 90 days.
  const created = rows.map((r) => Date.parse(r[2] as string));
  expect(before - Math.max(...created)).toBeLessThan(3_600_000);
  expect(before - Math.min(...created)).toBeLessThan(90 * 86_400_000);
  expect(before - Math.min(...created)).toBeGreaterThan(89 * 86_400_000);
});

test("the STS stand-in answers the no-filter listing, --manifest's caller and server-revoke --dry-run", async () => {
  const own = await sentinel(["sentinel", "server-sessions", "--output", "csv"]);
  expect(own.code).toBe(0);
  expect(own.stderr).toContain('listing the sessions of user "alice" (the caller)');
  const alices = sampleSessions(new Date()).filter((s) => s.user?.S === "alice");
  expect(new Set(csvRows(own.stdout).map((line) => line.split(",")[0]))).toEqual(new Set(alices.map((s) => s.id?.S)));

  const exported = await sentinel(["sentinel", "server-sessions", "--since", "1d", "--manifest", "m.json"]);
  expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: "" });
  expect(JSON.parse(readFileSync(join(exported.cwd, "m.json"), "utf8")).caller).toEqual({
    arn: CALLER,
    account: "123456789012",
  });

  const dryRun = await sentinel([
    "sentinel",
    "server-revoke",
    "--user",
    "mallory",
    "--reason",
    "laptop stolen",
    "--dry-run",
    "--output",
    "json",
  ]);
  expect(dryRun.code).toBe(0);
  expect(JSON.parse(dryRun.stdout).sessions.map((s: Record<string, string>) => [s.id, s.result, s.revoked_by])).toEqual(
    [
      ["6d616c6c6f727901", "would_revoke", "alice"],
      ["6d616c6c6f727902", "would_revoke", "alice"],
      ["6d616c6c6f727903", "would_revoke", "alice"],
    ],
  );
});

test("the sample trail holds every audit category, from the logs and through the CloudTrail stand-in alike", async () => {
  // What each event was written to show, from the sample's own description of it.
  const intended = sampleTrail(sampleSessions(new Date()), new Date()).categories;
  const counts: Record<string, number> = {};
  for (const category of intended.values()) counts[category] = (counts[category] ?? 0) + 1;
  for (const category of ["tracked", "untracked", "orphaned", "mismatch", "denied", "service"]) {
    expect(counts[category] ?? 0).toBeGreaterThan(0);
  }
  for (const words of [[...AUDIT_JSON, "--cloudtrail-logs", ".cache/sample-trail"], AUDIT_JSON]) {
    const result = await sentinel(words);
    expect({ words, code: result.code, stderr: result.stderr }).toEqual({ words, code: 4, stderr: "" });
    const report = JSON.parse(result.stdout) as { summary: Record<string, number>; findings: Record<string, string>[] };
    expect(new Map(report.findings.map((f) => [f.event_id, f.category]))).toEqual(intended);
    expect(report.summary).toEqual({ events: intended.size, ...counts });
  }
  const readme = prose("README.md");
  expect(readme).toContain(`${intended.size} AssumeRole events`);
  for (const [category, count] of Object.entries(counts)) expect(readme).toContain(`${count} \`${category}\``);
});

test("the sample export holds the table's sessions and the 12 TTL deleted since, in the bucket and the folder alike", async () => {
  const folder = `.cache/sample-export/${SAMPLE_EXPORT_URI.split("/").slice(3).join("/")}`;
  const list = ["sentinel", "server-sessions", "--since", "200d", "--columns", "id,user", "--output", "csv"];
  const fromBucket = await sentinel([...list, "--from-export", SAMPLE_EXPORT_URI]);
  const fromFolder = await sentinel([...list, "--from-export", folder]);
  expect({ code: fromBucket.code, stderr: fromBucket.stderr }).toEqual({ code: 0, stderr: "" });
  expect(fromFolder).toMatchObject({ code: 0, stderr: "", stdout: fromBucket.stdout });
  // Expected from the generators make local used, not from a listing.
  const deleted = ttlDeletedSessions(new Date()).map((s) => s.id?.S);
  expect(deleted.length).toBe(12);
  expect(deleted).toContain("9f8e7d6c5b4a3921");
  const expected = [...sampleSessions(new Date()).map((s) => s.id?.S), ...deleted];
  const ids = csvRows(fromBucket.stdout).map((line) => line.split(",")[0]);
  expect(ids.length).toBe(expected.length);
  expect(new Set(ids)).toEqual(new Set(expected));
  // The table no longer holds them.
  const gone = await sentinel(["sentinel", "server-session", "9f8e7d6c5b4a3921"]);
  expect(gone.code).toBe(1);
  const kept = await sentinel(["sentinel", "server-session", "9f8e7d6c5b4a3921", "--from-export", SAMPLE_EXPORT_URI]);
  expect(kept.code).toBe(0);
  expect(kept.stdout).toContain("sentinel:victor:direct:3c2b1a09");
  for (const path of ["README.md", "docs/guide/commands.md"]) {
    expect(prose(path)).toContain("12 sessions that TTL has deleted from the table since");
  }
});

test("the trail bucket gives the sample's categories, and its logs validate: only a file of this hour is pending", async () => {
  const intended = sampleTrail(sampleSessions(new Date()), new Date()).categories;
  const result = await sentinel([...AUDIT_JSON, "--cloudtrail-s3", "s3://sample-trail", "--validate-logs"]);
  expect(result.code).toBe(4);
  const report = JSON.parse(result.stdout) as {
    findings: Record<string, string>[];
    integrity: {
      digests: number;
      digests_valid: number;
      log_files: number;
      log_files_valid: number;
      problems: { kind: string; key: string }[];
    };
  };
  expect(new Map(report.findings.map((f) => [f.event_id, f.category]))).toEqual(intended);
  const { integrity } = report;
  // 8 days of hourly digests; those delivered from since - 1h on are read, every one valid.
  expect(integrity.digests).toBeGreaterThanOrEqual(7 * 24);
  expect(integrity.digests_valid).toBe(integrity.digests);
  const hourStart = new Date(Math.floor(sampleMadeAt / 3_600_000) * 3_600_000).toISOString();
  const stampOf = (key: string) => /_(\d{8}T\d{4})Z_/.exec(key)?.[1] ?? "";
  const thisHour = `${hourStart.slice(0, 4)}${hourStart.slice(5, 7)}${hourStart.slice(8, 10)}T${hourStart.slice(11, 13)}00`;
  for (const problem of integrity.problems) {
    expect(problem.kind).toBe("log_pending");
    expect(stampOf(problem.key) >= thisHour).toBe(true);
  }
  expect(integrity.problems.length).toBeLessThanOrEqual(1);
  expect(integrity.log_files_valid + integrity.problems.length).toBe(integrity.log_files);
  expect(result.stderr).toContain(
    `integrity: ${integrity.digests} of ${integrity.digests} digests valid, ${integrity.log_files_valid} of ${integrity.log_files} log files valid, 0 problems`,
  );
});

test("an archive and the export: the session of the orphaned event is found, every other category stays", async () => {
  const intended = sampleTrail(sampleSessions(new Date()), new Date()).categories;
  const expected = new Map([...intended].map(([id, category]) => [id, category === "orphaned" ? "tracked" : category]));
  expect([...intended.values()].filter((c) => c === "orphaned").length).toBe(1);
  const result = await sentinel([
    ...AUDIT_JSON,
    "--cloudtrail-logs",
    ".cache/sample-trail",
    "--sessions-from",
    "archive.ndjson",
    "--sessions-from",
    SAMPLE_EXPORT_URI,
  ]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 4, stderr: "" });
  const report = JSON.parse(result.stdout) as { findings: Record<string, string>[] };
  expect(new Map(report.findings.map((f) => [f.event_id, f.category]))).toEqual(expected);
});

test("make install PREFIX=DIR copies dist/sentinel to DIR/bin (default /usr/local), as the README's Try it does", async () => {
  const prefix = join(WORK, "prefix");
  const installed = make(["install", `PREFIX=${prefix}`]);
  expect(installed.code).toBe(0);
  const target = join(prefix, "bin", "sentinel");
  expect(statSync(target).mode & 0o777).toBe(0o755);
  expect(Buffer.compare(readFileSync(target), readFileSync(BINARY))).toBe(0);
  const version = await run([target, "--version"], { cwd: WORK, env: userShellEnv(WORK) });
  expect(version.code).toBe(0);
  expect(version.stdout).toMatch(/^sentinel \d+\.\d+\.\d+ /);
  expect(make(["-n", "install"]).stdout).toContain('scripts/install.ts "/usr/local"');
  expect(text("README.md").split("## Try it")[1]?.split("\n## ")[0]).toContain("make install PREFIX=~/.local");
});

// The examples, in the order of the docs: the incident-response ones revoke what they name, and
// the verification after them shows it revoked.
const docExamples = DOCS.flatMap((path) => markdownExamples(path, text(path)));
const allExamples = [...docExamples, ...helpExamples()];

/** The status an example documents on its line, else 0; --help examples cannot say theirs. */
function expectedStatus(example: Example): number {
  const documented = /exit (\d+)/.exec(example.comment);
  if (documented !== null) return Number(documented[1]);
  // The sample trail has findings up to 30 minutes before make local: an audit up to now exits 4.
  if (example.words[1] === "audit" && !example.words.includes("--until")) return 4;
  return 0;
}

/** Whether stdout holds at least one data row in the example's format. */
function hasRows(words: string[], stdout: string): boolean {
  const at = Math.max(words.indexOf("--output"), words.indexOf("--format"));
  const format = at === -1 ? "human" : words[at + 1];
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  if (format === "csv") return lines.length >= 2;
  if (format === "ndjson") return lines.length >= 1;
  if (format === "json") {
    const value = JSON.parse(stdout) as { sessions?: unknown[]; findings?: unknown[]; id?: unknown };
    const list = value.sessions ?? value.findings;
    return list === undefined ? typeof value.id === "string" : list.length > 0;
  }
  return lines.length >= 2 && !/^No (sessions found|findings)\./m.test(stdout);
}

const ROW_COMMANDS = ["server-sessions", "server-session", "server-revoke", "audit"];

test("the docs hold examples to run, of every command and of the seeding script", () => {
  expect(docExamples.length).toBeGreaterThan(30);
  for (const command of [...ROW_COMMANDS, "completion", "--version"]) {
    expect(docExamples.some((e) => e.words[0] === "sentinel" && e.words[1] === command)).toBe(true);
  }
  expect(docExamples.some((e) => e.words[1] === "scripts/seed.ts")).toBe(true);
  for (const flag of [
    "--from-export",
    "--cloudtrail-s3",
    "--validate-logs",
    "--sessions-from",
    "--sign-with",
    "--kms",
  ]) {
    expect(docExamples.some((e) => e.words.includes(flag))).toBe(true);
  }
  expect(allExamples.some((e) => e.source.endsWith("--help"))).toBe(true);
  for (const line of Object.keys(NEEDS_REAL_AWS)) expect(allExamples.map((e) => e.line)).toContain(line);
});

test.each(allExamples.filter((e) => !(e.line in NEEDS_REAL_AWS)).map((e) => [`${e.source}: ${e.line}`, e]))(
  "%s",
  async (_, value) => {
    const example = value as Example;
    // The examples name DynamoDB Local at :8000 (make local's default); this one is on its own port.
    // A variable of the env file ("$AWS_ENDPOINT_URL_DYNAMODB"), and the $stamp of the guide's
    // evidence runs, are expanded as the user's shell would.
    const settings: Record<string, string> = { ...envSettings(), stamp: STAMPS[STAMPS.length - 1] as string };
    const words = example.words.map((w) =>
      w
        .replace(/^http:\/\/(127\.0\.0\.1|localhost):8000$/, `http://127.0.0.1:${playground.port}`)
        .replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (variable, name: string) => settings[name] ?? variable),
    );
    if (words[0] !== "sentinel") {
      // The seeding script, from the checkout, with the env file sourced; fewer sessions, for time.
      const at = words.indexOf("--count");
      if (at !== -1) words[at + 1] = "500";
      const seeded = await run(inShell(playground.envFile, [join(ROOT, "node_modules/.bin/bun"), ...words.slice(1)]), {
        cwd: ROOT,
        env: userShellEnv(WORK),
      });
      expect({ code: seeded.code, seeded: seeded.stderr.startsWith("seeded 500 sessions") }).toEqual({
        code: 0,
        seeded: true,
      });
      return;
    }
    // A selection revoked without --yes asks first, on a terminal: answered yes there.
    const asks =
      words[1] === "server-revoke" &&
      !words.includes("--yes") &&
      !words.includes("--dry-run") &&
      ["--user", "--profile", "--server-instance"].some((flag) => words.includes(flag));
    const result = await sentinel(words, asks ? { answer: "y" } : {});
    const status = expectedStatus(example);
    expect({ code: result.code, stderr: result.code === status ? "" : result.stderr }).toEqual({
      code: status,
      stderr: "",
    });
    if (!example.source.endsWith("--help")) {
      expect(result.stderr).not.toContain("warning:");
      if (ROW_COMMANDS.includes(words[1] as string)) {
        expect({ rows: hasRows(words, result.stdout), stdout: result.stdout }).toMatchObject({ rows: true });
      }
    }
  },
);

test("make local-stop stops exactly the DynamoDB Local, the stand-ins and moto make local started", () => {
  const { dynamodb, standIns, moto } = playground.record;
  expect(commandLine(dynamodb.pid)).toContain("DynamoDBLocal");
  expect(commandLine(standIns.pid)).toContain("aws-stand-ins.ts");
  expect(commandLine(moto.pid)).toContain(`moto.server -H 127.0.0.1 -p ${moto.port}`);
  const stopped = make(["local-stop", `LOCAL_DIR=${playground.dir}`]);
  expect(stopped.code).toBe(0);
  expect(stopped.stdout).toContain(`stopped DynamoDB Local on port ${playground.port} (pid ${dynamodb.pid})`);
  expect(stopped.stdout).toContain(`stopped the STS and CloudTrail stand-ins (pid ${standIns.pid})`);
  expect(stopped.stdout).toContain(`stopped moto (S3 and KMS) on port ${moto.port} (pid ${moto.pid})`);
  expect(commandLine(dynamodb.pid)).toBeUndefined();
  expect(commandLine(standIns.pid)).toBeUndefined();
  expect(commandLine(moto.pid)).toBeUndefined();
  // The process named like all three is still there.
  expect(decoy.exitCode).toBeNull();
  expect(commandLine(decoy.pid)).toContain("DynamoDBLocal aws-stand-ins.ts moto.server");
  expect(() => statSync(playground.envFile)).toThrow();
});
