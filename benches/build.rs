//! Build script. Two C programs, each compiled
//! * to wasm32 by clang-19 (`--target=wasm32 -O2 -nostdlib`, no simd128), then ahead of time
//!   by `wasmlite-build` twice: `<stem>` (guard-page memory, the default) and `<stem>_bc`
//!   (explicit bounds checks) — Wasmtime and wasmi load the same `.wasm` at run time;
//! * natively by clang-19 `-O2` through the `cc` crate (symbols prefixed `bench_native_`).
//!
//! `workloads`: `c/workloads.c` (kernels + call benchmarks). `lz4`: `c/lz4_bench.c`, which
//! includes LZ4 1.10.0 and xxHash from the crates.io crate `lz4-sys` (a build-dependency, so
//! cargo downloads it and pins its checksum in Cargo.lock; its source directory is found with
//! `cargo metadata`). `c/inst.wat` (one memory page) is compiled by wasmlite for the
//! instantiation benchmark.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The lz4-sys version whose vendored C is the "real program" (keep equal to Cargo.toml).
const LZ4_SYS: &str = "1.11.1+lz4-1.10.0";

fn run(cmd: &mut Command, what: &str) {
    let o = cmd.output().unwrap_or_else(|e| panic!("wasmlite-bench: cannot run {what}: {e}"));
    if !o.status.success() {
        panic!(
            "wasmlite-bench: {what} failed ({}):\n{}{}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// `liblz4/lib` of the lz4-sys package in cargo's dependency graph.
fn lz4_sources(manifest: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let target = std::env::var("TARGET").expect("TARGET is set by cargo");
    // Downloads what the dependency graph of this platform still misses (dev-dependencies).
    let o = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--filter-platform", &target, "--manifest-path"])
        .arg(manifest.join("Cargo.toml"))
        .output()
        .unwrap_or_else(|e| panic!("wasmlite-bench: cannot run cargo metadata: {e}"));
    if !o.status.success() {
        panic!("wasmlite-bench: cargo metadata failed:\n{}", String::from_utf8_lossy(&o.stderr));
    }
    let meta: serde_json::Value = serde_json::from_slice(&o.stdout).expect("cargo metadata prints JSON");
    let pkg = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "lz4-sys" && p["version"] == LZ4_SYS))
        .unwrap_or_else(|| panic!("wasmlite-bench: lz4-sys {LZ4_SYS} is not in the dependency graph"));
    let toml = PathBuf::from(pkg["manifest_path"].as_str().expect("manifest_path is a string"));
    let dir = toml.parent().expect("manifest has a parent").join("liblz4/lib");
    assert!(dir.join("lz4.c").is_file(), "wasmlite-bench: {} has no lz4.c", dir.display());
    dir
}

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    let c = manifest.join("c");
    println!("cargo:rerun-if-changed={}", c.display());
    println!("cargo:rerun-if-env-changed=WASMLITE_CLANG");
    let clang = std::env::var("WASMLITE_CLANG").unwrap_or_else(|_| "clang-19".to_string());
    let lz4 = lz4_sources(&manifest);
    let freestanding = c.join("freestanding");

    // Sources and flags of each program, shared with the compile-time benchmark (which runs
    // clang on the same files) through environment variables.
    let programs: [(&str, Vec<PathBuf>, Vec<String>); 2] = [
        ("workloads", vec![c.join("workloads.c")], vec![]),
        (
            "lz4",
            vec![c.join("lz4_bench.c")],
            vec!["-DNDEBUG".into(), format!("-I{}", lz4.display())],
        ),
    ];
    for (stem, srcs, flags) in &programs {
        // 1. C -> wasm32 (plus c/libc.c: memcpy/memmove/memset).
        let wasm = out.join(format!("{stem}.wasm"));
        let mut cmd = Command::new(&clang);
        cmd.args(["--target=wasm32", "-O2", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all"])
            .arg(format!("-I{}", freestanding.display()))
            .args(flags)
            .arg("-o")
            .arg(&wasm)
            .args(srcs)
            .arg(c.join("libc.c"));
        run(&mut cmd, &format!("`{clang}` (wasm32, {stem})"));
        // Same binary under a second stem for the explicit-bounds-checks build.
        let wasm_bc = out.join(format!("{stem}_bc.wasm"));
        std::fs::copy(&wasm, &wasm_bc).expect("copy the wasm file");

        // 2. wasm -> native objects.
        wasmlite_build::Build::new().file(&wasm).bounds_checks(false).compile();
        wasmlite_build::Build::new().file(&wasm_bc).bounds_checks(true).compile();

        // 3. The same C natively (functions prefixed `bench_native_`).
        let mut b = cc::Build::new();
        b.compiler(&clang).opt_level(2).warnings(false);
        for f in flags {
            b.flag(f);
        }
        for s in srcs {
            b.file(s);
        }
        b.compile(&format!("{stem}_native"));

        let list = |v: &[String]| v.join("\u{1f}");
        let files: Vec<String> = srcs.iter().map(|p| p.display().to_string()).collect();
        println!("cargo:rustc-env=BENCH_{}_SOURCES={}", stem.to_uppercase(), list(&files));
        println!("cargo:rustc-env=BENCH_{}_CFLAGS={}", stem.to_uppercase(), list(flags));
    }

    // 4. The call floor (`src/bin/call_floor.rs`): hand-written entries, natively.
    cc::Build::new().compiler(&clang).opt_level(2).file(manifest.join("c/call_floor.c")).compile("call_floor");

    // 5. The instantiation benchmark's module (one memory page), both memory modes.
    let inst = manifest.join("c/inst.wat");
    let inst_bc = out.join("inst_bc.wat");
    std::fs::copy(&inst, &inst_bc).expect("copy inst.wat");
    wasmlite_build::Build::new().file(&inst).bounds_checks(false).compile();
    wasmlite_build::Build::new().file(&inst_bc).bounds_checks(true).compile();
    println!("cargo:rustc-env=BENCH_CLANG={clang}");

    // Engine versions for the report header, from Cargo.lock.
    let lock = std::fs::read_to_string(manifest.join("Cargo.lock")).unwrap_or_default();
    let version = |name: &str| {
        let key = format!("name = \"{name}\"\nversion = \"");
        lock.find(&key)
            .and_then(|i| lock[i + key.len()..].split('"').next())
            .unwrap_or("?")
            .to_string()
    };
    println!("cargo:rerun-if-changed={}", manifest.join("Cargo.lock").display());
    println!("cargo:rustc-env=BENCH_VERSIONS=wasmtime {}, wasmi {}", version("wasmtime"), version("wasmi"));
}
