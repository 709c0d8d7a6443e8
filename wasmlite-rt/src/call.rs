//! The call path into wasm (array entries, stack limit, signal-handler state) and trap
//! decoding (runtime core; unsafe).

use alloc::format;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, Ordering};

use crate::abi::{self, FuncType, ValRaw, VMContext, VMFuncRef, VMStore};
use crate::instance::InstanceCore;
use crate::store::StoreState;
use crate::trap::{Trap, TrapKind};
use crate::val::Val;

/// Call the array entry `array(ctx, null, values)` of wasm code of the store `store`, whose
/// VMContext is `vmctx`: the trap boundary's bookkeeping around it.
///
/// * The callee's array entry installs its jump buffer (the trap boundary) and leaves it
///   installed when it returns: this restores the previous one (none, or the outer one).
/// * The outermost call of the store on this thread (no jump buffer installed) runs with the
///   store's stack limit `max_wasm_stack` below the current stack pointer (never below the
///   thread's stack floor), computed again only when that stack pointer changes. A call made
///   by a host function that wasm code of the same store called keeps the limit of the
///   outermost call.
/// * The signal handler's view of the running call (`signals::enter_wasm`) is set around the
///   call. The interrupt signal's target thread is the store's (published by `Store::new`:
///   a store never leaves its thread).
///
/// # Safety
/// `store` owns `vmctx` (live); `array` is an array entry of wasm code with context `ctx`, and
/// `values` points to enough slots for it.
#[inline(always)]
unsafe fn call_array(store: &StoreState, vmctx: *mut VMContext, array: abi::ArrayFn, ctx: *mut core::ffi::c_void, values: *mut ValRaw) -> u32 {
    let vm = store.vm.get();
    // SAFETY: vm is live and only accessed from this thread (besides the atomic interrupt).
    if unsafe { !(*vm).jmp_buf.is_null() } {
        // SAFETY: per this function's contract.
        return unsafe { call_array_nested(vm, vmctx, array, ctx, values) };
    }
    let marker = 0u8;
    let sp = core::ptr::addr_of!(marker) as usize;
    if store.limit_sp.get() != sp {
        // SAFETY: as above.
        unsafe { set_stack_limit(store, vm, sp) };
    }
    // SAFETY: per this function's contract; no jump buffer before, none after.
    unsafe { run_entry(vm, vmctx, array, ctx, values, core::ptr::null_mut()) }
}

/// Run the array entry with the signal handler's call state set to `vmctx`, then put
/// `restore` back as the store's jump buffer (the entry leaves its own, now dead, installed).
///
/// # Safety
/// As [`call_array`]; `vm` is the store's live VMStore.
#[inline(always)]
unsafe fn run_entry(
    vm: *mut VMStore,
    vmctx: *mut VMContext,
    array: abi::ArrayFn,
    ctx: *mut core::ffi::c_void,
    values: *mut ValRaw,
    restore: *mut core::ffi::c_void,
) -> u32 {
    #[cfg(feature = "std")]
    let prev = crate::signals::enter_wasm(vmctx);
    #[cfg(not(feature = "std"))]
    let _ = vmctx;
    // SAFETY: per the function contract (no caller VMContext: called from the host).
    let code = unsafe { array(ctx, core::ptr::null_mut(), values) };
    #[cfg(feature = "std")]
    crate::signals::leave_wasm(prev);
    // SAFETY: vm is live and only accessed from this thread (besides the atomic interrupt).
    unsafe { (*vm).jmp_buf = restore };
    code
}

/// Set the stack limit of outermost calls made with stack pointer `sp` (kept for the next
/// call from the same `sp`, the common case of a host loop calling wasm).
///
/// # Safety
/// `vm` is the live VMStore of `store`, no wasm code of the store runs.
#[cold]
#[inline(never)]
unsafe fn set_stack_limit(store: &StoreState, vm: *mut VMStore, sp: usize) {
    let limit = sp.saturating_sub(store.max_wasm_stack.get()).max(store.stack_floor).min(sp).max(1);
    // SAFETY: per the function contract.
    unsafe { (*vm).stack_limit = limit };
    store.limit_sp.set(sp);
}

/// [`call_array`] from a host function that wasm code of the same store called: the outer
/// jump buffer is hidden until the callee's array entry installs its own (a signal in between
/// must not jump past the host frames), and restored afterwards.
///
/// # Safety
/// As [`call_array`]; `vm` is the store's live VMStore.
#[cold]
#[inline(never)]
unsafe fn call_array_nested(vm: *mut VMStore, vmctx: *mut VMContext, array: abi::ArrayFn, ctx: *mut core::ffi::c_void, values: *mut ValRaw) -> u32 {
    // SAFETY: vm is live and only accessed from this thread (besides the atomic interrupt).
    let prev_jmp_buf = unsafe { core::mem::replace(&mut (*vm).jmp_buf, core::ptr::null_mut()) };
    // SAFETY: per the function contract.
    unsafe { run_entry(vm, vmctx, array, ctx, values, prev_jmp_buf) }
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
        let code = unsafe { call_array(&self.store, self.vmctx, array, f.array_ctx, slots.as_mut_ptr()) };
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
                match self.store.exceptions.take(exn, self.store.id) {
                    Some(e) => Trap::throw(e),
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
            (Some(i), None) => {
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
