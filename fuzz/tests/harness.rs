//! The harness must find divergences when they exist and stay quiet when engines agree.

use wasmlite_fuzz::engines::{Mode, Wasmi1, Wasmi2, Wasmlite};
use wasmlite_fuzz::exec::{self, Outcome, TrapKind, Value, Verdict};
use wasmlite_fuzz::gen::{self, DiffGenOptions, FUEL_EXPORT};

fn opts() -> DiffGenOptions {
    DiffGenOptions { fuel: 1000, calls_per_func: 2, loops: false }
}

fn case(wat: &str) -> gen::Case {
    gen::case_for_module(wat::parse_str(wat).unwrap(), 3, &opts()).unwrap()
}

#[test]
fn generation_is_deterministic_valid_and_has_the_fuel_export() {
    for seed in 0..20 {
        let a = gen::diff_case(seed, &opts()).unwrap();
        let b = gen::diff_case(seed, &opts()).unwrap();
        assert_eq!(a.wasm, b.wasm, "seed {seed}");
        assert_eq!(a.plan.len(), b.plan.len());
        wasmparser::Validator::new_with_features(wasmlite_codegen::WasmFeatures::all()).validate_all(&a.wasm).unwrap();
        assert!(a.shape.globals.iter().any(|g| g == FUEL_EXPORT), "seed {seed}");
        assert!(a.has_fuel());
        assert_eq!(a.plan.len(), a.shape.funcs.len() * 2);
    }
}

#[test]
fn loop_generation_is_deterministic_and_valid_and_its_cases_agree() {
    let loops = DiffGenOptions { loops: true, ..opts() };
    for seed in 0..20 {
        let a = gen::diff_case(seed, &loops).unwrap();
        let b = gen::diff_case(seed, &loops).unwrap();
        assert_eq!(a.wasm, b.wasm, "seed {seed}");
        wasmparser::Validator::new().validate_all(&a.wasm).unwrap();
        assert!(a.shape.funcs.len() >= 2, "seed {seed}: grow and at least one kernel");
    }
    // A few cases agree with the reference in every mode (seed 1 is the regression of
    // fuzz/regressions/guard-sjlj-vmctx-spill-slot-reused-loops-1.wat).
    let mut jit = wasmlite_jit::Jit::new().unwrap();
    for seed in 0..3 {
        let c = gen::diff_case(seed, &loops).unwrap();
        let trace = exec::record(&mut Wasmi2::new(&c.wasm).unwrap(), &c);
        for mode in Mode::ALL {
            let mut s = Wasmlite::new(&mut jit, &c.wasm, mode).unwrap();
            match exec::compare(&trace, &mut s, &c) {
                Verdict::Agree { .. } => {}
                v => panic!("seed {seed} {}: {v:?}", mode.name()),
            }
        }
    }
}

#[test]
fn export_global_adds_an_export_section_where_none_exists() {
    let w = wat::parse_str("(module (global (mut i32) (i32.const 5)) (func))").unwrap();
    let out = gen::export_global(&w, 0, "g").unwrap();
    wasmparser::Validator::new().validate_all(&out).unwrap();
    assert_eq!(gen::shape_of(&out).unwrap().globals, vec!["g".to_string()]);
}

#[test]
fn nan_bits_only_matter_inside_vectors_and_memory() {
    assert!(Value::F32(0x7fc0_0000).same(&Value::F32(0xffc0_0001)));
    assert!(Value::F64(0x7ff8_0000_0000_0000).same(&Value::F64(0x7ff0_0000_0000_0001)));
    assert!(!Value::F32(0x0000_0000).same(&Value::F32(0x8000_0000)), "-0 differs from +0");
    assert!(!Value::V128(0x7fc0_0000).same(&Value::V128(0xffc0_0000)));
}

