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
        .file("wasm/tail.wat")
        .file("wasm/funcref.wat")
        .file("wasm/memory64.wat")
        .file("wasm/exceptions.wat")
        .file("wasm/imports.wat")
        .wasm_feature(wasmlite_build::WasmFeatures::CUSTOM_PAGE_SIZES, true)
        .compile();

    // Shared memories need the threads feature (off by default).
    wasmlite_build::Build::new()
        .file("wasm/shared_imports.wat")
        .file("wasm/shared_memory.wat")
        .wasm_feature(wasmlite_build::WasmFeatures::THREADS, true)
        .compile();

    // The same memory and trap modules again with explicit bounds checks. A module's symbols
    // are named after its file stem, so the copies get their own names.
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set by cargo"));
    let mut checked = wasmlite_build::Build::new();
    for (src, dst) in [("memory", "memory_checked"), ("traps", "traps_checked"), ("memory64", "memory64_checked")] {
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
    checked.bounds_checks(true).wasm_feature(wasmlite_build::WasmFeatures::CUSTOM_PAGE_SIZES, true).compile();

    // The same trap and memory modules compiled in four partitions (four objects in one
    // static library, compiled on four threads): identical behaviour is expected.
    let mut parts = wasmlite_build::Build::new();
    for (src, dst) in [("memory", "memory_parts"), ("traps", "traps_parts")] {
        let from = manifest.join("wasm").join(format!("{src}.wat"));
        let to = out.join(format!("{dst}.wat"));
        println!("cargo:rerun-if-changed={}", from.display());
        let text = std::fs::read(&from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
        if std::fs::read(&to).ok().as_deref() != Some(&text[..]) {
            std::fs::write(&to, &text).unwrap_or_else(|e| panic!("cannot write {}: {e}", to.display()));
        }
        parts.file(to);
    }
    parts.threads(4).compile();

    // A function with a 256 KiB frame, larger than the host stack reserve: it can reach past
    // a thread's stack into its stack guard.
    let big = out.join("big_frame.wat");
    let text = big_frame_wat(16_384);
    if std::fs::read_to_string(&big).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&big, &text).unwrap_or_else(|e| panic!("cannot write {}: {e}", big.display()));
    }
    wasmlite_build::Build::new().file(big).opt_level(0).compile();

    // The numeric module once more without LLVM optimisations (different code paths).
    let from = manifest.join("wasm/numeric.wat");
    let to = out.join("numeric_o0.wat");
    let text = std::fs::read(&from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
    if std::fs::read(&to).ok().as_deref() != Some(&text[..]) {
        std::fs::write(&to, &text).unwrap_or_else(|e| panic!("cannot write {}: {e}", to.display()));
    }
    wasmlite_build::Build::new().file(to).opt_level(0).compile();
}

/// `big(x)`: a function with `n` v128 locals. Compiled at O0, every local keeps its 16-byte
/// stack slot (zeroed on entry), so the frame is `16 * n` bytes.
fn big_frame_wat(n: usize) -> String {
    let mut w = String::from("(module (memory (export \"memory\") 1)\n (func (export \"big\") (param i32) (result i32)\n");
    w.push_str(&"  (local v128)\n".repeat(n));
    w.push_str(&format!("  (local.set {n} (v128.load (local.get 0)))\n"));
    w.push_str(&format!("  (i32x4.extract_lane 0 (i32x4.add (local.get {n}) (local.get 1)))))\n"));
    w
}
