//! C programs built for wasm32-wasi (clang-19 + wasi-libc), compiled in-process by
//! wasmlite-codegen, loaded by the JIT and run against wasmlite-wasi. The only test binary of
//! this crate that links LLVM.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use wasmlite_rt::{Instance, Module, Store, Trap, TrapKind, Val};
use wasmlite_wasi::{OutputBuffer, WasiCtx, WasiCtxBuilder};

/// Compile `tests/programs/<name>.c` to wasm32-wasi.
fn build_c(name: &str) -> Vec<u8> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs").join(format!("{name}.c"));
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasi-programs");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join(format!("{name}.wasm"));
    let clang = std::env::var("WASMLITE_CLANG").unwrap_or_else(|_| "clang-19".to_string());
    let o = Command::new(&clang)
        .args(["--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o"])
        .arg(&out)
        .arg(&src)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {clang} (install clang-19 and wasi-libc: scripts/setup.sh): {e}"));
    assert!(o.status.success(), "{clang} failed on {}:\n{}", src.display(), String::from_utf8_lossy(&o.stderr));
    std::fs::read(&out).unwrap()
}

/// The result of running a command.
struct Run {
    status: Result<u32, Trap>,
    stdout: String,
    stderr: String,
}

/// Compile `wasm` with the JIT and run its `_start` with a context from `setup`.
fn run(wasm: &[u8], name: &str, setup: impl FnOnce(&mut WasiCtxBuilder)) -> Run {
    let (out, err) = (OutputBuffer::new(), OutputBuffer::new());
    let mut b = WasiCtx::builder();
    b.stdout(out.clone()).stderr(err.clone());
    setup(&mut b);
    let ctx = b.build();
    let status = with_module(wasm, name, |module| {
        let imports = wasmlite_wasi::resolve_imports(module, &ctx, |_, _| None).unwrap();
        let store = Store::new();
        let mut inst = Instance::new(&store, module, &imports, ()).unwrap();
        wasmlite_wasi::command_exit_status(&ctx, inst.call_export("_start", &[]))
    });
    Run { status, stdout: out.to_string_lossy(), stderr: err.to_string_lossy() }
}

/// Load `wasm` into a fresh JIT and hand the runtime module to `f` (dropped before the JIT).
fn with_module<R>(wasm: &[u8], name: &str, f: impl FnOnce(&Module) -> R) -> R {
    with_module_config(wasm, name, &wasmlite_codegen::Config::default(), f)
}

fn with_module_config<R>(wasm: &[u8], name: &str, config: &wasmlite_codegen::Config, f: impl FnOnce(&Module) -> R) -> R {
    let mut jit = wasmlite_jit::Jit::new().unwrap();
    let desc = jit.load_wasm(wasm, name, config).unwrap();
    // SAFETY: the descriptor and its code live as long as `jit`, which outlives `module` and
    // every instance `f` creates (they are dropped when `f` returns).
    let module = unsafe { Module::from_descriptor(desc) }.unwrap();
    f(&module)
}

/// A fresh empty directory under the target's temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasi-dirs").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn args_env_and_stdio() {
    let wasm = build_c("args_env");
    let r = run(&wasm, "args_env", |b| {
        b.args(["prog", "one", "two words"]).env("GREETING", "héllo").env("OTHER", "x");
    });
    assert_eq!(r.status, Ok(3), "main returned argc");
    assert_eq!(
        r.stdout,
        "argc=3\nargv[0]=prog\nargv[1]=one\nargv[2]=two words\nGREETING=héllo\nMISSING=(unset)\nenviron=2\n"
    );
    assert_eq!(r.stderr, "to stderr\n");

    // No args, no env.
    let r = run(&wasm, "args_env", |_| {});
    assert_eq!(r.status, Ok(0));
    assert_eq!(r.stdout, "argc=0\nGREETING=(unset)\nMISSING=(unset)\nenviron=0\n");
}

#[test]
fn exit_codes_and_traps() {
    let wasm = build_c("exit_code");
    for code in [0u32, 1, 7, 255] {
        let r = run(&wasm, "exit_code", |b| {
            b.args(["prog".to_string(), code.to_string()]);
        });
        assert_eq!(r.status, Ok(code));
        assert_eq!(r.stdout, format!("leaving with {code}\n"), "stdout is flushed by exit()");
    }
    let r = run(&wasm, "exit_code", |b| {
        b.args(["prog", "3", "trap"]);
    });
    let t = r.status.unwrap_err();
    assert_eq!(t.kind(), TrapKind::Unreachable);
    assert_eq!(wasmlite_wasi::exit_code(&t), None);
}

