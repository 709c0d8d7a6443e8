//! Typed function references through `include_wasm!` bindings: call_ref, typed tables with an
//! initialiser expression, br_on_null / br_on_non_null, ref.as_non_null traps.

use wasmlite_rt::TrapKind;
use wasmlite_tests::funcref::Instance;

#[test]
fn call_ref_through_a_typed_table() {
    let mut p = Instance::new(()).unwrap();
    assert_eq!(p.apply(0, 6, 7).unwrap(), 13, "initialiser expression: $add");
    assert_eq!(p.apply(1, 6, 7).unwrap(), -1, "segment: $sub");
    assert_eq!(p.apply(2, 6, 7).unwrap(), 42, "segment: $mul");
    assert_eq!(p.apply(3, 6, 7).unwrap(), 13, "initialiser expression: $add");
    assert_eq!(p.apply(4, 6, 7).unwrap_err().kind(), TrapKind::TableOutOfBounds);
}

#[test]
fn return_call_ref_in_constant_stack() {
    let mut p = Instance::new(()).unwrap();
    assert_eq!(p.fold(4, 0).unwrap(), 10);
    let n: i64 = 10_000_000;
    assert_eq!(p.fold(n as i32, 0).unwrap(), (n * (n + 1) / 2) as i32, "wrapping i32 sum");
}

#[test]
fn null_checks() {
    let mut p = Instance::new(()).unwrap();
    assert_eq!(p.maybe_apply(1, 6, 7).unwrap(), -1);
    assert_eq!(p.is_set(1).unwrap(), 0);
    assert_eq!(p.force(1).unwrap_err().kind(), TrapKind::NullReference);
    p.set_maybe(1, 2).unwrap();
    assert_eq!(p.maybe_apply(1, 6, 7).unwrap(), 42);
    assert_eq!(p.is_set(1).unwrap(), 1);
    assert_eq!(p.force(1).unwrap(), 42);
    assert_eq!(p.is_set(0).unwrap(), 0);
}
