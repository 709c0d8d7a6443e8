//! wasm → LLVM IR translation.
//!
//! * [`module`]: module level (declarations, entries, stubs, markers, `raise_trap`, descriptor);
//! * [`env`]: everything that touches the VMContext layout;
//! * [`func`]: the function translator (value stack, locals, control frames);
//! * one file per operator family: [`numeric`], [`conversions`], [`memory`], [`table`],
//!   [`control`], [`simd`], [`atomics`], [`exceptions`].

pub(crate) mod atomics;
pub(crate) mod control;
pub(crate) mod conversions;
pub(crate) mod env;
pub(crate) mod exceptions;
pub(crate) mod func;
pub(crate) mod memory;
pub(crate) mod module;
pub(crate) mod numeric;
pub(crate) mod simd;
pub(crate) mod table;

pub(crate) use module::translate_module;
