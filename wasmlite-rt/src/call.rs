//! The call path into wasm (array entries, stack limit, signal-handler state) and trap
//! decoding (runtime core; unsafe).

use alloc::format;
use alloc::vec::Vec;
use core::ffi::c_void;
use core::sync::atomic::{AtomicU32, Ordering};

use crate::abi::{self, FuncType, ValRaw, VMContext, VMFuncRef};
use crate::instance::InstanceCore;
use crate::store::StoreState;
use crate::trap::{Trap, TrapKind};
use crate::val::Val;

/// Call the array function `array(ctx, null, values)` of the store `store`, whose VMContext
/// `vmctx` is the caller's: the trap boundary and its bookkeeping.
///
/// * The trap boundary ([`enter`]): wasm code reports a trap by unwinding ([`RAISE_TRAP`];
///   the signal handler raises it the same way at a faulting or interrupted wasm pc). With
///   unwinding panics it is a Rust panic caught in this frame; with `panic = "abort"` an
///   Itanium exception caught by the module's `enter` (`entry`), which returns the code. Every
///   wasm frame has unwind tables, and no host frame lies between a trap and the boundary
///   (host functions are called through array calls that return codes). Without `std` there
///   is no unwinder: the module's setjmp entry (`sjlj_entry`, `entry`) installs a jump buffer
///   that `raise_trap` `longjmp`s to.
/// * The outermost call of the store on this thread runs with the store's stack limit
///   `max_wasm_stack` below the current stack pointer (never below the thread's stack floor),
///   computed again only when that stack pointer changes. A call made by a host function that
///   wasm code of the same store called keeps the limit of the outermost call.
/// * The signal handler's view of the running call (`signals::enter_wasm`) is set around the
///   call. The interrupt signal's target thread is the store's (published by `Store::new`:
///   a store never leaves its thread).
///
/// # Safety
/// `store` owns `vmctx` (live); `callee` returns an array function (of wasm code or a host
/// function) and its context, `values` points to enough slots for it, and `entry` is a trap boundary
/// of a module compiled for this runtime's ABI.
#[inline(always)]
unsafe fn call_array(
    store: &StoreState,
    vmctx: *mut VMContext,
    entry: abi::EntryFn,
    callee: impl FnOnce() -> (abi::ArrayFn, *mut c_void),
    values: *mut ValRaw,
) -> u32 {
    #[cfg(feature = "std")]
    let prev = crate::signals::enter_wasm(vmctx);
    // SAFETY: per this function's contract.
    #[cfg(feature = "std")]
    let outermost = prev.vmctx.is_null() || unsafe { other_store(prev.vmctx, store) };
    #[cfg(not(feature = "std"))]
    let (depth, outermost) = {
        let _ = vmctx;
        let depth = store.depth.get();
        store.depth.set(depth + 1);
        (depth, depth == 0)
    };
    if outermost {
        let sp = stack_pointer();
        if store.limit_sp.get() != sp {
            // SAFETY: no wasm code of the store runs.
            unsafe { set_stack_limit(store, sp) };
        }
    }
    // The callee is read only now: its registers are not kept across the cold calls above.
    let (array, ctx) = callee();
    // SAFETY: per this function's contract.
    let code = unsafe { enter(store, entry, array, ctx, values) };
    #[cfg(feature = "std")]
    crate::signals::leave_wasm(prev);
    #[cfg(not(feature = "std"))]
    store.depth.set(depth);
    code
}

/// Whether the wasm call running with VMContext `running` (the thread's innermost one, which
/// called the host function now calling into `store`) belongs to another store: then this
/// call is the outermost one of `store`.
///
/// # Safety
/// `running` is a live VMContext.
#[cfg(feature = "std")]
#[cold]
#[inline(never)]
unsafe fn other_store(running: *mut VMContext, store: &StoreState) -> bool {
    // SAFETY: per the contract; every VMContext points to its store's VMStore.
    let vm = unsafe { *((running as *const u8).add(abi::VMCTX_STORE as usize) as *const *mut abi::VMStore) };
    vm != store.vm.get()
}

/// The current stack pointer (approximately: an address in the current frame).
#[inline(always)]
fn stack_pointer() -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let sp: usize;
        // SAFETY: reads the stack pointer register; no memory access, no side effect.
        unsafe { core::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
        sp
    }
    #[cfg(target_arch = "aarch64")]
    {
        let sp: usize;
        // SAFETY: as above.
        unsafe { core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
        sp
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let marker = 0u8;
        core::ptr::addr_of!(marker) as usize
    }
}

