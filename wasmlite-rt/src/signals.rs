//! Fault classification for guard-page traps: the per-thread "inside wasm" state, the
//! registries of wasm code and guard-page memory reservations (async-signal-safe, lock-free:
//! [`wasmlite_abi::registry`]) and the SIGSEGV/SIGBUS handler.
//!
//! The handler claims a fault only when it is wasm's own:
//! * a wasm call is running on this thread, **and** the faulting pc lies in registered wasm
//!   code (the `code_ranges` of a loaded module, one per code object: every function, stub
//!   and `raise_trap` of the module lies in one of them), **and**
//! * the faulting address (`si_addr`) lies in a registered memory reservation →
//!   `MEMORY_OUT_OF_BOUNDS`; or in this thread's stack guard region → `STACK_OVERFLOW`.
//!
//! It then records the trap and makes the thread continue in a trampoline that raises the
//! trap exception as if called from the faulting pc (`raise_in_handler`); it runs on the
//! alternate signal stack (at least 64 KiB, installed per thread by `Store::new` when the
//! thread's is smaller) and the unwinding ends at the running call's boundary.
//!
//! Everything else — a host bug in `main`, a bad pointer in a host function called from wasm,
//! a wild access from wasm code outside any reservation — goes to the previous handler, or
//! gets the default action (the process dies by that signal).
//!
//! Hooks for the rest of the runtime:
//! * `Memory` (guard mode) calls [`register_reservation`] right after `mmap` of the
//!   reservation (failure → the memory creation fails) and [`unregister_reservation`] in `Drop`
//!   before `munmap`;
//! * `Module::from_descriptor` calls [`register_module`]; whoever frees code calls
//!   [`unregister_module`] (the JIT does it through `wasmlite_abi::registry::unregister_code`).

#![deny(clippy::undocumented_unsafe_blocks)]
//!
//! Interruption (`InterruptHandle::interrupt`, for code compiled without polling): the store
//! records the thread that runs its wasm code ([`RunningThread`]); `interrupt` sets the
//! store's flag and sends that thread [`interrupt_signal`] (`tgkill`). The handler raises the
//! `INTERRUPTED` trap in the thread (like a fault) only when it is safe and wanted: a wasm call
//! is running on it, the pc lies in registered wasm code (so it belongs to the innermost call,
//! whose boundary is live), no trap is in progress (`trap_code` is 0) and the flag is still
//! set. Otherwise the thread is in host code (a host function, a builtin, the runtime, an
//! entry's bookkeeping) and the flag stays set; generated code checks it where control comes
//! back: array entries before calling the function, import stubs after the host function
//! returned, and after every builtin call. So a request is never lost and never fires outside
//! wasm code.

#[cfg(feature = "std")]
pub(crate) use imp::*;

#[cfg(all(feature = "std", target_os = "linux", target_arch = "x86_64"))]
pub(crate) use running::{interrupt_signal, RunningThread};

/// The thread running a store's wasm code; without signal support there is nobody to signal.
#[cfg(not(all(feature = "std", target_os = "linux", target_arch = "x86_64")))]
pub(crate) struct RunningThread;

#[cfg(not(all(feature = "std", target_os = "linux", target_arch = "x86_64")))]
impl RunningThread {
    pub(crate) const fn new() -> Self {
        RunningThread
    }
    pub(crate) fn bind_current_thread(&self) {}
    pub(crate) fn signal(&self) {}
}

/// No interrupt signal without `std` on x86-64 Linux.
#[cfg(not(all(feature = "std", target_os = "linux", target_arch = "x86_64")))]
pub(crate) fn interrupt_signal() -> Option<i32> {
    None
}

#[cfg(all(feature = "std", target_os = "linux", target_arch = "x86_64"))]
mod running {
    use core::cell::Cell;
    use core::sync::atomic::{AtomicI32, Ordering};

    /// The signal sent to interrupt a thread running wasm code: `SIGRTMAX - 1`.
    pub(crate) fn interrupt_signal() -> Option<i32> {
        Some(libc::SIGRTMAX() - 1)
    }

    std::thread_local! {
        static TID: Cell<i32> = const { Cell::new(0) };
    }

    /// This thread's kernel thread id (cached).
    fn current_tid() -> i32 {
        TID.with(|c| {
            if c.get() == 0 {
                // SAFETY: gettid has no preconditions.
                c.set(unsafe { libc::syscall(libc::SYS_gettid) } as i32);
            }
            c.get()
        })
    }

