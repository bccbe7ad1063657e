// The loopback proxies of test/support read HTTP/1.1 requests off a socket
// themselves (to answer with faults no HTTP library would send): this splits
// the bytes into requests by their Content-Length and hands them on in order.
import { createServer, type Server, type Socket } from "node:net";

/** Handles one request: its head (request line and headers, latin1) and its body. */
export type RequestHandler = (socket: Socket, head: string, body: Buffer) => Promise<void>;

/**
 * A loopback server whose connections' requests go to `handle` one after the
 * other; `sockets` holds the open connections, for stopping.
 */
export async function requestServer(
  handle: RequestHandler,
): Promise<{ server: Server; sockets: Set<Socket>; port: number }> {
  const sockets = new Set<Socket>();
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
        const body = Buffer.from(buffer.subarray(end + 4, end + 4 + length));
        buffer = buffer.subarray(end + 4 + length);
        busy = busy.then(() => handle(socket, head, body)).catch(() => void socket.destroy());
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { server, sockets, port: (server.address() as { port: number }).port };
}

/**
 * A loopback endpoint that reads requests and never answers them: a read that
 * hangs. `firstRequest` resolves once a whole request has arrived.
 */
export async function silentEndpoint(): Promise<{ url: string; firstRequest: Promise<void>; stop(): void }> {
  const { promise: firstRequest, resolve: requestSeen } = Promise.withResolvers<void>();
  const { server, sockets, port } = await requestServer(async () => requestSeen());
  return {
    url: `http://127.0.0.1:${port}`,
    firstRequest,
    stop() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
