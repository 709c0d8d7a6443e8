//! # wasmlite-jit — load wasmlite object code into the running process
//!
//! Three ways to compile, on the same code generator and runtime as ahead-of-time builds
//! (all return a `wasmlite_rt::Module` living in one process-wide JIT that is never dropped):
//!
//! * [`compile_module`] — regular: the whole module, then instantiate it;
//! * [`compile_module_lazy`] — lazy: each function compiled on its first call (entry
//!   stubs patched on first call); start-up compiles no function body and creates no
//!   symbol per function;
//! * [`repl::Session`] — incremental: module fields added one at a time to a live session.
//!
//! [`Cache`] stores compiled objects on disk (`wasmlite run` uses it).
//!
//! [`Jit`] owns an LLVM ORC `LLJIT` (JITLink on x86-64 ELF) whose main JITDylib searches the
//! process for external symbols (`memcpy`, `fmod`, `roundeven`, …). A module is compiled by
//! [`wasmlite_codegen::compile_objects`] — exactly the object code `wasmlite-build` links ahead
//! of time, in `Config::threads` partitions compiled in parallel — and the resulting
//! relocatable ELF objects are added to the same JITDylib (they link against each other through
//! hidden symbols); the only exported symbol, `<prefix>_descriptor`, is looked up and returned
//! as a pointer to the module's [`wasmlite_abi::ModuleDescriptor`], ready for
//! `wasmlite_rt::Module::from_descriptor`.
//!
//! Debugging: when the environment variable `WASMLITE_JIT_DUMP_DIR` names a directory, every
//! loaded object is also written there as `<prefix>.o` (further partitions: `<prefix>.<k>.o`;
//! inspect with `llvm-objdump-19 -d`).
//!
//! Modules are never unloaded: their code and data live as long as the [`Jit`]. Dropping the
//! `Jit` frees them, so every runtime `Module`/`Instance` created from a descriptor must be
//! dropped first. Before freeing, the drop removes every loaded module's code range from the
//! signal handler's registry ([`wasmlite_abi::registry::unregister_code`], every code range of
//! the module; the runtime registers them in `Module::from_descriptor`), so addresses later reused for other code are
//! never taken for wasm code.
//!
//! ```no_run
//! let mut jit = wasmlite_jit::Jit::new()?;
//! let wasm = wat::parse_str("(module (func (export \"f\") (result i32) i32.const 1))")?;
//! let desc = jit.load_wasm(&wasm, "example", &wasmlite_codegen::Config::default())?;
//! # let _ = desc;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod cache;
mod engine;
mod lazy;
mod orc;
pub mod repl;
pub mod spectest;

pub use cache::{Cache, CacheOutcome, CompiledModule};
pub use engine::{compile_module, compile_module_lazy, default_prefix};

use std::collections::HashSet;
use std::fmt;

use wasmlite_abi::ModuleDescriptor;

/// Error of [`Jit`] operations.
#[derive(Debug)]
pub enum JitError {
    /// The code generator rejected the module (invalid wasm or unsupported feature).
    Compile(wasmlite_codegen::CompileError),
    /// LLVM failed to create the JIT, add the object or link it.
    Llvm(String),
    /// The runtime rejected the loaded module.
    Runtime(String),
}

impl fmt::Display for JitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
                    JitError::Compile(e) => write!(f, "compile error: {e}"),
            JitError::Llvm(m) => write!(f, "JIT error: {m}"),
            JitError::Runtime(m) => write!(f, "runtime error: {m}"),
        }
    }
}

impl std::error::Error for JitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
                    JitError::Compile(e) => Some(e),
            JitError::Llvm(_) | JitError::Runtime(_) => None,
        }
    }
}

impl From<wasmlite_codegen::CompileError> for JitError {
    fn from(e: wasmlite_codegen::CompileError) -> Self {
        JitError::Compile(e)
    }
}

/// An in-process JIT for wasmlite modules. Loaded modules live as long as the `Jit`.
pub struct Jit {
    lljit: orc::Lljit,
    prefixes: HashSet<String>,
    /// Prefixes handed out for modules being compiled outside the JIT's lock (see
    /// `engine::compile_module`), not loaded yet.
    reserved: HashSet<String>,
    /// Addresses of the loaded modules' descriptors (unregistered from the code registry on
    /// drop; kept as integers so that `Jit` stays `Send`).
    descriptors: Vec<usize>,
}

impl Drop for Jit {
    fn drop(&mut self) {
        // Runs before `lljit` (a field) frees the code.
        for &d in &self.descriptors {
            wasmlite_abi::registry::unregister_code(d as *const ModuleDescriptor);
        }
    }
}

