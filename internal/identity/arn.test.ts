import { expect, test } from "bun:test";
import { userNameFromArn } from "./arn.ts";

test.each([
  ["arn:aws:iam::123456789012:user/alice", "alice"],
  ["arn:aws:iam::123456789012:user/engineering/team-a/bob", "bob"],
  ["arn:aws:iam::123456789012:root", "root"],
  ["arn:aws:sts::123456789012:assumed-role/AdminRole/alice.smith@example.com", "alicesmithexamplecom"],
  ["arn:aws:sts::123456789012:assumed-role/Role/carol", "carol"],
  ["arn:aws:sts::123456789012:federated-user/dave-ops", "daveops"],
  ["arn:aws-cn:iam::123456789012:user/erin", "erin"],
  ["arn:aws-us-gov:sts::123456789012:assumed-role/R/frank_1", "frank1"],
  ["arn:aws-iso:iam::123456789012:user/grace", "grace"],
  ["arn:aws-iso-b:iam::123456789012:user/heidi", "heidi"],
  ["arn:aws:iam::123456789012:user/abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrst"],
])("userNameFromArn(%s) is %s", (arn, name) => {
  expect(userNameFromArn(arn)).toBe(name);
});

test.each([
  "arn:aws:iam::123456789012:role/Admin",
  "arn:aws:iam::12345:user/alice",
  "arn:aws-fake:iam::123456789012:user/alice",
  "arn:aws:sts::123456789012:assumed-role/RoleOnly",
  "arn:aws:s3:::bucket",
  "not an arn",
  "",
])("userNameFromArn() rejects %p, naming it", (arn) => {
  expect(() => userNameFromArn(arn)).toThrow(`"${arn}"`);
});

test("userNameFromArn() rejects a name with no letters or digits", () => {
  expect(() => userNameFromArn("arn:aws:sts::123456789012:assumed-role/R/..@@")).toThrow("empty user name");
});
