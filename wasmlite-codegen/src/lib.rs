//! # wasmlite-codegen — WebAssembly → LLVM IR → ELF object
//!
//! [`compile`] validates a wasm binary (through `wasmlite_abi::parse`), translates every
//! function to LLVM IR following the ABI in `wasmlite-abi` (native and array entry points,
//! import stubs, `raise_trap`, code markers, and the exported `<prefix>_descriptor`), runs the
//! LLVM pass pipeline and emits a position-independent relocatable object.
//! [`compile_objects`] does the same in [`Config::threads`] partitions on as many threads, one
//! object each. [`compile_to_ir`] returns the optimised textual IR instead.
//!
//! ## Translation notes
//!
//! * Locals and block results/loop parameters live in allocas (SROA/mem2reg make them SSA);
//!   the VMContext fields that never change (store, builtins, memory/table/imported-global
//!   pointers) are loaded once in the entry block; memory base/length are cached in allocas and
//!   reloaded after every call, `memory.grow` and bulk builtin.
//! * Traps branch to one cold block per trap code and function that calls the module's
//!   `noreturn` `raise_trap`; the hot path stays straight. No function is marked `cold` (LLVM
//!   would place it in `.text.unlikely.`): all code of an object lies between its `code_start`
//!   and `code_end` markers, the ranges (one per object) the runtime's signal handler
//!   recognises as wasm code.
//! * Only x86-64 is supported (`wasmlite_abi::target::check_target`: `llvm.eh.sjlj` traps do
//!   not work elsewhere); guard-page mode only where `wasmlite_abi::target::guard_pages_supported`.
//! * Every VMContext / VMStore / VMFuncRef / jump-buffer / `ValRaw` offset and every builtin
//!   signature comes from `translate/env.rs`, which reads them from `wasmlite-abi`.
//! * Traps unwind (`raise_trap` raises the runtime's trap exception with the unwinder's
//!   `_Unwind_RaiseException`) to the module's `enter` boundary: every function has
//!   asynchronous unwind tables and none is `nounwind`. The setjmp entry (`sjlj_entry`, for
//!   runtimes without an unwinder) has `"frame-pointer"="all"` (required by
//!   `llvm.eh.sjlj.setjmp`), everything else `"frame-pointer"="none"` (the prologue stack check
//!   reads the stack pointer with `llvm.stacksave`); every function has `"disable-tail-calls"` (infinite recursion must reach the stack-overflow check instead of
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
use std::ops::Range;

use wasmlite_abi::parse::ParseError;
use wasmparser::{Parser, Payload};
pub use llvm::LLVM_ARGS_ENV;
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
    /// `FUNCTION_REFERENCES`, `MEMORY64`, `MULTI_MEMORY`, `EXTENDED_CONST`, `RELAXED_SIMD` and
    /// `EXCEPTIONS`; each can be switched off (without `EXCEPTIONS` and `LEGACY_EXCEPTIONS`,
    /// functions are `nounwind` without unwind tables and array entries catch nothing).
    /// `CUSTOM_PAGE_SIZES`, `WIDE_ARITHMETIC` and `LEGACY_EXCEPTIONS` are implemented but
    /// off by default (`wasmlite_abi::parse::supported_features()` is everything implemented).
    pub wasm_features: WasmFeatures,
    /// How out-of-bounds traps are kept precise in guard-page mode. Default
    /// [`Precision::Pinned`].
    pub precision: Precision,
    /// Number of code-generation partitions for [`compile_objects`]: the defined functions
    /// are split by index into this many contiguous groups of about equal body size, each
    /// translated, optimised and emitted into its own object on its own thread. `1` gives one
    /// object, exactly what [`compile`] produces. `0` (the default) means
    /// [`auto_threads`]`(wasm.len(), available_parallelism)`: every core, but small modules
    /// stay one object. The partitioning depends only on the module and the resulting number
    /// (never on scheduling), so the output is deterministic for a given number. Capped at
    /// the number of defined functions. [`compile`] and the IR/asm emitters always use one
    /// partition.
    pub threads: usize,
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
    /// handler raises the trap at a wasm pc; the flag is checked where control enters
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
            threads: 0,
            interrupts: Interrupts::Auto,
        }
    }
}

