#!/usr/bin/env bash
# Writes the method order the Native AOT compiler lays the agent's code out by (IlcOrderFile in Agent.csproj).
#
# Why: the code a running agent uses is a few thousand methods, but left in the compiler's default order they sit
# scattered over the binary's 17 MB of code, and the kernel keeps every 16-64 kB around each one resident (it reads
# ahead and maps the cached neighbours of a faulting page). Listed first, together, they fill a few MB.
# See benchmarks/README.md, "Code laid out by use".
#
# How: each scenario of the load harness runs the agent pinned to CPU 0 while perf records CPU 0: a sample every
# 20 us of CPU time, and every major page fault, both with call chains. Every method of the agent binary on a
# recorded stack counts: the samples find the code that runs often, the faults the code that runs once on the
# first requests. Methods seen only before the agent was ready (which it lets go of then) go last; the rest are
# grouped by the set of scenarios that ran them, those every scenario runs first, hottest first within a group.
# Methods of the current list that the new profile missed but the binary still has are kept after them, so
# repeated runs over a binary built from the list converge. Methods never listed keep the compiler's order after
# the list: a stale list costs memory, never correctness.
#
# usage: benchmarks/layout/record-method-order.sh AGENT HARNESS [OUT]
#   AGENT    a published agent binary with its symbols beside it (agent.dbg, the default of dotnet publish)
#   HARNESS  the published benchmarks/Agent.LoadHarness
#   OUT      defaults to agent/Agent/method-order.txt
# Needs perf and both cores; takes about nine minutes (call chains slow the agent's start to 4-9 s).
set -euo pipefail
export LC_ALL=C
agent=$(realpath "$1"); harness=$(realpath "$2")
out=${3:-$(dirname "$0")/../../agent/Agent/method-order.txt}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# record NAME HARNESS-ARGS...: writes NAME.counts, "weight<TAB>phase<TAB>method" for the frames in the agent
# binary, phase 1 for a method seen after the agent was ready, 0 for one seen only before, 2 where the scenario's
# table gives no time to ready (pod logs, idle files).
record() {
  local name=$1; shift
  perf record -q -a -C 0 -e cpu-clock/period=20000/ -e major-faults/period=1/ -g -o "$work/$name.data" -- \
    "$harness" "$@" --agent "$agent" --agent-cpu 0 >"$work/$name.log" 2>&1 ||
    { tail -n 20 "$work/$name.log" >&2; echo "$name: the harness failed" >&2; exit 1; }
  # The table's "ready s" column: seconds from the agent's start until it answered ready.
  local ready
  ready=$(awk -F'|' '/^\| scenario/ { for (i = 1; i <= NF; i++) if ($i ~ /^ *ready s *$/) c = i; next }
                     c && /^\| [a-z]/ { r = $c } END { print r + 0 }' "$work/$name.log")
  perf script -i "$work/$name.data" -F time,ip,sym,dso 2>/dev/null |
    awk -v dso="($agent)" -v ready="$ready" '
      /^ *[0-9]+\.[0-9]+: *$/ { t = $1 + 0; next }
      $NF == dso && $2 != "[unknown]" {
        if (t0 == "") t0 = t
        n[$2]++
        if (t - t0 > ready) late[$2] = 1
      }
      END { for (m in n) printf "%d\t%d\t%s\n", n[m], (ready == 0 ? 2 : (m in late)), m }' >"$work/$name.counts"
  rm -f "$work/$name.data"
  echo "$name: $(wc -l <"$work/$name.counts") methods, ready after ${ready} s" >&2
}

record traces traces --compression none --warmup 5s --duration 20s
record traces-gzip traces --warmup 5s --duration 15s
record traces-sequential traces --mode sequential --batch 512 --compression none --warmup 5s --duration 15s
record traces-max traces --mode max --batch 100 --compression none --warmup 5s --duration 15s
record metrics metrics --warmup 5s --duration 20s
record logs logs --lines 2000000 --line-bytes 188 --pods 20 --timeout 600s
record idle-files idle-files --settle 5s --window 15s

# Methods of the binary (its symbols), to keep the current list's entries that still exist.
nm "${agent%/*}/agent.dbg" 2>/dev/null | awk '$2 ~ /^[tT]$/ { print $3 }' | sort -u >"$work/binary.methods" ||
  : >"$work/binary.methods"
[ -f "$out" ] && grep -v '^#' "$out" | sort | join - "$work/binary.methods" >"$work/kept.methods" ||
  : >"$work/kept.methods"

# A method is start-up code when a scenario timed it before ready and none after; a method only the untimed
# scenarios saw is not. Key: phase, number of scenarios, which scenarios, share of the scenarios' recorded frames.
{
  echo "# Methods of the agent in the order the Native AOT compiler lays them out; written by"
  echo "# benchmarks/layout/record-method-order.sh (see there). Lines that name no method are ignored."
  awk -F'\t' '
    FNR == 1 { s++ }
    { count[s, $3] = $1; total[s] += $1; seen[$3] = 1; if ($2 == 1) late[$3] = 1; if ($2 == 0) early[$3] = 1 }
    END {
      for (m in seen) {
        sig = ""; k = 0; w = 0
        for (i = 1; i <= s; i++) {
          if ((i, m) in count) { sig = sig "1"; k++; w += count[i, m] / total[i] } else sig = sig "0"
        }
        printf "%d\t%d\t%s\t%.9f\t%s\n", (m in late) || !(m in early), k, sig, w, m
      }
    }' "$work"/*.counts |
    sort -t$'\t' -k1,1nr -k2,2nr -k3,3r -k4,4gr | cut -f5 >"$work/profiled.methods"
  cat "$work/profiled.methods"
  sort "$work/profiled.methods" | comm -13 - "$work/kept.methods"
} >"$out.new"
mv "$out.new" "$out"
echo "wrote $(grep -vc '^#' "$out") methods to $out" >&2