/// Run `array(ctx, null, values)` under this frame's trap boundary: traps arrive as a Rust
/// panic ([`RAISE_TRAP`]) and come back as their code; any other panic (none crosses wasm
/// frames: host functions catch theirs) is resumed.
///
/// # Safety
/// As [`call_array`].
#[cfg(all(feature = "std", panic = "unwind"))]
#[inline(always)]
unsafe fn enter(store: &StoreState, _entry: abi::EntryFn, array: abi::ArrayFn, ctx: *mut c_void, values: *mut ValRaw) -> u32 {
    // The array function as one that may unwind: a trap does, and Rust assumes an
    // `extern "C"` call never does (the catch would not cover it).
    type UnwindingArrayFn = unsafe extern "C-unwind" fn(*mut c_void, *mut VMContext, *mut ValRaw) -> u32;
    // SAFETY: "C" and "C-unwind" are the same calling convention; only unwinding is allowed.
    let array = unsafe { core::mem::transmute::<abi::ArrayFn, UnwindingArrayFn>(array) };
    // SAFETY: per the contract of `call_array` (no caller VMContext: called from the host).
    let r = std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| unsafe { array(ctx, core::ptr::null_mut(), values) }));
    match r {
        Ok(code) => code,
        Err(payload) => caught(store, payload),
    }
}

/// The payload of the Rust panic that carries a trap from wasm code to [`enter`].
#[cfg(all(feature = "std", panic = "unwind"))]
struct TrapUnwind;

/// What [`enter`] caught: a trap (its code), or a panic that is not ours (resumed).
#[cfg(all(feature = "std", panic = "unwind"))]
#[cold]
#[inline(never)]
fn caught(store: &StoreState, payload: alloc::boxed::Box<dyn core::any::Any + Send>) -> u32 {
    if payload.is::<TrapUnwind>() {
        // SAFETY: the VMStore is live; the trap recorded its code before unwinding.
        unsafe { (*store.vm.get()).trap_code }
    } else {
        std::panic::resume_unwind(payload)
    }
}

/// Builtin `raise_trap` (`abi::Builtins::raise_trap`) with unwinding panics: a Rust panic that
/// [`enter`] catches (`raise_trap` of generated code recorded the trap in the `VMStore`).
#[cfg(all(feature = "std", panic = "unwind"))]
pub(crate) const RAISE_TRAP: unsafe extern "C-unwind" fn(*mut abi::VMException) -> i32 = trap_panic;

#[cfg(all(feature = "std", panic = "unwind"))]
unsafe extern "C-unwind" fn trap_panic(_exn: *mut abi::VMException) -> i32 {
    std::panic::resume_unwind(alloc::boxed::Box::new(TrapUnwind))
}

/// Builtin `raise_trap` with `panic = "abort"` (Rust frames must not be unwound) or without an
/// unwinder: `_Unwind_RaiseException` of the trap exception itself, caught by the module's
/// `enter`.
#[cfg(not(all(feature = "std", panic = "unwind")))]
pub(crate) const RAISE_TRAP: unsafe extern "C-unwind" fn(*mut abi::VMException) -> i32 = crate::exceptions::RAISE_EXCEPTION;

/// Run `array(ctx, null, values)` through the module's unwinding boundary `entry`
/// (`ModuleDescriptor::enter`, with `panic = "abort"`): a trap below it comes back as its code.
///
/// # Safety
/// As [`call_array`].
#[cfg(all(feature = "std", not(panic = "unwind")))]
#[inline(always)]
unsafe fn enter(store: &StoreState, entry: abi::EntryFn, array: abi::ArrayFn, ctx: *mut c_void, values: *mut ValRaw) -> u32 {
    // SAFETY: per the contract of `call_array`.
    unsafe { entry(store.vm.get(), array, ctx, values) }
}

