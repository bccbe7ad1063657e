// AWS KMS for signed manifests (SPEC §13.2): Sign and Verify with MessageType
// RAW, the key's spec from DescribeKey. The SDK is imported when first used;
// it honours AWS_ENDPOINT_URL_KMS itself.
import type { KMSClient } from "@aws-sdk/client-kms";
import { type ConnectionOptions, requestHandlerOptions } from "./connection.ts";
import { InterruptedError, SentinelError } from "./errors.ts";
import {
  errorCode,
  failureDetail,
  firstLine,
  NETWORK_CODES,
  type SdkError,
  withoutUrlCredentials,
} from "./sdk-errors.ts";

/** A signature as KMS gave it: the key's ARN, the algorithm and the bytes. */
export type KmsSignature = { keyId: string; algorithm: string; signature: Uint8Array };

type Env = Readonly<Record<string, string | undefined>>;

/** The algorithms tried, in order, for a key whose spec DescribeKey would not tell. */
const GUESSES = ["RSASSA_PKCS1_V1_5_SHA_256", "ECDSA_SHA_256"];

/** The default algorithm of a key spec (SPEC §13.2), or undefined for a key that cannot sign that way. */
export function defaultAlgorithm(keySpec: string | undefined): string | undefined {
  if (keySpec?.startsWith("RSA_")) return "RSASSA_PKCS1_V1_5_SHA_256";
  if (keySpec === "ECC_NIST_P256") return "ECDSA_SHA_256";
  if (keySpec === "ECC_NIST_P384") return "ECDSA_SHA_384";
  if (keySpec === "ECC_NIST_P521") return "ECDSA_SHA_512";
  return undefined;
}

/** KMS for one region and connection. */
export class Kms {
  readonly #opts: ConnectionOptions & { region: string };
  readonly #env: Env;
  readonly #signal: AbortSignal | undefined;
  #client: Promise<{ client: KMSClient; sdk: typeof import("@aws-sdk/client-kms") }> | undefined;
  /** DescribeKey's answer per key, asked once (see prepare). */
  readonly #specs = new Map<string, Promise<string | undefined | "denied">>();

  constructor(opts: ConnectionOptions & { region: string }, env: Env, signal?: AbortSignal) {
    this.#opts = opts;
    this.#env = env;
    this.#signal = signal;
  }

  /**
   * Asks for the key's spec now (DescribeKey), so that signing later costs one
   * round trip: an export calls it as it starts reading.
   */
  prepare(keyId: string): void {
    this.#spec(keyId).catch(() => {});
  }

