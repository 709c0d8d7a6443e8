//! Compile tests: object files, IR, errors.

use wasmlite_codegen::{compile, compile_to_ir, CompileError, Config};

fn wasm(src: &str) -> Vec<u8> {
    wat::parse_str(src).expect("valid wat")
}

fn prefix(w: &[u8]) -> String {
    wasmlite_abi::symbol_prefix("test", w)
}

#[test]
fn const_function_compiles_to_elf() {
    let w = wasm("(module (func (export \"one\") (result i32) i32.const 1))");
    let p = prefix(&w);
    let obj = compile(&w, &p, &Config::default()).unwrap();
    assert_eq!(&obj[..4], b"\x7fELF");
    let sym = wasmlite_abi::descriptor_symbol(&p);
    assert!(obj.windows(sym.len()).any(|w| w == sym.as_bytes()));
    let ir = compile_to_ir(&w, &p, &Config::default()).unwrap();
    assert!(ir.contains(&format!("@{sym} = ")), "{ir}");
    assert!(ir.contains("ret i32 1"), "{ir}");
}

#[test]
fn invalid_module_reports_offset() {
    let w = wasm("(module (func (result i32) i64.const 1))");
    let e: CompileError = compile(&w, &prefix(&w), &Config::default()).unwrap_err();
    assert!(e.offset.is_some());
    assert!(e.message.contains("type mismatch"), "{e}");
    assert!(e.to_string().starts_with("at byte offset 0x"), "{e}");
}

fn ir(src: &str, config: &Config) -> String {
    let w = wasm(src);
    compile_to_ir(&w, &prefix(&w), config).unwrap()
}

/// Global (exported/undefined) symbols of an object, via llvm-nm-19 when installed.
fn global_symbols(obj: &[u8]) -> Option<Vec<String>> {
    let path = std::env::temp_dir().join(format!("wasmlite-cg-{}-{:x}.o", std::process::id(), wasmlite_abi::fnv1a64(obj)));
    std::fs::write(&path, obj).ok()?;
    let out = std::process::Command::new("llvm-nm-19").arg("-g").arg(&path).output().ok()?;
    let _ = std::fs::remove_file(&path);
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).lines().map(|l| l.to_string()).collect())
}

const BIG: &str = r#"(module
  (import "env" "log" (func $log (param i32 i64) (result f32 f64)))
  (import "env" "g" (global $g (mut i32)))
  (memory (export "memory") 1 3)
  (table 4 funcref)
  (global $h (mut v128) (v128.const i64x2 1 2))
  (type $t (func (param i32) (result i32)))
  (func $sq (type $t) (i32.mul (local.get 0) (local.get 0)))
  (func (export "multi") (param i32) (result i32 i64 v128)
    (local.get 0) (i64.const 7) (global.get $h))
  (func (export "ind") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1)))
  (func (export "mem") (param i32) (result i32)
    (i32.store offset=8 (local.get 0) (i32.const 5))
    (drop (memory.grow (i32.const 1)))
    (memory.fill (i32.const 0) (i32.const 1) (i32.const 2))
    (i32.add (i32.load8_s offset=8 (local.get 0)) (memory.size)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "trunc") (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))
  (func (export "imp") (result f64)
    (call $log (global.get $g) (i64.const 1)) (drop) (f64.promote_f32) (global.set $g (i32.const 3)))
  (func (export "loop") (param i32) (result i32)
    (local.get 0)
    (loop $l (param i32) (result i32)
      (i32.sub (i32.const 1))
      (local.tee 0)
      (local.get 0)
      (br_if $l))
    (block (param i32) (result i32) (br_table 0 0 1 (i32.const 2))))
  (func (export "tbl") (result i32)
    (table.set (i32.const 1) (ref.func $sq))
    (ref.is_null (table.get (i32.const 1))))
  (elem (i32.const 0) $sq)
)"#;

#[test]
fn complex_module_compiles_and_only_exports_the_descriptor() {
    let w = wasm(BIG);
    let p = prefix(&w);
    for explicit in [false, true] {
        for opt in 0..=3 {
            let config = Config { opt_level: opt, explicit_bounds_checks: explicit, ..Config::default() };
            let obj = compile(&w, &p, &config).unwrap_or_else(|e| panic!("O{opt}: {e}"));
            assert_eq!(&obj[..4], b"\x7fELF");
            if let Some(syms) = global_symbols(&obj) {
                // `.eh_frame` refers to the personality stubs (wasm functions' with exception
                // handling, the trap boundary's always) through hidden weak pointers named
                // after the module's prefix (no clash either).
                let dw_refs = [format!("DW.ref.{p}_personality"), format!("DW.ref.{p}_entry_personality")];
                let defined: Vec<&String> =
                    syms.iter().filter(|l| !l.contains(" U ") && !dw_refs.iter().any(|r| l.ends_with(r))).collect();
                assert_eq!(defined.len(), 1, "{syms:?}");
                assert!(defined[0].ends_with(&wasmlite_abi::descriptor_symbol(&p)), "{syms:?}");
            }
        }
    }
}

