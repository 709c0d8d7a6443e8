//! # wasmlite-bench — wasmlite AOT vs native C vs the wasmi interpreter
//!
//! The workloads live in `c/workloads.c`. `build.rs` compiles that file
//! * to wasm32 with clang-19, then ahead of time with `wasmlite-build` twice: `workloads`
//!   (guard-page memory, the default) and `workloads_bc` (the same binary with explicit
//!   bounds checks);
//! * natively with clang-19 `-O2` through the `cc` crate (symbols prefixed `bench_native_`).
//!
//! The same `.wasm` is also run by [`wasmi`]. Every engine implements [`Engine`], so the
//! harnesses (`benches/workloads.rs` for criterion, `src/bin/report.rs` for the markdown
//! table) run identical code paths and can check that all engines compute the same results.

use std::error::Error;

/// Result type of every workload call.
pub type BenchResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

wasmlite_rt::include_wasm!("$OUT_DIR/workloads.wasm"); // `pub mod workloads` (guard pages)
wasmlite_rt::include_wasm!("$OUT_DIR/workloads_bc.wasm"); // `pub mod workloads_bc` (bounds checks)

/// The wasm binary produced by clang-19 from `c/workloads.c` (what wasmi runs).
pub const WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/workloads.wasm"));

/// Workload sizes used by both harnesses.
pub mod sizes {
    /// `fib(FIB_N)`.
    pub const FIB_N: i32 = 30;
    /// Sieve of Eratosthenes up to this bound.
    pub const SIEVE_N: i32 = 1_000_000;
    /// Matrix dimension (f64, `n x n`).
    pub const MAT_N: i32 = 128;
    /// Bytes hashed by crc32 (1 MiB).
    pub const CRC_N: u32 = 1 << 20;
    /// Seed of the crc32 input buffer.
    pub const CRC_SEED: u32 = 0x2545_f491;
}

/// One way of running the workloads.
pub trait Engine {
    /// Column name.
    fn name(&self) -> &'static str;
    /// Call the empty exported function once.
    fn empty(&mut self) -> BenchResult<()>;
    /// Recursive Fibonacci.
    fn fib(&mut self, n: i32) -> BenchResult<i32>;
    /// Number of primes in `[0, n]`.
    fn sieve(&mut self, n: i32) -> BenchResult<i32>;
    /// Sum of the elements of an `n x n` f64 matrix product.
    fn matmul(&mut self, n: i32) -> BenchResult<f64>;
    /// Fill the crc32 input buffer from `seed` (setup, not timed).
    fn crc_fill(&mut self, seed: u32) -> BenchResult<()>;
    /// CRC-32 of the first `n` bytes of the input buffer.
    fn crc32(&mut self, n: u32) -> BenchResult<u32>;
}

mod ffi {
    extern "C" {
        pub fn bench_native_empty();
        pub fn bench_native_fib(n: i32) -> i32;
        pub fn bench_native_sieve(n: i32) -> i32;
        pub fn bench_native_matmul(n: i32) -> f64;
        pub fn bench_native_crc_fill(seed: u32) -> i32;
        pub fn bench_native_crc32(n: u32) -> u32;
    }
}

/// The C workloads compiled natively (clang-19 -O2), called through FFI.
///
/// The C code keeps its buffers in process-wide statics, so use one `Native` at a time.
#[derive(Default)]
pub struct Native;

impl Engine for Native {
    fn name(&self) -> &'static str {
        "native"
    }
    #[inline(never)]
    fn empty(&mut self) -> BenchResult<()> {
        // SAFETY: a C function without parameters or side effects.
        unsafe { ffi::bench_native_empty() };
        Ok(())
    }
    fn fib(&mut self, n: i32) -> BenchResult<i32> {
        // SAFETY: pure C function; recursion depth is n, small for the sizes used here.
        Ok(unsafe { ffi::bench_native_fib(n) })
    }
    fn sieve(&mut self, n: i32) -> BenchResult<i32> {
        // SAFETY: the C function range-checks n against its static buffer.
        Ok(unsafe { ffi::bench_native_sieve(n) })
    }
    fn matmul(&mut self, n: i32) -> BenchResult<f64> {
        // SAFETY: the C function range-checks n against its static matrices.
        Ok(unsafe { ffi::bench_native_matmul(n) })
    }
    fn crc_fill(&mut self, seed: u32) -> BenchResult<()> {
        // SAFETY: writes only the C file's static buffer.
        unsafe { ffi::bench_native_crc_fill(seed) };
        Ok(())
    }
    fn crc32(&mut self, n: u32) -> BenchResult<u32> {
        // SAFETY: the C function clamps n to its static buffer.
        Ok(unsafe { ffi::bench_native_crc32(n) })
    }
}

