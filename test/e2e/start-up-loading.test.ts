// What start-up loads, without timing it: the bundle is built as scripts/build.ts
// builds it (split, minified), with every module of the AWS SDK, csv-stringify
// and the commands' own files marked, so a run names each one it evaluated.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..", "..");
/** Modules that help, version, completion and usage errors must not evaluate. */
const HEAVY =
  /node_modules\/(@aws-sdk|@smithy|csv-stringify)\/|internal\/cli\/(list-sessions|show-session|revoke-sessions|audit-untracked)\.ts$/;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sentinel-loading-"));
  const result = await Bun.build({
    entrypoints: [join(ROOT, "cmd", "sentinel", "main.ts")],
    outdir: dir,
    target: "bun",
    format: "esm",
    splitting: true,
    minify: true,
    plugins: [
      {
        name: "mark-heavy-modules",
        setup(build) {
          build.onLoad({ filter: /\.(m?js|cjs|ts)$/ }, (args) => {
            const name = relative(ROOT, args.path);
            if (!HEAVY.test(name)) return undefined;
            const text = readFileSync(args.path, "utf8");
            const mark = `globalThis.__evaluated ??= []; globalThis.__evaluated.push(${JSON.stringify(name)});\n`;
            const loader = args.path.endsWith(".ts") ? "ts" : "js";
            // A CommonJS file keeps its shape; an ES module's imports are hoisted above the mark anyway.
            return { contents: `${mark}${text}`, loader };
          });
        },
      },
    ],
  });
  if (!result.success) throw new AggregateError(result.logs, "bundle failed");
  // Names what was evaluated when the run ends, on stderr's last line.
  await Bun.write(
    join(dir, "report.ts"),
    `process.on("exit", () => process.stderr.write("\\nevaluated: " + JSON.stringify(globalThis.__evaluated ?? []) + "\\n"));\n`,
  );
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The marked modules a run of the bundle evaluated. */
function evaluated(args: string[], env: Record<string, string> = {}): { code: number | null; modules: string[] } {
  const run = spawnSync(process.execPath, ["--preload", join(dir, "report.ts"), join(dir, "main.js"), ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...env },
  });
  const line = /\nevaluated: (.*)\n$/.exec(run.stderr)?.[1];
  if (line === undefined) throw new Error(`no report from the run: ${run.stderr}`);
  return { code: run.status, modules: JSON.parse(line) as string[] };
}

describe("the bundle evaluates no AWS SDK, csv-stringify or command module", () => {
  test.each([
    [["--version"], 0],
    [["--help"], 0],
    [["server-sessions", "--help"], 0],
    [["audit", "--help"], 0],
    [["completion", "bash"], 0],
    [["sessions"], 2],
    [["server-sessions", "--stauts", "active"], 2],
    [["server-sessions", "--status"], 2],
    // Whole numbers and fixed values are checked from the command table.
    [["server-sessions", "--table", "abc", "--limit", "x"], 2],
    [["server-sessions", "--status", "paused"], 2],
    [["server-session", "0123456789abcdef", "--output", "csv"], 2],
    [["audit", "untracked-sessions", "--s3-concurrency", "0"], 2],
  ])("for %p (exit %p)", (args, code) => {
    const run = evaluated(args);
    expect(run.code).toBe(code);
    expect(run.modules).toEqual([]);
  });

  test("a flag value checked by the command loads that command's module, and nothing of the SDK", () => {
    const run = evaluated(["server-sessions", "--table", "abc", "--since", "x"]);
    expect(run.code).toBe(2);
    expect(run.modules).toEqual(["internal/cli/list-sessions.ts"]);
  });

  test("the marks do show a run that reaches DynamoDB: the SDK is evaluated then", () => {
    // No region anywhere: the client is made, then the run stops with a usage error.
    const run = evaluated(["server-sessions", "--table", "abc", "--status", "active"], {
      AWS_CONFIG_FILE: join(dir, "none"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
    });
    expect(run.modules).toContain("internal/cli/list-sessions.ts");
    expect(run.modules.some((m) => m.startsWith("node_modules/@aws-sdk/client-dynamodb/"))).toBe(true);
  });
});
