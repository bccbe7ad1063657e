// A small HTTP proxy between the program and moto's S3 that injects the faults
// moto cannot produce: SlowDown, 500s, reset connections, bodies cut short,
// access denied, and a region redirect. Loopback only.
//
// Wire shapes: S3's REST error responses (S3 API reference, "Error
// responses"): an HTTP 3xx/4xx/5xx with content-type application/xml and a body
// <Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId></Error>;
// a 301 PermanentRedirect also carries the header x-amz-bucket-region.

import type { Socket } from "node:net";
import { requestServer } from "./http-requests.ts";

export type S3Fault =
  | "pass"
  | "slowdown" // 503 SlowDown
  | "http500" // 500 InternalError
  | "reset" // close the connection without an answer
  | "truncate" // forward, send the headers and half the body, then close
  | "ignore-range" // forward without the Range header: 200 and the whole object, as a server that ignores Range
  | "range-from-start" // forward asking bytes=0- instead of the Range given: a 206 of another range
  | "access-denied" // 403 AccessDenied
  | "redirect"; // 301 PermanentRedirect to eu-west-1

/** Picks the fault for the n-th request (1-based), e.g. by its path "/bucket/key". */
export type S3FaultScript = (
  n: number,
  request: { method: string; path: string; headers: Record<string, string> },
) => S3Fault;

export type S3FaultProxy = {
  url: string;
  /** Requests seen so far. */
  seen: { n: number; method: string; path: string; fault: S3Fault; headers: Record<string, string> }[];
  stop(): Promise<void>;
};

const ERRORS: Partial<Record<S3Fault, [status: number, code: string, message: string]>> = {
  slowdown: [503, "SlowDown", "Please reduce your request rate."],
  http500: [500, "InternalError", "We encountered an internal error. Please try again."],
  "access-denied": [403, "AccessDenied", "Access Denied"],
  redirect: [
    301,
    "PermanentRedirect",
    "The bucket you are attempting to access must be addressed using the specified endpoint.",
  ],
};

function httpHead(status: number, headers: Record<string, string>, length: number): Buffer {
  const lines = [`HTTP/1.1 ${status} ${status < 300 ? "OK" : "Error"}`];
  for (const [name, value] of Object.entries({ ...headers, "content-length": String(length) })) {
    lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`);
}

export async function startS3FaultProxy(upstream: string, script: S3FaultScript): Promise<S3FaultProxy> {
  const seen: S3FaultProxy["seen"] = [];

  const handle = async (socket: Socket, head: string, body: Buffer) => {
    const [requestLine, ...headerLines] = head.split("\r\n");
    const [method = "GET", path = "/"] = (requestLine ?? "").split(" ");
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const n = seen.length + 1;
    const fault = script(n, { method, path, headers });
    seen.push({ n, method, path, fault, headers });
    if (fault === "reset") {
      socket.destroy();
      return;
    }
    const error = ERRORS[fault];
    if (error !== undefined) {
      const [status, code, message] = error;
      const xml = Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-${n}</RequestId><HostId>fault</HostId></Error>`,
      );
      const extra: Record<string, string> = fault === "redirect" ? { "x-amz-bucket-region": "eu-west-1" } : {};
      socket.write(
        Buffer.concat([
          httpHead(
            status,
            { "content-type": "application/xml", "x-amz-request-id": `fault-${n}`, ...extra },
            xml.length,
          ),
          xml,
        ]),
      );
      return;
    }
    const { host: _host, "content-length": _length, connection: _connection, ...forward } = headers;
    // moto checks no signature, so a header may change on the way.
    if (fault === "ignore-range") delete forward.range;
    if (fault === "range-from-start" && forward.range !== undefined) forward.range = "bytes=0-";
    const answer = await fetch(`${upstream}${path}`, {
      method,
      headers: forward,
      body: method === "GET" || method === "HEAD" ? undefined : body,
      // moto's answers are passed on as they are, compressed or not.
      decompress: false,
    } as RequestInit);
    const answerBody = Buffer.from(await answer.arrayBuffer());
    const answerHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!["content-length", "connection", "transfer-encoding", "keep-alive"].includes(name))
        answerHeaders[name] = value;
    });
    const answerHead = httpHead(answer.status, answerHeaders, answerBody.length);
    if (fault === "truncate") {
      socket.end(Buffer.concat([answerHead, answerBody.subarray(0, Math.floor(answerBody.length / 2))]));
      socket.destroy();
    } else {
      socket.write(Buffer.concat([answerHead, answerBody]));
    }
  };

  const { server, sockets, port } = await requestServer(handle);
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
