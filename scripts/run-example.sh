#!/usr/bin/env bash
# Build and run the main example (a wasm plugin with host imports, compiled ahead of time).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export LLVM_SYS_191_PREFIX=/usr/lib/llvm-19
exec cargo run --release -p hello-plugin