macro_rules! wasmlite_engine {
    ($(#[$m:meta])* $ty:ident, $module:ident, $name:literal) => {
        $(#[$m])*
        pub struct $ty($module::Instance<()>);

        impl $ty {
            /// Instantiate the module.
            pub fn new() -> BenchResult<Self> {
                Ok($ty($module::Instance::new(()).map_err(|e| format!("{e}"))?))
            }
        }

        impl Engine for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            #[inline(never)]
            fn empty(&mut self) -> BenchResult<()> {
                self.0.empty().map_err(|e| format!("{e}"))?;
                Ok(())
            }
            fn fib(&mut self, n: i32) -> BenchResult<i32> {
                Ok(self.0.fib(n).map_err(|e| format!("{e}"))?)
            }
            fn sieve(&mut self, n: i32) -> BenchResult<i32> {
                Ok(self.0.sieve(n).map_err(|e| format!("{e}"))?)
            }
            fn matmul(&mut self, n: i32) -> BenchResult<f64> {
                Ok(self.0.matmul(n).map_err(|e| format!("{e}"))?)
            }
            fn crc_fill(&mut self, seed: u32) -> BenchResult<()> {
                self.0.crc_fill(seed as i32).map_err(|e| format!("{e}"))?;
                Ok(())
            }
            fn crc32(&mut self, n: u32) -> BenchResult<u32> {
                Ok(self.0.crc32(n as i32).map_err(|e| format!("{e}"))? as u32)
            }
        }
    };
}

wasmlite_engine!(
    /// wasmlite AOT, guard-page memory (no bounds checks in the generated code).
    WasmliteGuard,
    workloads,
    "wasmlite (guard)"
);
wasmlite_engine!(
    /// wasmlite AOT, the same wasm compiled with explicit bounds checks.
    WasmliteBounds,
    workloads_bc,
    "wasmlite (bounds checks)"
);

/// The same `.wasm` run by the wasmi interpreter.
pub struct Wasmi {
    store: wasmi::Store<()>,
    empty: wasmi::TypedFunc<(), ()>,
    fib: wasmi::TypedFunc<i32, i32>,
    sieve: wasmi::TypedFunc<i32, i32>,
    matmul: wasmi::TypedFunc<i32, f64>,
    crc_fill: wasmi::TypedFunc<i32, i32>,
    crc32: wasmi::TypedFunc<i32, i32>,
}

impl Wasmi {
    /// Compile and instantiate [`WASM`] with wasmi's default configuration.
    pub fn new() -> BenchResult<Self> {
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, WASM)?;
        let mut store = wasmi::Store::new(&engine, ());
        let linker = wasmi::Linker::<()>::new(&engine);
        let instance = linker.instantiate_and_start(&mut store, &module)?;
        Ok(Wasmi {
            empty: instance.get_typed_func(&store, "empty")?,
            fib: instance.get_typed_func(&store, "fib")?,
            sieve: instance.get_typed_func(&store, "sieve")?,
            matmul: instance.get_typed_func(&store, "matmul")?,
            crc_fill: instance.get_typed_func(&store, "crc_fill")?,
            crc32: instance.get_typed_func(&store, "crc32")?,
            store,
        })
    }
}

impl Engine for Wasmi {
    fn name(&self) -> &'static str {
        "wasmi"
    }
    #[inline(never)]
    fn empty(&mut self) -> BenchResult<()> {
        Ok(self.empty.call(&mut self.store, ())?)
    }
    fn fib(&mut self, n: i32) -> BenchResult<i32> {
        Ok(self.fib.call(&mut self.store, n)?)
    }
    fn sieve(&mut self, n: i32) -> BenchResult<i32> {
        Ok(self.sieve.call(&mut self.store, n)?)
    }
    fn matmul(&mut self, n: i32) -> BenchResult<f64> {
        Ok(self.matmul.call(&mut self.store, n)?)
    }
    fn crc_fill(&mut self, seed: u32) -> BenchResult<()> {
        self.crc_fill.call(&mut self.store, seed as i32)?;
        Ok(())
    }
    fn crc32(&mut self, n: u32) -> BenchResult<u32> {
        Ok(self.crc32.call(&mut self.store, n as i32)? as u32)
    }
}
