//! Target A: differential fuzzing of wasmlite (codegen → JIT → runtime) against wasmi.

use std::path::{Path, PathBuf};
use std::time::Instant;

use wasmlite_fuzz::campaign::{self, Counters, Crash};
use wasmlite_fuzz::engines::{Mode, Wasmi1, Wasmi2, Wasmlite};

/// The reference engine and the tie-breaker consulted when wasmlite disagrees with it.
type Reference = Wasmi1;
type TieBreaker = Wasmi2;
use wasmlite_fuzz::exec::{self, Verdict};
use wasmlite_fuzz::gen::{self, Case, DiffGenOptions};

/// Longest time one regression module may take in all modes together.
const REGRESSION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

const USAGE: &str = "\
fuzz-diff: wasm-smith modules run on wasmlite (every mode) and on wasmi; results, trap kinds,
exported memories and globals are compared after every call.

usage: fuzz-diff [--seed N] [--count N] [--time SECS] [--jobs N] [--modes LIST]
                 [--fuel N] [--calls-per-func N] [--out DIR] [--batch N] [--seed-timeout SECS]
                 [--in-process] [--quiet] [--progress SECS]

  --seed N            first seed (default 0); seed S always generates the same case
  --count N           number of modules (default 100 unless --time is given)
  --time SECS         stop starting modules after SECS
  --jobs N            parallel child processes (default 2)
  --modes LIST        comma-separated of guard-O0,guard-O2,bounds-O0,bounds-O2 (default: these
                      four) and lazy-O0/lazy-O2 (lazy JIT, guard pages)
  --fuel N            wasm-smith fuel per call (default 1000; bounds loops, call depth, bulk lengths)
  --gen smith|loops   module generator: wasm-smith (default), or counted loop kernels with
                      affine accesses near the memory's edges (the codegen's loop versioning)
  --calls-per-func N  calls of every exported function (default 2)
  --out DIR           divergence artifacts (default: fuzz/divergences)
  --in-process        no child processes (debugging a single seed)
  --module PATH       run this module (.wasm or .wat) instead of generated ones, with the call
                      plan of --seed (in-process; for minimised divergences and regressions)
  --shrink OUT        with --module, --seed and one --modes entry: shrink the module (wasm-shrink)
                      while it keeps diverging in the same class (and the two wasmi versions
                      agree); writes OUT.wasm and OUT.wat
  --attempts N        shrink attempts without progress before stopping (default 1000)
  --regressions DIR   run every .wat/.wasm in DIR (call plan from its `;; seed: N` line) in the
                      selected modes; fails if any diverges

exit status: 0 when no divergence and no crash, 1 otherwise, 2 on usage errors";

#[derive(Clone)]
struct Target {
    module: Option<Vec<u8>>,
    modes: Vec<Mode>,
    gen: DiffGenOptions,
    out: std::path::PathBuf,
}

