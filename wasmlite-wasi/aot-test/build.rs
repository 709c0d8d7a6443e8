//! C (wasm32-wasi, clang-19 + wasi-libc) → wasm → native object (wasmlite-build).

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    let src = manifest.join("../tests/programs/aot_app.c");
    let wasm = out.join("aot_app.wasm");
    println!("cargo:rerun-if-changed={}", src.display());
    println!("cargo:rerun-if-env-changed=WASMLITE_CLANG");
    let clang = std::env::var("WASMLITE_CLANG").unwrap_or_else(|_| "clang-19".to_string());
    let result = Command::new(&clang).args(["--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o"]).arg(&wasm).arg(&src).output();
    match result {
        Err(e) => panic!("cannot run `{clang}` (install clang-19 and wasi-libc with scripts/setup.sh): {e}"),
        Ok(o) if !o.status.success() => {
            panic!("`{clang}` failed on {}:\n{}", src.display(), String::from_utf8_lossy(&o.stderr))
        }
        Ok(_) => {}
    }
    wasmlite_build::compile(&wasm);
}
