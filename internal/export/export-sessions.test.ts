import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionStore } from "../session/store.ts";
import { parseTimestamp } from "../timefilter/instant.ts";
import type { ExportEnv } from "./export-env.ts";
import { exportSessions } from "./export-sessions.ts";

test("exportSessions() asks for the signing key's spec as reading starts, and signs once after the rows", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-export-sign-"));
  const calls: string[] = [];
  const store: SessionStore = {
    async find(_filter, _keep) {
      calls.push("read");
      return { matched: 0, complete: true, malformed: [], itemsRead: 0 };
    },
    get: async () => ({ kind: "missing" }),
  };
  const out: string[] = [];
  const env: ExportEnv = {
    stdout: { write: (chunk) => void out.push(String(chunk)) },
    now: () => new Date("2026-01-20T12:00:00Z"),
    signal: new AbortController().signal,
    version: "0.0.0 (test)",
    warn: async () => {},
    note: async () => {},
    debug: () => {},
    startProgress: () => ({ enabled: false, update() {}, clear() {} }),
    collectorFor: () => undefined,
    callerIdentity: async () => ({ arn: "arn:aws:iam::123456789012:user/a", account: "123456789012" }),
    callerUserName: async () => "a",
    signer: () => ({
      prepare: () => void calls.push("prepare"),
      sign: async () => {
        calls.push("sign");
        return {
          keyId: "arn:aws:kms:us-east-1:123456789012:key/k",
          algorithm: "ECDSA_SHA_256",
          signature: new Uint8Array([1]),
        };
      },
    }),
  };
  try {
    const manifest = join(dir, "m.json");
    const status = await exportSessions(
      {
        table: "t",
        open: async () => ({
          store,
          table: "t",
          region: "us-east-1",
          endpoint: null,
          source: { kind: "table" },
          close() {},
        }),
      },
      {
        filter: {
          window: { until: parseTimestamp("2026-01-20T00:00:00Z") as NonNullable<ReturnType<typeof parseTimestamp>> },
        },
        explicitFilter: true,
        limit: 0,
        output: "csv",
        formulaGuard: true,
        order: "newest",
        manifest,
        signWith: { keyId: "alias/k" },
        argv: [],
      },
      env,
    );
    expect(status).toBe(0);
    expect(calls).toEqual(["prepare", "read", "sign"]);
    expect(JSON.parse(readFileSync(`${manifest}.sig`, "utf8")).signing_algorithm).toBe("ECDSA_SHA_256");
    expect(out.join("")).toStartWith("id,user,");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
