#!/usr/bin/env bash
# StackAPI end-to-end benchmark (issue 6, item 7; figures in docs/BENCHMARKS.md, "## StackAPI").
# Builds `stack` (release), and RUNS times (default 3): creates a fresh stack in a temporary data
# directory, registers the type `bench.note`, loads BENCH_RECORDS (default 10,000) records of ~300 bytes
# through POST /records (ids r00000…), uploads a 1 MiB attachment, then for each scenario starts
# `stack serve --port 0` (default durability: full), warms up 1 s, runs `wrk -t2 -c32 -d10s --latency`
# with the owner token, and stops the server. The server is restarted per scenario so that its VmHWM
# is the peak RSS of that scenario alone. Prints every run and a table of medians.
# Usage: bench/api.sh [RUNS]
# env: BENCH_RECORDS, DURATION (default 10s), KEEP=1 keeps the data dirs, STACK_BIN=path skips the build,
# SCENARIOS="list-50 search-rare" runs only those (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
DURATION="${DURATION:-10s}"
export BENCH_RECORDS="${BENCH_RECORDS:-10000}"
export BENCH_THREADS=2
if ! command -v wrk >/dev/null; then
    echo "bench: installing wrk"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
if [ -n "${STACK_BIN:-}" ]; then
    STACK="$STACK_BIN"
else
    swift build -c release --product stack >/dev/null
    STACK="$(swift build -c release --show-bin-path)/stack"
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/stack-apibench.XXXXXX")"
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
for name in load create patch upload get; do
    cat bench/api/common.lua "bench/api/$name.lua" > "$WORK/$name.lua"
done

# start_server DATA LOG: starts `stack serve` on a free port; sets SERVER_PID and URL.
start_server() {
    rm -f "$WORK/serve.out"   # the child truncates it only once it runs: never read the last server's URL
    "$STACK" serve --data "$1" --port 0 > "$WORK/serve.out" 2>> "$2" &
    SERVER_PID=$!
    URL=""
    for _ in $(seq 100); do
        URL=$(grep -soE 'http://[0-9.]+:[0-9]+' "$WORK/serve.out" | head -1 || true)
        [ -n "$URL" ] && break
        sleep 0.1
    done
    [ -n "$URL" ] || { echo "bench: server did not start; see $2" >&2; exit 1; }
}
stop_server() {
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

SCENARIOS=(${SCENARIOS:-get-record list-50 search-rare search-common patch get-attachment create upload})
declare -A LABEL=([get-record]="GET a record" [create]="POST create" [patch]="PATCH merge patch"
    [list-50]="GET list of 50" [get-attachment]="GET 1 MiB attachment" [upload]="POST 1 MiB attachment"
    [search-rare]="GET q, 1 match" [search-common]="GET q, all match")
LOGS=.build/bench/api
mkdir -p "$LOGS"
RESULTS="$LOGS/results.txt"
: > "$RESULTS"
for run in $(seq "$RUNS"); do
    DATA="$WORK/data-$run"
    LOG="$LOGS/server-$run.log"
    : > "$LOG"
    TOKEN=$("$STACK" init --data "$DATA" --json | sed -E 's/.*"token" *: *"([^"]+)".*/\1/')
    export STACK_TOKEN="$TOKEN"
    AUTH="Authorization: Bearer $TOKEN"
    start_server "$DATA" "$LOG"
    curl -sf -o /dev/null -H "$AUTH" -H 'Content-Type: application/json' "$URL/types" -d '{"id":"bench.note","name":"Bench note","schema":{"type":"object","required":["title"],"properties":{"title":{"type":"string"},"body":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},"priority":{"type":"integer"},"done":{"type":"boolean"}}}}'
    start=$(date +%s.%N)
    # wrk runs for its whole -d even when every thread has stopped: end it (SIGINT prints the
    # summary) once the access log shows every record created.
    wrk -t2 -c16 -d600s -s "$WORK/load.lua" "$URL" > "$WORK/load.out" &
    WRK_PID=$!
    until [ "$(grep -c 'POST /records 201' "$LOG")" -ge "$BENCH_RECORDS" ]; do
        kill -0 "$WRK_PID" 2>/dev/null || break
        sleep 0.2
    done
    kill -INT "$WRK_PID" 2>/dev/null || true
    wait "$WRK_PID" || true
    load=$(grep '^RESULT' "$WORK/load.out" || echo "no wrk summary")
    count=$(curl -sf -H "$AUTH" "$URL/records/r$(printf %05d $((BENCH_RECORDS - 1)))" -o /dev/null -w '%{http_code}')
    echo "run $run: loaded $BENCH_RECORDS records in $(echo "$(date +%s.%N) - $start" | bc | cut -c1-5) s (last record: $count; $load)"
    head -c 1048576 /dev/urandom > "$WORK/blob"
    FILE_ID=$(curl -sf -H "$AUTH" -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/blob" "$URL/attachments" \
        | sed -E 's/.*"fileId" *: *"([^"]+)".*/\1/')
    stop_server
    for scenario in "${SCENARIOS[@]}"; do
        case "$scenario" in
            get-record) path="/records/r$(printf %05d $((BENCH_RECORDS / 2)))"; script=get ;;
            list-50) path="/records?limit=50"; script=get ;;
            search-rare) path="/records?q=r$(printf %05d $((BENCH_RECORDS / 3)))"; script=get ;;
            search-common) path="/records?q=lorem&limit=50"; script=get ;;
            patch) path="/records"; script=patch ;;
            get-attachment) path="/attachments/$FILE_ID"; script=get ;;
            create) path="/records"; script=create ;;
            upload) path="/attachments"; script=upload ;;
        esac
        start_server "$DATA" "$LOG"
        wrk -t2 -c32 -d1s -H "$AUTH" -s "$WORK/$script.lua" "$URL$path" > /dev/null
        line=$(wrk -t2 -c32 -d"$DURATION" --latency -H "$AUTH" -s "$WORK/$script.lua" "$URL$path" | grep '^RESULT')
        hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
        stop_server
        echo "$scenario $line hwm_kb=$hwm load=$(cut -d' ' -f1 /proc/loadavg)" | sed 's/RESULT //' >> "$RESULTS"
        echo "run $run: $scenario $line peak_rss=$((hwm / 1024)) MiB (load $(cut -d' ' -f1 /proc/loadavg))"
    done
