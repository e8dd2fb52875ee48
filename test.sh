#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs the JS test client, restores, builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: node and npm are needed for the OTLP/HTTP JSON test client" >&2
  exit 1
fi
(cd tests/js-client && npm ci --no-audit --no-fund --loglevel=error)

results="$(pwd)/artifacts/test-results"
rm -rf "$results"
dotnet build Agent.sln -c Release --nologo -v quiet
status=0
dotnet test tests/Agent.Tests/Agent.Tests.csproj -c Release --no-build --nologo \
  --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

# One plain closing line that any CI can read, counted from the test results themselves.
trx="$results/tests.trx"
if [ -f "$trx" ]; then
  passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  echo "${passed:-0} passed, ${failed:-0} failed"
fi
exit $status
