//! Measures the cost of one REPL definition as the session grows (MEASUREMENTS.md).
//! `cargo run --release -p wasmlite-jit --example repl_cost -- [N]`
//!
//! Definition k is a function calling definition k-1 by `$name` and writing the session's
//! memory and a global, so each one imports earlier definitions.

use std::time::Instant;

/// CPU time of the process in ms (codegen compiles on a thread of its own; less sensitive to
/// machine load than wall time).
fn cpu_ms() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: valid clock id and out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}

use wasmlite_jit::repl::Session;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).as_deref().unwrap_or("1000").parse()?;
    let mut s = Session::new()?;
    s.eval("(memory $mem 1)")?;
    s.eval("(global $g (mut i32) (i32.const 0))")?;
    s.eval("(func $f0 (param i32) (result i32) local.get 0)")?;
    let mut times = Vec::with_capacity(n);
    for k in 1..=n {
        let def = format!(
            "(func $f{k} (export \"f{k}\") (param i32) (result i32)
               global.get $g i32.const 1 i32.add global.set $g
               i32.const {a} local.get 0 i32.store
               local.get 0 i32.const 1 i32.add call $f{p})",
            a = (k % 1000) * 4,
            p = k - 1
        );
        let (t, c) = (Instant::now(), cpu_ms());
        s.eval(&def)?;
        times.push((t.elapsed().as_secs_f64() * 1e3, cpu_ms() - c));
    }
    let out = s.eval(&format!("(invoke \"f{n}\" (i32.const 0))"))?;
    println!("f{n}(0) = {}", wasmlite_jit::repl::format_values(out.values()));
    let median = |r: std::ops::Range<usize>, f: fn(&(f64, f64)) -> f64| {
        let mut v: Vec<f64> = times[r].iter().map(f).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    println!("definitions   median wall ms   median process-CPU ms");
    let mut windows: Vec<std::ops::Range<usize>> = Vec::new();
    windows.push(0..20);
    for end in [110, 510, 1000, 2000, 5000] {
        if end <= n {
            windows.push(end - 20..end);
        }
    }
    if windows.last().is_some_and(|w| w.end != n) {
        windows.push(n - 20..n);
    }
    for r in windows {
        let label = format!("{}-{}", r.start + 1, r.end);
        println!("{label:>11}   {:>14.2}   {:>20.2}", median(r.clone(), |t| t.0), median(r, |t| t.1));
    }
    Ok(())
}
