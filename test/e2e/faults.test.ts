// Faults DynamoDB Local cannot produce, injected by a proxy in front of it;
// the binary is pointed at the proxy with --endpoint-url.
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { endpoint, freshTable } from "../support/dynamo.ts";
import { type FaultProxy, type FaultScript, startFaultProxy } from "../support/fault-proxy.ts";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

const NOW = new Date();
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

async function throughProxy(script: FaultScript, extra: string[] = []) {
  proxy = await startFaultProxy(endpoint(), script);
  const started = performance.now();
  const result = await runBinary([...exportArgs(proxy.url), ...extra], binaryEnv());
  return { ...result, seconds: (performance.now() - started) / 1000, seen: proxy.seen };
}

describe("transient faults are retried: output identical to a fault-free run", () => {
  test("throttling x3, HTTP 500 x2, one dropped connection, one truncated body", async () => {
    const clean = await runBinary(exportArgs(endpoint()), binaryEnv());
    expect(clean.code).toBe(0);
    expect(clean.stdout.split("\n").length).toBe(2_502);

    const plan: Record<number, ReturnType<FaultScript>> = {
      1: "throttle",
      2: "provisioned",
      3: "throttle",
      5: "http500",
      6: "http503",
      8: "drop",
      10: "truncate",
    };
    const faulty = await throughProxy((n) => plan[n] ?? "pass");
    expect(faulty.stderr).toBe("");
    expect(faulty.code).toBe(0);
    expect(faulty.stdout).toBe(clean.stdout);
    // Every planned fault was really served, and the read went on past them.
    expect(faulty.seen.filter((r) => r.fault !== "pass").length).toBe(7);
    expect(faulty.seen.filter((r) => r.fault === "pass").length).toBeGreaterThanOrEqual(4);
  });
});

describe("persistent faults end with exit 1 and a clear message in bounded time", () => {
  test("throttled on every request", async () => {
    const result = await throughProxy(() => "throttle");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^error: Scan on table "faults-\d+-\d+" failed after 5 attempts: ThrottlingException \(HTTP 400\): Rate of requests exceeds the allowed throughput\.\n$/,
    );
    expect(result.seen.length).toBe(5);
    expect(result.seconds).toBeLessThan(30);
  });

  test("HTTP 500 on every page after the first", async () => {
    const result = await throughProxy((n) => (n === 1 ? "pass" : "http500"));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("failed after 5 attempts: InternalServerError (HTTP 500)");
    expect(result.seconds).toBeLessThan(30);
  });

  test("a stalled endpoint ends by the per-request timeout", async () => {
    const result = await throughProxy(() => "stall", ["--timeout", "1s"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^error: Scan on table "faults-\d+-\d+" timed out at http:\/\/127\.0\.0\.1:\d+ after 5 attempts: check the network, or raise --timeout\n$/,
    );
    expect(result.seconds).toBeGreaterThan(4);
    expect(result.seconds).toBeLessThan(20);
  });
});
