// The confirmation prompt of a bulk `server-revoke` on a terminal: the binary
// runs on a pseudo-terminal (python3's pty module) that answers once the prompt appears.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { endpoint, freshTable, item } from "../support/dynamo.ts";
import { type FakeSts, startFakeSts } from "../support/fake-sts.ts";
import { onPty } from "../support/pty.ts";
import { BINARY, binaryEnv } from "../support/run-binary.ts";
import { snapshot } from "../support/table-snapshot.ts";

const ids = ["00000000000000c1", "00000000000000c2", "00000000000000c3"];
let table: string;
let sts: FakeSts;

beforeAll(async () => {
  table = await freshTable("revoke-tty", [
    ...ids.map((id) => item({ id, user: "mallory", status: "active", created_at: "2026-01-20T10:00:00Z" })),
    item({ id: "00000000000000d1", user: "mallory", status: "expired", created_at: "2026-01-19T10:00:00Z" }),
  ]);
  sts = startFakeSts("arn:aws:iam::123456789012:user/responder");
});

afterAll(() => sts.stop());

async function onTerminal(answer: string): Promise<{ code: number; screen: string }> {
  const proc = Bun.spawn(
    onPty(
      [BINARY, "server-revoke", "--table", table, "--user", "mallory", "--reason", "stolen laptop"],
      "[y/N] ",
      answer,
    ),
    {
      env: binaryEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ENDPOINT_URL_STS: sts.url }),
      stdout: "pipe",
      stderr: "pipe",
      stdin: "ignore",
    },
  );
  const [screen, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { code, screen: screen.replaceAll("\r\n", "\n") };
}

test("answering n (or just Enter) changes nothing", async () => {
  const before = await snapshot(table);
  for (const answer of ["n", ""]) {
    const result = await onTerminal(answer);
    expect(result.screen).toContain('revoke 3 sessions of user "mallory"? [y/N] ');
    expect(result.screen).toContain("error: not confirmed: nothing was revoked; answer y to revoke, or pass --yes\n");
    expect(result.code).toBe(1);
    expect(await snapshot(table)).toEqual(before);
  }
});

test("answering y revokes the three active sessions", async () => {
  const result = await onTerminal("y");
  expect(result.screen).toContain('revoke 3 sessions of user "mallory"? [y/N] y\n');
  expect(result.screen).toContain("revoked 3 of 3 sessions (3 revoked)\n");
  expect(result.code).toBe(0);
  const after = await snapshot(table);
  for (const id of ids) {
    expect(after.get(id)?.status).toEqual({ S: "revoked" });
    expect(after.get(id)?.revoked_by).toEqual({ S: "responder" });
  }
  expect(after.get("00000000000000d1")?.status).toEqual({ S: "expired" });
});
