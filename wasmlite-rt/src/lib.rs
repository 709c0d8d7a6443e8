//! # wasmlite-rt — the runtime for wasmlite's ahead-of-time compiled WebAssembly
//!
//! `#![no_std]` + `alloc`. Features:
//! * `std` (default): guard-page memories (mmap), the SIGSEGV/SIGBUS handler that turns
//!   guard-page faults in wasm code into traps, catching panics of host functions
//!   (a panic becomes `Trap::host("host function panicked: ...")`), `std::error::Error`.
//!   Without `std`, memories live on the heap, only modules compiled with explicit bounds
//!   checks can be instantiated, and **host function panics are not caught** — a panic
//!   unwinding through wasm frames is undefined behaviour, so host functions must not panic.
//! * `macros` (default): re-exports `include_wasm!` from `wasmlite-macros`.
//!
//! ## Usage
//! ```ignore
//! let module = Module::from_static(&MY_MODULE_DESCRIPTOR)?;
//! let store = Store::new();
//! let mut inst = Instance::new(&store, &module, &[], ())?;
//! let r: i32 = inst.call_typed(0, (1i32, 2i32))?;
//! ```
//!
//! ## Instantiation
//! Imports are positional (module import order), type-checked: function types must be equal,
//! memory/table limits follow the spec's import subtyping, globals must have equal type and
//! mutability. Initialisation order (Wasm 2.0): globals, element segments (active: copied
//! then dropped; declared: dropped), data segments (active: copied then dropped) — the first
//! segment that does not fit fails with [`Error::Trap`], earlier writes stay visible — then
//! the start function. Every instance's VMContext lives as long as any handle of its
//! [`Store`] (the store, an [`Instance`], an exported [`Func`] or global; also after a failed
//! instantiation: table elements written before the failure may point into it). At
//! instantiation the runtime writes the canonical id of every module type (a process-wide
//! registry: equal ids exactly for equal function types) into the VMContext; `call_indirect`
//! compares it with the callee's `VMFuncRef::type_id`.
//!
//! ## Calls and traps
//! [`Instance::call`], [`Instance::call_typed`] and [`Func::call`] enter wasm through the
//! callee's array entry. For the outermost call the store's `stack_limit` is
//! `sp - max_wasm_stack` (default [`DEFAULT_MAX_WASM_STACK`], see
//! [`Store::set_max_wasm_stack`]; with `std` clamped to keep [`HOST_STACK_RESERVE`] bytes of
//! the thread's stack for host code), computed again only when the caller's `sp` changes. A trap code becomes a [`Trap`] with the wasm function
//! index/name when known (for guard-page faults: looked up from the faulting pc). Host
//! functions may call back into wasm (e.g. through an exported [`Func`]); their errors travel
//! as [`TrapKind::Host`] traps. An instance stays usable after any trap.
//!
//! ## Threads
//! [`Store`], [`Instance`], [`Func`], [`Val`], [`SharedMemory`] (the `Rc` handle of any
//! memory), tables and globals are single-threaded: `Rc`/`RefCell` inside, neither `Send` nor
//! `Sync`. What may cross threads:
//! * [`InterruptHandle`] (`Send + Sync`);
//! * [`ThreadSharedMemory`] (`Send + Sync`): the storage of a `(memory min max shared)`.
//!   Every thread calls [`ThreadSharedMemory::attach`] to get a [`SharedMemory`] for its own
//!   store and imports it into its instances. Memories a module defines as `shared` are
//!   created this way too ([`Memory::shared_storage`] returns the storage). The storage never moves (guard reservation, or
//!   the maximum allocated up front in heap mode), so wasm code on every thread and
//!   `memory.atomic.wait` (a process-wide parking table keyed by host address) use raw
//!   addresses into it. Host code never gets a slice of it (other threads may write at any
//!   time): [`Memory::data`] is empty for an attachment; [`ThreadSharedMemory::read`]/`write`
//!   and the bulk-memory builtins copy with atomic byte accesses. An attachment's length is
//!   refreshed when it grows (`memory.grow 0` included); stale lengths are only conservative.
//!
//! Atomic operators are sequentially consistent; an unaligned atomic access traps with
//! [`TrapKind::UnalignedAtomic`], `memory.atomic.wait*` on an unshared memory with
//! [`TrapKind::ExpectedSharedMemory`]. Without `std` there are no threads: a wait that would
//! block forever is a `Host` trap.
//!
//! ```compile_fail,E0277
//! # use wasmlite_rt::*;
//! fn send<T: Send>(_: T) {}
//! let m = Memory::new(MemoryType { shared: true, ..MemoryType::new(1, Some(1), false) }).unwrap();
//! send(SharedMemory::new(m)); // error[E0277]: `Rc<TrackedCell<Memory>>` cannot be sent between threads
//! ```
//! ```
//! # use wasmlite_rt::*;
//! fn send_sync<T: Send + Sync>(_: T) {}
//! let ty = MemoryType { shared: true, ..MemoryType::new(1, Some(1), false) };
//! send_sync(ThreadSharedMemory::new(ty).unwrap());
//! ```
//!
//! ## Soundness
//! No safe function can cause undefined behaviour:
//! * **One borrow discipline for memories and tables.** Host code reaches a memory or table
//!   only through its `RefCell` ([`SharedMemory::borrow_mut`], [`Caller::memory`],
//!   [`Instance::memory`] return guards). Wasm code of a store does not run while any memory or
//!   table of the store is borrowed: calling into wasm, or returning from a host function into
//!   wasm, with a live borrow is a [`TrapKind::Host`] trap.
//! * **Host values live in a `RefCell`.** A typed host function that re-enters wasm, which
//!   calls a typed host function of the same instance again, gets a [`TrapKind::Host`] trap
//!   instead of a second `&mut H`.
//! * **Stores.** A [`FuncRef`] carries its store; functions, memories, tables and globals of
//!   one store cannot be linked into another ([`InstantiationError`]), and a funcref of another
//!   store passed as an argument or stored in a table/global is a trap.
//! * **Raw constructors are `unsafe` or crate-private.** The raw table mutators are not
//!   public, [`FuncRef::from_raw`] and [`WasmTy::from_raw`] are `unsafe`:
//!
//! ```compile_fail,E0133
//! # use wasmlite_rt::*;
//! // error[E0133]: call to unsafe function
//! let f = FuncRef::from_raw(8 as *mut core::ffi::c_void, &Store::new());
//! ```
//! ```
//! # use wasmlite_rt::*;
//! // SAFETY: null is always a valid funcref (ref.null func).
//! assert!(unsafe { FuncRef::from_raw(core::ptr::null_mut(), &Store::new()) }.is_none());
//! ```
//! ```compile_fail,E0133
//! # use wasmlite_rt::*;
//! // error[E0133]: a forged slot would become a funcref wasm code calls through
//! let f = <Option<FuncRef> as WasmTy>::from_raw(abi::ValRaw::ptr(8 as *mut _), 1);
//! ```
//! ```compile_fail,E0624
//! # use wasmlite_rt::*;
//! let mut t = Table::new(TableType { elem: ValType::FuncRef, min: 1, max: None, table64: false }, Val::FuncRef(None)).unwrap();
//! t.set_raw(0, 8 as *mut core::ffi::c_void); // error[E0624]: method `set_raw` is private
//! ```
//! ```compile_fail,E0624
//! # use wasmlite_rt::*;
//! let mut t = Table::new(TableType { elem: ValType::FuncRef, min: 1, max: None, table64: false }, Val::FuncRef(None)).unwrap();
//! t.elems_mut()[0] = 8 as *mut core::ffi::c_void; // error[E0624]: method `elems_mut` is private
//! ```
//! ```compile_fail,E0624
//! # use wasmlite_rt::*;
//! // error[E0624]: `Val::from_raw` is private (it would forge funcrefs)
//! let v = Val::from_raw(abi::ValRaw::ptr(8 as *mut _), ValType::FuncRef, 1);
//! ```
//! ```compile_fail,E0621
//! # use wasmlite_rt::*;
//! // A memory guard cannot outlive the `Caller` it was borrowed from.
//! fn keep<'a>(c: &mut Caller<'a>) -> MemoryMut<'a> {
//!     c.memory().unwrap()
//! }
//! ```
//! ```compile_fail,E0596
//! # use wasmlite_rt::*;
//! // A shared memory cannot be replaced (or swapped) through its guard: instances point
//! // into it. (No `DerefMut`: only contents and size change.)
//! let ty = MemoryType { min: 1, max: None, memory64: false, shared: false, page_size_log2: 16 };
//! let shared = SharedMemory::new(Memory::new_heap(ty).unwrap());
//! let old = core::mem::replace(&mut *shared.borrow_mut(), Memory::new_heap(ty).unwrap());
//! ```
//! ```compile_fail,E0596
//! # use wasmlite_rt::*;
//! let ty = TableType { elem: ValType::FuncRef, min: 1, max: None, table64: false };
//! let shared = SharedTable::new(Table::new(ty, Val::FuncRef(None)).unwrap());
//! let old = core::mem::replace(&mut *shared.borrow_mut(), Table::new(ty, Val::FuncRef(None)).unwrap());
//! ```
//! ```compile_fail,E0133
//! # use wasmlite_rt::*;
//! // A hand-made descriptor may point anywhere: only codegen's descriptors are valid.
//! static D: abi::ModuleDescriptor = abi::ModuleDescriptor { abi_version: abi::ABI_VERSION, flags: 0,
//!     info: core::ptr::null(), info_len: 1 << 40, funcs: core::ptr::null(), num_funcs: 0,
//!     import_stubs: core::ptr::null(), num_import_stubs: 0, raise_trap: rt,
//!     code_ranges: core::ptr::null(), num_code_ranges: 0 };
//! unsafe extern "C" fn rt(_: *mut abi::VMContext, _: u32, _: u32) -> ! { loop {} }
//! let m = Module::from_static(&D);
//! ```
//! ```
//! # use wasmlite_rt::*;
//! // The same table through the safe API: typed values, checked bounds.
//! let ty = TableType { elem: ValType::FuncRef, min: 1, max: None, table64: false };
//! let mut t = Table::new(ty, Val::FuncRef(None)).unwrap();
//! assert!(t.set(0, Val::FuncRef(None)).is_ok());
//! assert_eq!(t.set(1, Val::FuncRef(None)).unwrap_err().kind(), TrapKind::TableOutOfBounds);
//! let shared = SharedTable::new(t);
//! assert_eq!(shared.borrow_mut().grow(1, Val::FuncRef(None)).unwrap(), 1);
//! let mty = MemoryType { min: 1, max: None, memory64: false, shared: false, page_size_log2: 16 };
//! let mem = SharedMemory::new(Memory::new_heap(mty).unwrap());
//! mem.borrow_mut().write(8, b"abc").unwrap();
//! assert_eq!(mem.borrow().read(8, 3).unwrap(), b"abc");
//! // A typed slot decoded through the unsafe API, with its contract upheld.
//! // SAFETY: the slot holds an i32.
//! assert_eq!(unsafe { <i32 as WasmTy>::from_raw(abi::ValRaw::i32(7), 1) }, 7);
//! ```
#![no_std]
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub use wasmlite_abi as abi;
pub use wasmlite_abi::{FuncType, GlobalType, MemoryType, ModuleInfo, TableType, ValType};

