//! Minimal safe wrapper over the LLVM ORC v2 C API (LLJIT). All `unsafe` of the crate lives
//! here.

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr;
use std::sync::{Mutex, Once};

use llvm_sys::core::LLVMCreateMemoryBufferWithMemoryRangeCopy;
use llvm_sys::error::{LLVMDisposeErrorMessage, LLVMErrorRef, LLVMGetErrorMessage};
use llvm_sys::orc2::lljit::{
    LLVMOrcCreateLLJIT, LLVMOrcDisposeLLJIT, LLVMOrcLLJITAddObjectFile,
    LLVMOrcLLJITGetExecutionSession, LLVMOrcLLJITGetGlobalPrefix, LLVMOrcLLJITGetMainJITDylib,
    LLVMOrcLLJITLookup, LLVMOrcLLJITMangleAndIntern, LLVMOrcLLJITRef,
};
use llvm_sys::orc2::{
    LLVMJITEvaluatedSymbol, LLVMJITSymbolFlags, LLVMJITSymbolGenericFlags, LLVMOrcAbsoluteSymbols,
    LLVMOrcCSymbolMapPair, LLVMOrcDisposeMaterializationUnit, LLVMOrcJITDylibDefine,
    LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess, LLVMOrcDefinitionGeneratorRef,
    LLVMOrcExecutionSessionSetErrorReporter, LLVMOrcExecutorAddress, LLVMOrcJITDylibAddGenerator,
};
use llvm_sys::target::{LLVM_InitializeNativeAsmPrinter, LLVM_InitializeNativeTarget};

/// Result of the one-time native target initialisation.
static INIT: Once = Once::new();
static INIT_FAILED: Mutex<bool> = Mutex::new(false);

fn init_native_target() -> Result<(), String> {
    INIT.call_once(|| {
        // SAFETY: plain LLVM initialisation functions; `Once` guarantees they run once, before
        // any other LLVM use of this crate.
        let failed = unsafe { LLVM_InitializeNativeTarget() != 0 || LLVM_InitializeNativeAsmPrinter() != 0 };
        if let Ok(mut f) = INIT_FAILED.lock() {
            *f = failed;
        }
    });
    match INIT_FAILED.lock() {
        Ok(f) if !*f => Ok(()),
        _ => Err("LLVM native target initialisation failed".to_string()),
    }
}

/// Convert (and consume) an `LLVMErrorRef`; `None` for success.
pub(crate) fn take_error(err: LLVMErrorRef) -> Option<String> {
    if err.is_null() {
        return None;
    }
    // SAFETY: `err` is a non-null error owned by us; LLVMGetErrorMessage consumes it and returns
    // a C string we must free with LLVMDisposeErrorMessage.
    unsafe {
        let msg = LLVMGetErrorMessage(err);
        if msg.is_null() {
            return Some("unknown LLVM error".to_string());
        }
        let s = CStr::from_ptr(msg).to_string_lossy().into_owned();
        LLVMDisposeErrorMessage(msg);
        Some(s)
    }
}

/// Errors reported asynchronously by the execution session (e.g. unresolved symbols while
/// linking), collected so that a failing lookup can explain itself.
type ErrorLog = Mutex<Vec<String>>;

extern "C" fn report_error(ctx: *mut c_void, err: LLVMErrorRef) {
    let msg = take_error(err).unwrap_or_default();
    if ctx.is_null() {
        return;
    }
    // SAFETY: `ctx` is the `ErrorLog` boxed in `Lljit`, which outlives the execution session
    // (the LLJIT is disposed before the box is dropped).
    let log = unsafe { &*(ctx as *const ErrorLog) };
    if let Ok(mut v) = log.lock() {
        v.push(msg);
    }
}

/// An owned LLJIT instance with a process-symbol generator on its main JITDylib.
pub(crate) struct Lljit {
    pub(crate) raw: LLVMOrcLLJITRef,
    errors: Box<ErrorLog>,
}

