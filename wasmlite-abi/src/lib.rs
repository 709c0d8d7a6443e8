//! # wasmlite ABI — the contract between generated code and the runtime
//!
//! This crate is the **single source of truth** for everything that generated native code
//! (`wasmlite-codegen`), the runtime (`wasmlite-rt`) and the binding generator
//! (`wasmlite-macros`) must agree on:
//!
//! * [`symbol_prefix`] / [`descriptor_symbol`]: how a module's symbols are named;
//! * [`ModuleDescriptor`]: the one exported `#[repr(C)]` static of a compiled module;
//! * [`VMStore`], [`VMMemory`], [`VMTable`], [`VMGlobal`], [`VMFuncRef`], [`Builtins`]:
//!   runtime structures that generated code reads at fixed offsets;
//! * [`VmLayout`]: the layout of a module's `VMContext` (computed, never hard-coded);
//! * [`trap`] codes and [`ValRaw`], the argument/result slot of the array calling convention;
//! * [`ModuleInfo`]: the static description of a module (imports, exports, memories,
//!   tables, globals, segments) that the runtime instantiates from, serialised with
//!   `postcard` into the descriptor.
//!
//! ## Calling conventions
//!
//! *Native* (wasm → wasm): `extern "C" fn(vmctx: *mut VMContext, params...) -> results` where
//! multiple results are returned as an LLVM struct. Used for direct calls, `call_indirect`
//! and calls to imported wasm functions.
//!
//! *Array* ([`ArrayFn`], host ↔ wasm): `extern "C" fn(ctx, caller_vmctx, values) -> u32`.
//! `values` points to `max(params, results)` [`ValRaw`] slots: parameters on entry, results
//! on return. The return value is `0` or a trap code. Every host function has an array entry;
//! a host function that fails returns [`trap::HOST`] after stashing its `Trap` in the runtime.
//!
//! *Register* ([`HostRegFn`], wasm → typed host function, optional):
//! `extern "C" fn(ctx, caller_vmctx, a0, a1, a2, a3) -> HostRet`, for a function of at most
//! 4 numeric (i32/i64/f32/f64) parameters and at most one numeric result: the parameters as
//! 64-bit bit patterns (i32 zero-extended, floats as their bits; unused ones undefined), the
//! result and the trap code returned in two registers ([`HostRet`]). [`VMFuncRef::host`] is
//! set only for such host functions (`Func::wrap`), and an import stub whose type qualifies
//! calls it instead of the array entry when it is set (no argument/result array in memory).
//!
//! ## Traps
//!
//! Generated code raises a trap by calling the module's `raise_trap(vmctx, code, func_index)`
//! (see [`ModuleDescriptor::raise_trap`]), which stores the code and function index in the
//! [`VMStore`] and then leaves for the innermost trap boundary of the runtime:
//!
//! * normally by unwinding, with [`Builtins::raise_trap`]. With `panic = "abort"` that raises
//!   the calling thread's trap exception (class [`TRAP_CLASS`], [`Builtins::trap_exception`])
//!   with the unwinder's `_Unwind_RaiseException` (no Rust frame and no Rust panic involved),
//!   and the runtime calls wasm through the module's [`ModuleDescriptor::enter`], whose landing
//!   pad catches it and returns the code. Otherwise it is a Rust panic that the runtime's call
//!   frame catches (one call level less). Every wasm frame has (asynchronous) unwind tables, so
//!   the runtime's signal handler raises the same way at a faulting or interrupted wasm pc
//!   (through a trampoline whose unwind information names the interrupted frame as its
//!   caller). Entering wasm saves no registers and installs nothing;
//! * when [`VMStore::jmp_buf`] is set: by `llvm.eh.sjlj.longjmp` to it. A runtime without an
//!   unwinder (`no_std`) calls through the module's setjmp entry
//!   ([`ModuleDescriptor::sjlj_entry`]), which installs it.
//!
//! Only wasm frames are ever unwound or jumped over: host functions are reached through array
//! calls that return codes.
//!
//! ## Exceptions
//!
//! Wasm exceptions ([`VMException`]) unwind with the Itanium ABI (prepared by
//! [`Builtins::throw`]/[`Builtins::throw_ref`], raised by generated code with
//! [`Builtins::raise_exception`]) through wasm frames only: every array entry (whether or not
//! its module enables exception handling) catches them and returns [`trap::EXCEPTION`] with the exception in
//! [`VMStore::exception`]; a host function that throws returns the same code and the import
//! stub rethrows it. Tags are compared by canonical id (`tag_ids` in the VMContext,
//! [`VmLayout::tag_id`]).
#![no_std]
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

extern crate alloc;

mod info;
mod layout;
#[cfg(feature = "parse")]
pub mod parse;
pub mod registry;
mod static_info;
pub mod target;

pub use info::*;
pub use layout::*;
pub use static_info::*;

use core::ffi::c_void;

/// Version of this ABI; stored in every [`ModuleDescriptor`] and checked at instantiation.
pub const ABI_VERSION: u32 = 8;

/// Size of a wasm page in bytes.
pub const WASM_PAGE_SIZE: u64 = 65536;

/// Bytes reserved per 32-bit linear memory in guard-page mode: 4 GiB addressable + 4 GiB
/// guard + 64 KiB slack, so that `base + zext(addr) + offset + size` with `addr, offset < 2^32`
/// always lands inside the reservation and no bounds check is needed.
pub const GUARD_RESERVATION: u64 = (8 << 30) + 65536;

