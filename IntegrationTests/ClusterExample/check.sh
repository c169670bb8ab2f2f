#!/usr/bin/env bash
# Builds both executables and runs each on a small tree of three files; fails unless both
# count 3. Needs git to reach GitHub (swift-distributed-actors and its dependencies).
set -euo pipefail
cd "$(dirname "$0")"
# swift-distributed-actors' main does not build with swift-cluster-membership's main since
# 2026-06-22: pin the commit before (README.md).
swift package resolve
membership=b3db91894db64c01567983363d68f2350890c41e
sed -i.bak "/\"identity\" : \"swift-cluster-membership\"/,/}/s/\"revision\" : \"[0-9a-f]*\"/\"revision\" : \"$membership\"/" Package.resolved
rm -f Package.resolved.bak
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
