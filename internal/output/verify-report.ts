import type { Writer } from "./writer.ts";

/** One manifest's result, as `sentinel verify` reports it (SPEC §13.3). */
export type VerifyRow = {
  file: string;
  ok: boolean;
  window: { since: string | null; until: string | null } | null;
  rows: number | null;
  sha256: string;
  signedBy: string | null;
  problems: readonly string[];
};

/** `{"ok", "manifests": [{"file", "ok", "window", "rows", "signed_by", "problems"}]}`, 2-space indent. */
export async function writeVerifyJson(out: Writer, ok: boolean, rows: readonly VerifyRow[]): Promise<void> {
  const manifests = rows.map((r) => ({
    file: r.file,
    ok: r.ok,
    window: r.window,
    rows: r.rows,
    signed_by: r.signedBy,
    problems: r.problems,
  }));
  await out.write(`${JSON.stringify({ ok, manifests }, null, 2)}\n`);
}

/**
 * One line per manifest: `ok FILE SINCE .. UNTIL, N rows, sha256 abcd1234…, signed by KEY`,
 * or `FAILED FILE: problem; problem`. Text from files is made printable by the caller.
 */
export async function writeVerifyHuman(out: Writer, rows: readonly VerifyRow[]): Promise<void> {
  const lines = rows.map((r) => {
    if (!r.ok) return `FAILED  ${r.file}: ${r.problems.join("; ")}`;
    const window = r.window === null ? "" : ` ${r.window.since ?? "(start)"} .. ${r.window.until ?? "(open)"},`;
    const rowCount = r.rows === null ? "" : ` ${r.rows} ${r.rows === 1 ? "row" : "rows"},`;
    const signer = r.signedBy === null ? "unsigned" : `signed by ${r.signedBy}`;
    return `ok      ${r.file}${window}${rowCount} sha256 ${r.sha256.slice(0, 12)}…, ${signer}`;
  });
  await out.write(`${lines.join("\n")}\n`);
}
