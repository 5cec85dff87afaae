#!/usr/bin/env bash
# Runs the Torch backend's tests inside a Debian 13 root: libtorch 2.10 (TorchSharp 0.107) needs GCC 13's
# libstdc++ (GLIBCXX_3.4.32), which Debian 12 hosts lack. The root is built once into .cache/trixie-root/
# and reused; the host's dotnet and this repository are bind-mounted in a private mount namespace and are
# always unmounted on exit. Usage: bash .ci/torch-root.sh [--provision | --no-build] [extra Expecto arguments]
# (--provision only builds the root and exits; --no-build runs the already built test binary), or
# bash .ci/torch-root.sh --exec COMMAND [ARGS...]: runs any command inside the root, in /repo, with the host's
# dotnet first on PATH (benchmarks/torch/run.sh uses it).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
root="$repo/.cache/trixie-root"
config=Release
say() { echo "torch-root: $*" >&2; }
die() { say "FAILED: $*"; echo "0 passed, 1 failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

build=1
provision=0
exec_mode=0
if [ "${1:-}" = "--exec" ]; then exec_mode=1; build=0; shift; [ $# -gt 0 ] || die "--exec needs a command"; fi
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
if [ "${1:-}" = "--provision" ]; then provision=1; shift; fi

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, mount and chroot need it)"
dotnet_bin=$(command -v dotnet) || die "dotnet is not on PATH"
dotnet_dir=$(dirname "$(readlink -f "$dotnet_bin")")

# The Debian mirror comes from the host's own apt configuration, never from this repository.
mirror_uri() {
  local u=""
  if [ -d /etc/apt/sources.list.d ]; then
    u=$(awk '/^URIs:/{uri=$2} /^Suites:/{for(i=2;i<=NF;i++) if($i !~ /-/ && uri !~ /security/){print uri; exit}}' \
          /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  fi
  if [ -z "$u" ] && [ -f /etc/apt/sources.list ]; then
    u=$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if($i ~ /^[a-z]+:\/\//){print $i; exit}}' /etc/apt/sources.list | head -1)
  fi
  echo "$u"
}

t0=$(date +%s)
if [ ! -f "$root/.fluxion-root-ok" ]; then
  if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    { apt-get install -y debootstrap >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y debootstrap >/dev/null 2>&1; }; } \
      || die "cannot install debootstrap with apt-get"
  fi
  mirror=$(mirror_uri)
  [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list(.d)"
  say "building the Debian 13 root in $root (once)"
  rm -rf "$root" "$root.partial"
  mkdir -p "$(dirname "$root")"
  if ! debootstrap --variant=minbase --include=libstdc++6,libicu76,ca-certificates trixie "$root.partial" "$mirror" \
       >"$repo/.cache/debootstrap.log" 2>&1; then
    tail -20 "$repo/.cache/debootstrap.log" >&2
    rm -rf "$root.partial"
    die "debootstrap of Debian 13 (trixie) failed; log in .cache/debootstrap.log"
  fi
  mv "$root.partial" "$root"
  touch "$root/.fluxion-root-ok"
  say "root built in $(( $(date +%s) - t0 )) s"
else
  say "reusing $root"
fi
grep -q 'GLIBCXX_3\.4\.32' "$root/usr/lib/x86_64-linux-gnu/libstdc++.so.6" \
  || die "the root's libstdc++ lacks GLIBCXX_3.4.32; delete $root and rerun"

[ "$provision" = 1 ] && { say "root ready in $(( $(date +%s) - t0 )) s"; exit 0; }

proj=tests/Backends.Torch.Tests/Backends.Torch.Tests.fsproj
if [ "$build" = 1 ]; then
  dotnet build "$repo/$proj" -c "$config" -nologo -clp:ErrorsOnly >&2 || die "build of $proj failed"
fi
dll=/repo/tests/Backends.Torch.Tests/bin/$config/net10.0/Backends.Torch.Tests.dll
[ "$exec_mode" = 1 ] || [ -f "$repo${dll#/repo}" ] || die "test binary missing: ${dll#/repo/}"

# Everything below happens in a private mount namespace, so no mount can leak to the host even if the
# trap never runs; the trap still unmounts in reverse order so the root stays clean for reuse.
t1=$(date +%s)
set +e
unshare --mount --propagation private -- bash -s -- "$exec_mode" "$root" "$repo" "$dotnet_dir" "$dll" "$@" <<'INNER'
set -uo pipefail
exec_mode=$1 root=$2 repo=$3 dotnet_dir=$4 dll=$5; shift 5
mounted=()
cleanup() {
  local i
  for (( i=${#mounted[@]}-1; i>=0; i-- )); do umount -l "${mounted[$i]}" 2>/dev/null || echo "torch-root: could not unmount ${mounted[$i]}" >&2; done
}
trap cleanup EXIT INT TERM
mkdir -p "$root/repo" "$root/proc" "$root/tmp" "$root$dotnet_dir"
mount --bind "$dotnet_dir" "$root$dotnet_dir" && mounted+=("$root$dotnet_dir") || exit 90
mount --bind "$repo" "$root/repo" && mounted+=("$root/repo") || exit 90
mount -t proc proc "$root/proc" && mounted+=("$root/proc") || exit 90
chroot_bin=$(command -v chroot) || { echo "torch-root: chroot not found" >&2; exit 90; }
if [ "$exec_mode" = 1 ]; then
  env -i PATH="$dotnet_dir:/usr/local/bin:/usr/bin:/bin" HOME=/tmp DOTNET_CLI_HOME=/tmp DOTNET_NOLOGO=1 \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 FLUXION_REQUIRE_TORCH=1 \
    "$chroot_bin" "$root" /bin/sh -c 'cd /repo && exec "$@"' _ "$@"
  exit $?
fi
log=$(mktemp)
env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp DOTNET_CLI_HOME=/tmp DOTNET_NOLOGO=1 \
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 FLUXION_REQUIRE_TORCH=1 \
  "$chroot_bin" "$root" /bin/sh -c 'cd "$(dirname "$1")" && shift && exec "$@"' _ "$dll" \
  "$dotnet_dir/dotnet" "$dll" --no-spinner --colours 0 "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
sed -E ':a;s/([0-9]),([0-9])/\1\2/;ta' "$log" | grep -qE '[0-9]+ passed, [0-9]+ ignored, [0-9]+ failed, [0-9]+ errored' || { echo "torch-root: Expecto printed no closing line" >&2; rc=1; }
rm -f "$log"
exit $rc
INNER
rc=$?
set -e
[ "$rc" = 90 ] && die "could not mount into the root"
[ "$exec_mode" = 1 ] && { say "command ran in $(( $(date +%s) - t1 )) s, exit code $rc"; exit $rc; }
say "tests ran in $(( $(date +%s) - t1 )) s (total $(( $(date +%s) - t0 )) s), exit code $rc"
exit $rc
