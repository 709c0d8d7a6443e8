//! Lazy compilation: a table of hand-written entry stubs, patched on first call (x86-64;
//! unsafe).
//!
//! A lazy module's shell and function objects refer to a defined function only as an
//! offset into one table of stubs (`wasmlite_codegen::lazy::stubs_symbol`, one absolute
//! symbol in the JIT), so start-up creates no symbol, materialization unit or ORC stub per
//! function: it fills one memory mapping, a loop of 16-byte stores. The mapping holds
//!
//! ```text
//! code (read + execute)                      data (read + write)
//!   header:  mov r11, [rip + ctx]              ctx:        *const LazyState
//!            jmp [rip + resolver]              resolver:   lazy_entry
//!   thunk:   mov esi, INTERRUPTED              raise_trap: the module's
//!            mov edx, UNKNOWN_FUNC
//!            jmp [rip + raise_trap]
//!   stub k:  jmp [rip + slot k]                slot k:     stub k + 6, then the compiled code
//!            push k
//!            jmp header
//! ```
//!
//! Stub `2 i` is the native entry of defined function `i`, stub `2 i + 1` its array entry
//! (`wasmlite_codegen::lazy::stub_number`). Until function `i` is compiled, its slots point
//! back into the stubs (`push k`), which enter [`lazy_entry`] with the stub number on the
//! stack: it saves every argument register, calls [`LazyState::resolve`] (which compiles the
//! function on a thread of its own, links the object into the JIT and patches both slots),
//! restores the registers and returns into the compiled code with the stack exactly as the
//! caller left it. Later calls take one indirect jump, like a PLT entry, and no lock.
//!
//! Interrupts: code that does not poll (the interrupt signal stops it) is entered from the
//! resolver, which is host code, so the resolver checks the store's interrupt flag as an
//! array entry does: if it is set, a wasm-to-wasm first call "returns" into the thunk, which
//! raises the `Interrupted` trap as the callee's first instruction would. The resolver's
//! last instructions (after that check) are registered as wasm code of every lazy module,
//! so an interrupt signal landing there is not lost either.

use std::ffi::c_void;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use wasmlite_codegen::lazy::{
    array_body_symbol, code_marker_symbols, native_body_symbol, stub_function, stub_number, LazyModule, STUB_SIZE,
};

use wasmlite_abi::{ArrayFn, FuncEntry, ModuleDescriptor};

use crate::{Jit, JitError};

/// Whether this architecture has lazy stubs (others compile lazy modules eagerly).
pub(crate) const SUPPORTED: bool = cfg!(all(target_arch = "x86_64", unix));

/// Size of the header trampoline and the interrupt thunk at the start of the mapping.
const HEADER: usize = 32;

/// Offset of the interrupt thunk in the mapping.
const THUNK: usize = 16;

/// Words before the slots in the data part: ctx, resolver, raise_trap.
const DATA_HEADER_WORDS: usize = 3;

/// Stack of the thread a lazy compilation runs on: LLVM needs far more than what a deep
/// wasm call chain may have left on the calling thread.
const COMPILE_STACK: usize = 64 << 20;

/// The per-module state a stub's resolver call receives (in `r11`). Never freed: the stubs
/// that refer to it live as long as the process-wide JIT.
pub(crate) struct LazyState {
    module: Arc<LazyModule>,
    /// Address of stub 0 (the value of the stubs symbol).
    stubs: u64,
    /// `2 n` slots in the data part of the mapping.
    slots: &'static [AtomicU64],
    /// Serialises compilations of this module (a function is compiled once).
    lock: Mutex<()>,
    /// The module's descriptor and `raise_trap` (set once the shell is linked): compiled code
    /// is registered under them with the signal handler (`wasmlite_abi::registry::CODE`).
    code_key: OnceLock<(usize, usize)>,
    /// The data word the interrupt thunk jumps through (the module's `raise_trap`).
    raise_trap_slot: &'static AtomicU64,
}

impl LazyState {
    /// The initial slot value of stub `k`: its own `push k`.
    fn unresolved(&self, k: usize) -> u64 {
        self.stubs + k as u64 * STUB_SIZE + 6
    }

