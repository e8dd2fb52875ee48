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

# The shipped binary is Native AOT (README, Publish): the tests that run the agent as a process run again against
# it. Skipped when arguments (a filter) were given, as for a quick run of a few tests.
if [ $# -eq 0 ]; then
  # Native AOT links with clang; Debian may only have a versioned one.
  linker=""
  for candidate in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
    if command -v "$candidate" >/dev/null 2>&1; then linker="$candidate"; break; fi
  done
  if [ -z "$linker" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang zlib1g-dev >/dev/null
      linker=clang
    else
      echo "test.sh: clang is needed to publish the Native AOT binary (run as root to install it)" >&2
      exit 1
    fi
  fi
  aot="$(pwd)/artifacts/agent-aot"
  rm -rf "$aot"
  dotnet publish agent/Agent/Agent.csproj -c Release -p:CppCompilerAndLinker="$linker" -o "$aot" --nologo -v quiet
  AGENT_TEST_BINARY="$aot/agent" dotnet test tests/Agent.Tests/Agent.Tests.csproj -c Release --no-build --nologo \
    --filter "FullyQualifiedName~Agent.Tests.EndToEnd|FullyQualifiedName~Agent.Tests.Deployment" \
    --logger "trx;LogFileName=aot.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" 2>&1 | tee "$results/aot-console.log" || status=$?
fi

# A CI that keeps only the end of the output still sees which tests failed and why.
for log in "$results/console.log" "$results/aot-console.log"; do
  if [ -f "$log" ] && grep -qE '^\s+Failed ' "$log"; then
    echo "Failed tests ($(basename "$log")):"
    grep -E '^\s+Failed ' "$log" | head -20
    echo "Their messages:"
    grep -E -A 8 '^\s+Failed ' "$log" | head -60
  fi
done

# One plain closing line per run that any CI can read, counted from the test results themselves.
for trx in "$results/tests.trx" "$results/aot.trx"; do
  if [ -f "$trx" ]; then
    passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
    failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
    echo "$(basename "$trx" .trx): ${passed:-0} passed, ${failed:-0} failed"
  fi
done
exit $status
