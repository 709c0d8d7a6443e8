//! # wasmlite-bench — wasmlite AOT vs native C vs Wasmtime vs the wasmi interpreter
//!
//! Two C programs (`c/workloads.c`: micro, PolyBench-style and CoreMark-like kernels plus
//! call benchmarks; `c/lz4_bench.c`: LZ4 1.10.0 and xxHash from the `lz4-sys` crate) are
//! compiled by `build.rs`
//! * to wasm32 with clang-19 (`-O2`, no simd128), then ahead of time with `wasmlite-build`
//!   twice: `<stem>` (guard-page memory, the default) and `<stem>_bc` (explicit bounds checks);
//! * natively with clang-19 `-O2` through the `cc` crate (symbols prefixed `bench_native_`).
//!
//! The same `.wasm` files are run by [`wasmtime`] (default `Config`: Cranelift) and [`wasmi`]
//! (default `Config`). Every engine implements [`Engine`], so the harnesses
//! (`src/bin/report.rs`, `benches/workloads.rs`, `src/bin/profile.rs`) and the test run
//! identical code paths and check that all engines compute the same results.

use std::error::Error;

/// Result type of every workload call.
pub type BenchResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

wasmlite_rt::include_wasm!("$OUT_DIR/workloads.wasm"); // `pub mod workloads` (guard pages)
wasmlite_rt::include_wasm!("$OUT_DIR/workloads_bc.wasm"); // `pub mod workloads_bc` (bounds checks)
wasmlite_rt::include_wasm!("$OUT_DIR/lz4.wasm"); // `pub mod lz4`
wasmlite_rt::include_wasm!("$OUT_DIR/lz4_bc.wasm"); // `pub mod lz4_bc`
wasmlite_rt::include_wasm!("c/inst.wat"); // `pub mod inst`: one memory page
wasmlite_rt::include_wasm!("$OUT_DIR/inst_bc.wat"); // `pub mod inst_bc`

/// `c/workloads.c` compiled to wasm32 by clang-19 (what Wasmtime and wasmi run).
pub const WORKLOADS_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/workloads.wasm"));
/// `c/lz4_bench.c` (+ LZ4, xxHash) compiled to wasm32 by clang-19.
pub const LZ4_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lz4.wasm"));
/// The instantiation benchmark's module (text).
pub const INST_WAT: &str = include_str!("../c/inst.wat");
/// Seed of every generated input.
pub const SEED: i32 = 0x2545_f491;

/// Which wasm program a kernel lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// `c/workloads.c`.
    Workloads,
    /// `c/lz4_bench.c` (LZ4 + xxHash, the real program).
    Lz4,
}

/// A compute kernel: an exported `i64 name(i32 n)` returning a checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Func {
    Fib,
    Sieve,
    Matmul,
    Crc32,
    MmI32,
    MmF32,
    Gemm,
    TwoMm,
    Atax,
    Jacobi2d,
    FloydWarshall,
    Nussinov,
    Coremark,
    Sha256,
    Lz4Compress,
    Lz4Decompress,
    Lz4hcCompress,
    Xxh64,
    Xxh32,
}

/// A kernel with its benchmark argument.
#[derive(Debug, Clone, Copy)]
pub struct Kernel {
    /// Which function.
    pub func: Func,
    /// Export name (and `profile` argument).
    pub export: &'static str,
    /// Row label in the report.
    pub label: &'static str,
    /// Program it belongs to.
    pub program: Program,
    /// Argument of the timed call.
    pub n: i32,
}

const fn k(func: Func, export: &'static str, label: &'static str, program: Program, n: i32) -> Kernel {
    Kernel { func, export, label, program, n }
}