#[test]
fn stdin_poll_and_clocks() {
    let wasm = build_c("stdin");
    let r = run(&wasm, "stdin", |b| {
        b.stdin(Cursor::new(b"hello\nwasi world\nlast".to_vec()));
    });
    assert_eq!(r.status, Ok(0));
    assert_eq!(
        r.stdout,
        "slept_enough=1\npoll=1 revents_in=1\n1: HELLO\n2: WASI WORLD\n3: LASTbytes=21 eof=1\nrealtime_after_2020=1\n"
    );
}

#[test]
fn files_and_directories() {
    let dir = temp_dir("files");
    let wasm = build_c("files");
    let r = run(&wasm, "files", |b| {
        b.preopened_dir(&dir, "/data").unwrap();
    });
    assert_eq!(r.status, Ok(0), "stdout:\n{}", r.stdout);
    // wasmtime 50 prints exactly the same for this program.
    assert_eq!(
        r.stdout,
        "mkdir again: EEXIST\n\
         read at 6: world\n\
         tell: 11\n\
         size: 12 regular: 1\n\
         pread: HELLO world\n\
         close again: EBADF\n\
         stat a.txt: ENOENT\n\
         b.txt size: 7\n\
         readlink: b.txt\n\
         lstat link is symlink: 1\n\
         through link: HELLO++\n\
         readdir: ../ ./ b.txt c.txt link@ sub/\n\
         rmdir non-empty: ENOTEMPTY\n\
         open missing: ENOENT\n\
         unlink dir: EISDIR\n\
         write to read-only: EBADF\n\
         read-only mode: 1\n\
         renumbered read: HELLO++\n\
         old fd read: EBADF\n\
         random nonzero: 1\n\
         done\n"
    );
    // The effects are visible on the host.
    assert_eq!(std::fs::read_to_string(dir.join("dir/b.txt")).unwrap(), "HELLO++");
    assert_eq!(std::fs::read_to_string(dir.join("out.txt")).unwrap(), "written by wasm\n");
    let mut names: Vec<String> =
        std::fs::read_dir(dir.join("dir")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["b.txt"]);
}

#[test]
fn sandbox_escapes_are_refused() {
    let root = temp_dir("sandbox");
    let inner = root.join("inner");
    std::fs::create_dir_all(inner.join("sub")).unwrap();
    std::fs::write(root.join("secret.txt"), "SECRET").unwrap();
    std::fs::write(inner.join("ok.txt"), "fine").unwrap();
    std::os::unix::fs::symlink("../secret.txt", inner.join("escape")).unwrap();
    std::os::unix::fs::symlink(root.join("secret.txt"), inner.join("abs")).unwrap();
    let secret = root.join("secret.txt").to_string_lossy().into_owned();

    let wasm = build_c("sandbox");
    let r = run(&wasm, "sandbox", |b| {
        b.args(["sandbox", &secret]).preopened_dir(&inner, "/data").unwrap();
    });
    assert_eq!(r.status, Ok(0), "stdout:\n{}", r.stdout);
    assert!(!r.stdout.contains("SECRET"), "the secret leaked:\n{}", r.stdout);
    // The answers wasmtime 50 gives for the same program: EPERM (63) for every escape,
    // ELOOP (32) for opening a symlink without following it.
    assert_eq!(
        r.stdout,
        "dotdot: refused 63\n\
         deep dotdot: refused 63\n\
         absolute: refused 63\n\
         symlink relative: refused 63\n\
         symlink absolute: refused 63\n\
         symlink nofollow: refused 32\n\
         inside dotdot: OPENED fine\n\
         stat dotdot: 63\n\
         rename out: 63\n\
         mkdir out: 63\n\
         unlink out: 63\n\
         symlink to absolute: 63\n\
         libc dotdot: refused\n\
         libc symlink: refused\n\
         libc absolute: refused\n"
    );
    // Nothing outside the preopened directory changed.
    assert_eq!(std::fs::read_to_string(root.join("secret.txt")).unwrap(), "SECRET");
    assert!(!root.join("moved.txt").exists() && !root.join("newdir").exists());
    assert!(inner.join("ok.txt").exists() && !inner.join("mylink").exists());
}