    /// The kernel thread id of the thread that runs a store's wasm code (0: none yet). Stores
    /// are not `Send`, so it is one thread for the store's whole life.
    ///
    /// The signal goes through `tgkill(pid, tid)`, which is harmless for a thread that is not
    /// running wasm code (the handler does nothing there), that has exited (`ESRCH`) or whose id
    /// a new thread of this process reuses (its handler finds its own, unrequested store or no
    /// wasm call). So no per-call bookkeeping is needed: only the first entry of a thread
    /// publishes its id, with a `SeqCst` store ordered before that entry's check of the flag.
    pub(crate) struct RunningThread {
        tid: AtomicI32,
    }

    impl RunningThread {
        pub(crate) const fn new() -> Self {
            RunningThread { tid: AtomicI32::new(0) }
        }

        /// Called by the thread that will run the store's wasm code (`Store::new`: a store
        /// never leaves its thread): installs the signal handler, publishes the thread id.
        pub(crate) fn bind_current_thread(&self) {
            // Fast path: this thread's id is cached and already published here (never 0).
            let me = TID.with(|c| c.get());
            if me == 0 || self.tid.load(Ordering::Relaxed) != me {
                self.publish();
            }
        }

        #[cold]
        #[inline(never)]
        fn publish(&self) {
            let me = current_tid();
            if self.tid.load(Ordering::Relaxed) != me {
                super::ensure_installed();
                super::imp::ensure_alt_stack();
                // SeqCst: ordered before the entry's check of the interrupt flag (see
                // `InterruptHandle::interrupt`).
                self.tid.store(me, Ordering::SeqCst);
            }
        }

        /// Send the interrupt signal to the store's thread, if it ever ran wasm code.
        pub(crate) fn signal(&self) {
            let tid = self.tid.load(Ordering::SeqCst);
            if let (true, Some(sig)) = (tid != 0, interrupt_signal()) {
                // SAFETY: tgkill only sends a signal (see above why any target is harmless);
                // our handler is installed (`enter` ran before `tid` was published).
                unsafe { libc::syscall(libc::SYS_tgkill, libc::getpid(), tid, sig) };
            }
        }
    }
}

#[cfg(feature = "std")]
#[allow(dead_code)]
mod imp {
    use core::cell::Cell;

    use crate::abi::registry::{self, CODE, RESERVATIONS};
    use crate::abi::{store_offsets, trap, ModuleDescriptor, VMContext, VMCTX_STORE};

    /// Register the code range of a module (idempotent per descriptor).
    ///
    /// The caller guarantees that `desc` is a valid descriptor whose code stays mapped until
    /// [`unregister_module`] (the `Module::from_descriptor` contract).
    pub(crate) fn register_module(desc: *const ModuleDescriptor) {
        // SAFETY: guaranteed by the caller (see above).
        unsafe { registry::register_code(desc) }
    }

    /// Forget the code range of a module; returns whether it was registered. Must be called
    /// before the code is freed.
    pub(crate) fn unregister_module(desc: *const ModuleDescriptor) -> bool {
        registry::unregister_code(desc)
    }

