// A local CloudTrail LookupEvents endpoint, spoken to by the real SDK (tests and make local).
//
// Wire shapes come from the AWS CloudTrail API reference for LookupEvents and
// from the service model shipped in @aws-sdk/client-cloudtrail
// (dist-cjs/index.js: LookupEventsRequest$, LookupEventsResponse$, Event$ and
// the error structures): AWS JSON 1.1, `X-Amz-Target:
// CloudTrail_20131101.LookupEvents`, timestamps as epoch seconds, events newest
// first, `CloudTrailEvent` the record as a JSON string, errors as
// `{"__type": "<Name>", "message": "..."}`; ThrottlingException is HTTP 429 in
// that model ("Rate exceeded" is the service's message), the Invalid*
// exceptions HTTP 400.
//
// ListPublicKeys (`X-Amz-Target: CloudTrail_20131101.ListPublicKeys`) follows
// the API reference for ListPublicKeys and the same model's
// ListPublicKeysRequest$ (StartTime, EndTime as epoch seconds, NextToken) and
// ListPublicKeysResponse$ / PublicKey$: `PublicKeyList` of `{Value (blob, so
// base64 in JSON), ValidityStartTime, ValidityEndTime, Fingerprint}`. The keys
// answered are those whose validity overlaps the asked range.
import type { Server } from "bun";

export type FakeRecord = Record<string, unknown> & { eventID?: unknown; eventTime?: unknown; eventName?: unknown };

/** A stored event: its CloudTrail record, or (for malformed-event tests) raw text with the API's own fields. */
export type FakeEvent = FakeRecord | { rawCloudTrailEvent: string; eventId: string; eventTime: string };

export type FakeRequest = { region: string; atMs: number; status: number; error?: string };

export type FakeCloudTrail = {
  url: string;
  requests: FakeRequest[];
  /** The most requests of `region` that arrived within any one span of the rate limit (a second unless shortened). */
  busiestSecond(region: string): number;
  stop(): void;
};

/** A public key CloudTrail would list: its DER bytes, fingerprint and validity (epoch seconds). */
export type FakePublicKey = { der: Uint8Array; fingerprint: string; validFromSec: number; validToSec: number };

export type FakeOptions = {
  /** Events per region. */
  events: Record<string, FakeEvent[]>;
  /** Public keys per region, for ListPublicKeys. */
  publicKeys?: Record<string, FakePublicKey[]>;
  /** Answer this request (1-based, per region) with a ThrottlingException. */
  throttle?: (region: string, n: number) => boolean;
  /**
   * The span of CloudTrail's 2-requests-a-second limit, 1000 ms unless given. A test that
   * measures a client's pacing by arrival times can shorten it by the jitter an arrival may
   * carry (a busy event loop between the client's send and the server's handler).
   */
  rateWindowMs?: number;
};

const MAX_RESULTS = 50;
const JSON_TYPE = "application/x-amz-json-1.1";

function error(status: number, type: string, message: string): Response {
  return new Response(JSON.stringify({ __type: type, message }), {
    status,
    headers: { "content-type": JSON_TYPE, "x-amzn-requestid": crypto.randomUUID() },
  });
}

function fields(e: FakeEvent): { id: string; timeMs: number; name: string; text: string; record?: FakeRecord } {
  if ("rawCloudTrailEvent" in e && typeof e.rawCloudTrailEvent === "string") {
    const raw = e as { rawCloudTrailEvent: string; eventId: string; eventTime: string };
    return { id: raw.eventId, timeMs: Date.parse(raw.eventTime), name: "AssumeRole", text: raw.rawCloudTrailEvent };
  }
  const r = e as FakeRecord;
  const t = typeof r.eventTime === "string" ? Date.parse(r.eventTime) : Number.NaN;
  return {
    id: String(r.eventID ?? ""),
    timeMs: t,
    name: String(r.eventName ?? ""),
    text: JSON.stringify(r),
    record: r,
  };
}

