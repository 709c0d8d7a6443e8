//! Lazy mode: functions compile on first call, results and traps match regular mode.

use wasmlite_rt::{Instance, Store, TrapKind, Val};

const WAT: &str = r#"(module
  (import "env" "double" (func $double (param i32) (result i32)))
  (memory (export "mem") 1)
  (table 2 funcref)
  (elem (i32.const 0) $fib $sq)
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_u
    if (result i32) local.get 0
    else
      local.get 0 i32.const 1 i32.sub call $fib
      local.get 0 i32.const 2 i32.sub call $fib
      i32.add
    end)
  (func $sq (param i32) (result i32) local.get 0 local.get 0 i32.mul)
  (func (export "indirect") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect (param i32) (result i32))
  (func (export "host") (param i32) (result i32) local.get 0 call $double)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func $rec (export "rec") call $rec))"#;

/// Both memory modes: with guard pages (the default) the out-of-bounds load faults in code
/// that was compiled and registered with the signal handler on first call.
#[test]
fn lazy_module_runs_and_traps() {
    for bounds_checks in [false, true] {
        let config = wasmlite_codegen::Config { explicit_bounds_checks: bounds_checks, ..Default::default() };
        let wasm = wat::parse_str(WAT).unwrap();
        let module = wasmlite_jit::compile_module_lazy(&wasm, "lazy_test", &config).unwrap();
        assert_eq!(module.explicit_bounds_checks(), bounds_checks);
        runs_and_traps(&module);
    }
}

