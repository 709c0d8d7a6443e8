//! Build script: C → wasm32 (clang-19) → native object twice (wasmlite-build: guard pages and
//! explicit bounds checks, under two stems), and the same C → native (cc, -O2).

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    let src = manifest.join("c/workloads.c");
    println!("cargo:rerun-if-changed={}", src.display());
    println!("cargo:rerun-if-env-changed=WASMLITE_CLANG");
    let clang = std::env::var("WASMLITE_CLANG").unwrap_or_else(|_| "clang-19".to_string());

    // 1. C -> wasm32.
    let wasm = out.join("workloads.wasm");
    let o = Command::new(&clang)
        .args(["--target=wasm32", "-O2", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-o"])
        .arg(&wasm)
        .arg(&src)
        .output()
        .unwrap_or_else(|e| panic!("wasmlite-bench: cannot run `{clang}`: {e}"));
    if !o.status.success() {
        panic!(
            "wasmlite-bench: `{clang}` failed ({}):\n{}{}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // Same binary under a second stem for the explicit-bounds-checks build.
    let wasm_bc = out.join("workloads_bc.wasm");
    std::fs::copy(&wasm, &wasm_bc).expect("copy workloads.wasm");

    // 2. wasm -> native objects.
    wasmlite_build::Build::new().file(&wasm).bounds_checks(false).compile();
    wasmlite_build::Build::new().file(&wasm_bc).bounds_checks(true).compile();

    // 3. The same C natively (functions prefixed `bench_native_`).
    cc::Build::new()
        .compiler(&clang)
        .file(&src)
        .opt_level(2)
        .warnings(false)
        .compile("workloads_native");
}