/// Compile a module to an ELF relocatable, position-independent object whose only exported
/// symbol is `<prefix>_descriptor`. `prefix` = `wasmlite_abi::symbol_prefix(stem, wasm)`.
/// Always one object, on one thread (`config.threads` is ignored; see [`compile_objects`]).
pub fn compile(wasm: &[u8], prefix: &str, config: &Config) -> Result<Vec<u8>, CompileError> {
    with_module(wasm, prefix, config, |m, tm| tm.emit_object(m).map_err(CompileError::msg))
}

/// Compile a module into `config.threads` objects (see [`Config::threads`]; fewer for modules
/// with fewer defined functions), in parallel, one thread per object. The first object holds the exported
/// `<prefix>_descriptor`, `raise_trap` and the import stubs; together the objects define
/// everything [`compile`]'s single object does. Symbols shared between the objects are
/// external with hidden visibility (`<prefix>_f<i>`, `<prefix>_array<i>`, `<prefix>_stub<i>`,
/// `<prefix>_raise_trap`, `<prefix>_code_start<k>`/`<prefix>_code_end<k>`): link all of them
/// into one binary (static library) or one JITDylib; they are not exported from a shared
/// library. With one partition the result is `vec![compile(...)]`.
pub fn compile_objects(wasm: &[u8], prefix: &str, config: &Config) -> Result<Vec<Vec<u8>>, CompileError> {
    on_compile_stack(|| {
        let prep = Prepared::new(wasm, prefix, config)?;
        let n = prep.parts.len();
        if n == 1 {
            return Ok(vec![prep.compile_part(0, |m, tm| tm.emit_object(m).map_err(CompileError::msg))?]);
        }
        std::thread::scope(|s| {
            let prep = &prep;
            let workers: Vec<_> = (1..n)
                .map(|k| {
                    std::thread::Builder::new()
                        .name(format!("wasmlite-codegen-{k}"))
                        .stack_size(COMPILE_STACK)
                        .spawn_scoped(s, move || {
                            prep.compile_part(k, |m, tm| tm.emit_object(m).map_err(CompileError::msg))
                        })
                })
                .collect();
            // This thread compiles partition 0 (the descriptor) meanwhile.
            let first = prep.compile_part(0, |m, tm| tm.emit_object(m).map_err(CompileError::msg));
            let mut objects = vec![first];
            for w in workers {
                objects.push(match w {
                    Ok(h) => h.join().unwrap_or_else(|_| Err(CompileError::msg("internal code generator error (panic)"))),
                    Err(e) => Err(CompileError::msg(format!("cannot start a compiler thread: {e}"))),
                });
            }
            // The first failing partition's error (deterministic).
            objects.into_iter().collect()
        })
    })
}

/// A thread count for compiling a module of `wasm_len` bytes with `available` threads (e.g.
/// `std::thread::available_parallelism`): `available`, but at most one partition per
/// [`PARTITION_MIN_BYTES`] of wasm. At least 1.
pub fn auto_threads(wasm_len: usize, available: usize) -> usize {
    available.min(wasm_len / PARTITION_MIN_BYTES).max(1)
}

/// Environment variable: when set, every partition's phase times (translate, verify,
/// optimise, emit) are printed on stderr (for measuring where compile time goes).
pub const TIMING_ENV: &str = "WASMLITE_CODEGEN_TIMES";

/// CPU time of this thread and time it waited for a CPU, in ns (Linux
/// `/proc/thread-self/schedstat`; `None` elsewhere). Only for [`TIMING_ENV`].
fn thread_cpu_ns() -> Option<(u64, u64)> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut it = s.split_whitespace().map(|v| v.parse::<u64>().ok());
    Some((it.next()??, it.next()??))
}

/// Minimum module size (bytes of wasm) per partition for [`auto_threads`]. Calls between
/// partitions cannot be inlined, so splitting costs some run-time speed; modules below twice
/// this size (e.g. LZ4, 116 KB, compiled in ~3 s) stay one object, large ones (SQLite,
/// 1.3 MB) use every core.
pub const PARTITION_MIN_BYTES: usize = 128 << 10;

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

/// The LLVM pass pipeline at optimisation level `opt`. At 0 it also runs `instcombine`, which
/// only reaches the function bodies that apply SIMD operators to constants the IR builder could
/// not fold (every other body is `optnone`): LLVM 19's SelectionDAG combiner can loop forever
/// on such unfolded vector computations (differential fuzzing, seed 53005928:
/// `fuzz/regressions/codegen-o0-constant-simd.wat`), and the optimiser folds them away.
pub(crate) fn pass_pipeline(opt: u8) -> String {
    if opt == 0 {
        "default<O0>,function(instcombine<no-verify-fixpoint>)".into()
    } else {
        format!("default<O{}>", opt.min(3))
    }
}

