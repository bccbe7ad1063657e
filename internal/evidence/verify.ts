// `sentinel verify` (SPEC §13.3): manifests checked against their data, each
// other (the chain and the tiling of windows) and their signatures, offline
// unless the signature check given reaches KMS.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { SentinelError, UsageError } from "../aws/errors.ts";
import { keyIdOfArn } from "../aws/kms-key-arn.ts";
import { quotedPath } from "../aws/quoted-path.ts";
import type { VerifyRow } from "../output/verify-report.ts";
import { addNanos, compareInstants, formatNano, type Instant, parseTimestamp } from "../timefilter/instant.ts";
import { signaturePath } from "./evidence-files.ts";
import { parseSignatureFile, type SignatureFile, statementDigest } from "./signature.ts";

/**
 * Whether a signature verifies: true, false, or why it cannot be the key's
 * (e.g. KMS has no key of that ARN), said after "signature invalid: ".
 */
export type SignatureCheck = (statement: Uint8Array, signature: SignatureFile) => Promise<boolean | string>;

export type VerifyOptions = {
  /** The export (one manifest) or the appended archive (a series). */
  data?: string;
  /** How signatures are checked (--public-key or --kms); undefined: none can be. */
  check?: SignatureCheck;
  requireSignature: boolean;
  /**
   * --signed-by: the key every signature must name (its ARN, or the key id in
   * it); a signature naming another key is invalid, whatever it verifies with.
   */
  signedBy?: string;
};

/** What verify says of one manifest (the rows of its report). */
export type ManifestReport = VerifyRow & { problems: string[] };

/** `notes`: what holds but is worth saying (a series that starts after a manifest not given, several signers). */
export type VerifyReport = { ok: boolean; manifests: ManifestReport[]; notes: string[] };

/** A manifest as read: its bytes' SHA-256 and the fields verify compares. */
type Manifest = {
  path: string;
  sha256: string;
  kind: "export" | "audit";
  table: unknown;
  filter: unknown;
  format: unknown;
  columns: unknown;
  since: Instant | undefined;
  until: Instant | undefined;
  sinceText: string | null;
  untilText: string | null;
  rows: number | null;
  bytes: number;
  outputSha256: string;
  previous: string | null | undefined;
  report: ManifestReport;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Reads a manifest; an unreadable file is exit 1. A file that is not a
 * sentinel manifest (a byte of one edited into something else, or another
 * file given) is evidence that fails: the report of it, FAILED.
 */
function readManifest(path: string): Manifest | ManifestReport {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SentinelError(
      `cannot read manifest ${quotedPath(path)} (${(error as NodeJS.ErrnoException).code ?? "error"}): check the path and its permissions`,
    );
  }
  const notManifest = (why: string): ManifestReport => ({
    file: path,
    ok: false,
    window: null,
    rows: null,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    signedBy: null,
    problems: [`not a sentinel manifest (${why})`],
  });
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return notManifest("not JSON");
  }
  if (!isObject(json) || json.tool !== "sentinel") return notManifest('no "tool": "sentinel"');
  const output = json.output;
  if (
    !isObject(output) ||
    !Number.isSafeInteger(output.bytes) ||
    (output.bytes as number) < 0 ||
    typeof output.sha256 !== "string"
  ) {
    return notManifest('no "output" with "bytes" and "sha256"');
  }
  const kind = json.kind === "audit" ? "audit" : "export";
  if (json.window !== undefined && !isObject(json.window)) return notManifest('a "window" that is not an object');
  const window = isObject(json.window) ? json.window : {};
  for (const end of ["since", "until"] as const) {
    const value = window[end];
    if (value !== undefined && value !== null && typeof value !== "string") {
      return notManifest(`a window "${end}" that is neither a time nor null`);
    }
  }
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  const sinceText = text(window.since);
  const untilText = text(window.until);
  const since = sinceText === null ? undefined : parseTimestamp(sinceText);
  const until = untilText === null ? undefined : parseTimestamp(untilText);
  if ((sinceText !== null && since === undefined) || (untilText !== null && until === undefined)) {
    return notManifest("a window time that is not RFC 3339");
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const rows = Number.isSafeInteger(json.rows) ? (json.rows as number) : null;
  const previous = json.previous_manifest_sha256;
  return {
    path,
    sha256,
    kind,
    table: json.table,
    filter: json.filter,
    format: output.format,
    columns: output.columns,
    since,
    until,
    sinceText,
    untilText,
    rows,
    bytes: output.bytes as number,
    outputSha256: output.sha256,
    previous: typeof previous === "string" || previous === null ? previous : undefined,
    report: {
      file: path,
      ok: true,
      window: json.window === undefined ? null : { since: sinceText, until: untilText },
      rows,
      sha256,
      signedBy: null,
      problems: [],
    },
  };
}