/// Every compute kernel with the size it is benchmarked at.
pub const KERNELS: &[Kernel] = &[
    k(Func::Fib, "fib", "fib(30) (calls)", Program::Workloads, 30),
    k(Func::Sieve, "sieve", "sieve 1e6", Program::Workloads, 1_000_000),
    k(Func::Matmul, "matmul", "matmul f64 150² (i-j-k)", Program::Workloads, 150),
    k(Func::Crc32, "crc32", "crc32 1 MiB", Program::Workloads, 1 << 20),
    k(Func::MmI32, "mm_i32", "matmul i32 256² (i-k-j)", Program::Workloads, 256),
    k(Func::MmF32, "mm_f32", "matmul f32 256² (i-k-j)", Program::Workloads, 256),
    k(Func::Gemm, "gemm", "PolyBench gemm 200", Program::Workloads, 200),
    k(Func::TwoMm, "two_mm", "PolyBench 2mm 160", Program::Workloads, 160),
    k(Func::Atax, "atax", "PolyBench atax 1600 ×2", Program::Workloads, 2),
    k(Func::Jacobi2d, "jacobi_2d", "PolyBench jacobi-2d 250, 40 steps", Program::Workloads, 250),
    k(Func::FloydWarshall, "floyd_warshall", "PolyBench floyd-warshall 200", Program::Workloads, 200),
    k(Func::Nussinov, "nussinov", "PolyBench nussinov 300", Program::Workloads, 300),
    k(Func::Coremark, "coremark", "CoreMark-like ×40", Program::Workloads, 40),
    k(Func::Sha256, "sha256", "sha256 1 MiB", Program::Workloads, 1 << 20),
    k(Func::Lz4Compress, "run_lz4_compress", "LZ4 compress + decompress 1 MiB", Program::Lz4, 1 << 20),
    k(Func::Lz4Decompress, "run_lz4_decompress", "LZ4 decompress 1 MiB ×10 (HC stream)", Program::Lz4, 10),
    k(Func::Lz4hcCompress, "run_lz4hc_compress", "LZ4 HC level 9, 256 KiB", Program::Lz4, 9),
    k(Func::Xxh64, "run_xxh64", "xxHash64 1 MiB ×16", Program::Lz4, 1 << 20),
    k(Func::Xxh32, "run_xxh32", "xxHash32 1 MiB ×16", Program::Lz4, 1 << 20),
];

/// The kernel exported as `name`.
pub fn kernel(name: &str) -> Option<&'static Kernel> {
    KERNELS.iter().find(|k| k.export == name)
}

/// One way of running the programs.
pub trait Engine {
    /// Column name.
    fn name(&self) -> &'static str;
    /// Build every program's inputs from `seed` (not timed); returns `run_lz4_init`'s result
    /// (the compressed size of the LZ4 input).
    fn init(&mut self, seed: i32) -> BenchResult<i64>;
    /// Run one kernel.
    fn run(&mut self, func: Func, n: i32) -> BenchResult<i64>;
    /// Host → wasm: call the empty exported function `calls` times.
    fn empty_calls(&mut self, calls: u32) -> BenchResult<()>;
    /// Host → wasm: `x = inc(x)` `calls` times from `x = 0`; returns `x`.
    fn inc_calls(&mut self, calls: u32) -> BenchResult<i32>;
    /// Wasm → host: the guest calls the host's `env.host_inc` `n` times; returns `n`.
    fn call_host(&mut self, n: i32) -> BenchResult<i32>;
}

fn err(e: impl std::fmt::Display) -> Box<dyn Error + Send + Sync> {
    e.to_string().into()
}

// ------------------------------------------------------------------------------- native

mod ffi {
    extern "C" {
        pub fn bench_native_empty();
        pub fn bench_native_inc(x: i32) -> i32;
        pub fn bench_native_call_host(n: i32) -> i32;
        pub static mut bench_native_host_inc_ptr: Option<extern "C" fn(i32) -> i32>;
        pub fn bench_native_init(seed: u32) -> i32;
        pub fn bench_native_run_lz4_init(seed: i32) -> i64;
        pub fn bench_native_fib(n: i32) -> i64;
        pub fn bench_native_sieve(n: i32) -> i64;
        pub fn bench_native_matmul(n: i32) -> i64;
        pub fn bench_native_crc32(n: i32) -> i64;
        pub fn bench_native_mm_i32(n: i32) -> i64;
        pub fn bench_native_mm_f32(n: i32) -> i64;
        pub fn bench_native_gemm(n: i32) -> i64;
        pub fn bench_native_two_mm(n: i32) -> i64;
        pub fn bench_native_atax(n: i32) -> i64;
        pub fn bench_native_jacobi_2d(n: i32) -> i64;
        pub fn bench_native_floyd_warshall(n: i32) -> i64;
        pub fn bench_native_nussinov(n: i32) -> i64;
        pub fn bench_native_coremark(n: i32) -> i64;
        pub fn bench_native_sha256(n: i32) -> i64;
        pub fn bench_native_run_lz4_compress(n: i32) -> i64;
        pub fn bench_native_run_lz4_decompress(n: i32) -> i64;
        pub fn bench_native_run_lz4hc_compress(n: i32) -> i64;
        pub fn bench_native_run_xxh64(n: i32) -> i64;
        pub fn bench_native_run_xxh32(n: i32) -> i64;
    }
}

