// make install [PREFIX=DIR]: copies dist/sentinel to PREFIX/bin/sentinel (mode 0755; PREFIX
// defaults to /usr/local) and says when PREFIX/bin is not on PATH.
import { chmodSync, copyFileSync, mkdirSync, renameSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

const BINARY = resolve(import.meta.dir, "..", "dist", "sentinel");

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

const given = process.argv[2] || "/usr/local";
// `make install PREFIX=~/.local` from a shell that leaves the ~ as it is (zsh does).
const prefix = resolve(given === "~" || given.startsWith("~/") ? join(homedir(), given.slice(1)) : given);
const bin = join(prefix, "bin");
const target = join(bin, "sentinel");
try {
  mkdirSync(bin, { recursive: true });
  // Copied beside the target, then renamed over it: a sentinel that is running keeps its file.
  copyFileSync(BINARY, `${target}.new`);
  chmodSync(`${target}.new`, 0o755);
  renameSync(`${target}.new`, target);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const hint =
    code === "EACCES" || code === "EPERM" ? `: run it as root (sudo make install) or pick PREFIX=~/.local` : "";
  fail(`cannot install ${target}: ${(error as Error).message.split("\n")[0]}${hint}`);
}
console.log(`installed ${target}`);
if (!(process.env.PATH ?? "").split(":").some((dir) => dir !== "" && resolve(dir) === bin)) {
  console.log(`${bin} is not on PATH: add it, e.g. export PATH="${bin}:$PATH" in your shell's profile`);
}
