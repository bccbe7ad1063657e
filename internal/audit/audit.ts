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
import type { AssumeRoleEvent, ReadRecord } from "./event.ts";
import { EventIdSet } from "./event-id-set.ts";
import { inScope, type RoleScope } from "./role-scope.ts";
import type { SessionDirectory } from "./session-directory.ts";
import type { EventSource } from "./source.ts";

/** Events are matched to sessions in batches: lookups stay in proportion, memory stays flat. */
const BATCH_EVENTS = 1_000;
/**
 * Batches whose sessions are being looked up while the source is read on:
 * reading and parsing overlap the table's answers, and memory stays bounded
 * by this many batches.
 */
const BATCHES_IN_FLIGHT = 3;

export type AuditOptions = {
  window: TimeWindow;
  roles: RoleScope;
  /** Keep every event, not only findings. */
  allEvents: boolean;
  signal?: AbortSignal;
  /** After every batch, e.g. for progress. */
  onBatch?: (counts: { events: number; findings: number }) => void;
};

type SessionsFound = [byId: Map<string, SessionRef>, bySourceIdentity: Map<string, SessionRef>];

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

/**
 * Whether a malformed record could be one of the audit's events (SPEC §5 and
 * §9, as for session items): one whose eventTime parsed is placed by it, and
 * one whose role was read is scoped by it; what cannot be placed or scoped
 * (a record that is not JSON, an eventTime that does not parse) counts.
 */
function couldBeAudited(record: Extract<ReadRecord, { kind: "malformed" }>, options: AuditOptions): boolean {
  if (record.eventTime !== undefined && !inWindow(record.eventTime, options.window)) return false;
  return record.roleArn === undefined || inScope(record.roleArn, options.roles);
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
  const seen = new EventIdSet();
  let findings = 0;
  let batch: AssumeRoleEvent[] = [];
  const inFlight: { events: AssumeRoleEvent[]; sessions: Promise<SessionsFound> }[] = [];

  const lookUp = (events: readonly AssumeRoleEvent[]): Promise<SessionsFound> => {
    const ids = new Set<string>();
    const sourceIdentities = new Set<string>();
    for (const event of events) {
      if (event.callerType === "AWSService" || event.errorCode !== "") continue;
      const name = sessionNameOf(event);
      if (name?.by === "tag") ids.add(name.id);
      else if (name?.by === "source-identity") sourceIdentities.add(name.value);
    }
    return Promise.all([directory.byIds([...ids]), directory.bySourceIdentities([...sourceIdentities])]);
  };

  const settleOldest = async () => {
    const { events, sessions } = inFlight.shift() as (typeof inFlight)[number];
    const [byId, bySourceIdentity] = await sessions;
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

  const dispatch = async () => {
    const events = batch;
    batch = [];
    const sessions = lookUp(events);
    // A later batch may fail while an earlier one is awaited; its error is met in turn.
    sessions.catch(() => {});
    inFlight.push({ events, sessions });
    if (inFlight.length >= BATCHES_IN_FLIGHT) await settleOldest();
  };

  for await (const record of source.read(options.window, options.signal)) {
    if (record.kind === "other") continue;
    if (record.kind === "malformed") {
      if (couldBeAudited(record, options)) malformed.add(record.label);
      continue;
    }
    const event = record.event;
    if (!inWindow(event.eventTime, options.window) || !inScope(event.roleArn, options.roles)) continue;
    // The same call is recorded in every trail region that receives it (global STS calls).
    if (!seen.add(event.eventId)) continue;
    batch.push(event);
    if (batch.length >= BATCH_EVENTS) await dispatch();
  }
  if (batch.length > 0) await dispatch();
  while (inFlight.length > 0) await settleOldest();
  rows.sort(newestFirst);
  return {
    rows,
    summary,
    findings,
    malformedEvents: [...malformed].sort(),
    malformedSessions: directory.malformed(),
  };
}
