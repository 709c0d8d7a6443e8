//! Tail calls: 10 million tail calls run in constant stack (the stack limit is 1 MiB, so one
//! frame per call would overflow), across signatures, tables and into the host; ordinary deep
//! recursion still traps with a stack overflow.

use wasmlite_rt::{Caller, Trap, TrapKind};
use wasmlite_tests::tail::{Imports, Instance};

#[derive(Default)]
struct Host {
    finished: Vec<(i64, i32)>,
}

impl Imports for Host {
    fn env_finish(&mut self, _caller: &mut Caller<'_>, v: i64, k: i32) -> Result<i64, Trap> {
        self.finished.push((v, k));
        Ok(v * 2 + i64::from(k))
    }
}

const N: i64 = 10_000_000;

#[test]
fn mutual_tail_recursion_in_constant_stack() {
    let mut p = Instance::new(Host::default()).unwrap();
    assert_eq!(p.is_even(N).unwrap(), 1);
    assert_eq!(p.is_even(N + 1).unwrap(), 0);
    assert_eq!(p.is_even(0).unwrap(), 1);
}

#[test]
fn tail_calls_between_different_signatures() {
    let mut p = Instance::new(Host::default()).unwrap();
    // sum(n, 0) = n(n+1)/2 + 36 n.
    assert_eq!(p.sum(3, 0).unwrap(), 6 + 3 * 36);
    assert_eq!(p.sum(N, 0).unwrap(), N * (N + 1) / 2 + 36 * N);
}

#[test]
fn indirect_tail_calls() {
    let mut p = Instance::new(Host::default()).unwrap();
    // Alternating +2 / -1: after n steps k = n/2 * 1 + (n odd: +2).
    assert_eq!(p.ping_pong(0).unwrap(), 0);
    assert_eq!(p.ping_pong(3).unwrap(), 3);
    assert_eq!(p.ping_pong(N).unwrap(), N / 2);
    assert_eq!(p.ping_pong(N + 1).unwrap(), N / 2 + 2);
}

#[test]
fn tail_call_into_host_import() {
    let mut p = Instance::new(Host::default()).unwrap();
    assert_eq!(p.to_host(N).unwrap(), 99 * 2 + 7);
    assert_eq!(p.imports().finished, vec![(99, 7)]);
}

#[test]
fn ordinary_recursion_still_overflows() {
    let mut p = Instance::new(Host::default()).unwrap();
    assert_eq!(p.deep(1000).unwrap(), 1000);
    assert_eq!(p.deep(N).unwrap_err().kind(), TrapKind::StackOverflow);
    // The instance stays usable after the trap.
    assert_eq!(p.is_even(N).unwrap(), 1);
}
