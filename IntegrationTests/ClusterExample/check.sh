#!/usr/bin/env bash
# Builds both executables and runs each on a small tree of three files; fails unless both
# count 3. Needs git to reach GitHub (swift-distributed-actors and its dependencies).
set -euo pipefail
cd "$(dirname "$0")"
# Pins both branches at the commits this example was built with (README.md):
# swift-distributed-actors' main of 2026-05-28, and swift-cluster-membership's commit before
# its #139 of 2026-06-22, with which that main does not build.
swift package resolve
pin() {
    sed -i.bak "/\"identity\" : \"$1\"/,/}/s/\"revision\" : \"[0-9a-f]*\"/\"revision\" : \"$2\"/" Package.resolved
    rm -f Package.resolved.bak
}
pin swift-distributed-actors 4faf4806e15318d9e242a7a104910f5ed484bf9b
pin swift-cluster-membership b3db91894db64c01567983363d68f2350890c41e
swift package resolve
swift build
tree=$(mktemp -d)
mkdir -p "$tree/a/b"
touch "$tree/1" "$tree/a/2" "$tree/a/b/3"
chmod -R a+rX "$tree"
bin=$(swift build --show-bin-path)
for program in OneMachine Cluster; do
    output=$("$bin/$program" "$tree")
    echo "$program: $output"
    [[ $output == "$tree holds 3 files"* ]] || { echo "$program counted wrong" >&2; exit 1; }
done
rm -rf "$tree"
