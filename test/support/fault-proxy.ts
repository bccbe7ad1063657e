// A small HTTP proxy between the program and DynamoDB Local that injects the
// faults DynamoDB Local cannot produce: throttling, 5xx, dropped connections,
// truncated, stalled or trickling bodies, and answers that are not DynamoDB
// results at all. Loopback only; every request is forwarded or answered by script.
//
// Wire shapes: the awsJson1_0 protocol of DynamoDB (API reference, "Error
// handling with DynamoDB"): errors are an HTTP 4xx/5xx with content-type
// application/x-amz-json-1.0 and a body {"__type": "com.amazonaws.dynamodb.v20120810#<Name>", "message": …};
// results are HTTP 200 with a JSON object of the same content-type.

import type { Socket } from "node:net";
import { requestServer } from "./http-requests.ts";

export type Fault =
  | "pass"
  | "slow" // forward after SLOW_MS: a run of many requests lasts at least their number times that
  | "late" // forward at once (the write is applied), answer after LATE_MS
  | "throttle" // 400 ThrottlingException
  | "provisioned" // 400 ProvisionedThroughputExceededException
  | "access-denied" // 400 AccessDeniedException (an IAM policy without the action)
  | "http500"
  | "http503"
  | "drop" // forward, then close the connection after half the response
  | "truncate" // forward, send the headers and half the body, then close
  | "stall" // never answer
  | "stall-body" // forward, send the headers and half the body, then send nothing more (connection kept open)
  | "trickle" // forward, send the headers, then the body one byte a second
  | "empty-body" // 200 with an empty body
  | "null-body" // 200 with the JSON text null
  | "items-not-list" // 200 {"Items":"notalist"}
  | "items-null" // 200 {"Items":null,"Count":0,"ScannedCount":0}
  | "null-item" // 200 {"Items":[null],"Count":1,"ScannedCount":1}
  | "html" // 200 with an HTML page (a captive portal or a wrong endpoint)
  | "same-key"; // forward, but replace the answer's LastEvaluatedKey with one fixed key, page after page

/**
 * Picks the fault for the n-th request (1-based) with its X-Amz-Target, e.g.
 * "DynamoDB_20120810.Scan"; `body` is the request's JSON text, to pick by key.
 */
export type FaultScript = (n: number, target: string, body: string) => Fault;

export type FaultProxy = {
  url: string;
  /**
   * Requests seen so far, by operation; `at` and `answeredAt` are this
   * process's performance.now() when the request arrived and when its
   * forwarded answer was written back.
   */
  seen: { n: number; target: string; fault: Fault; at: number; answeredAt?: number }[];
  /** Resolves when the n-th request has been seen. */
  requestSeen(n: number): Promise<void>;
  /** Resolves when the connection that carried the n-th request is closed (by either side). */
  connectionClosed(n: number): Promise<void>;
  stop(): Promise<void>;
};

const JSON_TYPE = "application/x-amz-json-1.0";
/** The delay of a "slow" request. */
export const SLOW_MS = 20;
/** How long a "late" request's answer is held back: longer than a stopped run's grace for the rest. */
export const LATE_MS = 3_000;

