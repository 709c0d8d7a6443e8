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
//! the start function. Every instance's VMContext lives as long as its [`Store`] (also after
//! a failed instantiation: table elements written before the failure may point into it).
//!
//! ## Calls and traps
//! [`Instance::call`], [`Instance::call_typed`] and [`Func::call`] enter wasm through the
//! callee's array entry. Around the outermost call the store's `stack_limit` is set to
//! `sp - max_wasm_stack` (default [`DEFAULT_MAX_WASM_STACK`], see
//! [`Store::set_max_wasm_stack`]; with `std` clamped to keep [`HOST_STACK_RESERVE`] bytes of
//! the thread's stack for host code). A trap code becomes a [`Trap`] with the wasm function
//! index/name when known (for guard-page faults: looked up from the faulting pc). Host
//! functions may call back into wasm (e.g. through an exported [`Func`]); their errors travel
//! as [`TrapKind::Host`] traps. An instance stays usable after any trap.
//!
//! ## Threads
//! Stores, instances and memories are single-threaded (`Rc` inside, not `Send`). Only an
//! [`InterruptHandle`] may cross threads.
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

mod builtins;
mod call;
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
mod val;

#[cfg(test)]
mod tests;

pub use builtins::BUILTINS;
pub use global::{Global, SharedGlobal};
pub use host::{Caller, Func};
pub use instance::Instance;
pub use instantiate::{resolve_imports, Extern};
pub use store::{InterruptHandle, Store, DEFAULT_MAX_WASM_STACK, HOST_STACK_RESERVE};
pub use memory::{Memory, SharedMemory, GUARD_PAGES_AVAILABLE, MAX_PAGES_32, MAX_PAGES_64};
pub use module::Module;
pub use table::{SharedTable, Table, MAX_TABLE_ELEMENTS};
pub use trap::{Error, InstantiationError, Trap, TrapKind};
pub use val::{ExternRef, FuncRef, Val, WasmParams, WasmResults, WasmTy};