const RAW: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hi\n")
  ;; a valid write of "hi\n"
  (func (export "ok") (result i32)
    (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 3))
    (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
  (func (export "nwritten") (result i32) (i32.load (i32.const 16)))
  ;; the iovec table runs past the end of memory
  (func (export "bad_iovecs") (result i32)
    (call $write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 16)))
  ;; an iovec's buffer runs past the end of memory
  (func (export "bad_buffer") (result i32)
    (i32.store (i32.const 0) (i32.const 65000)) (i32.store (i32.const 4) (i32.const 1000))
    (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
  ;; iovs_len * 8 overflows 32 bits
  (func (export "huge_count") (result i32)
    (call $write (i32.const 1) (i32.const 0) (i32.const 0x20000001) (i32.const 16)))
  ;; the result pointer is out of range
  (func (export "bad_result") (result i32)
    (call $sizes (i32.const -4) (i32.const 0)))
  (func (export "bad_random") (result i32)
    (call $random (i32.const 65000) (i32.const 1000)))
  ;; 2^31-1 subscriptions: the arrays cannot lie in memory
  (func (export "poll_huge") (result i32)
    (call $poll (i32.const 0) (i32.const 1024) (i32.const 0x7fffffff) (i32.const 2000)))
  ;; one relative 1 ms monotonic clock subscription (userdata 77) at 512, events at 1024
  (func (export "poll_clock") (result i32)
    (i64.store (i32.const 512) (i64.const 77))
    (i32.store8 (i32.const 520) (i32.const 0))
    (i32.store (i32.const 528) (i32.const 1))
    (i64.store (i32.const 536) (i64.const 1000000))
    (i64.store (i32.const 544) (i64.const 0))
    (i32.store16 (i32.const 552) (i32.const 0))
    (i64.store (i32.const 1024) (i64.const -1))
    (i32.store (i32.const 1032) (i32.const -1))
    (call $poll (i32.const 512) (i32.const 1024) (i32.const 1) (i32.const 2000)))
  (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "close") (param i32) (result i32) (call $close (local.get 0)))
  (func (export "exit") (param i32) (call $exit (local.get 0)) unreachable))"#;

#[test]
fn raw_calls_bad_pointers_and_errnos() {
    let wasm = wat::parse_str(RAW).unwrap();
    // Guard-page memory and heap memory (explicit bounds checks).
    for explicit_bounds_checks in [false, true] {
        let config = wasmlite_codegen::Config { explicit_bounds_checks, ..Default::default() };
        raw_calls(&wasm, &config);
    }
}

fn raw_calls(wasm: &[u8], config: &wasmlite_codegen::Config) {
    let out = OutputBuffer::new();
    let ctx = WasiCtx::builder().stdout(out.clone()).build();
    with_module_config(wasm, "raw", config, |module| {
        let imports = wasmlite_wasi::resolve_imports(module, &ctx, |_, _| None).unwrap();
        let store = Store::new();
        let mut inst = Instance::new(&store, module, &imports, ()).unwrap();
        let mut call = |name: &str, args: &[Val]| inst.call_export(name, args);
        assert_eq!(call("ok", &[]).unwrap(), [Val::I32(0)]);
        assert_eq!(call("nwritten", &[]).unwrap(), [Val::I32(3)]);
        assert_eq!(out.to_string_lossy(), "hi\n");
        let efault = Val::I32(wasmlite_wasi::Errno::FAULT.0 as i32);
        for f in ["bad_iovecs", "bad_buffer", "huge_count", "bad_result", "bad_random"] {
            assert_eq!(call(f, &[]).unwrap(), [efault], "{f}");
        }
        assert_eq!(out.to_string_lossy(), "hi\n", "nothing written by the faulting calls");
        assert_eq!(call("poll_huge", &[]).unwrap(), [efault]);
        let t0 = std::time::Instant::now();
        assert_eq!(call("poll_clock", &[]).unwrap(), [Val::I32(0)]);
        assert!(t0.elapsed() >= std::time::Duration::from_millis(1));
        assert_eq!(call("load32", &[Val::I32(2000)]).unwrap(), [Val::I32(1)], "nevents");
        assert_eq!(call("load64", &[Val::I32(1024)]).unwrap(), [Val::I64(77)], "userdata");
        assert_eq!(call("load32", &[Val::I32(1032)]).unwrap(), [Val::I32(0)], "errno 0, type clock");
        let ebadf = Val::I32(wasmlite_wasi::Errno::BADF.0 as i32);
        assert_eq!(call("close", &[Val::I32(17)]).unwrap(), [ebadf]);
        assert_eq!(call("close", &[Val::I32(-1)]).unwrap(), [ebadf]);
        assert_eq!(call("close", &[Val::I32(2)]).unwrap(), [Val::I32(0)]);
        assert_eq!(call("close", &[Val::I32(2)]).unwrap(), [ebadf]);
        let t = call("exit", &[Val::I32(42)]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::Exit(42));
        assert_eq!(t.exit_status(), Some(42));
        assert_eq!(wasmlite_wasi::exit_code(&t), Some(42));
        assert_eq!(ctx.exit_code(), Some(42));
        assert_eq!(wasmlite_wasi::command_exit_status(&ctx, Err::<(), _>(t)), Ok(42));
    });
}