#[test]
fn agreeing_engines_agree_in_every_mode() {
    let c = case(
        r#"(module (memory (export "m") 1 1) (global (export "g") (mut i32) (i32.const 0))
             (func (export "f") (param i32) (result i32)
               (i32.store (i32.const 8) (local.get 0))
               (global.set 0 (i32.add (global.get 0) (i32.const 1)))
               (i32.load (local.get 0))))"#,
    );
    let trace = exec::record(&mut Wasmi1::new(&c.wasm).unwrap(), &c);
    assert_eq!(trace.calls.len(), 2);
    let mut jit = wasmlite_jit::Jit::new().unwrap();
    for mode in Mode::ALL {
        let mut s = Wasmlite::new(&mut jit, &c.wasm, mode).unwrap();
        match exec::compare(&trace, &mut s, &c) {
            Verdict::Agree { calls } => assert_eq!(calls, 2, "{}", mode.name()),
            v => panic!("{}: {v:?}", mode.name()),
        }
    }
}

#[test]
fn a_different_result_memory_or_global_is_a_divergence() {
    let reference = case(
        r#"(module (memory (export "m") 1 1) (global (export "g") (mut i32) (i32.const 0))
             (func (export "f") (result i32) (i32.store8 (i32.const 3) (i32.const 1)) (global.set 0 (i32.const 1)) (i32.const 7)))"#,
    );
    let trace = exec::record(&mut Wasmi1::new(&reference.wasm).unwrap(), &reference);
    let mut jit = wasmlite_jit::Jit::new().unwrap();
    let variants = [
        ("result value", "(i32.store8 (i32.const 3) (i32.const 1)) (global.set 0 (i32.const 1)) (i32.const 8)"),
        ("memory contents", "(i32.store8 (i32.const 4) (i32.const 1)) (global.set 0 (i32.const 1)) (i32.const 7)"),
        ("global value", "(i32.store8 (i32.const 3) (i32.const 1)) (global.set 0 (i32.const 2)) (i32.const 7)"),
        ("spurious trap IntegerDivideByZero", "(i32.div_u (i32.const 1) (i32.const 0))"),
    ];
    for (class, body) in variants {
        let other = wat::parse_str(format!(
            r#"(module (memory (export "m") 1 1) (global (export "g") (mut i32) (i32.const 0))
                 (func (export "f") (result i32) {body}))"#
        ))
        .unwrap();
        let mut s = Wasmlite::new(&mut jit, &other, Mode::ALL[3]).unwrap();
        match exec::compare(&trace, &mut s, &reference) {
            Verdict::Diverge { class: got, call: Some(0), .. } => assert_eq!(got, class),
            v => panic!("{class}: {v:?}"),
        }
    }
}

#[test]
fn trap_kinds_are_mapped_the_same_way_in_all_engines() {
    let c = case(
        r#"(module (memory 1 1) (table 1 funcref)
             (func (export "oob") (drop (i32.load (i32.const 65536))))
             (func (export "div") (drop (i32.div_s (i32.const 1) (i32.const 0))))
             (func (export "ovf") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))
             (func (export "cvt") (drop (i32.trunc_f32_s (f32.const nan))))
             (func (export "null") (call_indirect (i32.const 0)))
             (func (export "tab") (call_indirect (i32.const 5)))
             (func (export "unr") unreachable))"#,
    );
    let expected = [
        TrapKind::MemoryOutOfBounds,
        TrapKind::IntegerDivideByZero,
        TrapKind::IntegerOverflow,
        TrapKind::InvalidConversionToInteger,
        TrapKind::IndirectCallToNull,
        TrapKind::TableOutOfBounds,
        TrapKind::Unreachable,
    ];
    let t1 = exec::record(&mut Wasmi1::new(&c.wasm).unwrap(), &c);
    let t2 = exec::record(&mut Wasmi2::new(&c.wasm).unwrap(), &c);
    let mut jit = wasmlite_jit::Jit::new().unwrap();
    let mut s = Wasmlite::new(&mut jit, &c.wasm, Mode::ALL[2]).unwrap();
    let t3 = exec::record(&mut s, &c);
    for t in [&t1, &t2, &t3] {
        let kinds: Vec<TrapKind> = t
            .calls
            .iter()
            .take(expected.len())
            .map(|s| match &s.outcome {
                Outcome::Trap(k, _) => *k,
                o => panic!("{o}"),
            })
            .collect();
        assert_eq!(kinds, expected);
    }
}

