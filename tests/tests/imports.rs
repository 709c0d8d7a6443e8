//! Non-function imports through `include_wasm!` bindings: the `Imports` trait provides the
//! memories, tables, globals and tags a module imports (with defaults but for globals).

use wasmlite_rt::{
    Error, FuncType, Global, GlobalType, Memory, MemoryType, SharedGlobal, SharedMemory, Tag, ThreadSharedMemory, TrapKind, Val,
};
use wasmlite_tests::{imports, shared_imports, shared_memory};

struct Host {
    memory: SharedMemory,
    counter: SharedGlobal,
    tag: Tag,
    asked: Vec<String>,
}

impl Host {
    fn new() -> Host {
        let ty = MemoryType { min: 1, max: Some(4), memory64: false, shared: false, page_size_log2: 16 };
        let counter = Global::new(GlobalType { ty: wasmlite_rt::ValType::I32, mutable: true }, Val::I32(10)).unwrap();
        Host {
            memory: SharedMemory::new(Memory::new(ty).unwrap()),
            counter: SharedGlobal::new(counter),
            tag: Tag::new(vec![wasmlite_rt::ValType::I32]),
            asked: Vec::new(),
        }
    }
}

impl imports::Imports for Host {
    fn env_memory(&mut self, ty: &MemoryType) -> Result<SharedMemory, Error> {
        self.asked.push(format!("memory min {} max {:?}", ty.min, ty.max));
        Ok(self.memory.clone())
    }
    fn env_counter(&mut self, ty: &GlobalType) -> Result<SharedGlobal, Error> {
        self.asked.push(format!("counter mutable {}", ty.mutable));
        Ok(self.counter.clone())
    }
    fn env_base(&mut self, ty: &GlobalType) -> Result<SharedGlobal, Error> {
        Ok(SharedGlobal::new(Global::new(*ty, Val::I64(40))?))
    }
    fn env_oops(&mut self, ty: &FuncType) -> Result<Tag, Error> {
        self.asked.push(format!("tag {ty}"));
        Ok(self.tag.clone())
    }
    // `env_table`: the default, a new table of two null elements.
}

#[test]
fn imports_come_from_the_host_value() {
    let mut inst = imports::Instance::new(Host::new()).unwrap();
    assert_eq!(inst.imports().asked, ["memory min 1 max Some(4)", "counter mutable true", "tag (func (param i32))"]);

    // The memory is the host's: both sides see each other's writes.
    inst.store(8, 0x1234_5678).unwrap();
    let memory = inst.imports().memory.clone();
    assert_eq!(memory.borrow().read(8, 4).unwrap(), &0x1234_5678u32.to_le_bytes());
    memory.borrow_mut().write(16, &7u32.to_le_bytes()).unwrap();
    assert_eq!(inst.load(16).unwrap(), 7);
    assert_eq!(inst.pages().unwrap(), 1);
    let oob = inst.load(65_535).unwrap_err();
    assert_eq!(oob.kind(), TrapKind::MemoryOutOfBounds);

    // The mutable global is shared with the host.
    assert_eq!(inst.bump().unwrap(), 11);
    assert_eq!(inst.imports().counter.get(), Val::I32(11));
    inst.imports().counter.set(Val::I32(100)).unwrap();
    assert_eq!(inst.bump().unwrap(), 101);
    assert_eq!(inst.base().unwrap(), 40);

    // The default table: two elements, the element segment filled slot 1.
    assert_eq!(inst.call(1, 21).unwrap(), 42);
    assert_eq!(inst.call(0, 1).unwrap_err().kind(), TrapKind::IndirectCallToNull);
    assert_eq!(inst.call(2, 1).unwrap_err().kind(), TrapKind::TableOutOfBounds);

    // The tag is the host's: an uncaught exception carries it, wasm catches its own throw.
    let trap = inst.throw(5).unwrap_err();
    assert_eq!(trap.kind(), TrapKind::UncaughtException);
    let exn = trap.exception().expect("an exception");
    assert!(*exn.tag() == inst.imports().tag);
    assert_eq!(exn.payload(), &[Val::I32(5)]);
    assert_eq!(inst.catch(9).unwrap(), 9);
}