#[cfg(feature = "macros")]
#[doc(inline)]
#[allow(unused_imports)]
pub use wasmlite_macros::*;

pub mod bindings;
mod borrow;
mod builtins;
mod call;
mod const_eval;
mod exceptions;
mod global;
mod host;
mod instance;
mod instantiate;
mod memory;
mod module;
mod signals;
mod store;
mod table;
mod trap;
mod types;
mod shared;
mod sorted;
mod val;
mod wait;

#[cfg(test)]
mod tests;

pub use builtins::BUILTINS;
/// `include_wasm!`'s per-module builtins table (see `builtins::select`).
#[doc(hidden)]
pub use builtins::select as select_builtins;
/// `include_wasm!`'s per-module parts of instantiation (see `instantiate::select`).
#[doc(hidden)]
pub use instantiate::{select as select_instance_parts, InstanceParts};
pub use exceptions::{Exception, ExnRef, Tag};
pub use global::{Global, SharedGlobal};
pub use host::{Caller, Func};
pub use instance::Instance;
pub use instantiate::{resolve_imports, Extern};
pub use store::{interrupt_signal, InterruptHandle, Store, DEFAULT_MAX_WASM_STACK, HOST_STACK_RESERVE};
pub use memory::{Memory, MemoryMut, SharedMemory, GUARD_PAGES_AVAILABLE, MAX_PAGES_32, MAX_PAGES_64};
pub use module::Module;
pub use shared::ThreadSharedMemory;
pub use table::{SharedTable, Table, TableMut, MAX_TABLE_ELEMENTS};
pub use trap::{Error, InstantiationError, Trap, TrapKind};
pub use val::{ExternRef, FuncRef, Val, WasmParams, WasmResults, WasmTy, MAX_TYPED_ARITY};
