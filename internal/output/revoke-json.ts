import type { Revocation } from "../session/revocation.ts";
import { revocationObject } from "./revoke-fields.ts";
import type { Writer } from "./writer.ts";

/** `{"sessions": [...]}` of revoke rows, indented by 2 spaces; `{"sessions": []}` when none. */
export async function writeRevocationsJson(out: Writer, rows: readonly Revocation[]): Promise<void> {
  await out.write(`${JSON.stringify({ sessions: rows.map(revocationObject) }, null, 2)}\n`);
}