    /// Compile the function of stub `k` unless another call already did, patch its two
    /// slots and return the code address stub `k` stands for.
    fn resolve(&self, k: usize) -> Result<u64, String> {
        let slot = self.slots.get(k).ok_or_else(|| format!("lazy stub {k} out of range"))?;
        let _guard = self.lock.lock().map_err(|_| "lazy compilation lock poisoned".to_string())?;
        let current = slot.load(Ordering::Acquire);
        if current != self.unresolved(k) {
            return Ok(current);
        }
        let (defined, _) = stub_function(k as u64);
        let index = self.module.info().num_imported_funcs + defined;
        let prefix = self.module.prefix();
        let module = Arc::clone(&self.module);
        let object = std::thread::Builder::new()
            .name("wasmlite-lazy-compile".into())
            .stack_size(COMPILE_STACK)
            .spawn(move || module.function_object(index))
            .map_err(|e| format!("cannot start the compile thread: {e}"))?
            .join()
            .map_err(|_| "internal code generator error (panic)".to_string())?
            .map_err(|e| format!("cannot compile function #{index} of `{prefix}`: {e}"))?;
        let &(key, raise_trap) = self.code_key.get().ok_or("lazy module called before its descriptor was set")?;
        let mut jit = crate::engine::global().map_err(|e| e.to_string())?;
        jit.lljit.add_object(&object, &format!("{prefix}_fn{index}"))?;
        let native = jit.lljit.lookup(&native_body_symbol(prefix, index))?;
        let array = jit.lljit.lookup(&array_body_symbol(prefix, index))?;
        let (start, end) = code_marker_symbols(prefix, index);
        let (start, end) = (jit.lljit.lookup(&start)?, jit.lljit.lookup(&end)?);
        drop(jit);
        // Known to the signal handler before any of it runs (guard-page traps).
        if start >= end || !wasmlite_abi::registry::CODE.insert_range(key, start as usize, end as usize, raise_trap) {
            return Err(format!("function #{index}: bad code range {start:#x}..{end:#x}"));
        }
        // Names the function of a trap at a pc in it (the descriptor's ranges cannot).
        wasmlite_abi::registry::FUNC_CODE.insert_range(key, start as usize, end as usize, index as usize);
        for (array_entry, addr) in [(false, native), (true, array)] {
            if let Some(s) = usize::try_from(stub_number(defined, array_entry)).ok().and_then(|n| self.slots.get(n)) {
                s.store(addr, Ordering::Release);
            }
        }
        Ok(slot.load(Ordering::Acquire))
    }
}

/// Whether the interrupt flag of the store of `vmctx` is set.
///
/// # Safety
/// `vmctx` must be the live VMContext a wasm function was called with.
unsafe fn interrupt_requested(vmctx: *const u8) -> bool {
    use wasmlite_abi::{store_offsets, VMCTX_STORE};
    // SAFETY: per the contract the VMContext is live; its store pointer, when set, points to
    // the live VMStore, whose interrupt word is an aligned u32 other threads write atomically.
    unsafe {
        let store = *(vmctx.add(VMCTX_STORE as usize) as *const *mut u8);
        !store.is_null()
            && std::sync::atomic::AtomicU32::from_ptr(store.add(store_offsets::INTERRUPT as usize) as *mut u32)
                .load(Ordering::SeqCst)
                != 0
    }
}

/// Called by [`lazy_entry`] with the module's state, the stub number and the first argument
/// register (the callee's VMContext, for native and array entries alike).
extern "C" fn lazy_resolve(state: *const LazyState, k: u32, vmctx: *const u8) -> u64 {
    // SAFETY: `state` is the leaked `LazyState` stored in the mapping's data part by
    // `define_lazy_functions`; it is never freed.
    let state = unsafe { &*state };
    match state.resolve(k as usize) {
        // A wasm-to-wasm call (native entry: only wasm code calls those) into code that does
        // not poll: check the flag as an entry into wasm would (see the module docs). Array
        // entries check it themselves.
        // SAFETY: a native entry's first argument is its live VMContext.
        Ok(_) if !stub_function(u64::from(k)).1
            && !state.module.polls_interrupts()
            && unsafe { interrupt_requested(vmctx) } =>
        {
            state.stubs - (HEADER - THUNK) as u64
        }
        Ok(addr) => addr,
        Err(e) => {
            // The caller is inside wasm frames where no error can be returned; the module
            // was validated up front, so this is an internal failure.
            eprintln!("wasmlite: lazy compilation failed: {e}; aborting");
            std::process::abort()
        }
    }
}