/// Trap codes passed between generated code and the runtime (`0` means "no trap").
pub mod trap {
    /// No trap.
    pub const NONE: u32 = 0;
    /// `unreachable` executed.
    pub const UNREACHABLE: u32 = 1;
    /// Integer division or remainder by zero.
    pub const INTEGER_DIVIDE_BY_ZERO: u32 = 2;
    /// Signed integer overflow (`INT_MIN / -1`).
    pub const INTEGER_OVERFLOW: u32 = 3;
    /// Trapping float → int conversion of NaN or an out-of-range value.
    pub const INVALID_CONVERSION_TO_INTEGER: u32 = 4;
    /// Out-of-bounds linear memory access (also bulk memory ops, data segments).
    pub const MEMORY_OUT_OF_BOUNDS: u32 = 5;
    /// Out-of-bounds table access (also `call_indirect` index, bulk table ops, elem segments).
    pub const TABLE_OUT_OF_BOUNDS: u32 = 6;
    /// `call_indirect` on a null table element (uninitialized element).
    pub const INDIRECT_CALL_TO_NULL: u32 = 7;
    /// `call_indirect` whose callee has a different signature.
    pub const BAD_SIGNATURE: u32 = 8;
    /// Wasm stack exhausted (prologue check against [`super::VMStore::stack_limit`]).
    pub const STACK_OVERFLOW: u32 = 9;
    /// A host function returned an error; the runtime holds the actual `Trap`.
    pub const HOST: u32 = 10;
    /// Execution was interrupted ([`super::VMStore::interrupt`] was set).
    pub const INTERRUPTED: u32 = 11;
    /// `ref.as_non_null` / `br_on_non_null` contract violated: a null reference.
    pub const NULL_REFERENCE: u32 = 12;
    /// Atomic access (or `memory.atomic.wait*`/`notify`) at an address that is not a
    /// multiple of its size (threads).
    pub const UNALIGNED_ATOMIC: u32 = 13;
    /// `memory.atomic.wait*` on a memory that is not shared (threads).
    pub const WAIT_ON_UNSHARED: u32 = 14;
    /// An exception is pending (exception handling): returned by an array entry when a wasm
    /// exception left wasm code (the exception is in [`super::VMStore::exception`]), and by a
    /// host function that throws (the import stub then rethrows that exception in wasm).
    pub const EXCEPTION: u32 = 15;
    /// Largest valid trap code.
    pub const MAX: u32 = 15;
}

/// Function index meaning "unknown" in [`VMStore::trap_func`].
pub const UNKNOWN_FUNC: u32 = u32::MAX;

/// Opaque VMContext: one per instance, laid out as described by [`VmLayout`].
#[repr(C)]
pub struct VMContext {
    _private: [u8; 0],
}

/// The array calling convention: `(ctx, caller_vmctx, values) -> trap code`.
///
/// For a wasm function `ctx` is its own `VMContext`; for a host function it is the host's
/// environment pointer. `caller_vmctx` is the VMContext of the calling wasm instance (null when
/// called from the host).
pub type ArrayFn =
    unsafe extern "C" fn(ctx: *mut c_void, caller_vmctx: *mut VMContext, values: *mut ValRaw) -> u32;

/// The register calling convention of typed host functions (see the crate docs, *Calling
/// conventions*): `(ctx, caller_vmctx, a0, a1, a2, a3) -> HostRet`. `ctx` is the function's
/// [`VMFuncRef::array_ctx`]; `a0..a3` are the parameters' bit patterns (an `i32`/`f32`
/// zero-extended; parameters past the function's own are undefined).
pub type HostRegFn =
    unsafe extern "C" fn(ctx: *mut c_void, caller_vmctx: *mut VMContext, a0: u64, a1: u64, a2: u64, a3: u64) -> HostRet;

/// Number of parameter registers of a [`HostRegFn`].
pub const HOST_REG_PARAMS: usize = 4;

/// Whether a host function of type `ty` can be called with the register convention
/// ([`HostRegFn`]): at most [`HOST_REG_PARAMS`] parameters and one result, all i32, i64, f32 or
/// f64.
pub fn host_reg_eligible(ty: &FuncType) -> bool {
    let numeric = |t: &ValType| matches!(t, ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64);
    ty.params.len() <= HOST_REG_PARAMS && ty.results.len() <= 1 && ty.params.iter().chain(ty.results.iter()).all(numeric)
}

/// What a [`HostRegFn`] returns: 16 bytes of two integers, so both come back in registers
/// (`rax:rdx` on x86-64 System V; in LLVM IR the function returns `{i64, i64}`). The Windows
/// x64 convention returns it through memory instead: code generated for Windows never calls
/// a [`HostRegFn`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostRet {
    /// The result's bit pattern (an `i32`/`f32` in the low 32 bits; undefined without a result
    /// or when `code` is not 0).
    pub value: u64,
    /// `0` or a trap code, as an [`ArrayFn`] returns it.
    pub code: u64,
}

/// `raise_trap(vmctx, code, func_index)`: never returns (it unwinds or `longjmp`s to the
/// innermost trap boundary).
pub type RaiseTrapFn = unsafe extern "C-unwind" fn(vmctx: *mut VMContext, code: u32, func: u32) -> !;

/// A module's trap boundary, [`ModuleDescriptor::enter`] (unwinding) or
/// [`ModuleDescriptor::sjlj_entry`] (setjmp, for runtimes without an unwinder):
/// `entry(store, array, ctx, values)` calls the array function `array(ctx, null, values)` and
/// returns its result, or the code of a trap raised below it ([`VMStore::trap_code`]), or
/// [`trap::EXCEPTION`] for a wasm exception no wasm frame caught (in
/// [`VMStore::exception`]). The setjmp entry leaves its (then dead) jump buffer installed in
/// `store`: the caller restores the previous one.
pub type EntryFn = unsafe extern "C" fn(store: *mut VMStore, array: ArrayFn, ctx: *mut c_void, values: *mut ValRaw) -> u32;

