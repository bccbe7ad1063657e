import { UsageError } from "../aws/errors.ts";
import { type FlagSpec, value } from "./command.ts";
import { fixedValue } from "./flag-syntax.ts";

/** The algorithms KMS signs with (SPEC §13.2 picks the key's default when none is given). */
export const SIGNING_ALGORITHMS = [
  "RSASSA_PKCS1_V1_5_SHA_256",
  "RSASSA_PKCS1_V1_5_SHA_384",
  "RSASSA_PKCS1_V1_5_SHA_512",
  "RSASSA_PSS_SHA_256",
  "RSASSA_PSS_SHA_384",
  "RSASSA_PSS_SHA_512",
  "ECDSA_SHA_256",
  "ECDSA_SHA_384",
  "ECDSA_SHA_512",
] as const;

/**
 * --sign-with and --signing-algorithm, for every command that writes a manifest; `together` says
 * which of the run's files are written all or none (an export's checkpoint among them, an audit has none).
 * @example signingFlags("the manifest and its signature are written both or neither")
 */
export function signingFlags(together: string): Record<string, FlagSpec> {
  return {
    "sign-with": value(
      "Evidence",
      "KMS_KEY",
      `with --manifest: sign it with this asymmetric KMS key (id, ARN or alias/NAME) and write FILE.sig; ${together}`,
    ),
    "signing-algorithm": value(
      "Evidence",
      "ALGORITHM",
      "with --sign-with: the KMS signing algorithm (default: RSASSA_PKCS1_V1_5_SHA_256 for RSA keys, ECDSA_SHA_256 for ECC_NIST_P256)",
      { values: SIGNING_ALGORITHMS },
    ),
  };
}

/** The key and algorithm to sign with, or undefined; a usage error without --manifest. */
export function signingOption(
  text: (name: string) => string | undefined,
  manifest: string | undefined,
): { keyId: string; algorithm?: string } | undefined {
  const keyId = text("sign-with");
  const algorithm = text("signing-algorithm");
  if (keyId === undefined) {
    if (algorithm !== undefined) throw new UsageError("--signing-algorithm applies only with --sign-with KMS_KEY");
    return undefined;
  }
  if (keyId === "") throw new UsageError("--sign-with needs a KMS key: its id, ARN or alias/NAME");
  if (manifest === undefined) {
    throw new UsageError("--sign-with signs the manifest: add --manifest FILE");
  }
  return algorithm === undefined
    ? { keyId }
    : { keyId, algorithm: fixedValue("--signing-algorithm", algorithm, SIGNING_ALGORITHMS) };
}
