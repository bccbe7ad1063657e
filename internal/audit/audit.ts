import { compareInstants } from "../timefilter/instant.ts";
import { inWindow, type TimeWindow } from "../timefilter/parse-when.ts";
import {
  CATEGORIES,
  type Category,
  categorize,
  FINDING_CATEGORIES,
  type SessionRef,
  sessionNameOf,
  type Verdict,
} from "./categorize.ts";
import type { AssumeRoleEvent } from "./event.ts";
import { inScope, type RoleScope } from "./role-scope.ts";
import type { SessionDirectory } from "./session-directory.ts";
import type { EventSource } from "./source.ts";

/** Events are matched to sessions in batches: lookups stay in proportion, memory stays flat. */
const BATCH_EVENTS = 1_000;

export type AuditOptions = {
  window: TimeWindow;
  roles: RoleScope;
  /** Keep every event, not only findings. */
  allEvents: boolean;
  signal?: AbortSignal;
  /** After every batch, e.g. for progress. */
  onBatch?: (counts: { events: number; findings: number }) => void;
};

export type AuditedEvent = { event: AssumeRoleEvent; verdict: Verdict };

export type Summary = { events: number } & Record<Category, number>;

export type AuditResult = {
  /** Findings (or every event with --all-events), newest first, ties by eventID. */
  rows: AuditedEvent[];
  summary: Summary;
  findings: number;
  /** Labels of malformed events, each once, sorted. */
  malformedEvents: string[];
  /** Labels of malformed session items met in the table. */
  malformedSessions: readonly string[];
};

/** Newest first; ties by eventID ascending. */
export function newestFirst(a: AuditedEvent, b: AuditedEvent): number {
  const byTime = compareInstants(b.event.eventTime, a.event.eventTime);
  if (byTime !== 0) return byTime;
  return a.event.eventId < b.event.eventId ? -1 : a.event.eventId > b.event.eventId ? 1 : 0;
}

/** Reads the source, keeps the AssumeRole events of the window and scope once each, and categorizes them (SPEC §9). */
export async function runAudit(
  source: EventSource,
  directory: SessionDirectory,
  options: AuditOptions,
): Promise<AuditResult> {
  const summary = Object.fromEntries([["events", 0], ...CATEGORIES.map((c) => [c, 0])]) as Summary;
  const rows: AuditedEvent[] = [];
  const malformed = new Set<string>();
  const seen = new Set<string>();
  let findings = 0;
  let batch: AssumeRoleEvent[] = [];

  const settle = async () => {
    const events = batch;
    batch = [];
    const ids: string[] = [];
    const sourceIdentities: string[] = [];
    for (const event of events) {
      if (event.callerType === "AWSService" || event.errorCode !== "") continue;
      const name = sessionNameOf(event);
      if (name?.by === "tag") ids.push(name.id);
      else if (name?.by === "source-identity") sourceIdentities.push(name.value);
    }
    const [byId, bySourceIdentity] = await Promise.all([
      directory.byIds([...new Set(ids)]),
      directory.bySourceIdentities([...new Set(sourceIdentities)]),
    ]);
    for (const event of events) {
      const name = sessionNameOf(event);
      const session: SessionRef | undefined =
        name === undefined ? undefined : name.by === "tag" ? byId.get(name.id) : bySourceIdentity.get(name.value);
      const verdict = categorize(event, session, directory.where);
      summary.events++;
      summary[verdict.category]++;
      const isFinding = FINDING_CATEGORIES.includes(verdict.category);
      if (isFinding) findings++;
      if (isFinding || options.allEvents) rows.push({ event, verdict });
    }
    options.onBatch?.({ events: summary.events, findings });
  };

  for await (const record of source.read(options.window, options.signal)) {
    if (record.kind === "other") continue;
    if (record.kind === "malformed") {
      malformed.add(record.label);
      continue;
    }
    const event = record.event;
    if (!inWindow(event.eventTime, options.window) || !inScope(event.roleArn, options.roles)) continue;
    // The same call is recorded in every trail region that receives it (global STS calls).
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    batch.push(event);
    if (batch.length >= BATCH_EVENTS) await settle();
  }
  if (batch.length > 0) await settle();
  rows.sort(newestFirst);
  return {
    rows,
    summary,
    findings,
    malformedEvents: [...malformed].sort(),
    malformedSessions: directory.malformed(),
  };
}
