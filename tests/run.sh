#!/usr/bin/env bash
# Runs every test suite of the repository and ends with one line: "N passed, N failed".
# Usage: bash tests/run.sh [--quick]   (extra arguments go to every Expecto suite)
set -uo pipefail
cd "$(dirname "$0")/.."
config=Release
dotnet build Fluxion.sln -c "$config" -nologo -clp:ErrorsOnly || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0; status=0
for proj in tests/*/*.fsproj; do
  name=$(basename "$proj" .fsproj)
  dll="$(dirname "$proj")/bin/$config/net10.0/$name.dll"
  log=$(mktemp)
  echo "== $name"
  dotnet "$dll" --no-spinner --colours 0 "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  # Expecto's closing line: "... N passed, N ignored, N failed, N errored. ..."
  line=$(grep -E '[0-9]+ passed, [0-9]+ ignored, [0-9]+ failed, [0-9]+ errored' "$log" | tail -1)
  if [ -n "$line" ]; then
    p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.* ([0-9]+) failed, ([0-9]+) errored.*/\1+\2/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f))
  else
    failed=$((failed + 1))
  fi
  [ "$rc" -ne 0 ] && status=1
  rm -f "$log"
done
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed"
exit $status
