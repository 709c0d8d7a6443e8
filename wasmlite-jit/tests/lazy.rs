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

#[test]
fn lazy_module_runs_and_traps() {
    let wasm = wat::parse_str(WAT).unwrap();
    let module = wasmlite_jit::compile_module_lazy(&wasm, "lazy_test", &Default::default()).unwrap();
    assert!(module.explicit_bounds_checks(), "lazy mode forces explicit bounds checks");
    let store = Store::new();
    let double = wasmlite_rt::Func::wrap(|_h: &mut (), _c: &mut wasmlite_rt::Caller<'_>, x: i32| -> Result<i32, wasmlite_rt::Trap> { Ok(2 * x) });
    let mut inst = Instance::new(&store, &module, &[wasmlite_rt::Extern::Func(double)], ()).unwrap();
    assert_eq!(inst.call_export("fib", &[Val::I32(20)]).unwrap(), vec![Val::I32(6765)]);
    assert_eq!(inst.call_export("fib", &[Val::I32(10)]).unwrap(), vec![Val::I32(55)]);
    assert_eq!(inst.call_export("indirect", &[Val::I32(1), Val::I32(9)]).unwrap(), vec![Val::I32(81)]);
    assert_eq!(inst.call_export("indirect", &[Val::I32(0), Val::I32(7)]).unwrap(), vec![Val::I32(13)]);
    assert_eq!(inst.call_export("host", &[Val::I32(21)]).unwrap(), vec![Val::I32(42)]);
    assert_eq!(inst.call_export("load", &[Val::I32(65536)]).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
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
