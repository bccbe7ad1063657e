import type { AssumeRoleEvent } from "./event.ts";

/** The categories of SPEC §9, in precedence order. */
export const CATEGORIES = ["service", "denied", "untracked", "orphaned", "mismatch", "tracked"] as const;
export type Category = (typeof CATEGORIES)[number];

/** The categories that need action. */
export const FINDING_CATEGORIES: readonly Category[] = ["untracked", "orphaned", "mismatch"];

/** What the audit needs of a session: how it is named and whose it is. */
export type SessionRef = { id: string; user: string; sourceIdentity: string };

/** How an event names its session: by the session tag, or by a Sentinel source identity. */
export type SessionName = { by: "tag"; id: string } | { by: "source-identity"; value: string } | undefined;

export type Verdict = {
  category: Category;
  /** The session named (tag) or matched; "" when none. */
  sessionId: string;
  /** The matched session's user; "" when none matched. */
  sessionUser: string;
  /** One short sentence. */
  reason: string;
};

const q = (text: string) => JSON.stringify(text);

/**
 * The user of a Sentinel source identity: `sentinel:<user>:<direct|approval id>:<request id>`,
 * or the legacy `sentinel:<user>:<request id>`; `undefined` for anything else.
 * @example sentinelUser("sentinel:alice:direct:req-1") // "alice"
 * @example sentinelUser("sentinel:alice:req-1") // "alice"
 */
export function sentinelUser(sourceIdentity: string): string | undefined {
  const parts = sourceIdentity.split(":");
  if (parts[0] !== "sentinel" || (parts.length !== 3 && parts.length !== 4)) return undefined;
  if (parts.some((part) => part === "")) return undefined;
  return parts[1];
}

/** True when the source identity claims to be Sentinel's (it may still be malformed). */
export function isSentinelSourceIdentity(sourceIdentity: string): boolean {
  return sourceIdentity.startsWith("sentinel:");
}

/** Which session the event names, if it names one (categories 1-3 aside). */
export function sessionNameOf(event: AssumeRoleEvent): SessionName {
  if (event.sessionTag !== "") return { by: "tag", id: event.sessionTag };
  if (isSentinelSourceIdentity(event.sourceIdentity)) return { by: "source-identity", value: event.sourceIdentity };
  return undefined;
}

/**
 * The first category of SPEC §9 that applies. `session` is the session matched
 * by the event's tag (by id) or, without a tag, by its source identity.
 * `where` names the place sessions came from, for the reason ("the table").
 */
export function categorize(event: AssumeRoleEvent, session: SessionRef | undefined, where: string): Verdict {
  const none = { sessionId: "", sessionUser: "" };
  if (event.callerType === "AWSService") {
    return { category: "service", ...none, reason: "called by an AWS service" };
  }
  if (event.errorCode !== "") {
    return { category: "denied", ...none, reason: `the call failed with ${event.errorCode}` };
  }
  const name = sessionNameOf(event);
  if (name === undefined) {
    const reason =
      event.sourceIdentity === ""
        ? `no SentinelSessionID tag and no source identity: the role was assumed without Sentinel`
        : `no SentinelSessionID tag and source identity ${q(event.sourceIdentity)} is not Sentinel's: the role was assumed without Sentinel`;
    return { category: "untracked", ...none, reason };
  }
  if (session === undefined) {
    const reason =
      name.by === "tag"
        ? `session ${q(name.id)} of the SentinelSessionID tag is not in ${where}: deleted before the audit, or forged`
        : `no session in ${where} has source identity ${q(name.value)}: deleted before the audit, or forged`;
    return { category: "orphaned", sessionId: name.by === "tag" ? name.id : "", sessionUser: "", reason };
  }
  const matched = { sessionId: session.id, sessionUser: session.user };
  const claimed = sentinelUser(event.sourceIdentity);
  if (claimed === undefined) {
    const shown = event.sourceIdentity === "" ? "no source identity" : `source identity ${q(event.sourceIdentity)}`;
    return {
      category: "mismatch",
      ...matched,
      reason: `session ${q(session.id)} belongs to ${q(session.user)}, but the event has ${shown} naming no user`,
    };
  }
  if (claimed !== session.user) {
    return {
      category: "mismatch",
      ...matched,
      reason: `session ${q(session.id)} belongs to ${q(session.user)}, but the source identity names ${q(claimed)}`,
    };
  }
  return { category: "tracked", ...matched, reason: `session ${q(session.id)} of ${q(session.user)}` };
}
