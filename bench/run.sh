#!/usr/bin/env bash
# StackHTTP benchmark: builds bench/HTTPBench (release, StackHTTP sources compiled in), runs
# `wrk -t2 -c32 -d10s` against GET /hello and GET /json RUNS times each (default 3), prints each
# figure, the median, and the server's RSS (peak VmHWM and current VmRSS after the runs).
# Usage: bench/run.sh [RUNS] [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
PORT="${2:-18080}"
if ! command -v wrk >/dev/null; then
    echo "bench: installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || {
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
fi
OUT=.build/bench
mkdir -p "$OUT"
swiftc -O -wmo -swift-version 6 -module-name HTTPBench -I Sources/CSystem \
    -enable-upcoming-feature ExistentialAny \
    $(find Sources/StackHTTP -name '*.swift') bench/HTTPBench/main.swift -o "$OUT/http-bench"
"$OUT/http-bench" "$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
sleep 1
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for path in hello json; do
    : > "$OUT/$path.txt"
    for i in $(seq "$RUNS"); do
        rps=$(wrk -t2 -c32 -d10s "http://127.0.0.1:$PORT/$path" | awk '/Requests\/sec/ {print $2}')
        echo "/$path run $i: $rps req/s"
        echo "$rps" >> "$OUT/$path.txt"
    done
    echo "/$path median: $(median < "$OUT/$path.txt") req/s"
done
grep -E 'VmHWM|VmRSS' "/proc/$SERVER/status"
