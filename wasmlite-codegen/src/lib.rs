//! # wasmlite-codegen — WebAssembly → LLVM IR → ELF object
//!
//! [`compile`] validates a wasm binary (through `wasmlite_abi::parse`), translates every
//! function to LLVM IR following the ABI in `wasmlite-abi` (native and array entry points,
//! import stubs, `raise_trap`, code markers, and the exported `<prefix>_descriptor`), runs the
//! LLVM pass pipeline and emits a position-independent relocatable object.
//! [`compile_to_ir`] returns the optimised textual IR instead.
//!
//! ## Translation notes
//!
//! * Locals and block results/loop parameters live in allocas (SROA/mem2reg make them SSA);
//!   the VMContext fields that never change (store, builtins, memory/table/imported-global
//!   pointers) are loaded once in the entry block; memory base/length are cached in allocas and
//!   reloaded after every call, `memory.grow` and bulk builtin.
//! * Traps branch to one cold block per trap code and function that calls the module's
//!   `noreturn` `raise_trap`; the hot path stays straight. No function is marked `cold` (LLVM
//!   would place it in `.text.unlikely.`): all code lies between the module's `code_start` and
//!   `code_end` markers, the range the runtime's signal handler recognises as wasm code.
//! * Only x86-64 is supported (`wasmlite_abi::target::check_target`: `llvm.eh.sjlj` traps do
//!   not work elsewhere); guard-page mode only where `wasmlite_abi::target::guard_pages_supported`.
//! * Every VMContext / VMStore / VMFuncRef / jump-buffer / `ValRaw` offset and every builtin
//!   signature comes from `translate/env.rs`, which reads them from `wasmlite-abi`.
//! * Array entries have `"frame-pointer"="all"` (required by `llvm.eh.sjlj.setjmp`), function
//!   bodies `"frame-pointer"="none"` (the prologue stack check reads the stack pointer with
//!   `llvm.stacksave`); every function has `"disable-tail-calls"` (infinite recursion must reach the stack-overflow check instead of
//!   being turned into a loop by tail-recursion elimination), except functions with a
//!   `return_call*` (guaranteed `musttail` calls; their ordinary calls are `notail`). Every
//!   native wasm entry and wasm-to-wasm call uses LLVM's `tailcc` calling convention.
//! * Guard-page mode has no bounds checks, so a load whose value is unused would be deleted by
//!   LLVM and not trap: a load consumed directly by `drop` is made volatile. (A load stored to a
//!   local that is never read can still be removed — a known, documented deviation.)
//! * Wasm requires NaN results to be quiet; LLVM folds `x*1`, `x-0`, `x/-1`,
//!   `demote(promote x)`... to `x`/`fneg x`, which keeps a signalling NaN. Such ±0/±1 float
//!   constants (and `fpext` feeding `fptrunc`) go through an empty inline-asm barrier on
//!   x86-64/aarch64; `min`/`max` return `a + b` when an input is NaN.
//!
//! No input makes this crate panic or abort: invalid wasm is a [`CompileError`] with the byte
//! offset, and IR that fails LLVM's verifier (a code generator bug) is reported as an error too.

#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod lazy;
mod llvm;
mod translate;

use std::fmt;
use wasmlite_abi::parse::ParseError;
pub use wasmparser::WasmFeatures;