/// The LLVM CPU name, feature string and tuning CPU for `config` on `triple`: `Config::cpu`
/// (`native` = this machine's CPU and features, only when compiling for the host triple), else
/// `x86-64-v2` on x86-64 tuned for `generic` like clang (the tuning of `x86-64-v2` itself is
/// Sandy Bridge's, which selects `shld` for rotates: three times the latency of `rol` on
/// current cores); `Config::features` are appended.
pub(crate) fn cpu_and_features(config: &Config, triple: &str) -> (String, String, Option<&'static str>) {
    let v2 = || ("x86-64-v2".to_string(), String::new(), Some("generic"));
    let (cpu, mut features, tune) = match config.cpu.as_deref() {
        Some("native") if triple == llvm::default_triple() => (llvm::host_cpu(), llvm::host_cpu_features(), None),
        Some("native") => v2(),
        Some(c) => (c.to_string(), String::new(), None),
        None if triple.starts_with("x86_64") => v2(),
        None => ("generic".to_string(), String::new(), None),
    };
    if let Some(f) = config.features.as_deref().filter(|f| !f.is_empty()) {
        if !features.is_empty() {
            features.push(',');
        }
        features.push_str(f);
    }
    (cpu, features, tune)
}

/// Stack for the compiling threads. LLVM recurses deeply on very large functions (thousands of
/// locals or deeply nested blocks) and would overflow the caller's stack — a build script's
/// main thread or a test thread has 2–8 MiB. Only touched pages are committed.
const COMPILE_STACK: usize = 512 << 20;

/// Run `f` on a thread with a [`COMPILE_STACK`]-sized stack.
fn on_compile_stack<T: Send>(f: impl FnOnce() -> Result<T, CompileError> + Send) -> Result<T, CompileError> {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .name("wasmlite-codegen".into())
            .stack_size(COMPILE_STACK)
            .spawn_scoped(s, f);
        match worker {
            Ok(h) => h.join().unwrap_or_else(|_| Err(CompileError::msg("internal code generator error (panic)"))),
            Err(e) => Err(CompileError::msg(format!("cannot start the compiler thread: {e}"))),
        }
    })
}

/// Run `finish` on the optimised single-partition module, on a thread with a
/// [`COMPILE_STACK`]-sized stack.
fn with_module<T: Send>(
    wasm: &[u8],
    prefix: &str,
    config: &Config,
    finish: impl FnOnce(&llvm::Module<'_>, &llvm::TargetMachine) -> Result<T, CompileError> + Send,
) -> Result<T, CompileError> {
    let config = Config { threads: 1, ..config.clone() };
    on_compile_stack(|| Prepared::new(wasm, prefix, &config)?.compile_part(0, finish))
}

/// A validated module, split into partitions, ready to be compiled partition by partition
/// (from any thread: everything here is plain data).
struct Prepared<'a> {
    wasm: &'a [u8],
    prefix: &'a str,
    config: &'a Config,
    info: wasmlite_abi::ModuleInfo,
    /// Byte range of every defined function's body.
    bodies: Vec<Range<usize>>,
    /// Function indices of each partition.
    parts: Vec<Range<u32>>,
    triple: String,
    cpu: String,
    features: String,
    tune: Option<&'static str>,
    opt: u8,
    /// `abi::parse::builtins_used`: the builtins the code may call.
    builtins: u32,
}

impl<'a> Prepared<'a> {
    fn new(wasm: &'a [u8], prefix: &'a str, config: &'a Config) -> Result<Prepared<'a>, CompileError> {
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
        let (cpu, features, tune) = cpu_and_features(config, &triple);
        let mut bodies = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            if let Payload::CodeSectionEntry(body) = payload? {
                let r = body.range();
                let (Ok(start), Ok(end)) = (usize::try_from(r.start), usize::try_from(r.end)) else {
                    return Err(CompileError::msg("function body offset out of range"));
                };
                if info.num_imported_funcs as usize + bodies.len() >= info.funcs.len() {
                    return Err(CompileError::at(start, "more function bodies than functions"));
                }
                bodies.push(start..end);
            }
        }
        if info.num_imported_funcs as usize + bodies.len() != info.funcs.len() {
            return Err(CompileError::msg("function and code section counts differ"));
        }
        let sizes: Vec<usize> = bodies.iter().map(|r| r.len()).collect();
        let threads = match config.threads {
            0 => auto_threads(wasm.len(), std::thread::available_parallelism().map_or(1, |n| n.get())),
            n => n,
        };
        let parts = partition(info.num_imported_funcs, &sizes, threads);
        let builtins = wasmlite_abi::parse::builtins_used(wasm)?;
        Ok(Prepared { wasm, prefix, config, info, bodies, parts, triple, cpu, features, tune, opt: config.opt_level.min(3), builtins })
    }

