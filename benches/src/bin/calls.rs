//! The report's call benchmarks alone, with every sample: `calls [RUNS] [BATCH]` times, in
//! RUNS interleaved rounds (default 11), a batch of BATCH calls (default 200 000, as the
//! report) of each call kind on native, wasmlite (guard) and wasmlite (bounds), and prints
//! each batch's ns per call (thread CPU time), the medians and median / native.
//!
//! This VM alternates between a faster and a slower state from one process to the next (and
//! sometimes within one); the printed samples show which state a run was in.

use wasmlite_bench::{all_engines, thread_cpu_time, BenchResult, Engine};

type CallFn = fn(&mut dyn Engine, u32) -> BenchResult<()>;

fn main() -> BenchResult<()> {
    let arg = |i: usize, default: u32| -> BenchResult<u32> {
        match std::env::args().nth(i) {
            Some(s) => Ok(s.parse().map_err(|e| format!("argument {i} must be a positive integer: {e}"))?),
            None => Ok(default),
        }
    };
    let runs = arg(1, 11)?.max(1) as usize;
    let batch = arg(2, 200_000)?.max(1);
    let calls: [(&str, CallFn); 3] = [
        ("host→wasm empty()", |e, n| e.empty_calls(n)),
        ("host→wasm inc(i32)", |e, n| e.inc_calls(n).map(drop)),
        ("wasm→host host_inc", |e, n| e.call_host(n as i32).map(drop)),
    ];
    // Native and both wasmlite modes (the first three engines of the report).
    let mut engines: Vec<Box<dyn Engine>> = all_engines()?.into_iter().take(3).collect();
    let mut t = vec![vec![Vec::with_capacity(runs); engines.len()]; calls.len()];
    for _ in 0..runs {
        for (ci, (_, f)) in calls.iter().enumerate() {
            for (ei, e) in engines.iter_mut().enumerate() {
                let start = thread_cpu_time();
                f(e.as_mut(), batch)?;
                t[ci][ei].push((thread_cpu_time() - start).as_secs_f64() * 1e9 / batch as f64);
            }
        }
    }
    for (ci, (name, _)) in calls.iter().enumerate() {
        println!("{name}");
        let mut med = Vec::new();
        for (ei, e) in engines.iter().enumerate() {
            let v = &mut t[ci][ei];
            println!("  {:<18} {}", e.name(), v.iter().map(|x| format!("{x:5.2}")).collect::<Vec<_>>().join(" "));
            v.sort_by(f64::total_cmp);
            med.push(v[v.len() / 2]);
        }
        let ratios: Vec<String> = med[1..].iter().map(|m| format!("{:.2}×", m / med[0])).collect();
        println!("  median ns: {} (guard/native, bounds/native: {})", med.iter().map(|m| format!("{m:.2}")).collect::<Vec<_>>().join(" / "), ratios.join(", "));
    }
    Ok(())
}
