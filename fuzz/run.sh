#!/usr/bin/env bash
# Builds the RequestParser libFuzzer target and runs it for DURATION seconds (default 60).
# Usage: fuzz/run.sh [DURATION_SECONDS] [extra libFuzzer flags...]
# Findings are written to fuzz/artifacts/ (crash-*, timeout-*); the working corpus to .build/fuzz/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-60}"
shift || true
OUT=.build/fuzz
mkdir -p "$OUT/corpus" fuzz/artifacts
SOURCES=(
    Sources/StackHTTP/HTTP1/RequestParser.swift
    Sources/StackHTTP/HTTP1/RequestParser+Chunked.swift
    Sources/StackHTTP/HTTP1/HeadParser.swift
    Sources/StackHTTP/HTTP1/Framing.swift
    Sources/StackHTTP/HTTP1/ByteClasses.swift
    Sources/StackHTTP/HTTP1/HTTPParseError.swift
    Sources/StackHTTP/HTTP1/ParserLimits.swift
    Sources/StackHTTP/HTTP1/RequestHead.swift
    Sources/StackHTTP/Message/HTTPFields.swift
    Sources/StackHTTP/Message/HTTPMethod.swift
    Sources/StackHTTP/Message/HTTPStatus.swift
    Sources/StackHTTP/Message/HTTPVersion.swift
)
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -module-name ParserFuzz \
    fuzz/FuzzRequestParser.swift "${SOURCES[@]}" -o "$OUT/parser-fuzzer"
exec "$OUT/parser-fuzzer" "$OUT/corpus" fuzz/corpus -max_total_time="$DURATION" -max_len=4096 \
    -artifact_prefix=fuzz/artifacts/ -print_final_stats=1 "$@"