#[test]
fn an_import_of_the_wrong_type_is_an_instantiation_error() {
    struct Bad(Host);
    impl imports::Imports for Bad {
        fn env_memory(&mut self, ty: &MemoryType) -> Result<SharedMemory, Error> {
            // Smaller than the import's minimum.
            Ok(SharedMemory::new(Memory::new(MemoryType { min: 0, max: Some(0), ..*ty })?))
        }
        fn env_counter(&mut self, ty: &GlobalType) -> Result<SharedGlobal, Error> {
            self.0.env_counter(ty)
        }
        fn env_base(&mut self, ty: &GlobalType) -> Result<SharedGlobal, Error> {
            self.0.env_base(ty)
        }
    }
    let err = imports::Instance::new(Bad(Host::new())).err().expect("instantiation fails");
    let msg = err.to_string();
    assert!(msg.contains("memory"), "{msg}");
}

#[test]
fn a_host_method_error_fails_instantiation() {
    struct Failing(Host);
    impl imports::Imports for Failing {
        fn env_counter(&mut self, _: &GlobalType) -> Result<SharedGlobal, Error> {
            Err(wasmlite_rt::InstantiationError::new("no counter today").into())
        }
        fn env_base(&mut self, ty: &GlobalType) -> Result<SharedGlobal, Error> {
            self.0.env_base(ty)
        }
    }
    let err = imports::Instance::new(Failing(Host::new())).err().expect("instantiation fails");
    assert!(err.to_string().contains("no counter today"), "{err}");
}

#[test]
fn a_shared_memory_import_defaults_to_a_new_shared_memory() {
    let mut inst = shared_imports::Instance::new(()).unwrap();
    assert_eq!(inst.add(0, 5).unwrap(), 0);
    assert_eq!(inst.get(0).unwrap(), 5);
    assert!(inst.instance().memory(0).shared_storage().is_some());
}

/// A module defining a shared memory gets thread-shareable storage, initialised by its data
/// segment (the shared-memory part of instantiation is linked for it alone).
#[test]
fn a_defined_shared_memory_is_shared_storage() {
    let mut inst = shared_memory::Instance::new(()).unwrap();
    assert_eq!(inst.get(0).unwrap(), 42);
    assert_eq!(inst.add(0, 8).unwrap(), 42);
    assert_eq!(inst.get(0).unwrap(), 50);
    let ty = inst.memory().ty();
    assert_eq!((ty.min, ty.max, ty.shared), (1, Some(2), true));
    let shm = inst.memory().shared_storage().expect("thread-shareable storage");
    assert_eq!(shm.read(0, 4).unwrap(), 50u32.to_le_bytes());
}

/// `memory.atomic.wait32`/`notify` (runtime builtins, linked because the module uses them).
#[test]
fn atomic_wait_and_notify() {
    let mut inst = shared_imports::Instance::new(()).unwrap();
    inst.add(8, 3).unwrap();
    assert_eq!(inst.wait(8, 4, -1).unwrap(), 1, "the value differs: no wait");
    assert_eq!(inst.wait(8, 3, 1_000).unwrap(), 2, "1 µs timeout");
    assert_eq!(inst.notify(8, 1).unwrap(), 0, "nobody waits");
    assert_eq!(inst.wait(6, 0, 0).unwrap_err().kind(), TrapKind::UnalignedAtomic);
}

/// The host gives every instance the same `ThreadSharedMemory`; instances on four threads add
/// to one counter with atomics.
#[test]
fn instances_on_several_threads_share_an_imported_memory() {
    struct Attach(ThreadSharedMemory);
    impl shared_imports::Imports for Attach {
        fn env_memory(&mut self, ty: &MemoryType) -> Result<SharedMemory, Error> {
            assert!(ty.shared);
            Ok(self.0.attach())
        }
    }
    let ty = MemoryType { min: 1, max: Some(1), memory64: false, shared: true, page_size_log2: 16 };
    let shm = ThreadSharedMemory::new(ty).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let shm = shm.clone();
            std::thread::spawn(move || {
                let mut inst = shared_imports::Instance::new(Attach(shm)).unwrap();
                for _ in 0..10_000 {
                    inst.add(64, 1).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(shm.read(64, 4).unwrap(), 40_000u32.to_le_bytes());
    let mut inst = shared_imports::Instance::new(Attach(shm)).unwrap();
    assert_eq!(inst.get(64).unwrap(), 40_000);
}
