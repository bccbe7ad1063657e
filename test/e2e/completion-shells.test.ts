// `sentinel completion bash|zsh|fish` run by the real shells: what each offers
// after a flag that takes a value. A shell missing here is installed first
// (Debian's package, as root), so a fresh machine runs these too.
import { beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBinary } from "../support/run-binary.ts";

const SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof SHELLS)[number];
const dir = mkdtempSync(join(tmpdir(), "sentinel-completion-"));
const scripts = new Map<Shell, string>();

function installed(shell: Shell): boolean {
  return Bun.which(shell) !== null;
}

beforeAll(async () => {
  const missing = SHELLS.filter((shell) => !installed(shell));
  if (missing.length > 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "ignore", env });
    const install = spawnSync("apt-get", ["install", "-y", "-qq", ...missing], { encoding: "utf8", env });
    if (install.status !== 0) throw new Error(`cannot install ${missing.join(", ")}: ${install.stderr}`);
  }
  for (const shell of SHELLS) {
    const result = await runBinary(["completion", shell]);
    expect(result.code).toBe(0);
    const file = join(dir, `sentinel.${shell}`);
    writeFileSync(file, result.stdout);
    scripts.set(shell, file);
  }
}, 300_000);

/**
 * The candidates `shell` offers for the command line `line` (completing its
 * last word; a line ending in a space completes an empty word).
 */
function offered(shell: Shell, line: string): string[] {
  const words = line.split(" ");
  const cur = words.at(-1) as string;
  const script = scripts.get(shell) as string;
  const quoted = words.map((w) => `'${w}'`).join(" ");
  let program: string;
  let args: string[];
  if (shell === "bash") {
    program = `source '${script}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _sentinel; printf '%s\\n' "\${COMPREPLY[@]}"`;
    args = ["--norc", "--noprofile", "-c", program];
  } else if (shell === "zsh") {
    // As zsh's _bash_complete calls a bash function: COMP_WORDS and COMP_CWORD set,
    // then bashcompinit's compgen -F; zsh itself matches the answers against the
    // word typed (compgen leaves that to compadd), done here by the prefix filter below.
    program = `autoload -U compinit && compinit -u -D; source '${script}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; words=(${quoted}); CURRENT=${words.length}; compgen -F _sentinel -- '${cur}'`;
    args = ["-f", "-c", program];
  } else {
    program = `source '${script}'; complete -C ${JSON.stringify(line).replaceAll("$", "\\$")}`;
    args = ["--no-config", "-c", program];
  }
  const result = spawnSync(shell, args, { encoding: "utf8", cwd: dir });
  expect(result.stderr).toBe("");
  const candidates = result.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split("\t")[0] as string);
  return shell === "zsh" ? candidates.filter((c) => c.startsWith(cur)) : candidates;
}

describe.each(SHELLS)("%s completion", (shell) => {
  test.each([
    ["sentinel server-sessions --status ", ["active", "expired", "revoked"]],
    ["sentinel server-sessions --output ", ["csv", "human", "json", "ndjson"]],
    ["sentinel server-sessions --format n", ["ndjson"]],
    ["sentinel server-sessions --order ", ["newest", "none"]],
    ["sentinel server-sessions --columns id,us", ["id,user"]],
    ["sentinel server-sessions --columns id,user,st", ["id,user,started_at", "id,user,status"]],
    ["sentinel server-revoke --output ", ["human", "json"]],
  ])("after %p offers %p", (line, expected) => {
    expect(offered(shell, line).sort()).toEqual(expected);
  });

  test.each([
    "sentinel server-sessions --user ",
    "sentinel server-sessions --table ",
    "sentinel server-sessions --limit ",
  ])("after a free value's flag (%p) offers no flags", (line) => {
    // Nothing at all, or (bash and zsh's fallback) file names, but never the flags.
    expect(offered(shell, line).filter((c) => c.startsWith("-"))).toEqual([]);
  });

  test("after a switch it offers the flags again", () => {
    expect(offered(shell, "sentinel server-sessions --quiet --st")).toEqual(["--status"]);
  });
});
