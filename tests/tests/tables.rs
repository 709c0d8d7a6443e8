//! Tables, call_indirect and reference types.

use wasmlite_rt::{ExternRef, TrapKind, Val};
use wasmlite_tests::tables::Instance;

#[test]
fn call_indirect() {
    let mut p = Instance::new(()).unwrap();
    assert_eq!(p.apply(0, 21).unwrap(), 42, "double");
    assert_eq!(p.apply(1, 12).unwrap(), 144, "square");
    let e = p.apply(2, 1).unwrap_err();
    assert_eq!(e.kind(), TrapKind::BadSignature, "slot 2 holds a (i32 i32) -> i32 function");
    let e = p.apply(3, 1).unwrap_err();
    assert_eq!(e.kind(), TrapKind::IndirectCallToNull);
    for slot in [4, 5, 1000, -1] {
        assert_eq!(p.apply(slot, 1).unwrap_err().kind(), TrapKind::TableOutOfBounds, "slot {slot}");
    }
    // Still usable after the traps.
    assert_eq!(p.apply(0, 1).unwrap(), 2);
}

#[test]
fn table_ops() {
    let mut p = Instance::new(()).unwrap();
    assert_eq!(p.size().unwrap(), 4);
    assert_eq!(p.table().size(), 4);
    assert_eq!(p.is_null(0).unwrap(), 0);
    assert_eq!(p.is_null(3).unwrap(), 1);
    assert_eq!(p.is_null(4).unwrap_err().kind(), TrapKind::TableOutOfBounds);
    p.set_negate(3).unwrap();
    assert_eq!(p.apply(3, 5).unwrap(), -5);
    p.clear(0).unwrap();
    assert_eq!(p.apply(0, 5).unwrap_err().kind(), TrapKind::IndirectCallToNull);
    p.init_later(0).unwrap();
    assert_eq!(p.apply(0, 9).unwrap(), -9);
    assert_eq!(p.init_later(4).unwrap_err().kind(), TrapKind::TableOutOfBounds);
    assert_eq!(p.grow(2).unwrap(), 4);
    assert_eq!(p.size().unwrap(), 6);
    assert_eq!(p.apply(5, 1).unwrap_err().kind(), TrapKind::IndirectCallToNull);
    assert_eq!(p.grow(3).unwrap(), -1, "beyond the maximum of 8");
    assert_eq!(p.table().size(), 6);
    // funcref values round-trip through the host.
    let f = p.get_func(1).unwrap();
    assert!(f.is_some());
    assert_eq!(p.get_func(4).unwrap(), None);
    assert_eq!(p.table().get(1), Some(Val::FuncRef(f)));
}

/// `table.fill`, `table.copy` and `elem.drop`: runtime builtins, linked into this binary because
/// the module uses them (`include_wasm!` links only the builtins a module can call).
#[test]
fn bulk_table_ops() {
    let mut p = Instance::new(()).unwrap();
    p.fill_square(1, 2).unwrap();
    assert_eq!(p.apply(1, 3).unwrap(), 9);
    assert_eq!(p.apply(2, 4).unwrap(), 16, "slot 2 now holds square");
    assert_eq!(p.fill_square(3, 2).unwrap_err().kind(), TrapKind::TableOutOfBounds);
    assert_eq!(p.is_null(3).unwrap(), 1, "an out-of-bounds fill writes nothing");
    p.copy(3, 0, 1).unwrap();
    assert_eq!(p.apply(3, 4).unwrap(), 8, "slot 3 now holds double");
    assert_eq!(p.copy(3, 2, 2).unwrap_err().kind(), TrapKind::TableOutOfBounds);
    p.init_later(0).unwrap();
    assert_eq!(p.apply(0, 4).unwrap(), -4);
    p.drop_later().unwrap();
    assert_eq!(p.init_later(0).unwrap_err().kind(), TrapKind::TableOutOfBounds, "the segment was dropped");
}

#[test]
fn externrefs() {
    let mut p = Instance::new(()).unwrap();
    assert_eq!(p.get_extern(0).unwrap(), None);
    p.set_extern(1, Some(ExternRef::new(7))).unwrap();
    assert_eq!(p.get_extern(1).unwrap(), Some(ExternRef::new(7)));
    assert_eq!(p.externs().get(1), Some(Val::ExternRef(Some(ExternRef::new(7)))));
    assert_eq!(p.set_extern(2, None).unwrap_err().kind(), TrapKind::TableOutOfBounds);
    assert_eq!(p.identity_extern(Some(ExternRef::new(0))).unwrap(), Some(ExternRef::new(0)));
    assert_eq!(p.identity_extern(None).unwrap(), None);
}
