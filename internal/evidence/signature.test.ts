import { expect, test } from "bun:test";
import { constants, createHash, generateKeyPairSync, sign } from "node:crypto";
import { parseSignatureFile, statementDigest, statementOf, verifyOffline } from "./signature.ts";

const hex = (text: string) => createHash("sha256").update(text).digest("hex");

test("statementOf() is the version line and the manifest's hex SHA-256, each ending in LF", () => {
  expect(statementOf("{}\n")).toBe(`sentinel-manifest-v1\n${hex("{}\n")}\n`);
  expect(statementDigest(statementOf("{}\n"))).toBe(hex("{}\n"));
  expect(statementDigest(`sentinel-manifest-v2\n${hex("x")}\n`)).toBeUndefined();
  expect(statementDigest(`sentinel-manifest-v1\n${hex("x")}`)).toBeUndefined();
});

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const message = Buffer.from(statementOf("manifest\n"));
const file = (algorithm: string, signature: Buffer) => ({
  statement: message.toString(),
  key_id: "arn:aws:kms:us-east-1:123456789012:key/k",
  signing_algorithm: algorithm,
  signature: signature.toString("base64"),
});

test.each([
  ["RSASSA_PKCS1_V1_5_SHA_256", rsa, () => sign("sha256", message, rsa.privateKey)],
  ["RSASSA_PKCS1_V1_5_SHA_512", rsa, () => sign("sha512", message, rsa.privateKey)],
  [
    "RSASSA_PSS_SHA_256",
    rsa,
    () =>
      sign("sha256", message, {
        key: rsa.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      }),
  ],
  ["ECDSA_SHA_256", ec, () => sign("sha256", message, { key: ec.privateKey, dsaEncoding: "der" })],
])("verifyOffline() accepts %s made by the key, and rejects it for another message or key", (algorithm, pair, make) => {
  const signed = file(algorithm, make());
  expect(verifyOffline(message, signed, pair.publicKey)).toBe(true);
  expect(verifyOffline(Buffer.from(statementOf("other\n")), signed, pair.publicKey)).toBe(false);
  const other =
    pair === rsa
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : generateKeyPairSync("ec", { namedCurve: "P-256" });
  expect(verifyOffline(message, signed, other.publicKey)).toBe(false);
});

test("verifyOffline() is false for an algorithm KMS does not have, or a key of the wrong type", () => {
  const signed = file("RSASSA_PKCS1_V1_5_SHA_256", sign("sha256", message, rsa.privateKey));
  expect(verifyOffline(message, { ...signed, signing_algorithm: "HMAC_SHA_256" }, rsa.publicKey)).toBe(false);
  expect(verifyOffline(message, { ...signed, signing_algorithm: "ECDSA_SHA_256" }, rsa.publicKey)).toBe(false);
});

test("parseSignatureFile() names what is wrong with a file that is not a signature", () => {
  expect(parseSignatureFile("nope")).toBe("is not JSON");
  expect(parseSignatureFile('{"statement": "s"}')).toMatch(/^is not a sentinel signature \(key_id: /);
  expect(
    parseSignatureFile('{"statement":"s","key_id":"k","signing_algorithm":"a","signature":"not base64!"}'),
  ).toMatch(/signature: not base64/);
});