const ERROR_BODY: Partial<Record<Fault, [number, string, string]>> = {
  throttle: [
    400,
    "com.amazonaws.dynamodb.v20120810#ThrottlingException",
    "Rate of requests exceeds the allowed throughput.",
  ],
  provisioned: [
    400,
    "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    "The level of configured provisioned throughput for the table was exceeded.",
  ],
  "access-denied": [
    400,
    "com.amazon.coral.service#AccessDeniedException",
    "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: dynamodb:DescribeTable on resource: arn:aws:dynamodb:us-east-1:111122223333:table/sentinel-sessions because no identity-based policy allows the dynamodb:DescribeTable action",
  ],
  http500: [500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"],
  http503: [503, "com.amazonaws.dynamodb.v20120810#ServiceUnavailableException", "Service unavailable"],
};

/** Bodies of HTTP 200 answers that are no DynamoDB result. */
const NONSENSE_BODY: Partial<Record<Fault, [contentType: string, body: string]>> = {
  "empty-body": [JSON_TYPE, ""],
  "null-body": [JSON_TYPE, "null"],
  "items-not-list": [JSON_TYPE, '{"Items":"notalist"}'],
  "items-null": [JSON_TYPE, '{"Items":null,"Count":0,"ScannedCount":0}'],
  "null-item": [JSON_TYPE, '{"Items":[null],"Count":1,"ScannedCount":1}'],
  html: ["text/html", "<html><body>Please log in</body></html>"],
};

/** The key every "same-key" answer carries: reading on from it never ends. */
export const FIXED_KEY = { id: { S: "0000000000000000" } };

function httpHead(status: number, headers: Record<string, string>, length: number): Buffer {
  const lines = [`HTTP/1.1 ${status} ${status === 200 ? "OK" : "Error"}`];
  for (const [name, value] of Object.entries({ ...headers, "content-length": String(length) })) {
    lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`);
}

function httpResponse(status: number, headers: Record<string, string>, body: Buffer): Buffer {
  return Buffer.concat([httpHead(status, headers, body.length), body]);
}

/** Writes `bytes` one a second until done or the client has gone. */
function trickle(socket: Socket, bytes: Buffer): void {
  let next = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || next >= bytes.length) {
      clearInterval(timer);
      return;
    }
    socket.write(bytes.subarray(next, next + 1));
    next++;
  }, 1_000);
  socket.once("close", () => clearInterval(timer));
}

export async function startFaultProxy(upstream: string, script: FaultScript): Promise<FaultProxy> {
  const seen: FaultProxy["seen"] = [];
  const waiting: { n: number; done: () => void }[] = [];
  const closedOf = new Map<number, Promise<void>>();

  const handle = async (socket: Socket, head: string, body: Buffer) => {
    const [requestLine, ...headerLines] = head.split("\r\n");
    const [method, path] = (requestLine ?? "").split(" ");
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const target = headers["x-amz-target"] ?? "";
    const n = seen.length + 1;
    const fault = script(n, target, body.toString("utf8"));
    const entry: FaultProxy["seen"][number] = { n, target, fault, at: performance.now() };
    seen.push(entry);
    closedOf.set(
      n,
      socket.destroyed ? Promise.resolve() : new Promise<void>((done) => void socket.once("close", () => done())),
    );
    for (const wait of waiting.filter((w) => w.n <= n)) {
      waiting.splice(waiting.indexOf(wait), 1);
      wait.done();
    }
    if (fault === "stall") return;
    const requestId = { "x-amzn-requestid": `fault-${n}` };
    const error = ERROR_BODY[fault];
    if (error !== undefined) {
      const [status, type, message] = error;
      const payload = Buffer.from(JSON.stringify({ __type: type, message }));
      socket.write(httpResponse(status, { "content-type": JSON_TYPE, ...requestId }, payload));
      return;
    }
    const nonsense = NONSENSE_BODY[fault];
    if (nonsense !== undefined) {
      const [contentType, text] = nonsense;
      socket.write(httpResponse(200, { "content-type": contentType, ...requestId }, Buffer.from(text)));
      return;
    }
    if (fault === "slow") await new Promise((done) => setTimeout(done, SLOW_MS));
    const { host: _host, "content-length": _length, connection: _connection, ...forward } = headers;
    const answer = await fetch(`${upstream}${path}`, {
      method,
      headers: forward,
      body: method === "GET" ? undefined : body,
    });
    let answerBody = Buffer.from(await answer.arrayBuffer());
    const answerHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!["content-length", "connection", "transfer-encoding", "keep-alive"].includes(name))
        answerHeaders[name] = value;
    });
    if (fault === "same-key" && answer.status === 200) {
      // The x-amz-crc32 of the original body no longer holds: leave it out (it is optional).
      delete answerHeaders["x-amz-crc32"];
      answerBody = Buffer.from(JSON.stringify({ ...JSON.parse(answerBody.toString()), LastEvaluatedKey: FIXED_KEY }));
    }
    if (fault === "late") await new Promise((done) => setTimeout(done, LATE_MS));
    const answerHead = httpHead(answer.status, answerHeaders, answerBody.length);
    const raw = Buffer.concat([answerHead, answerBody]);
    if (fault === "drop") {
      socket.end(raw.subarray(0, Math.floor(raw.length / 2)));
      socket.destroy();
    } else if (fault === "truncate") {
      socket.end(raw.subarray(0, raw.length - Math.floor(answerBody.length / 2)));
    } else if (fault === "stall-body") {
      socket.write(raw.subarray(0, answerHead.length + Math.floor(answerBody.length / 2)));
    } else if (fault === "trickle") {
      socket.write(answerHead);
      trickle(socket, answerBody);
    } else {
      socket.write(raw);
      entry.answeredAt = performance.now();
    }
  };

  const { server, sockets, port } = await requestServer(handle);
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    requestSeen: (n) =>
      seen.length >= n ? Promise.resolve() : new Promise<void>((done) => void waiting.push({ n, done })),
    connectionClosed: async (n) => {
      await (seen.length >= n ? Promise.resolve() : new Promise<void>((done) => void waiting.push({ n, done })));
      await closedOf.get(n);
    },
    stop: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