#[cfg(all(target_arch = "x86_64", unix))]
std::arch::global_asm!(
    ".pushsection .text.wasmlite_jit_lazy_entry,\"ax\",@progbits",
    ".p2align 4",
    ".globl wasmlite_jit_lazy_entry",
    ".hidden wasmlite_jit_lazy_entry",
    ".type wasmlite_jit_lazy_entry,@function",
    // On entry: [rsp] = stub number, [rsp + 8] = the caller's return address, r11 = state.
    // Unwind information (`.cfi_*`) describes every instruction: an interrupt signal landing
    // in the registered tail raises the `Interrupted` trap by unwinding from there, through
    // this frame into the wasm caller.
    "wasmlite_jit_lazy_entry:",
    ".cfi_startproc",
    ".cfi_def_cfa_offset 16",
    "push rbp",
    ".cfi_def_cfa_offset 24",
    ".cfi_offset rbp, -24",
    "mov rbp, rsp",
    ".cfi_def_cfa_register rbp",
    // Every register a wasm function may receive arguments in (and rax, r10, r11).
    "push rax",
    "push rdi",
    "push rsi",
    "push rdx",
    "push rcx",
    "push r8",
    "push r9",
    "push r10",
    "push r11",
    "and rsp, -64",
    "sub rsp, 512",
    "fxsave64 [rsp]",
    "mov rdi, r11",
    "mov esi, dword ptr [rbp + 8]",
    "mov rdx, qword ptr [rbp - 16]",
    "call {resolve}",
    // Return into the compiled code: the stub number's slot becomes the return address, so
    // `ret` leaves the stack exactly as the caller left it. From here on the code is
    // registered as wasm code (an interrupt signal raises its trap here).
    ".globl wasmlite_jit_lazy_entry_tail",
    ".hidden wasmlite_jit_lazy_entry_tail",
    "wasmlite_jit_lazy_entry_tail:",
    "mov qword ptr [rbp + 8], rax",
    "fxrstor64 [rsp]",
    "lea rsp, [rbp - 72]",
    "pop r11",
    "pop r10",
    "pop r9",
    "pop r8",
    "pop rcx",
    "pop rdx",
    "pop rsi",
    "pop rdi",
    "pop rax",
    "pop rbp",
    ".cfi_def_cfa rsp, 16",
    "ret",
    ".cfi_endproc",
    ".globl wasmlite_jit_lazy_entry_end",
    ".hidden wasmlite_jit_lazy_entry_end",
    "wasmlite_jit_lazy_entry_end:",
    ".size wasmlite_jit_lazy_entry, . - wasmlite_jit_lazy_entry",
    ".popsection",
    resolve = sym lazy_resolve,
);

#[cfg(all(target_arch = "x86_64", unix))]
extern "C" {
    /// The common entry of unresolved stubs (assembly above; not callable from Rust).
    fn wasmlite_jit_lazy_entry();
    /// Label: the entry's instructions after the resolver returned.
    fn wasmlite_jit_lazy_entry_tail();
    /// Label: the end of the entry.
    fn wasmlite_jit_lazy_entry_end();
}

/// `x` rounded up to a multiple of `to` (a power of two).
fn round_up(x: usize, to: usize) -> usize {
    (x + to - 1) & !(to - 1)
}

/// 32-bit displacement from `from` (the end of an instruction) to `to`, both mapping offsets.
fn disp(from: usize, to: usize) -> [u8; 4] {
    ((to as i64 - from as i64) as i32).to_le_bytes()
}

