//! Code-range registry, the per-thread "inside wasm" state and the SIGSEGV/SIGBUS handler
//! that turns guard-page faults in wasm code into `MEMORY_OUT_OF_BOUNDS` traps.

#[cfg(feature = "std")]
pub(crate) use imp::*;

/// Without `std` there is no signal handling: only explicit-bounds-check modules run.
#[cfg(not(feature = "std"))]
#[allow(dead_code)]
pub(crate) fn ensure_installed() {}

#[cfg(feature = "std")]
mod imp {
    use core::cell::Cell;
    use core::sync::atomic::{AtomicPtr, Ordering};
    use std::boxed::Box;

    use crate::abi::{ModuleDescriptor, RaiseTrapFn, VMContext};

    /// One registered module code range (append-only lock-free list; never freed).
    pub(crate) struct CodeRange {
        pub(crate) start: usize,
        pub(crate) end: usize,
        pub(crate) desc: *const ModuleDescriptor,
        next: *const CodeRange,
    }

    static REGISTRY: AtomicPtr<CodeRange> = AtomicPtr::new(core::ptr::null_mut());

    /// Register the code range of a descriptor (once per descriptor).
    pub(crate) fn register_module(desc: *const ModuleDescriptor) {
        // SAFETY: the caller (Module::from_descriptor) guarantees `desc` is valid.
        let d = unsafe { &*desc };
        let (start, end) = (d.code_start as usize, d.code_end as usize);
        if start >= end {
            return;
        }
        let mut head = REGISTRY.load(Ordering::Acquire);
        loop {
            if lookup_in(head, start).is_some_and(|r| r.desc == desc && r.start == start) {
                return;
            }
            let node = Box::into_raw(Box::new(CodeRange { start, end, desc, next: head }));
            match REGISTRY.compare_exchange(head, node, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return,
                Err(h) => {
                    // SAFETY: node was never published.
                    drop(unsafe { Box::from_raw(node) });
                    head = h;
                }
            }
        }
    }