/// The host function of the call benchmarks (`env.host_inc`; natively called through a
/// function pointer).
pub extern "C" fn host_inc(x: i32) -> i32 {
    x.wrapping_add(1)
}

/// The C programs compiled natively (clang-19 -O2), called through FFI.
///
/// The C code keeps its data in process-wide statics, so use one `Native` at a time.
pub struct Native(());

impl Native {
    /// Point the C code's host-function pointer at [`host_inc`].
    pub fn new() -> Native {
        // SAFETY: a plain pointer-sized C global, written before any C code reads it; the
        // harnesses are single-threaded.
        unsafe { ffi::bench_native_host_inc_ptr = Some(host_inc) };
        Native(())
    }
}

impl Engine for Native {
    fn name(&self) -> &'static str {
        "native"
    }
    fn init(&mut self, seed: i32) -> BenchResult<i64> {
        // SAFETY: the C functions only write their own static buffers.
        unsafe { ffi::bench_native_init(seed as u32) };
        // SAFETY: as above.
        Ok(unsafe { ffi::bench_native_run_lz4_init(seed) })
    }
    fn run(&mut self, func: Func, n: i32) -> BenchResult<i64> {
        use ffi::*;
        // SAFETY: every kernel range-checks n against its static buffers (or is pure).
        let f: unsafe extern "C" fn(i32) -> i64 = match func {
            Func::Fib => bench_native_fib,
            Func::Sieve => bench_native_sieve,
            Func::Matmul => bench_native_matmul,
            Func::Crc32 => bench_native_crc32,
            Func::MmI32 => bench_native_mm_i32,
            Func::MmF32 => bench_native_mm_f32,
            Func::Gemm => bench_native_gemm,
            Func::TwoMm => bench_native_two_mm,
            Func::Atax => bench_native_atax,
            Func::Jacobi2d => bench_native_jacobi_2d,
            Func::FloydWarshall => bench_native_floyd_warshall,
            Func::Nussinov => bench_native_nussinov,
            Func::Coremark => bench_native_coremark,
            Func::Sha256 => bench_native_sha256,
            Func::Lz4Compress => bench_native_run_lz4_compress,
            Func::Lz4Decompress => bench_native_run_lz4_decompress,
            Func::Lz4hcCompress => bench_native_run_lz4hc_compress,
            Func::Xxh64 => bench_native_run_xxh64,
            Func::Xxh32 => bench_native_run_xxh32,
        };
        // SAFETY: see above; `fib`'s recursion depth is n (small).
        Ok(unsafe { f(n) })
    }
    fn empty_calls(&mut self, calls: u32) -> BenchResult<()> {
        // An indirect call (the optimiser cannot see through black_box).
        let f = std::hint::black_box(ffi::bench_native_empty as unsafe extern "C" fn());
        for _ in 0..calls {
            // SAFETY: a C function without parameters or side effects.
            unsafe { f() };
        }
        Ok(())
    }
    fn inc_calls(&mut self, calls: u32) -> BenchResult<i32> {
        let f = std::hint::black_box(ffi::bench_native_inc as unsafe extern "C" fn(i32) -> i32);
        let mut x = 0;
        for _ in 0..calls {
            // SAFETY: pure C function.
            x = unsafe { f(x) };
        }
        Ok(x)
    }
    fn call_host(&mut self, n: i32) -> BenchResult<i32> {
        // SAFETY: the function pointer was set in `new` (the C code calls through it).
        Ok(unsafe { ffi::bench_native_call_host(n) })
    }
}

// ------------------------------------------------------------------------------- wasmlite

/// The host side of `env.host_inc` for the wasmlite bindings.
pub struct Host;

