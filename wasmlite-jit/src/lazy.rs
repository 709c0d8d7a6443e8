//! Lazy compilation with ORC lazy re-exports (the LLVM ORC v2 C API; unsafe).
//!
//! For every defined function `i` of a [`LazyModule`], the main JITDylib gets
//!
//! * a custom materialization unit defining `fbody<i>` and `arraybody<i>`, whose
//!   `materialize` callback compiles just that function ([`LazyModule::function_object`]) and
//!   hands the object to the object linking layer;
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
    LLVMOrcLLJITGetExecutionSession, LLVMOrcLLJITGetMainJITDylib, LLVMOrcLLJITGetObjLinkingLayer,
    LLVMOrcLLJITGetTripleString, LLVMOrcLLJITMangleAndIntern, LLVMOrcLLJITRef,
};
use llvm_sys::orc2::{
    LLVMJITSymbolFlags, LLVMJITSymbolGenericFlags, LLVMOrcCSymbolAliasMapEntry, LLVMOrcCSymbolAliasMapPair,
    LLVMOrcCSymbolFlagsMapPair, LLVMOrcCreateCustomMaterializationUnit, LLVMOrcCreateLocalIndirectStubsManager,
    LLVMOrcCreateLocalLazyCallThroughManager, LLVMOrcDisposeMaterializationResponsibility,
    LLVMOrcDisposeMaterializationUnit, LLVMOrcIndirectStubsManagerRef, LLVMOrcJITDylibDefine, LLVMOrcJITDylibRef,
    LLVMOrcLazyCallThroughManagerRef, LLVMOrcLazyReexports, LLVMOrcMaterializationResponsibilityFailMaterialization,
    LLVMOrcMaterializationResponsibilityRef, LLVMOrcObjectLayerEmit, LLVMOrcObjectLayerRef,
    LLVMOrcSymbolStringPoolEntryRef,
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

/// One function's materialization unit context.
struct Unit {
    module: Arc<LazyModule>,
    index: u32,
    layer: LLVMOrcObjectLayerRef,
}

extern "C" fn materialize(ctx: *mut c_void, mr: LLVMOrcMaterializationResponsibilityRef) {
    // SAFETY: `ctx` is the `Box<Unit>` leaked in `define_lazy_functions`; ORC calls either
    // `materialize` or `destroy` exactly once per unit, so it is reclaimed exactly once.
    let unit = unsafe { Box::from_raw(ctx as *mut Unit) };
    let object = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unit.module.function_object(unit.index)));
    let object = match object {
        Ok(Ok(o)) => Ok(o),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("internal code generator error (panic)".to_string()),
    };
    match object {
        Ok(obj) => {
            let name = CString::new(format!("{}_fn{}", unit.module.prefix(), unit.index)).unwrap_or_default();
            // SAFETY: the buffer copies `obj`; ObjectLayerEmit takes ownership of the buffer
            // and of `mr`; `unit.layer` is the process-wide LLJIT's object layer.
            unsafe {
                let buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(obj.as_ptr() as *const c_char, obj.len(), name.as_ptr());
                LLVMOrcObjectLayerEmit(unit.layer, mr, buf);
            }
        }
        Err(e) => {
            eprintln!("wasmlite: cannot compile function #{} of `{}`: {e}", unit.index, unit.module.prefix());
            // SAFETY: `mr` is owned by this callback: failing and disposing it is the
            // documented way to report a failed materialization.
            unsafe {
                LLVMOrcMaterializationResponsibilityFailMaterialization(mr);
                LLVMOrcDisposeMaterializationResponsibility(mr);
            }
        }
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

fn intern(jit: LLVMOrcLLJITRef, name: &str) -> Result<LLVMOrcSymbolStringPoolEntryRef, JitError> {
    let c = CString::new(name).map_err(|_| JitError::Llvm("symbol name contains NUL".into()))?;
    // SAFETY: live LLJIT, valid C string; the returned entry carries one reference, which the
    // caller hands to ORC.
    Ok(unsafe { LLVMOrcLLJITMangleAndIntern(jit, c.as_ptr()) })
}

/// Define the per-function units and lazy re-exports of `module` in the JIT's main dylib.
pub(crate) fn define_lazy_functions(jit: &mut Jit, module: &Arc<LazyModule>) -> Result<(), JitError> {
    let raw = jit.lljit.raw;
    let m = managers(raw)?;
    let prefix = module.prefix();
    // SAFETY: `raw` is the live process-wide LLJIT; the dylib and layer handles it returns are
    // owned by it and live as long as it (for the rest of the process).
    let (jd, layer) = unsafe { (LLVMOrcLLJITGetMainJITDylib(raw), LLVMOrcLLJITGetObjLinkingLayer(raw)) };
    let mut aliases = Vec::new();
    for index in module.defined_funcs() {
        let mut syms = [
            LLVMOrcCSymbolFlagsMapPair { Name: intern(raw, &native_body_symbol(prefix, index))?, Flags: flags() },
            LLVMOrcCSymbolFlagsMapPair { Name: intern(raw, &array_body_symbol(prefix, index))?, Flags: flags() },
        ];
        let ctx = Box::into_raw(Box::new(Unit { module: Arc::clone(module), index, layer })) as *mut c_void;
        let name = CString::new(format!("{prefix}_fn{index}")).map_err(|_| JitError::Llvm("bad name".into()))?;
        // SAFETY: `syms` entries carry one reference each, which the unit takes over; the
        // array itself stays ours. `ctx` is reclaimed by exactly one of materialize/destroy.
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
        define(jd, mu)?;
        for (stub, body) in [
            (native_symbol(prefix, index), native_body_symbol(prefix, index)),
            (array_symbol(prefix, index), array_body_symbol(prefix, index)),
        ] {
            aliases.push(LLVMOrcCSymbolAliasMapPair {
                Name: intern(raw, &stub)?,
                Entry: LLVMOrcCSymbolAliasMapEntry { Name: intern(raw, &body)?, Flags: flags() },
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