/// Size of one [`ValRaw`] slot: the stride of the array calling convention's value array.
pub const VALRAW_SIZE: u32 = 16;

/// One argument/result slot of the array calling convention (16 bytes, little-endian; the
/// value lives in the low bytes: an `i32` is at byte offset 0).
#[repr(C, align(16))]
#[derive(Clone, Copy)]
pub union ValRaw {
    /// i32 (also f32 bits as `i32`).
    pub i32: i32,
    /// i64 (also f64 bits as `i64`).
    pub i64: i64,
    /// f32 bit pattern.
    pub f32: u32,
    /// f64 bit pattern.
    pub f64: u64,
    /// v128.
    pub v128: u128,
    /// funcref (`*const VMFuncRef`, null = `ref.null func`) or externref (opaque, null = null).
    pub ptr: *mut c_void,
}

impl Default for ValRaw {
    fn default() -> Self {
        ValRaw { v128: 0 }
    }
}

impl core::fmt::Debug for ValRaw {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // SAFETY: every bit pattern is a valid u128.
        write!(f, "ValRaw({:#x})", unsafe { self.v128 })
    }
}

impl ValRaw {
    /// A slot whose narrow field (written by `write`) holds `bits`, every other byte zero. On
    /// little-endian targets that is one 16-byte value rather than a zeroing store plus a
    /// narrower one, so a later 16-byte load of the slot is forwarded from the store.
    #[inline]
    fn low_bits(bits: u64, write: impl FnOnce(&mut ValRaw)) -> ValRaw {
        if cfg!(target_endian = "little") {
            ValRaw { v128: bits as u128 }
        } else {
            let mut r = ValRaw::default();
            write(&mut r);
            r
        }
    }
    /// An i32 slot.
    #[inline]
    pub fn i32(v: i32) -> Self {
        Self::low_bits(v as u32 as u64, |r| r.i32 = v)
    }
    /// An i64 slot.
    #[inline]
    pub fn i64(v: i64) -> Self {
        Self::low_bits(v as u64, |r| r.i64 = v)
    }
    /// An f32 slot (bit pattern).
    #[inline]
    pub fn f32(bits: u32) -> Self {
        Self::low_bits(bits as u64, |r| r.f32 = bits)
    }
    /// An f64 slot (bit pattern).
    #[inline]
    pub fn f64(bits: u64) -> Self {
        Self::low_bits(bits, |r| r.f64 = bits)
    }
    /// A v128 slot.
    #[inline]
    pub fn v128(v: u128) -> Self {
        ValRaw { v128: v }
    }
    /// A reference slot.
    #[inline]
    pub fn ptr(p: *mut c_void) -> Self {
        Self::low_bits(p as usize as u64, |r| r.ptr = p)
    }
    /// Read as i32.
    #[inline]
    pub fn get_i32(&self) -> i32 {
        // SAFETY: all fields are plain data; every bit pattern is valid.
        unsafe { self.i32 }
    }
    /// Read as i64.
    #[inline]
    pub fn get_i64(&self) -> i64 {
        // SAFETY: as above.
        unsafe { self.i64 }
    }
    /// Read as f32 bits.
    #[inline]
    pub fn get_f32(&self) -> u32 {
        // SAFETY: as above.
        unsafe { self.f32 }
    }
    /// Read as f64 bits.
    #[inline]
    pub fn get_f64(&self) -> u64 {
        // SAFETY: as above.
        unsafe { self.f64 }
    }
    /// Read as v128.
    #[inline]
    pub fn get_v128(&self) -> u128 {
        // SAFETY: as above.
        unsafe { self.v128 }
    }
    /// Read as a reference pointer.
    pub fn get_ptr(&self) -> *mut c_void {
        // SAFETY: as above.
        unsafe { self.ptr }
    }
}

/// Trap and execution state shared by all instances of one store. Generated code reads and
/// writes it through `*(vmctx + VMCTX_STORE)`.
#[repr(C)]
pub struct VMStore {
    /// Jump buffer of the innermost setjmp entry ([`ModuleDescriptor::sjlj_entry`]; 5 pointers,
    /// `llvm.eh.sjlj` format), or null: then `raise_trap` unwinds (see the crate docs, *Traps*).
    pub jmp_buf: *mut c_void,
    /// Trap code of the last trap (see [`trap`]).
    pub trap_code: u32,
    /// Wasm function index the last trap was raised in, or [`UNKNOWN_FUNC`].
    pub trap_func: u32,
    /// Lowest stack address wasm code may use; checked in every function prologue.
    pub stack_limit: usize,
    /// Non-zero requests an interrupt. Code compiled with [`FLAG_INTERRUPT_POLLING`] checks it
    /// at loop headers and function entries; otherwise the runtime's interrupt signal raises the trap in
    /// running wasm code, and array entries, import stubs (after the host function returned)
    /// and builtin calls check it.
    pub interrupt: u32,
    /// Padding.
    pub _pad: u32,
    /// The pending exception ([`VMException`]) when an array entry or a host function returns
    /// [`trap::EXCEPTION`]; null otherwise.
    pub exception: *mut VMException,
}