/// Run `array(ctx, null, values)` through the module's setjmp entry `entry`
/// (`ModuleDescriptor::sjlj_entry`), which installs its jump buffer; the previous one (an
/// outer call's, or none) is restored afterwards.
///
/// # Safety
/// As [`call_array`].
#[cfg(not(feature = "std"))]
#[inline(always)]
unsafe fn enter(store: &StoreState, entry: abi::EntryFn, array: abi::ArrayFn, ctx: *mut c_void, values: *mut ValRaw) -> u32 {
    let vm = store.vm.get();
    // SAFETY: vm is live and only accessed from this thread.
    let prev = unsafe { (*vm).jmp_buf };
    // SAFETY: per the contract of `call_array`.
    let code = unsafe { entry(vm, array, ctx, values) };
    // SAFETY: as above.
    unsafe { (*vm).jmp_buf = prev };
    code
}

/// Set the stack limit of outermost calls made with stack pointer `sp` (kept for the next
/// call from the same `sp`, the common case of a host loop calling wasm).
///
/// # Safety
/// No wasm code of the store runs.
#[cold]
#[inline(never)]
unsafe fn set_stack_limit(store: &StoreState, sp: usize) {
    let limit = sp.saturating_sub(store.max_wasm_stack.get()).max(store.stack_floor).min(sp).max(1);
    // SAFETY: the VMStore is live; per the function contract nothing else accesses it.
    unsafe { (*store.vm.get()).stack_limit = limit };
    store.limit_sp.set(sp);
}

impl InstanceCore {
    /// Call a funcref of this store with type `ty` (arguments checked, funcrefs included).
    pub(crate) fn call_funcref(&self, funcref: *const VMFuncRef, ty: &FuncType, args: &[Val]) -> Result<Vec<Val>, Trap> {
        crate::host::check_args(ty, args)?;
        let n = ty.params.len().max(ty.results.len()).max(1);
        let mut slots: Vec<ValRaw> = alloc::vec![ValRaw::default(); n];
        for (s, a) in slots.iter_mut().zip(args) {
            a.check_store(self.store.id)?;
            *s = a.to_raw();
        }
        self.call_raw(funcref, &mut slots)?;
        // SAFETY: on success the callee wrote values of the result types (of this store).
        Ok(ty.results.iter().zip(&slots).map(|(t, s)| unsafe { Val::from_raw(*s, *t, self.store.id) }).collect())
    }

    /// Call through the array entry; `funcref` must be a live VMFuncRef of this store and
    /// `slots` hold max(params, results) values of its type.
    #[inline(always)]
    pub(crate) fn call_raw(&self, funcref: *const VMFuncRef, slots: &mut [ValRaw]) -> Result<(), Trap> {
        // No host borrow of a memory or table may alias what wasm code touches.
        self.store.check_unborrowed()?;
        // SAFETY: funcref points into a live VMContext (kept by the store) or a binding.
        let f = unsafe { *funcref };
        let array = f.array.ok_or_else(|| Trap::new(TrapKind::IndirectCallToNull))?;
        // SAFETY: the funcref's array entry belongs to wasm code of this store (or is a host
        // function's), `slots` holds enough values for its type.
        unsafe { self.run(|| (array, f.array_ctx), slots) }
    }

    /// Call function `index` of this instance through its array entry; `slots` hold
    /// max(params, results) values of its type. The typed-call path: the store, VMContext and
    /// trap boundary are read once, and the entry needs no null check (every function slot of
    /// a VMContext has one).
    #[inline(always)]
    pub(crate) fn call_func(&self, index: u32, slots: &mut [ValRaw]) -> Result<(), Trap> {
        // No host borrow of a memory or table may alias what wasm code touches.
        self.store.check_unborrowed()?;
        let slot = self.funcref_ptr(index);
        let callee = || {
            // SAFETY: function slots lie inside the live VMContext (kept by the store).
            let f = unsafe { *slot };
            // SAFETY: `instantiate` gives every function slot an array entry (a defined
            // function's, a host function's or the imported wasm function's), and function
            // slots are never rewritten.
            (unsafe { f.array.unwrap_unchecked() }, f.array_ctx)
        };
        // SAFETY: the entry belongs to wasm code of this store (or is a host function's),
        // `slots` holds enough values for its type.
        unsafe { self.run(callee, slots) }
    }

    /// Call the array function `callee` returns (read after the entry bookkeeping) with
    /// `slots`, and turn a returned trap code into its `Trap`.
    ///
    /// # Safety
    /// As [`call_array`], with this instance's store, VMContext and trap boundary.
    #[inline(always)]
    unsafe fn run(&self, callee: impl FnOnce() -> (abi::ArrayFn, *mut c_void), slots: &mut [ValRaw]) -> Result<(), Trap> {
        // SAFETY: per this function's contract.
        let code = unsafe { call_array(&self.store, self.vmctx, self.entry, callee, slots.as_mut_ptr()) };
        if code == abi::trap::NONE {
            return Ok(());
        }
        Err(self.take_trap(code))
    }

