//! Profiling helper: runs one workload on one engine in a loop, for `perf record`/`perf stat`.
//!
//! `profile <native|guard|bounds|wasmi> <empty|fib|sieve|matmul|crc32> [ITERATIONS]`

use wasmlite_bench::{sizes::*, BenchResult, Engine, Native, Wasmi, WasmliteBounds, WasmliteGuard};

fn main() -> BenchResult<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: profile <native|guard|bounds|wasmi> <empty|fib|sieve|matmul|crc32> [ITERATIONS]";
    let (engine, workload) = match (args.get(1), args.get(2)) {
        (Some(e), Some(w)) => (e.as_str(), w.as_str()),
        _ => return Err(usage.into()),
    };
    let n: u64 = match args.get(3) {
        Some(s) => s.parse().map_err(|e| format!("ITERATIONS: {e}"))?,
        None => 100,
    };
    let mut e: Box<dyn Engine> = match engine {
        "native" => Box::new(Native),
        "guard" => Box::new(WasmliteGuard::new()?),
        "bounds" => Box::new(WasmliteBounds::new()?),
        "wasmi" => Box::new(Wasmi::new()?),
        _ => return Err(usage.into()),
    };
    e.crc_fill(CRC_SEED)?;
    let t = std::time::Instant::now();
    let mut check = 0u64;
    for _ in 0..n {
        check = check.wrapping_add(match workload {
            "empty" => e.empty().map(|()| 0)?,
            "fib" => e.fib(FIB_N)? as u64,
            "sieve" => e.sieve(SIEVE_N)? as u64,
            "matmul" => e.matmul(MAT_N)?.to_bits(),
            "crc32" => e.crc32(CRC_N)? as u64,
            _ => return Err(usage.into()),
        });
    }
    let per = t.elapsed().as_secs_f64() / n as f64;
    println!("{} {workload}: {:.1} ns/iteration (checksum {check:#x})", e.name(), per * 1e9);
    Ok(())
}
