//! Lazy compilation with ORC lazy re-exports (the LLVM ORC v2 C API; unsafe).
//!
//! For the defined functions of a [`LazyModule`], the main JITDylib gets
//!
//! * one custom materialization unit per block of [`BLOCK`] consecutive functions, defining
//!   their `fbody<i>` and `arraybody<i>`. Its `materialize` callback hands the block's other
//!   functions back to the dylib as a new unit (`MaterializationResponsibility::replace`, as
//!   ORC's compile-on-demand layer does), compiles just the requested function
//!   ([`LazyModule::function_object`]) and gives the object to the object linking layer. One
//!   unit per block instead of per function keeps start-up cheap; replacing at most a block
//!   keeps a first call cheap however large the module is;
//! * lazy re-exports `f<i>` → `fbody<i>` and `array<i>` → `arraybody<i>`: indirect stubs
//!   that, on the first call, go through the lazy call-through manager (which looks the body
//!   up, i.e. compiles it) and then patch the stub, so later calls jump straight to the
//!   native code.
//!
//! The shell object (descriptor, import stubs, `raise_trap`) refers to `f<i>`/`array<i>`
//! only; loading it creates the stubs but compiles no function.

use std::ffi::{c_char, c_void, CString};
use std::sync::{Arc, OnceLock};

use llvm_sys::core::LLVMCreateMemoryBufferWithMemoryRangeCopy;
use llvm_sys::orc2::lljit::{
    LLVMOrcLLJITGetExecutionSession, LLVMOrcLLJITGetGlobalPrefix, LLVMOrcLLJITGetMainJITDylib,
    LLVMOrcLLJITGetObjLinkingLayer, LLVMOrcLLJITGetTripleString, LLVMOrcLLJITRef,
};
use llvm_sys::orc2::{
    LLVMJITSymbolFlags, LLVMJITSymbolGenericFlags, LLVMOrcCSymbolAliasMapEntry, LLVMOrcCSymbolAliasMapPair,
    LLVMOrcCSymbolFlagsMapPair, LLVMOrcCreateCustomMaterializationUnit, LLVMOrcCreateLocalIndirectStubsManager,
    LLVMOrcCreateLocalLazyCallThroughManager, LLVMOrcDisposeMaterializationResponsibility,
    LLVMOrcDisposeMaterializationUnit, LLVMOrcDisposeSymbols, LLVMOrcExecutionSessionIntern,
    LLVMOrcExecutionSessionRef, LLVMOrcIndirectStubsManagerRef, LLVMOrcJITDylibDefine, LLVMOrcJITDylibRef,
    LLVMOrcLazyCallThroughManagerRef, LLVMOrcLazyReexports, LLVMOrcMaterializationResponsibilityFailMaterialization,
    LLVMOrcMaterializationResponsibilityGetRequestedSymbols, LLVMOrcMaterializationResponsibilityRef,
    LLVMOrcMaterializationResponsibilityReplace, LLVMOrcMaterializationUnitRef, LLVMOrcObjectLayerEmit,
    LLVMOrcObjectLayerRef, LLVMOrcSymbolStringPoolEntryRef,
    LLVMOrcSymbolStringPoolEntryStr,
};
use wasmlite_codegen::lazy::{array_body_symbol, array_symbol, native_body_symbol, native_symbol, LazyModule};

use crate::{Jit, JitError};

/// The lazy call-through and stubs managers of one LLJIT (created once, never disposed:
/// they belong to the process-wide JIT).
struct LazyManagers {
    lctm: LLVMOrcLazyCallThroughManagerRef,
    ism: LLVMOrcIndirectStubsManagerRef,
}

// SAFETY: both managers are internally synchronised by ORC (they are used from whichever
// thread triggers a lazy compilation); this wrapper only passes the handles to ORC.
unsafe impl Send for LazyManagers {}
// SAFETY: as above.
unsafe impl Sync for LazyManagers {}