#[test]
fn import_checking() {
    let unknown = wat::parse_str(
        r#"(module (import "wasi_snapshot_preview1" "no_such_call" (func (param i32) (result i32))) (memory 1))"#,
    )
    .unwrap();
    let wrong_type = wat::parse_str(
        r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32) (result i32))) (memory 1))"#,
    )
    .unwrap();
    let other = wat::parse_str(
        r#"(module (import "env" "f" (func)) (import "wasi_snapshot_preview1" "sched_yield" (func (result i32))))"#,
    )
    .unwrap();
    let ctx = WasiCtx::builder().build();
    with_module(&unknown, "unknown", |m| {
        let e = wasmlite_wasi::resolve_imports(m, &ctx, |_, _| None).unwrap_err();
        assert_eq!(e.message(), "unknown WASI import `wasi_snapshot_preview1`.`no_such_call`");
    });
    with_module(&wrong_type, "wrong_type", |m| {
        let e = wasmlite_wasi::resolve_imports(m, &ctx, |_, _| None).unwrap_err();
        assert!(e.message().starts_with("WASI import `wasi_snapshot_preview1`.`fd_write` has type"), "{}", e.message());
    });
    with_module(&other, "other", |m| {
        let e = wasmlite_wasi::resolve_imports(m, &ctx, |_, _| None).unwrap_err();
        assert_eq!(e.message(), "unknown import `env`.`f`");
        // A WASI call from a module without memory is a trap, not a crash.
        let f = wasmlite_rt::Func::new(wasmlite_rt::FuncType { params: vec![].into(), results: vec![].into() }, |_, _, _| Ok(()));
        let imports = wasmlite_wasi::resolve_imports(m, &ctx, |_, _| Some(wasmlite_rt::Extern::Func(f.clone()))).unwrap();
        assert_eq!(imports.len(), 2);
        let wasmlite_rt::Extern::Func(y) = &imports[1] else { panic!("not a func") };
        let t = y.call(&[]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::Host);
    });
}

/// Run by `inherited_stdio` in a child process (it is `#[ignore]`d otherwise): the stdin
/// program with the process's own stdin/stdout/stderr; the exit status is the program's.
#[test]
#[ignore = "child process of `inherited_stdio`"]
fn child_inherited_stdio() {
    let wasm = build_c("stdin");
    let args: Vec<String> = std::env::var("WASMLITE_WASI_CHILD_ARGS").unwrap_or_default().split_whitespace().map(String::from).collect();
    let r = run(&wasm, "stdin", |b| {
        b.inherit_stdio().args(args);
    });
    match r.status {
        Ok(code) => std::process::exit(code as i32 + 40),
        Err(t) => panic!("trap: {t}"),
    }
}

#[test]
fn inherited_stdio() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "child_inherited_stdio", "--nocapture", "--test-threads=1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"from a pipe\nsecond\n").unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(40), "stdout:\n{stdout}\nstderr:\n{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("slept_enough=1\npoll=1 revents_in=1\n1: FROM A PIPE\n2: SECOND\nbytes=19 eof=1\nrealtime_after_2020=1\n"),
        "{stdout}"
    );
}

#[test]
fn inherited_stdin_poll_times_out() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let start = std::time::Instant::now();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "child_inherited_stdio", "--nocapture", "--test-threads=1"])
        .env("WASMLITE_WASI_CHILD_ARGS", "stdin 300")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Nothing is written until the program has reported its poll: it must time out.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert_ne!(out.read_line(&mut line).unwrap(), 0, "child ended early: {lines:?}");
        let poll = line.starts_with("poll=");
        lines.push(line);
        if poll {
            break;
        }
    }
    // (the test harness prints "test child_inherited_stdio ... " before the program's output)
    assert!(lines[lines.len() - 2].ends_with("slept_enough=1\n"), "{lines:?}");
    assert_eq!(lines[lines.len() - 1], "poll=0 revents_in=0\n");
    assert!(start.elapsed() >= std::time::Duration::from_millis(300));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"late\n").unwrap();
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(40));
    assert_eq!(rest, "1: LATE\nbytes=5 eof=1\nrealtime_after_2020=1\n");
}
