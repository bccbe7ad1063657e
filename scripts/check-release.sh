#!/usr/bin/env bash
# Checks dist/release: every artifact present with the right executable format,
# SHA256SUMS accepted by sha256sum -c, and the binaries this machine can run
# print their version line. Run by `make release` (with --remind: a reminder
# when `make release-check` has not passed for this commit), by
# `make release-check`, and by `make test` when dist/release exists.
set -u
cd "$(dirname "$0")/../dist/release" || { echo "no dist/release: run make release"; exit 1; }

version=$(node -p "require('../../package.json').version")
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }

declare -A FORMAT=(
  [sentinel-linux-x64]="ELF 64-bit LSB executable, x86-64.*ld-linux-x86-64"
  [sentinel-linux-x64-baseline]="ELF 64-bit LSB executable, x86-64.*ld-linux-x86-64"
  [sentinel-linux-x64-musl]="ELF 64-bit LSB executable, x86-64.*ld-musl-x86_64"
  [sentinel-linux-arm64]="ELF 64-bit LSB executable, ARM aarch64.*ld-linux-aarch64"
  [sentinel-linux-arm64-musl]="ELF 64-bit LSB executable, ARM aarch64.*ld-musl-aarch64"
  [sentinel-darwin-x64]="Mach-O 64-bit x86_64 executable"
  [sentinel-darwin-arm64]="Mach-O 64-bit arm64 executable"
  [sentinel-windows-x64.exe]="PE32\+ executable \(console\) x86-64"
)

for artifact in "${!FORMAT[@]}"; do
  if [ ! -f "$artifact" ]; then fail "$artifact missing"; continue; fi
  description=$(file -b "$artifact")
  if [[ "$description" =~ ${FORMAT[$artifact]} ]]; then ok "$artifact: ${description%%,*}, ${description#*, }" | cut -c1-110
  else fail "$artifact: unexpected format: $description"; fi
done

if sha256sum -c --quiet SHA256SUMS; then ok "SHA256SUMS verified ($(wc -l < SHA256SUMS) files)"; else fail "SHA256SUMS does not verify"; fi
[ "$(wc -l < SHA256SUMS)" -eq "${#FORMAT[@]}" ] || fail "SHA256SUMS lists $(wc -l < SHA256SUMS) files, expected ${#FORMAT[@]}"

# expect_version LABEL COMMAND...: the binary runs and prints "sentinel VERSION (COMMIT, LABEL)".
expect_version() {
  local label=$1; shift
  local out
  out=$("$@" --version 2>&1)
  if [[ "$out" =~ ^sentinel\ ${version//./\\.}\ \(([0-9a-f]{7}|unknown),\ ${label}\)$ ]]; then ok "ran $label: $out"
  else fail "$label did not print its version line: $(echo "$out" | head -2)"; fi
}

expect_version linux-x64 env -i ./sentinel-linux-x64
expect_version linux-x64-baseline env -i ./sentinel-linux-x64-baseline

# Optional runners from Debian: musl's loader, and qemu-user with arm64 glibc.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  [ -e /lib/ld-musl-x86_64.so.1 ] || missing+=(musl)
  command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
  [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || missing+=(libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} to run more targets"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 || echo "note: could not install ${missing[*]}"
  fi
fi

if [ -e /lib/ld-musl-x86_64.so.1 ]; then
  if out=$(env -i ./sentinel-linux-x64-musl --version 2>&1); then expect_version linux-x64-musl env -i ./sentinel-linux-x64-musl
  else echo "skip: linux-x64-musl does not run here (Debian's musl has no musl libstdc++/libgcc, which Bun's musl build links): $(echo "$out" | head -1)"; fi
else
  echo "skip: linux-x64-musl (no musl loader)"
fi

if command -v qemu-aarch64 >/dev/null && [ -d /usr/aarch64-linux-gnu ]; then
  expect_version linux-arm64 env -i qemu-aarch64 -L /usr/aarch64-linux-gnu ./sentinel-linux-arm64
else
  echo "skip: linux-arm64 (no qemu-user or arm64 glibc)"
fi
echo "skip: linux-arm64-musl (no aarch64 musl runtime in Debian), darwin-* (not runnable here; format checked above), windows-x64 (run under Wine by make release-check)"

if [ "${1:-}" = --remind ]; then
  checked=$(cat ../../.cache/release-check/passed 2>/dev/null)
  commit="$(git rev-parse HEAD)$(git diff --quiet HEAD -- 2>/dev/null || echo -dirty)"
  if [ "$checked" != "$commit" ]; then
    echo "reminder: make release-check has not passed for ${commit:0:7}${commit#"${commit%-dirty}"}: run it (as root) before publishing; it runs the linux-arm64 and windows-x64 binaries through the core end-to-end cases"
  fi
fi

if [ "$failures" -gt 0 ]; then echo "release check: $failures failure(s)"; exit 1; fi
echo "release check: all good"
