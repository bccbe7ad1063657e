// A limited index read asks for its next page before it knows it can stop;
// once it stops, that request is given up (aborted before it is sent, or its
// connection closed) rather than left running. Seen from a fault proxy that
// holds every request for a next page unanswered.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connectDynamo, type DynamoConnection } from "../../internal/aws/dynamo-client.ts";
import { DynamoSessionStore } from "../../internal/session/dynamo-store.ts";
import { NewestFirst } from "../../internal/session/newest-first.ts";
import type { Session } from "../../internal/session/session.ts";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy.ts";

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 1);
let table: string;
let proxy: FaultProxy;
let connection: DynamoConnection;
const nextPageRequests: number[] = [];

beforeAll(async () => {
  // 1,000 sessions of alice, ten a day: a page of 100 covers ten days.
  table = await freshTable(
    "prefetch",
    Array.from({ length: 1_000 }, (_, i) =>
      item({
        id: i.toString(16).padStart(16, "0"),
        user: "alice",
        created_at: new Date(START + i * (DAY_MS / 10)).toISOString(),
      }),
    ),
  );
  proxy = await startFaultProxy(endpoint(), (n, _target, body) => {
    if (!body.includes("ExclusiveStartKey")) return "pass";
    nextPageRequests.push(n);
    return "stall";
  });
  // A timeout far longer than the test's: only an abort ends that request in time.
  connection = await connectDynamo(
    { endpointUrl: proxy.url, region: "us-east-1", timeoutMs: 600_000, maxAttempts: 1 },
    {},
  );
});

afterAll(async () => {
  connection.client.destroy();
  await proxy.stop();
});

test("after a --limit stop, the prefetched page request is given up", async () => {
  const store = new DynamoSessionStore(connection, table, 1);
  const keep = new NewestFirst(1, (s: Session) => s.id);
  const result = await store.find({ user: "alice", window: { until: { sec: 2_000_000_000, nanos: 0 } } }, keep, {});
  expect(result.complete).toBe(false);
  expect(keep.sorted()).toEqual([(999).toString(16).padStart(16, "0")]);
  // The first page and the two outlier queries were answered...
  expect(proxy.seen.filter((r) => r.fault === "pass").length).toBe(3);
  // ...and a next-page request that reached the proxy at all has had its connection closed by the client.
  for (const n of nextPageRequests) await proxy.connectionClosed(n);
}, 20_000);
