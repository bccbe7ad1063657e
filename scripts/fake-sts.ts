// A local stand-in for STS GetCallerIdentity (awsQuery protocol, XML answer), for tests and make local.
import type { Server } from "bun";

export type FakeSts = { url: string; requests: number; stop(): void };

export function startFakeSts(arn: string): FakeSts {
  const state = { requests: 0 };
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      state.requests++;
      const body = await request.text();
      if (!body.includes("Action=GetCallerIdentity")) return new Response("unsupported", { status: 400 });
      const xml = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>${arn}</Arn>
    <UserId>AROAEXAMPLE:session</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;
      return new Response(xml, { headers: { "content-type": "text/xml" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    get requests() {
      return state.requests;
    },
    stop: () => server.stop(true),
  };
}
