#!/usr/bin/env bash
# StackHTTP benchmark (issue 5, item 7).
# Builds bench/HTTPBench/main.swift (release, StackHTTP's sources compiled in), runs
# `wrk -t2 -c32 -d10s` against GET /hello and GET /json RUNS times each (default 3), and prints
# every figure, the median, and the server's RSS (VmHWM = peak, VmRSS = after the runs).
# With PEER=1 it also builds the Hummingbird 2.28.1 peer (bench/HTTPBench/HummingbirdPeer) and measures
# it the same way, alternating servers run by run so both see the same machine load.
# Usage: [PEER=1] bench/HTTPBench/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
if ! command -v wrk >/dev/null; then
    echo "bench: installing wrk"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
OUT=.build/bench
mkdir -p "$OUT"
swiftc -O -wmo -swift-version 6 -module-name HTTPBench -I Sources/CSystem \
    -enable-upcoming-feature ExistentialAny \
    $(find Sources/StackHTTP -name '*.swift') bench/HTTPBench/main.swift -o "$OUT/http-bench"
SERVERS=("stack:$OUT/http-bench:18080")
if [ "${PEER:-0}" = 1 ]; then
    swift build -c release --package-path bench/HTTPBench/HummingbirdPeer >/dev/null
    SERVERS+=("hummingbird:$(swift build -c release --package-path bench/HTTPBench/HummingbirdPeer --show-bin-path)/HBBench:18081")
fi
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
for entry in "${SERVERS[@]}"; do
    IFS=: read -r name binary port <<< "$entry"
    "$binary" "$port" > /dev/null &
    PIDS+=($!)
    echo "$name pid $!" 
    : > "$OUT/$name-hello.txt"
    : > "$OUT/$name-json.txt"
done
sleep 2
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for i in $(seq "$RUNS"); do
    for path in hello json; do
        for entry in "${SERVERS[@]}"; do
            IFS=: read -r name binary port <<< "$entry"
            rps=$(wrk -t2 -c32 -d10s "http://127.0.0.1:$port/$path" | awk '/Requests\/sec/ {print $2}')
            echo "$name /$path run $i: $rps req/s (load $(cut -d' ' -f1 /proc/loadavg))"
            echo "$rps" >> "$OUT/$name-$path.txt"
        done
    done
done
if command -v curl >/dev/null; then
    before=$(awk '/VmHWM/ {print $2}' "/proc/${PIDS[0]}/status")
    got=$(head -c 1073741824 /dev/zero | curl -s -T - "http://127.0.0.1:18080/upload")
    after=$(awk '/VmHWM/ {print $2}' "/proc/${PIDS[0]}/status")
    echo "stack 1 GiB chunked upload: server counted ${got} bytes; VmHWM ${before} kB before, ${after} kB after"
fi
index=0
for entry in "${SERVERS[@]}"; do
    IFS=: read -r name binary port <<< "$entry"
    echo "$name /hello median: $(median < "$OUT/$name-hello.txt") req/s"
    echo "$name /json median: $(median < "$OUT/$name-json.txt") req/s"
    echo "$name $(grep -E 'VmHWM' "/proc/${PIDS[$index]}/status" | tr -s ' \t' ' ') $(grep -E 'VmRSS' "/proc/${PIDS[$index]}/status" | tr -s ' \t' ' ')"
    index=$((index + 1))
done
