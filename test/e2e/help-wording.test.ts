// Help of a command group, help wrapped to the terminal, and the wording of
// limits and suggestions: through the binary, as a person runs it.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { binaryEnv, runBinary } from "../support/run-binary.ts";

const BINARY = resolve(import.meta.dir, "..", "..", "dist", "sentinel");

describe("a command group's help", () => {
  test.each([[["audit", "--help"]], [["audit", "-h"]], [["help", "audit"]]])(
    "%p lists its commands and exits 0",
    async (args) => {
      const result = await runBinary(args);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout).toStartWith("Usage: sentinel audit COMMAND [flags]\n");
      expect(result.stdout).toContain("  sentinel audit untracked-sessions --since WHEN [flags]");
    },
  );

  test("the group alone still needs a command (exit 2)", async () => {
    const result = await runBinary(["audit"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toStartWith('error: "audit" needs a command: audit untracked-sessions');
  });
});

describe("help wrapped to the width", () => {
  const longest = (text: string) => Math.max(...text.split("\n").map((line) => line.length));

  test.each(["--help", "server-sessions --help", "server-revoke --help", "audit untracked-sessions --help"])(
    "%p through a pipe: no line over 80",
    async (line) => {
      const result = await runBinary(line.split(" "));
      expect(result.code).toBe(0);
      expect(longest(result.stdout)).toBeLessThanOrEqual(80);
    },
  );

  test.each([60, 120])("COLUMNS=%p sets the width", async (columns) => {
    const result = await runBinary(["server-sessions", "--help"], { ...binaryEnv(), COLUMNS: String(columns) });
    expect(longest(result.stdout)).toBeLessThanOrEqual(columns);
    // The column names (244 characters unwrapped) fill the wider lines.
    expect(longest(result.stdout)).toBeGreaterThan(columns - 15);
  });

  test("on a terminal, its width (a pty of 64 columns)", () => {
    // script(1) gives the binary a pty; stty sets its width; COLUMNS is unset so the tty decides.
    const run = spawnSync("script", ["-qec", `stty cols 64; '${BINARY}' server-sessions --help`, "/dev/null"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "dumb" },
    });
    expect(run.status).toBe(0);
    const lines = run.stdout.replaceAll("\r", "").split("\n");
    expect(lines.some((line) => line.startsWith("  --columns LIST"))).toBe(true);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(64);
  });
});

describe("wording", () => {
  test("an unknown command that is a word of one suggests it", async () => {
    const result = await runBinary(["sessions"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: unknown command "sessions": did you mean "server-sessions"? run sentinel --help\n',
    );
  });

  test("--limit names no 16-digit bound", async () => {
    const result = await runBinary(["server-sessions", "--table", "t", "--limit", "many"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: invalid --limit "many": give a whole number, 0 for no limit\n');
  });
});