fn main() {
    let cli = match campaign::parse_cli(&["modes", "fuel", "calls-per-func", "module", "shrink", "attempts", "regressions", "gen"], USAGE) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fuzz-diff: {e}");
            std::process::exit(2);
        }
    };
    let mut target = Target {
        module: None,
        modes: Mode::ALL.to_vec(),
        gen: DiffGenOptions { fuel: 1000, calls_per_func: 2, loops: false },
        out: cli.opts.out_dir.clone(),
    };
    for (k, v) in &cli.extra {
        let r = match k.as_str() {
            "module" => wat::parse_file(v).map(|w| target.module = Some(w)).map_err(|e| format!("--module: {e}")),
            "modes" => v.split(',').map(Mode::parse).collect::<Result<Vec<_>, _>>().map(|m| target.modes = m),
            "fuel" => v.parse().map(|n| target.gen.fuel = n).map_err(|e| format!("--fuel: {e}")),
            "gen" => match v.as_str() {
                "smith" => Ok(()),
                "loops" => {
                    target.gen.loops = true;
                    Ok(())
                }
                other => Err(format!("--gen: expected smith or loops, not {other}")),
            },
            "calls-per-func" => {
                v.parse().map(|n| target.gen.calls_per_func = n).map_err(|e| format!("--calls-per-func: {e}"))
            }
            _ => Ok(()),
        };
        if let Err(e) = r {
            eprintln!("fuzz-diff: {e}");
            std::process::exit(2);
        }
    }

    if let Some((_, out)) = cli.extra.iter().find(|(k, _)| k == "shrink") {
        let (Some(wasm), [mode]) = (target.module.clone(), target.modes.as_slice()) else {
            eprintln!("fuzz-diff: --shrink needs --module and exactly one mode in --modes");
            std::process::exit(2);
        };
        let attempts = cli.extra.iter().find(|(k, _)| k == "attempts").and_then(|(_, v)| v.parse().ok()).unwrap_or(1000);
        std::process::exit(target.shrink(wasm, cli.opts.seed, *mode, attempts, out));
    }

    if let Some((_, dir)) = cli.extra.iter().find(|(k, _)| k == "regressions") {
        std::process::exit(target.regressions(Path::new(dir)));
    }

    if let Some((from, to, deadline)) = cli.child {
        let mut jit = new_jit();
        campaign::run_child(from, to, deadline, |seed, c| target.run_seed(&mut jit, seed, c));
        return;
    }

    let totals = if cli.opts.in_process || target.module.is_some() {
        let mut jit = new_jit();
        let start = Instant::now();
        let mut t = campaign::Totals::default();
        let n = cli.opts.count.unwrap_or(1);
        for seed in cli.opts.seed..cli.opts.seed.saturating_add(n) {
            if cli.opts.time.is_some_and(|d| start.elapsed() >= d) {
                break;
            }
            let mut c = Counters::new();
            target.run_seed(&mut jit, seed, &mut c);
            t.seeds += 1;
            for (k, v) in c {
                *t.counters.entry(k).or_default() += v;
            }
        }
        t.elapsed = start.elapsed();
        t
    } else {
        campaign::run_parent(&cli.opts, &campaign::forward(&cli.extra), &|crash: &Crash| target.record_crash(crash))
    };

    // Summary.
    let divergences: u64 = target.modes.iter().map(|m| totals.get(&format!("divergences:{}", m.name()))).sum();
    let calls: u64 = target.modes.iter().map(|m| totals.get(&format!("calls:{}", m.name()))).sum();
    eprintln!();
    for m in &target.modes {
        let n = m.name();
        eprintln!(
            "{n:>9}: {} calls compared, {} divergent modules, {} inconclusive (stack limits)",
            totals.get(&format!("calls:{n}")),
            totals.get(&format!("divergences:{n}")),
            totals.get(&format!("inconclusive:{n}")),
        );
    }
    let classes: Vec<_> = totals.counters.iter().filter(|(k, _)| k.starts_with("class:")).collect();
    if !classes.is_empty() {
        eprintln!("divergence classes:");
        for (k, v) in classes {
            eprintln!("  {v:>6}  {}", &k["class:".len()..]);
        }
    }
    let overruled: u64 = target.modes.iter().map(|m| totals.get(&format!("reference_overruled:{}", m.name()))).sum();
    if overruled > 0 {
        eprintln!("{overruled} (module, mode) verdicts overruled: the reference (wasmi 1.1) disagreed with wasmi 2.0 and wasmlite");
    }
    eprintln!(
        "generator: {} modules ({} not generated), {} reference calls, {} instantiation traps, {} reference rejected; {:.1} s",
        totals.get("modules"),
        totals.get("gen_failed"),
        totals.get("reference_calls"),
        totals.get("instantiation_traps"),
        totals.get("reference_rejected"),
        totals.elapsed.as_secs_f64()
    );
    for c in &totals.crashes {
        eprintln!("CRASH seed {}: {}", c.seed, c.what);
    }
    for c in &totals.phase_crashes {
        eprintln!(
            "seed {} not compared: {} in the {} (see {}-crash.txt)",
            c.seed,
            c.what,
            c.phase.as_deref().unwrap_or("?"),
            c.seed
        );
    }
    println!(
        "{} modules, {} calls, {} divergences{}",
        totals.get("modules"),
        calls,
        divergences,
        if totals.crashes.is_empty() { String::new() } else { format!(", {} crashes", totals.crashes.len()) }
    );
    // Modules lost to a tie-breaker crash were generated but not fully judged: not a failure,
    // but visible.
    if !totals.phase_crashes.is_empty() {
        eprintln!("({} modules not judged: tie-breaker crashed)", totals.phase_crashes.len());
    }
    let failed = divergences > 0 || !totals.crashes.is_empty() || totals.get("reference_rejected") > 0;
    std::process::exit(i32::from(failed));
}

