// The sample that make local and make demo load, relative to the moment they start: 2,000
// generated sessions over 90 days, the sessions the docs' examples name, and CloudTrail logs of
// the same days holding every category of `audit untracked-sessions`.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { generateSessions, randomSource, rfc3339Nano } from "./generate-sessions.ts";

export const SAMPLE_TABLE = "sentinel-sessions";
export const SAMPLE_ACCOUNT = "123456789012";
export const SAMPLE_REGION = "us-east-1";
/** The caller the STS stand-in names: alice, through the audit role (her sessions are the no-filter listing). */
export const SAMPLE_CALLER_ARN = `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/sentinel-audit/alice`;
/** The generated part: 40 users (alice … yara, then alice1 … yara1), 30 profiles (prod-admin … shared-security). */
export const SAMPLE_GENERATED = { count: 2_000, days: 90, users: 40, profiles: 30, activeShare: 0.02, seed: 42 };

type StorySession = {
  id: string;
  user: string;
  profile: string;
  server: string;
  minutesAgo: number;
  lifetimeHours: number;
  requests: number;
  status?: "revoked" | "expired";
  revokedBy?: string;
  revokedReason?: string;
};

const MINUTE = 60;
const DAY_MINUTES = 24 * 60;

/** The sessions the README and the guides name, so that each example has rows to show. */
const STORY: StorySession[] = [
  // alice's current session: `server-session 0123456789abcdef`.
  {
    id: "0123456789abcdef",
    user: "alice",
    profile: "prod-admin",
    server: "i-0d4e5f6a7b8c9d0e1",
    minutesAgo: 25,
    lifetimeHours: 4,
    requests: 37,
  },
  // mallory's stolen laptop: three sessions still open (`--user mallory --status active`).
  {
    id: "6d616c6c6f727901",
    user: "mallory",
    profile: "prod-admin",
    server: "i-0f3e2d1c0b9a8f7e6",
    minutesAgo: 50,
    lifetimeHours: 4,
    requests: 112,
  },
  {
    id: "6d616c6c6f727902",
    user: "mallory",
    profile: "prod-deploy",
    server: "i-0f3e2d1c0b9a8f7e6",
    minutesAgo: 130,
    lifetimeHours: 12,
    requests: 480,
  },
  {
    id: "6d616c6c6f727903",
    user: "mallory",
    profile: "shared-readonly",
    server: "i-0d4e5f6a7b8c9d0e1",
    minutesAgo: 200,
    lifetimeHours: 12,
    requests: 9,
  },
  // The compromised host i-0abc: two sessions on it (`--server-instance i-0abc`).
  {
    id: "b0b0000000000abc",
    user: "bob",
    profile: "prod-deploy",
    server: "i-0abc",
    minutesAgo: 40,
    lifetimeHours: 4,
    requests: 64,
  },
  {
    id: "ca401000000000ab",
    user: "carol",
    profile: "staging-admin",
    server: "i-0abc",
    minutesAgo: 70,
    lifetimeHours: 12,
    requests: 5,
  },
  // A prod-admin session revoked two days ago (`--profile prod-admin --status revoked --since 7d`).
  {
    id: "da7e000000000001",
    user: "dave",
    profile: "prod-admin",
    server: "i-0d4e5f6a7b8c9d0e1",
    minutesAgo: 2 * DAY_MINUTES + 180,
    lifetimeHours: 4,
    requests: 812,
    status: "revoked",
    revokedBy: "alice",
    revokedReason: "suspicious activity",
  },
  // alice's sessions of the past days, expired.
  {
    id: "a11ce00000000001",
    user: "alice",
    profile: "prod-admin",
    server: "i-0d4e5f6a7b8c9d0e1",
    minutesAgo: DAY_MINUTES + 30,
    lifetimeHours: 4,
    requests: 211,
    status: "expired",
  },
  {
    id: "a11ce00000000002",
    user: "alice",
    profile: "audit-readonly",
    server: "i-0d4e5f6a7b8c9d0e1",
    minutesAgo: 3 * DAY_MINUTES + 400,
    lifetimeHours: 12,
    requests: 1_630,
    status: "expired",
  },
];

