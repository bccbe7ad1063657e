// Evidence that proves itself (SPEC §13) through the binary: checkpointed
// exports chained and signed with KMS (moto's server), appended to one
// archive, then checked by `sentinel verify` offline and through KMS, and
// every kind of tampering caught. Every signature the tests make is also
// checked here with node:crypto and the key from GetPublicKey, and every chain
// value against an independent SHA-256 of the manifest file: moto's DIGEST
// mode is wrong, so nothing is taken on the emulator's word.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient, SignCommand } from "@aws-sdk/client-kms";
import { putItems } from "../../scripts/session-table.ts";
import { endpoint, freshTable, item, testClient } from "../support/dynamo.ts";
import { startFakeSts } from "../support/fake-sts.ts";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { type RunningMoto, sharedMoto } from "../support/moto.ts";
import { BINARY, binaryEnv, runBinary, runIntoClosedPipe } from "../support/run-binary.ts";

const DIR = mkdtempSync(join(tmpdir(), "sentinel-signed-"));
const sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Archiver/ci");
let moto: RunningMoto;
let kms: KMSClient;
let table: string;
let rsaKey: string;
let eccKey: string;
const RUNS = 5;
const manifests: string[] = [];
const archive = join(DIR, "archive.ndjson");
const ckpt = join(DIR, "sessions.ckpt");

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");
const env = (extra: Record<string, string> = {}) =>
  binaryEnv({
    AWS_ENDPOINT_URL_DYNAMODB: endpoint(),
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ENDPOINT_URL_KMS: moto.endpoint,
    ...extra,
  });

async function createSigningKey(spec: "RSA_2048" | "ECC_NIST_P256"): Promise<string> {
  const made = await kms.send(new CreateKeyCommand({ KeyUsage: "SIGN_VERIFY", KeySpec: spec }));
  return made.KeyMetadata?.Arn as string;
}

/** The key's public half as DER SubjectPublicKeyInfo, as `aws kms get-public-key` gives it. */
async function publicKeyDer(keyId: string): Promise<Buffer> {
  const answer = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  return Buffer.from(answer.PublicKey as Uint8Array);
}

/** Checks a .sig file with node:crypto alone: the statement names the manifest, the signature is the key's. */
function independentlyValid(manifestPath: string, der: Buffer): boolean {
  const sig = JSON.parse(readFileSync(`${manifestPath}.sig`, "utf8"));
  const statement = `sentinel-manifest-v1\n${sha256(readFileSync(manifestPath))}\n`;
  if (sig.statement !== statement) return false;
  const key = createPublicKey({ key: der, format: "der", type: "spki" });
  const signature = Buffer.from(sig.signature, "base64");
  if (sig.signing_algorithm === "ECDSA_SHA_256") {
    return verify("sha256", Buffer.from(statement), { key, dsaEncoding: "der" }, signature);
  }
  expect(sig.signing_algorithm).toBe("RSASSA_PKCS1_V1_5_SHA_256");
  return verify("sha256", Buffer.from(statement), key, signature);
}

/** A daily checkpointed run of the archive (its manifest and key are added). */
const dailyRun: string[] = [];

let nextId = 0;
async function insertSessions(count: number) {
  const items = Array.from({ length: count }, () =>
    item({
      id: (0xa000 + nextId++).toString(16).padStart(16, "0"),
      user: "alice",
      status: "active",
      created_at: new Date(Date.now() - 1).toISOString(),
    }),
  );
  await putItems(testClient(), table, items);
}

/** One checkpointed, signed run appended to the archive, as a daily job does. */
async function archiveRun(index: number, key: string) {
  const manifest = join(DIR, `run-${index}.manifest.json`);
  const result = await runBinary([...dailyRun, "--manifest", manifest, "--sign-with", key], env());
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  appendFileSync(archive, result.stdout);
  return manifest;
}