#[test]
fn ir_contains_the_abi_pieces() {
    let text = ir(BIG, &Config { opt_level: 0, ..Config::default() });
    // Trap boundary, longjmp-based raise_trap, import stub, array entries, markers.
    for needle in [
        "llvm.eh.sjlj.setjmp",
        "llvm.eh.sjlj.longjmp",
        "_raise_trap(",
        "_stub0(",
        "_array1(",
        "_code_start(",
        "_code_end(",
        "\"frame-pointer\"=\"all\"",
    ] {
        assert!(text.contains(needle), "missing {needle}");
    }
    // Multi-value results are a literal struct.
    assert!(text.contains("{ i32, i64, <2 x i64> }"));
    // call_indirect compares the funcref's type id with type_ids[0] ($t; wat appends the
    // import's inline type after it) loaded from vmctx + VmLayout::type_id(0): no constant.
    let off = wasmlite_abi::VmLayout::for_module(&wasmlite_abi::parse::parse_module(&wasm(BIG)).unwrap()).type_id(0);
    assert!(text.contains(&format!("getelementptr inbounds i8, ptr %0, i64 {off}\n")), "type id load missing ({off})");
    assert!(text.contains("icmp ne i64"), "type id comparison missing");
    // Trap codes used: unreachable none here; div overflow (3), div by zero (2), conversion (4),
    // table out of bounds (6), null (7), signature (8), stack overflow (9), interrupt (11).
    for code in [2, 3, 4, 6, 7, 8, 9, 11] {
        assert!(text.contains(&format!("i32 {code}, i32")), "trap code {code} missing");
    }
}

#[test]
fn explicit_bounds_checks_emit_memory_traps() {
    let src = "(module (memory 1) (func (export \"f\") (param i32) (result i32) (i32.load offset=4 (local.get 0))))";
    let guard = ir(src, &Config::default());
    let explicit = ir(src, &Config { explicit_bounds_checks: true, ..Config::default() });
    let raises_oob = |ir: &str| ir.lines().any(|l| l.contains("raise_trap(") && l.contains(", i32 5, i32"));
    assert!(!raises_oob(&guard), "guard mode must not check bounds");
    assert!(raises_oob(&explicit), "explicit mode must raise MEMORY_OUT_OF_BOUNDS");
    // flags word of the descriptor (after the ABI version)
    let v = wasmlite_abi::ABI_VERSION;
    assert!(explicit.contains(&format!("{{ i32 {v}, i32 1,")), "descriptor flags");
    assert!(guard.contains(&format!("{{ i32 {v}, i32 0,")), "descriptor flags");
}

#[test]
fn dropped_load_is_kept_in_guard_mode() {
    let src = "(module (memory 1) (func (export \"f\") (param i32) (drop (i32.load (local.get 0)))))";
    let text = ir(src, &Config::default());
    assert!(text.contains("load volatile i32"), "{text}");
}

#[test]
fn infinite_recursion_is_not_turned_into_a_loop() {
    let src = "(module (func $f (export \"f\") (call $f)))";
    let text = ir(src, &Config { opt_level: 3, ..Config::default() });
    assert!(text.contains("call void @") && text.contains("_f0(ptr"), "{text}");
}

#[test]
fn bad_inputs_are_errors() {
    let c = Config::default();
    let e = compile(b"\0asm\x01\0\0\0\x01", "p", &c).unwrap_err();
    assert!(e.offset.is_some(), "{e}");
    let e = compile(b"not wasm", "p", &c).unwrap_err();
    assert_eq!(e.offset, Some(0), "{e}");
    let w = wasm("(module)");
    let e = compile(&w, "bad prefix!", &c).unwrap_err();
    assert!(e.message.contains("prefix"), "{e}");
    let e = compile(&w, "p", &Config { target_triple: Some("nonsense-unknown-triple".into()), ..c.clone() })
        .unwrap_err();
    assert!(e.message.contains("nonsense-unknown-triple"), "{e}");
    assert!(compile(&w, "p", &c).is_ok());
}

#[test]
fn float_rounding_needs_no_libm_on_x86_64() {
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    let w = wasm(
        "(module (func (export \"n\") (param f32 f64) (result f32 f64 f32 f64)
           (f32.nearest (local.get 0)) (f64.ceil (local.get 1))
           (f32.floor (local.get 0)) (f64.trunc (local.get 1))))",
    );
    let obj = compile(&w, &prefix(&w), &Config::default()).unwrap();
    if let Some(syms) = global_symbols(&obj) {
        assert!(!syms.iter().any(|l| l.contains(" U ")), "undefined symbols: {syms:?}");
    }
}

