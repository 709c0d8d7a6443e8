//! Every trap kind, host errors and panics, interruption, stack overflow, and reuse of an
//! instance after a trap — in both memory modes (`traps` uses guard pages, `traps_checked`
//! explicit bounds checks).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmlite_rt::{Caller, Trap, TrapKind};

/// Host for the traps module.
#[derive(Default)]
pub struct Host {
    /// How often `env.count` ran (shared with a watcher thread).
    pub count: Arc<AtomicUsize>,
    /// Arguments `env.fail` saw.
    pub fail_args: Vec<i32>,
}

macro_rules! trap_tests {
    ($m:ident) => {
        mod $m {
            use super::*;
            use wasmlite_tests::$m::{Imports, Instance};

            impl Imports for Host {
                fn env_fail(&mut self, _caller: &mut Caller<'_>, x: i32) -> Result<i32, Trap> {
                    self.fail_args.push(x);
                    if x < 0 {
                        Err(Trap::host(format!("negative input {x}")))
                    } else {
                        Ok(x * 10)
                    }
                }
                fn env_panic(&mut self, _caller: &mut Caller<'_>) -> Result<(), Trap> {
                    panic!("host function exploded");
                }
                fn env_count(&mut self, _caller: &mut Caller<'_>) -> Result<(), Trap> {
                    self.count.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                }
            }

            fn inst() -> Instance<Host> {
                Instance::new(Host::default()).unwrap()
            }

            #[test]
            fn unreachable() {
                let mut p = inst();
                let e = p.unreachable().unwrap_err();
                assert_eq!(e.kind(), TrapKind::Unreachable);
                assert_eq!(e.func_name(), Some("unreachable"));
                assert!(e.to_string().contains("unreachable"), "{e}");
                assert_eq!(p.unreachable_after_work(0).unwrap(), 1);
                assert_eq!(p.unreachable_after_work(1).unwrap_err().kind(), TrapKind::Unreachable);
                assert_eq!(p.ok().unwrap(), 42);
            }

            #[test]
            fn arithmetic_traps() {
                let mut p = inst();
                assert_eq!(p.int_overflow().unwrap_err().kind(), TrapKind::IntegerOverflow);
                assert_eq!(p.bad_conversion().unwrap_err().kind(), TrapKind::InvalidConversionToInteger);
                assert_eq!(p.ok().unwrap(), 42);
            }

            #[test]
            fn host_error_becomes_host_trap() {
                let mut p = inst();
                assert_eq!(p.call_fail(4).unwrap(), 41);
                let e = p.call_fail(-3).unwrap_err();
                assert_eq!(e.kind(), TrapKind::Host);
                assert_eq!(e.message(), Some("negative input -3"));
                assert!(e.to_string().contains("negative input -3"), "{e}");
                assert_eq!(p.imports().fail_args, vec![4, -3]);
                assert_eq!(p.call_fail(1).unwrap(), 11, "usable after a host trap");
            }

            #[test]
            fn host_panic_becomes_host_trap() {
                let mut p = inst();
                let e = p.call_panic().unwrap_err();
                assert_eq!(e.kind(), TrapKind::Host);
                let msg = e.message().unwrap_or_default().to_string();
                assert!(msg.contains("host function exploded"), "{e}");
                assert_eq!(p.ok().unwrap(), 42);
                assert_eq!(p.call_fail(2).unwrap(), 21);
            }

            #[test]
            fn stack_overflow() {
                let mut p = inst();
                let e = p.recurse(0).unwrap_err();
                assert_eq!(e.kind(), TrapKind::StackOverflow);
                let depth = p.depth();
                assert!(depth > 1000, "recursed only {depth} deep");
                // Bounded recursion still works afterwards, twice.
                assert_eq!(p.sum_to(1000).unwrap(), 500_500);
                assert_eq!(p.recurse(0).unwrap_err().kind(), TrapKind::StackOverflow);
                assert_eq!(p.sum_to(10).unwrap(), 55);
                assert_eq!(p.runaway().unwrap_err().kind(), TrapKind::StackOverflow);
                assert_eq!(p.ok().unwrap(), 42);
            }

            fn interrupt_after_start(p: &mut Instance<Host>, run: impl FnOnce(&mut Instance<Host>) -> Result<(), Trap>) -> Trap {
                let handle = p.interrupt_handle();
                let count = p.imports().count.clone();
                let before = count.load(Ordering::SeqCst);
                let watcher = std::thread::spawn(move || {
                    let deadline = Instant::now() + Duration::from_secs(20);
                    while count.load(Ordering::SeqCst) == before && Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                    handle.interrupt();
                });
                let e = run(p).unwrap_err();
                watcher.join().unwrap();
                e
            }

            #[test]
            fn interrupt_infinite_loop_from_another_thread() {
                let mut p = inst();
                let start = Instant::now();
                let e = interrupt_after_start(&mut p, |p| p.spin());
                assert_eq!(e.kind(), TrapKind::Interrupted);
                assert!(start.elapsed() < Duration::from_secs(20));
                // The interrupt flag is cleared: the instance runs normally again, and can be
                // interrupted again.
                assert_eq!(p.ok().unwrap(), 42);
                let e = interrupt_after_start(&mut p, |p| p.spin_counting().map(|_| ()));
                assert_eq!(e.kind(), TrapKind::Interrupted);
                assert_eq!(p.sum_to(3).unwrap(), 6);
            }
        }
    };
}

trap_tests!(traps);
trap_tests!(traps_checked);
trap_tests!(traps_parts);

#[test]
fn trap_kind_codes_and_messages() {
    for kind in [
        TrapKind::Unreachable,
        TrapKind::IntegerDivideByZero,
        TrapKind::IntegerOverflow,
        TrapKind::InvalidConversionToInteger,
        TrapKind::MemoryOutOfBounds,
        TrapKind::TableOutOfBounds,
        TrapKind::IndirectCallToNull,
        TrapKind::BadSignature,
        TrapKind::StackOverflow,
        TrapKind::Host,
        TrapKind::Interrupted,
        TrapKind::NullReference,
    ] {
        assert_eq!(TrapKind::from_code(kind.code()), Some(kind));
        assert!(!kind.to_string().is_empty());
    }
    let t = Trap::host("host said no");
    assert_eq!(t.kind(), TrapKind::Host);
    assert_eq!(t.message(), Some("host said no"));
    let e: wasmlite_rt::Error = t.into();
    let _: &dyn std::error::Error = &e;
}
