//! Host imports with several signatures, memory access from host functions, two modules in
//! one crate, and the example usage.

use wasmlite_rt::{Caller, Exception, Tag, Trap, TrapKind, Val, ValType};
use wasmlite_tests::host::{Imports, Instance};

#[derive(Default)]
struct Host {
    logs: Vec<String>,
    value: i32,
    /// `getValue` throws an exception of this tag (payload: the value) when set.
    throw: Option<Tag>,
}

impl Imports for Host {
    fn env_log(&mut self, caller: &mut Caller<'_>, ptr: i32, len: i32) -> Result<(), Trap> {
        let mem = caller.memory()?;
        let bytes = mem.read(ptr as u32 as u64, len as u32 as usize)?.to_vec();
        self.logs.push(String::from_utf8_lossy(&bytes).into_owned());
        Ok(())
    }
    fn env_add64(&mut self, _caller: &mut Caller<'_>, a: i64, b: i64) -> Result<i64, Trap> {
        Ok(a.wrapping_add(b))
    }
    fn env_mix(&mut self, _caller: &mut Caller<'_>, a: f32, b: f64) -> Result<f64, Trap> {
        Ok(a as f64 * b)
    }
    fn env_split(&mut self, _caller: &mut Caller<'_>, v: i64) -> Result<(i32, i32), Trap> {
        Ok(((v >> 32) as i32, v as i32))
    }
    fn env_fill(&mut self, caller: &mut Caller<'_>, ptr: i32, len: i32) -> Result<i32, Trap> {
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        caller.memory()?.write(ptr as u32 as u64, &data)?;
        Ok(len)
    }
    fn env_echo_ref(
        &mut self,
        _caller: &mut Caller<'_>,
        r: Option<wasmlite_rt::ExternRef>,
        f: Option<wasmlite_rt::FuncRef>,
    ) -> Result<Option<wasmlite_rt::ExternRef>, Trap> {
        assert!(f.is_some(), "ref.func is never null");
        Ok(r.map(|r| wasmlite_rt::ExternRef::new(r.id() + 1)))
    }
    fn wasi_demo_get_value(&mut self, _caller: &mut Caller<'_>) -> Result<i32, Trap> {
        self.value += 1;
        if let Some(tag) = &self.throw {
            return Err(Trap::throw(Exception::new(tag, vec![Val::I32(self.value)])?));
        }
        Ok(self.value)
    }
}

/// A host function's exception passes through a module without exception handling unchanged
/// (the module cannot catch it): in a store of its own (the exception travels as the trap it
/// is) and in a store that also holds a module with exception handling (it is raised as an
/// exception object in wasm and taken back at the boundary).
#[test]
fn host_exception_through_a_module_without_exception_handling() {
    struct ExnHost;
    impl wasmlite_tests::exceptions::Imports for ExnHost {
        fn env_check(&mut self, _caller: &mut Caller<'_>, x: i32) -> Result<i32, Trap> {
            Ok(x)
        }
    }
    let check = |p: &mut Instance<Host>| {
        let tag = Tag::new(vec![ValType::I32]);
        p.imports_mut().throw = Some(tag.clone());
        let t = p.get_value().unwrap_err();
        assert_eq!(t.kind(), TrapKind::UncaughtException);
        let e = t.exception().expect("the host's exception");
        assert_eq!(*e.tag(), tag);
        assert_eq!(e.payload(), &[Val::I32(1)]);
        assert_eq!((t.to_string().as_str(), t.func_index()), ("wasm trap: uncaught exception", None));
        // Still usable.
        p.imports_mut().throw = None;
        assert_eq!(p.get_value().unwrap(), 2);
    };
    check(&mut Instance::new(Host::default()).unwrap());
    let store = wasmlite_rt::Store::new();
    let _exn = wasmlite_tests::exceptions::Instance::new_in(&store, ExnHost).unwrap();
    check(&mut Instance::new_in(&store, Host::default()).unwrap());
}

#[test]
fn host_functions_of_every_shape() {
    let mut p = Instance::new(Host::default()).unwrap();
    p.log_hello().unwrap();
    p.log_range(6, 4).unwrap();
    assert_eq!(p.imports().logs, vec!["hello host".to_string(), "host".to_string()]);
    assert_eq!(p.add64(i64::MAX, 1).unwrap(), i64::MIN);
    assert_eq!(p.mix(1.5, 4.0).unwrap(), 6.0);
    assert_eq!(p.split(0x0000_0005_0000_0007).unwrap(), (5, 7));
    assert_eq!(p.split_sum(0x0000_0005_0000_0007).unwrap(), 12);
    let expected: i32 = (0..1000).map(|i| i % 251).sum();
    assert_eq!(p.fill_and_sum(4096, 1000).unwrap(), expected);
    assert_eq!(p.get_value().unwrap(), 1);
    assert_eq!(p.get_value().unwrap(), 2);
    p.imports_mut().value = 41;
    assert_eq!(p.get_value().unwrap(), 42);
}

#[test]
fn references_memory_aliases_and_reexports() {
    use wasmlite_rt::ExternRef;
    let mut p = Instance::new(Host::default()).unwrap();
    assert_eq!(p.echo(Some(ExternRef::new(41))).unwrap(), Some(ExternRef::new(42)));
    assert_eq!(p.echo(None).unwrap(), None);
    assert!(p.self_ref().unwrap().is_some());
    // "heap" is the same memory as "memory".
    p.heap_mut().data_mut()[10] = 9;
    assert_eq!(p.memory().data()[10], 9);
    assert_eq!(p.heap().size_pages(), 1);
    // An exported import is callable directly from the host.
    assert_eq!(p.add64_direct(2, 3).unwrap(), 5);
}

#[test]
fn host_memory_errors_are_traps() {
    let mut p = Instance::new(Host::default()).unwrap();
    // The host reads out of bounds: its checked read fails, the error propagates as a trap.
    let e = p.log_range(65530, 100).unwrap_err();
    assert_eq!(e.kind(), wasmlite_rt::TrapKind::MemoryOutOfBounds);
    let e = p.fill_and_sum(65530, 100).unwrap_err();
    assert_eq!(e.kind(), wasmlite_rt::TrapKind::MemoryOutOfBounds);
    p.log_hello().unwrap();
    assert_eq!(p.imports().logs, vec!["hello host".to_string()]);
}

#[test]
fn two_modules_in_one_crate() {
    let mut h = Instance::new(Host::default()).unwrap();
    let mut n = wasmlite_tests::numeric::Instance::new(()).unwrap();
    let mut m = wasmlite_tests::memory::Instance::new(()).unwrap();
    let mut c = wasmlite_tests::memory_checked::Instance::new(()).unwrap();
    assert_eq!(n.i32_add(h.get_value().unwrap(), 1).unwrap(), 2);
    m.i32_store(0, 5).unwrap();
    c.i32_store(0, 6).unwrap();
    assert_eq!(m.i32_load(0).unwrap(), 5);
    assert_eq!(c.i32_load(0).unwrap(), 6);
    assert_ne!(
        wasmlite_tests::memory::module().unwrap().descriptor() as *const _,
        wasmlite_tests::memory_checked::module().unwrap().descriptor() as *const _
    );
}