#[test]
fn unsupported_targets_are_rejected_by_name() {
    let w = wasm("(module (func (export \"f\")))");
    for t in ["aarch64-unknown-linux-gnu", "riscv64gc-unknown-linux-gnu", "powerpc64le-unknown-linux-gnu"] {
        let c = Config { target_triple: Some(t.into()), explicit_bounds_checks: true, ..Config::default() };
        let e = compile(&w, "p", &c).unwrap_err();
        assert!(e.message.contains(&format!("target `{t}` is not supported")), "{e}");
    }
    // x86-64 without guard-page support (no signal handler): only explicit bounds checks.
    let mac = Config { target_triple: Some("x86_64-apple-darwin".into()), ..Config::default() };
    let e = compile(&w, "p", &mac).unwrap_err();
    assert!(e.message.contains("guard-page memories are not supported on target `x86_64-apple-darwin`"), "{e}");
    assert!(compile(&w, "p", &Config { explicit_bounds_checks: true, ..mac }).is_ok());
}

/// `dst[i] += 2 * src[i]` over f32, unrolled by 2 the way clang leaves such loops.
const UNROLLED_AXPY: &str = r#"(module (memory 1)
  (func (export "axpy") (param $d i32) (param $s i32) (param $n i32)
    (local $j i32) (local $o i32)
    (local.set $n (i32.and (local.get $n) (i32.const -2)))
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $l
      (local.set $o (i32.shl (local.get $j) (i32.const 2)))
      (f32.store (i32.add (local.get $d) (local.get $o))
        (f32.add (f32.load (i32.add (local.get $d) (local.get $o)))
                 (f32.mul (f32.const 2) (f32.load (i32.add (local.get $s) (local.get $o))))))
      (f32.store offset=4 (i32.add (local.get $d) (local.get $o))
        (f32.add (f32.load offset=4 (i32.add (local.get $d) (local.get $o)))
                 (f32.mul (f32.const 2) (f32.load offset=4 (i32.add (local.get $s) (local.get $o))))))
      (local.set $j (i32.add (local.get $j) (i32.const 2)))
      (br_if $l (i32.ne (local.get $j) (local.get $n))))))"#;

#[test]
fn unrolled_loop_is_versioned_rerolled_and_vectorised_in_both_memory_modes() {
    for explicit in [false, true] {
        let text = ir(UNROLLED_AXPY, &Config { explicit_bounds_checks: explicit, ..Config::default() });
        // The fast copy is vectorised (the precise fallback keeps its pins or checks).
        assert!(text.contains("load <4 x float>"), "explicit={explicit}: not vectorised\n{text}");
        assert!(text.contains("wlver.len") || explicit, "explicit={explicit}: no entry check\n{text}");
        if explicit {
            assert!(text.contains(", i32 5, i32"), "the precise loop keeps its bounds checks\n{text}");
        } else {
            assert!(text.contains("load volatile float"), "the precise loop keeps its pins\n{text}");
        }
    }
    // Not at O0.
    let text = ir(UNROLLED_AXPY, &Config { opt_level: 0, ..Config::default() });
    assert!(!text.contains("wlver"), "{text}");
}

/// The default CPU (`x86-64-v2`) is tuned like clang's default (`generic`): a constant rotate
/// is a `rol`, not Sandy Bridge's `shld` (several cycles of latency on current cores);
/// `Config::cpu` keeps the named CPU's own tuning.
#[test]
fn default_cpu_is_tuned_like_clang() {
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    let w = wasm(
        "(module (func (export \"r\") (param i32 i64) (result i32 i64)
           (i32.rotl (local.get 0) (i32.const 7)) (i64.rotr (local.get 1) (i64.const 13))))",
    );
    let asm = wasmlite_codegen::compile_to_asm(&w, &prefix(&w), &Config::default()).unwrap();
    assert!(asm.contains("\troll\t$7") && asm.contains("\trolq\t$51"), "{asm}");
    assert!(!asm.contains("shld"), "{asm}");
    let snb = Config { cpu: Some("sandybridge".into()), ..Config::default() };
    let asm = wasmlite_codegen::compile_to_asm(&w, &prefix(&w), &snb).unwrap();
    assert!(asm.contains("shld"), "{asm}");
}

/// Innermost loops start at a 64-byte boundary on x86 (`llvm::DEFAULT_LLVM_ARGS`), so a
/// kernel's speed does not depend on where the linker places it. (Skipped when
/// `WASMLITE_LLVM_ARGS` is set: it may override the alignment.)
#[test]
fn innermost_loops_are_aligned_to_64_bytes() {
    if !cfg!(target_arch = "x86_64") || std::env::var_os(wasmlite_codegen::LLVM_ARGS_ENV).is_some() {
        return;
    }
    let w = wasm(
        "(module (memory 1) (func (export \"sum\") (param $n i32) (result i32) (local $s i32)
           (block $done (loop $next
             (br_if $done (i32.eqz (local.get $n)))
             (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $n))))
             (local.set $n (i32.sub (local.get $n) (i32.const 1)))
             (br $next)))
           (local.get $s)))",
    );
    let asm = wasmlite_codegen::compile_to_asm(&w, &prefix(&w), &Config::default()).unwrap();
    assert!(asm.contains(".p2align\t6"), "{asm}");
}
