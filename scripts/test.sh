#!/usr/bin/env bash
# Run every test: unit and integration tests of the workspace (including the fixture crates
# that check build errors), the no_std build of the runtime, and the spec testsuite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export LLVM_SYS_191_PREFIX=/usr/lib/llvm-19

cargo test --workspace
cargo build -p wasmlite-rt --no-default-features
