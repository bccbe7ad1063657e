import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { writeFileAtomically } from "./atomic-file.ts";
import { manifestText } from "./manifest.ts";
import { type Signer, signatureText, statementOf } from "./signature.ts";

/** The signature file of a manifest: `FILE.sig` (SPEC §13.2). */
export const signaturePath = (manifestPath: string) => `${manifestPath}.sig`;

/**
 * Writes a run's evidence, all or none (SPEC §13.2): the manifest is signed
 * first (a failed Sign throws before anything is written), then the manifest,
 * its signature and whatever `thenRecord` writes (the checkpoint) follow each
 * other, each atomically. A manifest written unsigned over a signed one loses
 * its old `.sig`, which no longer names it. Returns the manifest's SHA-256.
 */
export async function writeEvidence(
  path: string,
  manifest: Record<string, unknown>,
  signer: Signer | undefined,
  thenRecord?: (manifestSha256: string) => void,
): Promise<string> {
  const text = manifestText(manifest);
  const sha256 = createHash("sha256").update(text).digest("hex");
  const statement = statementOf(text);
  const signed = signer === undefined ? undefined : await signer.sign(Buffer.from(statement));
  writeFileAtomically(path, text);
  if (signed !== undefined) writeFileAtomically(signaturePath(path), signatureText(statement, signed));
  else rmSync(signaturePath(path), { force: true });
  thenRecord?.(sha256);
  return sha256;
}
