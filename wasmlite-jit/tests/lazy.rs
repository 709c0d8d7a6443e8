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
