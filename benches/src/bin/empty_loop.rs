//! Profiling helper: calls the empty export of the guard-mode module in a tight loop
//! (`perf record /work/target-bench/release/empty_loop`).

use wasmlite_bench::{BenchResult, Engine, WasmliteGuard};

fn main() -> BenchResult<()> {
    let n: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(20_000_000);
    let mut e = WasmliteGuard::new()?;
    let t = std::time::Instant::now();
    for _ in 0..n {
        e.empty()?;
    }
    println!("{:.1} ns/call", t.elapsed().as_secs_f64() * 1e9 / n as f64);
    Ok(())
}
