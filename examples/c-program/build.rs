//! C → wasm32 (clang-19) → native object (wasmlite-build).

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    let src = manifest.join("c/program.c");
    let wasm = out.join("program.wasm");
    println!("cargo:rerun-if-changed={}", src.display());
    println!("cargo:rerun-if-env-changed=WASMLITE_CLANG");
    let clang = std::env::var("WASMLITE_CLANG").unwrap_or_else(|_| "clang-19".to_string());
    let result = Command::new(&clang)
        .args(["--target=wasm32", "-O2", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-o"])
        .arg(&wasm)
        .arg(&src)
        .output();
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "c-program: `{clang}` was not found. Install clang-19 and lld-19 with `bash scripts/setup.sh` \
             (or point WASMLITE_CLANG at a clang that can target wasm32)."
        ),
        Err(e) => panic!("c-program: cannot run `{clang}`: {e}"),
        Ok(o) if !o.status.success() => panic!(
            "c-program: `{clang}` failed to compile {} to wasm32 ({}):\n{}{}\n(hint: `bash scripts/setup.sh` installs clang-19 and lld-19)",
            src.display(),
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Ok(_) => {}
    }
    wasmlite_build::compile(&wasm);
}
