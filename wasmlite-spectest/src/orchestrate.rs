//! The parent process: finds scripts, runs each in a child process (`--single`), collects the
//! per-assertion events, survives crashing and hanging children, prints the summary.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::cli::Options;
use crate::count::count_assertions;
use crate::protocol::{Event, Outcome};

/// Result of one script.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileResult {
    /// The script.
    pub path: PathBuf,
    /// Assertions counted up front.
    pub total: usize,
    /// Passed assertions.
    pub passed: usize,
    /// Failed assertions (plus failed `module` commands).
    pub failed: usize,
    /// Skipped assertions.
    pub skipped: usize,
    /// Failed `module` commands (included in `failed`, not counted up front).
    pub module_failed: usize,
    /// Failures: (line, col, reason).
    pub failures: Vec<(usize, usize, String)>,
    /// Abnormal end of the child (signal, exit status, timeout).
    pub abnormal: Option<String>,
    /// Tail of the child's stderr (kept for abnormal ends).
    pub stderr_tail: String,
}

impl FileResult {
    /// Account for one event.
    pub fn record(&mut self, e: &Event) {
        if let Event::Outcome { outcome, line, col, reason } = e {
            match outcome {
                Outcome::Pass => self.passed += 1,
                Outcome::Skip => self.skipped += 1,
                Outcome::Fail => {
                    self.failed += 1;
                    self.failures.push((*line, *col, reason.clone()));
                }
                Outcome::ModuleFail => {
                    self.failed += 1;
                    self.module_failed += 1;
                    self.failures.push((*line, *col, format!("{MODULE_FAIL_PREFIX}{reason}")));
                }
            }
        }
    }

    /// Assertions reported so far (module failures excluded).
    pub fn reported(&self) -> usize {
        self.passed + self.skipped + self.failed - self.module_failed
    }

    /// The child ended abnormally: every assertion not reported yet failed.
    pub fn fail_unreported(&mut self, why: String) {
        let missing = self.total.saturating_sub(self.reported());
        self.failed += missing;
        self.abnormal = Some(if missing > 0 {
            format!("{why}; {missing} unreported assertion(s) counted as failed")
        } else {
            why
        });
    }
}

/// Reason prefix of failed `module` commands in [`FileResult::failures`].
pub const MODULE_FAIL_PREFIX: &str = "module: ";

fn record_event(r: &mut FileResult, e: &Event) {
    r.record(e)
}

/// Find the scripts named by the inputs (directories: `.wast` files, sorted; subdirectories
/// only with `recursive`). Errors name inputs that do not exist.
pub fn collect_files(inputs: &[PathBuf], recursive: bool) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        if input.is_dir() {
            walk(input, recursive, &mut files, &mut errors);
        } else if input.is_file() {
            files.push(input.clone());
        } else {
            errors.push(format!("{}: no such file or directory", input.display()));
        }
    }
    (files, errors)
}

fn walk(dir: &Path, recursive: bool, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(format!("{}: {e}", dir.display()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut subdirs = Vec::new();
    for p in paths {
        if p.is_dir() {
            subdirs.push(p);
        } else if p.extension().is_some_and(|e| e == "wast") {
            files.push(p);
        }
    }
    if recursive {
        for d in subdirs {
            walk(&d, recursive, files, errors);
        }
    }
}

/// Name of a signal number.
pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        1 => "SIGHUP",
        2 => "SIGINT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "signal",
    }
}

fn describe_status(status: ExitStatus) -> Option<String> {
    use std::os::unix::process::ExitStatusExt;
    if let Some(sig) = status.signal() {
        return Some(format!("child killed by signal {sig} ({})", signal_name(sig)));
    }
    if status.success() {
        None
    } else {
        Some(format!("child exited with {status}"))
    }
}

