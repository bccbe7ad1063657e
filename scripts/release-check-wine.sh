#!/usr/bin/env bash
# bash scripts/release-check-wine.sh DIR: makes DIR a Debian 13 (trixie) tree
# with Wine 10 (`wine`, 64-bit only) and an initialised Wine prefix, to run sentinel-windows-x64.exe.
# (Debian 12's Wine 8 cannot: it lacks bcryptprimitives.dll's ProcessPrng, which
# Bun's Windows runtime calls at start.) Does nothing when DIR is complete; a
# half-made DIR (no DIR/.complete) is made again. Needs root and apt-get.
set -euo pipefail
dir=$1
[ -f "$dir/.complete" ] && exit 0

if ! command -v debootstrap >/dev/null; then
  echo "installing debootstrap"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap) >/dev/null
fi

# The mirror this machine's apt uses (the only one reachable here, maybe).
mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/\?$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}

unmount() {
  for point in "$dir/dev" "$dir/proc"; do
    if mountpoint -q "$point"; then umount -l "$point"; fi
  done
}
trap unmount EXIT

rm -rf "$dir"
mkdir -p "$dir"
echo "debootstrap trixie into $dir (from $mirror; a few minutes, once)"
debootstrap --variant=minbase trixie "$dir" "$mirror" >"$dir.log" 2>&1 || { tail -5 "$dir.log"; exit 1; }

mount -t proc proc "$dir/proc"
mount --bind /dev "$dir/dev"
echo "installing Wine in $dir"
chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends wine64 wine' \
  >>"$dir.log" 2>&1 || { tail -5 "$dir.log"; exit 1; }

# The first start of Wine makes its prefix (a minute); every run after reuses
# it. Wine's runtime folder is made here too: without one it complains on stderr.
echo "initialising the Wine prefix"
install -d -m 0700 "$dir/root/.runtime"
chroot "$dir" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root WINEPREFIX=/root/.wine WINEDEBUG=-all \
  XDG_RUNTIME_DIR=/root/.runtime sh -c 'wineboot --init; wineserver -w' >>"$dir.log" 2>&1
[ -f "$dir/root/.wine/system.reg" ] || { tail -5 "$dir.log"; exit 1; }
chroot "$dir" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root WINEPREFIX=/root/.wine WINEDEBUG=-all wine --version
touch "$dir/.complete"
