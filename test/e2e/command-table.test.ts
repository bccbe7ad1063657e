// Help, version and shell completion come from the command table: checked
// through the binary, and the bash script through a real bash.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { runBinary } from "../support/run-binary.ts";

/** The words bash completes for the command line `words` (the last word is the one being typed). */
function bashCompletions(script: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const program = `${script}
COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _sentinel; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync("bash", ["--norc", "--noprofile", "-c", program], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  return result.stdout.split("\n").filter((line) => line !== "");
}

describe("help and version as commands", () => {
  test("sentinel help server-sessions equals server-sessions --help", async () => {
    const byCommand = await runBinary(["help", "server-sessions"]);
    const byFlag = await runBinary(["server-sessions", "--help"]);
    const byShortFlag = await runBinary(["server-sessions", "-h"]);
    expect(byCommand.code).toBe(0);
    expect(byCommand.stdout).toStartWith("Usage: sentinel server-sessions [flags]\n");
    expect(byFlag.stdout).toBe(byCommand.stdout);
    expect(byShortFlag.stdout).toBe(byCommand.stdout);
  });

  test("sentinel help equals sentinel --help and lists every command", async () => {
    const byCommand = await runBinary(["help"]);
    expect(byCommand.stdout).toBe((await runBinary(["--help"])).stdout);
    for (const usage of [
      "server-sessions [flags]",
      "server-session ID [flags]",
      "help [COMMAND]",
      "completion SHELL",
    ]) {
      expect(byCommand.stdout).toContain(`sentinel ${usage}`);
    }
  });

  test("sentinel version equals sentinel --version", async () => {
    const byCommand = await runBinary(["version"]);
    expect(byCommand.code).toBe(0);
    expect(byCommand.stdout).toMatch(/^sentinel \d+\.\d+\.\d+ \(/);
    expect(byCommand.stdout).toBe((await runBinary(["--version"])).stdout);
  });

  test.each([
    [["help", "frobnicate"], 'unknown command "frobnicate": run sentinel --help'],
    [
      ["help", "server-sesions"],
      'unknown command "server-sesions": did you mean "server-sessions"? run sentinel --help',
    ],
    [["version", "now"], "sentinel version takes no arguments"],
    [["completion"], "sentinel completion needs one shell, bash, zsh, fish"],
    [["completion", "tcsh"], "sentinel completion needs one shell, bash, zsh, fish"],
  ])("%p is a usage error", async (args, message) => {
    const result = await runBinary(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith(`error: ${message}`);
    expect(result.stderr.split("\n").length).toBe(2);
  });

  test("each command's --help is its own, for every command the program lists", async () => {
    const list = (await runBinary(["--help"])).stdout;
    const names = [...(list.split("\nExample")[0] as string).matchAll(/^ {2}sentinel ([a-z-]+(?: [a-z-]+)?) /gm)]
      .map((m) => m[1] as string)
      .filter((name) => !["help", "version", "completion"].includes(name));
    expect(names).toEqual(["server-sessions", "server-session", "server-revoke", "audit untracked-sessions", "verify"]);
    for (const name of names) {
      const help = await runBinary([...name.split(" "), "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toStartWith(`Usage: sentinel ${name} `);
    }
  });

  test("every flag in a command's table entry appears in its help", async () => {
    const help = (await runBinary(["server-sessions", "--help"])).stdout;
    for (const flag of ["--status", "--user", "--profile", "--since", "--until", "--limit", "--output", "--quiet"]) {
      expect(help).toContain(`  ${flag} `);
    }
    expect(help).toContain("--no-formula-guard");
  });
});

describe("completion", () => {
  test("the bash script completes commands, flags and enum values", async () => {
    const result = await runBinary(["completion", "bash"]);
    expect(result.code).toBe(0);
    const script = result.stdout;
    expect(bashCompletions(script, ["sentinel", "server-"])).toEqual([
      "server-sessions",
      "server-session",
      "server-revoke",
    ]);
    expect(bashCompletions(script, ["sentinel", "server-sessions", "--sta"])).toEqual(["--status"]);
    expect(bashCompletions(script, ["sentinel", "server-sessions", "--status", ""])).toEqual([
      "active",
      "revoked",
      "expired",
    ]);
    expect(bashCompletions(script, ["sentinel", "server-sessions", "--output", "n"])).toEqual(["ndjson"]);
    expect(bashCompletions(script, ["sentinel", "server-session", "0123456789abcdef", "--output", ""])).toEqual([
      "human",
      "json",
    ]);
    // server-session has no --since: the table decides, not a shared list.
    expect(bashCompletions(script, ["sentinel", "server-session", "--sin"])).toEqual([]);
    expect(bashCompletions(script, ["sentinel", "completion", ""])).toEqual(["bash", "zsh", "fish"]);
  });

  test("zsh loads the bash function through bashcompinit; fish gets complete lines", async () => {
    const zsh = await runBinary(["completion", "zsh"]);
    expect(zsh.stdout).toStartWith("#compdef sentinel\n");
    expect(zsh.stdout).toContain("bashcompinit");
    expect(zsh.stdout).toContain("complete -o default -F _sentinel sentinel");
    const fish = await runBinary(["completion", "fish"]);
    expect(fish.stdout).toContain(
      `complete -c sentinel -n "__fish_seen_subcommand_from server-sessions" -l status -x -a "active revoked expired"`,
    );
    // Single quotes: fish expands $VARIABLES inside double quotes.
    expect(fish.stdout).toContain("'session table (default: $SENTINEL_SESSION_TABLE)'");
  });
});