  /** Signs `message` (RAW) with the key; the algorithm is the one given, or the key's default. */
  async sign(keyId: string, message: Uint8Array, algorithm?: string): Promise<KmsSignature> {
    const { client, sdk } = await this.#connect();
    let candidates: string[];
    if (algorithm !== undefined) candidates = [algorithm];
    else {
      const spec = await this.#spec(keyId);
      if (spec === "denied") candidates = GUESSES;
      else {
        const chosen = defaultAlgorithm(spec);
        if (chosen === undefined) {
          throw new SentinelError(
            `KMS key "${keyId}" (${spec ?? "no key spec"}) cannot sign manifests: use an asymmetric key with key usage SIGN_VERIFY (RSA or ECC_NIST_P256)`,
          );
        }
        candidates = [chosen];
      }
    }
    let last: unknown;
    for (const candidate of candidates) {
      try {
        const answer = await client.send(
          new sdk.SignCommand({
            KeyId: keyId,
            Message: message,
            MessageType: "RAW",
            SigningAlgorithm: candidate as import("@aws-sdk/client-kms").SigningAlgorithmSpec,
          }),
          { abortSignal: this.#signal },
        );
        if (answer.Signature === undefined || answer.KeyId === undefined) {
          throw new SentinelError(
            `KMS Sign with key "${keyId}" answered without a signature: check AWS_ENDPOINT_URL_KMS`,
          );
        }
        return { keyId: answer.KeyId, algorithm: answer.SigningAlgorithm ?? candidate, signature: answer.Signature };
      } catch (error) {
        last = error;
        // Only a guess may be wrong: try the next.
        if (!(candidates === GUESSES && (error as Error).name === "InvalidKeyUsageException")) break;
      }
    }
    throw this.#error(last, "Sign", keyId);
  }

  /**
   * KMS Verify of a RAW message: true when the signature is the key's, false
   * when not, and a reason when KMS has no such key (a key ARN in a `.sig` is
   * the file's word, not KMS's: a made-up or deleted key signs nothing).
   */
  async verify(
    keyId: string,
    message: Uint8Array,
    signature: Uint8Array,
    algorithm: string,
  ): Promise<boolean | string> {
    const { client, sdk } = await this.#connect();
    try {
      const answer = await client.send(
        new sdk.VerifyCommand({
          KeyId: keyId,
          Message: message,
          MessageType: "RAW",
          Signature: signature,
          SigningAlgorithm: algorithm as import("@aws-sdk/client-kms").SigningAlgorithmSpec,
        }),
        { abortSignal: this.#signal },
      );
      return answer.SignatureValid === true;
    } catch (error) {
      // KMS answers an invalid signature with an error, not with SignatureValid false.
      if ((error as Error).name === "KMSInvalidSignatureException") return false;
      if ((error as Error).name === "NotFoundException") {
        return `KMS has no key ${keyId} in ${this.#opts.region} (deleted, or never a key; a deleted key's signatures verify only with --public-key and the public key saved from it)`;
      }
      throw this.#error(error, "Verify", keyId);
    }
  }

  close(): void {
    void this.#client?.then(({ client }) => client.destroy());
  }

  #spec(keyId: string): Promise<string | undefined | "denied"> {
    let spec = this.#specs.get(keyId);
    if (spec === undefined) {
      spec = this.#keySpec(keyId);
      this.#specs.set(keyId, spec);
    }
    return spec;
  }

  /** The key's spec, or "denied" when DescribeKey is not allowed (SPEC §13.2 then guesses). */
  async #keySpec(keyId: string): Promise<string | undefined | "denied"> {
    const { client, sdk } = await this.#connect();
    try {
      const answer = await client.send(new sdk.DescribeKeyCommand({ KeyId: keyId }), { abortSignal: this.#signal });
      const meta = answer.KeyMetadata;
      if (meta?.KeyUsage !== undefined && meta.KeyUsage !== "SIGN_VERIFY") {
        throw new SentinelError(
          `KMS key "${keyId}" has key usage ${meta.KeyUsage}: sign manifests with an asymmetric key for SIGN_VERIFY`,
        );
      }
      return meta?.KeySpec;
    } catch (error) {
      if ((error as Error).name === "AccessDeniedException") return "denied";
      throw this.#error(error, "DescribeKey", keyId);
    }
  }

  #connect() {
    this.#client ??= import("@aws-sdk/client-kms").then((sdk) => ({
      sdk,
      client: new sdk.KMSClient({
        region: this.#opts.region,
        ...(this.#opts.awsProfile === undefined ? {} : { profile: this.#opts.awsProfile }),
        maxAttempts: this.#opts.maxAttempts,
        retryMode: "standard",
        requestHandler: requestHandlerOptions(this.#opts),
      }),
    }));
    return this.#client;
  }

  /** One line for a failed KMS call, naming the key and what to check. */
  #error(error: unknown, operation: string, keyId: string): Error {
    if (error instanceof SentinelError || error instanceof InterruptedError) return error;
    const e = (error instanceof Error ? error : new Error(String(error))) as SdkError;
    if (e.name === "AbortError") return new InterruptedError("interrupted");
    const endpoint = withoutUrlCredentials(
      this.#env.AWS_ENDPOINT_URL_KMS ?? this.#env.AWS_ENDPOINT_URL ?? `KMS in ${this.#opts.region}`,
    );
    const detail = failureDetail(operation, e);
    const make = (message: string) => new SentinelError(message, { cause: error, debugDetail: detail });
    const code = errorCode(e);
    if (code !== undefined && NETWORK_CODES.has(code)) {
      return make(
        `cannot reach ${endpoint} (${code}) for KMS ${operation}: check AWS_ENDPOINT_URL_KMS, the network and the region`,
      );
    }
    switch (e.name) {
      case "NotFoundException":
        return make(
          `KMS key "${keyId}" not found in ${this.#opts.region}: check the key id, alias or ARN, and the region`,
        );
      case "AccessDeniedException":
        return make(
          `access denied to KMS ${operation} on key "${keyId}": the caller needs kms:${operation} on it (the job that exports signs: kms:Sign; whoever verifies: kms:Verify)`,
        );
      case "DisabledException":
      case "KMSInvalidStateException":
        return make(`KMS key "${keyId}" cannot be used now (${e.name}): enable it, or use another key`);
      case "InvalidKeyUsageException":
        return make(
          `KMS key "${keyId}" cannot ${operation.toLowerCase()} that way (${firstLine(e.message)}): use a SIGN_VERIFY key and an algorithm it supports`,
        );
      case "CredentialsProviderError":
        return make(
          `no AWS credentials found for KMS ${operation}: ${firstLine(e.message)}; set AWS_PROFILE, pass --aws-profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
        );
      case "UnrecognizedClientException":
      case "InvalidSignatureException":
      case "ExpiredTokenException":
        return make(
          `KMS ${operation} failed: the credentials were not accepted (${e.name}): check --aws-profile and the credentials`,
        );
      default:
        return make(`KMS ${operation} with key "${keyId}" failed: ${e.name}: ${firstLine(e.message)}`);
    }
  }
}