fn new_jit() -> wasmlite_jit::Jit {
    match wasmlite_jit::Jit::new() {
        Ok(j) => j,
        Err(e) => {
            eprintln!("fuzz-diff: cannot create the JIT: {e}");
            std::process::exit(2);
        }
    }
}

impl Target {
    fn run_seed(&self, jit: &mut wasmlite_jit::Jit, seed: u64, c: &mut Counters) {
        let case = match &self.module {
            Some(w) => gen::case_for_module(w.clone(), seed, &self.gen),
            None => gen::diff_case(seed, &self.gen),
        };
        let case = match case {
            Ok(case) => case,
            Err(_) => {
                *c.entry("gen_failed".into()).or_default() += 1;
                return;
            }
        };
        *c.entry("modules".into()).or_default() += 1;
        let mut reference = match Reference::new(&case.wasm) {
            Ok(r) => r,
            Err(e) => {
                *c.entry("reference_rejected".into()).or_default() += 1;
                self.write_case(seed, &case);
                campaign::write_artifact(&self.out, &format!("{seed}-reference.txt"), e.as_bytes());
                return;
            }
        };
        let trace = exec::record(&mut reference, &case);
        if std::env::var_os("FUZZ_DEBUG").is_some() {
            eprintln!("seed {seed}: {} funcs, plan {} calls; instantiation {}", case.shape.funcs.len(), case.plan.len(), trace.instantiation.outcome);
            for (i, s) in trace.calls.iter().enumerate() {
                eprintln!("  #{i} {}", s.outcome);
            }
        }
        *c.entry("reference_calls".into()).or_default() += trace.calls.len() as u64;
        if matches!(trace.instantiation.outcome, exec::Outcome::Trap(..)) {
            *c.entry("instantiation_traps".into()).or_default() += 1;
        }
        // The tie-breaker's trace, computed only when wasmlite and the reference disagree.
        let mut second: Option<Option<exec::Trace>> = None;
        for mode in &self.modes {
            let name = mode.name();
            let mut verdict = self.judge(jit, &trace, &case, *mode);
            if let Verdict::Diverge { call, .. } = &verdict {
                // Tie-break: if the reference and the tie-breaker disagree before or at this call,
                // re-judge wasmlite against the tie-breaker.
                let t1 = second.get_or_insert_with(|| {
                    // wasmi 2.0.0 can abort (a panic in a non-unwinding function): tell the
                    // parent that a crash from here on is the tie-breaker's.
                    campaign::phase("tie-breaker");
                    let t = TieBreaker::new(&case.wasm).ok().map(|mut r| exec::record(&mut r, &case));
                    campaign::phase("");
                    t
                });
                if let Some(t1) = t1 {
                    if let Some(at) = exec::trace_diff(&trace, t1) {
                        if at.is_none() || at <= *call {
                            let second_verdict = self.judge(jit, t1, &case, *mode);
                            if !matches!(second_verdict, Verdict::Diverge { .. }) {
                                *c.entry(format!("reference_overruled:{name}")).or_default() += 1;
                                self.write_reference_bug(seed, &case, *mode, &verdict, at);
                                verdict = second_verdict;
                            }
                        }
                    }
                }
            }
            match verdict {
                Verdict::Agree { calls } => *c.entry(format!("calls:{name}")).or_default() += calls as u64,
                Verdict::Inconclusive { calls, .. } => {
                    *c.entry(format!("calls:{name}")).or_default() += calls as u64;
                    *c.entry(format!("inconclusive:{name}")).or_default() += 1;
                }
                Verdict::Diverge { calls, call, class, detail } => {
                    // The divergent call counts as compared.
                    *c.entry(format!("calls:{name}")).or_default() += calls as u64 + u64::from(call.is_some());
                    *c.entry(format!("divergences:{name}")).or_default() += 1;
                    *c.entry(format!("class:{name}: {class}")).or_default() += 1;
                    self.write_divergence(jit, seed, &case, *mode, call, &class, &detail);
                }
            }
        }
    }