/// The jump buffer a setjmp entry ([`ModuleDescriptor::sjlj_entry`]) installs in [`VMStore::jmp_buf`]: five
/// pointer-sized words in `llvm.eh.sjlj` format. The entry writes the frame address and the
/// stack pointer, the `llvm.eh.sjlj.setjmp` intrinsic the resume address.
pub mod jmp_buf {
    /// Number of pointer-sized words.
    pub const WORDS: u32 = 5;
    /// Byte offset of the frame address (`llvm.frameaddress(0)` of the entry).
    pub const FRAME: u32 = 0;
    /// Byte offset of the resume address (written by `llvm.eh.sjlj.setjmp`).
    pub const RESUME: u32 = 8;
    /// Byte offset of the stack pointer (`llvm.stacksave` of the entry).
    pub const SP: u32 = 16;
}

/// Offsets into [`VMStore`].
pub mod store_offsets {
    /// `VMStore::jmp_buf`.
    pub const JMP_BUF: u32 = 0;
    /// `VMStore::trap_code`.
    pub const TRAP_CODE: u32 = 8;
    /// `VMStore::trap_func`.
    pub const TRAP_FUNC: u32 = 12;
    /// `VMStore::stack_limit`.
    pub const STACK_LIMIT: u32 = 16;
    /// `VMStore::interrupt`.
    pub const INTERRUPT: u32 = 24;
    /// `VMStore::exception`.
    pub const EXCEPTION: u32 = 32;
}

/// `exception_class` of every exception wasmlite raises (`_Unwind_Exception` header): the
/// personality routine ignores (continues unwinding past) exceptions of any other class.
pub const EXCEPTION_CLASS: u64 = u64::from_be_bytes(*b"WLITWASM");

/// `exception_class` of the unwinding that carries a trap from `raise_trap` (or the runtime's
/// signal handler) to the innermost trap boundary ([`ModuleDescriptor::enter`]). Only the
/// boundary's personality stub forwards it to the runtime's personality routine; every wasm
/// frame lets it pass, so no wasm handler ever catches a trap.
pub const TRAP_CLASS: u64 = u64::from_be_bytes(*b"WLITTRAP");

/// The personality routine (Itanium C++ ABI level 1: `_Unwind_Personality_Fn`). The
/// runtime's implementation is reached through [`VMException::personality`]: each module's
/// own personality stub checks [`EXCEPTION_CLASS`] and forwards to it, so compiled modules
/// reference no external symbol.
pub type PersonalityFn =
    unsafe extern "C" fn(version: i32, actions: i32, class: u64, exception: *mut VMException, context: *mut c_void) -> i32;

/// A wasm exception in flight or held as an `exnref` (exception handling). The first field
/// is the `_Unwind_Exception` header of the Itanium ABI (x86-64: class, cleanup, two private
/// words; 16-byte aligned), so the pointer the unwinder passes to a landing pad is the
/// `VMException` (and the `exnref` value). Allocated and owned by the runtime's store.
#[repr(C, align(16))]
pub struct VMException {
    /// `_Unwind_Exception`: `exception_class` ([`EXCEPTION_CLASS`]), `exception_cleanup`,
    /// `private_1`, `private_2`.
    pub unwind: [u64; 4],
    /// The runtime's personality routine.
    pub personality: Option<PersonalityFn>,
    /// Canonical identity of the exception's tag (equal for an imported tag and its export).
    pub tag_id: u64,
    /// The payload: one [`ValRaw`] per parameter of the tag's type.
    pub payload: *mut ValRaw,
    /// Non-zero once the exception was exposed as an `exnref` (`catch_ref`, `catch_all_ref`,
    /// legacy `catch` whose body may `rethrow` it): it then lives until its store is dropped;
    /// otherwise a `catch`/`catch_all` releases it.
    pub escaped: u32,
    /// Padding.
    pub _pad: u32,
}

/// Offsets into [`VMException`].
pub mod exception_offsets {
    /// `VMException::personality`.
    pub const PERSONALITY: u32 = 32;
    /// `VMException::tag_id`.
    pub const TAG_ID: u32 = 40;
    /// `VMException::payload`.
    pub const PAYLOAD: u32 = 48;
    /// `VMException::escaped`.
    pub const ESCAPED: u32 = 56;
}

/// A linear memory as generated code sees it. Owned by the runtime; the VMContext holds a
/// pointer to it. In guard-page mode `base` never changes.
#[repr(C)]
pub struct VMMemory {
    /// Base address.
    pub base: *mut u8,
    /// Current length in bytes.
    pub length: u64,
}

/// Offsets into [`VMMemory`].
pub mod memory_offsets {
    /// `VMMemory::base`.
    pub const BASE: u32 = 0;
    /// `VMMemory::length`.
    pub const LENGTH: u32 = 8;
}

/// A table as generated code sees it: `length` pointer-sized elements. A funcref element is a
/// `*const VMFuncRef` (null = null ref); an externref element is an opaque pointer.
#[repr(C)]
pub struct VMTable {
    /// Element array.
    pub base: *mut *mut c_void,
    /// Current number of elements.
    pub length: u64,
}

/// Offsets into [`VMTable`].
pub mod table_offsets {
    /// `VMTable::base`.
    pub const BASE: u32 = 0;
    /// `VMTable::length`.
    pub const LENGTH: u32 = 8;
}

/// Storage of one global: 16 bytes, value in the low bytes (like [`ValRaw`]).
#[repr(C, align(16))]
#[derive(Clone, Copy, Default, Debug)]
pub struct VMGlobal {
    /// The value.
    pub value: ValRaw,
}