impl fmt::Debug for Jit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jit").field("modules", &self.prefixes.len()).finish()
    }
}

impl Jit {
    /// Create a JIT for the host machine.
    pub fn new() -> Result<Jit, JitError> {
        Ok(Jit {
            lljit: orc::Lljit::new().map_err(JitError::Llvm)?,
            prefixes: HashSet::new(),
            reserved: HashSet::new(),
            descriptors: Vec::new(),
        })
    }

    /// Number of modules loaded so far.
    pub fn num_modules(&self) -> usize {
        self.prefixes.len()
    }

    /// A symbol prefix not used yet by this JIT: `wasmlite_abi::symbol_prefix(name, wasm)`,
    /// with `_<n>` appended if that module was loaded before.
    pub fn unique_prefix(&self, name: &str, wasm: &[u8]) -> String {
        let base = wasmlite_abi::symbol_prefix(name, wasm);
        if self.unique_prefix_is(&base) {
            return base;
        }
        (1u64..).map(|n| format!("{base}_{n}")).find(|p| self.unique_prefix_is(p)).unwrap_or(base)
    }

    /// Compile `wasm` with [`wasmlite_codegen::compile_objects`] (same
    /// [`wasmlite_codegen::Config`] as ahead-of-time builds; `config.threads` partitions, in
    /// parallel) under a unique prefix and load the objects.
    ///
    /// Returns a pointer to the module's [`ModuleDescriptor`], valid as long as this `Jit`.
    pub fn load_wasm(
        &mut self,
        wasm: &[u8],
        name: &str,
        config: &wasmlite_codegen::Config,
    ) -> Result<*const ModuleDescriptor, JitError> {
        let prefix = self.unique_prefix(name, wasm);
        let objects = wasmlite_codegen::compile_objects(wasm, &prefix, config)?;
        self.load_objects(&objects, &prefix)
    }

    /// Load a relocatable object produced by [`wasmlite_codegen::compile`] with symbol prefix
    /// `prefix` and return its descriptor (`<prefix>_descriptor`).
    ///
    /// Fails if a module with the same prefix was already loaded (symbols would clash), if the
    /// object cannot be linked (unresolved symbols, bad relocations) or lacks the descriptor.
    pub fn load_object(&mut self, object: &[u8], prefix: &str) -> Result<*const ModuleDescriptor, JitError> {
        self.load_objects(&[object], prefix)
    }

    /// Load all objects of one module, as produced by [`wasmlite_codegen::compile_objects`]
    /// for `prefix` (the first holds the descriptor), into the same JITDylib, where they link
    /// against each other (hidden symbols), and return the descriptor. Errors as
    /// [`Jit::load_object`]; an empty list is an error.
    pub fn load_objects<O: AsRef<[u8]>>(&mut self, objects: &[O], prefix: &str) -> Result<*const ModuleDescriptor, JitError> {
        if self.prefixes.contains(prefix) {
            return Err(JitError::Llvm(format!("a module with prefix `{prefix}` is already loaded")));
        }
        self.reserved.remove(prefix);
        if objects.is_empty() {
            return Err(JitError::Llvm(format!("no object for `{prefix}`")));
        }
        if let Some(k) = objects.iter().position(|o| !o.as_ref().starts_with(b"\x7fELF")) {
            return Err(JitError::Llvm(format!("object {k} for `{prefix}` is not an ELF file")));
        }
        let name = |k: usize| if k == 0 { prefix.to_string() } else { format!("{prefix}.{k}") };
        if let Some(dir) = std::env::var_os("WASMLITE_JIT_DUMP_DIR") {
            // Best effort: a failing dump must not change the outcome of the load.
            for (k, o) in objects.iter().enumerate() {
                let _ = std::fs::write(std::path::Path::new(&dir).join(format!("{}.o", name(k))), o.as_ref());
            }
        }
        for (k, o) in objects.iter().enumerate() {
            if let Err(e) = self.lljit.add_object(o.as_ref(), &name(k)) {
                if k > 0 {
                    // Earlier objects' symbols are defined: never reuse this prefix.
                    self.prefixes.insert(prefix.to_string());
                }
                return Err(JitError::Llvm(e));
            }
        }
        // From here on the objects' symbols are defined in the JITDylib: reserve the prefix even
        // if linking fails, so a retry cannot produce duplicate definitions.
        self.prefixes.insert(prefix.to_string());
        let addr = self
            .lljit
            .lookup(&wasmlite_abi::descriptor_symbol(prefix))
            .map_err(JitError::Llvm)?;
        let desc = addr as usize as *const ModuleDescriptor;
        self.descriptors.push(desc as usize);
        Ok(desc)
    }
}