/// A compilation failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// Byte offset in the wasm binary, when the error is tied to one.
    pub offset: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl CompileError {
    /// An error without an offset.
    pub(crate) fn msg(message: impl Into<String>) -> CompileError {
        CompileError { offset: None, message: message.into() }
    }
    /// An error at `offset`.
    pub(crate) fn at(offset: usize, message: impl Into<String>) -> CompileError {
        CompileError { offset: Some(offset), message: message.into() }
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(o) => write!(f, "at byte offset {o:#x}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CompileError {}

impl From<ParseError> for CompileError {
    fn from(e: ParseError) -> Self {
        CompileError { offset: e.offset, message: e.message }
    }
}

impl From<wasmparser::BinaryReaderError> for CompileError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        CompileError { offset: Some(e.offset() as usize), message: e.message().to_string() }
    }
}

/// Code generation options.
#[derive(Debug, Clone)]
pub struct Config {
    /// Optimisation level 0..=3 (LLVM pipeline `default<ON>`; values above 3 mean 3). Default 2.
    pub opt_level: u8,
    /// Emit explicit bounds checks on every memory access instead of relying on guard pages
    /// (memories may then move when they grow). Default `false`.
    pub explicit_bounds_checks: bool,
    /// Target triple; `None` = the host (`LLVMGetDefaultTargetTriple`).
    pub target_triple: Option<String>,
    /// Target CPU; `None` = `x86-64-v2` on x86-64 (SSE4.2/POPCNT, every x86-64 CPU since
    /// 2009: `nearest`/`ceil`/`floor`/`trunc` become single instructions instead of libm
    /// calls, which `no_std` programs could not link), `generic` elsewhere. Use
    /// `Some("x86-64".into())` for the original 2003 baseline, `Some("native".into())` for the
    /// CPU and features of the compiling machine (when compiling for the host triple; the code
    /// may then not run on older CPUs).
    pub cpu: Option<String>,
    /// Target features (LLVM syntax, e.g. `+sse4.1`); `None` = none beyond the CPU's.
    pub features: Option<String>,
    /// WebAssembly features the module may use (validation); a module using a switched-off
    /// feature is rejected with a [`CompileError`]. Default
    /// (`wasmlite_abi::parse::default_features()`): Wasm 2.0 plus `TAIL_CALL`,
    /// `FUNCTION_REFERENCES`, `MEMORY64`, `MULTI_MEMORY`, `EXTENDED_CONST` and `RELAXED_SIMD`;
    /// each can be switched off. `CUSTOM_PAGE_SIZES` and `WIDE_ARITHMETIC` are implemented but
    /// off by default (`wasmlite_abi::parse::supported_features()` is everything implemented).
    pub wasm_features: WasmFeatures,
    /// How out-of-bounds traps are kept precise in guard-page mode. Default
    /// [`Precision::Pinned`].
    pub precision: Precision,
    /// How running code can be interrupted (`wasmlite_rt::InterruptHandle`). Default
    /// [`Interrupts::Auto`].
    pub interrupts: Interrupts,
}

/// How `InterruptHandle::interrupt` reaches running wasm code (recorded in the descriptor
/// flag `wasmlite_abi::FLAG_INTERRUPT_POLLING`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Interrupts {
    /// [`Interrupts::Signal`] where `wasmlite_abi::target::interrupt_signals_supported` (x86-64
    /// Linux), [`Interrupts::Poll`] elsewhere. The default.
    #[default]
    Auto,
    /// Check the store's interrupt flag at every function entry and loop header (a load and a
    /// branch per loop iteration; keeps loops from being vectorised). Works without signals,
    /// e.g. with a `no_std` runtime.
    Poll,
    /// No polls in function bodies: the runtime sends the running thread a signal whose
    /// handler redirects a wasm pc to the trap path; the flag is checked where control enters
    /// wasm code (array entries, returns from host functions and builtins). Needs the runtime's
    /// `std` feature on x86-64 Linux; with a `no_std` runtime such code is interrupted only at
    /// those entry points.
    Signal,
}

impl Interrupts {
    /// Whether code for `triple` polls the interrupt flag.
    pub fn polls(self, triple: &str) -> bool {
        match self {
            Interrupts::Auto => !wasmlite_abi::target::interrupt_signals_supported(triple),
            Interrupts::Poll => true,
            Interrupts::Signal => false,
        }
    }
}

/// How guard-page mode keeps out-of-bounds traps precise (explicit-bounds mode always checks).
///
/// LLVM treats a load or store as unable to fault: it deletes loads whose value is unused and
/// moves accesses past other traps and side effects. Each access is therefore either
/// *checked* (an explicit bounds check in the IR decides the trap) or *pinned* (a volatile
/// access, kept in place; the guard page faults exactly there). Measured on `benches/`
/// (README): pinning costs nothing visible against imprecise code, while checks inside loops
/// cost as much as explicit-bounds mode (LLVM 19's IRCE does not remove checks of wrapping
/// i32 address arithmetic), so pinning everything is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Pin every access: no check code; a pinned access is not vectorised. The default.
    Pinned,
    /// Pin accesses outside loops, check accesses inside loops (where LLVM can hoist or
    /// eliminate checks of loop-invariant or inductive addresses, leaving the loop
    /// vectorisable).
    Hybrid,
    /// Check every access (like explicit-bounds mode, but the memory never moves).
    Checked,
    /// Neither: an out-of-bounds access whose value is unused may not trap, and traps may be
    /// reported in the wrong order. Not WebAssembly semantics; only for measuring the cost
    /// of precision.
    #[doc(hidden)]
    Imprecise,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            opt_level: 2,
            explicit_bounds_checks: false,
            target_triple: None,
            cpu: None,
            features: None,
            wasm_features: wasmlite_abi::parse::default_features(),
            precision: Precision::Pinned,
            interrupts: Interrupts::Auto,
        }
    }
}

/// Compile a module to an ELF relocatable, position-independent object whose only exported
/// symbol is `<prefix>_descriptor`. `prefix` = `wasmlite_abi::symbol_prefix(stem, wasm)`.
pub fn compile(wasm: &[u8], prefix: &str, config: &Config) -> Result<Vec<u8>, CompileError> {
    with_module(wasm, prefix, config, |m, tm| tm.emit_object(m).map_err(CompileError::msg))
}

