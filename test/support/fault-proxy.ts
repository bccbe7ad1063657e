// A small HTTP proxy between the program and DynamoDB Local that injects the
// faults DynamoDB Local cannot produce: throttling, 5xx, dropped connections,
// truncated bodies, stalls. Loopback only; every request is forwarded or
// answered by script.
import { createServer, type Server, type Socket } from "node:net";

export type Fault =
  | "pass"
  | "throttle" // 400 ThrottlingException
  | "provisioned" // 400 ProvisionedThroughputExceededException
  | "http500"
  | "http503"
  | "drop" // forward, then close the connection after half the response
  | "truncate" // forward, send the headers and half the body, then close
  | "stall"; // never answer

/**
 * Picks the fault for the n-th request (1-based) with its X-Amz-Target, e.g.
 * "DynamoDB_20120810.Scan"; `body` is the request's JSON text, to pick by key.
 */
export type FaultScript = (n: number, target: string, body: string) => Fault;

export type FaultProxy = {
  url: string;
  /** Requests seen so far, by operation. */
  seen: { n: number; target: string; fault: Fault }[];
  stop(): Promise<void>;
};

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
  http500: [500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"],
  http503: [503, "com.amazonaws.dynamodb.v20120810#ServiceUnavailableException", "Service unavailable"],
};

function httpResponse(status: number, headers: Record<string, string>, body: Buffer): Buffer {
  const lines = [`HTTP/1.1 ${status} ${status === 200 ? "OK" : "Error"}`];
  for (const [name, value] of Object.entries({ ...headers, "content-length": String(body.length) })) {
    lines.push(`${name}: ${value}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`), body]);
}

export async function startFaultProxy(upstream: string, script: FaultScript): Promise<FaultProxy> {
  const seen: FaultProxy["seen"] = [];
  const sockets = new Set<Socket>();

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
    seen.push({ n, target, fault });
    if (fault === "stall") return;
    const error = ERROR_BODY[fault];
    if (error !== undefined) {
      const [status, type, message] = error;
      const payload = Buffer.from(JSON.stringify({ __type: type, message }));
      socket.write(
        httpResponse(
          status,
          { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": `fault-${n}` },
          payload,
        ),
      );
      return;
    }
    const { host: _host, "content-length": _length, connection: _connection, ...forward } = headers;
    const answer = await fetch(`${upstream}${path}`, {
      method,
      headers: forward,
      body: method === "GET" ? undefined : body,
    });
    const answerBody = Buffer.from(await answer.arrayBuffer());
    const answerHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!["content-length", "connection", "transfer-encoding", "keep-alive"].includes(name))
        answerHeaders[name] = value;
    });
    const raw = httpResponse(answer.status, answerHeaders, answerBody);
    if (fault === "drop") {
      socket.end(raw.subarray(0, Math.floor(raw.length / 2)));
      socket.destroy();
    } else if (fault === "truncate") {
      socket.end(raw.subarray(0, raw.length - Math.floor(answerBody.length / 2)));
    } else {
      socket.write(raw);
    }
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffer = Buffer.alloc(0);
    let busy = Promise.resolve();
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString("latin1");
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.subarray(end + 4, end + 4 + length);
        buffer = buffer.subarray(end + 4 + length);
        busy = busy.then(() => handle(socket, head, Buffer.from(body))).catch(() => void socket.destroy());
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as { port: number }).port;
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
