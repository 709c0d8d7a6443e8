//! Threads proposal end to end: atomic operators, alignment/bounds traps, wait/notify.

use wasmlite_codegen::WasmFeatures;
use wasmlite_jit_e2e::load_with_features;
use wasmlite_rt::*;

const ATOMICS: &str = r#"
(module
  (memory (export "mem") 1 2 shared)
  (func (export "add") (param i32 i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "sub8") (param i32 i32) (result i32) (i32.atomic.rmw8.sub_u (local.get 0) (local.get 1)))
  (func (export "xchg64") (param i32 i64) (result i64) (i64.atomic.rmw.xchg (local.get 0) (local.get 1)))
  (func (export "cas16") (param i32 i32 i32) (result i32)
    (i32.atomic.rmw16.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cas32_64") (param i32 i64 i64) (result i64)
    (i64.atomic.rmw32.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "load_off") (param i32) (result i32) (i32.atomic.load offset=2 (local.get 0)))
  (func (export "store64") (param i32 i64) (i64.atomic.store (local.get 0) (local.get 1)) (atomic.fence))
  (func (export "drop_load") (param i32) (drop (i64.atomic.load (local.get 0))))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32) (memory.atomic.notify (local.get 0) (local.get 1)))
)"#;

const UNSHARED: &str = r#"
(module
  (memory 1)
  (func (export "wait64") (param i32) (result i32)
    (memory.atomic.wait64 (local.get 0) (i64.const 0) (i64.const 0)))
  (func (export "notify") (param i32) (result i32) (memory.atomic.notify (local.get 0) (i32.const 1)))
  (func (export "or") (param i32 i32) (result i32) (i32.atomic.rmw.or (local.get 0) (local.get 1)))
)"#;

fn i32s(v: &[i32]) -> Vec<Val> {
    v.iter().map(|x| Val::I32(*x)).collect()
}