/** Window order: an open start first, then by start, then by end. */
function byWindow(a: Manifest, b: Manifest): number {
  if (a.since === undefined || b.since === undefined) {
    if (a.since === undefined && b.since === undefined) {
      return a.until === undefined || b.until === undefined ? 0 : compareInstants(a.until, b.until);
    }
    return a.since === undefined ? -1 : 1;
  }
  return compareInstants(a.since, b.since) || compareInstants(a.until ?? a.since, b.until ?? b.since);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The chain and the tiling of a series in window order (SPEC §13.1, §13.3). */
function checkSeries(series: Manifest[]): void {
  for (let i = 1; i < series.length; i++) {
    const [before, m] = [series[i - 1] as Manifest, series[i] as Manifest];
    const name = basename(before.path);
    const problems = m.report.problems;
    if (!same(m.table, before.table)) problems.push(`another table than ${name} (${JSON.stringify(m.table)})`);
    if (!same(m.filter, before.filter)) problems.push(`another filter than ${name}`);
    if (!same(m.format, before.format) || !same(m.columns, before.columns)) {
      problems.push(`another format or columns than ${name}`);
    }
    // Window order puts an open start first: a second one starts where the first did.
    if (before.until === undefined || m.since === undefined) problems.push(`overlap with ${name}`);
    else {
      const next = addNanos(before.until, 1);
      const order = compareInstants(m.since, next);
      if (order > 0) {
        const last = formatNano(addNanos(m.since, -1));
        problems.push(`gap before ${basename(m.path)}: nothing covers ${formatNano(next)} to ${last}`);
      }
      if (order < 0) problems.push(`overlap with ${name}`);
    }
    if (m.previous === undefined) {
      problems.push(
        `chain broken at ${name}: ${basename(m.path)} has no previous_manifest_sha256 (not a checkpointed run)`,
      );
    } else if (m.previous !== before.sha256) {
      problems.push(`chain broken at ${name}: previous_manifest_sha256 is not its SHA-256`);
    }
  }
}

/** Hashes the data against the manifests, front to back, in one read (SPEC §13.3). */
async function checkData(path: string, series: Manifest[]): Promise<void> {
  let size = 0;
  let index = 0;
  let left = series[0]?.bytes ?? 0;
  let hash = createHash("sha256");
  let extra = 0;
  const finish = () => {
    const m = series[index] as Manifest;
    if (hash.digest("hex") !== m.outputSha256) m.report.problems.push("sha256 differs");
    index++;
    hash = createHash("sha256");
    left = series[index]?.bytes ?? 0;
  };
  // Exports of no bytes come first where they stand.
  while (index < series.length && left === 0) finish();
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      let at = 0;
      while (at < chunk.length) {
        if (index >= series.length) {
          extra += chunk.length - at;
          break;
        }
        const take = Math.min(left, chunk.length - at);
        hash.update(chunk.subarray(at, at + take));
        at += take;
        left -= take;
        while (index < series.length && left === 0) finish();
      }
    }
  } catch (error) {
    throw new SentinelError(
      `cannot read --data ${quotedPath(path)} (${(error as NodeJS.ErrnoException).code ?? "error"}): check the path and its permissions`,
    );
  }
  const expected = series.reduce((sum, m) => sum + m.bytes, 0);
  if (index < series.length) {
    // The data ended inside this export: it and every later one are short.
    for (const m of series.slice(index))
      m.report.problems.push(`size differs: the data ends before its ${m.bytes} bytes`);
  }
  if (extra > 0) {
    const last = series[series.length - 1] as Manifest;
    last.report.problems.push(
      series.length === 1
        ? `size differs: ${size} bytes, the manifest says ${expected}`
        : `data after the last export: ${extra} bytes`,
    );
  }
}

/** True when the key ARN a `.sig` records is `expected`: that ARN, or the key id in it. */
function namesKey(keyArn: string, expected: string): boolean {
  return keyArn === expected || keyIdOfArn(keyArn) === expected;
}

