//! Campaign driver: the parent process hands seed ranges to child processes (re-executions of
//! the same binary with `--child`), so a crash or abort in the code under test loses one seed,
//! is reported with that seed, and the campaign goes on.
//!
//! Child protocol (stdout, one record per line, tab-separated):
//! `BEGIN <seed>` before a seed, `PHASE <name>` when the child enters a phase whose crash is not
//! a finding (e.g. the tie-breaking engine), `COUNT <key> <n>` for its counters, `DONE <seed>`
//! after it. Counters of a seed are only taken when its `DONE` arrives.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Counters by name (sorted for stable output).
pub type Counters = BTreeMap<String, u64>;

/// Options shared by both targets.
#[derive(Clone, Debug)]
pub struct Options {
    /// First seed.
    pub seed: u64,
    /// Number of seeds (`None`: until the time budget runs out).
    pub count: Option<u64>,
    /// Time budget for the whole campaign.
    pub time: Option<Duration>,
    /// Parallel child processes.
    pub jobs: usize,
    /// Seeds per child process.
    pub batch: u64,
    /// A seed taking longer than this is reported as a hang and its child killed.
    pub seed_timeout: Duration,
    /// Where artifacts (divergences, crashes) are written.
    pub out_dir: PathBuf,
    /// Run the seeds in this process (no child processes; for debugging one seed).
    pub in_process: bool,
    /// Print progress to stderr every this often.
    pub progress: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            count: None,
            time: None,
            jobs: 2,
            batch: 20,
            seed_timeout: Duration::from_secs(120),
            out_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/divergences")),
            in_process: false,
            progress: Some(Duration::from_secs(30)),
        }
    }
}

/// A seed whose child process died or hung.
#[derive(Clone, Debug)]
pub struct Crash {
    pub seed: u64,
    pub what: String,
    /// The phase announced with [`phase`] before the crash (`None`: the code under test).
    pub phase: Option<String>,
    /// Head and tail of the child's stderr.
    pub stderr_tail: String,
}

/// What a campaign measured.
#[derive(Debug, Default)]
pub struct Totals {
    pub seeds: u64,
    pub counters: Counters,
    /// Crashes and hangs of the code under test.
    pub crashes: Vec<Crash>,
    /// Crashes during an announced phase (not findings about wasmlite).
    pub phase_crashes: Vec<Crash>,
    pub elapsed: Duration,
}

