//! Compile time of one wasm module: wasmlite (`wasmlite_codegen::compile_objects` at O2 with 1
//! and N threads) against Wasmtime's Cranelift (`wasmtime::Module::new`, parallel and one
//! thread). Wall-clock and CPU time (user + system, all threads), median of REPS runs.
//!
//! `cargo run --release --bin compile_time -- [--reps N] [--threads 1,2] [--opt N] FILE.wasm`

use std::time::{Duration, Instant};

fn cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes only the timespec it is given, which lives on the stack.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// (wall, cpu) medians in seconds over `reps` runs of `f`.
fn measure(reps: usize, mut f: impl FnMut()) -> (f64, f64) {
    let (mut walls, mut cpus) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        let (t, c) = (Instant::now(), cpu_time());
        f();
        walls.push(t.elapsed().as_secs_f64());
        cpus.push((cpu_time() - c).as_secs_f64());
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (med(&mut walls), med(&mut cpus))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut reps, mut threads, mut opt, mut file) = (3usize, vec![1usize, 2], 2u8, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--reps" => reps = args.next().and_then(|v| v.parse().ok()).expect("--reps N"),
            "--threads" => {
                threads = args
                    .next()
                    .expect("--threads LIST")
                    .split(',')
                    .map(|t| t.parse().expect("thread count"))
                    .collect()
            }
            "--opt" => opt = args.next().and_then(|v| v.parse().ok()).expect("--opt N"),
            _ => file = Some(a),
        }
    }
    let file = file.expect("usage: compile_time [--reps N] [--threads 1,2] [--opt N] FILE.wasm");
    let wasm = std::fs::read(&file).expect("read the wasm file");
    let mb = wasm.len() as f64 / 1e6;
    let prefix = wasmlite_abi::symbol_prefix("bench", &wasm);
    println!("{file}: {} bytes of wasm, median of {reps} runs, load average {}", wasm.len(), loadavg());
    println!("| compiler | wall s | CPU s | MB/s (wall) |");
    println!("|---|---:|---:|---:|");
    for &n in &threads {
        let config = wasmlite_codegen::Config { opt_level: opt, threads: n, ..Default::default() };
        let mut objects = 0;
        let (w, c) = measure(reps, || {
            let objs = wasmlite_codegen::compile_objects(&wasm, &prefix, &config).expect("wasmlite compiles");
            objects = objs.len();
        });
        println!("| wasmlite O{opt}, {n} thread(s) ({objects} objects) | {w:.2} | {c:.2} | {:.3} |", mb / w);
    }
    for parallel in [true, false] {
        let mut cfg = wasmtime::Config::default();
        cfg.parallel_compilation(parallel);
        let engine = wasmtime::Engine::new(&cfg).expect("wasmtime engine");
        let (w, c) = measure(reps, || {
            wasmtime::Module::new(&engine, &wasm).expect("wasmtime compiles");
        });
        let how = if parallel { "parallel" } else { "1 thread" };
        println!("| Wasmtime 48 Cranelift, {how} | {w:.2} | {c:.2} | {:.3} |", mb / w);
    }
    println!("load average after: {}", loadavg());
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
