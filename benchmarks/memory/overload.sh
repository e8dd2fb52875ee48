#!/bin/bash
# Issue 12, failure 2: 45 concurrent OTLP/HTTP requests of 50 MB, then 400 requests of 1 MB at concurrency 8, then
# one minute idle; prints the answers, peak RSS and RSS every 15 s. Run from this folder after
# `python3 bodies.py` and `dotnet build agent/Agent -c Release`.
# usage: overload.sh <agent binary> <config.yaml> <label>
BIN=$1
shift
$BIN run --config $1 > agent-$2.log 2>&1 &
PID=$!
sleep 4
rss() { awk '/VmRSS/{print int($2/1024)}' /proc/$PID/status; }
echo "$2 idle RSS $(rss) MiB"
PEAK=0
( while kill -0 $PID 2>/dev/null; do r=$(rss); [ "$r" -gt "$PEAK" ] 2>/dev/null && PEAK=$r && echo $PEAK > peak-$2; sleep 0.2; done ) &
MON=$!
codes=$(seq 45 | xargs -P 45 -I{} curl -s -o /dev/null -w "%{http_code}\n" -H "Content-Type: application/x-protobuf" --data-binary @big.pb http://127.0.0.1:14318/v1/logs | sort | uniq -c | tr '\n' ' ')
echo "$2 big: $codes peak $(cat peak-$2) MiB, now $(rss) MiB"
codes=$(seq 400 | xargs -P 8 -I{} curl -s -o /dev/null -w "%{http_code}\n" -H "Content-Type: application/x-protobuf" --data-binary @small.pb http://127.0.0.1:14318/v1/logs | sort | uniq -c | tr '\n' ' ')
echo "$2 1MB x400 c8: $codes peak $(cat peak-$2) MiB, now $(rss) MiB"
for t in 15 30 45 60; do sleep 15; echo "$2 +${t}s idle RSS $(rss) MiB"; done
kill $MON; kill $PID; wait $PID 2>/dev/null