fn run(explicit: bool) {
    let module = load_with_features(ATOMICS, explicit, WasmFeatures::THREADS);
    let store = Store::new();
    let mut inst = Instance::new(&store, &module, &[], ()).expect("instantiate");
    assert_eq!(inst.call_export("add", &i32s(&[8, 5])).unwrap(), i32s(&[0]));
    assert_eq!(inst.call_export("add", &i32s(&[8, -1])).unwrap(), i32s(&[5]));
    assert_eq!(inst.call_export("load", &i32s(&[8])).unwrap(), i32s(&[4]));
    // Narrow rmw wraps and zero-extends: 4 - 5 = 0xff in the low byte.
    assert_eq!(inst.call_export("sub8", &i32s(&[8, 5])).unwrap(), i32s(&[4]));
    assert_eq!(inst.call_export("load", &i32s(&[8])).unwrap(), i32s(&[0xff]));
    // cmpxchg compares the wrapped expected value.
    assert_eq!(inst.call_export("cas16", &i32s(&[8, 0x1_00ff, 7])).unwrap(), i32s(&[0xff]));
    assert_eq!(inst.call_export("load", &i32s(&[8])).unwrap(), i32s(&[7]));
    assert_eq!(inst.call_export("cas16", &i32s(&[8, 8, 9])).unwrap(), i32s(&[7]));
    assert_eq!(inst.call_export("load", &i32s(&[8])).unwrap(), i32s(&[7]));
    inst.call_export("store64", &[Val::I32(16), Val::I64(-1)]).unwrap();
    assert_eq!(inst.call_export("xchg64", &[Val::I32(16), Val::I64(3)]).unwrap(), vec![Val::I64(-1)]);
    assert_eq!(
        inst.call_export("cas32_64", &[Val::I32(16), Val::I64(0x1_0000_0003), Val::I64(0x2_0000_0005)]).unwrap(),
        vec![Val::I64(3)]
    );
    assert_eq!(inst.call_export("load", &i32s(&[16])).unwrap(), i32s(&[5]));
    assert_eq!(inst.call_export("load_off", &i32s(&[14])).unwrap(), i32s(&[5]));

    // Alignment is checked on the effective address (address + offset), before bounds.
    for (f, a) in [("load", 1), ("load_off", 0), ("add", 2), ("cas16", 1), ("load", 65535)] {
        let args = if f == "cas16" { i32s(&[a, 0, 0]) } else if f == "add" { i32s(&[a, 1]) } else { i32s(&[a]) };
        let t = inst.call_export(f, &args).unwrap_err();
        assert_eq!(t.kind(), TrapKind::UnalignedAtomic, "{f}({a}): {t}");
        assert!(t.to_string().contains("unaligned atomic"), "{t}");
    }
    let t = inst.call_export("load", &i32s(&[65536])).unwrap_err();
    assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds, "{t}");
    let t = inst.call_export("drop_load", &i32s(&[65536])).unwrap_err();
    assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds, "a dropped atomic load still traps: {t}");
    let t = inst.call_export("add", &i32s(&[-4, 1])).unwrap_err();
    assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds, "{t}");
    // A trapping rmw changed nothing.
    assert_eq!(inst.call_export("load", &i32s(&[8])).unwrap(), i32s(&[7]));

    // wait: not equal → 1, timeout → 2; notify without waiters → 0; traps.
    assert_eq!(inst.call_export("wait32", &[Val::I32(8), Val::I32(0), Val::I64(-1)]).unwrap(), i32s(&[1]));
    assert_eq!(inst.call_export("wait32", &[Val::I32(8), Val::I32(7), Val::I64(1_000_000)]).unwrap(), i32s(&[2]));
    assert_eq!(inst.call_export("notify", &i32s(&[8, 1])).unwrap(), i32s(&[0]));
    let t = inst.call_export("wait32", &[Val::I32(6), Val::I32(0), Val::I64(0)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::UnalignedAtomic, "{t}");
    let t = inst.call_export("notify", &i32s(&[65536, 1])).unwrap_err();
    assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds, "{t}");

    let module = load_with_features(UNSHARED, explicit, WasmFeatures::THREADS);
    let mut inst = Instance::new(&store, &module, &[], ()).expect("instantiate");
    let t = inst.call_export("wait64", &i32s(&[0])).unwrap_err();
    assert_eq!(t.kind(), TrapKind::ExpectedSharedMemory, "{t}");
    assert_eq!(inst.call_export("notify", &i32s(&[0])).unwrap(), i32s(&[0]));
    assert_eq!(inst.call_export("or", &i32s(&[0, 6])).unwrap(), i32s(&[0]));
    assert_eq!(inst.call_export("or", &i32s(&[0, 3])).unwrap(), i32s(&[6]));
}

#[test]
fn atomics_guard_pages() {
    run(false);
}

#[test]
fn atomics_explicit_bounds() {
    run(true);
}

/// A shared heap memory reserves its maximum: growing never moves it.
#[test]
fn shared_heap_memory_never_moves() {
    let mut m = Memory::new_heap(MemoryType { shared: true, ..MemoryType::new(1, Some(64), false) }).unwrap();
    let base = m.data().as_ptr();
    assert_eq!(m.grow(63).unwrap(), 1);
    assert_eq!(m.data().as_ptr(), base);
    assert_eq!(m.grow(1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
}

const COUNTER: &str = r#"
(module
  (import "env" "mem" (memory 1 1 shared))
  ;; n atomic increments of the counter at 0, then bump the "done" count at 4 and wake all.
  (func (export "work") (param $n i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 4) (i32.const -1))))
  ;; Park until the done count reaches $k; returns the counter; counts the waits at 8.
  (func (export "wait_done") (param $k i32) (result i32)
    (local $v i32)
    (block $b (loop $l
      (local.set $v (i32.atomic.load (i32.const 4)))
      (br_if $b (i32.ge_u (local.get $v) (local.get $k)))
      (if (i32.eqz (memory.atomic.wait32 (i32.const 4) (local.get $v) (i64.const -1)))
        (then (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))))
      (br $l)))
    (i32.atomic.load (i32.const 0)))
)"#;