macro_rules! wasmlite_engine {
    ($(#[$m:meta])* $ty:ident, $wl:ident, $lz:ident, $name:literal) => {
        impl $wl::Imports for Host {
            fn env_host_inc(&mut self, _caller: &mut wasmlite_rt::Caller<'_>, x: i32) -> Result<i32, wasmlite_rt::Trap> {
                Ok(host_inc(x))
            }
        }

        $(#[$m])*
        pub struct $ty {
            wl: $wl::Instance<Host>,
            lz: $lz::Instance<()>,
        }

        impl $ty {
            /// Instantiate both programs.
            pub fn new() -> BenchResult<Self> {
                Ok($ty { wl: $wl::Instance::new(Host).map_err(err)?, lz: $lz::Instance::new(()).map_err(err)? })
            }
        }

        impl Engine for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn init(&mut self, seed: i32) -> BenchResult<i64> {
                self.wl.init(seed).map_err(err)?;
                self.lz.run_lz4_init(seed).map_err(err)
            }
            fn run(&mut self, func: Func, n: i32) -> BenchResult<i64> {
                let (wl, lz) = (&mut self.wl, &mut self.lz);
                match func {
                    Func::Fib => wl.fib(n),
                    Func::Sieve => wl.sieve(n),
                    Func::Matmul => wl.matmul(n),
                    Func::Crc32 => wl.crc32(n),
                    Func::MmI32 => wl.mm_i32(n),
                    Func::MmF32 => wl.mm_f32(n),
                    Func::Gemm => wl.gemm(n),
                    Func::TwoMm => wl.two_mm(n),
                    Func::Atax => wl.atax(n),
                    Func::Jacobi2d => wl.jacobi_2d(n),
                    Func::FloydWarshall => wl.floyd_warshall(n),
                    Func::Nussinov => wl.nussinov(n),
                    Func::Coremark => wl.coremark(n),
                    Func::Sha256 => wl.sha256(n),
                    Func::Lz4Compress => lz.run_lz4_compress(n),
                    Func::Lz4Decompress => lz.run_lz4_decompress(n),
                    Func::Lz4hcCompress => lz.run_lz4hc_compress(n),
                    Func::Xxh64 => lz.run_xxh64(n),
                    Func::Xxh32 => lz.run_xxh32(n),
                }
                .map_err(err)
            }
            fn empty_calls(&mut self, calls: u32) -> BenchResult<()> {
                for _ in 0..calls {
                    self.wl.empty().map_err(err)?;
                }
                Ok(())
            }
            fn inc_calls(&mut self, calls: u32) -> BenchResult<i32> {
                let mut x = 0;
                for _ in 0..calls {
                    x = self.wl.inc(x).map_err(err)?;
                }
                Ok(x)
            }
            fn call_host(&mut self, n: i32) -> BenchResult<i32> {
                self.wl.call_host(n).map_err(err)
            }
        }
    };
}

wasmlite_engine!(
    /// wasmlite AOT, guard-page memory (no bounds checks in the generated code).
    WasmliteGuard,
    workloads,
    lz4,
    "wasmlite (guard)"
);
wasmlite_engine!(
    /// wasmlite AOT, the same wasm compiled with explicit bounds checks.
    WasmliteBounds,
    workloads_bc,
    lz4_bc,
    "wasmlite (bounds)"
);

// ------------------------------------------------------------------------------- wasmtime / wasmi

/// Typed exports shared by the Wasmtime and wasmi engines (both APIs have the same shape).
struct Exports<F2, F0, FI> {
    kernels: Vec<F2>,
    empty: F0,
    inc: FI,
    call_host: FI,
    init: FI,
    lz4_init: F2,
}

/// The same `.wasm` files run by Wasmtime with its default configuration (Cranelift,
/// guard-page memories, parallel compilation).
pub struct Wasmtime {
    store: wasmtime::Store<()>,
    ex: Exports<wasmtime::TypedFunc<i32, i64>, wasmtime::TypedFunc<(), ()>, wasmtime::TypedFunc<i32, i32>>,
}

impl Wasmtime {
    /// Compile and instantiate both programs with `wasmtime::Config::default()`.
    pub fn new() -> BenchResult<Self> {
        let engine = wasmtime::Engine::default();
        let mut store = wasmtime::Store::new(&engine, ());
        let mut linker = wasmtime::Linker::<()>::new(&engine);
        linker.func_wrap("env", "host_inc", |x: i32| host_inc(x)).map_err(err)?;
        let wl_mod = wasmtime::Module::new(&engine, WORKLOADS_WASM).map_err(err)?;
        let lz_mod = wasmtime::Module::new(&engine, LZ4_WASM).map_err(err)?;
        let wl = linker.instantiate(&mut store, &wl_mod).map_err(err)?;
        let lz = linker.instantiate(&mut store, &lz_mod).map_err(err)?;
        let mut kernels = Vec::new();
        for kd in KERNELS {
            let inst = if kd.program == Program::Workloads { wl } else { lz };
            kernels.push(inst.get_typed_func::<i32, i64>(&mut store, kd.export).map_err(err)?);
        }
        let ex = Exports {
            kernels,
            empty: wl.get_typed_func(&mut store, "empty").map_err(err)?,
            inc: wl.get_typed_func(&mut store, "inc").map_err(err)?,
            call_host: wl.get_typed_func(&mut store, "call_host").map_err(err)?,
            init: wl.get_typed_func(&mut store, "init").map_err(err)?,
            lz4_init: lz.get_typed_func(&mut store, "run_lz4_init").map_err(err)?,
        };
        Ok(Wasmtime { store, ex })
    }
}

/// The same `.wasm` files run by the wasmi interpreter with its default configuration.
pub struct Wasmi {
    store: wasmi::Store<()>,
    ex: Exports<wasmi::TypedFunc<i32, i64>, wasmi::TypedFunc<(), ()>, wasmi::TypedFunc<i32, i32>>,
}

impl Wasmi {
    /// Compile and instantiate both programs with `wasmi::Config::default()`.
    pub fn new() -> BenchResult<Self> {
        let engine = wasmi::Engine::default();
        let mut store = wasmi::Store::new(&engine, ());
        let mut linker = wasmi::Linker::<()>::new(&engine);
        linker.func_wrap("env", "host_inc", |x: i32| host_inc(x)).map_err(err)?;
        let wl_mod = wasmi::Module::new(&engine, WORKLOADS_WASM).map_err(err)?;
        let lz_mod = wasmi::Module::new(&engine, LZ4_WASM).map_err(err)?;
        let wl = linker.instantiate_and_start(&mut store, &wl_mod).map_err(err)?;
        let lz = linker.instantiate_and_start(&mut store, &lz_mod).map_err(err)?;
        let mut kernels = Vec::new();
        for kd in KERNELS {
            let inst = if kd.program == Program::Workloads { wl } else { lz };
            kernels.push(inst.get_typed_func::<i32, i64>(&store, kd.export).map_err(err)?);
        }
        let ex = Exports {
            kernels,
            empty: wl.get_typed_func(&store, "empty").map_err(err)?,
            inc: wl.get_typed_func(&store, "inc").map_err(err)?,
            call_host: wl.get_typed_func(&store, "call_host").map_err(err)?,
            init: wl.get_typed_func(&store, "init").map_err(err)?,
            lz4_init: lz.get_typed_func(&store, "run_lz4_init").map_err(err)?,
        };
        Ok(Wasmi { store, ex })
    }
}

macro_rules! runtime_engine {
    ($ty:ident, $name:literal) => {
        impl Engine for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn init(&mut self, seed: i32) -> BenchResult<i64> {
                self.ex.init.call(&mut self.store, seed).map_err(err)?;
                self.ex.lz4_init.call(&mut self.store, seed).map_err(err)
            }
            fn run(&mut self, func: Func, n: i32) -> BenchResult<i64> {
                let i = KERNELS.iter().position(|k| k.func == func).ok_or("unknown kernel")?;
                self.ex.kernels[i].call(&mut self.store, n).map_err(err)
            }
            fn empty_calls(&mut self, calls: u32) -> BenchResult<()> {
                for _ in 0..calls {
                    self.ex.empty.call(&mut self.store, ()).map_err(err)?;
                }
                Ok(())
            }
            fn inc_calls(&mut self, calls: u32) -> BenchResult<i32> {
                let mut x = 0;
                for _ in 0..calls {
                    x = self.ex.inc.call(&mut self.store, x).map_err(err)?;
                }
                Ok(x)
            }
            fn call_host(&mut self, n: i32) -> BenchResult<i32> {
                self.ex.call_host.call(&mut self.store, n).map_err(err)
            }
        }
    };
}

