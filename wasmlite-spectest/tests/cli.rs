//! Runs the spectest binary on small scripts and checks its output and exit status.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wasmlite-spectest"))
}

fn script(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wst-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const OK_SCRIPT: &str = r#"
(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "nan") (result f32) f32.const nan:0x200000)
  (global (export "g") i32 (i32.const 42)))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 0x80000000) (i32.const -1)) "integer overflow")
(assert_return (invoke "nan") (f32.const nan:0x200000))
(assert_return (get "g") (i32.const 42))
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func") "unexpected end")
(invoke "add" (i32.const 0) (i32.const 0))
"#;

#[test]
fn usage_and_bad_options() {
    let out = bin().arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--bounds-checks"));
    let out = bin().arg("--frob").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().arg("/nonexistent/dir").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn passing_script() {
    let p = script("ok.wast", OK_SCRIPT);
    let out = bin().arg("--verbose").arg(&p).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.ends_with("8 passed, 0 failed, 0 skipped\n"), "{stdout}");
    assert_eq!(out.status.code(), Some(0), "{stdout}");
}

#[test]
fn crashing_child_counts_unreported_assertions_as_failed() {
    let p = script("crash.wast", OK_SCRIPT);
    let out = bin().env("WASMLITE_SPECTEST_TEST_CRASH", "3").arg(&p).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("signal 6 (SIGABRT)"), "{stdout}");
    assert!(stdout.ends_with("3 passed, 5 failed, 0 skipped\n"), "{stdout}");
}

#[test]
fn hanging_child_is_killed_after_the_timeout() {
    let p = script("hang.wast", OK_SCRIPT);
    let ok = script("ok2.wast", OK_SCRIPT);
    let out = bin()
        .env("WASMLITE_SPECTEST_TEST_HANG", "2")
        .args(["--timeout", "3", "--jobs", "2"])
        .arg(&p)
        .arg(&ok)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("timed out after 3 s"), "{stdout}");
    // Both files hang after two events (the hook applies to every child).
    assert!(stdout.ends_with("4 passed, 12 failed, 0 skipped\n"), "{stdout}");
}

/// A few official scripts run clean end to end: linking between registered instances, traps,
/// memory and table instructions, three supported proposals (validated per directory), and the
/// reproducers of codegen bugs the testsuite found (`repro/`: stack checks defeated by
/// tail-recursion elimination, dropped loads, signalling NaNs) — in both memory modes.
#[test]
fn official_scripts_pass() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = manifest.join("../../shared/testsuite");
    assert!(dir.is_dir(), "the spec testsuite must be at {} (../shared beside the repo)", dir.display());
    let mut files: Vec<PathBuf> = [
        "fac.wast",
        "linking.wast",
        "memory_trap.wast",
        "call_indirect.wast",
        "float_exprs.wast",
        "proposals/extended-const/global.wast",
        "proposals/multi-memory/memory_copy0.wast",
        "proposals/threads/atomic.wast",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect();
    files.push(manifest.join("repro"));
    for extra in [None, Some("--bounds-checks")] {
        let mut cmd = bin();
        cmd.arg("--verbose");
        if let Some(e) = extra {
            cmd.arg(e);
        }
        let out = cmd.args(&files).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(" 0 failed, 0 skipped\n"), "{extra:?}: {stdout}");
        assert_eq!(out.status.code(), Some(0), "{stdout}");
    }
}

/// `thread`/`wait` commands: two threads with their own engines share a memory of the main
/// thread's instance; one publishes a value and notifies, the other waits for it; a wrong
/// expectation inside a thread is reported as a failure at its line.
#[test]
fn thread_blocks_share_memory() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let good = manifest.join("tests/scripts/proposals/threads/message_passing.wast");
    for mode in [&[][..], &["--bounds-checks"][..]] {
        let out = bin().args(mode).arg(&good).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(stdout.ends_with("3 passed, 0 failed, 0 skipped\n"), "{stdout}");
    }
    let text = std::fs::read_to_string(&good).unwrap().replace("(i32.const 42)))", "(i32.const 43)))");
    let dir = std::env::temp_dir().join(format!("wst-cli-thr-{}", std::process::id())).join("proposals/threads");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.wast");
    std::fs::write(&bad, text).unwrap();
    let out = bin().arg("--verbose").arg(&bad).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(":26:4: expected [i32 43 (0x2b)], got [i32 42 (0x2a)]"), "{stdout}");
    assert!(stdout.ends_with("2 passed, 1 failed, 0 skipped\n"), "{stdout}");
}
