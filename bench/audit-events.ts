// What the audit benchmarks read: a table of sessions and the AssumeRole
// events that name them, as CloudTrail records (shared by the log-folder and
// the trail-bucket cases, so both read the same events).
export const SESSIONS = Number(process.env.BENCH_AUDIT_SESSIONS ?? 100_000);
/** Records a log file (a trail writes about this many in a busy minute or two). */
export const PER_FILE = 100;
/** The day the events fall on, UTC midnight in ms. */
export const DAY = Date.UTC(2026, 0, 20);
export const ACCOUNT = "111122223333";

export const sessionId = (i: number) => i.toString(16).padStart(16, "0");
const user = (i: number) => `user${i % 200}`;
export const at = (ms: number) => new Date(ms).toISOString().replace(/\.(\d+)Z$/, "Z");

/** The table's items: SESSIONS sessions created over DAY. */
export function* sessionItems() {
  for (let i = 0; i < SESSIONS; i++) {
    const created = at(DAY + Math.floor((i / SESSIONS) * 86_000_000));
    yield {
      id: { S: sessionId(i) },
      user: { S: user(i) },
      profile: { S: "prod" },
      status: { S: "expired" },
      created_at: { S: created },
      started_at: { S: created },
      source_identity: { S: `sentinel:${user(i)}:direct:req-${i}` },
      request_count: { N: "3" },
    };
  }
}

/** Event n's time: 100,000 events spread over DAY (about one every 0.86 s). */
export const eventMs = (n: number) => DAY + Math.floor((n / 100_000) * 86_000_000) + 1000;

/** One AssumeRole record in CloudTrail's shape; 1 in 100 without Sentinel. */
export function record(n: number, timeMs = eventMs(n)): Record<string, unknown> {
  const i = n % SESSIONS;
  const untracked = n % 100 === 99;
  return {
    eventVersion: "1.08",
    userIdentity: {
      type: "IAMUser",
      principalId: "AIDAEXAMPLE",
      arn: `arn:aws:iam::${ACCOUNT}:user/sentinel-server`,
      accountId: ACCOUNT,
      userName: "sentinel-server",
    },
    eventTime: at(timeMs),
    eventSource: "sts.amazonaws.com",
    eventName: "AssumeRole",
    awsRegion: "us-east-1",
    sourceIPAddress: "198.51.100.7",
    userAgent: "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 api/sts#1.30.3",
    requestParameters: {
      roleArn: `arn:aws:iam::${ACCOUNT}:role/prod-admin`,
      roleSessionName: user(i),
      durationSeconds: 3600,
      ...(untracked
        ? {}
        : {
            sourceIdentity: `sentinel:${user(i)}:direct:req-${i}`,
            tags: [{ key: "SentinelSessionID", value: sessionId(i) }],
          }),
    },
    responseElements: {
      credentials: { accessKeyId: "ASIAEXAMPLE", sessionToken: "token", expiration: "Jan 20, 2026, 11:30:00 PM" },
      assumedRoleUser: {
        assumedRoleId: `AROAEXAMPLE:${user(i)}`,
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/prod-admin/${user(i)}`,
      },
    },
    requestID: `req-${n}`,
    eventID: `bench-${n}`,
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
  };
}

/** The events of log file f (of `events` in all): its records' JSON text and its newest event's time. */
export function logFile(f: number, events: number): { text: string; newestMs: number } {
  const records = [];
  const last = Math.min(events, (f + 1) * PER_FILE);
  for (let n = f * PER_FILE; n < last; n++) records.push(record(n));
  return { text: JSON.stringify({ Records: records }), newestMs: eventMs(last - 1) };
}
