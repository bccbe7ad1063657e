// bun scripts/build.ts [--release]: dist/sentinel for this machine, or with
// --release one binary per platform in dist/release/ plus SHA256SUMS.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const ENTRY = join(ROOT, "cmd", "sentinel", "main.ts");

/** Release targets: artifact suffix → Bun compile target. */
export const RELEASE_TARGETS: Record<string, string> = {
  "linux-x64": "bun-linux-x64",
  "linux-x64-baseline": "bun-linux-x64-baseline",
  "linux-arm64": "bun-linux-arm64",
  "linux-x64-musl": "bun-linux-x64-musl",
  "linux-arm64-musl": "bun-linux-arm64-musl",
  "darwin-x64": "bun-darwin-x64",
  "darwin-arm64": "bun-darwin-arm64",
  "windows-x64": "bun-windows-x64",
};

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short=7", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "unknown";
  }
}

function hostTarget(): string {
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  return `${process.platform === "win32" ? "windows" : process.platform}-${arch}`;
}

function compile(target: string, outfile: string, label: string): void {
  const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
  const args = [
    "build",
    ENTRY,
    "--compile",
    `--target=${target}`,
    "--minify",
    "--bytecode",
    "--splitting",
    "--format=esm",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    `--define=SENTINEL_VERSION=${JSON.stringify(version)}`,
    `--define=SENTINEL_COMMIT=${JSON.stringify(gitCommit())}`,
    `--define=SENTINEL_TARGET=${JSON.stringify(label)}`,
    `--outfile=${outfile}`,
  ];
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}

if (process.argv.includes("--release")) {
  const dir = join(ROOT, "dist", "release");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sums: string[] = [];
  for (const [label, target] of Object.entries(RELEASE_TARGETS)) {
    const name = `sentinel-${label}${label.startsWith("windows") ? ".exe" : ""}`;
    compile(target, join(dir, name), label);
    const digest = createHash("sha256")
      .update(readFileSync(join(dir, name)))
      .digest("hex");
    sums.push(`${digest}  ${name}`);
    console.error(`built dist/release/${name}`);
  }
  writeFileSync(join(dir, "SHA256SUMS"), `${sums.join("\n")}\n`);
} else {
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  compile("bun", join(ROOT, "dist", "sentinel"), hostTarget());
  console.error("built dist/sentinel");
}