/// A function reference: what a funcref table element, `ref.func` and an imported function
/// slot point to. 48 bytes.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct VMFuncRef {
    /// Native-ABI entry (`fn(vmctx, params...) -> results`).
    pub native: *const c_void,
    /// The VMContext to pass to `native`.
    pub vmctx: *mut VMContext,
    /// Array-ABI entry.
    pub array: Option<ArrayFn>,
    /// The `ctx` to pass to `array`.
    pub array_ctx: *mut c_void,
    /// Canonical id of the function's type (the runtime's type registry; equal ids ⇔ equal
    /// types, 0 is never valid); `call_indirect` compares it with the VMContext's `type_ids`.
    pub type_id: u64,
    /// Register-ABI entry of a typed host function whose type allows it (see [`HostRegFn`]),
    /// called with `array_ctx`; `None` for wasm functions and every other host function.
    pub host: Option<HostRegFn>,
}

/// Offsets into [`VMFuncRef`].
pub mod funcref_offsets {
    /// `VMFuncRef::native`.
    pub const NATIVE: u32 = 0;
    /// `VMFuncRef::vmctx`.
    pub const VMCTX: u32 = 8;
    /// `VMFuncRef::array`.
    pub const ARRAY: u32 = 16;
    /// `VMFuncRef::array_ctx`.
    pub const ARRAY_CTX: u32 = 24;
    /// `VMFuncRef::type_id`.
    pub const TYPE_ID: u32 = 32;
    /// `VMFuncRef::host`.
    pub const HOST: u32 = 40;
    /// Size of a `VMFuncRef`.
    pub const SIZE: u32 = 48;
}