runtime_engine!(Wasmtime, "wasmtime");
runtime_engine!(Wasmi, "wasmi");

/// Every engine, in report column order.
/// CPU time (user + system) used so far by the calling thread (`CLOCK_THREAD_CPUTIME_ID`):
/// the clock of the run-time benchmarks (time spent waiting for a core is excluded).
pub fn thread_cpu_time() -> std::time::Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes only the timespec it is given, which lives on the stack.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

pub fn all_engines() -> BenchResult<Vec<Box<dyn Engine>>> {
    Ok(vec![
        Box::new(Native::new()),
        Box::new(WasmliteGuard::new()?),
        Box::new(WasmliteBounds::new()?),
        Box::new(Wasmtime::new()?),
        Box::new(Wasmi::new()?),
    ])
}

/// The engine called `name` on the command line (`native`, `guard`, `bounds`, `wasmtime`,
/// `wasmi`).
pub fn engine(name: &str) -> BenchResult<Box<dyn Engine>> {
    Ok(match name {
        "native" => Box::new(Native::new()),
        "guard" => Box::new(WasmliteGuard::new()?),
        "bounds" => Box::new(WasmliteBounds::new()?),
        "wasmtime" => Box::new(Wasmtime::new()?),
        "wasmi" => Box::new(Wasmi::new()?),
        _ => return Err(format!("unknown engine {name:?} (native, guard, bounds, wasmtime, wasmi)").into()),
    })
}

