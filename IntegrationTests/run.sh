#!/usr/bin/env bash
# The deployment matrix: IntegrationTests/Consumer (a package that depends on this one by path)
# built the ways Swift programs are shipped on Linux, and each program shape started the ways
# programs are started. Every run must start hosts from the running binary and from a
# dedicated host executable, as root and as `nobody`, call them, and stop them cleanly.
#
#   IntegrationTests/run.sh          every build mode: debug, release, release with
#                                    --static-swift-stdlib; each also stripped
#   IntegrationTests/run.sh fast     debug, and release with --static-swift-stdlib stripped
#
# Ends with "N passed, N failed"; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/Consumer"

selection=${1:-full}
case "$selection" in
    full) modes=(debug release static) ;;
    fast) modes=(debug static) ;;
    *) echo "usage: $0 [full|fast]" >&2; exit 64 ;;
esac

passed=0
failed=0
failures=()
staging=$(mktemp -d /tmp/bridge-deploy.XXXXXX)
chmod 755 "$staging"  # a host that switches to nobody keeps this as its working directory
trap 'rm -rf "$staging"' EXIT

# Runs one program and records its verdict: `record NAME COMMAND...`.
record() {
    local name=$1
    shift
    local output status
    output=$(timeout 180 "$@" 2>&1 </dev/null)
    status=$?
    verdict "$name" "$status" "$output"
}

verdict() {
    local name=$1 status=$2 output=$3
    if [ "$status" -eq 0 ] && ! grep -q '^FAILED' <<<"$output"; then
        passed=$((passed + 1))
        echo "pass: $name ($(grep -c '^ok:' <<<"$output") checks)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "FAIL: $name (status $status)"
        # Why first, in a few lines: a CI log keeps a run's head and tail, not its middle.
        grep -E '^FAILED|✘|error|fatal' <<<"$output" | head -n 12 | sed 's/^/    why: /'
        sed 's/^/    /' <<<"$output" | tail -n 40
    fi
}

# Starts the async-main probe from a copy of its binary, waits until it runs, renames or
# deletes that file, then lets it start its hosts: they must start from the running image.
record_moved() {
    local name=$1 bin=$2 how=$3
    local moving="$bin/probe-moving"
    cp "$bin/probe-async-main" "$moving"
    coproc PROBE { timeout 180 "$moving" --wait-for-go 2>&1; }
    local first output status
    read -r first <&"${PROBE[0]}"
    if [ "$how" = renamed ]; then mv "$moving" "$bin/probe-moved"; else rm "$moving"; fi
    echo go >&"${PROBE[1]}"
    output=$(cat <&"${PROBE[0]}")
    wait "$PROBE_PID"
    status=$?
    rm -f "$bin/probe-moved"
    verdict "$name" "$status" "$first"$'\n'"$output"
}

# Every shape and every way of starting it, from the products in directory `bin`.
run_variant() {
    local variant=$1 bin=$2
    echo "--- $variant"
    record "$variant: async @main, absolute path" "$bin/probe-async-main"
    # On one CPU from its start, calls made at once go out in batches that their sender reads.
    if command -v taskset >/dev/null; then
        record "$variant: async @main on one CPU" taskset -c 0 "$bin/probe-async-main"
    fi
    record "$variant: top-level code" "$bin/probe-top-level"
    local busy
    for busy in runloop dispatch-main blocking-read; do
        record "$variant: sync @main (Swift 5 mode), main thread in $busy" "$bin/probe-sync-main" "$busy"
    done
    record "$variant: relative path" bash -c "cd '$bin/..' && ./$(basename "$bin")/probe-async-main"
    mkdir -p "$staging/links"
    ln -sf "$bin/probe-async-main" "$staging/links/probe-link"
    record "$variant: symbolic link in another directory" "$staging/links/probe-link"
    record "$variant: by name through PATH" env PATH="$staging/links:$PATH" probe-link
    record_moved "$variant: binary renamed while it runs" "$bin" renamed
    record_moved "$variant: binary deleted while it runs" "$bin" deleted
    record "$variant: consumer-demo" "$bin/consumer-demo"
    if [ -e "$bin/ConsumerPackageTests.xctest" ]; then
        record "$variant: XCTest binary started directly" "$bin/ConsumerPackageTests.xctest"
        record "$variant: Swift Testing binary started directly" "$bin/ConsumerPackageTests.xctest" --testing-library swift-testing
    fi
}

# Copies a build's products (the test binary too) where they can be renamed and stripped.
stage() {
    local from=$1 to=$2 strip=$3
    mkdir -p "$to"
    for product in probe-async-main probe-top-level probe-sync-main consumer-demo greeter-host plain-program ConsumerPackageTests.xctest; do
        [ -e "$from/$product" ] || continue  # no test binary in a static build
        cp "$from/$product" "$to/"
        if [ "$strip" = yes ]; then strip "$to/$product"; fi
    done
}

for mode in "${modes[@]}"; do
    # The toolchain ships XCTest and Swift Testing as shared libraries only, so a test binary
    # cannot be linked with --static-swift-stdlib: the static build has the programs alone.
    tests=(--build-tests)
    case "$mode" in
        debug) flags=(); scratch=.build ;;
        release) flags=(-c release); scratch=.build-release ;;
        static) flags=(-c release --static-swift-stdlib); scratch=.build-static; tests=() ;;
    esac
    echo "=== build: $mode (${flags[*]:-default})"
    log="$staging/build-$mode.log"
    # Without manifest caching: a cached plan of a scratch directory that lives on between runs
    # misses source files added to the package under test ("cannot find ... in scope", seen).
    if ! swift build "${tests[@]}" "${flags[@]}" --scratch-path "$scratch" --disable-build-manifest-caching >"$log" 2>&1; then
        # The errors, not only the last warnings: the whole log is long.
        grep -E "error:|fatal|Killed|signal" "$log" | head -n 40
        tail -n 20 "$log"
        failed=$((failed + 1)); failures+=("$mode: build"); continue
    fi
    tail -n 1 "$log"
    products=$(swift build "${flags[@]}" --scratch-path "$scratch" --show-bin-path)
    if [ "$selection" = full ] || [ "$mode" = debug ]; then
        if [ ${#tests[@]} -gt 0 ]; then
            record "$mode: swift test (XCTest and Swift Testing)" swift test "${flags[@]}" --scratch-path "$scratch" --skip-build
        fi
        stage "$products" "$staging/$mode" no
        run_variant "$mode" "$staging/$mode"
    fi
    if [ "$selection" = full ] || [ "$mode" = static ]; then
        stage "$products" "$staging/$mode-stripped" yes
        run_variant "$mode, stripped" "$staging/$mode-stripped"
    fi
done

echo
if [ ${#failures[@]} -gt 0 ]; then
    echo "Failed:"
    printf '  %s\n' "${failures[@]}"
fi
echo "deployment: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
