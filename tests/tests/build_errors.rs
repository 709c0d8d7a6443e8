//! Bad input fails the *build* with a readable message: runs `cargo build` on the fixture
//! crates in `tests/fixtures/` (not workspace members) and checks the diagnostics.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The target directory this test was built in (`<target>/<profile>/deps/<exe>`), reused so
/// the fixtures do not rebuild LLVM bindings and the runtime from scratch.
fn target_dir() -> PathBuf {
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(t);
    }
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).and_then(Path::parent).unwrap().to_path_buf()
}

/// `cargo build` the fixture; returns (success, stderr).
fn build_fixture(name: &str) -> (bool, String) {
    let dir = repo_root().join("tests/fixtures").join(name);
    // Same dependency versions as the workspace, so build artifacts are shared.
    std::fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .arg("build")
        .arg("--offline")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .env("LLVM_SYS_191_PREFIX", std::env::var_os("LLVM_SYS_191_PREFIX").unwrap_or_else(|| "/usr/lib/llvm-19".into()))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn invalid_wasm_fails_the_build_with_file_offset_and_reason() {
    let (ok, stderr) = build_fixture("bad-wasm");
    assert!(!ok, "the build must fail:\n{stderr}");
    let bad = repo_root().join("tests/fixtures/bad-wasm/wasm/bad.wasm");
    let expected = format!("wasmlite-build: error: {}: at byte offset 0x", bad.display());
    assert!(stderr.contains(&expected), "missing `{expected}` in:\n{stderr}");
    assert!(stderr.contains("type mismatch"), "no reason in:\n{stderr}");
    assert!(!stderr.contains("LLVM ERROR"), "{stderr}");
    // Fails like cc: message and exit status 1, no panic, no backtrace.
    assert!(!stderr.contains("panicked"), "the build script panicked:\n{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert!(stderr.contains("exit status: 1"), "build script must exit with status 1:\n{stderr}");
    // cargo 1.84+ reports the `cargo::error=` directive itself: `error: <package>@<version>: <message>`.
    assert!(
        stderr.lines().any(|l| l.starts_with("error: wasmlite-fixture-bad-wasm@0.0.0: ") && l.contains(&expected)),
        "no cargo::error in:\n{stderr}"
    );
}

#[test]
fn include_wasm_of_a_missing_file_is_a_compile_error() {
    let (ok, stderr) = build_fixture("missing-wasm");
    assert!(!ok, "the build must fail:\n{stderr}");
    assert!(stderr.contains("error: include_wasm!: wasm/missing.wasm: cannot read"), "{stderr}");
    assert!(stderr.contains("missing.wasm"), "{stderr}");
    // The error points at the string literal.
    assert!(stderr.contains("src/main.rs:1:28"), "{stderr}");
}

#[test]
fn bindings_for_a_changed_wasm_fail_to_link() {
    let (ok, stderr) = build_fixture("stale-wasm");
    assert!(!ok, "the build must fail:\n{stderr}");
    let compiled = wat_prefix_hint(&stderr);
    assert!(compiled, "expected an undefined descriptor symbol in:\n{stderr}");
}

/// The link error names the missing `wasmlite_plugin_<hash>_descriptor` symbol.
fn wat_prefix_hint(stderr: &str) -> bool {
    stderr.lines().any(|l| l.contains("undefined") && l.contains("wasmlite_plugin_") && l.contains("_descriptor"))
}