    fn lookup_in(mut p: *const CodeRange, pc: usize) -> Option<&'static CodeRange> {
        while !p.is_null() {
            // SAFETY: registry nodes are leaked, immutable after publication.
            let r = unsafe { &*p };
            if r.start <= pc && pc < r.end {
                return Some(r);
            }
            p = r.next;
        }
        None
    }

    /// The registered code range containing `pc` (async-signal-safe: no locks, no allocation).
    pub(crate) fn lookup_pc(pc: usize) -> Option<&'static CodeRange> {
        lookup_in(REGISTRY.load(Ordering::Acquire), pc)
    }

    /// Per-thread state of the current wasm call.
    #[derive(Clone, Copy)]
    pub(crate) struct WasmCallState {
        pub(crate) vmctx: *mut VMContext,
        #[allow(dead_code)]
        pub(crate) raise_trap: Option<RaiseTrapFn>,
    }

    std::thread_local! {
        static CURRENT: Cell<WasmCallState> = const { Cell::new(WasmCallState { vmctx: core::ptr::null_mut(), raise_trap: None }) };
        static FAULT_PC: Cell<usize> = const { Cell::new(0) };
        static STACK_LOW: Cell<usize> = const { Cell::new(0) };
    }

    /// Set the current wasm call state; returns the previous one (restore it afterwards).
    pub(crate) fn enter_wasm(vmctx: *mut VMContext, raise_trap: RaiseTrapFn) -> WasmCallState {
        CURRENT.with(|c| c.replace(WasmCallState { vmctx, raise_trap: Some(raise_trap) }))
    }

    /// Restore the state returned by [`enter_wasm`].
    pub(crate) fn leave_wasm(prev: WasmCallState) {
        CURRENT.with(|c| c.set(prev));
    }

    /// The pc of the last guard-page fault redirected on this thread (taken: reset to 0).
    pub(crate) fn take_fault_pc() -> usize {
        FAULT_PC.with(|c| c.replace(0))
    }

    /// Lowest usable address of this thread's stack (0 if unknown), cached per thread.
    pub(crate) fn thread_stack_low() -> usize {
        let cached = STACK_LOW.with(|c| c.get());
        if cached != 0 {
            return cached;
        }
        let low = query_stack_low();
        STACK_LOW.with(|c| c.set(low));
        low
    }

    #[cfg(target_os = "linux")]
    fn query_stack_low() -> usize {
        // SAFETY: plain pthread queries on the current thread with properly initialised attr.
        unsafe {
            let mut attr: libc::pthread_attr_t = core::mem::zeroed();
            if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
                return 0;
            }
            let mut addr: *mut libc::c_void = core::ptr::null_mut();
            let mut size: libc::size_t = 0;
            let r = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
            libc::pthread_attr_destroy(&mut attr);
            if r != 0 {
                0
            } else {
                addr as usize
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn query_stack_low() -> usize {
        0
    }

    /// What the handler should do with a fault at `pc`.
    #[derive(Debug, PartialEq, Eq)]
    pub(crate) enum Decision {
        /// Redirect to `raise_trap(vmctx, MEMORY_OUT_OF_BOUNDS, UNKNOWN_FUNC)`.
        Redirect { raise_trap: usize, vmctx: usize },
        /// Not a wasm fault: chain to the previous handler.
        Chain,
    }

    /// Decide whether a fault at `pc` belongs to wasm code running on this thread.
    pub(crate) fn decide(pc: usize, state: WasmCallState) -> Decision {
        if state.vmctx.is_null() {
            return Decision::Chain;
        }
        match lookup_pc(pc) {
            Some(r) => {
                // SAFETY: registered descriptors outlive their instances (Module contract),
                // and a wasm call is in progress on this thread.
                let rt = unsafe { (*r.desc).raise_trap };
                Decision::Redirect { raise_trap: rt as usize, vmctx: state.vmctx as usize }
            }
            None => Decision::Chain,
        }
    }

    #[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
    mod handler {
        use super::*;
        use std::sync::Once;

        static mut PREV_SEGV: core::mem::MaybeUninit<libc::sigaction> = core::mem::MaybeUninit::uninit();
        static mut PREV_BUS: core::mem::MaybeUninit<libc::sigaction> = core::mem::MaybeUninit::uninit();
        static INSTALL: Once = Once::new();

        pub(crate) fn ensure_installed() {
            INSTALL.call_once(|| {
                // SAFETY: installing a handler with a zeroed, then filled sigaction; previous
                // actions are written to statics before any fault can reach our handler
                // (Once serialises installation).
                unsafe {
                    let mut sa: libc::sigaction = core::mem::zeroed();
                    sa.sa_sigaction = handle as *const () as usize;
                    sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                    libc::sigemptyset(&mut sa.sa_mask);
                    libc::sigaction(libc::SIGSEGV, &sa, (&raw mut PREV_SEGV).cast());
                    libc::sigaction(libc::SIGBUS, &sa, (&raw mut PREV_BUS).cast());
                }
            });
        }

        unsafe fn pc_of(ctx: *mut libc::c_void) -> usize {
            let uc = ctx as *mut libc::ucontext_t;
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the kernel passes a valid ucontext.
            return unsafe { (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as usize };
            #[cfg(target_arch = "aarch64")]
            // SAFETY: as above.
            return unsafe { (*uc).uc_mcontext.pc as usize };
        }

        unsafe fn redirect(ctx: *mut libc::c_void, raise_trap: usize, vmctx: usize) {
            let uc = ctx as *mut libc::ucontext_t;
            #[cfg(target_arch = "x86_64")]
            // SAFETY: rewriting the interrupted context provided by the kernel.
            unsafe {
                let g = &mut (*uc).uc_mcontext.gregs;
                let rsp = g[libc::REG_RSP as usize] as usize;
                let new_sp = ((rsp - 256) & !15) - 8;
                g[libc::REG_RSP as usize] = new_sp as i64;
                g[libc::REG_RIP as usize] = raise_trap as i64;
                g[libc::REG_RDI as usize] = vmctx as i64;
                g[libc::REG_RSI as usize] = crate::abi::trap::MEMORY_OUT_OF_BOUNDS as i64;
                g[libc::REG_RDX as usize] = crate::abi::UNKNOWN_FUNC as i64;
            }
            #[cfg(target_arch = "aarch64")]
            // SAFETY: as above.
            unsafe {
                let m = &mut (*uc).uc_mcontext;
                let sp = m.sp as usize;
                m.sp = ((sp - 256) & !15) as u64;
                m.regs[30] = m.pc; // fake return address
                m.pc = raise_trap as u64;
                m.regs[0] = vmctx as u64;
                m.regs[1] = crate::abi::trap::MEMORY_OUT_OF_BOUNDS as u64;
                m.regs[2] = crate::abi::UNKNOWN_FUNC as u64;
            }
        }

        unsafe extern "C" fn handle(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
            // SAFETY: ctx is the kernel's ucontext.
            let pc = unsafe { pc_of(ctx) };
            let state = CURRENT.try_with(|c| c.get()).unwrap_or(WasmCallState { vmctx: core::ptr::null_mut(), raise_trap: None });
            if let Decision::Redirect { raise_trap, vmctx } = decide(pc, state) {
                let _ = FAULT_PC.try_with(|c| c.set(pc));
                // SAFETY: redirecting a fault in registered wasm code to its raise_trap.
                unsafe { redirect(ctx, raise_trap, vmctx) };
                return;
            }
            // SAFETY: chaining to the previous action saved at installation.
            unsafe {
                let prev: *mut libc::sigaction =
                    if sig == libc::SIGBUS { (&raw mut PREV_BUS).cast() } else { (&raw mut PREV_SEGV).cast() };
                let p = &*prev;
                if p.sa_flags & libc::SA_SIGINFO != 0 && p.sa_sigaction > 1 {
                    let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                        core::mem::transmute(p.sa_sigaction);
                    f(sig, info, ctx);
                } else if p.sa_sigaction == libc::SIG_DFL || p.sa_sigaction == libc::SIG_IGN {
                    // Restore the default action and return: the fault re-raises and kills us.
                    let mut dfl: libc::sigaction = core::mem::zeroed();
                    dfl.sa_sigaction = libc::SIG_DFL;
                    libc::sigaction(sig, &dfl, core::ptr::null_mut());
                } else {
                    let f: extern "C" fn(libc::c_int) = core::mem::transmute(p.sa_sigaction);
                    f(sig);
                }
            }
        }
    }

    #[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
    pub(crate) use handler::ensure_installed;

    /// No handler on this platform: guard-page faults crash the process.
    #[cfg(not(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))))]
    pub(crate) fn ensure_installed() {}

    #[cfg(test)]
    mod tests {
        use super::*;

        unsafe extern "C" fn fake_raise(_: *mut VMContext, _: u32, _: u32) -> ! {
            panic!("fake raise_trap")
        }

        #[test]
        fn chain_decision() {
            static CODE: [u8; 64] = [0; 64];
            let start = CODE.as_ptr();
            let desc = Box::leak(Box::new(ModuleDescriptor {
                abi_version: crate::abi::ABI_VERSION,
                flags: 0,
                info: core::ptr::null(),
                info_len: 0,
                funcs: core::ptr::null(),
                num_funcs: 0,
                import_stubs: core::ptr::null(),
                num_import_stubs: 0,
                raise_trap: fake_raise,
                code_start: start,
                // SAFETY: one past the end of CODE.
                code_end: unsafe { start.add(64) },
            }));
            register_module(desc);
            register_module(desc);
            let inside = start as usize + 10;
            let idle = WasmCallState { vmctx: core::ptr::null_mut(), raise_trap: None };
            assert_eq!(decide(inside, idle), Decision::Chain);
            let busy = WasmCallState { vmctx: 0x1000 as *mut VMContext, raise_trap: Some(fake_raise) };
            assert_eq!(decide(inside, busy), Decision::Redirect { raise_trap: fake_raise as *const () as usize, vmctx: 0x1000 });
            assert_eq!(decide(start as usize + 64, busy), Decision::Chain);
            assert_eq!(decide(start as usize - 1, busy), Decision::Chain);
            assert_eq!(decide(chain_decision as *const () as usize, busy), Decision::Chain);
            let mut n = 0;
            let mut p = REGISTRY.load(Ordering::Acquire) as *const CodeRange;
            while !p.is_null() {
                // SAFETY: registry nodes are leaked.
                let r = unsafe { &*p };
                if core::ptr::eq(r.desc, desc) {
                    n += 1;
                }
                p = r.next;
            }
            assert_eq!(n, 1, "registered once per descriptor");
        }
    }
}
