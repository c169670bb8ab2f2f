#!/usr/bin/env bash
# Runs the test suite under ThreadSanitizer, then AddressSanitizer, each with a scratch path of
# its own (a sanitized build cannot share objects with a plain one).
#
#     scripts/sanitize.sh              # both
#     scripts/sanitize.sh thread       # one of them
#
# SCRATCH_PREFIX (default .build-sanitize) names the scratch paths; extra arguments go to
# swift test (e.g. --filter ConcurrencyTests). Hosts are the test binary started again, so they
# run sanitized too, and their reports go to the same standard error.
set -uo pipefail
cd "$(dirname "$0")/.."

prefix="${SCRATCH_PREFIX:-.build-sanitize}"
sanitizers=(thread address)
if [[ $# -gt 0 && ( "$1" == thread || "$1" == address ) ]]; then
    sanitizers=("$1")
    shift
fi

failed=()
for sanitizer in "${sanitizers[@]}"; do
    echo "--- swift test --sanitize=$sanitizer"
    # A report makes the process exit non-zero at its end (a host's too, which fails its test);
    # ThreadSanitizer goes on after one, so that a run lists every race.
    if ! TSAN_OPTIONS="${TSAN_OPTIONS:-}" ASAN_OPTIONS="detect_leaks=0 ${ASAN_OPTIONS:-}" \
        swift test --scratch-path "$prefix-$sanitizer" --sanitize="$sanitizer" "$@"; then
        failed+=("$sanitizer")
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "sanitizers that reported or failed: ${failed[*]}" >&2
    exit 1
fi
echo "clean under: ${sanitizers[*]}"