/// Runtime functions ("libcalls") generated code calls through `*(vmctx + VMCTX_BUILTINS)`.
/// Functions returning `u32` return `0` or a trap code that the caller then raises.
/// Memory/table indices are module-local indices; `u64` addresses/lengths are zero-extended
/// wasm values.
#[repr(C)]
pub struct Builtins {
    /// `memory.grow`: returns the old size in pages, or `u64::MAX` (−1) on failure.
    pub memory_grow: unsafe extern "C" fn(vmctx: *mut VMContext, mem: u32, delta: u64) -> u64,
    /// `memory.fill`.
    pub memory_fill:
        unsafe extern "C" fn(vmctx: *mut VMContext, mem: u32, dst: u64, val: u32, len: u64) -> u32,
    /// `memory.copy`.
    pub memory_copy: unsafe extern "C" fn(
        vmctx: *mut VMContext,
        dst_mem: u32,
        src_mem: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> u32,
    /// `memory.init`.
    pub memory_init: unsafe extern "C" fn(
        vmctx: *mut VMContext,
        mem: u32,
        data: u32,
        dst: u64,
        src: u32,
        len: u32,
    ) -> u32,
    /// `data.drop`.
    pub data_drop: unsafe extern "C" fn(vmctx: *mut VMContext, data: u32),
    /// `table.grow`: returns the old size, or `u64::MAX` (−1) on failure.
    pub table_grow:
        unsafe extern "C" fn(vmctx: *mut VMContext, table: u32, init: *mut c_void, delta: u64) -> u64,
    /// `table.fill`.
    pub table_fill: unsafe extern "C" fn(
        vmctx: *mut VMContext,
        table: u32,
        dst: u64,
        val: *mut c_void,
        len: u64,
    ) -> u32,
    /// `table.copy`.
    pub table_copy: unsafe extern "C" fn(
        vmctx: *mut VMContext,
        dst_table: u32,
        src_table: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> u32,
    /// `table.init`.
    pub table_init: unsafe extern "C" fn(
        vmctx: *mut VMContext,
        table: u32,
        elem: u32,
        dst: u64,
        src: u32,
        len: u32,
    ) -> u32,
    /// `elem.drop`.
    pub elem_drop: unsafe extern "C" fn(vmctx: *mut VMContext, elem: u32),
    /// `memory.atomic.wait32` at effective address `addr` (`u64::MAX` if it overflowed):
    /// returns `0` (woken), `1` (value not equal), `2` (timed out; `timeout < 0`: never), or a
    /// negated trap code (out of bounds, unaligned, unshared memory).
    pub memory_atomic_wait32:
        unsafe extern "C" fn(vmctx: *mut VMContext, mem: u32, addr: u64, expected: u32, timeout: i64) -> i32,
    /// `memory.atomic.wait64`, like [`Self::memory_atomic_wait32`].
    pub memory_atomic_wait64:
        unsafe extern "C" fn(vmctx: *mut VMContext, mem: u32, addr: u64, expected: u64, timeout: i64) -> i32,
    /// `memory.atomic.notify`: wakes up to `count` waiters on `addr`; returns how many were
    /// woken, or a negated trap code (out of bounds, unaligned).
    pub memory_atomic_notify: unsafe extern "C" fn(vmctx: *mut VMContext, mem: u32, addr: u64, count: u32) -> i32,
    /// `throw`: allocates an exception of the module's tag `tag` with the payload `values`
    /// (one slot per tag parameter), makes it ready to raise (header, personality) and leaves
    /// it in [`VMStore::exception`]: returns [`trap::EXCEPTION`], or another trap code (which
    /// the caller raises as a trap). Generated code then raises it with
    /// [`Builtins::raise_exception`] (no Rust frame may lie on an unwinding's way: with
    /// `panic = "abort"` it would abort the process).
    pub throw: unsafe extern "C" fn(vmctx: *mut VMContext, tag: u32, values: *const ValRaw) -> u32,
    /// `throw_ref` (also legacy `rethrow`, and an import stub rethrowing a host exception):
    /// makes `exn` ready to raise again, like [`Builtins::throw`]; null returns
    /// [`trap::NULL_REFERENCE`].
    pub throw_ref: unsafe extern "C" fn(vmctx: *mut VMContext, exn: *mut VMException) -> u32,
    /// Releases a caught exception that was never exposed as an `exnref`
    /// ([`VMException::escaped`] is 0); called by `catch`/`catch_all` after reading the payload.
    pub exn_release: unsafe extern "C" fn(vmctx: *mut VMContext, exn: *mut VMException),
    /// The exception object that carries a trap ([`TRAP_CLASS`], header initialised, the
    /// store's `trap_code` copied into its `tag_id`) on the calling thread; `raise_trap` raises
    /// it with [`Builtins::raise_exception`] when no jump buffer is installed (see the crate
    /// docs, *Traps*).
    pub trap_exception: unsafe extern "C" fn(vmctx: *mut VMContext) -> *mut VMException,
    /// The unwinder's `_Unwind_RaiseException` itself, for wasm exceptions, so no runtime frame
    /// lies between a raise and the handler (a Rust frame would abort the unwinding with
    /// `panic = "abort"`). Returns only if no frame catches the exception.
    pub raise_exception: unsafe extern "C-unwind" fn(exn: *mut VMException) -> i32,
    /// Raises the trap exception [`Builtins::trap_exception`] returned, the way the runtime's
    /// boundary catches it: with `panic = "abort"` (or no unwinder) `_Unwind_RaiseException`
    /// itself, to [`ModuleDescriptor::enter`]; otherwise as a Rust panic, which the runtime's
    /// own frame catches (one call level less per host→wasm call). Never returns normally.
    pub raise_trap: unsafe extern "C-unwind" fn(exn: *mut VMException) -> i32,
}

/// Index (in pointer-sized words) of each function pointer in [`Builtins`]; generated code
/// loads `*(builtins + 8 * index)`.
pub mod builtin_index {
    /// [`super::Builtins::memory_grow`].
    pub const MEMORY_GROW: u32 = 0;
    /// [`super::Builtins::memory_fill`].
    pub const MEMORY_FILL: u32 = 1;
    /// [`super::Builtins::memory_copy`].
    pub const MEMORY_COPY: u32 = 2;
    /// [`super::Builtins::memory_init`].
    pub const MEMORY_INIT: u32 = 3;
    /// [`super::Builtins::data_drop`].
    pub const DATA_DROP: u32 = 4;
    /// [`super::Builtins::table_grow`].
    pub const TABLE_GROW: u32 = 5;
    /// [`super::Builtins::table_fill`].
    pub const TABLE_FILL: u32 = 6;
    /// [`super::Builtins::table_copy`].
    pub const TABLE_COPY: u32 = 7;
    /// [`super::Builtins::table_init`].
    pub const TABLE_INIT: u32 = 8;
    /// [`super::Builtins::elem_drop`].
    pub const ELEM_DROP: u32 = 9;
    /// [`super::Builtins::memory_atomic_wait32`].
    pub const MEMORY_ATOMIC_WAIT32: u32 = 10;
    /// [`super::Builtins::memory_atomic_wait64`].
    pub const MEMORY_ATOMIC_WAIT64: u32 = 11;
    /// [`super::Builtins::memory_atomic_notify`].
    pub const MEMORY_ATOMIC_NOTIFY: u32 = 12;
    /// [`super::Builtins::throw`].
    pub const THROW: u32 = 13;
    /// [`super::Builtins::throw_ref`].
    pub const THROW_REF: u32 = 14;
    /// [`super::Builtins::exn_release`].
    pub const EXN_RELEASE: u32 = 15;
    /// [`super::Builtins::trap_exception`].
    pub const TRAP_EXCEPTION: u32 = 16;
    /// [`super::Builtins::raise_exception`].
    pub const RAISE_EXCEPTION: u32 = 17;
    /// [`super::Builtins::raise_trap`].
    pub const RAISE_TRAP: u32 = 18;
}

/// Byte offset of builtin `index` (see [`builtin_index`]) in [`Builtins`].
pub const fn builtin_offset(index: u32) -> u32 {
    index * core::mem::size_of::<usize>() as u32
}

/// Number of builtins (one past the largest [`builtin_index`]).
pub const NUM_BUILTINS: u32 = 19;

/// Sets of builtins, bit `1 << builtin_index::X` per builtin: which ones the compiled code of
/// a module may call (`parse::builtins_used`). `include_wasm!` links only those
/// (`wasmlite_rt::select_builtins`); the code generator refuses to emit a call of any other.
pub mod builtin_set {
    use super::builtin_index::*;

    /// Every builtin.
    pub const ALL: u32 = (1 << super::NUM_BUILTINS) - 1;
    /// What every module may call: `raise_trap` raises traps, and an import stub rethrows an
    /// exception a host function threw (it may unwind into a handler of another module's
    /// frames).
    pub const ALWAYS: u32 = (1 << THROW_REF) | (1 << TRAP_EXCEPTION) | (1 << RAISE_EXCEPTION) | (1 << RAISE_TRAP);
    /// Exception handling (`throw`, `throw_ref`, `try_table`, legacy `try`).
    pub const EXCEPTIONS: u32 = (1 << THROW) | (1 << THROW_REF) | (1 << EXN_RELEASE);

    /// Whether `set` holds builtin `index`.
    pub const fn contains(set: u32, index: u32) -> bool {
        index < super::NUM_BUILTINS && set & (1 << index) != 0
    }
}

/// Sets of the optional parts of instantiation, one bit each: what a module needs beyond
/// functions, memories, globals and data segments. `include_wasm!` links only the parts its
/// module uses (`wasmlite_rt::select_instance_parts`, like [`builtin_set`]).
pub mod instance_parts {
    use crate::info::{ExternType, ModuleInfo};

    /// Imports other than functions: memories, tables, globals and tags.
    pub const IMPORTS: u32 = 1;
    /// Shared (thread-shareable) memories.
    pub const SHARED_MEMORY: u32 = 2;
    /// Tables, table initialisers and element segments.
    pub const TABLES: u32 = 4;
    /// Exception objects a store's wasm code can catch or throw: once a module whose code
    /// uses exception handling is instantiated in a store, the store turns a host function's
    /// exception into one (else it is raised as the trap it is), and an uncaught one back.
    pub const EXCEPTIONS: u32 = 8;
    /// Every part.
    pub const ALL: u32 = IMPORTS | SHARED_MEMORY | TABLES | EXCEPTIONS;

    /// The parts instantiating `info` needs; `builtins` is the [`super::builtin_set`] of its
    /// code (`parse::builtins_used`).
    pub fn used(info: &ModuleInfo, builtins: u32) -> u32 {
        let mut set = 0;
        if info.imports.iter().any(|i| !matches!(i.ty, ExternType::Func(_))) {
            set |= IMPORTS;
        }
        if info.memories.iter().any(|m| m.shared) {
            set |= SHARED_MEMORY;
        }
        if !info.tables.is_empty() || !info.elems.is_empty() || !info.table_inits.is_empty() {
            set |= TABLES;
        }
        if builtins & super::builtin_set::EXCEPTIONS & !super::builtin_set::ALWAYS != 0 {
            set |= EXCEPTIONS;
        }
        set
    }
}

/// Entry points of one defined function, in [`ModuleDescriptor::funcs`].
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FuncEntry {
    /// Native-ABI function.
    pub native: *const c_void,
    /// Array-ABI entry (a trap boundary).
    pub array: ArrayFn,
}

/// Descriptor flag: the code performs explicit bounds checks (memories may move/need no guard).
pub const FLAG_EXPLICIT_BOUNDS_CHECKS: u32 = 1;

/// Descriptor flag: the code polls [`VMStore::interrupt`] at every loop header and function
/// entry (no signal needed to interrupt it). Without it, a loop is interrupted only by the
/// runtime's interrupt signal ([`target::interrupt_signals_supported`]); the flag is still
/// checked where control enters wasm (array entries, returns from host functions and builtins).
pub const FLAG_INTERRUPT_POLLING: u32 = 2;

/// The one exported static of a compiled module, named [`descriptor_symbol`].
#[repr(C)]
pub struct ModuleDescriptor {
    /// Must equal [`ABI_VERSION`].
    pub abi_version: u32,
    /// `FLAG_*` bits.
    pub flags: u32,
    /// `postcard`-encoded [`ModuleInfo`].
    pub info: *const u8,
    /// Length of `info` in bytes.
    pub info_len: usize,
    /// One entry per *defined* function (function index `num_imported_funcs + i`).
    pub funcs: *const FuncEntry,
    /// Number of entries in `funcs`.
    pub num_funcs: usize,
    /// One native-ABI stub per *imported* function: it calls the import's register entry
    /// (`host`, where its type allows and the entry is set) or array function
    /// through `vmctx.funcs[i]` (`array`, `array_ctx`) and raises a returned trap code.
    /// The runtime uses it as `VMFuncRef::native` of host-function imports.
    pub import_stubs: *const *const c_void,
    /// Number of entries in `import_stubs`.
    pub num_import_stubs: usize,
    /// Raises a trap from wasm code.
    pub raise_trap: RaiseTrapFn,
    /// The trap boundary ([`EntryFn`]): traps and uncaught wasm exceptions unwind to it.
    pub enter: EntryFn,
    /// The setjmp trap boundary for runtimes without an unwinder ([`EntryFn`]).
    pub sjlj_entry: EntryFn,
    /// The ranges of this module's machine code, one per code object (a module compiled in
    /// N partitions has N objects, whose code need not be contiguous): every function, import
    /// stub and `raise_trap` lies in one of them.
    pub code_ranges: *const CodeRange,
    /// Number of entries in `code_ranges`.
    pub num_code_ranges: usize,
}

/// One contiguous range `[start, end)` of a module's machine code, in
/// [`ModuleDescriptor::code_ranges`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeRange {
    /// First byte (the object's `code_start` marker function).
    pub start: *const u8,
    /// One past the last byte (the object's `code_end` marker function).
    pub end: *const u8,
}

impl ModuleDescriptor {
    /// The code ranges (empty when `code_ranges` is null).
    ///
    /// # Safety
    /// `code_ranges` must point to `num_code_ranges` valid entries (or be null), as in every
    /// descriptor produced by wasmlite-codegen.
    pub unsafe fn code_ranges(&self) -> &[CodeRange] {
        if self.code_ranges.is_null() || self.num_code_ranges == 0 {
            return &[];
        }
        // SAFETY: guaranteed by the caller.
        unsafe { core::slice::from_raw_parts(self.code_ranges, self.num_code_ranges) }
    }