beforeAll(async () => {
  moto = await sharedMoto();
  kms = new KMSClient({ endpoint: moto.endpoint, region: "us-east-1" });
  rsaKey = await createSigningKey("RSA_2048");
  eccKey = await createSigningKey("ECC_NIST_P256");
  writeFileSync(join(DIR, "rsa.der"), await publicKeyDer(rsaKey));
  writeFileSync(join(DIR, "ecc.der"), await publicKeyDer(eccKey));
  table = await freshTable("signed-evidence", []);
  dailyRun.push("server-sessions", "--table", table, "--checkpoint", ckpt, "--settle", "0s", "--output", "ndjson");
  writeFileSync(archive, "");
  for (let run = 0; run < RUNS; run++) {
    await insertSessions(3 + run);
    // Sessions created in this run's window, after the last one's end.
    await Bun.sleep(2);
    manifests.push(await archiveRun(run, rsaKey));
  }
}, 60_000);

afterAll(() => {
  sts.stop();
  kms?.destroy();
  rmSync(DIR, { recursive: true, force: true });
});

/** A shuffled copy of the manifests (fixed seed): verify takes them in window order itself. */
function shuffled(list: readonly string[]): string[] {
  const out = [...list];
  let seed = 7;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 48271) % 2147483647;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

describe("a signed, chained archive", () => {
  test("each manifest names the one before it by an independent SHA-256; the first names none", () => {
    const read = manifests.map((path) => JSON.parse(readFileSync(path, "utf8")));
    expect(read[0].previous_manifest_sha256).toBeNull();
    for (let i = 1; i < RUNS; i++) {
      expect(read[i].previous_manifest_sha256).toBe(sha256(readFileSync(manifests[i - 1] as string)));
      expect(read[i].kind).toBe("export");
      expect(read[i].source).toEqual({ kind: "table" });
    }
    const checkpoint = JSON.parse(readFileSync(ckpt, "utf8"));
    expect(checkpoint.last_manifest_sha256).toBe(sha256(readFileSync(manifests[RUNS - 1] as string)));
    // Every session inserted is in the archive exactly once.
    const ids = readFileSync(archive, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).id);
    expect(ids.length).toBe(nextId);
    expect(new Set(ids).size).toBe(nextId);
  });

  test("every signature verifies with node:crypto and the key from GetPublicKey", async () => {
    const der = readFileSync(join(DIR, "rsa.der"));
    for (const manifest of manifests) {
      expect(independentlyValid(manifest, der)).toBe(true);
      expect(JSON.parse(readFileSync(`${manifest}.sig`, "utf8")).key_id).toBe(rsaKey);
    }
  });

  test.each([
    ["--public-key (DER)", () => ["--public-key", join(DIR, "rsa.der")]],
    ["--kms", () => ["--kms"]],
  ])("verify of the shuffled manifests with --data archive is exit 0, %s", async (_, keyArgs) => {
    const result = await runBinary(
      ["verify", ...shuffled(manifests), "--data", archive, "--require-signature", ...keyArgs()],
      env(),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(RUNS);
    // In window order, whatever order they were given in.
    lines.forEach((line, i) => {
      expect(line).toStartWith(`ok      ${manifests[i]} `);
      expect(line).toContain(`signed by ${rsaKey}`);
    });
  });

  test("verify --output json reports each manifest ok with its window, rows and signer", async () => {
    const result = await runBinary(
      ["verify", ...manifests, "--data", archive, "--public-key", join(DIR, "rsa.der"), "--output", "json"],
      env(),
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    expect(report.manifests.map((m: { file: string }) => m.file)).toEqual(manifests);
    const rows = manifests.map((path) => JSON.parse(readFileSync(path, "utf8")).rows);
    expect(report.manifests.map((m: { rows: number }) => m.rows)).toEqual(rows);
    expect(report.manifests.every((m: { signed_by: string; problems: string[] }) => m.signed_by === rsaKey)).toBe(true);
  });

  test("a PEM public key works as well as DER", async () => {
    const pem = createPublicKey({ key: readFileSync(join(DIR, "rsa.der")), format: "der", type: "spki" }).export({
      format: "pem",
      type: "spki",
    });
    writeFileSync(join(DIR, "rsa.pem"), pem);
    const result = await runBinary(["verify", ...manifests, "--data", archive, "--public-key", join(DIR, "rsa.pem")]);
    expect(result.code).toBe(0);
  });
});

describe("tampering, each alone, is exit 5 naming the problem", () => {
  /** A copy of the evidence to spoil: manifests, their signatures and the archive. */
  function copyEvidence(name: string) {
    const dir = mkdtempSync(join(DIR, `${name}-`));
    const copies = manifests.map((path, i) => {
      const copy = join(dir, `run-${i}.manifest.json`);
      copyFileSync(path, copy);
      copyFileSync(`${path}.sig`, `${copy}.sig`);
      return copy;
    });
    const data = join(dir, "archive.ndjson");
    copyFileSync(archive, data);
    return { dir, manifests: copies, data };
  }

  async function verifyOf(copy: { manifests: string[]; data: string }, extra: string[] = []) {
    return runBinary(
      ["verify", ...copy.manifests, "--data", copy.data, "--public-key", join(DIR, "rsa.der"), ...extra],
      env(),
    );
  }

  test("one byte of the archive flipped, at 200 random positions: every one caught", async () => {
    const copy = copyEvidence("flip");
    const original = readFileSync(copy.data);
    const bounds: number[] = [];
    let end = 0;
    for (const path of manifests) {
      end += JSON.parse(readFileSync(path, "utf8")).output.bytes;
      bounds.push(end);
    }
    let seed = 20261203;
    for (let n = 0; n < 200; n++) {
      seed = (seed * 48271) % 2147483647;
      const at = seed % original.length;
      const spoilt = Buffer.from(original);
      spoilt[at] = (spoilt[at] as number) ^ (1 << (n % 8));
      writeFileSync(copy.data, spoilt);
      const result = await verifyOf(copy, ["--output", "json"]);
      expect(result.code).toBe(5);
      const report = JSON.parse(result.stdout);
      // Exactly the export that holds the byte fails, with "sha256 differs".
      const which = bounds.findIndex((b) => at < b);
      const failed = report.manifests.filter((m: { ok: boolean }) => !m.ok);
      expect(failed.map((m: { file: string }) => m.file)).toEqual([copy.manifests[which]]);
      expect(failed[0].problems).toEqual(["sha256 differs"]);
    }
  }, 120_000);

  test("bytes appended to the archive", async () => {
    const copy = copyEvidence("append");
    appendFileSync(copy.data, '{"id":"ffffffffffffffff"}\n');
    const result = await verifyOf(copy);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain("data after the last export: 26 bytes");
  });

  test("a reader that closes stdout before the report (| true) leaves the exit status 5, and 0 when all holds", async () => {
    const spoiled = copyEvidence("closed-early");
    appendFileSync(spoiled.data, "x");
    const statusOf = async (copy: { manifests: string[]; data: string }) =>
      (
        await runIntoClosedPipe(
          ["verify", ...copy.manifests, "--data", copy.data, "--public-key", join(DIR, "rsa.der")],
          env(),
        )
      ).code;
    expect(await statusOf(spoiled)).toBe(5);
    expect(await statusOf(copyEvidence("closed-early-ok"))).toBe(0);
  });

  test("the archive truncated", async () => {
    const copy = copyEvidence("truncate");
    truncateSync(copy.data, readFileSync(copy.data).length - 10);
    const result = await verifyOf(copy);
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(new RegExp(`FAILED  ${copy.manifests[RUNS - 1]}: size differs`));
  });

  test("the middle manifest removed (and its export cut out of the archive)", async () => {
    const copy = copyEvidence("removed");
    const sizes = manifests.map((path) => JSON.parse(readFileSync(path, "utf8")).output.bytes as number);
    const data = readFileSync(copy.data);
    const start = (sizes[0] as number) + (sizes[1] as number);
    writeFileSync(copy.data, Buffer.concat([data.subarray(0, start), data.subarray(start + (sizes[2] as number))]));
    const rest = copy.manifests.filter((_, i) => i !== 2);
    const result = await runBinary(["verify", ...rest, "--data", copy.data, "--public-key", join(DIR, "rsa.der")]);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain(`FAILED  ${copy.manifests[3]}: gap before run-3.manifest.json`);
    expect(result.stdout).toContain("chain broken at run-1.manifest.json");
  });

  test("two manifests swapped in content (with their signatures left in place)", async () => {
    const copy = copyEvidence("swapped");
    const [a, b] = [copy.manifests[1] as string, copy.manifests[2] as string];
    const [textA, textB] = [readFileSync(a), readFileSync(b)];
    writeFileSync(a, textB);
    writeFileSync(b, textA);
    const result = await verifyOf(copy);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain("signature invalid: its statement names another manifest");
  });

  test("a manifest edited with its .sig kept", async () => {
    const copy = copyEvidence("edited");
    const path = copy.manifests[1] as string;
    writeFileSync(path, readFileSync(path, "utf8").replace('"rows": ', '"rows": 1'));
    const result = await verifyOf(copy);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain(`FAILED  ${path}: signature invalid`);
  });

  test("a manifest damaged into something that is no manifest: FAILED naming it, the others still reported, the data not checked", async () => {
    const copy = copyEvidence("damaged");
    const path = copy.manifests[1] as string;
    // One byte: still a manifest to a reader, no longer JSON.
    writeFileSync(path, readFileSync(path, "utf8").replace('"rows": ', '"rows": x'));
    const result = await verifyOf(copy, ["--output", "json"]);
    expect(result.code).toBe(5);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.manifests).toHaveLength(RUNS);
    const damaged = report.manifests.find((m: { file: string }) => m.file === path);
    expect(damaged).toEqual({
      file: path,
      ok: false,
      window: null,
      rows: null,
      signed_by: null,
      problems: ["not a sentinel manifest (not JSON)"],
    });
    // Without it, the run after it follows a gap and breaks the chain.
    const after = report.manifests.find((m: { file: string }) => m.file === copy.manifests[2]);
    expect(after.problems.some((p: string) => p.startsWith("gap before"))).toBe(true);
    expect(after.problems.some((p: string) => p.startsWith("chain broken at run-0.manifest.json"))).toBe(true);
    expect(result.stderr).toContain("note: --data was not checked: run-1.manifest.json is no manifest");
    const human = await verifyOf(copy);
    expect(human.code).toBe(5);
    expect(human.stdout).toContain(`FAILED  ${path}: not a sentinel manifest (not JSON)`);
  });

  test("a .sig from another manifest", async () => {
    const copy = copyEvidence("other-sig");
    copyFileSync(`${copy.manifests[0]}.sig`, `${copy.manifests[3]}.sig`);
    const result = await verifyOf(copy);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain(`FAILED  ${copy.manifests[3]}: signature invalid`);
  });

  test("a signature made by another key", async () => {
    const copy = copyEvidence("other-key");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const sigPath = `${copy.manifests[2]}.sig`;
    const sig = JSON.parse(readFileSync(sigPath, "utf8"));
    const { sign } = await import("node:crypto");
    sig.signature = sign("sha256", Buffer.from(sig.statement), privateKey).toString("base64");
    writeFileSync(sigPath, JSON.stringify(sig));
    for (const keyArgs of [["--public-key", join(DIR, "rsa.der")], ["--kms"]]) {
      const result = await runBinary(["verify", ...copy.manifests, "--data", copy.data, ...keyArgs], env());
      expect(result.code).toBe(5);
      expect(result.stdout).toContain(`FAILED  ${copy.manifests[2]}: signature invalid`);
    }
  });

  test("a manifest edited and signed again with the forger's own KMS key: --signed-by refuses it, and a note names both keys", async () => {
    const copy = copyEvidence("re-signed");
    // The last run: no later manifest's chain names it.
    const path = copy.manifests[RUNS - 1] as string;
    writeFileSync(path, readFileSync(path, "utf8").replace('"rows": ', '"rows": 1'));
    const forgerKey = await createSigningKey("RSA_2048");
    const statement = `sentinel-manifest-v1\n${sha256(readFileSync(path))}\n`;
    const signed = await kms.send(
      new SignCommand({
        KeyId: forgerKey,
        Message: Buffer.from(statement),
        MessageType: "RAW",
        SigningAlgorithm: "RSASSA_PKCS1_V1_5_SHA_256",
      }),
    );
    const sig = JSON.parse(readFileSync(`${path}.sig`, "utf8"));
    writeFileSync(
      `${path}.sig`,
      JSON.stringify({
        ...sig,
        statement,
        key_id: forgerKey,
        signature: Buffer.from(signed.Signature as Uint8Array).toString("base64"),
      }),
    );
    // The forger's signature is a real one (checked here without KMS's word).
    expect(independentlyValid(path, await publicKeyDer(forgerKey))).toBe(true);
    const loose = await runBinary(["verify", ...copy.manifests, "--data", copy.data, "--kms"], env());
    expect(loose.stderr).toContain(
      `note: the signatures name 2 keys (${rsaKey}, ${forgerKey}): pass --signed-by KEY_ARN to accept one`,
    );
    const keyId = rsaKey.slice(rsaKey.lastIndexOf("/") + 1);
    for (const pinned of [rsaKey, keyId]) {
      const result = await runBinary(
        ["verify", ...copy.manifests, "--data", copy.data, "--kms", "--signed-by", pinned],
        env(),
      );
      expect(result.code).toBe(5);
      expect(result.stdout).toContain(`FAILED  ${path}: signature invalid: signed by ${forgerKey}, not ${pinned}`);
      expect(result.stdout.split("\n").filter((l) => l.startsWith("ok "))).toHaveLength(RUNS - 1);
    }
  });

  test("--signed-by requires a signature of every manifest; a key_id that is no KMS key ARN is invalid, not asked of KMS", async () => {
    const copy = copyEvidence("pinned");
    rmSync(`${copy.manifests[1]}.sig`);
    const crafted = `${copy.manifests[3]}.sig`;
    const keyId = rsaKey.slice(rsaKey.lastIndexOf("/") + 1);
    const sig = JSON.parse(readFileSync(crafted, "utf8"));
    writeFileSync(
      crafted,
      JSON.stringify({ ...sig, key_id: `arn:aws:kms:us-east-1:123456789012:key/evil:key/${keyId}` }),
    );
    const result = await runBinary(
      ["verify", ...copy.manifests, "--data", copy.data, "--kms", "--signed-by", keyId, "--output", "json"],
      env(),
    );
    expect(result.code).toBe(5);
    const report = JSON.parse(result.stdout);
    const problems = report.manifests.map((m: { problems: string[] }) => m.problems);
    expect(problems[1]).toEqual(["unsigned"]);
    expect(problems[3]).toEqual(["signature invalid: its key_id is not a KMS key ARN"]);
    expect(problems.filter((p: string[]) => p.length === 0)).toHaveLength(RUNS - 2);
    // The shape SPEC §13.3 gives, no more.
    for (const m of report.manifests) {
      expect(Object.keys(m).sort()).toEqual(["file", "ok", "problems", "rows", "signed_by", "window"]);
    }
    expect(Object.keys(report).sort()).toEqual(["manifests", "ok"]);
  });

  test("with --kms, a .sig naming a key KMS does not have is that manifest's invalid signature, and the others are still reported", async () => {
    const copy = copyEvidence("no-such-key");
    const crafted = `${copy.manifests[2]}.sig`;
    const sig = JSON.parse(readFileSync(crafted, "utf8"));
    // The signer's key ARN with one hex digit changed: a well-formed ARN of no key.
    const last = sig.key_id.at(-1);
    const ghost = `${sig.key_id.slice(0, -1)}${last === "0" ? "1" : "0"}`;
    writeFileSync(crafted, JSON.stringify({ ...sig, key_id: ghost }));
    const result = await runBinary(
      ["verify", ...copy.manifests, "--data", copy.data, "--kms", "--output", "json"],
      env(),
    );
    expect(result.code).toBe(5);
    const report = JSON.parse(result.stdout);
    expect(report.manifests).toHaveLength(RUNS);
    const problems = report.manifests.map((m: { problems: string[] }) => m.problems);
    expect(problems[2]).toHaveLength(1);
    expect(problems[2][0]).toStartWith(`signature invalid: KMS has no key ${ghost} in us-east-1`);
    expect(problems.filter((p: string[]) => p.length === 0)).toHaveLength(RUNS - 1);
  });

  test("file names in problems reach the terminal without control characters", async () => {
    const copy = copyEvidence("hostile-names");
    const hostile = join(copy.dir, "run-1\u001b[8m\nok      fake.json");
    copyFileSync(copy.manifests[1] as string, hostile);
    copyFileSync(`${copy.manifests[1]}.sig`, `${hostile}.sig`);
    rmSync(copy.manifests[1] as string);
    // Left out of the series: the manifest after it names the hostile file in its gap and chain problems.
    const rest = copy.manifests.filter((_, i) => i !== 1 && i !== 2);
    const result = await runBinary(["verify", hostile, ...rest, "--public-key", join(DIR, "rsa.der")], env());
    expect(result.code).toBe(5);
    expect(result.stdout).toContain("chain broken at run-1?[8m?ok      fake.json");
    expect(/\p{Cc}/u.test(result.stdout.replaceAll("\n", ""))).toBe(false);
    expect(result.stdout.split("\n").filter((l) => l.startsWith("ok      fake"))).toHaveLength(0);
  });

  test("--data read from a pipe: the size said is the bytes read", async () => {
    const copy = copyEvidence("pipe");
    const one = copy.manifests[0] as string;
    // bash's <(…) hands verify a pipe, whose size stat says is 0.
    const child = Bun.spawnSync(
      [
        "bash",
        "-c",
        'exec "$0" verify "$1" --data <(cat "$2") --public-key "$3"',
        BINARY,
        one,
        copy.data,
        join(DIR, "rsa.der"),
      ],
      { env: env() },
    );
    const bytes = JSON.parse(readFileSync(one, "utf8")).output.bytes as number;
    expect(child.exitCode).toBe(5);
    expect(child.stdout.toString()).toContain(
      `size differs: ${readFileSync(copy.data).length} bytes, the manifest says ${bytes}`,
    );
  });

  test("a series given from its second run verifies, with a note that it follows a manifest not given", async () => {
    const result = await runBinary(["verify", ...manifests.slice(1), "--public-key", join(DIR, "rsa.der")], env());
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `note: run-1.manifest.json follows a manifest not given (previous_manifest_sha256 ${sha256(readFileSync(manifests[0] as string)).slice(0, 12)}…): the chain is checked from there on; give the whole series to check it from its first run\n`,
    );
  });

  test("an unsigned manifest with --require-signature", async () => {
    const copy = copyEvidence("unsigned");
    rmSync(`${copy.manifests[4]}.sig`);
    expect((await verifyOf(copy)).code).toBe(0);
    const result = await verifyOf(copy, ["--require-signature"]);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain(`FAILED  ${copy.manifests[4]}: unsigned`);
  });

  test("a manifest from another table in the series", async () => {
    const other = await freshTable("signed-other", [
      item({ id: "00000000000000f1", user: "zed", created_at: "2026-01-01T00:00:00Z" }),
    ]);
    const stray = join(DIR, "stray.manifest.json");
    const result0 = await runBinary(
      ["server-sessions", "--table", other, "--since", "2026-01-01", "--output", "ndjson", "--manifest", stray],
      env(),
    );
    expect(result0.code).toBe(0);
    const result = await runBinary(["verify", ...manifests, stray, "--public-key", join(DIR, "rsa.der")], env());
    expect(result.code).toBe(5);
    expect(result.stdout).toContain(`another table than`);
  });
});

