//! Compiles the test modules exactly like a user crate would.

use std::path::PathBuf;

fn main() {
    // Guard-page memories (the default on 64-bit unix).
    wasmlite_build::Build::new()
        .file("wasm/numeric.wat")
        .file("wasm/control.wat")
        .file("wasm/memory.wat")
        .file("wasm/tables.wat")
        .file("wasm/traps.wat")
        .file("wasm/globals.wat")
        .file("wasm/host.wat")
        .file("wasm/simd.wat")
        .file("wasm/faults.wat")
        .compile();

    // The same memory and trap modules again with explicit bounds checks. A module's symbols
    // are named after its file stem, so the copies get their own names.
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set by cargo"));
    let mut checked = wasmlite_build::Build::new();
    for (src, dst) in [("memory", "memory_checked"), ("traps", "traps_checked")] {
        let from = manifest.join("wasm").join(format!("{src}.wat"));
        let to = out.join(format!("{dst}.wat"));
        println!("cargo:rerun-if-changed={}", from.display());
        let text = std::fs::read(&from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
        // Only rewrite when changed, so the copy's mtime stays stable.
        if std::fs::read(&to).ok().as_deref() != Some(&text[..]) {
            std::fs::write(&to, &text).unwrap_or_else(|e| panic!("cannot write {}: {e}", to.display()));
        }
        checked.file(to);
    }
    checked.bounds_checks(true).compile();

    // The numeric module once more without LLVM optimisations (different code paths).
    let from = manifest.join("wasm/numeric.wat");
    let to = out.join("numeric_o0.wat");
    let text = std::fs::read(&from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
    if std::fs::read(&to).ok().as_deref() != Some(&text[..]) {
        std::fs::write(&to, &text).unwrap_or_else(|e| panic!("cannot write {}: {e}", to.display()));
    }
    wasmlite_build::Build::new().file(to).opt_level(0).compile();
}