done

field() { sed -nE "s/.* $1=([^ ]+).*/\1/p"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "Medians of $RUNS run(s), wrk -t2 -c32 -d$DURATION, owner token, durability full, $BENCH_RECORDS records; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-24s %10s %10s %10s %8s %8s %10s\n' "request" "req/s" "p50 ms" "p99 ms" "non-2xx" "errors" "peak RSS"
for scenario in "get-record" "create" "patch" "list-50" "search-rare" "search-common" "get-attachment" "upload"; do
    rows=$(grep "^$scenario " "$RESULTS")
    [ -n "$rows" ] || continue
    rps=$(echo "$rows" | field rps | median)
    p50=$(echo "$rows" | field p50_us | median)
    p99=$(echo "$rows" | field p99_us | median)
    bad=$(echo "$rows" | field non2xx | sort -n | tail -1)
    err=$(echo "$rows" | field errors | sort -n | tail -1)
    hwm=$(echo "$rows" | field hwm_kb | median)
    printf '%-24s %10s %10.2f %10.2f %8s %8s %7.1f MiB\n' "${LABEL[$scenario]}" "$rps" \
        "$(echo "$p50 / 1000" | bc -l)" "$(echo "$p99 / 1000" | bc -l)" "$bad" "$err" "$(echo "$hwm / 1024" | bc -l)"
done
echo "(non-2xx and errors: the largest of the runs; server access logs in $LOGS)"
if grep -qE 'non2xx=[1-9]' "$RESULTS"; then
    echo "non-2xx answers by status (status x count):"
    grep -E 'non2xx=[1-9]' "$RESULTS" | sed -E 's/^([^ ]+) .* statuses=([^ ]+).*/  \1: \2/'
fi