impl Lljit {
    /// Create an LLJIT for the host with default settings (JITLink on x86-64 ELF).
    pub(crate) fn new() -> Result<Lljit, String> {
        init_native_target()?;
        let mut raw: LLVMOrcLLJITRef = ptr::null_mut();
        // SAFETY: a null builder asks for the default configuration; `raw` receives the LLJIT.
        if let Some(e) = take_error(unsafe { LLVMOrcCreateLLJIT(&mut raw, ptr::null_mut()) }) {
            return Err(format!("cannot create LLJIT: {e}"));
        }
        if raw.is_null() {
            return Err("cannot create LLJIT".to_string());
        }
        let errors: Box<ErrorLog> = Box::new(Mutex::new(Vec::new()));
        let jit = Lljit { raw, errors };
        // SAFETY: `jit.raw` is a live LLJIT; the reporter context is the boxed log, which has a
        // stable address and lives as long as the LLJIT (see Drop order).
        unsafe {
            let es = LLVMOrcLLJITGetExecutionSession(jit.raw);
            LLVMOrcExecutionSessionSetErrorReporter(
                es,
                report_error,
                &*jit.errors as *const ErrorLog as *mut c_void,
            );
        }
        let mut generator: LLVMOrcDefinitionGeneratorRef = ptr::null_mut();
        // SAFETY: `jit.raw` is live; the generator (on success) is handed over to the main
        // JITDylib, which takes ownership.
        unsafe {
            let prefix = LLVMOrcLLJITGetGlobalPrefix(jit.raw);
            let err = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
                &mut generator,
                prefix,
                None,
                ptr::null_mut(),
            );
            if let Some(e) = take_error(err) {
                return Err(format!("cannot create process symbol generator: {e}"));
            }
            LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(jit.raw), generator);
        }
        Ok(jit)
    }

    /// Add a relocatable object file (copied) to the main JITDylib. Linking happens lazily, at
    /// the first lookup of one of its symbols.
    pub(crate) fn add_object(&mut self, object: &[u8], name: &str) -> Result<(), String> {
        let cname = CString::new(name).map_err(|_| "object name contains NUL".to_string())?;
        // SAFETY: the buffer copies `object`; AddObjectFile takes ownership of the buffer (also
        // on failure), so it is never freed here.
        let err = unsafe {
            let buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(
                object.as_ptr() as *const c_char,
                object.len(),
                cname.as_ptr(),
            );
            if buf.is_null() {
                return Err("cannot create memory buffer".to_string());
            }
            LLVMOrcLLJITAddObjectFile(self.raw, LLVMOrcLLJITGetMainJITDylib(self.raw), buf)
        };
        match take_error(err) {
            Some(e) => Err(format!("cannot add object `{name}`: {e}")),
            None => Ok(()),
        }
    }

    /// Define `name` (unmangled) in the main JITDylib as the absolute address `addr`.
    pub(crate) fn define_absolute(&mut self, name: &str, addr: u64) -> Result<(), String> {
        let cname = CString::new(name).map_err(|_| "symbol name contains NUL".to_string())?;
        // SAFETY: `self.raw` is live; the interned name's reference is taken over by the
        // materialization unit, which the dylib owns on success (disposed here on failure).
        unsafe {
            let name_ref = LLVMOrcLLJITMangleAndIntern(self.raw, cname.as_ptr());
            let flags = LLVMJITSymbolFlags {
                GenericFlags: LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported as u8
                    | LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsCallable as u8,
                TargetFlags: 0,
            };
            let mut pair = LLVMOrcCSymbolMapPair { Name: name_ref, Sym: LLVMJITEvaluatedSymbol { Address: addr, Flags: flags } };
            let mu = LLVMOrcAbsoluteSymbols(&mut pair, 1);
            if mu.is_null() {
                return Err(format!("cannot define `{name}`"));
            }
            let err = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(self.raw), mu);
            if let Some(e) = take_error(err) {
                LLVMOrcDisposeMaterializationUnit(mu);
                return Err(format!("cannot define `{name}`: {e}"));
            }
        }
        Ok(())
    }

    /// Look up (and materialise) a symbol of the main JITDylib by its unmangled name.
    pub(crate) fn lookup(&mut self, name: &str) -> Result<u64, String> {
        let cname = CString::new(name).map_err(|_| "symbol name contains NUL".to_string())?;
        if let Ok(mut v) = self.errors.lock() {
            v.clear();
        }
        let mut addr: LLVMOrcExecutorAddress = 0;
        // SAFETY: `self.raw` is live, `cname` is a valid C string, `addr` receives the result.
        let err = unsafe { LLVMOrcLLJITLookup(self.raw, &mut addr, cname.as_ptr()) };
        if let Some(e) = take_error(err) {
            let mut msg = format!("lookup of `{name}` failed: {e}");
            if let Ok(v) = self.errors.lock() {
                for m in v.iter().filter(|m| !m.is_empty() && **m != e) {
                    msg.push_str("; ");
                    msg.push_str(m);
                }
            }
            return Err(msg);
        }
        if addr == 0 {
            return Err(format!("symbol `{name}` resolved to address 0"));
        }
        Ok(addr)
    }
}

impl Drop for Lljit {
    fn drop(&mut self) {
        // SAFETY: `self.raw` is a live LLJIT disposed exactly once; the error log box is dropped
        // after this (field drop order runs after `drop`).
        let err = unsafe { LLVMOrcDisposeLLJIT(self.raw) };
        let _ = take_error(err);
    }
}

// SAFETY: LLJIT is internally synchronised (the ORC execution session locks its state); the
// wrapper only hands out addresses.
unsafe impl Send for Lljit {}
