//! Runs every workload on every engine N times (interleaved, so background load hits all
//! engines alike), checks that all engines return the same result, and prints a markdown
//! table of medians.
//!
//! `cargo run --release --bin report [-- RUNS]` (default 11 runs).

use std::time::{Duration, Instant};
use wasmlite_bench::{sizes::*, BenchResult, Engine, Native, Wasmi, WasmliteBounds, WasmliteGuard};

/// Calls per timed batch of the empty-function workload.
const EMPTY_BATCH: u32 = 200_000;

/// A workload: runs once on an engine, returns its result as comparable bits.
struct Workload {
    name: &'static str,
    /// Unit of the reported median.
    unit: &'static str,
    /// Divisor turning one timed run into the unit (calls per run for ns/call).
    per_run: f64,
    run: fn(&mut dyn Engine) -> BenchResult<u64>,
}

fn workloads() -> Vec<Workload> {
    vec![
        Workload {
            name: "empty call (host→wasm)",
            unit: "ns/call",
            per_run: EMPTY_BATCH as f64,
            run: |e| {
                for _ in 0..EMPTY_BATCH {
                    e.empty()?;
                }
                Ok(0)
            },
        },
        Workload { name: "fib(30)", unit: "ms", per_run: 1.0, run: |e| Ok(e.fib(std::hint::black_box(FIB_N))? as u64) },
        Workload { name: "sieve 1e6", unit: "ms", per_run: 1.0, run: |e| Ok(e.sieve(std::hint::black_box(SIEVE_N))? as u64) },
        Workload {
            name: "matmul 128² f64",
            unit: "ms",
            per_run: 1.0,
            run: |e| Ok(e.matmul(std::hint::black_box(MAT_N))?.to_bits()),
        },
        Workload { name: "crc32 1 MiB", unit: "ms", per_run: 1.0, run: |e| Ok(e.crc32(std::hint::black_box(CRC_N))? as u64) },
    ]
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> BenchResult<()> {
    let runs: usize = match std::env::args().nth(1) {
        Some(s) => s.parse().map_err(|e| format!("RUNS must be a positive integer: {e}"))?,
        None => 11,
    };
    if runs == 0 {
        return Err("RUNS must be at least 1".into());
    }
    let mut engines: Vec<Box<dyn Engine>> = vec![
        Box::new(Native),
        Box::new(WasmliteGuard::new()?),
        Box::new(WasmliteBounds::new()?),
        Box::new(Wasmi::new()?),
    ];
    for e in engines.iter_mut() {
        e.crc_fill(CRC_SEED)?;
    }
    println!("| workload | native | wasmlite (guard) | wasmlite (bounds checks) | wasmi | wasmlite/native | wasmi/wasmlite | bounds/guard |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for w in workloads() {
        // Warm-up + correctness: every engine must compute the same answer.
        let mut results = Vec::new();
        for e in engines.iter_mut() {
            results.push((e.name(), (w.run)(e.as_mut())?));
        }
        let (first_name, first) = results[0];
        for &(name, r) in &results[1..] {
            assert_eq!(r, first, "{}: {name} returned {r:#x}, {first_name} returned {first:#x}", w.name);
        }
        let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); engines.len()];
        for _ in 0..runs {
            for (i, e) in engines.iter_mut().enumerate() {
                let t = Instant::now();
                let r = (w.run)(e.as_mut())?;
                times[i].push(t.elapsed());
                assert_eq!(r, first, "{}: {} changed its result", w.name, e.name());
            }
        }
        let med: Vec<f64> = times
            .into_iter()
            .map(|t| {
                let d = median(t).as_secs_f64() / w.per_run;
                if w.unit == "ms" { d * 1e3 } else { d * 1e9 }
            })
            .collect();
        let fmt = |v: f64| if v < 10.0 { format!("{v:.2} {}", w.unit) } else { format!("{v:.1} {}", w.unit) };
        println!(
            "| {} | {} | {} | {} | {} | {:.2}× | {:.1}× | {:.2}× |",
            w.name,
            fmt(med[0]),
            fmt(med[1]),
            fmt(med[2]),
            fmt(med[3]),
            med[1] / med[0],
            med[3] / med[1],
            med[2] / med[1],
        );
    }
    println!();
    println!("medians of {runs} interleaved runs; all engines returned identical results (asserted).");
    Ok(())
}