/// Called by a lazy stub whose function failed to compile. Compilation runs inside the
/// caller's wasm frames where no error can be returned; the module was validated up front,
/// so this is an internal code generator failure (already reported on stderr).
extern "C" fn lazy_compile_failed() {
    eprintln!("wasmlite: lazy compilation of a function failed (see the message above); aborting");
    std::process::abort();
}

fn managers(jit: LLVMOrcLLJITRef) -> Result<&'static LazyManagers, JitError> {
    static M: OnceLock<Result<LazyManagers, String>> = OnceLock::new();
    M.get_or_init(|| {
        // SAFETY: `jit` is the live process-wide LLJIT (never disposed); the triple string is
        // owned by it; the managers are stored for the rest of the process.
        unsafe {
            let triple = LLVMOrcLLJITGetTripleString(jit);
            let es = LLVMOrcLLJITGetExecutionSession(jit);
            let mut lctm: LLVMOrcLazyCallThroughManagerRef = std::ptr::null_mut();
            let err = LLVMOrcCreateLocalLazyCallThroughManager(triple, es, lazy_compile_failed as *const () as usize as u64, &mut lctm);
            if let Some(e) = crate::orc::take_error(err) {
                return Err(format!("cannot create the lazy call-through manager: {e}"));
            }
            let ism = LLVMOrcCreateLocalIndirectStubsManager(triple);
            if lctm.is_null() || ism.is_null() {
                return Err("cannot create the lazy compilation managers".to_string());
            }
            Ok(LazyManagers { lctm, ism })
        }
    })
    .as_ref()
    .map_err(|e| JitError::Llvm(e.clone()))
}

/// Functions per materialization unit at start-up (see the module docs).
const BLOCK: u32 = 64;

/// A materialization unit's context: the functions whose bodies it defines.
struct Unit {
    module: Arc<LazyModule>,
    funcs: Vec<u32>,
    layer: LLVMOrcObjectLayerRef,
    es: LLVMOrcExecutionSessionRef,
    /// The JIT's global symbol prefix (mangling), `0` for none.
    global_prefix: c_char,
}

/// The function index a body symbol (`<prefix>_fbody<i>` / `<prefix>_arraybody<i>`) names.
fn body_index(sym: &str, prefix: &str) -> Option<u32> {
    let rest = sym.strip_prefix(prefix)?;
    let digits = rest.strip_prefix("_fbody").or_else(|| rest.strip_prefix("_arraybody"))?;
    digits.parse().ok()
}

/// The custom materialization unit defining the bodies of `funcs` (see the module docs).
fn body_unit(
    module: &Arc<LazyModule>,
    funcs: Vec<u32>,
    layer: LLVMOrcObjectLayerRef,
    es: LLVMOrcExecutionSessionRef,
    global_prefix: c_char,
) -> Result<LLVMOrcMaterializationUnitRef, JitError> {
    let prefix = module.prefix();
    let first = funcs.first().copied().unwrap_or(0);
    let mut syms = Vec::with_capacity(2 * funcs.len());
    for &index in &funcs {
        for name in [native_body_symbol(prefix, index), array_body_symbol(prefix, index)] {
            syms.push(LLVMOrcCSymbolFlagsMapPair { Name: intern(es, global_prefix, &name)?, Flags: flags() });
        }
    }
    let name = CString::new(format!("{prefix}_fns{first}")).map_err(|_| JitError::Llvm("bad name".into()))?;
    let ctx = Box::into_raw(Box::new(Unit { module: Arc::clone(module), funcs, layer, es, global_prefix })) as *mut c_void;
    // SAFETY: `syms` entries carry one reference each, which the unit takes over; the array
    // itself stays ours; the name is copied. `ctx` is reclaimed by exactly one of
    // materialize/destroy.
    let mu = unsafe {
        LLVMOrcCreateCustomMaterializationUnit(
            name.as_ptr(),
            ctx,
            syms.as_mut_ptr(),
            syms.len(),
            std::ptr::null_mut(),
            materialize,
            discard,
            destroy,
        )
    };
    if mu.is_null() {
        // SAFETY: not handed to ORC, so still ours.
        drop(unsafe { Box::from_raw(ctx as *mut Unit) });
        return Err(JitError::Llvm("cannot create a materialization unit".into()));
    }
    Ok(mu)
}

