//! wasmlite example: Wasm exception handling and traps in an ahead-of-time compiled module.
//! Traps and exceptions never rely on Rust's unwinding: `scripts/test.sh` runs this example
//! with `panic = "abort"` too.

use wasmlite_rt::{Exception, Tag, Trap, TrapKind, Val};

wasmlite_rt::include_wasm!("wasm/exceptions.wat"); // generates `mod exceptions`

/// The host: it throws the module's exported tag `oops`.
struct Host {
    oops: Option<Tag>,
}

impl exceptions::Imports for Host {
    fn env_fail(&mut self, _caller: &mut wasmlite_rt::Caller<'_>, x: i32) -> Result<(), Trap> {
        let tag = self.oops.as_ref().ok_or_else(|| Trap::host("the tag is not set yet"))?;
        Err(Trap::throw(Exception::new(tag, vec![Val::I32(x)])?))
    }
}

fn main() -> Result<(), wasmlite_rt::Error> {
    let mut m = exceptions::Instance::new(Host { oops: None })?;
    let tag = m.oops();
    m.imports_mut().oops = Some(tag);

    let r = m.catch_deep(41)?;
    println!("catch_deep(41) = {r} (thrown 20 frames down, caught in wasm)");
    assert_eq!(r, 42);

    let t = m.throw_out(7).unwrap_err();
    println!("throw_out(7) trapped: {t}");
    assert_eq!(t.kind(), TrapKind::UncaughtException);
    assert_eq!(t.exception().map(|e| e.payload().to_vec()), Some(vec![Val::I32(7)]));

    let r = m.catch_host(5)?;
    println!("catch_host(5) = {r} (thrown by the host, caught in wasm)");
    assert_eq!(r, 5);

    let t = m.trap_in_try(1 << 20).unwrap_err();
    println!("trap_in_try(1 MiB) trapped: {t}");
    assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds);

    // Still usable after all of that.
    assert_eq!(m.catch_deep(1)?, 2);
    Ok(())
}
