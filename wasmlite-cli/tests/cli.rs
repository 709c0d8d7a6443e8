//! Runs the built `wasmlite` binary.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const WAT: &str = r#"(module
  (func $add (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func $div (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "floats") (param f64 f32) (result f64 f32 i64) local.get 0 local.get 1 i64.const -5)
  (func (export "none"))
  (memory (export "mem") 1)
  (global (export "g") (mut i32) (i32.const 3)))"#;

fn wasmlite(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmlite"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .stdin(Stdio::null())
        .output()
        .expect("run wasmlite")
}

fn setup() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.wat");
    std::fs::write(&file, WAT).unwrap();
    (dir, file.to_string_lossy().into_owned())
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn cache_entries(cache: &Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(cache.join("wasmlite")) {
        Ok(d) => d.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "obj")).collect(),
        Err(_) => vec![],
    }
}

#[test]
fn invoke_prints_results_by_type() {
    let (dir, f) = setup();
    let c = dir.path().join("cache");
    let o = wasmlite(&c, &["run", "--invoke", "add", &f, "2", "-5"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "-3\n");
    let o = wasmlite(&c, &["run", "--invoke", "add", &f, "4294967295", "0x10"]);
    assert_eq!(stdout(&o), "15\n");
    let o = wasmlite(&c, &["run", "--invoke", "floats", &f, "0.1", "1e-3"]);
    assert_eq!(stdout(&o), "0.1\n0.001\n-5\n");
    let o = wasmlite(&c, &["run", "--invoke", "none", &f]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "");
    // Bad arguments are errors, not traps.
    for args in [vec!["add", "1"], vec!["add", "1", "x"], vec!["nosuch"], vec!["mem"]] {
        let mut a = vec!["run", "--invoke"];
        a.push(args[0]);
        a.push(&f);
        a.extend(&args[1..]);
        let o = wasmlite(&c, &a);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).starts_with("error: "), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn trap_reports_kind_function_offset() {
    let (dir, f) = setup();
    let o = wasmlite(&dir.path().join("cache"), &["run", "--invoke", "div", &f, "1", "0"]);
    assert_eq!(o.status.code(), Some(134));
    assert_eq!(stdout(&o), "");
    let e = stderr(&o);
    assert!(e.contains("integer divide by zero"), "{e}");
    assert!(e.contains("#1 `div`"), "{e}");
    assert!(e.contains("module offset 0x"), "{e}");
    let o = wasmlite(&dir.path().join("cache"), &["run", "--lazy", "--invoke", "div", &f, "-2147483648", "-1"]);
    assert_eq!(o.status.code(), Some(134));
    assert!(stderr(&o).contains("integer overflow"), "{}", stderr(&o));
}

#[test]
fn compile_cache_hit_corrupt_and_no_cache() {
    let (dir, f) = setup();
    let c = dir.path().join("cache");
    let o = wasmlite(&c, &["run", "--no-cache", "--invoke", "add", &f, "1", "2"]);
    assert_eq!(stdout(&o), "3\n");
    assert!(cache_entries(&c).is_empty(), "--no-cache wrote the cache");
    let o = wasmlite(&c, &["run", "--invoke", "add", &f, "1", "2"]);
    assert_eq!(stdout(&o), "3\n");
    let entries = cache_entries(&c);
    assert_eq!(entries.len(), 1);
    let good = std::fs::read(&entries[0]).unwrap();
    assert!(good.len() > 100);
    // A hit gives the same answer and leaves the entry alone.
    let o = wasmlite(&c, &["run", "--invoke", "add", &f, "1", "2"]);
    assert_eq!(stdout(&o), "3\n");
    assert_eq!(std::fs::read(&entries[0]).unwrap(), good);
    // A corrupt entry (flipped byte in the code, truncated, garbage) is ignored and rebuilt.
    for bad in [
        {
            let mut b = good.clone();
            let n = b.len();
            b[n - 50] ^= 0xff;
            b
        },
        good[..good.len() / 2].to_vec(),
        b"not a cache entry".to_vec(),
    ] {
        std::fs::write(&entries[0], &bad).unwrap();
        let o = wasmlite(&c, &["run", "--invoke", "add", &f, "20", "22"]);
        assert_eq!(stdout(&o), "42\n", "{}", stderr(&o));
        assert_eq!(std::fs::read(&entries[0]).unwrap(), good, "entry not rebuilt");
    }
    // Another configuration is another entry.
    let o = wasmlite(&c, &["run", "--bounds-checks", "--invoke", "add", &f, "1", "2"]);
    assert_eq!(stdout(&o), "3\n");
    assert_eq!(cache_entries(&c).len(), 2);
}

#[test]
fn compile_emits_object_asm_ir() {
    let (dir, f) = setup();
    let c = dir.path().join("cache");
    let out = dir.path().join("m.o");
    let o = wasmlite(&c, &["compile", &f, "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let obj = std::fs::read(&out).unwrap();
    assert!(obj.starts_with(b"\x7fELF"));
    let wasm = wat::parse_str(WAT).unwrap();
    let desc = wasmlite_abi::descriptor_symbol(&wasmlite_abi::symbol_prefix("m", &wasm));
    assert!(obj.windows(desc.len()).any(|w| w == desc.as_bytes()), "descriptor symbol {desc} missing");
    let asm = dir.path().join("m.s");
    let o = wasmlite(&c, &["compile", &f, "-o", asm.to_str().unwrap(), "--emit", "asm", "-O", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&asm).unwrap().contains(&desc));
    let ll = dir.path().join("m.ll");
    let o = wasmlite(&c, &["compile", &f, "-o", ll.to_str().unwrap(), "--emit", "llvm-ir", "--bounds-checks"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ir = std::fs::read_to_string(&ll).unwrap();
    assert!(ir.contains("define") && ir.contains(&desc));
    let o = wasmlite(
        &c,
        &["compile", &f, "-o", out.to_str().unwrap(), "--target", "x86_64-unknown-linux-musl"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let obj = std::fs::read(&out).unwrap();
    assert_eq!(u16::from_le_bytes([obj[18], obj[19]]), 62, "EM_X86_64");
    // Targets whose traps do not work yet are refused with an error naming them.
    let o = wasmlite(
        &c,
        &["compile", &f, "-o", out.to_str().unwrap(), "--target", "aarch64-unknown-linux-gnu"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("target `aarch64-unknown-linux-gnu` is not supported"), "{}", stderr(&o));
    let o = wasmlite(&c, &["compile", &f, "-o", out.to_str().unwrap(), "--target", "nonsense-triple"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn inspect_lists_everything() {
    let (dir, f) = setup();
    let o = wasmlite(&dir.path().join("cache"), &["inspect", &f]);
    assert!(o.status.success());
    let s = stdout(&o);
    for want in [
        "exports (6):",
        "add: (func (param i32 i32) (result i32))",
        "floats: (func (param f64 f32) (result f64 f32 i64))",
        "mem: (memory 1 (pages))",
        "g: (global (mut i32))",
        "custom sections (1):",
        "name:",
        "#1 `div`: 7 bytes",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
}

#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    // `wasmlite inspect big.wat | head -1`: the reader goes away before the output is written.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.wat");
    let funcs: String = (0..20_000).map(|i| format!("(func (export \"f{i}\"))\n")).collect();
    std::fs::write(&file, format!("(module {funcs})")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmlite"))
        .args(["inspect", file.to_str().unwrap()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wasmlite");
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{:?}: {}", o.status, stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn invalid_module_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.wat");
    std::fs::write(&f, "(module (func (result i32) i64.const 1))").unwrap();
    let o = wasmlite(&dir.path().join("cache"), &["run", "--invoke", "x", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("type mismatch"), "{}", stderr(&o));
}

#[test]
fn repl_from_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let input = r#"(memory $m 1)
(global $n (mut i32) (i32.const 0))
(func $sq (param i32) (result i32)
  local.get 0
  local.get 0 i32.mul)
(func (export "f") (param i32) (result i32)
  global.get $n i32.const 1 i32.add global.set $n
  local.get 0 call $sq)
(invoke "f" (i32.const 5))
(func (export "n") (result i32) global.get $n)
(invoke "n")
(func (export "div") (param i32) (result i32) i32.const 1 local.get 0 i32.div_u)
(invoke "div" (i32.const 0))
(invoke "n")
(func (export "bad") (result i32) i64.const 1)
(invoke "bad")
(func (export "two") (result i32 i64) i32.const 1 i64.const 2) (invoke "two")
(invoke "nothing")
(func (export "v"))
(invoke "v")
"#;
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmlite"))
        .arg("repl")
        .env("XDG_CACHE_HOME", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(lines[0], "(i32.const 25)");
    assert_eq!(lines[1], "(i32.const 1)");
    assert_eq!(lines[2], "trap: integer divide by zero");
    assert_eq!(lines[3], "(i32.const 1)");
    assert!(lines[4].starts_with("error: ") && lines[4].contains("type mismatch"), "{}", lines[4]);
    assert!(lines[5].starts_with("error: ") && lines[5].contains("bad"), "{}", lines[5]);
    assert_eq!(lines[6], "(i32.const 1) (i64.const 2)");
    assert!(lines[7].starts_with("error: "), "{}", lines[7]);
    assert_eq!(lines.len(), 8, "no prompt/banner, nothing for (invoke \"v\"): {lines:?}");
}

/// `run` without `--invoke`: a C program (clang-19 --target=wasm32-wasi, wasi-libc from
/// scripts/setup.sh) with the CLI's stdio, `--env`, `--dir HOST::GUEST`, exit code.
#[test]
fn wasi_command() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("prog.wasm");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/wasi_cli.c");
    let clang = std::env::var("WASMLITE_CLANG").unwrap_or_else(|_| "clang-19".to_string());
    let o = Command::new(&clang)
        .args(["--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o"])
        .arg(&wasm)
        .arg(&src)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {clang} (install clang-19 and wasi-libc: scripts/setup.sh): {e}"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let host = dir.path().join("host");
    std::fs::create_dir(&host).unwrap();
    std::fs::write(host.join("in.txt"), "hello file\n").unwrap();
    let cache = dir.path().join("cache");
    for lazy in [false, true] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmlite"));
        cmd.arg("run");
        if lazy {
            cmd.arg("--lazy");
        }
        let mut child = cmd
            .arg("--env")
            .arg("GREETING=hi there")
            .arg("--dir")
            .arg(format!("{}::data", host.display()))
            .arg(&wasm)
            .args(["a b", "-x", "42"])
            .env("XDG_CACHE_HOME", &cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"shout this\n").unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(42), "lazy={lazy}: {}", stderr(&o));
        assert_eq!(
            stdout(&o),
            "argc=4 [a b] [-x] [42]\nGREETING=hi there\nin.txt: hello file\nSHOUT THIS\n",
            "lazy={lazy}"
        );
        assert_eq!(std::fs::read_to_string(host.join("out.txt")).unwrap(), "written by wasm\n");
        assert!(!dir.path().join("escape.txt").exists());
    }
    // Without --dir the program cannot see the file (exit code 3).
    let o = wasmlite(&cache, &["run", wasm.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(stdout(&o), "argc=1\nGREETING=(unset)\nno data/in.txt\n");
}

/// `--emit rust`: the include_wasm! bindings, linking against the object `--emit obj` writes.
#[test]
fn compile_emits_rust_bindings() {
    let (dir, f) = setup();
    let c = dir.path().join("cache");
    let rs = dir.path().join("m.rs");
    let o = wasmlite(&c, &["compile", &f, "-o", rs.to_str().unwrap(), "--emit", "rust"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&rs).unwrap();
    let file: syn::File = syn::parse_file(&text).expect("bindings parse as Rust");
    let module = file.items.iter().find_map(|i| match i {
        syn::Item::Mod(m) => Some(m.ident.to_string()),
        _ => None,
    });
    assert_eq!(module.as_deref(), Some("m"));
    let wasm = wat::parse_str(WAT).unwrap();
    let desc = wasmlite_abi::descriptor_symbol(&wasmlite_abi::symbol_prefix("m", &wasm));
    assert!(text.contains(&format!("\"{desc}\"")), "bindings must link against {desc}");
    for export in ["add", "div", "floats", "none", "mem", "g"] {
        assert!(text.contains(&format!("fn {export}")), "no method for export {export}");
    }
}

/// `wasmlite repl FILE`: the session starts from the module; its `$names` resolve in later
/// definitions; `:memory` dumps the default memory.
#[test]
fn repl_starts_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("start.wat");
    std::fs::write(
        &file,
        r#"(module
             (memory $m 1)
             (data (i32.const 0) "wasm")
             (global $base (mut i32) (i32.const 100))
             (func $twice (param i32) (result i32) local.get 0 local.get 0 i32.add)
             (func (export "base") (result i32) global.get $base))"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmlite"))
        .arg("repl")
        .arg(&file)
        .env("XDG_CACHE_HOME", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            br#"(func (export "f") (result i32) global.get $base call $twice)
(invoke "f")
(invoke "base")
:memory 0 4
"#,
        )
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(lines[0], "(i32.const 200)");
    assert_eq!(lines[1], "(i32.const 100)");
    assert!(lines[2].starts_with("00000000  77 61 73 6d") && lines[2].ends_with("wasm"), "{}", lines[2]);
    assert_eq!(lines.len(), 3);
}

/// Run `wasmlite ARGS` with `input` on stdin.
fn wasmlite_stdin(cache: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmlite"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wasmlite");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // A writer thread: the child may fill its stdout pipe before reading all of stdin.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&input);
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    o
}

/// A real program through the CLI: the `lz4` command line tool (LZ4 1.10.0's programs/,
/// built for wasm32-wasi by tests/programs/lz4/build.sh), compressing and decompressing files
/// in a `--dir` preopen and stdin → stdout; its own exit codes for failures.
#[test]
fn lz4_tool() {
    let lz4 = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/lz4/lz4.wasm");
    let lz4 = lz4.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let host = dir.path().join("host");
    std::fs::create_dir(&host).unwrap();
    // Compressible text followed by incompressible bytes (xorshift), 300 KB in all.
    let mut data = Vec::new();
    while data.len() < 200_000 {
        data.extend_from_slice(format!("line {} of some compressible text\n", data.len() % 977).as_bytes());
    }
    let mut x = 0x2545_f491_4f6c_dd1du64;
    while data.len() < 300_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data.push(x as u8);
    }
    std::fs::write(host.join("in.bin"), &data).unwrap();
    let preopen = format!("{}::/data", host.display());

    let o = wasmlite(&cache, &["run", "--dir", &preopen, lz4, "-f", "/data/in.bin", "/data/in.bin.lz4"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let packed = std::fs::read(host.join("in.bin.lz4")).unwrap();
    assert_eq!(packed[..4], [0x04, 0x22, 0x4d, 0x18], "LZ4 frame magic");
    assert!(packed.len() < 150_000, "compressed to {} bytes", packed.len());
    assert_eq!(cache_entries(&cache).len(), 1, "compiled once, cached");

    let o = wasmlite(&cache, &["run", "--dir", &preopen, lz4, "-d", "-f", "/data/in.bin.lz4", "/data/out.bin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("decoded 300000 bytes"), "{}", stderr(&o));
    assert!(std::fs::read(host.join("out.bin")).unwrap() == data, "decompressed file differs");

    // stdin → stdout both ways (lz4 picks stdin/stdout when they are not terminals).
    let o = wasmlite_stdin(&cache, &["run", lz4, "-c"], &data);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout[..4], [0x04, 0x22, 0x4d, 0x18]);
    let o = wasmlite_stdin(&cache, &["run", lz4, "-d", "-c"], &o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout == data, "stdin/stdout round trip differs");

    // Failures are the program's own exit codes, not traps.
    let o = wasmlite(&cache, &["run", "--dir", &preopen, lz4, "-d", "-f", "/data/in.bin", "/data/x"]);
    assert_eq!(o.status.code(), Some(44), "not an lz4 file: {}", stderr(&o));
    assert!(stderr(&o).contains("Unrecognized header"), "{}", stderr(&o));
    let o = wasmlite(&cache, &["run", "--dir", &preopen, lz4, "-f", "/data/missing", "/data/x.lz4"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("/data/missing: No such file or directory"), "{}", stderr(&o));
    // Outside the preopen nothing is reachable.
    let o = wasmlite(&cache, &["run", "--dir", &preopen, lz4, "-f", "/data/../in.bin", "/data/y.lz4"]);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!host.join("y.lz4").exists());
    assert_eq!(cache_entries(&cache).len(), 1);
}

/// Run `wasmlite repl` with `input` piped in; (stdout lines, stderr, status).
fn repl_session(input: &str) -> (Vec<String>, String, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    let o = wasmlite_stdin(dir.path(), &["repl"], input.as_bytes());
    (stdout(&o).lines().map(String::from).collect(), stderr(&o), o.status.code())
}

/// `$names` of earlier definitions resolve in later ones in every index space (functions,
/// globals, memories, tables, types, data and element segments); the exact output lines.
#[test]
fn repl_names_in_every_index_space() {
    let input = r#"(memory $m 1)
(memory $m2 2)
(type $bin (func (param i32 i32) (result i32)))
(type $pair (func (result i32 i32)))
(global $g (mut i32) (i32.const 5))
(global $c i32 (i32.const 7))
(global $d i32 (global.get $c))
(table $t 4 funcref)
(table $t2 2 externref)
(func $add (type $bin) local.get 0 local.get 1 i32.add)
(data $pd "hello")
(data $ad (memory $m2) (i32.const 8) "AB")
(elem $pe func $add)
(elem $ae (table $t) (i32.const 3) func $add)
;; passive data, by name
(func (export "minit") (result i32)
  i32.const 0 i32.const 0 i32.const 5 memory.init $pd
  i32.const 4 i32.load8_u)
(invoke "minit")
(func (export "m2") (result i32) i32.const 8 i32.load8_u $m2)
(invoke "m2")
(func (export "tinit") (result i32)
  i32.const 1 i32.const 0 i32.const 1 table.init $t $pe
  i32.const 2 i32.const 3 i32.const 1 call_indirect $t (type $bin))
(invoke "tinit")
(func (export "viaelem") (result i32) i32.const 20 i32.const 22 i32.const 3 call_indirect $t (type $bin))
(invoke "viaelem")
(func (export "rf") (result i32) ref.func $add ref.is_null)
(invoke "rf")
(func (export "gd") (result i32) global.get $d global.get $g i32.add)
(invoke "gd")
(func (export "setg") (param i32) local.get 0 global.set $g)
(invoke "setg" (i32.const 100))
(invoke "gd")
(func (export "tsz") (result i32) table.size $t2)
(invoke "tsz")
(func (export "p") (type $pair) i32.const 1 i32.const 2)
(invoke "p")
;; an active segment is dropped once applied: memory.init of it traps unless empty
(func (export "ad") (param i32) i32.const 0 i32.const 0 local.get 0 memory.init $m2 $ad)
(invoke "ad" (i32.const 0))
(invoke "ad" (i32.const 1))
(func (export "drop") data.drop $pd elem.drop $pe)
(invoke "drop")
(func $bad (result i32) call $nosuch)
(func (export "gd") (result i32) i64.const 0)
(invoke "gd")
(func (export "div") (param i32) (result i32) i32.const 1 local.get 0 i32.div_s)
(assert_return (invoke "div" (i32.const 1)) (i32.const 1))
(assert_return (invoke "div" (i32.const 1)) (i32.const 2))
(assert_trap (invoke "div" (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 1)) "integer divide by zero")
(invoke "div" (i32.const 0))
(get "nope")
(module $M
  (memory (export "mem") 1)
  (func $id (export "id") (param i32) (result i32) local.get 0)
  (data $md "xyz"))
(invoke "minit")
(func (export "two") (param i32) (result i32)
  local.get 0
  call $id)
(invoke "two" (i32.const 4))
(func (export "q") (result i32) i32.const 0 i32.const 0 i32.const 3 memory.init $md i32.const 2 i32.load8_u)
(invoke "q")
(register "M")
(import "M" "id" (func $imported (param i32) (result i32)))
(func (export "r") (result i32) i32.const 9 call $imported)
(invoke "r")
"#;
    let (lines, err, code) = repl_session(input);
    assert_eq!(code, Some(0), "{err}");
    let want = [
        "(i32.const 111)",                // 'o'
        "(i32.const 65)",                 // 'A' in $m2
        "(i32.const 5)",                  // $add through table.init of $pe
        "(i32.const 42)",                 // $add put in $t by the active $ae
        "(i32.const 0)",                  // ref.func of an earlier function
        "(i32.const 12)",                 // $d = $c = 7, $g = 5
        "(i32.const 107)",                // $g set to 100 by another definition
        "(i32.const 2)",                  // $t2
        "(i32.const 1) (i32.const 2)",    // (type $pair): two results
        "trap: out of bounds memory access",
        "error: unknown func: failed to find name `$nosuch`",
        "error: type mismatch: expected i32, found i64",
        "(i32.const 107)",                // the failed redefinition changed nothing
        "error: assertion failed: got [(i32.const 1)]",
        "error: assertion failed: expected trap `integer divide by zero`, got [(i32.const 1)]",
        "trap: integer divide by zero",
        "error: unknown export `nope`",
        "error: unknown export `minit`", // (module …) started a fresh session
        "(i32.const 4)",
        "(i32.const 122)",                // 'z' of the module's passive $md
        "(i32.const 9)",
    ];
    assert_eq!(lines, want, "stderr: {err}");
}

/// `--invoke` prints like `wasmtime run --invoke`: v128 as an unsigned decimal, references as
/// `<null funcref>` / `<funcref>` / `<null externref>`, NaN and infinities as Rust prints them.
#[test]
fn invoke_prints_v128_refs_and_special_floats() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("v.wat");
    std::fs::write(
        &f,
        r#"(module
             (func $g (export "g"))
             (elem declare func $g)
             (func (export "v") (param v128) (result v128) local.get 0)
             (func (export "refs") (param externref) (result funcref funcref externref)
               ref.null func ref.func $g local.get 0)
             (func (export "nan") (result f32 f64 f64) f32.const nan f64.const -inf f64.const 1e300))"#,
    )
    .unwrap();
    let f = f.to_str().unwrap();
    let c = dir.path().join("cache");
    let o = wasmlite(&c, &["run", "--invoke", "v", f, "0x0102030405060708090a0b0c0d0e0f10"]);
    assert_eq!(stdout(&o), format!("{}\n", 0x0102030405060708090a0b0c0d0e0f10u128), "{}", stderr(&o));
    let o = wasmlite(&c, &["run", "--invoke", "v", f, "-1"]);
    assert_eq!(stdout(&o), format!("{}\n", u128::MAX));
    let o = wasmlite(&c, &["run", "--invoke", "refs", f, "null"]);
    assert_eq!(stdout(&o), "<null funcref>\n<funcref>\n<null externref>\n", "{}", stderr(&o));
    let o = wasmlite(&c, &["run", "--invoke", "refs", f, "7"]);
    assert_eq!(o.status.code(), Some(1), "only null references can be given");
    let o = wasmlite(&c, &["run", "--invoke", "nan", f]);
    assert_eq!(stdout(&o), format!("NaN\n-inf\n{}\n", 1e300f64), "{}", stderr(&o));
}

/// The cache key covers the module bytes; an entry of another module copied over this one's
/// (a foreign entry) is ignored and rebuilt; writes leave no temporary files behind.
#[test]
fn cache_foreign_entry_and_atomic_writes() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("cache");
    let a = dir.path().join("a.wat");
    let b = dir.path().join("b.wat");
    std::fs::write(&a, r#"(module (func (export "f") (result i32) i32.const 1))"#).unwrap();
    std::fs::write(&b, r#"(module (func (export "f") (result i32) i32.const 2))"#).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    assert_eq!(stdout(&wasmlite(&c, &["run", "--invoke", "f", a])), "1\n");
    let ea = cache_entries(&c);
    assert_eq!(ea.len(), 1);
    assert_eq!(stdout(&wasmlite(&c, &["run", "--invoke", "f", b])), "2\n");
    let mut eb = cache_entries(&c);
    eb.retain(|p| *p != ea[0]);
    assert_eq!(eb.len(), 1, "another module is another entry");
    let (good_a, good_b) = (std::fs::read(&ea[0]).unwrap(), std::fs::read(&eb[0]).unwrap());
    std::fs::write(&eb[0], &good_a).unwrap();
    let o = wasmlite(&c, &["run", "--invoke", "f", b]);
    assert_eq!(stdout(&o), "2\n", "a foreign entry must not be linked");
    assert!(stderr(&o).contains("ignoring invalid cache entry"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&eb[0]).unwrap(), good_b, "rebuilt");
    let names: Vec<String> = std::fs::read_dir(c.join("wasmlite"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "only the two entries, no temporary files: {names:?}");
}

/// A `wasmlite repl` on a terminal: `script(1)` runs it on a pseudo-terminal; lines are typed
/// one at a time once the prompt is shown.
struct Terminal {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: std::sync::mpsc::Receiver<Vec<u8>>,
    seen: String,
}

impl Terminal {
    fn start(cache: &Path) -> Terminal {
        let cmd = format!("{} repl", env!("CARGO_BIN_EXE_wasmlite"));
        let mut child = Command::new("script")
            .args(["-qfec", &cmd, "/dev/null"])
            .env("XDG_CACHE_HOME", cache)
            .env("TERM", "xterm")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script(1) (util-linux) runs");
        let input = child.stdin.take().unwrap();
        let mut out = child.stdout.take().unwrap();
        let (tx, output) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Terminal { child, input, output, seen: String::new() }
    }

    /// Wait until the output since the last match contains `what`; returns that output.
    fn expect(&mut self, what: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            if let Some(at) = self.seen.find(what) {
                let upto = at + what.len();
                let before = self.seen[..upto].to_string();
                self.seen.drain(..upto);
                return before;
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.output.recv_timeout(left) {
                Ok(b) => self.seen.push_str(&String::from_utf8_lossy(&b)),
                Err(_) => panic!("timed out waiting for {what:?}; output so far:\n{}", self.seen),
            }
        }
    }

    fn type_line(&mut self, line: &str) {
        use std::io::Write;
        self.expect("wasm> ");
        self.input.write_all(format!("{line}\r").as_bytes()).unwrap();
        self.input.flush().unwrap();
    }
}

#[test]
fn repl_on_a_terminal_has_a_prompt_history_and_commands() {
    if Command::new("script").arg("--version").output().is_err() {
        panic!("script(1) is missing: install util-linux (bsdutils)");
    }
    let dir = tempfile::tempdir().unwrap();
    let mut t = Terminal::start(dir.path());
    assert!(t.expect("wasm> ").contains(":help for help"), "a banner on a terminal");
    t.input.write_all(b"(memory 1)\r").unwrap();
    t.type_line(r#"(func (export "f") (param i32) (result i32) local.get 0 i32.const 2 i32.mul)"#);
    t.type_line(r#"(invoke "f" (i32.const 21))"#);
    t.expect("(i32.const 42)");
    // History: the up arrow brings back the last command.
    t.type_line("\x1b[A");
    t.expect("(i32.const 42)");
    t.type_line(":exports");
    t.expect("f: (func (param i32) (result i32))");
    t.type_line(r#"(data (i32.const 0) "wasm")"#);
    t.type_line(":memory 0 8");
    t.expect("77 61 73 6d 00 00 00 00");
    t.type_line(":help");
    t.expect(":memory ADDR LEN");
    // A command spanning lines: a continuation prompt until the form is closed.
    t.type_line(r#"(invoke "f""#);
    t.expect("... ");
    t.input.write_all(b"(i32.const 5))\r").unwrap();
    t.expect("(i32.const 10)");
    t.type_line(":quit");
    let status = t.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// `compile --emit obj` compiles a large module on all cores and merges the partitions into
/// one relocatable object (`ld -r`), which loads and runs like a single-threaded one.
#[test]
fn compile_large_module_to_one_object() {
    let dir = tempfile::tempdir().unwrap();
    // ~300 KB of code: more than two partitions' minimum size.
    let mut wat = String::from("(module\n");
    for k in 0..3000 {
        wat.push_str(&format!("(func $f{k} (export \"f{k}\") (param i32) (result i32) local.get 0"));
        for j in 0..20 {
            wat.push_str(&format!(" i32.const {} i32.add", k + j));
        }
        if k > 0 {
            wat.push_str(&format!(" call $f{}", k - 1));
        }
        wat.push_str(")\n");
    }
    wat.push(')');
    let wasm = wat::parse_str(&wat).unwrap();
    assert!(wasm.len() > 256 << 10, "{} bytes", wasm.len());
    let file = dir.path().join("big.wasm");
    std::fs::write(&file, &wasm).unwrap();
    let out = dir.path().join("big.o");
    let o = wasmlite(&dir.path().join("cache"), &["compile", "-O", "0", file.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let obj = std::fs::read(&out).unwrap();
    let prefix = wasmlite_abi::symbol_prefix("big", &wasm);
    let has = |s: &str| obj.windows(s.len()).any(|w| w == s.as_bytes());
    if std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2 {
        assert!(has(&format!("{prefix}_code_start1")), "two partitions merged into one object");
    }
    let mut jit = wasmlite_jit::Jit::new().unwrap();
    let desc = jit.load_object(&obj, &prefix).unwrap();
    // SAFETY: `desc` belongs to `jit`, which outlives the module and instance below.
    let module = unsafe { wasmlite_rt::Module::from_descriptor(desc) }.unwrap();
    let store = wasmlite_rt::Store::new();
    let mut inst = wasmlite_rt::Instance::new(&store, &module, &[], ()).unwrap();
    // f(k)(x) = x + Σ_{i<=k} Σ_{j<20} (i + j)
    let want = |k: i64| (0..=k).map(|i| (0..20).map(|j| i + j).sum::<i64>()).sum::<i64>() as i32;
    for k in [0, 1, 1499, 1500, 2999] {
        let r = inst.call_export(&format!("f{k}"), &[wasmlite_rt::Val::I32(5)]).unwrap();
        assert_eq!(r, [wasmlite_rt::Val::I32(5i32.wrapping_add(want(k)))], "f{k}");
    }
}
