#!/bin/bash
# Runtime size (issue: "the runtime adds <= 100 KB to a release binary"): the stripped release
# `hello-plugin` against `baseline/`, the same program without wasm. Prints both sizes, the
# difference and the sections that differ.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$root" && cargo build -q --release -p hello-plugin)
(cd "$here/baseline" && cargo build -q --release --target-dir "$out/target")
cp "$root/target/release/hello-plugin" "$out/with"
cp "$out/target/release/size-baseline" "$out/without"
strip "$out/with" "$out/without"
w=$(stat -c %s "$out/with"); b=$(stat -c %s "$out/without")
echo "hello-plugin: $w bytes; baseline: $b bytes; the runtime adds $((w - b)) bytes ($(( (w - b) / 1024 )) KiB)"
echo "sections that differ (bytes: baseline, hello-plugin, difference):"
join -a1 -a2 -e0 -o 0,1.2,2.2 \
  <(size -A "$out/without" | awk 'NR>2 && NF==3 {print $1, $2}' | sort) \
  <(size -A "$out/with" | awk 'NR>2 && NF==3 {print $1, $2}' | sort) |
  awk '$2 != $3 {print $3 - $2, $1, $2, $3}' | sort -n -r |
  awk '{printf "  %-20s %8d %8d %+8d\n", $2, $3, $4, $1}'
