//! The benchmark report: prints markdown tables (kernels, calls, instantiation, compile time).
//!
//! `cargo run --release --bin report [-- [--wall] RUNS]` (default 11).
//!
//! Every kernel runs once on every engine first and all engines must return the identical
//! checksum (asserted). Then RUNS rounds; each round runs every kernel on every engine, one
//! after the other, so background load hits all engines alike; the tables show medians.
//! Run-time tables measure the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`: user + system
//! time of this thread, not the time it spent waiting for a core on a shared machine);
//! `--wall` measures wall-clock time instead. Compile times are always wall-clock.

use std::process::Command;
use std::time::{Duration, Instant};
use wasmlite_bench::*;

/// Host→wasm / wasm→host calls per timed batch.
const CALL_BATCH: u32 = 200_000;
/// Instantiations per timed batch.
const INST_BATCH: u32 = 200;

/// A point in time on the clock the run-time tables use.
#[derive(Clone, Copy)]
struct Clock {
    wall: bool,
}

impl Clock {
    fn now(self) -> Duration {
        if self.wall {
            return EPOCH.with(|e| e.elapsed());
        }
        thread_cpu_time()
    }
    /// Time `f` on this clock.
    fn time<T>(self, f: impl FnOnce() -> T) -> (T, Duration) {
        let t = self.now();
        let r = f();
        (r, self.now().saturating_sub(t))
    }
}