    /// Whether `pc` lies in one of the module's code ranges.
    ///
    /// # Safety
    /// As [`ModuleDescriptor::code_ranges`].
    pub unsafe fn contains_code(&self, pc: usize) -> bool {
        // SAFETY: forwarded contract.
        unsafe { self.code_ranges() }.iter().any(|r| r.start as usize <= pc && pc < r.end as usize)
    }
}

// SAFETY: the descriptor is immutable static data (pointers to constant data and code).
unsafe impl Sync for ModuleDescriptor {}
// SAFETY: a code range is immutable static data (two code addresses).
unsafe impl Sync for CodeRange {}
// SAFETY: as above.
unsafe impl Send for CodeRange {}
// SAFETY: as above.
unsafe impl Send for ModuleDescriptor {}

/// FNV-1a 64-bit hash (used for symbol prefixes and signature ids).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Symbol prefix for a module: `wasmlite_<stem>_<16 hex digits of fnv1a64(binary wasm)>`,
/// where `<stem>` is the file stem with every non-`[A-Za-z0-9_]` character replaced by `_`.
/// Both `wasmlite-build` and `include_wasm!` call this, so a wasm file changed without a
/// rebuild fails to link instead of calling the wrong code.
pub fn symbol_prefix(stem: &str, wasm_binary: &[u8]) -> alloc::string::String {
    use core::fmt::Write;
    let mut s = alloc::string::String::from("wasmlite_");
    for c in stem.chars() {
        s.push(if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' });
    }
    let _ = write!(s, "_{:016x}", fnv1a64(wasm_binary));
    s
}

/// Name of the [`ModuleDescriptor`] symbol for a prefix.
pub fn descriptor_symbol(prefix: &str) -> alloc::string::String {
    alloc::format!("{prefix}_descriptor")
}

/// Name of the static library `wasmlite-build` produces for a prefix (`lib<name>.a`).
pub fn library_name(prefix: &str) -> alloc::string::String {
    alloc::string::String::from(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_match_structs() {
        assert_eq!(core::mem::offset_of!(VMStore, trap_code) as u32, store_offsets::TRAP_CODE);
        assert_eq!(core::mem::offset_of!(VMStore, trap_func) as u32, store_offsets::TRAP_FUNC);
        assert_eq!(core::mem::offset_of!(VMStore, stack_limit) as u32, store_offsets::STACK_LIMIT);
        assert_eq!(core::mem::offset_of!(VMStore, interrupt) as u32, store_offsets::INTERRUPT);
        assert_eq!(core::mem::offset_of!(VMMemory, length) as u32, memory_offsets::LENGTH);
        assert_eq!(core::mem::offset_of!(VMTable, length) as u32, table_offsets::LENGTH);
        assert_eq!(core::mem::offset_of!(VMFuncRef, vmctx) as u32, funcref_offsets::VMCTX);
        assert_eq!(core::mem::offset_of!(VMFuncRef, array) as u32, funcref_offsets::ARRAY);
        assert_eq!(core::mem::offset_of!(VMFuncRef, array_ctx) as u32, funcref_offsets::ARRAY_CTX);
        assert_eq!(core::mem::offset_of!(VMFuncRef, type_id) as u32, funcref_offsets::TYPE_ID);
        assert_eq!(core::mem::offset_of!(VMFuncRef, host) as u32, funcref_offsets::HOST);
        assert_eq!(core::mem::size_of::<HostRet>(), 16);
        assert_eq!(core::mem::size_of::<VMFuncRef>() as u32, funcref_offsets::SIZE);
        assert_eq!(core::mem::size_of::<ValRaw>() as u32, VALRAW_SIZE);
        assert_eq!(core::mem::offset_of!(VMStore, jmp_buf) as u32, store_offsets::JMP_BUF);
        assert_eq!(core::mem::size_of::<VMGlobal>(), 16);
        assert_eq!(core::mem::offset_of!(Builtins, memory_grow) as u32, builtin_offset(builtin_index::MEMORY_GROW));
        assert_eq!(core::mem::offset_of!(Builtins, memory_init) as u32, builtin_offset(builtin_index::MEMORY_INIT));
        assert_eq!(core::mem::offset_of!(Builtins, table_init) as u32, builtin_offset(builtin_index::TABLE_INIT));
        assert_eq!(core::mem::offset_of!(Builtins, elem_drop) as u32, builtin_offset(builtin_index::ELEM_DROP));
        assert_eq!(core::mem::size_of::<Builtins>() as u32, builtin_offset(NUM_BUILTINS));
        assert_eq!(core::mem::offset_of!(Builtins, throw) as u32, builtin_offset(builtin_index::THROW));
        assert_eq!(core::mem::offset_of!(Builtins, exn_release) as u32, builtin_offset(builtin_index::EXN_RELEASE));
        assert_eq!(core::mem::offset_of!(Builtins, trap_exception) as u32, builtin_offset(builtin_index::TRAP_EXCEPTION));
        assert_eq!(core::mem::offset_of!(Builtins, raise_exception) as u32, builtin_offset(builtin_index::RAISE_EXCEPTION));
        assert_eq!(core::mem::offset_of!(Builtins, raise_trap) as u32, builtin_offset(builtin_index::RAISE_TRAP));
        assert_eq!(core::mem::offset_of!(VMStore, exception) as u32, store_offsets::EXCEPTION);
        assert_eq!(core::mem::offset_of!(VMException, personality) as u32, exception_offsets::PERSONALITY);
        assert_eq!(core::mem::offset_of!(VMException, tag_id) as u32, exception_offsets::TAG_ID);
        assert_eq!(core::mem::offset_of!(VMException, payload) as u32, exception_offsets::PAYLOAD);
        assert_eq!(core::mem::offset_of!(VMException, escaped) as u32, exception_offsets::ESCAPED);
        assert_eq!(core::mem::size_of::<VMException>(), 64);
    }

    #[test]
    fn prefix_is_identifier_and_hash_sensitive() {
        let a = symbol_prefix("my-plugin.v2", b"\0asm\x01\0\0\0");
        assert!(a.starts_with("wasmlite_my_plugin_v2_"));
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        assert_ne!(a, symbol_prefix("my-plugin.v2", b"\0asm\x01\0\0\0\0"));
    }
}
