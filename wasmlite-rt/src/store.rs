//! Stores: the trap/interrupt state shared by a group of instances, and what keeps their
//! VMContexts alive.

use alloc::rc::Rc;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell, UnsafeCell};
use core::mem::ManuallyDrop;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use crate::abi::{self, VMStore};
use crate::instance::InstanceCore;
use crate::memory::SharedMemory;
use crate::table::SharedTable;
use crate::trap::Trap;

/// Default maximum wasm stack per outermost call (1 MiB).
pub const DEFAULT_MAX_WASM_STACK: usize = 1 << 20;
/// Stack kept free for host code below the wasm stack limit.
pub const HOST_STACK_RESERVE: usize = 128 << 10;

/// Identifies a store for the whole process life (never reused; 0 = "no store yet").
pub(crate) type StoreId = u64;

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// The `VMStore` in an allocation that an [`InterruptHandle`] can keep alive.
pub(crate) struct VMStoreCell {
    vm: UnsafeCell<VMStore>,
    /// The thread that runs this store's wasm code (for the interrupt signal).
    pub(crate) running: crate::signals::RunningThread,
}
// SAFETY: other threads only touch the `interrupt` word, atomically (InterruptHandle), and
// `running`, which is atomic.
unsafe impl Sync for VMStoreCell {}
// SAFETY: as above.
unsafe impl Send for VMStoreCell {}

impl VMStoreCell {
    pub(crate) fn get(&self) -> *mut VMStore {
        self.vm.get()
    }
}

/// State shared by all instances of a store (holds no instance: no reference cycle).
pub(crate) struct StoreState {
    pub(crate) id: StoreId,
    pub(crate) vm: ManuallyDrop<Arc<VMStoreCell>>,
    /// The Trap a host function returned (code `trap::HOST`).
    pub(crate) pending: ManuallyDrop<RefCell<Option<Trap>>>,
    /// Every exception object of the store (exception handling).
    pub(crate) exceptions: ManuallyDrop<crate::exceptions::ExnHeap>,
    /// How host exceptions become exception objects and back: set by the first instance
    /// whose code uses exception handling (part `EXCEPTIONS`); until then no wasm code of
    /// the store can catch an exception, and a host function's is raised as its trap.
    pub(crate) exn_ops: Cell<Option<&'static crate::exceptions::ExnOps>>,
    pub(crate) max_wasm_stack: Cell<usize>,
    /// The lowest stack address wasm code of this store may reach: the stack floor of the
    /// store's thread plus [`HOST_STACK_RESERVE`] (0: unknown). A store never leaves the
    /// thread that created it (it is neither `Send` nor `Sync`).
    pub(crate) stack_floor: usize,
    /// The stack pointer of the outermost call for which `VMStore::stack_limit` was computed
    /// (0: none; see `call::call_array`).
    pub(crate) limit_sp: Cell<usize>,
    /// How many calls into wasm code of this store are running on its thread (0: none; the
    /// next call is an outermost one, see `call::call_array`). With `std` the signal
    /// handler's per-thread call state tells the same.
    #[cfg(not(feature = "std"))]
    pub(crate) depth: Cell<u32>,
    /// Every memory and table linked into an instance of this store: wasm code reaches them
    /// without going through their `RefCell`, so none may be borrowed while wasm runs.
    memories: ManuallyDrop<RefCell<Vec<SharedMemory>>>,
    tables: ManuallyDrop<RefCell<Vec<SharedTable>>>,
    /// The borrow epoch at which none of them was borrowed (`crate::borrow::NEVER`: not
    /// checked since the last one was added).
    clean_epoch: Cell<u64>,
    /// The borrow epoch of the store's thread.
    epoch: crate::borrow::EpochSource,
}

/// The owned fields are `ManuallyDrop`s dropped here, in declaration order: one out-of-line
/// drop instead of drop glue in every codegen unit that drops a store.
impl Drop for StoreState {
    #[inline(never)]
    fn drop(&mut self) {
        // SAFETY: each `ManuallyDrop` field is dropped exactly once, here, and never used
        // afterwards.
        unsafe {
            ManuallyDrop::drop(&mut self.vm);
            ManuallyDrop::drop(&mut self.pending);
            ManuallyDrop::drop(&mut self.exceptions);
            ManuallyDrop::drop(&mut self.memories);
            ManuallyDrop::drop(&mut self.tables);
        }
    }
}