#[test]
fn the_tie_breaker_catches_the_wasmi2_select_bug() {
    // wasmi 2.0.0 gets select(1, x, x == 0) wrong; the harness must not blame wasmlite for it.
    let c = case(r#"(module (func (export "a") (param i32) (result i32) i32.const 1 local.get 0 local.get 0 i32.eqz select))"#);
    let t1 = exec::record(&mut Wasmi1::new(&c.wasm).unwrap(), &c);
    let t2 = exec::record(&mut Wasmi2::new(&c.wasm).unwrap(), &c);
    assert!(exec::trace_diff(&t1, &t2).is_some());
}

#[test]
fn generated_modules_use_the_later_features_both_engines_implement() {
    // Every module is valid for wasmlite's implemented features, none uses a relaxed SIMD
    // operator whose allowed results differ between the engines, and some need more than
    // Wasm 2.0 (so the later features are really generated).
    let wasmlite = wasmlite_abi::parse::supported_features();
    let mut beyond_wasm2 = 0;
    for seed in 0..40 {
        let m = gen::diff_module(seed, 1000).unwrap();
        wasmparser::Validator::new_with_features(wasmlite).validate_all(&m).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert!(!gen::uses_nondeterministic_relaxed_simd(&m).unwrap(), "seed {seed}");
        if wasmparser::Validator::new_with_features(wasmlite_codegen::WasmFeatures::WASM2).validate_all(&m).is_err() {
            beyond_wasm2 += 1;
        }
        assert!(Wasmi1::new(&m).is_ok(), "seed {seed}: the reference rejects it");
    }
    assert!(beyond_wasm2 >= 10, "only {beyond_wasm2} of 40 modules need a post-2.0 feature");
}

#[test]
fn relaxed_simd_operators_with_engine_specific_results_are_detected() {
    let madd = wat::parse_str(
        "(module (func (param v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 0) (local.get 0))))",
    )
    .unwrap();
    let dot = wat::parse_str(
        "(module (func (param v128) (result v128) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 0))))",
    )
    .unwrap();
    let swizzle = wat::parse_str(
        "(module (func (param v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 0))))",
    )
    .unwrap();
    assert!(gen::uses_nondeterministic_relaxed_simd(&madd).unwrap());
    assert!(gen::uses_nondeterministic_relaxed_simd(&dot).unwrap());
    assert!(!gen::uses_nondeterministic_relaxed_simd(&swizzle).unwrap());
}

#[test]
fn the_reference_engines_have_wasmlites_table_limit() {
    // Seed 30001683: wasmi grew a table to 10^8 elements where wasmlite returns -1.
    let c = case(
        r#"(module (table 10 funcref)
             (func (export "big") (result i32) (table.grow 0 (ref.null func) (i32.const 104812770)))
             (func (export "small") (result i32) (table.grow 0 (ref.null func) (i32.const 5))))"#,
    );
    let t1 = exec::record(&mut Wasmi1::new(&c.wasm).unwrap(), &c);
    let t2 = exec::record(&mut Wasmi2::new(&c.wasm).unwrap(), &c);
    let mut jit = wasmlite_jit::Jit::new().unwrap();
    let mut s = Wasmlite::new(&mut jit, &c.wasm, Mode::ALL[1]).unwrap();
    let t3 = exec::record(&mut s, &c);
    drop(s);
    for t in [&t1, &t2, &t3] {
        let results: Vec<String> = t.calls.iter().map(|s| s.outcome.to_string()).collect();
        assert_eq!(results[..2], ["returned [i32:-1]", "returned [i32:10]"], "{results:?}");
    }
    match exec::compare(&t1, &mut Wasmlite::new(&mut jit, &c.wasm, Mode::ALL[0]).unwrap(), &c) {
        Verdict::Agree { calls } => assert_eq!(calls, 4),
        v => panic!("{v:?}"),
    }
}