thread_local! {
    static EPOCH: Instant = Instant::now();
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn geomean(v: &[f64]) -> f64 {
    (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp()
}

fn ms(d: f64) -> String {
    let v = d * 1e3;
    if v < 10.0 { format!("{v:.2}") } else { format!("{v:.1}") }
}

fn ratio(r: f64) -> String {
    if r < 10.0 { format!("{r:.2}×") } else { format!("{r:.1}×") }
}

fn sh(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn machine() -> String {
    let lscpu = sh("lscpu", &[]);
    let field = |name: &str| {
        lscpu
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "?".into())
    };
    format!("{}, {} CPUs ({} threads per core)", field("Model name"), field("CPU(s)"), field("Thread(s) per core"))
}

fn main() -> BenchResult<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let wall = args.iter().any(|a| a == "--wall");
    args.retain(|a| a != "--wall");
    let clock = Clock { wall };
    let runs: usize = match args.first() {
        Some(s) => s.parse().map_err(|e| format!("RUNS must be a positive integer: {e}"))?,
        None => 11,
    };
    if runs == 0 {
        return Err("RUNS must be at least 1".into());
    }
    let load_before = loadavg();
    let started = sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);

    // ---------------------------------------------------------------- correctness
    let mut engines = all_engines()?;
    let names: Vec<&str> = engines.iter().map(|e| e.name()).collect();
    let mut init = Vec::new();
    for e in engines.iter_mut() {
        init.push(e.init(SEED)?);
    }
    assert!(init.iter().all(|&r| r == init[0] && r > 0), "lz4_init differs: {init:?} ({names:?})");
    let mut expected = Vec::new();
    for k in KERNELS {
        let results: Vec<i64> = engines.iter_mut().map(|e| e.run(k.func, k.n)).collect::<BenchResult<_>>()?;
        for (name, r) in names.iter().zip(&results) {
            assert_eq!(*r, results[0], "{}: {name} returned {r:#x}, native {:#x}", k.label, results[0]);
        }
        expected.push(results[0]);
    }

    // ---------------------------------------------------------------- kernels + calls, interleaved
    let ne = engines.len();
    let mut kt = vec![vec![Vec::with_capacity(runs); ne]; KERNELS.len()];
    let calls: [(&str, fn(&mut dyn Engine) -> BenchResult<()>); 3] = [
        ("host→wasm, `empty()`", |e| e.empty_calls(CALL_BATCH)),
        ("host→wasm, `inc(i32) -> i32`", |e| {
            let x = e.inc_calls(CALL_BATCH)?;
            assert_eq!(x as u32, CALL_BATCH, "{}: inc", e.name());
            Ok(())
        }),
        ("wasm→host, `env.host_inc(i32) -> i32`", |e| {
            let x = e.call_host(CALL_BATCH as i32)?;
            assert_eq!(x as u32, CALL_BATCH, "{}: call_host", e.name());
            Ok(())
        }),
    ];
    let mut ct = vec![vec![Vec::with_capacity(runs); ne]; calls.len()];
    let mut insts = all_instantiators()?;
    for i in insts.iter_mut() {
        assert_eq!(i.instantiate()?, 0, "{}: fresh instance", i.name());
    }
    let mut it = vec![Vec::with_capacity(runs); insts.len()];
    for _ in 0..runs {
        for (ki, k) in KERNELS.iter().enumerate() {
            for (ei, e) in engines.iter_mut().enumerate() {
                let (r, d) = clock.time(|| e.run(k.func, std::hint::black_box(k.n)));
                kt[ki][ei].push(d);
                assert_eq!(r?, expected[ki], "{}: {} changed its result", k.label, e.name());
            }
        }
        for (ci, (_, f)) in calls.iter().enumerate() {
            for (ei, e) in engines.iter_mut().enumerate() {
                let (r, d) = clock.time(|| f(e.as_mut()));
                r?;
                ct[ci][ei].push(d);
            }
        }
        for (ii, i) in insts.iter_mut().enumerate() {
            let (r, d) = clock.time(|| (0..INST_BATCH).try_for_each(|_| i.instantiate().map(drop)));
            r?;
            it[ii].push(d);
        }
    }
    drop(engines);
    let load_mid = loadavg();

    // ---------------------------------------------------------------- compile time
    let reps = (runs / 4).clamp(1, 5);
    let compile = compile_times(reps, wall)?;
    let load_after = loadavg();

    // ---------------------------------------------------------------- output
    println!("### Run time\n");
    println!(
        "{started}; {}; {}, clang-19 ({}); load average (1/5/15 min) {load_before} before, {load_mid} after the run-time tables, {load_after} at the end.\n",
        machine(),
        env!("BENCH_VERSIONS"),
        sh(env!("BENCH_CLANG"), &["--version"]).lines().next().unwrap_or("?")
    );
    let what = if wall {
        "wall-clock time"
    } else {
        "thread CPU time (`CLOCK_THREAD_CPUTIME_ID`, user + system: excludes time spent waiting for a core)"
    };
    println!("Kernels, ms of {what}, median of {runs} interleaved runs, and time / native time:\n");
    println!("| kernel | native | wasmlite (guard) | wasmlite (bounds) | wasmtime | wasmi | guard/native | bounds/native | wasmtime/native | wasmi/native | wasmtime/guard |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut ratios = vec![Vec::new(); ne];
    let mut wt_vs_guard = Vec::new();
    for (ki, k) in KERNELS.iter().enumerate() {
        let med: Vec<f64> = kt[ki].iter_mut().map(|t| median(t).as_secs_f64()).collect();
        for ei in 0..ne {
            ratios[ei].push(med[ei] / med[0]);
        }
        wt_vs_guard.push(med[3] / med[1]);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            k.label,
            ms(med[0]),
            ms(med[1]),
            ms(med[2]),
            ms(med[3]),
            ms(med[4]),
            ratio(med[1] / med[0]),
            ratio(med[2] / med[0]),
            ratio(med[3] / med[0]),
            ratio(med[4] / med[0]),
            ratio(med[3] / med[1]),
        );
    }
    println!(
        "| **geomean ({} kernels)** | | | | | | **{}** | **{}** | **{}** | **{}** | **{}** |",
        KERNELS.len(),
        ratio(geomean(&ratios[1])),
        ratio(geomean(&ratios[2])),
        ratio(geomean(&ratios[3])),
        ratio(geomean(&ratios[4])),
        ratio(geomean(&wt_vs_guard)),
    );

    println!("\nCalls, ns of {} per call (batches of {CALL_BATCH}; native = an indirect call to C / from C to a Rust function):\n", if wall { "wall-clock time" } else { "thread CPU time" });
    println!("| call | native | wasmlite (guard) | wasmlite (bounds) | wasmtime | wasmi | guard/native | wasmtime/native |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (ci, (name, _)) in calls.iter().enumerate() {
        let med: Vec<f64> = ct[ci].iter_mut().map(|t| median(t).as_secs_f64() * 1e9 / CALL_BATCH as f64).collect();
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} |",
            med[0],
            med[1],
            med[2],
            med[3],
            med[4],
            ratio(med[1] / med[0]),
            ratio(med[3] / med[0]),
        );
    }

    println!("\nInstantiation of `c/inst.wat` (one memory page, a data segment, a global; new store + instance + one call + drop), µs of {} (batches of {INST_BATCH}):\n", if wall { "wall-clock time" } else { "thread CPU time" });
    println!("| {} |", insts.iter().map(|i| i.name()).collect::<Vec<_>>().join(" | "));
    println!("|{}", "---:|".repeat(insts.len()));
    let med: Vec<String> =
        it.iter_mut().map(|t| format!("{:.2}", median(t).as_secs_f64() * 1e6 / INST_BATCH as f64)).collect();
    println!("| {} |", med.join(" | "));

    println!("\n### Compile time\n");
    println!(
        "{}, median of {reps}; wasmlite = `wasmlite_codegen::compile_objects` at O2 (parse, translate, optimise, emit objects) with `threads: 1` and with one partition per core ({} threads); clang = `clang-19 -O2 -c` on the same C sources (one process per file, including its start-up); Wasmtime = `Module::new` with the default configuration (Cranelift, parallel compilation: {}) and with `parallel_compilation(false)`. MB/s = wasm bytes / time.\n",
        if wall { "Wall-clock time" } else { "CPU time (user + system, all threads; clang: the child processes)" },
        cores(),
        if wall { "wall-clock on all cores" } else { "CPU time summed over its threads" }
    );
    println!("| program | wasm size | wasmlite O2 | clang-19 -O2 (native) | wasmlite/clang | wasmlite MB/s | wasmlite O2, {} threads | its MB/s | wasmtime | wasmtime MB/s | wasmtime 1 thread | wasmtime 1 thread MB/s |", cores());
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for c in &compile {
        let mb = c.wasm_bytes as f64 / 1e6;
        println!(
            "| {} | {:.1} KB | {} s | {} s | {} | {:.3} | {} s | {:.3} | {} s | {:.2} | {} s | {:.2} |",
            c.program,
            c.wasm_bytes as f64 / 1e3,
            secs(c.wasmlite),
            secs(c.clang),
            ratio(c.wasmlite / c.clang),
            mb / c.wasmlite,
            secs(c.wasmlite_par),
            mb / c.wasmlite_par,
            secs(c.wasmtime),
            mb / c.wasmtime,
            secs(c.wasmtime_1),
            mb / c.wasmtime_1,
        );
    }
    println!(
        "\nAll engines returned identical results for every kernel, call and instantiation (asserted). Rerun: `cd benches && cargo run --release --bin report -- {}{runs}`.",
        if wall { "--wall " } else { "" }
    );
    Ok(())
}