export function startFakeCloudTrail(options: FakeOptions): FakeCloudTrail {
  const requests: FakeRequest[] = [];
  const rateWindowMs = options.rateWindowMs ?? 1000;
  const counts = new Map<string, number>();
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const atMs = performance.now();
      // SigV4: Credential=<key>/<date>/<region>/cloudtrail/aws4_request
      const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
      const n = (counts.get(region) ?? 0) + 1;
      counts.set(region, n);
      const log: FakeRequest = { region, atMs, status: 200 };
      requests.push(log);
      const fail = (status: number, type: string, message: string) => {
        log.status = status;
        log.error = type;
        return error(status, type, message);
      };
      if (request.headers.get("x-amz-target") === "CloudTrail_20131101.ListPublicKeys") {
        const body = (await request.json()) as { StartTime?: number; EndTime?: number };
        const fromSec = body.StartTime ?? Number.NEGATIVE_INFINITY;
        const toSec = body.EndTime ?? Number.POSITIVE_INFINITY;
        const keys = (options.publicKeys?.[region] ?? []).filter(
          (k) => k.validFromSec <= toSec && k.validToSec >= fromSec,
        );
        const payload = {
          PublicKeyList: keys.map((k) => ({
            Value: Buffer.from(k.der).toString("base64"),
            ValidityStartTime: k.validFromSec,
            ValidityEndTime: k.validToSec,
            Fingerprint: k.fingerprint,
          })),
        };
        return new Response(JSON.stringify(payload), {
          headers: { "content-type": JSON_TYPE, "x-amzn-requestid": crypto.randomUUID() },
        });
      }
      if (request.headers.get("x-amz-target") !== "CloudTrail_20131101.LookupEvents") {
        return fail(400, "UnknownOperationException", "Unknown operation");
      }
      const recent = requests.filter((r) => r.region === region && atMs - r.atMs < rateWindowMs).length;
      if (recent > 2 || options.throttle?.(region, n)) return fail(429, "ThrottlingException", "Rate exceeded");
      const body = (await request.json()) as {
        LookupAttributes?: { AttributeKey: string; AttributeValue: string }[];
        StartTime?: number;
        EndTime?: number;
        MaxResults?: number;
        NextToken?: string;
      };
      const attributes = body.LookupAttributes ?? [];
      if (attributes.length > 1) {
        return fail(400, "InvalidLookupAttributesException", "You can only specify one lookup attribute.");
      }
      const max = body.MaxResults ?? MAX_RESULTS;
      if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
        return fail(400, "InvalidMaxResultsException", "MaxResults must be between 1 and 50.");
      }
      const startMs = body.StartTime === undefined ? Number.NEGATIVE_INFINITY : body.StartTime * 1000;
      const endMs = body.EndTime === undefined ? Number.POSITIVE_INFINITY : body.EndTime * 1000;
      if (startMs > endMs) return fail(400, "InvalidTimeRangeException", "Start time must be before end time.");
      const query = JSON.stringify([attributes, body.StartTime, body.EndTime]);
      let offset = 0;
      if (body.NextToken !== undefined) {
        let token: { o?: unknown; q?: unknown } = {};
        try {
          token = JSON.parse(Buffer.from(body.NextToken, "base64url").toString("utf8"));
        } catch {}
        if (typeof token.o !== "number" || token.q !== query) {
          return fail(400, "InvalidNextTokenException", "Invalid next token.");
        }
        offset = token.o;
      }
      const wanted = attributes[0];
      const matching = (options.events[region] ?? [])
        .map(fields)
        .filter((e) => e.timeMs >= startMs && e.timeMs <= endMs)
        .filter((e) => wanted === undefined || wanted.AttributeKey !== "EventName" || e.name === wanted.AttributeValue)
        .sort((a, b) => b.timeMs - a.timeMs);
      const page = matching.slice(offset, offset + max);
      const next = offset + max < matching.length;
      const payload = {
        Events: page.map((e) => ({
          EventId: e.id,
          EventName: e.name,
          ReadOnly: "false",
          EventTime: e.timeMs / 1000,
          EventSource: "sts.amazonaws.com",
          Username: String((e.record?.userIdentity as { userName?: unknown } | undefined)?.userName ?? ""),
          Resources: [],
          CloudTrailEvent: e.text,
        })),
        ...(next
          ? { NextToken: Buffer.from(JSON.stringify({ o: offset + max, q: query })).toString("base64url") }
          : {}),
      };
      return new Response(JSON.stringify(payload), {
        headers: { "content-type": JSON_TYPE, "x-amzn-requestid": crypto.randomUUID() },
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    busiestSecond(region) {
      const times = requests.filter((r) => r.region === region).map((r) => r.atMs);
      let most = 0;
      for (let i = 0; i < times.length; i++) {
        let inSecond = 0;
        for (let j = i; j < times.length && (times[j] as number) - (times[i] as number) < rateWindowMs; j++) inSecond++;
        most = Math.max(most, inSecond);
      }
      return most;
    },
    stop: () => server.stop(true),
  };
}
