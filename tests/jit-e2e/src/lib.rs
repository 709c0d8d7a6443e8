//! Helpers for the runtime's end-to-end tests: compile wat with wasmlite-codegen, load it with
//! the ORC JIT (one per process, kept forever) and wrap the descriptor in a
//! [`wasmlite_rt::Module`].
#![deny(clippy::undocumented_unsafe_blocks)]

use std::sync::{Mutex, OnceLock};

use wasmlite_rt::Module;

struct JitBox(Mutex<wasmlite_jit::Jit>);
// SAFETY: the Jit is only used under the mutex.
unsafe impl Sync for JitBox {}
// SAFETY: as above.
unsafe impl Send for JitBox {}

fn jit() -> &'static JitBox {
    static J: OnceLock<JitBox> = OnceLock::new();
    J.get_or_init(|| JitBox(Mutex::new(wasmlite_jit::Jit::new().expect("jit"))))
}

/// Compile and load `wat_src` (explicit bounds checks or guard pages).
pub fn load(wat_src: &str, explicit: bool) -> Module {
    let wasm = wat::parse_str(wat_src).expect("wat");
    let cfg = wasmlite_codegen::Config { explicit_bounds_checks: explicit, ..Default::default() };
    let desc = jit().0.lock().unwrap().load_wasm(&wasm, "e2e", &cfg).expect("compile/load");
    // SAFETY: the JIT lives for the whole test process (static, never dropped).
    unsafe { Module::from_descriptor(desc) }.expect("module")
}

/// [`load`] with extra wasm features enabled (e.g. `WasmFeatures::THREADS`).
pub fn load_with_features(wat_src: &str, explicit: bool, features: wasmlite_codegen::WasmFeatures) -> Module {
    let wasm = wat::parse_str(wat_src).expect("wat");
    let mut cfg = wasmlite_codegen::Config { explicit_bounds_checks: explicit, ..Default::default() };
    cfg.wasm_features |= features;
    let desc = jit().0.lock().unwrap().load_wasm(&wasm, "e2e", &cfg).expect("compile/load");
    // SAFETY: the JIT lives for the whole test process (static, never dropped).
    unsafe { Module::from_descriptor(desc) }.expect("module")
}

/// Compile `wat_src` with `cfg` and load it.
pub fn load_with_config(wat_src: &str, cfg: &wasmlite_codegen::Config) -> Module {
    let wasm = wat::parse_str(wat_src).expect("wat");
    let desc = jit().0.lock().unwrap().load_wasm(&wasm, "e2e", cfg).expect("compile/load");
    // SAFETY: the JIT lives for the whole test process (static, never dropped).
    unsafe { Module::from_descriptor(desc) }.expect("module")
}