    /// Runs the regression modules in `dir`; returns the process exit status.
    fn regressions(&self, dir: &Path) -> i32 {
        let mut files: Vec<_> = match std::fs::read_dir(dir) {
            Ok(d) => d
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "wat" || e == "wasm"))
                .collect(),
            Err(e) => {
                eprintln!("fuzz-diff: {}: {e}", dir.display());
                return 2;
            }
        };
        files.sort();
        let mut jit = new_jit();
        let mut failing = 0;
        // A regression that hangs (e.g. a compile that never finishes) must fail, not stall CI.
        let current: std::sync::Arc<std::sync::Mutex<(PathBuf, Instant)>> =
            std::sync::Arc::new(std::sync::Mutex::new((PathBuf::new(), Instant::now())));
        {
            let current = current.clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_secs(5));
                let (file, since) = current.lock().unwrap_or_else(|e| e.into_inner()).clone();
                if since.elapsed() > REGRESSION_TIMEOUT {
                    eprintln!("FAIL {}: hang (no result after {} s)", file.display(), REGRESSION_TIMEOUT.as_secs());
                    std::process::exit(1);
                }
            });
        }
        for f in &files {
            *current.lock().unwrap_or_else(|e| e.into_inner()) = (f.clone(), Instant::now());
            let text = std::fs::read(f).unwrap_or_default();
            let seed = String::from_utf8_lossy(&text)
                .lines()
                .find_map(|l| l.trim().strip_prefix(";; seed:").and_then(|n| n.trim().parse::<u64>().ok()))
                .unwrap_or(0);
            let wasm = match wat::parse_bytes(&text) {
                Ok(w) => w.into_owned(),
                Err(e) => {
                    eprintln!("FAIL {}: {e}", f.display());
                    failing += 1;
                    continue;
                }
            };
            let mut t = self.clone();
            t.module = Some(wasm);
            let mut c = Counters::new();
            t.run_seed(&mut jit, seed, &mut c);
            let classes: Vec<&str> = c.keys().filter_map(|k| k.strip_prefix("class:")).collect();
            if classes.is_empty() && c.get("modules") == Some(&1) {
                eprintln!("ok   {}", f.display());
            } else {
                failing += 1;
                eprintln!("FAIL {}: {}", f.display(), if classes.is_empty() { "not run".to_string() } else { classes.join("; ") });
            }
        }
        println!("{} regressions, {failing} failing", files.len());
        i32::from(failing > 0)
    }

    /// The divergence class of `wasm` (plan from `seed`) in `mode`, if it diverges and both
    /// wasmi versions agree up to the divergent call.
    fn classify(&self, jit: &mut wasmlite_jit::Jit, wasm: &[u8], seed: u64, mode: Mode) -> Option<(String, String)> {
        let case = gen::case_for_module(wasm.to_vec(), seed, &self.gen).ok()?;
        let trace = exec::record(&mut Reference::new(&case.wasm).ok()?, &case);
        let Verdict::Diverge { class, call, detail, .. } = self.judge(jit, &trace, &case, mode) else {
            return None;
        };
        let t1 = exec::record(&mut TieBreaker::new(&case.wasm).ok()?, &case);
        if exec::trace_diff(&trace, &t1).is_some_and(|at| at.is_none() || at <= call) {
            return None;
        }
        Some((class, detail))
    }

    /// Shrinks a divergent module; returns the process exit status.
    fn shrink(&self, wasm: Vec<u8>, seed: u64, mode: Mode, attempts: u32, out: &str) -> i32 {
        let mut jit = new_jit();
        let Some((class, _)) = self.classify(&mut jit, &wasm, seed, mode) else {
            eprintln!("fuzz-diff: the module does not diverge in {} with the plan of seed {seed}", mode.name());
            return 1;
        };
        eprintln!("shrinking `{class}` ({} bytes)", wasm.len());
        let mut tested = 0u32;
        let result = wasm_shrink::WasmShrink::default().attempts(attempts).seed(seed).run(wasm, |candidate| {
            tested += 1;
            if tested.is_multiple_of(200) {
                // Loaded code lives as long as the JIT: start a fresh one now and then.
                jit = new_jit();
            }
            Ok(self.classify(&mut jit, candidate, seed, mode).is_some_and(|(c, _)| c == class))
        });
        match result {
            Ok(info) => {
                let detail = self.classify(&mut jit, &info.output, seed, mode).map(|(_, d)| d).unwrap_or_default();
                campaign::write_artifact(Path::new("."), &format!("{out}.wasm"), &info.output);
                let wat = format!(
                    ";; seed: {seed}\n;; fuzz-diff --module {out}.wat --seed {seed} --count 1 --modes {}\n;; class: {class}\n;; {detail}\n{}",
                    mode.name(),
                    campaign::to_wat(&info.output)
                );
                campaign::write_artifact(Path::new("."), &format!("{out}.wat"), wat.as_bytes());
                eprintln!("{} -> {} bytes after {tested} candidates: {out}.wat", info.input_size, info.output_size);
                0
            }
            Err(e) => {
                eprintln!("fuzz-diff: shrinking failed: {e}");
                1
            }
        }
    }

    /// Compiles `case` in `mode` and compares it with `reference`.
    fn judge(&self, jit: &mut wasmlite_jit::Jit, reference: &exec::Trace, case: &Case, mode: Mode) -> Verdict {
        match Wasmlite::new(jit, &case.wasm, mode) {
            Ok(mut subject) => exec::compare(reference, &mut subject, case),
            Err(e) => Verdict::Diverge { calls: 0, call: None, class: "compile error".into(), detail: e },
        }
    }

    /// wasmlite agreed with the tie-breaker where the reference differed: recorded, not a divergence.
    fn write_reference_bug(&self, seed: u64, case: &Case, mode: Mode, verdict: &Verdict, at: Option<usize>) {
        self.write_case(seed, case);
        let text = format!(
            "seed: {seed}\nmode: {}\nthe reference (wasmi 1.1) disagrees with the tie-breaker (wasmi 2.0) at {}; wasmlite agrees with the tie-breaker.\nverdict against the reference: {verdict:?}\n",
            mode.name(),
            at.map_or("instantiation".to_string(), |i| format!("call #{i}"))
        );
        campaign::write_artifact(&self.out, &format!("{seed}-{}-reference.txt", mode.name()), text.as_bytes());
    }

    fn write_case(&self, seed: u64, case: &Case) {
        let wasm_name = format!("{seed}.wasm");
        if !self.out.join(&wasm_name).exists() {
            campaign::write_artifact(&self.out, &wasm_name, &case.wasm);
            campaign::write_artifact(&self.out, &format!("{seed}.wat"), campaign::to_wat(&case.wasm).as_bytes());
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn write_divergence(
        &self,
        jit: &mut wasmlite_jit::Jit,
        seed: u64,
        case: &Case,
        mode: Mode,
        call: Option<usize>,
        class: &str,
        detail: &str,
    ) {
        self.write_case(seed, case);
        let mut d = String::new();
        d.push_str(&format!("seed: {seed}\nmode: {}\nclass: {class}\n", mode.name()));
        d.push_str(&format!("reproduce: fuzz-diff --seed {seed} --count 1 --modes {} --in-process\n", mode.name()));
        d.push_str(&format!("module: {seed}.wasm / {seed}.wat (fuel per call {})\n", case.fuel));
        match call {
            None => d.push_str("at: instantiation\n"),
            Some(i) => {
                d.push_str("calls (the last one diverged):\n");
                for (j, (fi, args)) in case.plan.iter().take(i + 1).enumerate() {
                    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                    d.push_str(&format!("  #{j} {}({})\n", case.shape.funcs[*fi].name, args.join(", ")));
                }
            }
        }
        d.push_str(&format!("detail: {detail}\n"));
        if class.contains("memory contents") {
            // Replay both engines to show where the memories differ.
            if let Ok(mut r) = Reference::new(&case.wasm) {
                let expected = exec::memories_after(&mut r, case, call);
                if let Ok(mut s) = Wasmlite::new(jit, &case.wasm, mode) {
                    let got = exec::memories_after(&mut s, case, call);
                    for ((name, e), (_, g)) in expected.iter().zip(&got) {
                        if e != g {
                            d.push_str(&format!("memory `{name}`: {}\n", exec::diff_memory(e, g)));
                        }
                    }
                }
            }
        }
        campaign::write_artifact(&self.out, &format!("{seed}-{}.txt", mode.name()), d.as_bytes());
    }

    fn record_crash(&self, crash: &Crash) {
        if let Ok(case) = gen::diff_case(crash.seed, &self.gen) {
            self.write_case(crash.seed, &case);
        }
        let text = format!(
            "seed: {}\nwhat: {}\nphase: {}\nreproduce: fuzz-diff --seed {} --count 1 --in-process\nstderr (head and tail):\n{}\n",
            crash.seed,
            crash.what,
            crash.phase.as_deref().unwrap_or("wasmlite or the reference"),
            crash.seed,
            crash.stderr_tail
        );
        campaign::write_artifact(&self.out, &format!("{}-crash.txt", crash.seed), text.as_bytes());
    }
}