impl Totals {
    pub fn get(&self, key: &str) -> u64 {
        self.counters.get(key).copied().unwrap_or(0)
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// child side

/// Set by [`run_child`]: only then do [`phase`] records go to stdout.
static IN_CHILD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Child main loop: runs seeds `from..to` (stops starting new ones after `deadline_ms`, a Unix
/// time in milliseconds, 0 = none) and speaks the protocol on stdout.
pub fn run_child(from: u64, to: u64, deadline_ms: u64, mut run_seed: impl FnMut(u64, &mut Counters)) {
    IN_CHILD.store(true, Ordering::Relaxed);
    let stdout = std::io::stdout();
    for seed in from..to {
        if deadline_ms != 0 && now_ms() >= deadline_ms {
            break;
        }
        {
            let mut out = stdout.lock();
            let _ = writeln!(out, "BEGIN\t{seed}");
            let _ = out.flush();
        }
        let mut c = Counters::new();
        run_seed(seed, &mut c);
        let mut out = stdout.lock();
        for (k, v) in &c {
            let _ = writeln!(out, "COUNT\t{}\t{v}", k.replace(['\t', '\n'], " "));
        }
        let _ = writeln!(out, "DONE\t{seed}");
        let _ = out.flush();
    }
}

/// Announces (in a child) that what follows, until the next `phase` call or the end of the seed,
/// is `name`: a crash there is reported as a crash of that phase, not of the code under test.
/// `phase("")` returns to the code under test.
pub fn phase(name: &str) {
    if !IN_CHILD.load(Ordering::Relaxed) {
        return;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(out, "PHASE\t{name}");
    let _ = out.flush();
}

// ---------------------------------------------------------------------------------------------
// parent side

enum Msg {
    Line(String),
    Eof,
}

struct Shared {
    next: AtomicU64,
    end: u64,
    deadline: Option<Instant>,
    deadline_ms: u64,
    totals: Mutex<Totals>,
}

impl Shared {
    fn take_batch(&self, batch: u64) -> Option<(u64, u64)> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return None;
        }
        let from = self.next.fetch_add(batch, Ordering::SeqCst);
        if from >= self.end {
            return None;
        }
        Some((from, from.saturating_add(batch).min(self.end)))
    }
}

/// Runs a campaign. `child_args` are passed to every child after `--child --from A --to B
/// --deadline-ms D`; `on_crash` is called (in the parent) for every crashed or hung seed, to
/// write its artifact.
pub fn run_parent(opts: &Options, child_args: &[String], on_crash: &(dyn Fn(&Crash) + Sync)) -> Totals {
    let start = Instant::now();
    let deadline = opts.time.map(|t| start + t);
    let end = match opts.count {
        Some(n) => opts.seed.saturating_add(n),
        None => u64::MAX,
    };
    let shared = Arc::new(Shared {
        next: AtomicU64::new(opts.seed),
        end,
        deadline,
        deadline_ms: opts.time.map(|t| now_ms() + t.as_millis() as u64).unwrap_or(0),
        totals: Mutex::new(Totals::default()),
    });
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cannot find own executable: {e}");
            std::process::exit(2);
        }
    };
    let done_flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
    std::thread::scope(|s| {
        if let Some(every) = opts.progress {
            let shared = Arc::clone(&shared);
            let done_flag = Arc::clone(&done_flag);
            s.spawn(move || {
                let mut last = Instant::now();
                while !done_flag.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(200));
                    if last.elapsed() >= every {
                        last = Instant::now();
                        let t = shared.totals.lock().unwrap_or_else(|e| e.into_inner());
                        let interesting: Vec<String> = t
                            .counters
                            .iter()
                            .filter(|(k, _)| !k.contains(':'))
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect();
                        eprintln!(
                            "[{:>5.0}s] {} seeds, {} crashes; {}",
                            start.elapsed().as_secs_f64(),
                            t.seeds,
                            t.crashes.len(),
                            interesting.join(" ")
                        );
                    }
                }
            });
        }
        let workers: Vec<_> = (0..opts.jobs.max(1))
            .map(|_| {
                let shared = Arc::clone(&shared);
                let exe = exe.clone();
                s.spawn(move || {
                    while let Some((from, to)) = shared.take_batch(opts.batch.max(1)) {
                        run_batch(&exe, from, to, opts, child_args, &shared, on_crash);
                    }
                })
            })
            .collect();
        for w in workers {
            let _ = w.join();
        }
        done_flag.store(true, Ordering::SeqCst);
    });
    let mut totals = std::mem::take(&mut *shared.totals.lock().unwrap_or_else(|e| e.into_inner()));
    totals.crashes.sort_by_key(|c| c.seed);
    totals.elapsed = start.elapsed();
    totals
}

