//! Loads hand-written ELF objects (compiled with clang-19 at test time) into the JIT.

use std::path::PathBuf;
use std::process::Command;

use wasmlite_jit::{Jit, JitError};

/// Compile `tests/fixture.c` with the descriptor named `<prefix>_descriptor`.
fn fixture_object(prefix: &str) -> Option<Vec<u8>> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixture.c");
    let out = std::env::temp_dir().join(format!("wasmlite-jit-{}-{prefix}.o", std::process::id()));
    let status = Command::new("clang-19")
        .args(["-c", "-O1", "-fPIC", "-fno-builtin"])
        .arg(format!("-DPREFIX_descriptor={prefix}_descriptor"))
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    let bytes = std::fs::read(&out).ok();
    let _ = std::fs::remove_file(&out);
    bytes
}

#[test]
fn loads_object_and_resolves_process_symbols() {
    let Some(obj) = fixture_object("wasmlite_fixture_0123") else {
        eprintln!("clang-19 not available; skipping");
        return;
    };
    let mut jit = Jit::new().expect("jit");
    let desc = jit.load_object(&obj, "wasmlite_fixture_0123").expect("load");
    // SAFETY: the fixture defines a ModuleDescriptor-shaped static that lives as long as `jit`.
    let d = unsafe { &*desc };
    assert_eq!(d.abi_version, 1);
    assert_eq!(d.info_len, 3);
    // SAFETY: info points to 3 bytes in the loaded object.
    assert_eq!(unsafe { std::slice::from_raw_parts(d.info, d.info_len) }, &[1, 2, 3]);
    // SAFETY: the fixture's code_ranges holds one {start, end} pair.
    let r = unsafe { d.code_ranges() };
    assert!(r.len() == 1 && r[0].start < r[0].end);
    // funcs[0] is `call_fmod`, which goes through the PLT to libm.
    // SAFETY: the fixture's funcs array holds a `double(double, double)` function first.
    let f: extern "C" fn(f64, f64) -> f64 =
        unsafe { std::mem::transmute(*(d.funcs as *const *const std::ffi::c_void)) };
    assert_eq!(f(7.5, 2.0), 1.5);
    // SAFETY: the second entry is `memcpy`'s wrapper.
    let m: extern "C" fn(*mut u8, *const u8, usize) -> *mut u8 =
        unsafe { std::mem::transmute(*(d.funcs as *const *const std::ffi::c_void).add(1)) };
    let src = [1u8, 2, 3, 4];
    let mut dst = [0u8; 4];
    m(dst.as_mut_ptr(), src.as_ptr(), 4);
    assert_eq!(dst, src);
    assert_eq!(jit.num_modules(), 1);
}

#[test]
fn two_modules_coexist_and_duplicates_are_rejected() {
    let (Some(a), Some(b)) = (fixture_object("wasmlite_a_1"), fixture_object("wasmlite_b_2")) else {
        eprintln!("clang-19 not available; skipping");
        return;
    };
    let mut jit = Jit::new().expect("jit");
    let da = jit.load_object(&a, "wasmlite_a_1").expect("a");
    let db = jit.load_object(&b, "wasmlite_b_2").expect("b");
    assert_ne!(da, db);
    match jit.load_object(&a, "wasmlite_a_1") {
        Err(JitError::Llvm(m)) => assert!(m.contains("already loaded"), "{m}"),
        other => panic!("expected duplicate error, got {other:?}"),
    }
}

#[test]
fn bad_objects_are_errors() {
    let mut jit = Jit::new().expect("jit");
    match jit.load_object(b"not an object", "wasmlite_x") {
        Err(JitError::Llvm(m)) => assert!(m.contains("not an ELF"), "{m}"),
        other => panic!("{other:?}"),
    }
    // An ELF object without the descriptor symbol: the lookup fails cleanly.
    let Some(obj) = fixture_object("wasmlite_other_3") else { return };
    match jit.load_object(&obj, "wasmlite_missing") {
        Err(JitError::Llvm(m)) => assert!(m.contains("wasmlite_missing_descriptor"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unique_prefix_appends_counter() {
    let jit = Jit::new().expect("jit");
    let p = jit.unique_prefix("m", b"\0asm\x01\0\0\0");
    assert_eq!(p, wasmlite_abi::symbol_prefix("m", b"\0asm\x01\0\0\0"));
}
