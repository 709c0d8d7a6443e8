//! Exception handling through `build.rs` + `include_wasm!`: wasm catches its own exceptions,
//! an uncaught one comes back as a `TrapKind::UncaughtException` trap with its tag and
//! payload, and a host function throws an exported tag that wasm catches.

use wasmlite_rt::{Caller, Exception, Tag, Trap, TrapKind, Val};
use wasmlite_tests::exceptions::{Imports, Instance};

#[derive(Default)]
struct Host {
    overflow: Option<Tag>,
}

impl Imports for Host {
    fn env_check(&mut self, _caller: &mut Caller<'_>, x: i32) -> Result<i32, Trap> {
        if x < 0 {
            let tag = self.overflow.as_ref().ok_or_else(|| Trap::host("tag not set"))?;
            return Err(Trap::throw(Exception::new(tag, vec![Val::I32(x), Val::I64(2 * i64::from(x))])?));
        }
        Ok(x + 1)
    }
}

fn instance() -> Instance<Host> {
    let mut p = Instance::new(Host::default()).unwrap();
    let tag = p.overflow();
    p.imports_mut().overflow = Some(tag);
    p
}

#[test]
fn caught_in_wasm() {
    let mut p = instance();
    assert_eq!(p.add_or_neg(1, 2).unwrap(), 3);
    assert_eq!(p.add_or_neg(1, 2000).unwrap(), -2001);
}

#[test]
fn uncaught_exception_is_a_trap() {
    let mut p = instance();
    assert_eq!(p.add_checked(5, 6).unwrap(), 11);
    let t = p.add_checked(7, 999).unwrap_err();
    assert_eq!(t.kind(), TrapKind::UncaughtException);
    assert_eq!(t.to_string(), "wasm trap: uncaught exception");
    let e = t.exception().unwrap();
    assert_eq!(*e.tag(), p.overflow());
    assert_ne!(*e.tag(), p.empty());
    assert_eq!(e.payload(), &[Val::I32(7), Val::I64(1006)]);
    let t = p.throw_empty().unwrap_err();
    assert_eq!(*t.exception().unwrap().tag(), p.empty());
    assert!(t.exception().unwrap().payload().is_empty());
    // Still usable.
    assert_eq!(p.add_checked(1, 1).unwrap(), 2);
}

#[test]
fn host_throws_exported_tag() {
    let mut p = instance();
    assert_eq!(p.host_checked(4).unwrap(), 5);
    assert_eq!(p.host_checked(-3).unwrap(), -60);
    // Another instance's tag is another tag: not caught, comes back unchanged.
    let other = instance().overflow();
    assert_ne!(other, p.overflow());
    p.imports_mut().overflow = Some(other.clone());
    let t = p.host_checked(-3).unwrap_err();
    assert_eq!(t.kind(), TrapKind::UncaughtException);
    assert_eq!(*t.exception().unwrap().tag(), other);
}
