#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless and offline on the .NET Interactive kernel (the local dotnet tool
# of .config/dotnet-tools.json, driven by Debian's nbclient) and writes the executed copies to notebooks/out/.
# Usage: bash notebooks/run.sh [NOTEBOOK...]   (default: every notebooks/*.ipynb). Exit 1 if any cell fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1
# The kernel logs its web host's start-up at "info"; only warnings matter here.
export Logging__LogLevel__Default=Warning

if ! /usr/bin/python3 -c 'import nbclient, ipykernel' 2>/dev/null; then
  echo "notebooks/run.sh: Debian's python3-nbclient and python3-ipykernel are needed (apt-get install python3-nbclient python3-ipykernel)" >&2
  exit 1
fi
dotnet tool restore >/dev/null
# The notebooks #r the Release build of the extension (with Fluxion, its C# facade and Fluxion.Plot) and the course data.
dotnet build src/Interactive -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build examples/Course -c Release -nologo -clp:ErrorsOnly >/dev/null

# Kernel specs that start the local tool; kept under out/ so nothing is installed for the user.
out=notebooks/out
# run.py executes two notebooks at a time, each in its own worker slot; a kernel's HTTP API (on loopback only)
# takes a port from its slot's range, so that two kernels starting side by side never race for the same port.
rm -rf "$out/jupyter/kernels"
for slot in 0 1; do
  ports=$([ "$slot" = 0 ] && echo 2048-2499 || echo 2500-2999)
  for lang in csharp fsharp; do
    spec="$out/jupyter/kernels/.net-$lang-$slot"
    mkdir -p "$spec"
    cat >"$spec/kernel.json" <<JSON
{
  "argv": ["dotnet", "tool", "run", "dotnet-interactive", "--", "jupyter", "--default-kernel", "$lang",
           "--http-local-only", "--http-port-range", "$ports", "{connection_file}"],
  "display_name": ".NET ($lang)",
  "language": "$lang"
}
JSON
  done
done
export JUPYTER_PATH="$root/$out/jupyter"
export JUPYTER_RUNTIME_DIR="$root/$out/jupyter/runtime"

if [ $# -gt 0 ]; then books=("$@"); else books=(notebooks/*.ipynb); fi
/usr/bin/python3 notebooks/run.py "$out" "${books[@]}"