impl StoreState {
    pub(crate) fn add_memory(&self, m: &SharedMemory) {
        let mut v = self.memories.borrow_mut();
        self.clean_epoch.set(crate::borrow::NEVER);
        if !v.iter().any(|x| x.ptr_eq(m)) {
            v.push(m.clone());
        }
    }

    pub(crate) fn add_table(&self, t: &SharedTable) {
        let mut v = self.tables.borrow_mut();
        self.clean_epoch.set(crate::borrow::NEVER);
        if !v.iter().any(|x| x.ptr_eq(t)) {
            v.push(t.clone());
        }
    }

    /// The borrow discipline between host code and wasm code: called before wasm code of
    /// this store runs (entering wasm, returning from a host function into wasm). A memory or
    /// table of the store that is still borrowed (a `Ref`/`RefMut` from
    /// [`SharedMemory::borrow`], [`crate::Caller::memory`], [`crate::Instance::memory`], ...)
    /// would alias the accesses of wasm code: that is a [`crate::TrapKind::Host`] trap instead.
    #[inline]
    pub(crate) fn check_unborrowed(&self) -> Result<(), Trap> {
        let now = crate::borrow::now();
        if crate::borrow::clean_at(self.clean_epoch.get(), now) {
            return Ok(());
        }
        self.scan_borrows()?;
        self.clean_epoch.set(now);
        Ok(())
    }

    /// No borrow taken since the last check that found none (see `crate::borrow`), the
    /// epoch read through the store's `EpochSource` (returns from host functions).
    #[inline(always)]
    pub(crate) fn is_clean(&self) -> bool {
        crate::borrow::clean_at(self.clean_epoch.get(), self.epoch.get())
    }

    #[cold]
    #[inline(never)]
    fn scan_borrows(&self) -> Result<(), Trap> {
        if self.memories.borrow().iter().any(|m| m.is_borrowed()) {
            return Err(Trap::host(
                "a memory of this store is still borrowed by the host (a `Ref`/`RefMut` of it is alive) while wasm code would run",
            ));
        }
        if self.tables.borrow().iter().any(|t| t.is_borrowed()) {
            return Err(Trap::host(
                "a table of this store is still borrowed by the host (a `Ref`/`RefMut` of it is alive) while wasm code would run",
            ));
        }
        Ok(())
    }
}

pub(crate) struct StoreInner {
    pub(crate) state: ManuallyDrop<Rc<StoreState>>,
    /// Keeps every instance's VMContext alive while any handle to the store lives (the
    /// [`Store`] itself, an [`crate::Instance`], an exported [`crate::Func`] or global): table
    /// elements and imported functions may point into any of them (also into failed
    /// instantiations).
    pub(crate) keep: ManuallyDrop<RefCell<Vec<Rc<InstanceCore>>>>,
}

/// Like [`StoreState`]'s: one out-of-line drop (the state first, then the instances).
impl Drop for StoreInner {
    #[inline(never)]
    fn drop(&mut self) {
        // SAFETY: each field is dropped exactly once, here, and never used afterwards.
        unsafe {
            ManuallyDrop::drop(&mut self.state);
            ManuallyDrop::drop(&mut self.keep);
        }
    }
}

/// The lowest stack address wasm code may reach on this thread (0: unknown).
fn stack_floor() -> usize {
    #[cfg(feature = "std")]
    {
        let low = crate::signals::thread_stack_low();
        if low != 0 {
            return low + HOST_STACK_RESERVE;
        }
    }
    0
}

/// A store: shared trap/interrupt state for a group of instances that may call each other.
/// Instances, functions, memories, tables and globals of different stores cannot be linked
/// together. Every instance's VMContext lives as long as any handle (this `Store`, an
/// [`crate::Instance`], an exported [`crate::Func`] or global) of its store. Cheap to clone.
#[derive(Clone)]
pub struct Store(pub(crate) Rc<StoreInner>);

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

impl core::fmt::Debug for Store {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store").field("id", &self.0.state.id).field("instances", &self.0.keep.borrow().len()).finish()
    }
}