fn assert_send_sync<T: Send + Sync>() {}

/// Two instances on two threads (each with its own store) increment one counter in a
/// `ThreadSharedMemory`; a third instance on a third thread parks in `memory.atomic.wait32`
/// until both have notified.
fn counter(explicit: bool) {
    assert_send_sync::<ThreadSharedMemory>();
    let ty = MemoryType { shared: true, ..MemoryType::new(1, Some(1), false) };
    let shm = if explicit { ThreadSharedMemory::new_heap(ty) } else { ThreadSharedMemory::new(ty) }.unwrap();
    const N: i32 = 200_000;
    let spawn = |f: &'static str, arg: i32| {
        let shm = shm.clone();
        std::thread::spawn(move || {
            let module = load_with_features(COUNTER, explicit, WasmFeatures::THREADS);
            let store = Store::new();
            let mut inst = Instance::new(&store, &module, &[Extern::Memory(shm.attach())], ()).expect("instantiate");
            let r = inst.call_export(f, &[Val::I32(arg)]).map_err(|t| t.to_string())?;
            Ok::<Vec<Option<i32>>, String>(r.iter().map(Val::i32).collect())
        })
    };
    let waiter = spawn("wait_done", 2);
    let (a, b) = (spawn("work", N), spawn("work", N));
    assert_eq!(a.join().unwrap(), Ok(vec![]));
    assert_eq!(b.join().unwrap(), Ok(vec![]));
    assert_eq!(waiter.join().unwrap(), Ok(vec![Some(2 * N)]));
    assert_eq!(shm.read(0, 8).unwrap(), [(2 * N).to_le_bytes(), 2i32.to_le_bytes()].concat());
    // The host sees the memory only through atomic byte copies, never as a slice.
    let h = shm.attach();
    assert!(h.borrow().data().is_empty());
    assert_eq!(h.borrow().read(0, 4).unwrap_err().kind(), TrapKind::Host);
    assert_eq!(h.borrow().size_bytes(), 65536);
}

#[test]
fn shared_counter_two_threads_guard_pages() {
    counter(false);
}

#[test]
fn shared_counter_two_threads_explicit_bounds() {
    counter(true);
}

/// A memory a module defines as `shared` is thread-shared storage: another thread attaches to
/// the exported memory and its instance's increments are seen by the defining instance.
#[test]
fn defined_shared_memory_crosses_threads() {
    let owner_module = load_with_features(
        r#"(module (memory (export "mem") 1 1 shared) (data (i32.const 0) "\05")
             (func (export "get") (result i32) (i32.atomic.load (i32.const 0))))"#,
        false,
        WasmFeatures::THREADS,
    );
    let store = Store::new();
    let mut owner = Instance::new(&store, &owner_module, &[], ()).expect("instantiate");
    let shm = owner.exported_memory("mem").unwrap().shared_storage().expect("defined shared memory is thread-shared");
    let t = std::thread::spawn(move || {
        let module = load_with_features(COUNTER, false, WasmFeatures::THREADS);
        let store = Store::new();
        let mut inst = Instance::new(&store, &module, &[Extern::Memory(shm.attach())], ()).expect("instantiate");
        inst.call_export("work", &[Val::I32(1000)]).map(|_| ()).map_err(|t| t.to_string())
    });
    assert_eq!(t.join().unwrap(), Ok(()));
    assert_eq!(owner.call_export("get", &[]).unwrap(), vec![Val::I32(1005)]);
    // An unshared memory has no thread-shared storage.
    let plain = load_with_features(r#"(module (memory (export "mem") 1))"#, false, WasmFeatures::THREADS);
    let inst = Instance::new(&store, &plain, &[], ()).expect("instantiate");
    assert!(inst.exported_memory("mem").unwrap().shared_storage().is_none());
}