/// Runs seeds `from..to` in child processes, restarting after a crash or hang.
fn run_batch(
    exe: &PathBuf,
    mut from: u64,
    to: u64,
    opts: &Options,
    child_args: &[String],
    shared: &Shared,
    on_crash: &(dyn Fn(&Crash) + Sync),
) {
    while from < to {
        if shared.deadline.is_some_and(|d| Instant::now() >= d) {
            return;
        }
        let mut cmd = Command::new(exe);
        cmd.arg("--child")
            .args(["--from", &from.to_string(), "--to", &to.to_string()])
            .args(["--deadline-ms", &shared.deadline_ms.to_string()])
            .arg("--out")
            .arg(&opts.out_dir)
            .args(child_args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("cannot start child process: {e}");
                return;
            }
        };
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take();
        let reader = std::thread::spawn(move || {
            if let Some(out) = stdout {
                for line in BufReader::new(out).lines() {
                    match line {
                        Ok(l) => {
                            if tx.send(Msg::Line(l)).is_err() {
                                return;
                            }
                        }
                        Err(_) => break,
                    }
                }
            }
            let _ = tx.send(Msg::Eof);
        });
        let stderr = child.stderr.take();
        let err_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut e) = stderr {
                let _ = e.read_to_end(&mut buf);
            }
            // The head holds the panic message, the tail the end of a backtrace or an abort.
            let s = String::from_utf8_lossy(&buf).into_owned();
            let chars: Vec<char> = s.chars().collect();
            if chars.len() <= 6000 {
                s
            } else {
                let head: String = chars[..3000].iter().collect();
                let tail: String = chars[chars.len() - 3000..].iter().collect();
                format!("{head}\n[...]\n{tail}")
            }
        });

        let mut current: Option<u64> = None;
        let mut current_phase: Option<String> = None;
        let mut counters = Counters::new();
        let mut hung = false;
        loop {
            match rx.recv_timeout(opts.seed_timeout) {
                Ok(Msg::Line(l)) => {
                    let mut parts = l.splitn(3, '\t');
                    match (parts.next(), parts.next(), parts.next()) {
                        (Some("BEGIN"), Some(s), None) => {
                            current = s.parse().ok();
                            current_phase = None;
                            counters.clear();
                        }
                        (Some("PHASE"), Some(p), None) => {
                            current_phase = (!p.is_empty()).then(|| p.to_string());
                        }
                        (Some("COUNT"), Some(k), Some(v)) => {
                            *counters.entry(k.to_string()).or_default() += v.parse::<u64>().unwrap_or(0);
                        }
                        (Some("DONE"), Some(s), None) => {
                            let seed: u64 = s.parse().unwrap_or(from);
                            let mut t = shared.totals.lock().unwrap_or_else(|e| e.into_inner());
                            t.seeds += 1;
                            for (k, v) in std::mem::take(&mut counters) {
                                *t.counters.entry(k).or_default() += v;
                            }
                            drop(t);
                            current = None;
                            from = seed + 1;
                        }
                        _ => {} // stray output from the code under test
                    }
                }
                Ok(Msg::Eof) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    hung = true;
                    let _ = kill(&mut child);
                    break;
                }
            }
        }
        let status = child.wait();
        let _ = reader.join();
        let stderr_tail = err_reader.join().unwrap_or_default();
        match current {
            Some(seed) => {
                let what = if hung {
                    format!("hang (no progress for {} s)", opts.seed_timeout.as_secs())
                } else {
                    match &status {
                        Ok(s) => format!("child died: {}", describe_status(s)),
                        Err(e) => format!("child died: {e}"),
                    }
                };
                let crash = Crash { seed, what, phase: current_phase.take(), stderr_tail };
                match &crash.phase {
                    Some(p) => eprintln!("seed {seed}: {} (in {p})", crash.what),
                    None => eprintln!("seed {seed}: {}", crash.what),
                }
                on_crash(&crash);
                let mut t = shared.totals.lock().unwrap_or_else(|e| e.into_inner());
                if crash.phase.is_some() {
                    t.phase_crashes.push(crash);
                } else {
                    t.crashes.push(crash);
                }
                from = seed + 1;
            }
            None => {
                // Clean exit between seeds: finished, or stopped at the deadline.
                if !status.as_ref().is_ok_and(|s| s.success()) {
                    eprintln!("child for seeds {from}..{to} failed outside a seed: {stderr_tail}");
                }
                return;
            }
        }
    }
}

fn kill(child: &mut Child) -> std::io::Result<()> {
    child.kill()
}

fn describe_status(s: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (s.code(), s.signal()) {
        (Some(c), _) => format!("exit status {c}"),
        (None, Some(sig)) => format!("signal {sig}{}", if s.core_dumped() { " (core dumped)" } else { "" }),
        _ => format!("{s}"),
    }
}

// ---------------------------------------------------------------------------------------------
// command line

