//! Target B: robustness of the validation path and the code generator. Every input must give
//! `Ok` or `Err` from `wasmlite_abi::parse` and `wasmlite_codegen::compile`; a panic (caught
//! here) or an abort (the child process dies; the parent reports the seed) is a finding.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::Instant;

use wasmlite_fuzz::campaign::{self, Counters, Crash};
use wasmlite_fuzz::mutate;

const USAGE: &str = "\
fuzz-robust: arbitrary and mutated modules into wasmlite_abi::parse and wasmlite_codegen::compile
(and, for one in four compiled ones, the lazy shell and function objects);
every input must give Ok or Err, never a panic or an abort.

usage: fuzz-robust [--seed N] [--count N] [--time SECS] [--jobs N] [--out DIR] [--batch N]
                   [--seed-timeout SECS] [--in-process] [--quiet] [--progress SECS]

exit status: 0 when no panic and no crash, 1 otherwise, 2 on usage errors";

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn main() {
    let cli = match campaign::parse_cli(&[], USAGE) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fuzz-robust: {e}");
            std::process::exit(2);
        }
    };
    let out = cli.opts.out_dir.clone();

    if let Some((from, to, deadline)) = cli.child {
        quiet_panics();
        campaign::run_child(from, to, deadline, |seed, c| run_seed(&out, seed, c));
        return;
    }

    let record_crash = |crash: &Crash| {
        let (input, strategy) = mutate::input(crash.seed);
        campaign::write_artifact(&out, &format!("robust-{}.wasm", crash.seed), &input);
        let text = format!(
            "seed: {}\nstrategy: {}\nwhat: {}\nreproduce: fuzz-robust --seed {} --count 1 --in-process\nstderr (tail):\n{}\n",
            crash.seed,
            strategy.name(),
            crash.what,
            crash.seed,
            crash.stderr_tail
        );
        campaign::write_artifact(&out, &format!("robust-{}-crash.txt", crash.seed), text.as_bytes());
    };
    let totals = if cli.opts.in_process {
        quiet_panics();
        let start = Instant::now();
        let mut t = campaign::Totals::default();
        for seed in cli.opts.seed..cli.opts.seed.saturating_add(cli.opts.count.unwrap_or(1)) {
            if cli.opts.time.is_some_and(|d| start.elapsed() >= d) {
                break;
            }
            let mut c = Counters::new();
            run_seed(&out, seed, &mut c);
            t.seeds += 1;
            for (k, v) in c {
                *t.counters.entry(k).or_default() += v;
            }
        }
        t.elapsed = start.elapsed();
        t
    } else {
        campaign::run_parent(&cli.opts, &[], &record_crash)
    };

    let strategies: Vec<String> = totals
        .counters
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("strategy:").map(|s| format!("{s} {v}")))
        .collect();
    eprintln!();
    eprintln!("inputs by strategy: {}", strategies.join(", "));
    eprintln!(
        "parse: {} ok, {} err; compile: {} ok, {} err; lazily compiled functions: {}; {:.1} s",
        totals.get("parse_ok"),
        totals.get("parse_err"),
        totals.get("compile_ok"),
        totals.get("compile_err"),
        totals.get("lazy_functions"),
        totals.elapsed.as_secs_f64()
    );
    for c in &totals.crashes {
        eprintln!("CRASH seed {}: {}", c.seed, c.what);
    }
    let panics = totals.get("panics") + totals.crashes.len() as u64;
    println!("{} inputs, {} panics", totals.get("inputs"), panics);
    std::process::exit(i32::from(panics > 0));
}

/// Panics are findings recorded by `run_seed`; keep the default hook from printing them.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("{info}");
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(msg);
    }));
}

fn run_seed(out: &std::path::Path, seed: u64, c: &mut Counters) {
    let (input, strategy) = mutate::input(seed);
    *c.entry("inputs".into()).or_default() += 1;
    *c.entry(format!("strategy:{}", strategy.name())).or_default() += 1;

    // Three in four inputs: every feature wasmlite implements; the rest: the default set.
    let features = if seed.is_multiple_of(4) {
        wasmlite_abi::parse::default_features()
    } else {
        wasmlite_abi::parse::supported_features() | wasmlite_codegen::WasmFeatures::THREADS
    };
    let mut findings = Vec::new();
    match catch_unwind(AssertUnwindSafe(|| wasmlite_abi::parse::parse_module_with_features(&input, features))) {
        Ok(Ok(_)) => *c.entry("parse_ok".into()).or_default() += 1,
        Ok(Err(_)) => *c.entry("parse_err".into()).or_default() += 1,
        Err(_) => findings.push(("wasmlite_abi::parse::parse_module_with_features", take_panic())),
    }
    let config = wasmlite_codegen::Config {
        opt_level: if seed.is_multiple_of(3) { 2 } else { 0 },
        explicit_bounds_checks: seed % 2 == 1,
        wasm_features: features,
        ..Default::default()
    };
    let mut compiled = false;
    match catch_unwind(AssertUnwindSafe(|| wasmlite_codegen::compile(&input, "fuzz", &config))) {
        Ok(Ok(_)) => {
            compiled = true;
            *c.entry("compile_ok".into()).or_default() += 1
        }
        Ok(Err(_)) => *c.entry("compile_err".into()).or_default() += 1,
        Err(_) => findings.push(("wasmlite_codegen::compile", take_panic())),
    }
    // One input in four that compiled also goes through lazy compilation (shell, then every
    // function object, as `wasmlite_jit::compile_module_lazy` would on first calls): it must
    // neither panic nor fail where whole-module compilation succeeded (a lazy failure aborts
    // the process at run time).
    if compiled && seed % 4 == 1 {
        match catch_unwind(AssertUnwindSafe(|| lazy_objects(&input, &config))) {
            Ok(Ok(n)) => *c.entry("lazy_functions".into()).or_default() += n,
            Ok(Err(e)) => findings.push(("wasmlite_codegen::lazy (module compiled eagerly)", e)),
            Err(_) => findings.push(("wasmlite_codegen::lazy", take_panic())),
        }
    }
    if !findings.is_empty() {
        *c.entry("panics".into()).or_default() += findings.len() as u64;
        campaign::write_artifact(out, &format!("robust-{seed}.wasm"), &input);
        let mut text = format!(
            "seed: {seed}\nstrategy: {}\nconfig: opt_level {} explicit_bounds_checks {} features {:?}\nreproduce: fuzz-robust --seed {seed} --count 1 --in-process\n",
            strategy.name(),
            config.opt_level,
            config.explicit_bounds_checks,
            features
        );
        for (f, msg) in findings {
            text.push_str(&format!("panic in {f}: {msg}\n"));
        }
        campaign::write_artifact(out, &format!("robust-{seed}-panic.txt"), text.as_bytes());
    }
}

/// The lazy shell and every function object of `wasm` (at most 64); the number of functions.
fn lazy_objects(wasm: &[u8], config: &wasmlite_codegen::Config) -> Result<u64, String> {
    let m = wasmlite_codegen::lazy::LazyModule::new(wasm, "fuzz", config).map_err(|e| format!("LazyModule::new: {e}"))?;
    m.shell_object().map_err(|e| format!("shell_object: {e}"))?;
    let mut n = 0;
    for i in m.defined_funcs().take(64) {
        m.function_object(i).map_err(|e| format!("function_object({i}): {e}"))?;
        n += 1;
    }
    Ok(n)
}

fn take_panic() -> String {
    LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take().unwrap_or_else(|| "(no message)".into())
}
