#!/usr/bin/env bash
# Runs every test suite of the repository and ends with two lines: "N passed, N failed", then the same with the
# skipped count (Expecto's "ignored", e.g. the Torch cases on a host where libtorch cannot load) as the last line:
# "N passed, N failed, N skipped".
# The Torch backend's suite also runs inside the Debian 13 root when .ci/run (or .ci/torch-root.sh
# --provision) has built it; on a plain Debian 12 host it checks the clear load-failure error.
# Usage: bash tests/run.sh [extra Expecto arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
config=Release
dotnet build Fluxion.sln -c "$config" -nologo -clp:ErrorsOnly \
  || { echo "build failed"; echo "0 passed, 1 failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

passed=0; failed=0; skipped=0; status=0
# Adds the counts of the last Expecto closing line in a log (a missing line counts as one failure).
count() {
  local log=$1 rc=$2 line p i f e
  # Expecto groups thousands ("1,337 passed"): drop separators between digits before reading the numbers.
  line=$(sed -E ':a;s/([0-9]),([0-9])/\1\2/;ta' "$log" | grep -E '[0-9]+ passed, [0-9]+ ignored, [0-9]+ failed, [0-9]+ errored' | tail -1)
  p=$(sed -nE 's/.* ([0-9]+) passed, ([0-9]+) ignored, ([0-9]+) failed, ([0-9]+) errored.*/\1 \2 \3 \4/p' <<<"$line")
  if [[ "$p" =~ ^([0-9]+)\ ([0-9]+)\ ([0-9]+)\ ([0-9]+)$ ]]; then
    passed=$((passed + BASH_REMATCH[1])); skipped=$((skipped + BASH_REMATCH[2]))
    failed=$((failed + BASH_REMATCH[3] + BASH_REMATCH[4]))
  else
    echo "tests/run.sh: no Expecto closing line could be read; counted as one failure"
    failed=$((failed + 1))
  fi
  [ "$rc" -ne 0 ] && status=1
  return 0
}

log=$(mktemp)
for proj in tests/*/*.fsproj; do
  name=$(basename "$proj" .fsproj)
  echo "== $name"
  dotnet "$(dirname "$proj")/bin/$config/net10.0/$name.dll" --no-spinner --colours 0 "$@" 2>&1 | tee "$log"
  count "$log" "${PIPESTATUS[0]}"
done
if [ -f .cache/trixie-root/.fluxion-root-ok ]; then
  echo "== Backends.Torch.Tests (inside the Debian 13 root)"
  bash .ci/torch-root.sh --no-build "$@" 2>&1 | tee "$log"
  count "$log" "${PIPESTATUS[0]}"
fi
rm -f "$log"
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