/// Parsed command line: the campaign options, the child range if this is a child, and the
/// target-specific options left for the caller (as `(name, value)` pairs).
pub struct Cli {
    pub opts: Options,
    pub child: Option<(u64, u64, u64)>,
    pub extra: Vec<(String, String)>,
}

/// Parses `--seed N --count N --time SECS --jobs N --batch N --seed-timeout SECS --out DIR
/// --in-process --quiet` plus the child protocol flags; every other `--name value` goes to
/// `extra` (validated by the caller with `known_extra`).
pub fn parse_cli(known_extra: &[&str], usage: &str) -> Result<Cli, String> {
    use lexopt::prelude::*;
    let mut opts = Options::default();
    let mut from = None;
    let mut to = None;
    let mut deadline = 0;
    let mut child = false;
    let mut extra = Vec::new();
    let mut p = lexopt::Parser::from_env();
    let num = |v: std::ffi::OsString| -> Result<u64, String> {
        let s = v.into_string().map_err(|_| "non-UTF-8 argument".to_string())?;
        s.parse::<u64>().map_err(|e| format!("`{s}`: {e}"))
    };
    while let Some(arg) = p.next().map_err(|e| e.to_string())? {
        match arg {
            Long("seed") => opts.seed = num(p.value().map_err(|e| e.to_string())?)?,
            Long("count") => opts.count = Some(num(p.value().map_err(|e| e.to_string())?)?),
            Long("time") => opts.time = Some(Duration::from_secs(num(p.value().map_err(|e| e.to_string())?)?)),
            Long("jobs") => opts.jobs = num(p.value().map_err(|e| e.to_string())?)? as usize,
            Long("batch") => opts.batch = num(p.value().map_err(|e| e.to_string())?)?,
            Long("seed-timeout") => {
                opts.seed_timeout = Duration::from_secs(num(p.value().map_err(|e| e.to_string())?)?)
            }
            Long("out") => opts.out_dir = PathBuf::from(p.value().map_err(|e| e.to_string())?),
            Long("in-process") => opts.in_process = true,
            Long("quiet") => opts.progress = None,
            Long("progress") => {
                opts.progress = Some(Duration::from_secs(num(p.value().map_err(|e| e.to_string())?)?.max(1)))
            }
            Long("child") => child = true,
            Long("from") => from = Some(num(p.value().map_err(|e| e.to_string())?)?),
            Long("to") => to = Some(num(p.value().map_err(|e| e.to_string())?)?),
            Long("deadline-ms") => deadline = num(p.value().map_err(|e| e.to_string())?)?,
            Long("help") | Short('h') => {
                println!("{usage}");
                std::process::exit(0);
            }
            Long(name) if known_extra.contains(&name) => {
                let name = name.to_string();
                let v = p.value().map_err(|e| e.to_string())?;
                extra.push((name, v.into_string().map_err(|_| "non-UTF-8 argument".to_string())?));
            }
            other => return Err(format!("{}\n\n{usage}", other.unexpected())),
        }
    }
    if opts.count.is_none() && opts.time.is_none() {
        opts.count = Some(100);
    }
    let child = if child {
        Some((from.ok_or("--child needs --from")?, to.ok_or("--child needs --to")?, deadline))
    } else {
        None
    };
    Ok(Cli { opts, child, extra })
}

/// `extra` re-serialised for the children.
pub fn forward(extra: &[(String, String)]) -> Vec<String> {
    extra.iter().flat_map(|(k, v)| [format!("--{k}"), v.clone()]).collect()
}

/// Writes `bytes` to `dir/name`, creating `dir`; failures are reported, not fatal.
pub fn write_artifact(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(dir.join(name), bytes)) {
        eprintln!("cannot write {}: {e}", dir.join(name).display());
    }
}

/// The module as text (wasmprinter), or why not.
pub fn to_wat(wasm: &[u8]) -> String {
    wasmprinter::print_bytes(wasm).unwrap_or_else(|e| format!(";; wasmprinter failed: {e}\n"))
}