/** The signature beside a manifest, checked (SPEC §13.2). */
async function checkSignature(m: Manifest, opts: VerifyOptions): Promise<void> {
  const sigPath = signaturePath(m.path);
  if (!existsSync(sigPath)) {
    // A key to accept is a signature to require.
    if (opts.requireSignature || opts.signedBy !== undefined) m.report.problems.push("unsigned");
    return;
  }
  if (opts.check === undefined) {
    throw new UsageError(
      `${quotedPath(sigPath)} cannot be checked: give --public-key FILE (from aws kms get-public-key) or --kms`,
    );
  }
  let text: string;
  try {
    text = readFileSync(sigPath, "utf8");
  } catch (error) {
    throw new SentinelError(
      `cannot read signature ${quotedPath(sigPath)} (${(error as NodeJS.ErrnoException).code ?? "error"}): check its permissions`,
    );
  }
  const signature = parseSignatureFile(text);
  if (typeof signature === "string") {
    m.report.problems.push(`signature invalid: ${basename(sigPath)} ${signature}`);
    return;
  }
  m.report.signedBy = signature.key_id;
  // KMS signs under a key ARN: anything else was written by hand, and --kms would ask KMS about it.
  if (keyIdOfArn(signature.key_id) === undefined) {
    m.report.problems.push("signature invalid: its key_id is not a KMS key ARN");
    return;
  }
  if (opts.signedBy !== undefined && !namesKey(signature.key_id, opts.signedBy)) {
    m.report.problems.push(`signature invalid: signed by ${signature.key_id}, not ${opts.signedBy}`);
    return;
  }
  // The statement's exact form and the manifest's SHA-256 (read once, with the manifest).
  if (statementDigest(signature.statement) !== m.sha256) {
    m.report.problems.push("signature invalid: its statement names another manifest");
    return;
  }
  const verdict = await opts.check(Buffer.from(signature.statement), signature);
  if (verdict === false) m.report.problems.push("signature invalid");
  else if (typeof verdict === "string") m.report.problems.push(`signature invalid: ${verdict}`);
}

/**
 * Verifies manifests (SPEC §13.3): given in any order, taken in window order;
 * with `data`, one export or the archive of a series. Problems are reported,
 * not thrown: a file or KMS that cannot be read throws (exit 1), bad input
 * is a UsageError (exit 2).
 */
export async function verifyEvidence(paths: readonly string[], opts: VerifyOptions): Promise<VerifyReport> {
  if (paths.length === 0) throw new UsageError("verify needs a manifest, e.g. sentinel verify export.manifest.json");
  const read = paths.map(readManifest);
  const manifests = read.filter((m): m is Manifest => "report" in m);
  const damaged = read.filter((m): m is ManifestReport => !("report" in m));
  const audits = manifests.filter((m) => m.kind === "audit");
  if (audits.length > 0 && manifests.length > 1) {
    throw new UsageError("an audit manifest stands alone: verify it by itself, with its --data");
  }
  const series = [...manifests].sort(byWindow);
  for (const m of series) {
    if (m.since !== undefined && m.until !== undefined && compareInstants(m.since, m.until) > 0) {
      m.report.problems.push("its window ends before it starts");
    }
  }
  checkSeries(series);
  // Where each export lies in the data is known only from every manifest.
  if (opts.data !== undefined && damaged.length === 0) await checkData(opts.data, series);
  for (const m of series) await checkSignature(m, opts);
  for (const m of series) m.report.ok = m.report.problems.length === 0;
  const reports = [...series.map((m) => m.report), ...damaged];
  const notes = notesOf(series);
  if (opts.data !== undefined && damaged.length > 0) {
    notes.push(
      `--data was not checked: ${damaged.map((d) => basename(d.file)).join(", ")} ${damaged.length === 1 ? "is" : "are"} no manifest, so where each export lies in it is unknown`,
    );
  }
  return { ok: reports.every((r) => r.ok), manifests: reports, notes };
}

/** What a reader of the report should know that is no problem of a manifest. */
function notesOf(series: readonly Manifest[]): string[] {
  const notes: string[] = [];
  const first = series[0];
  if (first?.kind === "export" && typeof first.previous === "string") {
    notes.push(
      `${basename(first.path)} follows a manifest not given (previous_manifest_sha256 ${first.previous.slice(0, 12)}…): the chain is checked from there on; give the whole series to check it from its first run`,
    );
  }
  const signers = [...new Set(series.flatMap((m) => (m.report.signedBy === null ? [] : [m.report.signedBy])))];
  if (signers.length > 1) {
    notes.push(
      `the signatures name ${signers.length} keys (${signers.join(", ")}): pass --signed-by KEY_ARN to accept one`,
    );
  }
  return notes;
}
