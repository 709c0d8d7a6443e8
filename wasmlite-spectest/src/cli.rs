//! Command-line options.

use std::path::PathBuf;
use std::time::Duration;

/// Parsed command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Files or directories to run.
    pub inputs: Vec<PathBuf>,
    /// Print every failure with its location and reason.
    pub verbose: bool,
    /// Search directories recursively.
    pub recursive: bool,
    /// Compile with explicit bounds checks instead of guard pages.
    pub bounds_checks: bool,
    /// Number of child processes run in parallel.
    pub jobs: usize,
    /// Per-file timeout.
    pub timeout: Duration,
    /// LLVM optimisation level for compiled modules (`None` = codegen's default).
    pub opt_level: Option<u8>,
    /// Print the most frequent failure reasons at the end.
    pub summary: bool,
    /// Compile each function on its first call (`wasmlite_jit::compile_module_lazy`).
    pub lazy: bool,
    /// Code-generation partitions per module (`Config::threads`; `None` = codegen's default).
    pub threads: Option<usize>,
    /// Hidden: run one file in this process and report events on stdout.
    pub single: Option<PathBuf>,
}

/// Usage text.
pub const USAGE: &str = "\
usage: wasmlite-spectest [options] <file-or-dir>...

Runs WebAssembly spec-test scripts (.wast) through wasmlite's code generator, the ORC JIT
and the wasmlite runtime. Every file runs in its own child process.

options:
  --verbose        print each failure with line:col and the reason
  --recursive      search directories recursively for .wast files
  --bounds-checks  compile with explicit bounds checks instead of guard pages
  --lazy           compile each function on its first call (lazy JIT; implies explicit
                   bounds checks)
  --jobs N         run up to N files in parallel (default: number of CPUs)
  --timeout SECS   per-file timeout in seconds (default: 120)
  --opt-level N    LLVM optimisation level 0..=3 for compiled modules (default: codegen's)
  --threads N      compile every module in N partitions on N threads (codegen's
                   Config::threads; default: codegen's, which keeps small modules whole)
  --summary        print the most frequent failure reasons at the end
  -h, --help       show this help
";

impl Options {
    /// Parse arguments (without the program name).
    pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Options, String> {
        let mut o = Options {
            inputs: Vec::new(),
            verbose: false,
            recursive: false,
            bounds_checks: false,
            jobs: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            timeout: Duration::from_secs(120),
            single: None,
            summary: false,
            opt_level: None,
            lazy: false,
            threads: None,
        };
        let mut it = args.into_iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--verbose" | "-v" => o.verbose = true,
                "--recursive" | "-r" => o.recursive = true,
                "--bounds-checks" => o.bounds_checks = true,
                "--summary" => o.summary = true,
                "--lazy" => o.lazy = true,
                "--opt-level" | "-O" => {
                    let v = it.next().ok_or("--opt-level needs a value")?;
                    match v.parse::<u8>() {
                        Ok(n) if n <= 3 => o.opt_level = Some(n),
                        _ => return Err(format!("invalid --opt-level value `{v}` (0..=3)")),
                    }
                }
                "--threads" => {
                    let v = it.next().ok_or("--threads needs a value")?;
                    match v.parse::<usize>() {
                        Ok(n) if n >= 1 => o.threads = Some(n),
                        _ => return Err(format!("invalid --threads value `{v}` (at least 1)")),
                    }
                }
                "--jobs" | "-j" => {
                    let v = it.next().ok_or("--jobs needs a value")?;
                    o.jobs = v.parse().map_err(|_| format!("invalid --jobs value `{v}`"))?;
                    if o.jobs == 0 {
                        return Err("--jobs must be at least 1".into());
                    }
                }
                "--timeout" => {
                    let v = it.next().ok_or("--timeout needs a value")?;
                    let secs: f64 = v.parse().map_err(|_| format!("invalid --timeout value `{v}`"))?;
                    if !(secs > 0.0 && secs.is_finite()) {
                        return Err(format!("invalid --timeout value `{v}`"));
                    }
                    o.timeout = Duration::from_secs_f64(secs);
                }
                "--single" => {
                    o.single = Some(PathBuf::from(it.next().ok_or("--single needs a file")?));
                }
                "-h" | "--help" => return Err(String::new()),
                s if s.starts_with("--jobs=") => {
                    let v = &s["--jobs=".len()..];
                    o.jobs = v.parse().map_err(|_| format!("invalid --jobs value `{v}`"))?;
                    if o.jobs == 0 {
                        return Err("--jobs must be at least 1".into());
                    }
                }
                s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option `{s}`")),
                _ => o.inputs.push(PathBuf::from(a)),
            }
        }
        if o.single.is_none() && o.inputs.is_empty() {
            return Err("no input files or directories".into());
        }
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags() {
        let o = p(&["--verbose", "--jobs", "3", "a.wast", "--bounds-checks", "dir", "--recursive"]).unwrap();
        assert!(o.verbose && o.bounds_checks && o.recursive);
        assert!(!o.lazy && p(&["--lazy", "a"]).unwrap().lazy);
        assert_eq!(o.threads, None);
        assert_eq!(p(&["--threads", "4", "a"]).unwrap().threads, Some(4));
        assert!(p(&["--threads", "0", "a"]).is_err());
        assert_eq!(o.jobs, 3);
        assert_eq!(o.inputs, vec![PathBuf::from("a.wast"), PathBuf::from("dir")]);
        assert_eq!(o.timeout, Duration::from_secs(120));
        let o = p(&["--single", "x.wast", "--timeout", "2.5"]).unwrap();
        assert_eq!(o.single, Some(PathBuf::from("x.wast")));
        assert_eq!(o.timeout, Duration::from_millis(2500));
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(p(&[]).unwrap_err(), "no input files or directories");
        assert_eq!(p(&["--jobs", "0", "a"]).unwrap_err(), "--jobs must be at least 1");
        assert_eq!(p(&["--jobs", "x", "a"]).unwrap_err(), "invalid --jobs value `x`");
        assert_eq!(p(&["--frob", "a"]).unwrap_err(), "unknown option `--frob`");
        assert_eq!(p(&["--opt-level", "4", "a"]).unwrap_err(), "invalid --opt-level value `4` (0..=3)");
        assert_eq!(p(&["--opt-level", "0", "a"]).unwrap().opt_level, Some(0));
        assert_eq!(p(&["--help"]).unwrap_err(), "");
    }
}
