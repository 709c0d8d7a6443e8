//! The process-wide JIT and the regular (whole-module) compilation mode.
//!
//! Code loaded into a [`Jit`] must outlive every runtime [`Module`]/`Instance` made from it.
//! The safe API therefore loads into one JIT per process that is never dropped: a
//! [`Module`] returned here stays valid for the rest of the process, whatever the caller
//! drops first.

use std::sync::{Mutex, MutexGuard, OnceLock};

use wasmlite_rt::Module;

use crate::{Jit, JitError};

/// The process-wide JIT (created on first use, never dropped).
pub(crate) fn global() -> Result<MutexGuard<'static, Jit>, JitError> {
    static JIT: OnceLock<Result<Mutex<Jit>, String>> = OnceLock::new();
    match JIT.get_or_init(|| Jit::new().map(Mutex::new).map_err(|e| e.to_string())) {
        Ok(m) => m.lock().map_err(|_| JitError::Llvm("the process-wide JIT is poisoned".to_string())),
        Err(e) => Err(JitError::Llvm(e.clone())),
    }
}

/// Wrap a descriptor of the process-wide JIT as a runtime module.
fn module_from(desc: *const wasmlite_abi::ModuleDescriptor) -> Result<Module, JitError> {
    // SAFETY: `desc` was returned by the process-wide JIT, which is never dropped, so the
    // descriptor and the code it points to live for the rest of the process.
    unsafe { Module::from_descriptor(desc) }.map_err(|e| JitError::Runtime(e.to_string()))
}

/// Regular mode: compile the whole module with [`wasmlite_codegen::compile_objects`]
/// (`config.threads` partitions in parallel; the default, 0, uses every core for large
/// modules) and load it into the process-wide JIT. `name` only names the symbols (any
/// string).
///
/// The process-wide JIT is locked only to pick the symbol prefix and to link: compiling
/// (seconds to minutes for a large module) runs unlocked, so other threads' compilations and
/// lazy first calls go on meanwhile.
pub fn compile_module(wasm: &[u8], name: &str, config: &wasmlite_codegen::Config) -> Result<Module, JitError> {
    let prefix = global()?.reserve_prefix(&sanitize(name), wasm);
    let objects = wasmlite_codegen::compile_objects(wasm, &prefix, config);
    let mut jit = global()?;
    let objects = match objects {
        Ok(o) => o,
        Err(e) => {
            jit.reserved.remove(&prefix);
            return Err(e.into());
        }
    };
    let desc = jit.load_objects(&objects, &prefix)?;
    drop(jit);
    module_from(desc)
}

/// The symbol prefix a module `wasm` named `name` gets in a fresh process
/// (`wasmlite_abi::symbol_prefix`, the one ahead-of-time builds use too).
pub fn default_prefix(name: &str, wasm: &[u8]) -> String {
    wasmlite_abi::symbol_prefix(&sanitize(name), wasm)
}

/// Whether `prefix` is still free in the process-wide JIT.
pub fn prefix_available(prefix: &str) -> Result<bool, JitError> {
    Ok(global()?.unique_prefix_is(prefix))
}

/// Load the objects that [`wasmlite_codegen::compile_objects`] produced for `prefix` in this
/// process (crate-private: objects from anywhere else, e.g. disk, go through the checked cache).
pub(crate) fn load_compiled<O: AsRef<[u8]>>(objects: &[O], prefix: &str) -> Result<Module, JitError> {
    let desc = global()?.load_objects(objects, prefix)?;
    module_from(desc)
}

/// A name usable in a symbol prefix (ASCII alphanumerics and `_`).
pub(crate) fn sanitize(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if s.is_empty() {
        "module".to_string()
    } else {
        s
    }
}

impl Jit {
    /// Whether no module with `prefix` was loaded or is being compiled.
    pub(crate) fn unique_prefix_is(&self, prefix: &str) -> bool {
        !self.prefixes.contains(prefix) && !self.reserved.contains(prefix)
    }

    /// A prefix as [`Jit::unique_prefix`], held for a module compiled outside the lock until
    /// it is loaded (or released after a failed compilation).
    fn reserve_prefix(&mut self, name: &str, wasm: &[u8]) -> String {
        let prefix = self.unique_prefix(name, wasm);
        self.reserved.insert(prefix.clone());
        prefix
    }
}

/// Lazy mode: validate the module and load a small shell (descriptor, import stubs); every
/// function is compiled on its first call (a table of entry stubs patched on first call,
/// see `lazy.rs`) and later calls jump straight to its native code. Start-up compiles no
/// function body and creates no symbol per function.
///
/// Both memory modes and both ways of interrupting work, as in eager code (each function's
/// code is registered with the signal handler as it is linked).
///
/// On architectures without lazy stubs (all but x86-64) the module is compiled eagerly, as
/// by [`compile_module`].
pub fn compile_module_lazy(wasm: &[u8], name: &str, config: &wasmlite_codegen::Config) -> Result<Module, JitError> {
    if !crate::lazy::SUPPORTED {
        return compile_module(wasm, name, config);
    }
    let prefix = global()?.reserve_prefix(&sanitize(name), wasm);
    // Validation and the shell's code generation run unlocked (as in `compile_module`).
    let prepared = wasmlite_codegen::lazy::LazyModule::new(wasm, &prefix, config)
        .and_then(|lazy| Ok((lazy.shell_object()?, std::sync::Arc::new(lazy))));
    let mut jit = global()?;
    let (shell, lazy) = match prepared {
        Ok(p) => p,
        Err(e) => {
            jit.reserved.remove(&prefix);
            return Err(e.into());
        }
    };
    let state = match crate::lazy::define_lazy_functions(&mut jit, &lazy) {
        Ok(state) => state,
        Err(e) => {
            // Some symbols of this prefix may be defined: never reuse it.
            jit.prefixes.insert(prefix);
            return Err(e);
        }
    };
    let shell_desc = jit.load_object(&shell, &prefix)?;
    let desc = crate::lazy::lazy_descriptor(shell_desc, state);
    jit.descriptors.push(desc as usize);
    drop(jit);
    module_from(desc)
}