/// Fail `mr` (owned by the caller, a materialize callback) with a message on stderr.
fn fail(mr: LLVMOrcMaterializationResponsibilityRef, msg: &str) {
    eprintln!("wasmlite: {msg}");
    // SAFETY: `mr` is owned by the materialize callback: failing and disposing it is the
    // documented way to report a failed materialization.
    unsafe {
        LLVMOrcMaterializationResponsibilityFailMaterialization(mr);
        LLVMOrcDisposeMaterializationResponsibility(mr);
    }
}

extern "C" fn materialize(ctx: *mut c_void, mr: LLVMOrcMaterializationResponsibilityRef) {
    // SAFETY: `ctx` is the `Box<Unit>` leaked in `body_unit`; ORC calls either `materialize`
    // or `destroy` exactly once per unit, so it is reclaimed exactly once.
    let unit = unsafe { Box::from_raw(ctx as *mut Unit) };
    let prefix = unit.module.prefix();
    // The first requested function is compiled; the unit's other functions (also other
    // requested ones: ORC materializes a replacement with pending requests right away) go
    // back to the dylib as a new unit.
    let mut n = 0usize;
    // SAFETY: `mr` is live; the array is freed below with LLVMOrcDisposeSymbols; its entries
    // are borrowed (not retained) and only read while `mr` lives.
    let requested = unsafe {
        let syms = LLVMOrcMaterializationResponsibilityGetRequestedSymbols(mr, &mut n);
        let mut first = None;
        for k in 0..if syms.is_null() { 0 } else { n } {
            let s = std::ffi::CStr::from_ptr(LLVMOrcSymbolStringPoolEntryStr(*syms.add(k)));
            let s = s.to_string_lossy();
            let s = s.strip_prefix(unit.global_prefix as u8 as char).filter(|_| unit.global_prefix != 0).unwrap_or(&s);
            if let Some(i) = body_index(s, prefix).filter(|i| unit.funcs.contains(i)) {
                first = Some(first.map_or(i, |f: u32| f.min(i)));
            }
        }
        if !syms.is_null() {
            LLVMOrcDisposeSymbols(syms);
        }
        first
    };
    let Some(index) = requested else {
        return fail(mr, &format!("lazy unit of `{prefix}` materialized without a requested function"));
    };
    let rest: Vec<u32> = unit.funcs.iter().copied().filter(|&i| i != index).collect();
    if !rest.is_empty() {
        let replaced = body_unit(&unit.module, rest, unit.layer, unit.es, unit.global_prefix).and_then(|mu| {
            // SAFETY: `mr` is live and responsible for `mu`'s symbols; the C API takes
            // ownership of `mu` whether or not it succeeds (unlike LLVMOrcJITDylibDefine).
            let err = unsafe { LLVMOrcMaterializationResponsibilityReplace(mr, mu) };
            match crate::orc::take_error(err) {
                Some(e) => Err(JitError::Llvm(e)),
                None => Ok(()),
            }
        });
        if let Err(e) = replaced {
            return fail(mr, &format!("cannot split the lazy unit of `{prefix}`: {e}"));
        }
    }
    let object = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unit.module.function_object(index)));
    let object = match object {
        Ok(Ok(o)) => Ok(o),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("internal code generator error (panic)".to_string()),
    };
    match object {
        Ok(obj) => {
            let name = CString::new(format!("{prefix}_fn{index}")).unwrap_or_default();
            // SAFETY: the buffer copies `obj`; ObjectLayerEmit takes ownership of the buffer
            // and of `mr` (now responsible for exactly this function's two symbols);
            // `unit.layer` is the process-wide LLJIT's object layer.
            unsafe {
                let buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(obj.as_ptr() as *const c_char, obj.len(), name.as_ptr());
                LLVMOrcObjectLayerEmit(unit.layer, mr, buf);
            }
        }
        Err(e) => fail(mr, &format!("cannot compile function #{index} of `{prefix}`: {e}")),
    }
}

