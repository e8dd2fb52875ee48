#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs the JS test client, restores, builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: node and npm are needed for the OTLP/HTTP JSON test client" >&2
  exit 1
fi
# The metrics tests run a real Prometheus (remote-write receiver, promtool) and a real node_exporter.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus-node-exporter >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-node-exporter >/dev/null
  else
    echo "test.sh: the Debian packages prometheus and prometheus-node-exporter are needed (run as root to install them)" >&2
    exit 1
  fi
fi
(cd tests/js-client && npm ci --no-audit --no-fund --loglevel=error)

results="$(pwd)/artifacts/test-results"
rm -rf "$results"
dotnet build Agent.sln -c Release --nologo -v quiet
status=0
mkdir -p "$results"
dotnet test tests/Agent.Tests/Agent.Tests.csproj -c Release --no-build --nologo \
  --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" 2>&1 | tee "$results/console.log" || status=$?

# A CI that keeps only the end of the output still sees which tests failed and why.
if grep -qE '^\s+Failed ' "$results/console.log"; then
  echo "Failed tests:"
  grep -E '^\s+Failed ' "$results/console.log" | head -20
  echo "Their messages:"
  grep -E -A 8 '^\s+Failed ' "$results/console.log" | head -60
fi

# One plain closing line that any CI can read, counted from the test results themselves.
trx="$results/tests.trx"
if [ -f "$trx" ]; then
  passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  echo "${passed:-0} passed, ${failed:-0} failed"
fi
exit $status