    fn take_trap(&self, code: u32) -> Trap {
        let vm = self.store.vm.get();
        // SAFETY: vm is live; no wasm is running on this store right now in this frame.
        let func = unsafe {
            let f = (*vm).trap_func;
            (*vm).trap_code = 0;
            (*vm).trap_func = abi::UNKNOWN_FUNC;
            f
        };
        #[cfg(feature = "std")]
        let fault_pc = crate::signals::take_fault_pc();
        #[allow(unused_mut)]
        let mut func = (func != abi::UNKNOWN_FUNC).then_some(func);
        #[cfg(feature = "std")]
        if func.is_none() && fault_pc != 0 {
            func = self.func_at_pc(fault_pc);
        }
        let trap = match code {
            abi::trap::HOST => self.store.pending.borrow_mut().take().unwrap_or_else(|| Trap::host("host function failed")),
            abi::trap::EXCEPTION => {
                // SAFETY: vm is live; the exception (if any) belongs to this store's heap.
                let exn = unsafe { core::mem::replace(&mut (*vm).exception, core::ptr::null_mut()) };
                // Only code of a store with exception operations creates exception objects.
                match self.store.exn_ops.get() {
                    Some(ops) => (ops.uncaught)(&self.store, exn),
                    None => Trap::new(TrapKind::UncaughtException),
                }
            }
            abi::trap::INTERRUPTED => {
                // SAFETY: the interrupt word is an aligned u32 of the live VMStore, accessed
                // atomically by every thread.
                let word = unsafe { AtomicU32::from_ptr(core::ptr::addr_of_mut!((*vm).interrupt)) };
                word.store(0, Ordering::SeqCst);
                Trap::new(TrapKind::Interrupted)
            }
            c => match TrapKind::from_code(c) {
                Some(k) => Trap::new(k),
                None => Trap::host(format!("unknown trap code {c}")),
            },
        };
        match (func, trap.func_index()) {
            // An exception names no function (it is the same value wherever it is raised).
            (Some(i), None) if trap.exception().is_none() => {
                let name = self.module.info().func_name(i);
                trap.with_func(i, name)
            }
            _ => trap,
        }
    }

    /// The defined function of this module containing `pc` (descriptor funcs are in address order).
    #[cfg(feature = "std")]
    fn func_at_pc(&self, pc: usize) -> Option<u32> {
        let d = self.module.desc();
        // A function compiled after the module was loaded (lazy JIT) is registered alone.
        if let Some(e) = crate::abi::registry::FUNC_CODE.lookup(pc) {
            if e.key == d as *const abi::ModuleDescriptor as usize {
                return u32::try_from(e.data).ok();
            }
        }
        // SAFETY: the descriptor's code_ranges holds num_code_ranges entries.
        if !unsafe { d.contains_code(pc) } || d.num_funcs == 0 {
            return None;
        }
        // SAFETY: the descriptor holds num_funcs entries and num_import_stubs stubs.
        let (funcs, stubs) = unsafe {
            (
                core::slice::from_raw_parts(d.funcs, d.num_funcs),
                core::slice::from_raw_parts(d.import_stubs, d.num_import_stubs),
            )
        };
        // The closest entry point at or below pc: a native entry or an array entry (which
        // may have the native body inlined) of function i, or something else (stubs,
        // raise_trap, the start of a code range) → unknown. A function's code is contiguous
        // and lies in one code range, so entries of other ranges are never closer.
        let mut best: Option<(Option<usize>, usize)> = None;
        let mut consider = |who: Option<usize>, a: usize| {
            if a <= pc && best.is_none_or(|(_, b)| a >= b) {
                best = Some((who, a));
            }
        };
        for (i, f) in funcs.iter().enumerate() {
            consider(Some(i), f.native as usize);
            consider(Some(i), f.array as usize);
        }
        for s in stubs {
            consider(None, *s as usize);
        }
        consider(None, d.raise_trap as usize);
        // SAFETY: as above.
        for r in unsafe { d.code_ranges() } {
            consider(None, r.start as usize);
        }
        let (who, _) = best?;
        who.map(|i| self.module.info().num_imported_funcs + i as u32)
    }
}