    /// Translate, verify and optimise partition `k` in a fresh LLVM context, then `finish`.
    fn compile_part<T>(
        &self,
        k: usize,
        finish: impl FnOnce(&llvm::Module<'_>, &llvm::TargetMachine) -> Result<T, CompileError>,
    ) -> Result<T, CompileError> {
        let timing = std::env::var_os(TIMING_ENV).is_some();
        let cpu0 = if timing { thread_cpu_ns() } else { None };
        let t0 = std::time::Instant::now();
        let tm = llvm::TargetMachine::new(&self.triple, &self.cpu, &self.features, self.tune, self.opt).map_err(CompileError::msg)?;
        let ctx = llvm::Context::new();
        let name = if k == 0 { self.prefix.to_string() } else { format!("{}_part{k}", self.prefix) };
        let module = ctx.module(&name);
        module.set_target(&tm);
        // A panic here would be a code generator bug; never let it cross the API.
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            translate::translate_module(
                &ctx,
                &module,
                &self.info,
                self.wasm,
                &self.bodies,
                self.prefix,
                self.config,
                &tm,
                &self.parts,
                k,
                self.builtins,
            )
        }));
        match r {
            Ok(r) => r?,
            Err(_) => return Err(CompileError::msg("internal code generator error (panic)")),
        }
        let t1 = std::time::Instant::now();
        module
            .verify()
            .map_err(|e| CompileError::msg(format!("LLVM verifier rejected the generated IR (codegen bug): {e}")))?;
        let t2 = std::time::Instant::now();
        let raise_trap = lazy::raise_trap_symbol(self.prefix);
        module.run_passes(&pass_pipeline(self.opt), &tm, Some(&raise_trap)).map_err(CompileError::msg)?;
        let t3 = std::time::Instant::now();
        let r = finish(&module, &tm);
        if timing {
            let funcs = self.parts.get(k).map_or(0, |r| r.len());
            let bytes: usize = self.parts.get(k).map_or(0, |r| {
                r.clone().filter_map(|i| self.bodies.get((i - self.info.num_imported_funcs) as usize)).map(|b| b.len()).sum()
            });
            let ms = |a: std::time::Instant, b: std::time::Instant| (b - a).as_secs_f64() * 1e3;
            let cpu = match (cpu0, thread_cpu_ns()) {
                (Some((a, w0)), Some((b, w1))) => {
                    format!(", thread CPU {:.0} ms, waited for a CPU {:.0} ms", (b - a) as f64 / 1e6, (w1 - w0) as f64 / 1e6)
                }
                _ => String::new(),
            };
            eprintln!(
                "wasmlite-codegen: partition {k}/{}: {funcs} functions, {bytes} body bytes: translate {:.0} ms, verify {:.0} ms, optimise {:.0} ms, emit {:.0} ms (wall){cpu}",
                self.parts.len(),
                ms(t0, t1),
                ms(t1, t2),
                ms(t2, t3),
                ms(t3, std::time::Instant::now())
            );
        }
        r
    }
}