/// Run one script in a child process.
pub fn run_child(path: &Path, opts: &Options) -> FileResult {
    let mut result = FileResult { path: path.to_path_buf(), ..Default::default() };
    let text = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            result.total = 1;
            result.fail_unreported(format!("cannot read: {e}"));
            return result;
        }
    };
    result.total = count_assertions(&String::from_utf8_lossy(&text));
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            result.fail_unreported(format!("cannot find own executable: {e}"));
            return result;
        }
    };
    let mut cmd = Command::new(exe);
    cmd.arg("--single").arg(path);
    if opts.bounds_checks {
        cmd.arg("--bounds-checks");
    }
    if opts.lazy {
        cmd.arg("--lazy");
    }
    if let Some(n) = opts.opt_level {
        cmd.arg("--opt-level").arg(n.to_string());
    }
    if let Some(n) = opts.threads {
        cmd.arg("--threads").arg(n.to_string());
    }
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            result.fail_unreported(format!("cannot start child: {e}"));
            return result;
        }
    };
    let (tx, rx) = mpsc::channel::<Event>();
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        if let Some(out) = stdout {
            for line in BufReader::new(out).split(b'\n') {
                let Ok(line) = line else { break };
                if let Some(e) = Event::parse(&String::from_utf8_lossy(&line)) {
                    if tx.send(e).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut tail: VecDeque<u8> = VecDeque::new();
        if let Some(mut err) = stderr {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                tail.extend(&buf[..n]);
                while tail.len() > 4096 {
                    tail.pop_front();
                }
            }
        }
        String::from_utf8_lossy(&tail.into_iter().collect::<Vec<u8>>()).into_owned()
    });
    let deadline = Instant::now() + opts.timeout;
    let mut done = false;
    let mut timed_out = false;
    loop {
        let now = Instant::now();
        if now >= deadline {
            timed_out = true;
            break;
        }
        match rx.recv_timeout(deadline - now) {
            Ok(Event::Done) => done = true,
            Ok(e) => record_event(&mut result, &e),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                timed_out = true;
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    if timed_out {
        let _ = child.kill();
    }
    let status = child.wait();
    let _ = reader.join();
    // Events that arrived between the timeout and the kill still count.
    while let Ok(e) = rx.try_recv() {
        match e {
            Event::Done => done = true,
            e => record_event(&mut result, &e),
        }
    }
    result.stderr_tail = err_reader.join().unwrap_or_default();
    let abnormal = if timed_out {
        Some(format!("timed out after {} s, child killed", opts.timeout.as_secs_f64()))
    } else {
        match status {
            Ok(s) => describe_status(s).or_else(|| (!done).then(|| "child ended without reporting".to_string())),
            Err(e) => Some(format!("cannot wait for child: {e}")),
        }
    };
    if let Some(why) = abnormal {
        result.fail_unreported(why);
    }
    result
}

/// Format the per-file line.
pub fn file_line(r: &FileResult) -> String {
    let mut s = format!(
        "{:<48} {:>6} passed {:>6} failed {:>6} skipped",
        r.path.display(),
        r.passed,
        r.failed,
        r.skipped
    );
    if let Some(a) = &r.abnormal {
        s.push_str("  [");
        s.push_str(a);
        s.push(']');
    }
    s
}

/// Run all files; returns the process exit code.
pub fn run(opts: &Options) -> i32 {
    let (files, errors) = collect_files(&opts.inputs, opts.recursive);
    for e in &errors {
        eprintln!("error: {e}");
    }
    let queue: Arc<Mutex<VecDeque<(usize, PathBuf)>>> =
        Arc::new(Mutex::new(files.iter().cloned().enumerate().collect()));
    let results: Arc<Mutex<Vec<Option<FileResult>>>> = Arc::new(Mutex::new(vec![None; files.len()]));
    let printed = Arc::new(Mutex::new(0usize));
    let workers = opts.jobs.min(files.len()).max(1);
    let mut handles = Vec::new();
    for _ in 0..workers {
        let queue = Arc::clone(&queue);
        let results = Arc::clone(&results);
        let printed = Arc::clone(&printed);
        let opts = opts.clone();
        handles.push(std::thread::spawn(move || loop {
            let next = queue.lock().ok().and_then(|mut q| q.pop_front());
            let Some((i, path)) = next else { break };
            let r = run_child(&path, &opts);
            let Ok(mut res) = results.lock() else { break };
            res[i] = Some(r);
            // Print every finished result in order.
            let Ok(mut p) = printed.lock() else { break };
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            while let Some(Some(r)) = res.get(*p) {
                let _ = writeln!(out, "{}", file_line(r));
                if opts.verbose {
                    for (line, col, reason) in &r.failures {
                        let _ = writeln!(out, "    {}:{line}:{col}: {reason}", r.path.display());
                    }
                    if r.abnormal.is_some() && !r.stderr_tail.trim().is_empty() {
                        let _ = writeln!(out, "    child stderr (tail):");
                        for l in r.stderr_tail.lines() {
                            let _ = writeln!(out, "      {l}");
                        }
                    }
                }
                *p += 1;
            }
            let _ = out.flush();
        }));
    }
    for h in handles {
        let _ = h.join();
    }
    let res = results.lock().map(|r| r.clone()).unwrap_or_default();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for r in res.iter().flatten() {
        passed += r.passed;
        failed += r.failed;
        skipped += r.skipped;
    }
    if opts.summary {
        print_summary(&res);
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 || !errors.is_empty() || res.iter().any(|r| r.is_none()) {
        1
    } else {
        0
    }
}

/// A failure reason with numbers and quoted names blanked, so similar failures group together.
pub fn normalize_reason(reason: &str) -> String {
    let mut out = String::new();
    let mut in_tick = false;
    let mut last_digit = false;
    for c in reason.chars() {
        if c == '`' {
            in_tick = !in_tick;
            if in_tick {
                out.push_str("`_`");
            }
            continue;
        }
        if in_tick {
            continue;
        }
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('N');
            }
            last_digit = true;
            continue;
        }
        last_digit = false;
        out.push(c);
    }
    if out.len() > 120 {
        let mut cut = 120;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

fn print_summary(res: &[Option<FileResult>]) {
    let mut groups: std::collections::HashMap<String, (usize, String)> = std::collections::HashMap::new();
    for r in res.iter().flatten() {
        for (line, col, reason) in &r.failures {
            let e = groups
                .entry(normalize_reason(reason))
                .or_insert_with(|| (0, format!("{}:{line}:{col}", r.path.display())));
            e.0 += 1;
        }
        if let Some(a) = &r.abnormal {
            let e = groups.entry(normalize_reason(a)).or_insert_with(|| (0, r.path.display().to_string()));
            e.0 += 1;
        }
    }
    let mut v: Vec<_> = groups.into_iter().collect();
    v.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    println!("most frequent failure reasons:");
    for (reason, (n, example)) in v.iter().take(40) {
        println!("{n:>7}  {reason}  (e.g. {example})");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reasons_normalize() {
        assert_eq!(
            super::normalize_reason("invoke `f32_add`: expected i32 12 (0xc), got i32 3"),
            "invoke `_`: expected iN N (Nxc), got iN N"
        );
    }

    use super::*;

    fn ev(outcome: Outcome) -> Event {
        Event::Outcome { outcome, line: 1, col: 1, reason: "r".into() }
    }

    #[test]
    fn crashed_child_fails_unreported_assertions() {
        let mut r = FileResult { total: 10, ..Default::default() };
        for e in [ev(Outcome::Pass), ev(Outcome::Pass), ev(Outcome::Fail), ev(Outcome::Skip), ev(Outcome::ModuleFail)] {
            record_event(&mut r, &e);
        }
        assert_eq!((r.passed, r.failed, r.skipped), (2, 2, 1));
        assert_eq!(r.reported(), 4);
        r.fail_unreported("child killed by signal 11 (SIGSEGV)".into());
        assert_eq!((r.passed, r.failed, r.skipped), (2, 8, 1));
        assert!(r.abnormal.as_deref().unwrap().contains("6 unreported"));
        assert!(file_line(&r).contains("SIGSEGV"));
    }

    #[test]
    fn collects_wast_files() {
        let dir = std::env::temp_dir().join(format!("wst-collect-{}", std::process::id()));
        let sub = dir.join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        for f in ["b.wast", "a.wast", "c.txt", "sub/d.wast"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let (files, errors) = collect_files(std::slice::from_ref(&dir), false);
        assert!(errors.is_empty());
        assert_eq!(files, vec![dir.join("a.wast"), dir.join("b.wast")]);
        let (files, _) = collect_files(std::slice::from_ref(&dir), true);
        assert_eq!(files.len(), 3);
        assert_eq!(files[2], sub.join("d.wast"));
        let (_, errors) = collect_files(&[dir.join("nope")], false);
        assert_eq!(errors.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn signal_names() {
        assert_eq!(signal_name(11), "SIGSEGV");
        assert_eq!(signal_name(6), "SIGABRT");
    }
}