function storyItem(story: StorySession, nowSec: number): Record<string, AttributeValue> {
  const created = nowSec - story.minutesAgo * MINUTE;
  const expires = created + story.lifetimeHours * 3_600;
  const lastAccess = Math.min(expires, nowSec - 60, created + 45 * MINUTE);
  const stamp = (sec: number) => rfc3339Nano(sec, 0, "Z");
  const item: Record<string, AttributeValue> = {
    id: { S: story.id },
    user: { S: story.user },
    profile: { S: story.profile },
    server_instance_id: { S: story.server },
    status: { S: story.status ?? "active" },
    started_at: { S: stamp(created) },
    last_access_at: { S: stamp(lastAccess) },
    expires_at: { S: stamp(expires) },
    created_at: { S: stamp(created) },
    updated_at: { S: stamp(lastAccess) },
    request_count: { N: String(story.requests) },
    source_identity: { S: `sentinel:${story.user}:direct:${story.id.slice(8)}` },
    ttl: { N: String(expires + 180 * 86_400) },
  };
  if (story.revokedBy !== undefined) {
    item.revoked_by = { S: story.revokedBy };
    item.revoked_reason = { S: story.revokedReason ?? "manual revoke" };
  }
  return item;
}

/** The sample table's items for a start at `now`: the same sessions, at the same distance from now, every time. */
export function sampleSessions(now: Date): Record<string, AttributeValue>[] {
  const nowSec = Math.floor(now.getTime() / 1000);
  return [...generateSessions({ ...SAMPLE_GENERATED, now }), ...STORY.map((story) => storyItem(story, nowSec))];
}

export type SampleCategory = "tracked" | "untracked" | "orphaned" | "mismatch" | "denied" | "service";
export type TrailRecord = Record<string, unknown> & { eventID: string; eventTime: string };
export type SampleTrail = {
  records: TrailRecord[];
  /** The category each AssumeRole event was written to show, by eventID. */
  categories: Map<string, SampleCategory>;
};