extern "C" fn discard(_ctx: *mut c_void, _jd: LLVMOrcJITDylibRef, _sym: LLVMOrcSymbolStringPoolEntryRef) {}

extern "C" fn destroy(ctx: *mut c_void) {
    // SAFETY: see `materialize`: called instead of it, once.
    drop(unsafe { Box::from_raw(ctx as *mut Unit) });
}

fn flags() -> LLVMJITSymbolFlags {
    LLVMJITSymbolFlags {
        GenericFlags: LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported as u8
            | LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsCallable as u8,
        TargetFlags: 0,
    }
}

/// Intern `name` as the JIT mangles it (its global prefix, if any, in front).
fn intern(es: LLVMOrcExecutionSessionRef, global_prefix: c_char, name: &str) -> Result<LLVMOrcSymbolStringPoolEntryRef, JitError> {
    let mangled = if global_prefix == 0 { name.to_string() } else { format!("{}{name}", global_prefix as u8 as char) };
    let c = CString::new(mangled).map_err(|_| JitError::Llvm("symbol name contains NUL".into()))?;
    // SAFETY: live session, valid C string; the returned entry carries one reference, which
    // the caller hands to ORC.
    Ok(unsafe { LLVMOrcExecutionSessionIntern(es, c.as_ptr()) })
}

/// Define the body units and lazy re-exports of `module` in the JIT's main dylib.
pub(crate) fn define_lazy_functions(jit: &mut Jit, module: &Arc<LazyModule>) -> Result<(), JitError> {
    let raw = jit.lljit.raw;
    let m = managers(raw)?;
    let prefix = module.prefix();
    // SAFETY: `raw` is the live process-wide LLJIT; the dylib, layer and session handles it
    // returns are owned by it and live as long as it (for the rest of the process).
    let (jd, layer, es, gp) = unsafe {
        (
            LLVMOrcLLJITGetMainJITDylib(raw),
            LLVMOrcLLJITGetObjLinkingLayer(raw),
            LLVMOrcLLJITGetExecutionSession(raw),
            LLVMOrcLLJITGetGlobalPrefix(raw),
        )
    };
    let funcs = module.defined_funcs();
    let mut aliases = Vec::with_capacity(2 * funcs.len());
    let mut start = funcs.start;
    while start < funcs.end {
        let end = start.saturating_add(BLOCK).min(funcs.end);
        define(jd, body_unit(module, (start..end).collect(), layer, es, gp)?)?;
        start = end;
    }
    for index in funcs {
        for (stub, body) in [
            (native_symbol(prefix, index), native_body_symbol(prefix, index)),
            (array_symbol(prefix, index), array_body_symbol(prefix, index)),
        ] {
            aliases.push(LLVMOrcCSymbolAliasMapPair {
                Name: intern(es, gp, &stub)?,
                Entry: LLVMOrcCSymbolAliasMapEntry { Name: intern(es, gp, &body)?, Flags: flags() },
            });
        }
    }
    if aliases.is_empty() {
        return Ok(());
    }
    // SAFETY: the alias entries carry one reference per name, taken over by the unit; the
    // managers and the dylib belong to the live LLJIT.
    let mu = unsafe { LLVMOrcLazyReexports(m.lctm, m.ism, jd, aliases.as_mut_ptr(), aliases.len()) };
    define(jd, mu)
}

fn define(jd: LLVMOrcJITDylibRef, mu: llvm_sys::orc2::LLVMOrcMaterializationUnitRef) -> Result<(), JitError> {
    if mu.is_null() {
        return Err(JitError::Llvm("cannot create a materialization unit".into()));
    }
    // SAFETY: on success the dylib owns `mu`; on failure we still do and dispose of it.
    unsafe {
        let err = LLVMOrcJITDylibDefine(jd, mu);
        if let Some(e) = crate::orc::take_error(err) {
            LLVMOrcDisposeMaterializationUnit(mu);
            return Err(JitError::Llvm(format!("cannot define lazy functions: {e}")));
        }
    }
    Ok(())
}
