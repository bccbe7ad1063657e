// The KMS requests one signature takes (SPEC §13.2), counted by a recording
// proxy in front of moto's KMS: Sign alone when the algorithm is given,
// DescribeKey then Sign when the key's spec decides it, and the first guess
// when DescribeKey is denied. Every signature is checked with node:crypto
// and the key from GetPublicKey, not on the emulator's word.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createPublicKey, verify } from "node:crypto";
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { Kms } from "../../internal/aws/kms-client.ts";
import { type FaultProxy, type FaultScript, startFaultProxy } from "../support/fault-proxy.ts";
import { type RunningMoto, sharedMoto } from "../support/moto.ts";

const STATEMENT = Buffer.from(`sentinel-manifest-v1\n${"ab".repeat(32)}\n`);
let moto: RunningMoto;
let admin: KMSClient;
let rsaKey: string;
let eccKey: string;

beforeAll(async () => {
  moto = await sharedMoto();
  admin = new KMSClient({ endpoint: moto.endpoint, region: "us-east-1" });
  const made = async (spec: "RSA_2048" | "ECC_NIST_P256") =>
    (await admin.send(new CreateKeyCommand({ KeyUsage: "SIGN_VERIFY", KeySpec: spec }))).KeyMetadata?.Arn as string;
  rsaKey = await made("RSA_2048");
  eccKey = await made("ECC_NIST_P256");
}, 60_000);

afterAll(() => admin?.destroy());

/** Signs once through a proxy running `script`; the operations it saw and the signature. */
async function signThrough(keyId: string, algorithm: string | undefined, script: FaultScript = () => "pass") {
  const proxy: FaultProxy = await startFaultProxy(moto.endpoint, script);
  const saved = process.env.AWS_ENDPOINT_URL_KMS;
  process.env.AWS_ENDPOINT_URL_KMS = proxy.url;
  const kms = new Kms({ region: "us-east-1", timeoutMs: 10_000, maxAttempts: 1 }, process.env);
  try {
    const signed = await kms.sign(keyId, STATEMENT, algorithm);
    return { signed, operations: proxy.seen.map((r) => r.target.replace(/^TrentService\./, "")) };
  } finally {
    kms.close();
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_KMS;
    else process.env.AWS_ENDPOINT_URL_KMS = saved;
    await proxy.stop();
  }
}

/** The signature checked with node:crypto against the key's public half. */
async function verifiesWith(keyId: string, algorithm: string, signature: Uint8Array): Promise<boolean> {
  const der = (await admin.send(new GetPublicKeyCommand({ KeyId: keyId }))).PublicKey as Uint8Array;
  const key = createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" });
  return algorithm === "ECDSA_SHA_256"
    ? verify("sha256", STATEMENT, { key, dsaEncoding: "der" }, signature)
    : verify("sha256", STATEMENT, key, signature);
}

describe("KMS requests of one signature", () => {
  test("Kms.sign() with the algorithm given (--signing-algorithm) makes one request: Sign", async () => {
    const { signed, operations } = await signThrough(rsaKey, "RSASSA_PKCS1_V1_5_SHA_256");
    expect(operations).toEqual(["Sign"]);
    expect(signed.algorithm).toBe("RSASSA_PKCS1_V1_5_SHA_256");
    expect(await verifiesWith(rsaKey, signed.algorithm, signed.signature)).toBe(true);
  });

  test.each([
    ["an RSA key", "RSASSA_PKCS1_V1_5_SHA_256", () => rsaKey],
    ["an ECC_NIST_P256 key", "ECDSA_SHA_256", () => eccKey],
  ])("Kms.sign() without an algorithm asks DescribeKey for %s's spec, then signs with %s", async (_, expected, key) => {
    const { signed, operations } = await signThrough(key(), undefined);
    expect(operations).toEqual(["DescribeKey", "Sign"]);
    expect(signed.algorithm).toBe(expected);
    expect(await verifiesWith(key(), expected, signed.signature)).toBe(true);
  });

  test("Kms.sign() with DescribeKey denied signs with the first guess, RSASSA_PKCS1_V1_5_SHA_256", async () => {
    // (An ECC key would then need the second guess: moto answers the first with a
    // ValidationException where KMS documents InvalidKeyUsageException, so that is not tried here.)
    const { signed, operations } = await signThrough(rsaKey, undefined, (_n, target) =>
      target.endsWith(".DescribeKey") ? "access-denied" : "pass",
    );
    expect(operations).toEqual(["DescribeKey", "Sign"]);
    expect(signed.algorithm).toBe("RSASSA_PKCS1_V1_5_SHA_256");
    expect(await verifiesWith(rsaKey, signed.algorithm, signed.signature)).toBe(true);
  });
});