/** Epoch ms of a stored timestamp (RFC 3339, any fraction, Z or an offset). */
function instantMs(text: string): number {
  const match = /^(.{19})(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.exec(text);
  if (match === null) throw new Error(`sample timestamp "${text}" is not RFC 3339`);
  return Date.parse(`${match[1]}${(match[2] ?? "").slice(0, 4)}${match[3]}`);
}

const text = (item: Record<string, AttributeValue>, name: string) => item[name]?.S ?? "";

/**
 * CloudTrail records of the sample's last 6.5 days, as a trail delivers them: an AssumeRole by
 * a Sentinel server for each session begun then, and the role uses the audit is there to find.
 */
export function sampleTrail(sessions: Record<string, AttributeValue>[], now: Date): SampleTrail {
  const random = randomSource(7);
  const hex = (chars: number) => Array.from({ length: chars }, () => Math.floor(random() * 16).toString(16)).join("");
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const nowMs = now.getTime();
  const records: TrailRecord[] = [];
  const categories = new Map<string, SampleCategory>();
  const role = (name: string) => `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${name}`;
  const server = (instance: string) => ({
    type: "AssumedRole",
    principalId: `AROAQXSENTINELSERVER:${instance}`,
    arn: `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/sentinel-server/${instance}`,
    accountId: SAMPLE_ACCOUNT,
  });
  const record = (
    atMs: number,
    fields: { userIdentity: Record<string, unknown>; sourceIPAddress: string; userAgent: string },
    requestParameters: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    eventName = "AssumeRole",
  ): TrailRecord => {
    const r: TrailRecord = {
      eventVersion: "1.08",
      userIdentity: fields.userIdentity,
      eventTime: `${new Date(Math.min(atMs, nowMs - 1_000)).toISOString().slice(0, 19)}Z`,
      eventSource: "sts.amazonaws.com",
      eventName,
      awsRegion: SAMPLE_REGION,
      sourceIPAddress: fields.sourceIPAddress,
      userAgent: fields.userAgent,
      requestParameters,
      ...extra,
      requestID: uuid(),
      eventID: uuid(),
      readOnly: true,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: SAMPLE_ACCOUNT,
      eventCategory: "Management",
    };
    records.push(r);
    return r;
  };
  const assumeRole = (category: SampleCategory, ...args: Parameters<typeof record>) =>
    categories.set(record(...args).eventID, category);
  const ago = (minutes: number) => nowMs - minutes * 60_000;
  const SERVER_AGENT = "sentinel-server/1.4.2 aws-sdk-go-v2/1.30.3 os/linux";
  const ip = () => `10.0.${Math.floor(random() * 64)}.${1 + Math.floor(random() * 250)}`;

  // tracked: Sentinel servers assume each session's role when it begins; most calls carry the
  // session tag, some (older servers) only the source identity.
  const since = nowMs - 6.5 * 86_400_000;
  let n = 0;
  for (const session of sessions) {
    const createdMs = instantMs(text(session, "created_at"));
    if (createdMs < since) continue;
    const tagged = n++ % 5 !== 4;
    const sourceIdentity = text(session, "source_identity");
    assumeRole(
      "tracked",
      createdMs + 2_000,
      { userIdentity: server(text(session, "server_instance_id")), sourceIPAddress: ip(), userAgent: SERVER_AGENT },
      {
        roleArn: role(text(session, "profile")),
        roleSessionName: `sentinel-${text(session, "user")}`,
        durationSeconds: 3600,
        sourceIdentity,
        ...(tagged ? { tags: [{ key: "SentinelSessionID", value: text(session, "id") }] } : {}),
      },
    );
  }
  const ids = new Set(sessions.map((session) => text(session, "id")));
  const forgotten = "9f8e7d6c5b4a3921";
  if (ids.has(forgotten)) throw new Error(`sample session ${forgotten} must not exist: it is the orphaned one`);

  // mismatch: on the compromised host, someone presents bob's session as mallory.
  assumeRole(
    "mismatch",
    ago(30),
    { userIdentity: server("i-0abc"), sourceIPAddress: "10.0.7.99", userAgent: SERVER_AGENT },
    {
      roleArn: role("prod-deploy"),
      roleSessionName: "sentinel-mallory",
      durationSeconds: 3600,
      sourceIdentity: "sentinel:mallory:direct:5eed0bad",
      tags: [{ key: "SentinelSessionID", value: "b0b0000000000abc" }],
    },
  );
  // orphaned: a session tag of no session in the table (expired out of it, or forged).
  assumeRole(
    "orphaned",
    ago(4 * DAY_MINUTES + 95),
    { userIdentity: server("i-0d4e5f6a7b8c9d0e1"), sourceIPAddress: "10.0.3.17", userAgent: SERVER_AGENT },
    {
      roleArn: role("prod-admin"),
      roleSessionName: "sentinel-victor",
      durationSeconds: 3600,
      sourceIdentity: "sentinel:victor:direct:3c2b1a09",
      tags: [{ key: "SentinelSessionID", value: forgotten }],
    },
  );
  // untracked: the role used around Sentinel, by an IAM user's own keys and by a CI role.
  assumeRole(
    "untracked",
    ago(5 * 60 + 12),
    {
      userIdentity: {
        type: "IAMUser",
        principalId: "AIDAQXTRENTEXAMPLE01",
        arn: `arn:aws:iam::${SAMPLE_ACCOUNT}:user/trent`,
        accountId: SAMPLE_ACCOUNT,
        userName: "trent",
      },
      sourceIPAddress: "203.0.113.45",
      userAgent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0 exec-env/bash",
    },
    { roleArn: role("prod-admin"), roleSessionName: "trent-debug", durationSeconds: 3600 },
  );
  assumeRole(
    "untracked",
    ago(3 * DAY_MINUTES + 240),
    {
      userIdentity: {
        type: "AssumedRole",
        principalId: "AROAQXGITHUBDEPLOY01:GitHubActions",
        arn: `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/github-deploy/GitHubActions`,
        accountId: SAMPLE_ACCOUNT,
      },
      sourceIPAddress: "198.51.100.20",
      userAgent: "aws-sdk-js/3.620.0 ua/2.0 os/linux#6.5.0 lang/js md/nodejs#20.16.0",
    },
    {
      roleArn: role("prod-deploy"),
      roleSessionName: "deploy-4711",
      durationSeconds: 900,
      sourceIdentity: "github-actions",
    },
  );
  // denied: calls that failed, so nothing was granted.
  for (const minutes of [2 * DAY_MINUTES + 61, 6 * DAY_MINUTES + 15]) {
    assumeRole(
      "denied",
      ago(minutes),
      {
        userIdentity: {
          type: "IAMUser",
          principalId: "AIDAQXPEGGYEXAMPLE01",
          arn: `arn:aws:iam::${SAMPLE_ACCOUNT}:user/peggy`,
          accountId: SAMPLE_ACCOUNT,
          userName: "peggy",
        },
        sourceIPAddress: "192.0.2.77",
        userAgent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0",
      },
      { roleArn: role("prod-admin"), roleSessionName: "peggy", durationSeconds: 3600 },
      {
        errorCode: "AccessDenied",
        errorMessage: `User: arn:aws:iam::${SAMPLE_ACCOUNT}:user/peggy is not authorized to perform: sts:AssumeRole on resource: ${role("prod-admin")}`,
      },
    );
  }
  // service: EC2 refreshing an instance profile's credentials twice a day.
  for (let hours = 3; hours < 6.5 * 24; hours += 12) {
    assumeRole(
      "service",
      ago(hours * 60),
      {
        userIdentity: { type: "AWSService", invokedBy: "ec2.amazonaws.com" },
        sourceIPAddress: "ec2.amazonaws.com",
        userAgent: "ec2.amazonaws.com",
      },
      { roleArn: role("ec2-ssm"), roleSessionName: "i-0abc", durationSeconds: 21600 },
    );
  }
  // Other STS calls in the same files, which the audit passes over.
  for (const minutes of [20, 26 * 60, 50 * 60]) {
    record(
      ago(minutes),
      {
        userIdentity: {
          type: "AssumedRole",
          principalId: "AROAQXSENTINELAUDIT1:alice",
          arn: SAMPLE_CALLER_ARN,
          accountId: SAMPLE_ACCOUNT,
        },
        sourceIPAddress: "10.0.1.5",
        userAgent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0",
      },
      {},
      {},
      "GetCallerIdentity",
    );
  }
  records.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
  return { records, categories };
}

/** A log file written: its key below the folder (`AWSLogs/…`), its gzip bytes, and its delivery (epoch seconds, from its name). */
export type TrailFile = { key: string; body: Buffer; deliveredSec: number };

/**
 * Writes the records as a trail's S3 layout below `dir` (after `aws s3 sync`): one gzipped
 * `{"Records": [...]}` file per hour, `AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`, named
 * for a delivery at 55 minutes past that hour, or, for this hour's, at `now`'s minute (a
 * name after now is no delivery CloudTrail made). Replaces `dir`; returns the files.
 */
export function writeTrail(dir: string, records: TrailRecord[], now: Date): TrailFile[] {
  const nowMinute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
  rmSync(dir, { recursive: true, force: true });
  const files = new Map<string, TrailRecord[]>();
  for (const r of records) {
    const hour = r.eventTime.slice(0, 13);
    files.set(hour, [...(files.get(hour) ?? []), r]);
  }
  const random = randomSource(9);
  const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const written: TrailFile[] = [];
  for (const [hour, inFile] of files) {
    const [date, hh] = hour.split("T") as [string, string];
    const [yyyy, mm, dd] = date.split("-") as [string, string, string];
    const folder = ["AWSLogs", SAMPLE_ACCOUNT, "CloudTrail", SAMPLE_REGION, yyyy, mm, dd].join("/");
    mkdirSync(join(dir, folder), { recursive: true });
    const suffix = Array.from({ length: 16 }, () => alnum[Math.floor(random() * alnum.length)]).join("");
    const minute = nowMinute < `${hour}:55` ? nowMinute.slice(14, 16) : "55";
    const name = `${SAMPLE_ACCOUNT}_CloudTrail_${SAMPLE_REGION}_${yyyy}${mm}${dd}T${hh}${minute}Z_${suffix}.json.gz`;
    const body = gzipSync(JSON.stringify({ Records: inFile }));
    writeFileSync(join(dir, folder, name), body);
    written.push({ key: `${folder}/${name}`, body, deliveredSec: Date.parse(`${hour}:${minute}:00Z`) / 1000 });
  }
  return written;
}
