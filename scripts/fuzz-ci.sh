#!/usr/bin/env bash
# Bounded fuzzing slice for CI (issue 7): builds the fuzz workspace (fuzz/, its own cargo
# workspace), replays the minimised regressions, then runs each fuzz target for a fixed time
# (the differential one also in lazy-JIT mode, for a third of it).
# Exits non-zero on any divergence, panic, abort or hang.
#
#   FUZZ_TIME   seconds per target (default 60)
#   FUZZ_JOBS   parallel child processes (default 2)
#   FUZZ_SEED   first seed (default: a fixed seed, so a CI failure reproduces exactly)
#   FUZZ_MODES  differential modes (default guard-O0,guard-O2,bounds-O0,bounds-O2)
#
# Artifacts of failures: fuzz/divergences/ (gitignored); each .txt there gives the command that
# reproduces it.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
TIME="${FUZZ_TIME:-60}"
JOBS="${FUZZ_JOBS:-2}"
SEED="${FUZZ_SEED:-7000000}"
MODES="${FUZZ_MODES:-guard-O0,guard-O2,bounds-O0,bounds-O2}"
OUT="$PWD/fuzz/divergences"

echo "== fuzz: build and harness self-tests"
cargo build --manifest-path fuzz/Cargo.toml --bins
cargo test --manifest-path fuzz/Cargo.toml
BIN="$CARGO_TARGET_DIR/debug"

status=0

echo "== fuzz: regressions (fuzz/regressions)"
"$BIN/fuzz-diff" --regressions fuzz/regressions --modes "$MODES" --out "$OUT" || status=1

echo "== fuzz: differential, ${TIME}s, seeds from $SEED"
"$BIN/fuzz-diff" --seed "$SEED" --time "$TIME" --jobs "$JOBS" --modes "$MODES" --out "$OUT" --progress 20 || status=1

LAZY_TIME=$(( TIME / 3 ))
echo "== fuzz: differential, lazy JIT, ${LAZY_TIME}s, seeds from $SEED"
"$BIN/fuzz-diff" --seed "$SEED" --time "$LAZY_TIME" --jobs "$JOBS" --modes lazy-O2 --out "$OUT" --progress 20 || status=1

echo "== fuzz: differential, loop kernels (loop versioning), ${LAZY_TIME}s, seeds from $SEED"
"$BIN/fuzz-diff" --gen loops --seed "$SEED" --time "$LAZY_TIME" --jobs "$JOBS" --modes "$MODES" --out "$OUT" --progress 20 || status=1

echo "== fuzz: robustness, ${TIME}s, seeds from $SEED"
"$BIN/fuzz-robust" --seed "$SEED" --time "$TIME" --jobs "$JOBS" --out "$OUT" --progress 20 || status=1

if [ "$status" -ne 0 ]; then
    echo "fuzz: FAILED (artifacts in $OUT)"
fi
exit "$status"