    /// Register a guard-page memory reservation `[start, start + len)`: faults there from wasm
    /// code become `MemoryOutOfBounds` traps. Fails (and the memory creation must fail) for an
    /// empty or overflowing range, or a start that is already registered.
    pub(crate) fn register_reservation(start: usize, len: usize) -> Result<(), &'static str> {
        let end = start.checked_add(len).ok_or("memory reservation wraps around the address space")?;
        if start == 0 || len == 0 {
            return Err("empty memory reservation");
        }
        if !RESERVATIONS.insert(start, start, end, 0) {
            return Err("memory reservation is already registered");
        }
        Ok(())
    }

    /// Forget the reservation starting at `start` (before unmapping it); returns whether it was
    /// registered.
    pub(crate) fn unregister_reservation(start: usize) -> bool {
        RESERVATIONS.remove(start) > 0
    }

    /// Per-thread state of the current wasm call: the VMContext of the innermost running
    /// call (null: none).
    #[derive(Clone, Copy)]
    pub(crate) struct WasmCallState {
        pub(crate) vmctx: *mut VMContext,
    }

    impl WasmCallState {
        const IDLE: WasmCallState = WasmCallState { vmctx: core::ptr::null_mut() };
    }

    /// The per-thread state read on every call between host and wasm code, in one
    /// thread-local so that the call path computes its address once: the signal handler's
    /// view of the running call and the borrow epoch (`crate::borrow`).
    pub(crate) struct ThreadState {
        call: Cell<WasmCallState>,
        pub(crate) epoch: Cell<u64>,
    }

    std::thread_local! {
        pub(crate) static THREAD: ThreadState = const { ThreadState { call: Cell::new(WasmCallState::IDLE), epoch: Cell::new(0) } };
        static FAULT_PC: Cell<usize> = const { Cell::new(0) };
        static STACK_LOW: Cell<usize> = const { Cell::new(0) };
    }

    /// Set the current wasm call state; returns the previous one (restore it afterwards).
    #[inline]
    pub(crate) fn enter_wasm(vmctx: *mut VMContext) -> WasmCallState {
        THREAD.with(|t| t.call.replace(WasmCallState { vmctx }))
    }

    /// Restore the state returned by [`enter_wasm`].
    #[inline]
    pub(crate) fn leave_wasm(prev: WasmCallState) {
        THREAD.with(|t| t.call.set(prev));
    }

    /// The pc of the last guard-page fault raised as a trap on this thread (taken: reset to 0).
    pub(crate) fn take_fault_pc() -> usize {
        FAULT_PC.with(|c| c.replace(0))
    }

    /// Lowest usable address of this thread's stack (0 if unknown), cached per thread (the
    /// signal handler reads the cache only).
    #[inline]
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

    /// Bytes below the lowest usable stack address treated as the stack guard (glibc places
    /// its guard pages there; the kernel's gap below the main thread's stack is 1 MiB).
    pub(crate) const STACK_GUARD_BELOW: usize = 1 << 20;
    /// Bytes above the lowest usable stack address also treated as guard (glibc before 2.27
    /// reported the guard pages as part of the stack).
    pub(crate) const STACK_GUARD_ABOVE: usize = 64 << 10;

    /// Whether `addr` lies in the guard region of a stack whose lowest usable address is `low`.
    pub(crate) fn in_stack_guard(addr: usize, low: usize) -> bool {
        low != 0 && low.saturating_sub(STACK_GUARD_BELOW) <= addr && addr < low.saturating_add(STACK_GUARD_ABOVE)
    }

    /// What the handler does with a fault.
    #[derive(Debug, PartialEq, Eq)]
    pub(crate) enum Decision {
        /// A trap of the wasm call running with VMContext `vmctx`: record `code` and unwind
        /// from the handler ([`raise_in_handler`]).
        Trap { vmctx: usize, code: u32 },
        /// Not wasm's fault: chain to the previous handler / default action.
        Chain,
    }

    /// Classify a fault at `pc` accessing `addr` on a thread in `state` whose stack starts at
    /// `stack_low` (0: unknown). Async-signal-safe.
    pub(crate) fn decide(pc: usize, addr: usize, state: WasmCallState, stack_low: usize) -> Decision {
        if state.vmctx.is_null() {
            return Decision::Chain;
        }
        if CODE.lookup(pc).is_none() {
            return Decision::Chain;
        }
        let vmctx = state.vmctx as usize;
        if RESERVATIONS.lookup(addr).is_some() {
            Decision::Trap { vmctx, code: trap::MEMORY_OUT_OF_BOUNDS }
        } else if in_stack_guard(addr, stack_low) {
            Decision::Trap { vmctx, code: trap::STACK_OVERFLOW }
        } else {
            Decision::Chain
        }
    }

    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    mod handler {
        use super::*;
        use core::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Once;

        /// Previous actions. Written once, before our handler is installed (then read-only).
        static mut PREV_SEGV: core::mem::MaybeUninit<libc::sigaction> = core::mem::MaybeUninit::uninit();
        static mut PREV_BUS: core::mem::MaybeUninit<libc::sigaction> = core::mem::MaybeUninit::uninit();
        /// Set (Release) after both `PREV_*` are written, before `sigaction` installs us.
        static PREV_READY: AtomicBool = AtomicBool::new(false);
        static INSTALL: Once = Once::new();

        pub(crate) fn ensure_installed() {
            INSTALL.call_once(|| {
                // SAFETY: `PREV_*` are written only here, once (Once), and read by the handler
                // only after PREV_READY is observed true, which is stored after the writes and
                // before the handler can run (it is installed afterwards).
                unsafe {
                    libc::sigaction(libc::SIGSEGV, core::ptr::null(), (&raw mut PREV_SEGV).cast());
                    libc::sigaction(libc::SIGBUS, core::ptr::null(), (&raw mut PREV_BUS).cast());
                    PREV_READY.store(true, Ordering::Release);
                    let mut sa: libc::sigaction = core::mem::zeroed();
                    sa.sa_sigaction = handle as *const () as usize;
                    // Every signal blocked while the handler runs: it writes the trampoline's
                    // frame below its own (see `raise_in_handler`).
                    sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                    libc::sigfillset(&mut sa.sa_mask);
                    libc::sigaction(libc::SIGSEGV, &sa, core::ptr::null_mut());
                    libc::sigaction(libc::SIGBUS, &sa, core::ptr::null_mut());
                    if let Some(sig) = crate::signals::interrupt_signal() {
                        let mut si: libc::sigaction = core::mem::zeroed();
                        si.sa_sigaction = handle_interrupt as *const () as usize;
                        // SA_RESTART: a host function's system call interrupted by a signal
                        // that is not acted upon (host pc) continues. Every signal blocked, as
                        // above.
                        si.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_RESTART;
                        libc::sigfillset(&mut si.sa_mask);
                        libc::sigaction(sig, &si, core::ptr::null_mut());
                    }
                }
            });
        }

        /// Raise trap `code` of the wasm call running with VMContext `vmctx`, which faulted or
        /// was interrupted at `pc`: record it like `raise_trap` does, then make the interrupted
        /// context continue in [`wasmlite_rt_trap_trampoline`], which raises the thread's trap
        /// exception. Its unwind information names the interrupted frame (registers as they
        /// were, `pc` as its position) as its caller, so the unwinder walks from there through
        /// the wasm frames to the call's boundary (`enter`), which restores the host's
        /// registers and stack pointer. The trampoline runs just below this handler's frame
        /// (on the alternate signal stack, or below the interrupted frame's red zone), not on
        /// the interrupted stack, which may be exhausted. Returns false (nothing changed) if
        /// the thread has no trap exception (it is being torn down).
        ///
        /// # Safety
        /// Called from a signal handler (all signals blocked) with the kernel's ucontext `uc`,
        /// on the thread whose innermost wasm call has VMContext `vmctx` (live), with `pc` in
        /// registered wasm code: only wasm frames lie between `pc` and that call's boundary.
        unsafe fn raise_in_handler(uc: *mut libc::ucontext_t, vmctx: usize, code: u32, pc: usize) -> bool {
            // SAFETY: vmctx is live (contract) and its store pointer is valid for the whole call.
            unsafe {
                let store = *((vmctx + VMCTX_STORE as usize) as *const usize);
                *((store + store_offsets::TRAP_CODE as usize) as *mut u32) = code;
                *((store + store_offsets::TRAP_FUNC as usize) as *mut u32) = crate::abi::UNKNOWN_FUNC;
            }
            // SAFETY: per the contract (after recording the code, which it copies).
            let exn = unsafe { crate::exceptions::trap_exception(vmctx as *mut VMContext) };
            if exn.is_null() {
                return false;
            }
            let _ = FAULT_PC.try_with(|c| c.set(pc));
            let marker = 0u8;
            let here = core::ptr::addr_of!(marker) as usize;
            // The trampoline's frame (16-byte aligned, so its call is aligned): [sp] = return
            // address, [sp + 8 + 8 r] = the interrupted value of DWARF register r (x86-64
            // numbering, r = 7 being rsp), see the trampoline's unwind information.
            let sp = (here - 1024) & !15;
            // SAFETY: `sp` lies below this handler's frame, on its stack, which is free once the
            // handler returns (no signal can arrive before: all are blocked); rewriting the
            // interrupted context provided by the kernel.
            unsafe {
                let g = &mut (*uc).uc_mcontext.gregs;
                let save = sp as *mut usize;
                *save = pc + 1;
                for (r, reg) in DWARF_GREGS.iter().enumerate() {
                    *save.add(1 + r) = g[*reg as usize] as usize;
                }
                g[libc::REG_RSP as usize] = sp as i64;
                g[libc::REG_RIP as usize] = wasmlite_rt_trap_trampoline as *const () as usize as i64;
                g[libc::REG_RDI as usize] = exn as i64;
                g[libc::REG_RSI as usize] = crate::call::RAISE_TRAP as *const () as usize as i64;
            }
            true
        }

        /// The `ucontext` register of each x86-64 DWARF register number 0..=15.
        const DWARF_GREGS: [libc::c_int; 16] = [
            libc::REG_RAX,
            libc::REG_RDX,
            libc::REG_RCX,
            libc::REG_RBX,
            libc::REG_RSI,
            libc::REG_RDI,
            libc::REG_RBP,
            libc::REG_RSP,
            libc::REG_R8,
            libc::REG_R9,
            libc::REG_R10,
            libc::REG_R11,
            libc::REG_R12,
            libc::REG_R13,
            libc::REG_R14,
            libc::REG_R15,
        ];

        // The trampoline of `raise_in_handler`: `rsi(rdi)` = `raise_trap(exn)` (`call::RAISE_TRAP`).
        // Its unwind information makes the interrupted frame its caller, with every register
        // as it was (the frame's own rules may use any of them, e.g. r11 in a stack-probe
        // loop): return address `pc + 1` at [rsp] (the unwinder looks up `return address - 1`,
        // i.e. `pc` itself), register r at [rsp + 8 + 8 r], the CFA (the caller's rsp) the
        // value at [rsp + 64]. DWARF: DW_CFA_def_cfa_expression (0x0f) `DW_OP_breg7 64;
        // DW_OP_deref`, then per register DW_CFA_expression (0x10) `r, DW_OP_breg7 (8 + 8 r)`
        // (SLEB128 offsets), and for column 16 (the return address) `DW_OP_breg7 0`.
        std::arch::global_asm!(
            ".pushsection .text.wasmlite_rt_trap_trampoline,\"ax\",@progbits",
            ".p2align 4",
            ".globl wasmlite_rt_trap_trampoline",
            ".hidden wasmlite_rt_trap_trampoline",
            ".type wasmlite_rt_trap_trampoline,@function",
            "wasmlite_rt_trap_trampoline:",
            ".cfi_startproc",
            ".cfi_escape 0x0f, 0x04, 0x77, 0xc0, 0x00, 0x06",
            ".cfi_escape 0x10, 0x00, 0x02, 0x77, 0x08",
            ".cfi_escape 0x10, 0x01, 0x02, 0x77, 0x10",
            ".cfi_escape 0x10, 0x02, 0x02, 0x77, 0x18",
            ".cfi_escape 0x10, 0x03, 0x02, 0x77, 0x20",
            ".cfi_escape 0x10, 0x04, 0x02, 0x77, 0x28",
            ".cfi_escape 0x10, 0x05, 0x02, 0x77, 0x30",
            ".cfi_escape 0x10, 0x06, 0x02, 0x77, 0x38",
            ".cfi_escape 0x10, 0x08, 0x03, 0x77, 0xc8, 0x00",
            ".cfi_escape 0x10, 0x09, 0x03, 0x77, 0xd0, 0x00",
            ".cfi_escape 0x10, 0x0a, 0x03, 0x77, 0xd8, 0x00",
            ".cfi_escape 0x10, 0x0b, 0x03, 0x77, 0xe0, 0x00",
            ".cfi_escape 0x10, 0x0c, 0x03, 0x77, 0xe8, 0x00",
            ".cfi_escape 0x10, 0x0d, 0x03, 0x77, 0xf0, 0x00",
            ".cfi_escape 0x10, 0x0e, 0x03, 0x77, 0xf8, 0x00",
            ".cfi_escape 0x10, 0x0f, 0x03, 0x77, 0x80, 0x01",
            ".cfi_escape 0x10, 0x10, 0x02, 0x77, 0x00",
            "call rsi",
            // `_Unwind_RaiseException` returned: no boundary caught it (a wasmlite bug).
            "ud2",
            ".cfi_endproc",
            ".size wasmlite_rt_trap_trampoline, . - wasmlite_rt_trap_trampoline",
            ".popsection",
        );

        extern "C" {
            /// See the `global_asm!` above; entered only by a rewritten signal context.
            fn wasmlite_rt_trap_trampoline();
        }

        /// The smallest alternate signal stack the handlers run on: they unwind from it
        /// (`raise_in_handler`), and the kernel's signal frame with the extended register state
        /// comes first. Rust's own (`SIGSTKSZ`, 8 KiB) leaves too little margin.
        const ALT_STACK_SIZE: usize = 64 << 10;

        /// This thread's alternate signal stack, if the runtime installed it (unmapped when
        /// the thread ends).
        struct AltStack {
            map: core::cell::Cell<usize>,
            len: core::cell::Cell<usize>,
        }

        impl Drop for AltStack {
            fn drop(&mut self) {
                let (map, len) = (self.map.get(), self.len.get());
                if map == 0 {
                    return;
                }
                // SAFETY: the thread is ending and runs no handler: disable the alternate
                // stack, then unmap the mapping this thread made in `ensure_alt_stack`.
                unsafe {
                    let off = libc::stack_t { ss_sp: core::ptr::null_mut(), ss_flags: libc::SS_DISABLE, ss_size: 0 };
                    libc::sigaltstack(&off, core::ptr::null_mut());
                    libc::munmap(map as *mut libc::c_void, len);
                }
            }
        }

        std::thread_local! {
            static ALT_STACK: AltStack = const { AltStack { map: core::cell::Cell::new(0), len: core::cell::Cell::new(0) } };
        }

        /// Give this thread an alternate signal stack of at least [`ALT_STACK_SIZE`] bytes
        /// (with a guard page below it) unless it has one. Called once per store (by the
        /// thread that runs its wasm code); failures leave the thread as it was.
        pub(crate) fn ensure_alt_stack() {
            let _ = ALT_STACK.try_with(|a| {
                if a.map.get() != 0 {
                    return;
                }
                // SAFETY: plain system calls on this thread's own signal stack and a fresh
                // private mapping; the new stack is installed only once fully set up.
                unsafe {
                    let mut old: libc::stack_t = core::mem::zeroed();
                    if libc::sigaltstack(core::ptr::null(), &mut old) != 0 {
                        return;
                    }
                    if old.ss_flags & libc::SS_DISABLE == 0 && old.ss_size >= ALT_STACK_SIZE {
                        return;
                    }
                    let page = usize::try_from(libc::sysconf(libc::_SC_PAGESIZE)).unwrap_or(4096).max(4096);
                    let len = ALT_STACK_SIZE + page;
                    let map = libc::mmap(core::ptr::null_mut(), len, libc::PROT_NONE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0);
                    if map == libc::MAP_FAILED {
                        return;
                    }
                    let stack = (map as *mut u8).add(page) as *mut libc::c_void;
                    let new = libc::stack_t { ss_sp: stack, ss_flags: 0, ss_size: ALT_STACK_SIZE };
                    if libc::mprotect(stack, ALT_STACK_SIZE, libc::PROT_READ | libc::PROT_WRITE) != 0 || libc::sigaltstack(&new, core::ptr::null_mut()) != 0 {
                        libc::munmap(map, len);
                        return;
                    }
                    a.map.set(map as usize);
                    a.len.set(len);
                }
            });
        }

        /// Whether the interrupt signal should raise the `Interrupted` trap in a thread in
        /// `state` at `pc` now (see the module docs). Returns the running call's VMContext.
        ///
        /// # Safety
        /// Called on the thread the signal interrupted, `state` being its call state.
        unsafe fn interrupt_target(pc: usize, state: WasmCallState) -> Option<usize> {
            if state.vmctx.is_null() {
                return None;
            }
            CODE.lookup(pc)?;
            let vmctx = state.vmctx as usize;
            // SAFETY: a wasm call is running on this thread, so its VMContext and store are
            // live; fields another thread may write are read atomically.
            unsafe {
                let store = *((vmctx + VMCTX_STORE as usize) as *const usize);
                if store == 0 {
                    return None;
                }
                let code_now = core::ptr::read_volatile((store + store_offsets::TRAP_CODE as usize) as *const u32);
                let flag = core::sync::atomic::AtomicU32::from_ptr((store + store_offsets::INTERRUPT as usize) as *mut u32)
                    .load(Ordering::SeqCst);
                (code_now == 0 && flag != 0).then_some(vmctx)
            }
        }

        unsafe extern "C" fn handle_interrupt(_sig: libc::c_int, _info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
            let uc = ctx as *mut libc::ucontext_t;
            // SAFETY: the kernel passes a valid ucontext (SA_SIGINFO).
            let pc = unsafe { (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as usize };
            let state = THREAD.try_with(|t| t.call.get()).unwrap_or(WasmCallState::IDLE);
            // SAFETY: on the interrupted thread with its own call state.
            if let Some(vmctx) = unsafe { interrupt_target(pc, state) } {
                // SAFETY: the pc is wasm code of the innermost running call and no trap is in
                // progress.
                unsafe { raise_in_handler(uc, vmctx, trap::INTERRUPTED, pc) };
            }
            // Otherwise host code runs: the flag stays set and is checked when control
            // returns to wasm code.
        }

        unsafe extern "C" fn handle(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
            let uc = ctx as *mut libc::ucontext_t;
            // SAFETY: the kernel passes a valid siginfo and ucontext (SA_SIGINFO).
            let (pc, addr) = unsafe { ((*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as usize, (*info).si_addr() as usize) };
            let state = THREAD.try_with(|t| t.call.get()).unwrap_or(WasmCallState::IDLE);
            let low = STACK_LOW.try_with(|c| c.get()).unwrap_or(0);
            if let Decision::Trap { vmctx, code } = decide(pc, addr, state, low) {
                // SAFETY: a fault in registered wasm code during a wasm call of this thread.
                if unsafe { raise_in_handler(uc, vmctx, code, pc) } {
                    return;
                }
            }
            // SAFETY: chaining to the previous action, fully written before we were installed.
            unsafe { chain(sig, info, ctx) }
        }

        /// Hand the signal to the previous action, or restore the default action and return
        /// (the faulting instruction re-executes and the process dies by `sig`).
        ///
        /// # Safety
        /// Called from the signal handler with its arguments.
        unsafe fn chain(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
            // SAFETY: PREV_* are read-only once PREV_READY is set (see ensure_installed);
            // calling the previous handler with the arguments the kernel gave us.
            unsafe {
                if PREV_READY.load(Ordering::Acquire) {
                    let prev: *const libc::sigaction =
                        if sig == libc::SIGBUS { (&raw const PREV_BUS).cast() } else { (&raw const PREV_SEGV).cast() };
                    let p = &*prev;
                    if p.sa_sigaction != libc::SIG_DFL && p.sa_sigaction != libc::SIG_IGN {
                        if p.sa_flags & libc::SA_SIGINFO != 0 {
                            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                                core::mem::transmute(p.sa_sigaction);
                            f(sig, info, ctx);
                        } else {
                            let f: extern "C" fn(libc::c_int) = core::mem::transmute(p.sa_sigaction);
                            f(sig);
                        }
                        return;
                    }
                }
                let mut dfl: libc::sigaction = core::mem::zeroed();
                dfl.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(sig, &dfl, core::ptr::null_mut());
            }
        }
    }

    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    pub(crate) use handler::{ensure_alt_stack, ensure_installed};

    /// No handler on this platform: guard-page memories are not available
    /// (`wasmlite_abi::target::HOST_GUARD_PAGES` is false).
    #[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
    pub(crate) fn ensure_installed() {}

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::boxed::Box;
        use crate::abi::CodeRange;

        unsafe extern "C-unwind" fn fake_raise(_: *mut VMContext, _: u32, _: u32) -> ! {
            panic!("fake raise_trap")
        }

        unsafe extern "C" fn fake_entry(_: *mut crate::abi::VMStore, _: crate::abi::ArrayFn, _: *mut core::ffi::c_void, _: *mut crate::abi::ValRaw) -> u32 {
            panic!("fake entry")
        }

        fn descriptor(code: &'static [u8]) -> &'static ModuleDescriptor {
            descriptor_of(&[code])
        }

        fn descriptor_of(codes: &[&'static [u8]]) -> &'static ModuleDescriptor {
            let ranges: &'static [CodeRange] = Box::leak(
                codes
                    .iter()
                    .map(|c| CodeRange { start: c.as_ptr(), end: c.as_ptr().wrapping_add(c.len()) })
                    .collect::<std::vec::Vec<_>>()
                    .into_boxed_slice(),
            );
            Box::leak(Box::new(ModuleDescriptor {
                abi_version: crate::abi::ABI_VERSION,
                flags: 0,
                info: core::ptr::null(),
                info_len: 0,
                funcs: core::ptr::null(),
                num_funcs: 0,
                import_stubs: core::ptr::null(),
                num_import_stubs: 0,
                raise_trap: fake_raise,
                enter: fake_entry,
                sjlj_entry: fake_entry,
                code_ranges: ranges.as_ptr(),
                num_code_ranges: ranges.len(),
            }))
        }

        fn count(desc: *const ModuleDescriptor) -> usize {
            usize::from(CODE.get(desc as usize).is_some())
        }

        #[test]
        fn code_range_registry() {
            static CODE_A: [u8; 64] = [0; 64];
            let desc = descriptor(&CODE_A);
            let start = CODE_A.as_ptr() as usize;
            register_module(desc);
            register_module(desc);
            assert_eq!(count(desc), 1, "registered once per descriptor");
            assert_eq!(CODE.lookup(start + 10).map(|e| e.data), Some(fake_raise as *const () as usize));
            // Other tests register statics next to this one at the same time: only this
            // descriptor's registrations matter.
            let mine = |e: crate::abi::registry::Entry| e.key == desc as *const ModuleDescriptor as usize;
            assert!(!CODE.lookup(start + 64).is_some_and(mine));
            assert!(!CODE.lookup(start.wrapping_sub(1)).is_some_and(mine));
            assert!(unregister_module(desc));
            assert!(!unregister_module(desc), "second unregister finds nothing");
            assert_eq!(CODE.lookup(start + 10), None, "freed code is no longer wasm code");
        }

        #[test]
        fn several_code_ranges() {
            static PART_A: [u8; 32] = [0; 32];
            static PART_B: [u8; 48] = [0; 48];
            let desc = descriptor_of(&[&PART_A, &PART_B]);
            let (a, b) = (PART_A.as_ptr() as usize, PART_B.as_ptr() as usize);
            register_module(desc);
            register_module(desc);
            let raise = fake_raise as *const () as usize;
            assert_eq!(CODE.lookup(a + 31).map(|e| (e.key, e.data)), Some((desc as *const _ as usize, raise)));
            assert_eq!(CODE.lookup(b).map(|e| e.key), Some(desc as *const _ as usize));
            assert_eq!(CODE.lookup(b + 47).map(|e| e.key), Some(desc as *const _ as usize));
            // (Another test's static may follow PART_B and be registered meanwhile.)
            assert_ne!(CODE.lookup(b + 48).map(|e| e.key), Some(desc as *const _ as usize));
            // SAFETY: the descriptor's ranges point to the two statics.
            assert!(unsafe { desc.contains_code(b + 3) } && !unsafe { desc.contains_code(b + 48) });
            assert!(unregister_module(desc));
            assert_ne!(CODE.lookup(a).map(|e| e.key), Some(desc as *const _ as usize));
            assert_ne!(CODE.lookup(b).map(|e| e.key), Some(desc as *const _ as usize), "every range is unregistered");
        }

        #[test]
        fn reservation_registry() {
            let start = 0x7000_0000_0000usize;
            let len = crate::abi::GUARD_RESERVATION as usize;
            register_reservation(start, len).unwrap();
            assert_eq!(register_reservation(start, len), Err("memory reservation is already registered"));
            assert!(register_reservation(0, 4096).is_err());
            assert!(register_reservation(0x1000, 0).is_err());
            assert!(register_reservation(usize::MAX - 10, 4096).is_err());
            assert!(RESERVATIONS.lookup(start).is_some());
            assert!(RESERVATIONS.lookup(start + len - 1).is_some());
            assert!(RESERVATIONS.lookup(start + len).is_none());
            assert!(unregister_reservation(start));
            assert!(!unregister_reservation(start));
            assert!(RESERVATIONS.lookup(start + 5).is_none());
        }

        #[test]
        fn fault_classification() {
            static CODE_B: [u8; 64] = [0; 64];
            let desc = descriptor(&CODE_B);
            register_module(desc);
            let pc = CODE_B.as_ptr() as usize + 8;
            // Far below where the kernel places mappings (top-down from ~0x7fff…): the
            // guard-page memories other tests create meanwhile cannot overlap these.
            let mem = 0x1100_0000_0000usize;
            register_reservation(mem, 1 << 33).unwrap();
            let low = 0x1200_0000_0000usize;
            let idle = WasmCallState::IDLE;
            let busy = WasmCallState { vmctx: 0x1000 as *mut VMContext };
            let oob = Decision::Trap { vmctx: 0x1000, code: trap::MEMORY_OUT_OF_BOUNDS };
            // Wasm pc + reservation address during a wasm call: a wasm trap.
            assert_eq!(decide(pc, mem + (5 << 30), busy, low), oob);
            // No wasm call on this thread: not ours.
            assert_eq!(decide(pc, mem + 10, idle, low), Decision::Chain);
            // Host pc (e.g. a host function called from wasm), even with a reservation address.
            let host_pc = fault_classification as *const () as usize;
            assert_eq!(decide(host_pc, mem + 10, busy, low), Decision::Chain);
            assert_eq!(decide(host_pc, 8, busy, low), Decision::Chain);
            // Wasm pc but a wild address (null page, unregistered memory): not a wasm trap.
            assert_eq!(decide(pc, 8, busy, low), Decision::Chain);
            assert_eq!(decide(pc, mem + (1 << 33), busy, low), Decision::Chain);
            // Stack guard from wasm code: stack overflow; from host code or unknown stack: chain.
            let so = Decision::Trap { vmctx: 0x1000, code: trap::STACK_OVERFLOW };
            assert_eq!(decide(pc, low - 100, busy, low), so);
            assert_eq!(decide(pc, low + 100, busy, low), so);
            assert_eq!(decide(pc, low - STACK_GUARD_BELOW - 1, busy, low), Decision::Chain);
            assert_eq!(decide(pc, low + STACK_GUARD_ABOVE, busy, low), Decision::Chain);
            assert_eq!(decide(pc, low - 100, busy, 0), Decision::Chain);
            assert_eq!(decide(host_pc, low - 100, busy, low), Decision::Chain);
            // After unregistering, the same fault is no longer claimed.
            unregister_reservation(mem);
            assert_eq!(decide(pc, mem + (5 << 30), busy, low), Decision::Chain);
            unregister_module(desc);
            assert_eq!(decide(pc, low - 100, busy, low), Decision::Chain);
        }
    }
}
