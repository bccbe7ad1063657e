import { expect, test } from "bun:test";
import { SentinelError } from "../aws/errors.ts";
import { cloudTrailError, LIST_PUBLIC_KEYS, LOOKUP_EVENTS } from "./cloudtrail-errors.ts";

const failure = (name: string, extra: object = {}) => Object.assign(new Error(`${name} said no`), { name, ...extra });
const ENDPOINT = "http://127.0.0.1:9";

test.each([
  [
    "ListPublicKeys denied",
    LIST_PUBLIC_KEYS,
    failure("AccessDeniedException"),
    "access denied for cloudtrail:ListPublicKeys in eu-west-1: AccessDeniedException said no; grant it (docs/guide/install.md)",
  ],
  [
    "ListPublicKeys throttled",
    LIST_PUBLIC_KEYS,
    failure("ThrottlingException", { $metadata: { attempts: 5 } }),
    "CloudTrail kept throttling ListPublicKeys in eu-west-1 after 5 attempts: run the audit again later",
  ],
  [
    "ListPublicKeys unreachable",
    LIST_PUBLIC_KEYS,
    failure("Error", { code: "ECONNREFUSED" }),
    `cannot reach CloudTrail at ${ENDPOINT} (ECONNREFUSED): check AWS_ENDPOINT_URL_CLOUDTRAIL and the network`,
  ],
  [
    "LookupEvents denied",
    LOOKUP_EVENTS,
    failure("AccessDeniedException"),
    "access denied for cloudtrail:LookupEvents in eu-west-1: AccessDeniedException said no; grant it (docs/guide/install.md), or read log files with --cloudtrail-logs",
  ],
  [
    "LookupEvents unreachable",
    LOOKUP_EVENTS,
    failure("Error", { code: "ECONNREFUSED" }),
    `cannot reach CloudTrail at ${ENDPOINT} (ECONNREFUSED): check AWS_ENDPOINT_URL_CLOUDTRAIL, --trail-region and the network`,
  ],
])("%s: one line naming CloudTrail and the call", (_label, call, error, message) => {
  const converted = cloudTrailError(error, call, "eu-west-1", ENDPOINT);
  expect(converted).toBeInstanceOf(SentinelError);
  expect(converted.message).toBe(message);
});
