import { expect, test } from "bun:test";
import { isKeyArnOrId, keyIdOfArn, regionOfKmsArn } from "./kms-key-arn.ts";

test("the documented examples", () => {
  expect(keyIdOfArn("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab")).toBe("1234abcd-12ab");
  expect(regionOfKmsArn("arn:aws:kms:eu-west-1:123456789012:alias/evidence")).toBe("eu-west-1");
});

test.each([
  ["arn:aws-cn:kms:cn-north-1:123456789012:key/ab-12", "ab-12", true],
  ["ab-12", undefined, true],
  ["arn:aws:kms:us-east-1:123456789012:key/evil:key/ab-12", undefined, false],
  ["arn:aws:kms:us-east-1:123456789012:alias/evidence", undefined, false],
  ["alias/evidence", undefined, false],
  ["arn:aws:kms:us-east-1:12345:key/ab-12", undefined, false],
])("%p: key id %p, names one key %p", (text, id, one) => {
  expect(keyIdOfArn(text)).toBe(id);
  expect(isKeyArnOrId(text)).toBe(one);
});
