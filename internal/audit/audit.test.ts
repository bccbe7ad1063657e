import { expect, test } from "bun:test";
import { parseTimestamp } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";
import { runAudit } from "./audit.ts";
import type { SessionRef } from "./categorize.ts";
import type { AssumeRoleEvent, ReadRecord } from "./event.ts";
import { ExportSessionDirectory, type SessionDirectory } from "./session-directory.ts";
import type { EventSource } from "./source.ts";

const window: TimeWindow = {
  since: parseTimestamp("2026-01-20T00:00:00Z") as NonNullable<ReturnType<typeof parseTimestamp>>,
  until: parseTimestamp("2026-01-20T23:59:59Z") as NonNullable<ReturnType<typeof parseTimestamp>>,
};

const sessionId = (i: number) => i.toString(16).padStart(16, "0");

/** Event n: every 7th untracked, every 11th names a session that does not exist, the rest tracked. */
function event(n: number): AssumeRoleEvent {
  const second = String(n % 60).padStart(2, "0");
  const minute = String(Math.floor(n / 60) % 60).padStart(2, "0");
  const hour = String(Math.floor(n / 3600) % 24).padStart(2, "0");
  const untracked = n % 7 === 0;
  const orphaned = !untracked && n % 11 === 0;
  return {
    eventId: `event-${n}`,
    eventTime: parseTimestamp(`2026-01-20T${hour}:${minute}:${second}Z`) as AssumeRoleEvent["eventTime"],
    region: "us-east-1",
    errorCode: "",
    callerType: "IAMUser",
    callerArn: "arn:aws:iam::111122223333:user/server",
    sourceIp: "198.51.100.7",
    userAgent: "test",
    roleArn: "arn:aws:iam::111122223333:role/prod",
    roleSessionName: "s",
    sourceIdentity: untracked ? "" : `sentinel:user${n % 5}:direct:r${n}`,
    sessionTag: untracked ? "" : orphaned ? `missing${String(n).padStart(9, "0")}` : sessionId(n),
  };
}

/** Yields the events in order; then, like a second trail region, the events of `repeats` again. */
function source(count: number, repeats: number[]): EventSource {
  return {
    label: "test events",
    async *read(): AsyncIterable<ReadRecord> {
      for (let n = 0; n < count; n++) yield { kind: "event", event: event(n) };
      for (const n of repeats) yield { kind: "event", event: event(n) };
    },
  };
}

const sessions = (count: number): SessionRef[] =>
  Array.from({ length: count }, (_, n) => ({
    id: sessionId(n),
    user: `user${n % 5}`,
    sourceIdentity: `sentinel:user${n % 5}:direct:r${n}`,
  }));

test("runAudit() counts each event once across batches and repeats, and lists findings newest first", async () => {
  const count = 4_321;
  const repeats = [0, 1, 999, 1_000, 2_500, 4_320, 7, 11];
  const result = await runAudit(source(count, repeats), new ExportSessionDirectory("s.ndjson", sessions(count)), {
    window,
    roles: [],
    allEvents: false,
  });
  // Brute force over the event numbers, by the rule that made them.
  let untracked = 0;
  let orphaned = 0;
  for (let n = 0; n < count; n++) {
    if (n % 7 === 0) untracked++;
    else if (n % 11 === 0) orphaned++;
  }
  expect(result.summary).toEqual({
    events: count,
    service: 0,
    denied: 0,
    untracked,
    orphaned,
    mismatch: 0,
    tracked: count - untracked - orphaned,
  });
  expect(result.findings).toBe(untracked + orphaned);
  const times = result.rows.map((r) => r.event.eventTime.sec);
  expect(times).toEqual([...times].sort((a, b) => b - a));
  expect(new Set(result.rows.map((r) => r.event.eventId)).size).toBe(result.rows.length);
});

test("runAudit() looks up at most three batches at once and fails with the first failed lookup", async () => {
  const inner = new ExportSessionDirectory("s.ndjson", sessions(10_000));
  let running = 0;
  let most = 0;
  let calls = 0;
  const directory: SessionDirectory = {
    where: inner.where,
    async byIds(ids) {
      const call = ++calls;
      running++;
      most = Math.max(most, running);
      // Later batches answer first, so a failure must wait for the batches before it.
      await new Promise((resolve) => setTimeout(resolve, call === 5 ? 1 : 20));
      running--;
      if (call === 5) throw new Error("lookup 5 failed");
      return inner.byIds(ids);
    },
    bySourceIdentities: (values) => inner.bySourceIdentities(values),
    malformed: () => [],
  };
  await expect(runAudit(source(9_000, []), directory, { window, roles: [], allEvents: false })).rejects.toThrow(
    "lookup 5 failed",
  );
  expect(most).toBe(3);
});

test("runAudit() counts the malformed records that could be in the audit: by eventTime and role when read", async () => {
  const at = (text: string) => parseTimestamp(text) as NonNullable<ReturnType<typeof parseTimestamp>>;
  const prod = "arn:aws:iam::111122223333:role/prod";
  const records: ReadRecord[] = [
    { kind: "malformed", label: "not JSON" },
    { kind: "malformed", label: "no time", roleArn: prod },
    { kind: "malformed", label: "no id, in the window", eventTime: at("2026-01-20T23:59:59Z"), roleArn: prod },
    { kind: "malformed", label: "no id, 1 s after the window", eventTime: at("2026-01-21T00:00:00Z"), roleArn: prod },
    { kind: "malformed", label: "no id, years before", eventTime: at("2019-01-20T12:00:00Z"), roleArn: prod },
    { kind: "malformed", label: "no time, another role", roleArn: "arn:aws:iam::111122223333:role/dev" },
    { kind: "malformed", label: "no time, no role", roleArn: "" },
  ];
  const source: EventSource = {
    label: "test records",
    async *read() {
      yield* records;
    },
  };
  const directory = new ExportSessionDirectory("s.ndjson", []);
  const scoped = await runAudit(source, directory, { window, roles: [{ arn: prod, prefix: false }], allEvents: false });
  expect(scoped.malformedEvents).toEqual(["no id, in the window", "no time", "not JSON"]);
  const all = await runAudit(source, directory, { window, roles: [], allEvents: false });
  expect(all.malformedEvents).toEqual([
    "no id, in the window",
    "no time",
    "no time, another role",
    "no time, no role",
    "not JSON",
  ]);
});
