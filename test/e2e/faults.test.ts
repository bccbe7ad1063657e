// Faults DynamoDB Local cannot produce, injected by a proxy in front of it;
// the binary is pointed at the proxy with --endpoint-url. Assertions are on
// events the proxy saw (how many attempts reached it), never on elapsed time.
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { endpoint, freshTable } from "../support/dynamo.ts";
import { type Fault, type FaultProxy, type FaultScript, startFaultProxy } from "../support/fault-proxy.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

const NOW = new Date();
const ATTEMPTS = 5; // the binary's attempts per request (first one included)
let table: string;
let proxy: FaultProxy | undefined;

beforeAll(async () => {
  // 1 KiB padding per item: one segment reads the 2,500 items in several 1 MB pages.
  const items = [...generateSessions({ count: 2_500, now: NOW, days: 20, seed: 5 })].map((item) => ({
    ...item,
    padding: { S: "p".repeat(1024) },
  }));
  table = await freshTable("faults", items);
});

afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

const exportArgs = (url: string) => [
  "server-sessions",
  "--table",
  table,
  "--until",
  "2099-01-01",
  "--limit",
  "0",
  "--segments",
  "1",
  "--output",
  "csv",
  "--endpoint-url",
  url,
];

async function throughProxy(script: FaultScript, extra: string[] = [], args = exportArgs) {
  proxy = await startFaultProxy(endpoint(), script);
  const result = await runBinary([...args(proxy.url), ...extra], binaryEnv());
  return { ...result, seen: proxy.seen, url: proxy.url };
}

function expectOneErrorLine(stderr: string) {
  expect(stderr).toStartWith("error: ");
  expect(stderr.endsWith("\n")).toBe(true);
  expect(stderr.split("\n").length).toBe(2);
}

describe("transient faults are retried: output identical to a fault-free run", () => {
  test("throttling x3, HTTP 500 x2, a dropped connection, a truncated body, a stalled body, a trickled body", async () => {
    const clean = await runBinary(exportArgs(endpoint()), binaryEnv());
    expect(clean.code).toBe(0);
    expect(clean.stdout.split("\n").length).toBe(2_502);

    // Four pages: every fault below falls on one of them (retries are further requests).
    const plan: Record<number, Fault> = {
      1: "throttle",
      2: "provisioned",
      3: "throttle",
      5: "http500",
      6: "stall-body",
      7: "http503",
      9: "drop",
      11: "trickle",
      12: "truncate",
    };
    const faulty = await throughProxy((n) => plan[n] ?? "pass", ["--timeout", "5s"]);
    expect(faulty.stderr).toBe("");
    expect(faulty.code).toBe(0);
    expect(faulty.stdout).toBe(clean.stdout);
    // Every planned fault was really served, and the read went on past them.
    expect(faulty.seen.filter((r) => r.fault !== "pass").length).toBe(9);
    expect(faulty.seen.filter((r) => r.fault === "pass").length).toBeGreaterThanOrEqual(4);
  });
});

describe("persistent faults end with exit 1 and one clear line after a bounded number of attempts", () => {
  test("throttled on every request", async () => {
    const result = await throughProxy(() => "throttle");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^error: Scan on table "faults-\d+-\d+" failed after 5 attempts: ThrottlingException \(HTTP 400\): Rate of requests exceeds the allowed throughput\.\n$/,
    );
    expect(result.seen.length).toBe(ATTEMPTS);
  });

  test("HTTP 500 on every page after the first", async () => {
    const result = await throughProxy((n) => (n === 1 ? "pass" : "http500"));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("failed after 5 attempts: InternalServerError (HTTP 500)");
    expectOneErrorLine(result.stderr);
    expect(result.seen.length).toBe(1 + ATTEMPTS);
  });

  const timedOut =
    /^error: Scan on table "faults-\d+-\d+" timed out at http:\/\/127\.0\.0\.1:\d+ after 5 attempts: check the network, or raise --timeout\n$/;

  test("a stalled endpoint ends by the timeout", async () => {
    const result = await throughProxy(() => "stall", ["--timeout", "1s"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(timedOut);
    expect(result.seen.length).toBe(ATTEMPTS);
  });

  // The timeout bounds the whole answer, not only its first byte: headers and
  // half a body, then silence (or a byte a second), end the attempt too.
  test.each(["stall-body", "trickle"] as const)("a %s endpoint ends by the timeout", async (fault) => {
    const result = await throughProxy(() => fault, ["--timeout", "2s"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(timedOut);
    expect(result.seen.length).toBe(ATTEMPTS);
    expect(result.seen.every((r) => r.fault === fault)).toBe(true);
  });
});

describe("an answer that is not a DynamoDB result is exit 1 naming the endpoint, not an empty or malformed export", () => {
  const nonsense = ["empty-body", "null-body", "items-not-list", "items-null", "null-item", "html"] as const;

  test.each(nonsense)("Scan answered with %s", async (fault) => {
    const result = await throughProxy(() => fault);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expectOneErrorLine(result.stderr);
    expect(result.stderr).toStartWith(`error: the endpoint ${result.url} answered Scan with `);
    expect(result.stderr).toEndWith(", which is not a Scan result: check --endpoint-url\n");
    // Asking again will not turn it into a result: no retries.
    expect(result.seen.length).toBe(1);
  });

  test.each(nonsense)("Query (--user) answered with %s", async (fault) => {
    const result = await throughProxy(() => fault, ["--user", "alice"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expectOneErrorLine(result.stderr);
    expect(result.stderr).toStartWith(`error: the endpoint ${result.url} answered Query with `);
    expect(result.seen.length).toBe(1);
  });

  test.each(["empty-body", "null-body", "html"] as const)("GetItem answered with %s", async (fault) => {
    const result = await throughProxy(
      () => fault,
      [],
      (url) => ["server-session", "0123456789abcdef", "--table", table, "--endpoint-url", url],
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `error: the endpoint ${result.url} answered GetItem with HTTP 200 and ${fault === "empty-body" ? "an empty body" : `a body that is not a JSON object (${fault === "html" ? "text/html" : "application/x-amz-json-1.0"})`}, which is not a GetItem result: check --endpoint-url\n`,
    );
    expect(result.seen.length).toBe(1);
  });

  test("a LastEvaluatedKey that never changes is exit 1 instead of reading for ever", async () => {
    const result = await throughProxy(() => "same-key");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `error: the endpoint ${result.url} answered Scan with the "LastEvaluatedKey" of an earlier page, so reading would never end: check --endpoint-url\n`,
    );
    expect(result.seen.length).toBe(2);
  });
});
