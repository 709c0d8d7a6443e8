#!/usr/bin/env bash
# Rebuilds lz4.wasm: the real `lz4` command line tool (LZ4 1.10.0, programs/ + lib/, as
# vendored by the crates.io crate lz4-sys 1.11.1+lz4-1.10.0) for wasm32-wasi.
#
#   bash wasmlite-cli/tests/programs/lz4/build.sh        # from the repository root
#
# The sources are found with `cargo metadata` on benches/ (which depends on lz4-sys), or in
# $LZ4_DIR (a directory containing lib/ and programs/). Needs clang-19 and wasi-libc
# (scripts/setup.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
if [ -z "${LZ4_DIR:-}" ]; then
  manifest="$(cargo metadata --format-version 1 --manifest-path "$root/benches/Cargo.toml" |
    python3 -c 'import json,sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "lz4-sys" and p["version"] == "1.11.1+lz4-1.10.0"))')"
  LZ4_DIR="$(dirname "$manifest")/liblz4"
fi
# -z stack-size: wasm-ld's default stack is 64 KiB and lies below the data section; lz4's
# decoder overflows it and overwrites libc's FILE objects (native lz4 has an 8 MiB stack).
clang-19 --target=wasm32-wasi --sysroot=/usr -O2 \
  -include "$here/wasi_shim.h" -DLZ4IO_MULTITHREAD=0 \
  -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
  -I"$LZ4_DIR/lib" "$LZ4_DIR"/programs/*.c \
  "$LZ4_DIR/lib/lz4.c" "$LZ4_DIR/lib/lz4hc.c" "$LZ4_DIR/lib/lz4frame.c" "$LZ4_DIR/lib/xxhash.c" \
  -lwasi-emulated-signal -lwasi-emulated-process-clocks \
  -Wl,-z,stack-size=1048576 -Wl,--strip-all \
  -o "$here/lz4.wasm"
ls -l "$here/lz4.wasm"
