//! Profiling helper: runs one workload on one engine in a loop, for `perf record`/`perf stat`.
//!
//! `profile <native|guard|bounds|wasmtime|wasmi> <KERNEL|empty|inc|call_host> [ITERATIONS]`
//! (KERNEL: an export name from `KERNELS`, e.g. `sieve`, `gemm`, `lz4_compress`). `call_host`
//! runs one guest loop of ITERATIONS wasm → host calls, `empty`/`inc` one host loop of
//! ITERATIONS host → wasm calls, and print the time per call; the kernels print the time per
//! iteration of the host loop. `valgrind --tool=callgrind` on two ITERATIONS gives instructions per
//! call (this VM has no performance counters).

use wasmlite_bench::{engine, kernel, BenchResult, KERNELS, SEED};

fn main() -> BenchResult<()> {
    let args: Vec<String> = std::env::args().collect();
    let names: Vec<&str> = KERNELS.iter().map(|k| k.export).collect();
    let usage = format!(
        "usage: profile <native|guard|bounds|wasmtime|wasmi> <{}|empty|inc|call_host> [ITERATIONS]",
        names.join("|")
    );
    let (engine_name, workload) = match (args.get(1), args.get(2)) {
        (Some(e), Some(w)) => (e.as_str(), w.as_str()),
        _ => return Err(usage.into()),
    };
    let n: u64 = match args.get(3) {
        Some(s) => s.parse().map_err(|e| format!("ITERATIONS: {e}"))?,
        None => 100,
    };
    let mut e = engine(engine_name)?;
    e.init(SEED)?;
    let k = kernel(workload);
    if k.is_none() && !["empty", "inc", "call_host"].contains(&workload) {
        return Err(usage.into());
    }
    let t = std::time::Instant::now();
    let mut check = 0u64;
    let Some(k) = k else {
        // One batch of `n` calls, as `report` times them: `call_host` is one guest loop of
        // `n` wasm → host calls; `empty`/`inc` one host loop of `n` host → wasm calls.
        let calls = u32::try_from(n).map_err(|e| format!("ITERATIONS: {e}"))?;
        check = match workload {
            "call_host" => e.call_host(i32::try_from(n).map_err(|e| format!("ITERATIONS: {e}"))?)? as u64,
            "inc" => e.inc_calls(calls)? as u64,
            _ => e.empty_calls(calls).map(|()| 0)?,
        };
        let per = t.elapsed().as_secs_f64() / n as f64;
        println!("{} {workload}: {:.1} ns/call (checksum {check:#x})", e.name(), per * 1e9);
        return Ok(());
    };
    for _ in 0..n {
        check = check.wrapping_add(e.run(k.func, k.n)? as u64);
    }
    let per = t.elapsed().as_secs_f64() / n as f64;
    println!("{} {workload}: {:.1} ns/iteration (checksum {check:#x})", e.name(), per * 1e9);
    Ok(())
}
