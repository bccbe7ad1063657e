#!/usr/bin/env bash
# make release-check: builds the release, checks it as `make release` does,
# then runs the end-to-end suite's core cases (test/release/core.release.ts)
# through every binary this machine can run: linux-x64 natively, linux-arm64
# under qemu-user, windows-x64 under Wine in a Debian 13 tree cached in
# .cache/release-check/ (scripts/release-check-wine.sh). Lists every case with
# pass or FAIL per target and exits 0 only when all passed everywhere; then
# records the commit in .cache/release-check/passed, which `make release` reads.
# Needs root the first time (apt-get, debootstrap) and every time (chroot, mount).
set -u
cd "$(dirname "$0")/.."
BUN=node_modules/.bin/bun
cache=.cache/release-check
root=$PWD/$cache/trixie
targets=(linux-x64 linux-arm64 windows-x64)
mkdir -p "$cache"
rm -f "$cache/passed"

if [ "$(id -u)" != 0 ]; then
  echo "error: make release-check needs root: it installs Debian packages and runs Wine in a chroot"
  exit 1
fi

"$BUN" scripts/build.ts --release || exit 1
# Artifact formats, SHA256SUMS, version lines; it also installs qemu-user and arm64 glibc.
bash scripts/check-release.sh || exit 1
bash scripts/release-check-wine.sh "$root" || exit 1

wine_env=(env -i HOME=/root WINEPREFIX=/root/.wine WINEDEBUG=-all XDG_RUNTIME_DIR=/root/.runtime PATH=/usr/bin:/bin)
cleanup() {
  if mountpoint -q "$root/proc"; then chroot "$root" "${wine_env[@]}" wineserver -k 2>/dev/null; fi
  for point in "$root/dev" "$root/proc"; do
    if mountpoint -q "$point"; then umount "$point" 2>/dev/null || umount -l "$point"; fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
install -D -m 0755 dist/release/sentinel-windows-x64.exe "$root/opt/sentinel/sentinel-windows-x64.exe"
# One Wine server for the whole run, instead of one started (and waited for) per
# case. The first program started also starts Wine's own background services,
# which keep its stdout and stderr open as long as the server lives: started
# here, they hold a file, not the pipe a case waits on for its end.
chroot "$root" "${wine_env[@]}" wineserver -p
chroot "$root" "${wine_env[@]}" wine /opt/sentinel/sentinel-windows-x64.exe --version </dev/null >"$cache/wine-start.log" 2>&1

failed=0
for target in "${targets[@]}"; do
  echo "== $target: core cases"
  log="$cache/$target.log"
  SENTINEL_RELEASE_TARGET=$target SENTINEL_WINE_ROOT=$root \
    "$BUN" test --timeout 120000 ./test/release/core.release.ts >"$log" 2>&1
  status=$?
  # "(pass) describe > case [12.34ms]", each case once (bun lists failures again at the end).
  sed -n -E 's/^\((pass|fail)\) (.*) \[[0-9.]+m?s\]$/\1\t\2/p' "$log" | awk -F'\t' '!seen[$2]++' >"$cache/$target.results"
  passes=$(grep -c '^pass' "$cache/$target.results")
  fails=$(grep -c '^fail' "$cache/$target.results")
  echo "$target: $passes passed, $fails failed (log: $log)"
  if [ "$status" -ne 0 ] || [ "$fails" -gt 0 ] || [ "$passes" -eq 0 ]; then
    failed=$((failed + 1))
    grep -E '^error:|^\(fail\)' "$log" | awk '!seen[$0]++' | head -20 | cut -c1-200
    [ "$fails" -gt 0 ] || echo "$target: the run failed outside its cases (status $status): see $log"
  fi
done

echo "== cases per target"
awk -F'\t' -v targets="${targets[*]}" -v dir="$cache" '
  BEGIN {
    n = split(targets, t, " ")
    for (i = 1; i <= n; i++) {
      file = dir "/" t[i] ".results"
      while ((getline line < file) > 0) {
        split(line, f, "\t")
        if (!(f[2] in known)) { known[f[2]] = 1; order[++cases] = f[2] }
        result[t[i], f[2]] = f[1] == "pass" ? "pass" : "FAIL"
      }
    }
    for (i = 1; i <= n; i++) printf "%-13s", t[i]
    print "case"
    for (c = 1; c <= cases; c++) {
      for (i = 1; i <= n; i++) printf "%-13s", ((t[i], order[c]) in result ? result[t[i], order[c]] : "missing")
      print order[c]
    }
  }'
missing=$(awk -F'\t' '{print $2}' "$cache"/*.results | sort | uniq -c | awk -v n=${#targets[@]} '$1 != n' | wc -l)
[ "$missing" -eq 0 ] || { echo "$missing case(s) did not run on every target"; failed=$((failed + 1)); }

if [ "$failed" -gt 0 ]; then
  echo "release-check: FAILED on $failed target(s) (checked ${targets[*]}; not run: darwin-*, linux-*-musl)"
  exit 1
fi
# The commit checked; a tree with changes is not that commit.
echo "$(git rev-parse HEAD)$(git diff --quiet HEAD -- 2>/dev/null || echo -dirty)" >"$cache/passed"
echo "release-check: all good on ${targets[*]} (not run: darwin-*, linux-*-musl)"
