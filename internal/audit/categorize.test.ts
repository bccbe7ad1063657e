import { expect, test } from "bun:test";
import { categorize, sentinelUser } from "./categorize.ts";
import type { AssumeRoleEvent } from "./event.ts";
import { inScope, parseRole } from "./role-scope.ts";

const event = (over: Partial<AssumeRoleEvent>): AssumeRoleEvent => ({
  eventId: "e",
  eventTime: { sec: 0, nanos: 0 },
  region: "us-east-1",
  errorCode: "",
  callerType: "IAMUser",
  callerArn: "",
  sourceIp: "",
  userAgent: "",
  roleArn: "",
  roleSessionName: "",
  sourceIdentity: "",
  sessionTag: "",
  ...over,
});
const alice = { id: "a000000000000001", user: "alice", sourceIdentity: "sentinel:alice:direct:r1" };

test.each([
  ["sentinel:alice:direct:req-1", "alice"],
  ["sentinel:alice:req-1", "alice"],
  ["sentinel:alice", undefined],
  ["sentinel::direct:r", undefined],
  ["sentinel:a:b:c:d", undefined],
  ["jenkins", undefined],
])("sentinelUser(%p) is %p", (text, user) => {
  expect(sentinelUser(text)).toBe(user);
});

test.each([
  // Precedence: service before denied before untracked.
  [{ callerType: "AWSService", errorCode: "AccessDenied" }, undefined, "service"],
  [{ errorCode: "AccessDenied" }, undefined, "denied"],
  [{}, undefined, "untracked"],
  [{ sourceIdentity: "jenkins" }, undefined, "untracked"],
  [{ sessionTag: "ffff000000000001" }, undefined, "orphaned"],
  [{ sourceIdentity: "sentinel:zoe:direct:r" }, undefined, "orphaned"],
  [{ sessionTag: alice.id, sourceIdentity: "sentinel:bob:direct:r" }, alice, "mismatch"],
  [{ sessionTag: alice.id }, alice, "mismatch"],
  [{ sessionTag: alice.id, sourceIdentity: "sentinel:alice:direct:r1" }, alice, "tracked"],
  [{ sourceIdentity: "sentinel:alice:r1" }, alice, "tracked"],
] as const)("categorize(%p) with session %p is %p", (over, session, category) => {
  expect(categorize(event(over), session, "the table").category).toBe(category);
});

test.each([
  ["arn:aws:iam::123456789012:role/prod-admin", "arn:aws:iam::123456789012:role/prod-admin", true],
  ["arn:aws:iam::123456789012:role/prod-admin", "arn:aws:iam::123456789012:role/prod-admin2", false],
  ["arn:aws:iam::123456789012:role/prod-*", "arn:aws:iam::123456789012:role/prod-deploy", true],
  ["arn:aws:iam::123456789012:role/prod-*", "arn:aws:iam::123456789012:role/dev", false],
])("--role %p holds %p: %p", (flag, role, held) => {
  const parsed = parseRole(flag);
  expect(parsed).toBeDefined();
  expect(inScope(role, parsed ? [parsed] : [])).toBe(held);
});

test.each([["prod-admin"], ["arn:aws:iam::123:role/x"], ["arn:aws:s3:::bucket"], ["*"]])(
  "parseRole(%p) refuses it",
  (v) => {
    expect(parseRole(v)).toBeUndefined();
  },
);