fn runs_and_traps(module: &wasmlite_rt::Module) {
    let store = Store::new();
    let double = wasmlite_rt::Func::wrap(|_h: &mut (), _c: &mut wasmlite_rt::Caller<'_>, x: i32| -> Result<i32, wasmlite_rt::Trap> { Ok(2 * x) });
    let mut inst = Instance::new(&store, module, &[wasmlite_rt::Extern::Func(double)], ()).unwrap();
    assert_eq!(inst.call_export("fib", &[Val::I32(20)]).unwrap(), vec![Val::I32(6765)]);
    assert_eq!(inst.call_export("fib", &[Val::I32(10)]).unwrap(), vec![Val::I32(55)]);
    assert_eq!(inst.call_export("indirect", &[Val::I32(1), Val::I32(9)]).unwrap(), vec![Val::I32(81)]);
    assert_eq!(inst.call_export("indirect", &[Val::I32(0), Val::I32(7)]).unwrap(), vec![Val::I32(13)]);
    assert_eq!(inst.call_export("host", &[Val::I32(21)]).unwrap(), vec![Val::I32(42)]);
    let t = inst.call_export("load", &[Val::I32(65536)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds);
    // Named also when the guard page faulted in lazily compiled code.
    assert!(t.to_string().contains("`load`"), "{t}");
    assert_eq!(inst.call_export("div", &[Val::I32(1), Val::I32(0)]).unwrap_err().kind(), TrapKind::IntegerDivideByZero);
    assert_eq!(inst.call_export("rec", &[]).unwrap_err().kind(), TrapKind::StackOverflow);
    assert_eq!(inst.call_export("indirect", &[Val::I32(2), Val::I32(7)]).unwrap_err().kind(), TrapKind::TableOutOfBounds);
    // The instance stays usable after traps.
    assert_eq!(inst.call_export("fib", &[Val::I32(15)]).unwrap(), vec![Val::I32(610)]);
}

#[test]
fn invalid_module_fails_up_front() {
    let wasm = wat::parse_str("(module (func (result i32) i64.const 0))").unwrap();
    let e = wasmlite_jit::compile_module_lazy(&wasm, "bad", &Default::default()).unwrap_err();
    assert!(e.to_string().contains("type mismatch"), "{e}");
}

/// More functions than one lazy unit holds (units of 64, split on each first call): every
/// function, first reached in a scrambled order — from the host, through a direct call from
/// another lazily compiled function and through `call_indirect` — computes its own value.
#[test]
fn many_functions_first_called_in_any_order() {
    const N: u32 = 150;
    let mut wat = String::from("(module (table 150 funcref)\n");
    for k in 0..N {
        // f<k>(x) = x * 3 + k, and g<k> calls f<(k*7) % N> directly.
        wat.push_str(&format!(
            "(func $f{k} (export \"f{k}\") (param i32) (result i32) local.get 0 i32.const 3 i32.mul i32.const {k} i32.add)\n\
             (func (export \"g{k}\") (param i32) (result i32) local.get 0 call $f{})\n\
             (elem (i32.const {k}) $f{k})\n",
            (k * 7) % N
        ));
    }
    wat.push_str("(func (export \"ind\") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect (param i32) (result i32)))");
    let wasm = wat::parse_str(&wat).unwrap();
    let module = wasmlite_jit::compile_module_lazy(&wasm, "lazy_many", &Default::default()).unwrap();
    let store = Store::new();
    let mut inst = Instance::new(&store, &module, &[], ()).unwrap();
    let f = |k: u32, x: i32| x * 3 + k as i32;
    for step in 0..N {
        let k = (step * 113 + 17) % N; // a permutation of 0..N
        match step % 3 {
            0 => assert_eq!(inst.call_export(&format!("f{k}"), &[Val::I32(5)]).unwrap(), [Val::I32(f(k, 5))]),
            1 => assert_eq!(inst.call_export(&format!("g{k}"), &[Val::I32(2)]).unwrap(), [Val::I32(f((k * 7) % N, 2))]),
            _ => assert_eq!(inst.call_export("ind", &[Val::I32(k as i32), Val::I32(4)]).unwrap(), [Val::I32(f(k, 4))]),
        }
    }
    for k in 0..N {
        assert_eq!(inst.call_export(&format!("f{k}"), &[Val::I32(1)]).unwrap(), [Val::I32(f(k, 1))]);
        assert_eq!(inst.call_export(&format!("g{k}"), &[Val::I32(1)]).unwrap(), [Val::I32(f((k * 7) % N, 1))]);
    }
}

/// A first call goes through the stub resolver, which must hand every argument on to the
/// compiled code unchanged: integer, float and vector registers, stack arguments and a
/// result area (three results), entered from the host (array entry), by a direct call and
/// by a tail call (stack arguments of a tail call are the callee's to pop).
#[test]
fn first_calls_keep_every_argument() {
    const TYS: [&str; 20] = [
        "i32", "i64", "f32", "f64", "v128", "i32", "i64", "f32", "f64", "i32", "i64", "f32", "f64", "i32", "i64", "f64",
        "f64", "f64", "f64", "f64",
    ];
    // mix(p0..p19) = (Σ (k+1)·int p_k, Σ (k+1)·float p_k, Σ lanes of the v128)
    let mut body = String::from("i64.const 0\n");
    for (k, t) in TYS.iter().enumerate() {
        let w = k + 1;
        match *t {
            "i32" => body.push_str(&format!("local.get {k} i64.extend_i32_s i64.const {w} i64.mul i64.add\n")),
            "i64" => body.push_str(&format!("local.get {k} i64.const {w} i64.mul i64.add\n")),
            _ => {}
        }
    }
    body.push_str("f64.const 0\n");
    for (k, t) in TYS.iter().enumerate() {
        let w = k + 1;
        match *t {
            "f32" => body.push_str(&format!("local.get {k} f64.promote_f32 f64.const {w} f64.mul f64.add\n")),
            "f64" => body.push_str(&format!("local.get {k} f64.const {w} f64.mul f64.add\n")),
            _ => {}
        }
    }
    body.push_str(
        "local.get 4 i32x4.extract_lane 0 local.get 4 i32x4.extract_lane 1 i32.add \
         local.get 4 i32x4.extract_lane 2 i32.add local.get 4 i32x4.extract_lane 3 i32.add\n",
    );
    let arg = |k: usize| -> Val {
        let x = k as i32 * 1000 - 7777;
        match TYS[k] {
            "i32" => Val::I32(x),
            "i64" => Val::I64(x as i64 * 1_000_003),
            "f32" => Val::F32((x as f32 + 0.5).to_bits()),
            "f64" => Val::F64((x as f64 + 0.25).to_bits()),
            _ => Val::V128(u128::from_le_bytes([k as u8 + 1; 16])),
        }
    };
    let consts: String = (0..TYS.len())
        .map(|k| match arg(k) {
            Val::I32(v) => format!("(i32.const {v})"),
            Val::I64(v) => format!("(i64.const {v})"),
            Val::F32(b) => format!("(f32.const {})", f32::from_bits(b)),
            Val::F64(b) => format!("(f64.const {})", f64::from_bits(b)),
            Val::V128(v) => format!("(v128.const i64x2 {} {})", v as u64 as i64, (v >> 64) as u64 as i64),
            _ => unreachable!(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    let wat = format!(
        "(module
           (func $mix (export \"mix\") (param {}) (result i64 f64 i32) {body})
           (func (export \"direct\") (result i64 f64 i32) (call $mix {consts}))
           (func (export \"tail\") (result i64 f64 i32) (return_call $mix {consts})))",
        TYS.join(" ")
    );
    let (mut ints, mut floats, mut lanes) = (0i64, 0f64, 0i32);
    for k in 0..TYS.len() {
        let w = k as i64 + 1;
        match arg(k) {
            Val::I32(v) => ints = ints.wrapping_add(v as i64 * w),
            Val::I64(v) => ints = ints.wrapping_add(v.wrapping_mul(w)),
            Val::F32(b) => floats += f32::from_bits(b) as f64 * w as f64,
            Val::F64(b) => floats += f64::from_bits(b) * w as f64,
            Val::V128(v) => lanes = (0..4).map(|l| (v >> (32 * l)) as u32 as i32).fold(0i32, i32::wrapping_add),
            _ => unreachable!(),
        }
    }
    let want = vec![Val::I64(ints), Val::F64(floats.to_bits()), Val::I32(lanes)];
    let wasm = wat::parse_str(&wat).unwrap();
    // Each entry path first, in a fresh module, so that it is the one that compiles `mix`.
    for first in ["direct", "tail", "mix"] {
        let module = wasmlite_jit::compile_module_lazy(&wasm, "lazy_args", &Default::default()).unwrap();
        let store = Store::new();
        let mut inst = Instance::new(&store, &module, &[], ()).unwrap();
        let args: Vec<Val> = (0..TYS.len()).map(arg).collect();
        for name in [first, "direct", "tail", "mix"] {
            let a: &[Val] = if name == "mix" { &args } else { &[] };
            assert_eq!(inst.call_export(name, a).unwrap(), want, "{name} after {first} first");
        }
    }
}

/// The process-wide JIT compiles outside its lock: threads compiling the same module under
/// the same name at once (eagerly and lazily) each get a prefix of their own, and every
/// module works.
#[test]
fn concurrent_compilations_get_distinct_prefixes() {
    let wasm = wat::parse_str("(module (func (export \"f\") (param i32) (result i32) local.get 0 i32.const 7 i32.mul))").unwrap();
    let results: Vec<Result<Option<i32>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|k| {
                let wasm = &wasm;
                s.spawn(move || {
                    let m = if k % 2 == 0 {
                        wasmlite_jit::compile_module(wasm, "same_name", &Default::default())
                    } else {
                        wasmlite_jit::compile_module_lazy(wasm, "same_name", &Default::default())
                    }
                    .map_err(|e| e.to_string())?;
                    let store = Store::new();
                    let mut inst = Instance::new(&store, &m, &[], ()).map_err(|e| e.to_string())?;
                    let r = inst.call_export("f", &[Val::I32(k)]).map_err(|e| e.to_string())?;
                    Ok(r.first().and_then(|v| v.i32()))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (k, r) in results.into_iter().enumerate() {
        assert_eq!(r, Ok(Some(7 * k as i32)), "thread {k}");
    }
}