/// Cores of this machine (threads of the parallel compile).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn secs(s: f64) -> String {
    if s < 1.0 { format!("{s:.3}") } else { format!("{s:.2}") }
}

struct CompileTime {
    program: &'static str,
    wasm_bytes: usize,
    wasmlite: f64,
    wasmlite_par: f64,
    clang: f64,
    wasmtime: f64,
    wasmtime_1: f64,
}

/// CPU time (user + system) used so far by this process (all its threads) and by its
/// finished, waited-for children.
fn cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes only the timespec it is given, which lives on the stack.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes only the rusage it is given, which lives on the stack.
    let r = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    assert_eq!(r, 0, "getrusage(RUSAGE_CHILDREN) failed");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32) + tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Median over `reps` runs of `f`: CPU time (process + children), or wall-clock time.
fn time_median(reps: usize, wall: bool, mut f: impl FnMut() -> BenchResult<()>) -> BenchResult<f64> {
    let mut v = Vec::new();
    for _ in 0..reps {
        let (t, c) = (Instant::now(), cpu_time());
        f()?;
        v.push(if wall { t.elapsed() } else { cpu_time().saturating_sub(c) });
    }
    Ok(median(&mut v).as_secs_f64())
}

fn compile_times(reps: usize, wall: bool) -> BenchResult<Vec<CompileTime>> {
    let clang = env!("BENCH_CLANG");
    let programs: [(&str, &[u8], &str, &str); 2] = [
        ("workloads.c", WORKLOADS_WASM, env!("BENCH_WORKLOADS_SOURCES"), env!("BENCH_WORKLOADS_CFLAGS")),
        ("lz4_bench.c (LZ4 + xxHash)", LZ4_WASM, env!("BENCH_LZ4_SOURCES"), env!("BENCH_LZ4_CFLAGS")),
    ];
    let tmp = std::env::temp_dir().join(format!("wasmlite-bench-{}.o", std::process::id()));
    let mut out = Vec::new();
    for (program, wasm, sources, cflags) in programs {
        let prefix = wasmlite_abi::symbol_prefix("bench", wasm);
        let wl = |threads: usize| {
            let config = wasmlite_codegen::Config { opt_level: 2, threads, ..Default::default() };
            time_median(reps, wall, || {
                let objs = wasmlite_codegen::compile_objects(wasm, &prefix, &config).map_err(|e| e.to_string())?;
                assert!(!objs.is_empty());
                Ok(())
            })
        };
        let wasmlite = wl(1)?;
        let wasmlite_par = wl(cores())?;
        let flags: Vec<&str> = cflags.split('\u{1f}').filter(|s| !s.is_empty()).collect();
        let clang_t = time_median(reps, wall, || {
            for src in sources.split('\u{1f}') {
                let st = Command::new(clang)
                    .args(["-O2", "-c"])
                    .args(&flags)
                    .arg(src)
                    .arg("-o")
                    .arg(&tmp)
                    .status()
                    .map_err(|e| format!("{clang}: {e}"))?;
                if !st.success() {
                    return Err(format!("{clang} -O2 -c {src} failed: {st}").into());
                }
            }
            Ok(())
        })?;
        let wt = |parallel: bool| {
            let mut cfg = wasmtime::Config::default();
            cfg.parallel_compilation(parallel);
            let engine = wasmtime::Engine::new(&cfg).map_err(|e| e.to_string())?;
            time_median(reps, wall, || {
                wasmtime::Module::new(&engine, wasm).map_err(|e| e.to_string())?;
                Ok(())
            })
        };
        out.push(CompileTime {
            program,
            wasm_bytes: wasm.len(),
            wasmlite,
            wasmlite_par,
            clang: clang_t,
            wasmtime: wt(true)?,
            wasmtime_1: wt(false)?,
        });
    }
    let _ = std::fs::remove_file(&tmp);
    Ok(out)
}
