// How to run one release binary: natively, under qemu-user, or under Wine in a
// Debian 13 tree (scripts/release-check-wine.sh). scripts/release-check.sh
// names the target in SENTINEL_RELEASE_TARGET.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TEST_AWS_ENV } from "../support/aws-env.ts";

export type BinaryResult = { code: number; stdout: string; stderr: string };

export type ReleaseTarget = {
  /** The build label, as `--version` names it. */
  label: string;
  /** Whether the binary runs as a Windows program (Wine). */
  windows: boolean;
  /** The command that runs the binary with `args`. */
  command(args: readonly string[]): string[];
  /** The environment it runs with: dummy AWS settings, plus what the runner itself needs. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** A new empty folder the binary can reach. */
  tempDir(label: string): string;
  /** A path on this machine as the binary is given it (C:\… for Windows). */
  path(hostPath: string): string;
};

const RELEASE = resolve(import.meta.dir, "../../dist/release");

/** Single-quoted for bash. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function native(label: string, prefix: string[], binary: string): ReleaseTarget {
  return {
    label,
    windows: false,
    command: (args) => [...prefix, binary, ...args],
    env: (extra = {}) => ({ PATH: "/usr/bin:/bin", ...TEST_AWS_ENV, ...extra }),
    tempDir: (name) => mkdtempSync(join(tmpdir(), `sentinel-release-${name}-`)),
    path: (hostPath) => hostPath,
  };
}

/**
 * sentinel-windows-x64.exe under Wine, chrooted into ROOT (which shares this
 * machine's network, so DynamoDB Local on 127.0.0.1 is reached as it is here).
 * The binary and the test's files live inside ROOT; Wine is handed their
 * Windows names, from winepath.
 */
function wine(root: string): ReleaseTarget {
  const inRoot = (hostPath: string) => {
    if (!hostPath.startsWith(`${root}/`)) throw new Error(`${hostPath} is outside the Wine tree ${root}`);
    return hostPath.slice(root.length);
  };
  const wineEnv = {
    HOME: "/root",
    WINEPREFIX: "/root/.wine",
    WINEDEBUG: "-all",
    XDG_RUNTIME_DIR: "/root/.runtime",
    PATH: "/usr/bin:/bin",
  };
  const windowsNames = new Map<string, string>();
  const windowsName = (hostPath: string) => {
    let name = windowsNames.get(hostPath);
    if (name === undefined) {
      name = execFileSync("/usr/sbin/chroot", [root, "winepath", "-w", inRoot(hostPath)], {
        env: wineEnv,
        encoding: "utf8",
      }).trim();
      windowsNames.set(hostPath, name);
    }
    return name;
  };
  const exe = join(root, "opt", "sentinel", "sentinel-windows-x64.exe");
  return {
    label: "windows-x64",
    windows: true,
    command: (args) => ["/usr/sbin/chroot", root, "wine", inRoot(exe), ...args],
    env: (extra = {}) => ({ ...wineEnv, ...TEST_AWS_ENV, ...extra }),
    tempDir: (name) => {
      const base = join(root, "tmp", "sentinel-release");
      mkdirSync(base, { recursive: true });
      return mkdtempSync(join(base, `${name}-`));
    },
    path: windowsName,
  };
}

/** The target this run checks: SENTINEL_RELEASE_TARGET, and for Windows SENTINEL_WINE_ROOT. */
export function releaseTarget(): ReleaseTarget {
  const label = process.env.SENTINEL_RELEASE_TARGET ?? "linux-x64";
  switch (label) {
    case "linux-x64":
    case "linux-x64-baseline":
      return native(label, [], join(RELEASE, `sentinel-${label}`));
    case "linux-arm64":
      return native(label, ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"], join(RELEASE, "sentinel-linux-arm64"));
    case "windows-x64": {
      const root = process.env.SENTINEL_WINE_ROOT;
      if (root === undefined) throw new Error("SENTINEL_WINE_ROOT names no Wine tree (scripts/release-check-wine.sh)");
      return wine(resolve(root));
    }
    default:
      throw new Error(`no way to run release target ${label} here`);
  }
}

/** Runs the binary as a user would, collecting its streams and exit status. */
export async function runTarget(
  target: ReleaseTarget,
  args: readonly string[],
  env: Record<string, string> = target.env(),
): Promise<BinaryResult> {
  const proc = Bun.spawn(target.command(args), { env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/** A bash command line that runs the binary with `args` (for pipes and redirections). */
export function shellCommand(target: ReleaseTarget, args: readonly string[]): string {
  return target.command(args).map(shellQuote).join(" ");
}
