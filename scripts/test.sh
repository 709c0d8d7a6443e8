#!/usr/bin/env bash
# Run every test: unit and integration tests of the workspace (including the fixture crates
# that check build errors), the no_std build of the runtime, and the spec testsuite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export LLVM_SYS_191_PREFIX=/usr/lib/llvm-19

cargo test --workspace
# Lints: every crate with `unsafe` denies undocumented unsafe blocks; warnings are errors.
cargo clippy --workspace --all-targets -- -D warnings
cargo build -p wasmlite-rt --no-default-features
# Traps and wasm exceptions never rely on Rust's unwinding: the examples with explicit and
# guard-page traps and with exceptions, as built and again with `panic = "abort"`.
cargo run -q -p exceptions
CARGO_PROFILE_DEV_PANIC=abort cargo run -q -p hello-plugin
CARGO_PROFILE_DEV_PANIC=abort cargo run -q -p exceptions
# Runtime end-to-end tests (codegen + ORC JIT + runtime: every trap kind, linking, re-entrancy).
cargo test -p wasmlite-jit-e2e

# The official spec testsuite (Wasm 2.0 root directory), through codegen + ORC JIT + runtime,
# once with guard pages, once with explicit bounds checks and once in lazy mode. The last line printed is the
# total: "N passed, N failed, N skipped"; any failure makes this script fail.
# (Same binary as `cargo run --release -p wasmlite-spectest`; the dev profile reuses the test
# build instead of compiling everything a second time.)
SUITE="$(cd .. && pwd)/shared/testsuite"
if [ ! -d "$SUITE" ]; then
    echo "error: spec testsuite not found at $SUITE (expected ../shared/testsuite beside the repo)" >&2
    exit 1
fi
cargo run -q -p wasmlite-spectest -- --bounds-checks "$SUITE"
cargo run -q -p wasmlite-spectest -- "$SUITE"
# Lazy JIT: every function compiled on its first call (ORC lazy re-exports).
cargo run -q -p wasmlite-spectest -- --lazy "$SUITE"
# Exception handling (Wasm 3.0), also with every module split into 3 partitions compiled on
# their own threads (exceptions must unwind across the partition objects).
cargo run -q -p wasmlite-spectest -- --recursive "$SUITE/proposals/exception-handling"
cargo run -q -p wasmlite-spectest -- --recursive --threads 3 "$SUITE/proposals/exception-handling"
WASMLITE_E2E_THREADS=4 cargo test -q -p wasmlite-jit-e2e --test exceptions

# Differential fuzzing slice (fuzz/, own workspace): minimised regressions, then wasm-smith
# modules against the wasmi reference in all four modes and arbitrary/mutated bytes into the
# compiler, 45 s each, fixed seed. Long campaigns: README "Fuzzing".
FUZZ_TIME="${FUZZ_TIME:-45}" bash scripts/fuzz-ci.sh