/// Split the defined functions `nimp..nimp + sizes.len()` (body sizes `sizes`) into
/// `min(n, sizes.len())` contiguous index ranges (at least one) whose largest total weight
/// (a body plus a fixed cost for its entry points) is as small as possible: the wall-clock time
/// of a parallel compile is that of its heaviest partition. Deterministic; never an empty
/// range (except the single range of a module without functions).
fn partition(nimp: u32, sizes: &[usize], n: usize) -> Vec<Range<u32>> {
    const ENTRY_COST: usize = 64;
    let end = nimp + sizes.len() as u32;
    let n = n.min(sizes.len()).max(1);
    if n == 1 {
        return std::iter::once(nimp..end).collect();
    }
    let w: Vec<usize> = sizes.iter().map(|s| s + ENTRY_COST).collect();
    // Greedy cuts for a maximum weight `max`: close a range when the next function would
    // exceed it. Returns the range ends (indices into `w`).
    let cuts = |max: usize| -> Vec<usize> {
        let mut ends = Vec::new();
        let mut acc = 0;
        for (i, &x) in w.iter().enumerate() {
            if acc > 0 && acc + x > max {
                ends.push(i);
                acc = 0;
            }
            acc += x;
        }
        ends.push(w.len());
        ends
    };
    // The smallest maximum for which the greedy needs at most `n` ranges.
    let (mut lo, mut hi) = (w.iter().copied().max().unwrap_or(0), w.iter().sum::<usize>());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if cuts(mid).len() <= n {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let mut ends = cuts(lo);
    // Fewer ranges than asked for: split the heaviest range of several functions at its
    // most even point until there are `n` (the maximum does not grow).
    while ends.len() < n {
        let mut best: Option<(usize, usize)> = None; // (weight, range number)
        let mut start = 0;
        for (r, &e) in ends.iter().enumerate() {
            let weight: usize = w[start..e].iter().sum();
            if e - start > 1 && best.is_none_or(|(bw, _)| weight > bw) {
                best = Some((weight, r));
            }
            start = e;
        }
        let Some((weight, r)) = best else { break };
        let start = if r == 0 { 0 } else { ends[r - 1] };
        let mut acc = 0;
        let mut cut = start + 1;
        for (i, x) in w.iter().enumerate().take(ends[r] - 1).skip(start) {
            acc += x;
            cut = i + 1;
            if 2 * acc >= weight {
                break;
            }
        }
        ends.insert(r, cut);
    }
    let mut parts = Vec::with_capacity(ends.len());
    let mut start = 0;
    for e in ends {
        parts.push(nimp + start as u32..nimp + e as u32);
        start = e;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes_of(parts: &[Range<u32>], nimp: u32, sizes: &[usize]) -> Vec<usize> {
        parts.iter().map(|r| r.clone().map(|i| sizes[(i - nimp) as usize] + 64).sum()).collect()
    }

    #[test]
    fn partitions_cover_every_function_in_order() {
        let sizes = [100, 5000, 20, 20, 3000, 4000, 10, 10, 2500, 800];
        for n in 0..=12 {
            let parts = partition(3, &sizes, n);
            assert_eq!(parts.len(), n.clamp(1, sizes.len()), "n = {n}");
            assert_eq!(parts[0].start, 3);
            assert_eq!(parts.last().map(|r| r.end), Some(3 + sizes.len() as u32));
            for w in parts.windows(2) {
                assert_eq!(w[0].end, w[1].start, "contiguous");
            }
            assert!(parts.iter().all(|r| !r.is_empty()), "{parts:?}");
            assert_eq!(parts, partition(3, &sizes, n), "deterministic");
        }
        let none = partition(0, &[], 4);
        assert!(none.len() == 1 && none[0] == (0..0), "no defined functions: one empty partition");
    }

    #[test]
    fn partitions_are_balanced_by_size() {
        let sizes: Vec<usize> = (0..1000).map(|i| (i * 7919) % 3000 + 10).collect();
        let parts = partition(0, &sizes, 4);
        let loads = sizes_of(&parts, 0, &sizes);
        let (min, max) = (loads.iter().min().copied().unwrap(), loads.iter().max().copied().unwrap());
        assert!(max - min <= 3064, "{loads:?}");
        // The heaviest partition is as light as possible: e.g. [5, 1, 1, 1, 1, 5] in two.
        let parts = partition(0, &[500, 100, 100, 100, 100, 500], 2);
        assert_eq!(parts, vec![0..3, 3..6]);
        // Greedy packing alone would leave a partition empty; split the heaviest instead.
        assert_eq!(partition(0, &[10_000, 10, 10], 3), vec![0..1, 1..2, 2..3]);
        // One huge function gets a partition to itself.
        let parts = partition(0, &[10, 10, 100_000, 10, 10], 2);
        assert_eq!(parts, vec![0..3, 3..5]);
    }

    #[test]
    fn auto_threads_keeps_small_modules_whole() {
        assert_eq!(auto_threads(1000, 8), 1);
        assert_eq!(auto_threads(200 << 10, 8), 1);
        assert_eq!(auto_threads(300 << 10, 8), 2);
        assert_eq!(auto_threads(10 << 20, 2), 2);
        assert_eq!(auto_threads(10 << 20, 0), 1);
    }
}