/// Compile a module and return the optimised textual LLVM IR (for debugging / `inspect`).
pub fn compile_to_ir(wasm: &[u8], prefix: &str, config: &Config) -> Result<String, CompileError> {
    with_module(wasm, prefix, config, |m, _| Ok(m.print_to_string()))
}

/// Compile a module and return the target's textual assembly (`wasmlite compile --emit asm`).
pub fn compile_to_asm(wasm: &[u8], prefix: &str, config: &Config) -> Result<String, CompileError> {
    let asm = with_module(wasm, prefix, config, |m, tm| tm.emit_assembly(m).map_err(CompileError::msg))?;
    Ok(String::from_utf8_lossy(&asm).into_owned())
}

/// The host's target triple (what `Config::target_triple: None` compiles for).
pub fn host_triple() -> String {
    llvm::default_triple()
}

/// The LLVM CPU name and feature string for `config` on `triple`: `Config::cpu` (`native` =
/// this machine's CPU and features, only when compiling for the host triple), else
/// `x86-64-v2` on x86-64; `Config::features` are appended.
pub(crate) fn cpu_and_features(config: &Config, triple: &str) -> (String, String) {
    let (cpu, mut features) = match config.cpu.as_deref() {
        Some("native") if triple == llvm::default_triple() => (llvm::host_cpu(), llvm::host_cpu_features()),
        Some("native") => ("x86-64-v2".to_string(), String::new()),
        Some(c) => (c.to_string(), String::new()),
        None if triple.starts_with("x86_64") => ("x86-64-v2".to_string(), String::new()),
        None => ("generic".to_string(), String::new()),
    };
    if let Some(f) = config.features.as_deref().filter(|f| !f.is_empty()) {
        if !features.is_empty() {
            features.push(',');
        }
        features.push_str(f);
    }
    (cpu, features)
}

/// Stack for the compiling thread. LLVM recurses deeply on very large functions (thousands of
/// locals or deeply nested blocks) and would overflow the caller's stack — a build script's
/// main thread or a test thread has 2–8 MiB. Only touched pages are committed.
const COMPILE_STACK: usize = 512 << 20;

/// Run `finish` on the optimised module, on a thread with a [`COMPILE_STACK`]-sized stack.
fn with_module<T: Send>(
    wasm: &[u8],
    prefix: &str,
    config: &Config,
    finish: impl FnOnce(&llvm::Module<'_>, &llvm::TargetMachine) -> Result<T, CompileError> + Send,
) -> Result<T, CompileError> {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .name("wasmlite-codegen".into())
            .stack_size(COMPILE_STACK)
            .spawn_scoped(s, || with_module_here(wasm, prefix, config, finish));
        match worker {
            Ok(h) => h.join().unwrap_or_else(|_| Err(CompileError::msg("internal code generator error (panic)"))),
            Err(e) => Err(CompileError::msg(format!("cannot start the compiler thread: {e}"))),
        }
    })
}

fn with_module_here<T>(
    wasm: &[u8],
    prefix: &str,
    config: &Config,
    finish: impl FnOnce(&llvm::Module<'_>, &llvm::TargetMachine) -> Result<T, CompileError>,
) -> Result<T, CompileError> {
    if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(CompileError::msg(format!("invalid symbol prefix {prefix:?}")));
    }
    let info = wasmlite_abi::parse::parse_module_with_features(wasm, config.wasm_features)?;
    let triple = config.target_triple.clone().unwrap_or_else(llvm::default_triple);
    wasmlite_abi::target::check_target(&triple).map_err(CompileError::msg)?;
    if !config.explicit_bounds_checks && !wasmlite_abi::target::guard_pages_supported(&triple) {
        return Err(CompileError::msg(format!(
            "guard-page memories are not supported on target `{triple}`: enable explicit bounds checks"
        )));
    }
    let (cpu, features) = cpu_and_features(config, &triple);
    let opt = config.opt_level.min(3);
    let tm = llvm::TargetMachine::new(&triple, &cpu, &features, opt).map_err(CompileError::msg)?;
    let ctx = llvm::Context::new();
    let module = ctx.module(prefix);
    module.set_target(&tm);
    // A panic here would be a code generator bug; never let it cross the API.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        translate::translate_module(&ctx, &module, &info, wasm, prefix, config, &tm)
    }));
    match r {
        Ok(r) => r?,
        Err(_) => return Err(CompileError::msg("internal code generator error (panic)")),
    }
    module
        .verify()
        .map_err(|e| CompileError::msg(format!("LLVM verifier rejected the generated IR (codegen bug): {e}")))?;
    module.run_passes(&format!("default<O{opt}>"), &tm).map_err(CompileError::msg)?;
    finish(&module, &tm)
}