describe("signing that fails leaves the evidence as it was", () => {
  test.each([
    ["an unknown key", () => ({ key: "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000" })],
    ["access denied (through a proxy)", () => ({ key: rsaKey, denied: true })],
  ])("%s: exit 1, one error line; manifest, .sig and checkpoint byte-identical", async (_, setup) => {
    const { key, denied } = setup() as { key: string; denied?: boolean };
    const manifest = manifests[RUNS - 1] as string;
    const before = [readFileSync(manifest), readFileSync(`${manifest}.sig`), readFileSync(ckpt)];
    await insertSessions(2);
    const proxy = denied
      ? await startFaultProxy(moto.endpoint, (_n, target) => (target.endsWith(".Sign") ? "access-denied" : "pass"))
      : undefined;
    try {
      const result = await runBinary(
        [...dailyRun, "--manifest", manifest, "--sign-with", key],
        env(proxy === undefined ? {} : { AWS_ENDPOINT_URL_KMS: proxy.url }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toStartWith("error: ");
      expect(result.stderr).toContain(denied ? "access denied to KMS Sign" : "not found");
      expect(result.stderr.split("\n")).toHaveLength(2);
      expect([readFileSync(manifest), readFileSync(`${manifest}.sig`), readFileSync(ckpt)]).toEqual(before);
    } finally {
      await proxy?.stop();
    }
  });
});

describe("keys and algorithms", () => {
  test("an ECC_NIST_P256 key signs with ECDSA_SHA_256; node:crypto and verify agree", async () => {
    const manifest = join(DIR, "ecc.manifest.json");
    const result = await runBinary(
      [
        "server-sessions",
        "--table",
        table,
        "--since",
        "1d",
        "--output",
        "csv",
        "--manifest",
        manifest,
        "--sign-with",
        eccKey,
      ],
      env(),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(`${manifest}.sig`, "utf8")).signing_algorithm).toBe("ECDSA_SHA_256");
    expect(independentlyValid(manifest, readFileSync(join(DIR, "ecc.der")))).toBe(true);
    const data = join(DIR, "ecc.csv");
    writeFileSync(data, result.stdout);
    for (const keyArgs of [["--public-key", join(DIR, "ecc.der")], ["--kms"]]) {
      expect((await runBinary(["verify", manifest, "--data", data, ...keyArgs], env())).code).toBe(0);
    }
    // The RSA key's public half does not verify an ECDSA signature.
    expect((await runBinary(["verify", manifest, "--data", data, "--public-key", join(DIR, "rsa.der")])).code).toBe(5);
  });
});

describe("the audit's manifest", () => {
  test("verifies with --data; its report edited is exit 5", async () => {
    const trail = join(DIR, "trail");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(trail, { recursive: true });
    const manifest = join(DIR, "audit.manifest.json");
    const result = await runBinary(
      [
        "audit",
        "untracked-sessions",
        "--table",
        table,
        "--since",
        "1d",
        "--cloudtrail-logs",
        trail,
        "--output",
        "json",
        "--manifest",
        manifest,
        "--sign-with",
        rsaKey,
      ],
      env(),
    );
    expect(result.code).toBe(0);
    const m = JSON.parse(readFileSync(manifest, "utf8"));
    expect(m.kind).toBe("audit");
    expect(m.sources.events).toEqual({ kind: "logs", folder: trail });
    expect(m.output.sha256).toBe(sha256(result.stdout));
    expect(independentlyValid(manifest, readFileSync(join(DIR, "rsa.der")))).toBe(true);
    const report = join(DIR, "audit.json");
    writeFileSync(report, result.stdout);
    const ok = await runBinary(["verify", manifest, "--data", report, "--public-key", join(DIR, "rsa.der")]);
    expect(ok.code).toBe(0);
    writeFileSync(report, result.stdout.replace('"events": 0', '"events": 1'));
    const edited = await runBinary(["verify", manifest, "--data", report, "--public-key", join(DIR, "rsa.der")]);
    expect(edited.code).toBe(5);
    expect(edited.stdout).toContain("sha256 differs");
  });
});

describe("bad input to verify: one error line", () => {
  test.each([
    ["no manifest", () => ["verify"], 2, "verify needs a manifest"],
    ["a missing file", () => ["verify", join(DIR, "nope.json")], 1, "cannot read manifest"],
    [
      "--public-key that is not a key",
      () => ["verify", manifests[0] as string, "--public-key", archive],
      2,
      "is not a public key",
    ],
    [
      "--kms and --public-key together",
      () => ["verify", manifests[0] as string, "--kms", "--public-key", join(DIR, "rsa.der")],
      2,
      "give one of them",
    ],
    ["a .sig without a way to check it", () => ["verify", manifests[0] as string], 2, "cannot be checked"],
    [
      "--sign-with without --manifest",
      () => ["server-sessions", "--table", "t", "--since", "1d", "--output", "csv", "--sign-with", "k"],
      2,
      "add --manifest FILE",
    ],
  ])("%s", async (_, args, code, message) => {
    const result = await runBinary(args(), env());
    expect(result.code).toBe(code);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith("error: ");
    expect(result.stderr).toContain(message);
    expect(result.stderr.split("\n")).toHaveLength(2);
  });

  test("no AWS call is made without --kms (nothing answers at the KMS endpoint)", async () => {
    const result = await runBinary(
      ["verify", ...manifests, "--data", archive, "--public-key", join(DIR, "rsa.der")],
      env({ AWS_ENDPOINT_URL_KMS: "http://127.0.0.1:1", AWS_ENDPOINT_URL_STS: "http://127.0.0.1:1" }),
    );
    expect(result.code).toBe(0);
    expect(existsSync(archive)).toBe(true);
  });
});
