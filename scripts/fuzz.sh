#!/usr/bin/env bash
# Fuzzes the frame reader and the codec with libFuzzer for N seconds (default 60), starting
# from the seed corpus in Fuzz/corpus.
#
#     scripts/fuzz.sh [seconds]
#
# New inputs go to $SCRATCH/corpus, crashes to $SCRATCH/crashes; the committed seeds are only
# read. Replay a crash with a plain build: swift run bridge-fuzz <crash file>.
# SCRATCH (default .build-fuzz) is the build's scratch path; extra arguments after the seconds
# go to libFuzzer (e.g. -jobs=2).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
scratch="${SCRATCH:-.build-fuzz}"

# gold fails to link the fuzzer's instrumented objects; lld ships with the toolchain.
swift build -c release --scratch-path "$scratch" --product bridge-fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DBRIDGE_FUZZ -Xswiftc -use-ld=lld

mkdir -p "$scratch/corpus" "$scratch/crashes"
# -max_len stays under the socket's buffer, which the target fills without a writer thread.
"$scratch/release/bridge-fuzz" "$scratch/corpus" Fuzz/corpus \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$scratch/crashes/" -print_final_stats=1 "$@"