// ------------------------------------------------------------------------------- instantiation

/// Instantiates the one-page module `c/inst.wat` (a fresh store each time, then drops it).
pub trait Instantiate {
    /// Column name.
    fn name(&self) -> &'static str;
    /// Instantiate once and drop the instance; returns the module's `get()` (0: fresh memory).
    fn instantiate(&mut self) -> BenchResult<i32>;
}

/// wasmlite, guard-page memory (`inst::Instance::new`).
pub struct InstWasmliteGuard;
/// wasmlite, explicit bounds checks (`inst_bc::Instance::new`).
pub struct InstWasmliteBounds;

impl Instantiate for InstWasmliteGuard {
    fn name(&self) -> &'static str {
        "wasmlite (guard)"
    }
    fn instantiate(&mut self) -> BenchResult<i32> {
        let mut i = inst::Instance::new(()).map_err(err)?;
        i.get().map_err(err)
    }
}

impl Instantiate for InstWasmliteBounds {
    fn name(&self) -> &'static str {
        "wasmlite (bounds)"
    }
    fn instantiate(&mut self) -> BenchResult<i32> {
        let mut i = inst_bc::Instance::new(()).map_err(err)?;
        i.get().map_err(err)
    }
}

/// Wasmtime: the module is compiled once; each iteration is `Store::new` + `Instance::new`.
pub struct InstWasmtime {
    engine: wasmtime::Engine,
    module: wasmtime::Module,
}

impl InstWasmtime {
    /// Compile `c/inst.wat` with the default configuration.
    pub fn new() -> BenchResult<Self> {
        let engine = wasmtime::Engine::default();
        let module = wasmtime::Module::new(&engine, wat::parse_str(INST_WAT).map_err(err)?).map_err(err)?;
        Ok(InstWasmtime { engine, module })
    }
}

impl Instantiate for InstWasmtime {
    fn name(&self) -> &'static str {
        "wasmtime"
    }
    fn instantiate(&mut self) -> BenchResult<i32> {
        let mut store = wasmtime::Store::new(&self.engine, ());
        let i = wasmtime::Instance::new(&mut store, &self.module, &[]).map_err(err)?;
        let get = i.get_typed_func::<(), i32>(&mut store, "get").map_err(err)?;
        get.call(&mut store, ()).map_err(err)
    }
}

/// wasmi: the module is compiled once; each iteration is `Store::new` + instantiate.
pub struct InstWasmi {
    engine: wasmi::Engine,
    module: wasmi::Module,
}

impl InstWasmi {
    /// Compile `c/inst.wat` with the default configuration.
    pub fn new() -> BenchResult<Self> {
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, wat::parse_str(INST_WAT).map_err(err)?).map_err(err)?;
        Ok(InstWasmi { engine, module })
    }
}

impl Instantiate for InstWasmi {
    fn name(&self) -> &'static str {
        "wasmi"
    }
    fn instantiate(&mut self) -> BenchResult<i32> {
        let mut store = wasmi::Store::new(&self.engine, ());
        let linker = wasmi::Linker::<()>::new(&self.engine);
        let i = linker.instantiate_and_start(&mut store, &self.module).map_err(err)?;
        let get = i.get_typed_func::<(), i32>(&store, "get").map_err(err)?;
        get.call(&mut store, ()).map_err(err)
    }
}

/// Every instantiation engine, in report column order.
pub fn all_instantiators() -> BenchResult<Vec<Box<dyn Instantiate>>> {
    Ok(vec![
        Box::new(InstWasmliteGuard),
        Box::new(InstWasmliteBounds),
        Box::new(InstWasmtime::new()?),
        Box::new(InstWasmi::new()?),
    ])
}