/// The machine code of the mapping's code part for `n` stubs whose data part starts at
/// offset `data` (see the module docs).
fn stub_code(n: usize, data: usize) -> Vec<u8> {
    let mut code = vec![0xcc_u8; data];
    // Header: mov r11, [rip + ctx]; jmp [rip + resolver].
    let header = &mut code[..THUNK];
    header[..3].copy_from_slice(&[0x4c, 0x8b, 0x1d]);
    header[3..7].copy_from_slice(&disp(7, data));
    header[7..9].copy_from_slice(&[0xff, 0x25]);
    header[9..13].copy_from_slice(&disp(13, data + 8));
    // Interrupt thunk: mov esi, INTERRUPTED; mov edx, UNKNOWN_FUNC; jmp [rip + raise_trap].
    let thunk = &mut code[THUNK..HEADER];
    thunk[0] = 0xbe;
    thunk[1..5].copy_from_slice(&wasmlite_abi::trap::INTERRUPTED.to_le_bytes());
    thunk[5] = 0xba;
    thunk[6..10].copy_from_slice(&wasmlite_abi::UNKNOWN_FUNC.to_le_bytes());
    thunk[10..12].copy_from_slice(&[0xff, 0x25]);
    thunk[12..16].copy_from_slice(&disp(HEADER, data + 16));
    for k in 0..n {
        let s = HEADER + k * STUB_SIZE as usize;
        let stub = &mut code[s..s + STUB_SIZE as usize];
        // jmp [rip + slot k]
        stub[..2].copy_from_slice(&[0xff, 0x25]);
        stub[2..6].copy_from_slice(&disp(s + 6, data + 8 * (DATA_HEADER_WORDS + k)));
        // push k
        stub[6] = 0x68;
        stub[7..11].copy_from_slice(&(k as u32).to_le_bytes());
        // jmp header
        stub[11] = 0xe9;
        stub[12..16].copy_from_slice(&disp(s + 16, 0));
    }
    code
}

/// Map the stubs of `module` (see the module docs) and return the state their resolver
/// calls receive.
#[cfg(all(target_arch = "x86_64", unix))]
fn map_stubs(module: &Arc<LazyModule>) -> Result<&'static LazyState, JitError> {
    let defined = module.defined_funcs();
    let n = 2 * (defined.end - defined.start) as usize;
    // SAFETY: sysconf has no preconditions.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096).max(4096);
    let data = round_up(HEADER + n * STUB_SIZE as usize, page);
    let len = data + round_up(8 * (DATA_HEADER_WORDS + n), page);
    if len > i32::MAX as usize {
        return Err(JitError::Llvm(format!("{n} lazy stubs do not fit in one mapping")));
    }
    // SAFETY: an anonymous private mapping with no address hint; the result is checked.
    let base = unsafe {
        libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0)
    };
    if base == libc::MAP_FAILED {
        return Err(JitError::Llvm(format!("cannot map {len} bytes of lazy stubs: {}", std::io::Error::last_os_error())));
    }
    let base = base as *mut u8;
    let code = stub_code(n, data);
    // SAFETY: the mapping is `len >= data` bytes, readable and writable, and ours alone.
    unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), base, data) };
    // SAFETY: the data part `[data, len)` lies inside the mapping, is 8-aligned (page
    // aligned) and is never unmapped, so a `'static` slice of atomics over it is valid; the
    // code only reads it through `jmp [rip + slot]` / `mov r11, [rip + ctx]`.
    let words: &'static [AtomicU64] =
        unsafe { std::slice::from_raw_parts(base.add(data) as *const AtomicU64, DATA_HEADER_WORDS + n) };
    let (header, slots) = words.split_at(DATA_HEADER_WORDS);
    let stubs = base as u64 + HEADER as u64;
    let state: &'static LazyState =
        Box::leak(Box::new(LazyState {
            module: Arc::clone(module),
            stubs,
            slots,
            lock: Mutex::new(()),
            code_key: OnceLock::new(),
            raise_trap_slot: &header[2],
        }));
    header[0].store(state as *const LazyState as u64, Ordering::Relaxed);
    header[1].store(wasmlite_jit_lazy_entry as *const () as u64, Ordering::Relaxed);
    for (k, s) in slots.iter().enumerate() {
        s.store(state.unresolved(k), Ordering::Relaxed);
    }
    // SAFETY: `[0, data)` is the page-aligned code part of the mapping, fully written above.
    if unsafe { libc::mprotect(base as *mut libc::c_void, data, libc::PROT_READ | libc::PROT_EXEC) } != 0 {
        return Err(JitError::Llvm(format!("cannot make lazy stubs executable: {}", std::io::Error::last_os_error())));
    }
    Ok(state)
}

#[cfg(not(all(target_arch = "x86_64", unix)))]
fn map_stubs(_module: &Arc<LazyModule>) -> Result<&'static LazyState, JitError> {
    Err(JitError::Llvm("lazy stubs are implemented for x86-64 only".into()))
}