impl Store {
    /// A new store.
    pub fn new() -> Store {
        let vm = VMStore {
            jmp_buf: core::ptr::null_mut(),
            trap_code: 0,
            trap_func: abi::UNKNOWN_FUNC,
            stack_limit: 0,
            interrupt: 0,
            _pad: 0,
            exception: core::ptr::null_mut(),
        };
        let vm = Arc::new(VMStoreCell { vm: UnsafeCell::new(vm), running: crate::signals::RunningThread::new() });
        // This thread runs the store's wasm code (the interrupt signal's target): published
        // once here, not on every call.
        vm.running.bind_current_thread();
        Store(Rc::new(StoreInner {
            state: ManuallyDrop::new(Rc::new(StoreState {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                vm: ManuallyDrop::new(vm),
                stack_floor: stack_floor(),
                limit_sp: Cell::new(0),
                #[cfg(not(feature = "std"))]
                depth: Cell::new(0),
                pending: ManuallyDrop::new(RefCell::new(None)),
                exceptions: Default::default(),
                exn_ops: Cell::new(None),
                max_wasm_stack: Cell::new(DEFAULT_MAX_WASM_STACK),
                memories: ManuallyDrop::new(RefCell::new(Vec::new())),
                clean_epoch: Cell::new(crate::borrow::NEVER),
                epoch: crate::borrow::EpochSource::current(),
                tables: ManuallyDrop::new(RefCell::new(Vec::new())),
            })),
            keep: ManuallyDrop::new(RefCell::new(Vec::new())),
        }))
    }

    /// Set the maximum stack wasm code may use per outermost call (default 1 MiB).
    pub fn set_max_wasm_stack(&self, bytes: usize) {
        self.0.state.max_wasm_stack.set(bytes);
        // The next outermost call computes its limit again.
        self.0.state.limit_sp.set(0);
    }

    /// A handle that can interrupt wasm running in this store from any thread.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(Arc::clone(&self.0.state.vm))
    }

    /// Pointer to the store's `VMStore`.
    pub fn vm_store(&self) -> *mut VMStore {
        self.0.state.vm.get()
    }

    /// Whether two handles refer to the same store.
    pub fn ptr_eq(&self, other: &Store) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    pub(crate) fn id(&self) -> StoreId {
        self.0.state.id
    }
}

/// Interrupts wasm code running in a store; the running call returns a
/// [`crate::TrapKind::Interrupted`] trap. A request made while no wasm code of the store runs
/// (or while it runs host code) takes effect when control next enters wasm code.
///
/// How running code is reached depends on how it was compiled (`wasmlite_codegen::Interrupts`):
/// code that polls checks the request at every loop header and function entry; other code
/// (the default on x86-64 Linux) is interrupted by a signal ([`interrupt_signal`]) sent to
/// the thread that runs the store's code, whose handler raises the trap at a wasm pc
/// (and does nothing if that thread is running host code: system calls are restarted where
/// the kernel allows, others fail with `EINTR`). Without
/// `std` there is no signal: such code then notices the request only when control enters
/// wasm code (a call from the host, a return from a host function or builtin).
#[derive(Clone)]
pub struct InterruptHandle(pub(crate) Arc<VMStoreCell>);

impl core::fmt::Debug for InterruptHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("InterruptHandle")
    }
}

impl InterruptHandle {
    /// Request an interrupt (returns immediately; never blocks on the running code).
    pub fn interrupt(&self) {
        // SAFETY: the word is a properly aligned u32 inside a live allocation; all concurrent
        // accesses from the runtime go through atomics.
        let word = unsafe { AtomicU32::from_ptr(core::ptr::addr_of_mut!((*self.0.get()).interrupt)) };
        // SeqCst store, then (in `signal`) a SeqCst load of the store's thread: either this
        // sees the thread that entered wasm, or that thread's entry check sees the flag.
        word.store(1, Ordering::SeqCst);
        self.0.running.signal();
    }
}

/// The signal [`InterruptHandle::interrupt`] sends to a thread running wasm code
/// (`SIGRTMAX - 1`, i.e. 63 with glibc; `None` without `std` or off x86-64 Linux). wasmlite
/// installs a handler for it; programs must not use it for anything else.
pub fn interrupt_signal() -> Option<i32> {
    crate::signals::interrupt_signal()
}
