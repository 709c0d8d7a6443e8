#!/usr/bin/env bash
# Install the system packages wasmlite needs (LLVM 19, clang-19 for the C example, wasi-libc).
# Idempotent and fast when everything is present: `apt-get update` runs only when something
# is missing.
set -euo pipefail

# bsdutils: script(1), which the CLI tests use to run the REPL on a pseudo-terminal.
PACKAGES=(llvm-19-dev libpolly-19-dev libzstd-dev zlib1g-dev clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32 bsdutils)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg -s "$p" >/dev/null 2>&1; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "setup.sh: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
