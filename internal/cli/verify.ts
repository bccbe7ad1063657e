import type { ConnectionOptions } from "../aws/connection.ts";
import { UsageError } from "../aws/errors.ts";
import { isKeyArnOrId, regionOfKmsArn } from "../aws/kms-key-arn.ts";
import { nonEmpty } from "../aws/shared-config.ts";
import { readPublicKey, verifyOffline } from "../evidence/signature.ts";
import { type SignatureCheck, verifyEvidence } from "../evidence/verify.ts";
import { printable } from "../output/printable.ts";
import { writeVerifyHuman, writeVerifyJson } from "../output/verify-report.ts";
import { type Command, oneOf, toggle, value } from "./command.ts";
import { connectionOptions } from "./connection-flags.ts";
import type { Deps } from "./deps.ts";
import { ExitCode } from "./exit-code.ts";
import * as flag from "./flag-values.ts";
import { say } from "./io.ts";

export type VerifyOptions = {
  manifests: string[];
  data?: string;
  /** --public-key FILE, or --kms: how signatures are checked. */
  keys: { kind: "none" } | { kind: "public-key"; path: string } | { kind: "kms" };
  requireSignature: boolean;
  /** --signed-by KEY: the key every signature must name. */
  signedBy?: string;
  output: "human" | "json";
  connection: ConnectionOptions;
};

/** `sentinel verify`: manifests against their data, each other and their signatures (SPEC §13.3). */
export async function verify(opts: VerifyOptions, deps: Deps): Promise<ExitCode> {
  const { io } = deps;
  let check: SignatureCheck | undefined;
  if (opts.keys.kind === "public-key") {
    const key = readPublicKey(opts.keys.path);
    check = async (statement, signature) => verifyOffline(statement, signature, key);
  } else if (opts.keys.kind === "kms") {
    check = async (statement, signature) => {
      const region =
        regionOfKmsArn(signature.key_id) ??
        opts.connection.region ??
        nonEmpty(io.env.AWS_REGION) ??
        nonEmpty(io.env.AWS_DEFAULT_REGION);
      if (region === undefined) {
        throw new UsageError(
          `cannot tell the region of KMS key "${signature.key_id}": pass --region or set AWS_REGION`,
        );
      }
      const kms = deps.kms({ ...opts.connection, region });
      try {
        return await kms.verify(
          signature.key_id,
          statement,
          Buffer.from(signature.signature, "base64"),
          signature.signing_algorithm,
        );
      } finally {
        kms.close();
      }
    };
  }
  const report = await verifyEvidence(opts.manifests, {
    ...(opts.data === undefined ? {} : { data: opts.data }),
    ...(check === undefined ? {} : { check }),
    requireSignature: opts.requireSignature,
    ...(opts.signedBy === undefined ? {} : { signedBy: opts.signedBy }),
  });
  const failed = report.manifests.filter((m) => !m.ok).length;
  // A reader that stops early (`| head`) must not turn a failed verification into success.
  io.statusIfStdoutCloses?.(failed > 0 ? ExitCode.Integrity : ExitCode.Ok);
  for (const note of report.notes) await say(io, `note: ${note}`);
  if (opts.output === "json") await writeVerifyJson(io.stdout, report.ok, report.manifests);
  else {
    const rows = report.manifests.map((m) => ({
      ...m,
      file: printable(m.file),
      signedBy: m.signedBy === null ? null : printable(m.signedBy),
      // Problems name files and stored values too.
      problems: m.problems.map((p) => printable(p)),
    }));
    await writeVerifyHuman(io.stdout, rows);
  }
  if (failed > 0) {
    await say(io, `integrity: ${failed} of ${report.manifests.length} manifest(s) failed verification`);
    return ExitCode.Integrity;
  }
  return ExitCode.Ok;
}

export const verifyCommand: Command<VerifyOptions> = {
  name: "verify",
  summary: "check manifests against their data, each other and their signatures, offline",
  usage: "MANIFEST... [flags]",
  description: `Check exports against their manifests (--manifest) without AWS access: the data's size and
SHA-256, and for a checkpointed series (given in any order) the chain of manifests and windows that
tile time, with the appended archive read once, front to back. Signatures (MANIFEST.sig) are checked
with --public-key, or through KMS with --kms. Exit 0 when everything holds, 5 when anything fails.`,
  args: {
    min: 1,
    max: Number.POSITIVE_INFINITY,
    missing: "verify needs a manifest, e.g. sentinel verify export.manifest.json",
  },
  flags: {
    data: value("Input", "FILE", "the export of one manifest, or the appended archive of a series", {
      complete: "file",
    }),
    "public-key": value(
      "Signatures",
      "FILE",
      "check signatures offline with this public key (DER or PEM SubjectPublicKeyInfo, as aws kms get-public-key gives it)",
      { complete: "file" },
    ),
    kms: toggle("Signatures", "check signatures through KMS Verify (needs kms:Verify)"),
    "require-signature": toggle("Signatures", "every manifest must have a valid signature"),
    "signed-by": value(
      "Signatures",
      "KEY_ARN",
      "every manifest must be signed by this KMS key (its ARN or key id): a signature by another key is invalid, whatever it verifies with (implies --require-signature)",
    ),
    output: oneOf("Output", "FORMAT", ["human", "json"], "human or json (default: human)", { aliases: ["format"] }),
    region: value("Connection", "REGION", "KMS region for --kms when a key is not an ARN"),
    "aws-profile": value("Connection", "NAME", "shared-config profile for --kms"),
    debug: toggle("Connection", "on failure, show the request's details and the stack on stderr"),
  },
  examples: [
    "sentinel verify evidence/sessions-20261128T021710Z.manifest.json --data evidence/sessions-20261128T021710Z.ndjson --public-key evidence/sentinel-evidence.der",
    "sentinel verify evidence/sessions-*.manifest.json --data evidence/archive.ndjson --public-key evidence/sentinel-evidence.der --output json",
  ],
  toOptions(parsed) {
    const raw = parsed.flags;
    const publicKey = raw.text("public-key");
    const kms = parsed.has("kms");
    if (publicKey !== undefined && kms) {
      throw new UsageError("--public-key and --kms both check signatures: give one of them");
    }
    if (publicKey === "") throw new UsageError("--public-key needs a file");
    const data = raw.text("data");
    if (data === "") throw new UsageError("--data needs a file");
    const signedBy = raw.text("signed-by");
    if (signedBy !== undefined && !isKeyArnOrId(signedBy)) {
      throw new UsageError(
        `invalid --signed-by ${JSON.stringify(signedBy)}: give the key's ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) or its key id; an alias names no key offline`,
      );
    }
    return {
      manifests: [...parsed.args],
      ...(data === undefined ? {} : { data }),
      keys:
        publicKey !== undefined ? { kind: "public-key", path: publicKey } : kms ? { kind: "kms" } : { kind: "none" },
      requireSignature: parsed.has("require-signature"),
      ...(signedBy === undefined ? {} : { signedBy }),
      output: flag.outputFormat(raw.text("output"), ["human", "json"]) as "human" | "json",
      connection: connectionOptions(parsed),
    };
  },
  run: verify,
};
