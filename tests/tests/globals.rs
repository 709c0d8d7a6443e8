//! Exported globals and the start function.

use wasmlite_rt::Caller;
use wasmlite_tests::globals::{Imports, Instance};

#[derive(Default)]
struct Host {
    started_with: Vec<i32>,
}

impl Imports for Host {
    fn env_started(&mut self, caller: &mut Caller<'_>, counter: i32) -> Result<(), wasmlite_rt::Trap> {
        // The start function runs after data/globals are initialised; memory is reachable.
        let mem = caller.memory()?;
        assert_eq!(mem.read(16, 4)?, &0xdeadbeefu32.to_le_bytes());
        self.started_with.push(counter);
        Ok(())
    }
}

#[test]
fn start_function_runs_once_during_instantiation() {
    let p = Instance::new(Host::default()).unwrap();
    assert_eq!(p.imports().started_with, vec![10]);
    assert_eq!(p.started_flag(), 1);
    assert_eq!(&p.memory().data()[16..20], &0xdeadbeefu32.to_le_bytes());
}

#[test]
fn exported_globals() {
    let mut p = Instance::new(Host::default()).unwrap();
    assert_eq!(p.counter(), 10);
    assert_eq!(p.bump().unwrap(), 11);
    assert_eq!(p.counter(), 11);
    p.set_counter(100).unwrap();
    assert_eq!(p.bump().unwrap(), 101);
    assert_eq!(p.big(), -5);
    p.set_big(i64::MIN).unwrap();
    assert_eq!(p.big(), i64::MIN);
    assert_eq!(p.ratio(), 0.25);
    p.set_ratio(-0.0).unwrap();
    assert_eq!(p.ratio().to_bits(), (-0.0f32).to_bits());
    assert_eq!(p.precise(), 1e100);
    p.set_precise(f64::NAN).unwrap();
    assert!(p.precise().is_nan());
    assert_eq!(p.answer(), 42);
    // Each instance has its own globals.
    let q = Instance::new(Host::default()).unwrap();
    assert_eq!(q.counter(), 10);
    assert_eq!(p.counter(), 101);
}