/// Map the stub table of `module`, define its symbol in the JIT's main dylib (the one
/// absolute symbol a lazy module needs besides its shell) and return the stubs' state.
pub(crate) fn define_lazy_functions(jit: &mut Jit, module: &Arc<LazyModule>) -> Result<&'static LazyState, JitError> {
    let state = map_stubs(module)?;
    jit.lljit
        .define_absolute(&wasmlite_codegen::lazy::stubs_symbol(module.prefix()), state.stubs)
        .map_err(JitError::Llvm)?;
    Ok(state)
}

/// The descriptor of a lazy module: the shell's (`shell`, which lists no defined function)
/// with the stub table's entry points as its functions. Leaked, like the JIT's code. Code
/// compiled later is registered under it.
pub(crate) fn lazy_descriptor(shell: *const ModuleDescriptor, state: &LazyState) -> *const ModuleDescriptor {
    let module = &state.module;
    let funcs: Vec<FuncEntry> = module
        .func_entries(state.stubs)
        .into_iter()
        // SAFETY: `array` is the address of an array-entry stub, which has the `ArrayFn`
        // signature (it jumps to the compiled array entry).
        .map(|(native, array)| FuncEntry { native: native as *const c_void, array: unsafe { std::mem::transmute::<u64, ArrayFn>(array) } })
        .collect();
    let funcs = Box::leak(funcs.into_boxed_slice());
    // SAFETY: `shell` is the descriptor the JIT just linked; it lives as long as the JIT. Only
    // its plain fields are copied (the pointers keep pointing into the shell's data).
    let d = unsafe { &*shell };
    let desc = ModuleDescriptor {
        abi_version: d.abi_version,
        flags: d.flags,
        info: d.info,
        info_len: d.info_len,
        funcs: funcs.as_ptr(),
        num_funcs: funcs.len(),
        import_stubs: d.import_stubs,
        num_import_stubs: d.num_import_stubs,
        raise_trap: d.raise_trap,
        enter: d.enter,
        sjlj_entry: d.sjlj_entry,
        code_ranges: d.code_ranges,
        num_code_ranges: d.num_code_ranges,
    };
    let raise_trap = desc.raise_trap as usize;
    let desc: &'static ModuleDescriptor = Box::leak(Box::new(desc));
    let key = desc as *const ModuleDescriptor as usize;
    state.raise_trap_slot.store(raise_trap as u64, Ordering::Release);
    let _ = state.code_key.set((key, raise_trap));
    // The resolver's tail is wasm code of this module too (see the module docs); every lazy
    // module registers it, any of the registrations serves (`raise_trap` only uses its
    // arguments).
    #[cfg(all(target_arch = "x86_64", unix))]
    wasmlite_abi::registry::CODE.insert_range(
        key,
        wasmlite_jit_lazy_entry_tail as *const () as usize,
        wasmlite_jit_lazy_entry_end as *const () as usize,
        raise_trap,
    );
    desc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stub_code_layout() {
        let code = stub_code(2, 4096);
        // header: mov r11, [rip + 4096 - 7]; jmp [rip + 4104 - 13]
        assert_eq!(&code[..7], &[0x4c, 0x8b, 0x1d, 0xf9, 0x0f, 0, 0]);
        assert_eq!(&code[7..13], &[0xff, 0x25, 0xfb, 0x0f, 0, 0]);
        // thunk: mov esi, 11; mov edx, -1; jmp [rip + 4112 - 32]
        assert_eq!(&code[16..32], &[0xbe, 11, 0, 0, 0, 0xba, 0xff, 0xff, 0xff, 0xff, 0xff, 0x25, 0xf0, 0x0f, 0, 0]);
        // stub 1 at 48: jmp [rip + (4096 + 32) - 54]; push 1; jmp -(64)
        assert_eq!(&code[48..54], &[0xff, 0x25, 0xea, 0x0f, 0, 0]);
        assert_eq!(&code[54..59], &[0x68, 1, 0, 0, 0]);
        assert_eq!(&code[59..64], &[0xe9, 0xc0, 0xff, 0xff, 0xff]);
        assert!(code[64..].iter().all(|&b| b == 0xcc));
    }
}
