//! # wasmlite-build — compile WebAssembly ahead of time from a `build.rs`
//!
//! ```no_run
//! // in build.rs, `fn main()`:
//! wasmlite_build::compile("wasm/plugin.wat"); // .wasm or .wat
//! ```
//!
//! For each file this helper
//! 1. prints `cargo:rerun-if-changed=<path>` (relative paths resolve against
//!    `CARGO_MANIFEST_DIR`),
//! 2. reads it (`.wat` is converted to binary) and validates it,
//! 3. computes the symbol prefix [`wasmlite_abi::symbol_prefix`]`(file_stem, binary)`,
//! 4. compiles it with [`wasmlite_codegen::compile_objects`] to `<OUT_DIR>/<prefix>.o` (and,
//!    for a large module compiled in N partitions on N threads, `<prefix>.1.o` …
//!    `<prefix>.<N-1>.o`; see [`Build::threads`]),
//! 5. archives the objects with `cc` into `lib<prefix>.a` and tells cargo to link it.
//!
//! The `include_wasm!` macro (crate `wasmlite-macros`, re-exported by `wasmlite-rt`) computes
//! the same prefix from the same file, so the generated bindings link against exactly this
//! object; a wasm file edited without rebuilding fails to link instead of running stale code.
//!
//! Errors: [`Build::compile`] fails the build like `cc` does: it prints the message
//! `wasmlite-build: error: <path>: at byte offset 0x1f: <reason>` (as a `cargo::error=`
//! directive where cargo supports it, and on stderr) and exits with status 1 — no panic, no
//! backtrace. [`Build::try_compile`] returns the [`BuildError`] instead.
//!
//! WebAssembly features: the codegen default (Wasm 2.0 plus tail calls, typed function
//! references, memory64, multi-memory, extended-const, relaxed-simd and exception handling); switch single ones with [`Build::wasm_feature`] or set
//! the whole set with [`Build::wasm_features`]:
//!
//! ```no_run
//! use wasmlite_build::{Build, WasmFeatures};
//! Build::new()
//!     .file("wasm/plugin.wat")
//!     .wasm_feature(WasmFeatures::MEMORY64, false) // reject 64-bit memories and tables
//!     .wasm_feature(WasmFeatures::CUSTOM_PAGE_SIZES, true)
//!     .compile();
//! ```
//!
//! Targets: only x86_64 is supported (`wasmlite_abi::target::check_target`; other targets are
//! a [`BuildError`] naming the target); guard-page memories where
//! `wasmlite_abi::target::guard_pages_supported`, explicit bounds checks elsewhere.

#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

use std::fmt;
use std::path::{Path, PathBuf};

/// WebAssembly feature flags (wasmparser's), for [`Build::wasm_features`].
pub use wasmlite_codegen::WasmFeatures;
/// How running code is interrupted, for [`Build::interrupts`].
pub use wasmlite_codegen::Interrupts;

/// Environment variable that forces explicit bounds checks when set to `1` (or `true`).
pub const BOUNDS_CHECKS_ENV: &str = "WASMLITE_BOUNDS_CHECKS";

/// Environment variable that selects how code is interrupted for every module: `poll` (check
/// at every loop header and function entry, needed by `no_std` runtimes) or `signal`
/// (overrides [`Build::interrupts`]).
pub const INTERRUPTS_ENV: &str = "WASMLITE_INTERRUPTS";

/// Why building a module failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// The wasm file concerned (`None` for errors not tied to a file, e.g. a missing `OUT_DIR`).
    pub path: Option<PathBuf>,
    /// Byte offset in the binary module, when known.
    pub offset: Option<usize>,
    /// The reason.
    pub message: String,
}

impl BuildError {
    fn new(path: Option<&Path>, offset: Option<usize>, message: impl Into<String>) -> BuildError {
        BuildError { path: path.map(Path::to_path_buf), offset, message: message.into() }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("wasmlite-build: error: ")?;
        if let Some(p) = &self.path {
            write!(f, "{}: ", p.display())?;
        }
        if let Some(o) = self.offset {
            write!(f, "at byte offset {o:#x}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for BuildError {}

/// Compile one wasm (`.wasm` or `.wat`) file with default settings; on error prints a readable
/// message and exits with status 1. Equivalent to `Build::new().file(path).compile()`.
pub fn compile(path: impl AsRef<Path>) {
    Build::new().file(path).compile()
}

/// A `cc`-style builder for compiling wasm modules in a build script.
#[derive(Debug, Clone, Default)]
pub struct Build {
    files: Vec<PathBuf>,
    opt_level: Option<u8>,
    bounds_checks: Option<bool>,
    target: Option<String>,
    out_dir: Option<PathBuf>,
    quiet: bool,
    wasm_features: Option<WasmFeatures>,
    threads: Option<usize>,
    interrupts: Interrupts,
    cpu: Option<String>,
}

impl Build {
    /// A builder with no files and default settings.
    pub fn new() -> Build {
        Build::default()
    }

    /// Add a wasm file (`.wasm` binary or `.wat` text). Relative paths resolve against
    /// `CARGO_MANIFEST_DIR`. May be called several times.
    pub fn file(&mut self, path: impl AsRef<Path>) -> &mut Build {
        self.files.push(path.as_ref().to_path_buf());
        self
    }

    /// LLVM optimisation level 0..=3 (larger values are clamped to 3). Default: from the
    /// `OPT_LEVEL` environment variable cargo sets (`"s"`/`"z"` → 2), else 2.
    pub fn opt_level(&mut self, level: u8) -> &mut Build {
        self.opt_level = Some(level.min(3));
        self
    }

    /// Generate explicit bounds checks for memory accesses instead of relying on guard pages.
    /// Default `false`; forced to `true` when the target has no guard-page support
    /// (`wasmlite_abi::target::guard_pages_supported`), or when the `WASMLITE_BOUNDS_CHECKS`
    /// environment variable is `1`.
    pub fn bounds_checks(&mut self, enabled: bool) -> &mut Build {
        self.bounds_checks = Some(enabled);
        self
    }

    /// Target CPU of the generated code (LLVM name, e.g. `x86-64-v3`; default `x86-64-v2`).
    /// `"native"` = the build machine's CPU and features when compiling for the host: faster
    /// code (e.g. AVX2 vectors) that may not run on other machines.
    pub fn cpu(&mut self, cpu: &str) -> &mut Build {
        self.cpu = Some(cpu.to_string());
        self
    }

    /// How running code can be interrupted (default [`Interrupts::Auto`]: by signal on x86-64
    /// Linux targets, polling elsewhere). A `no_std` runtime has no signal: use
    /// [`Interrupts::Poll`] there if infinite loops must be interruptible.
    pub fn interrupts(&mut self, mode: Interrupts) -> &mut Build {
        self.interrupts = mode;
        self
    }

    /// The WebAssembly features modules may use (validation); a module using another one
    /// fails the build. Default: `wasmlite_codegen::Config::default().wasm_features` (Wasm
    /// 2.0 plus tail calls, typed function references, memory64, multi-memory, extended-const,
    /// relaxed-simd, exception handling).
    pub fn wasm_features(&mut self, features: WasmFeatures) -> &mut Build {
        self.wasm_features = Some(features);
        self
    }

    /// Switch the feature(s) `feature` on or off, starting from the current set (the default
    /// if none was set), e.g. `.wasm_feature(WasmFeatures::MEMORY64, false)`.
    pub fn wasm_feature(&mut self, feature: WasmFeatures, enabled: bool) -> &mut Build {
        let mut f = self.current_features();
        f.set(feature, enabled);
        self.wasm_features = Some(f);
        self
    }

    fn current_features(&self) -> WasmFeatures {
        self.wasm_features.unwrap_or_else(|| wasmlite_codegen::Config::default().wasm_features)
    }

    /// Compile each module in at most `n` partitions on `n` threads
    /// (`wasmlite_codegen::Config::threads`; `1` = one object, one thread). Default: cargo's
    /// job count (`NUM_JOBS`, i.e. `-j`; all cores when unset), with small modules kept whole
    /// (`wasmlite_codegen::auto_threads`). The output is deterministic for a given number.
    pub fn threads(&mut self, n: usize) -> &mut Build {
        self.threads = Some(n.max(1));
        self
    }

    /// Target triple. Default: the `TARGET` environment variable cargo sets.
    pub fn target(&mut self, triple: impl Into<String>) -> &mut Build {
        self.target = Some(triple.into());
        self
    }

    /// Directory for objects and archives. Default: `OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Do not print `cargo:` directives (for use outside build scripts); the static library
    /// is still written but not announced to cargo.
    pub fn cargo_metadata(&mut self, enabled: bool) -> &mut Build {
        self.quiet = !enabled;
        self
    }

    /// Compile every file. On error, fail the way `cc` fails a build script: print the error
    /// (`cargo::error=` when cargo supports it, and on stderr) and exit with status 1.
    pub fn compile(&self) {
        if let Err(e) = self.try_compile() {
            let cargo_error = !self.quiet && supports_cargo_error(cargo_version().as_deref(), std::env::var("CARGO_PKG_RUST_VERSION").ok().as_deref());
            fail(&e, cargo_error)
        }
    }

    /// Compile every file.
    pub fn try_compile(&self) -> Result<(), BuildError> {
        if !self.quiet {
            println!("cargo:rerun-if-env-changed={BOUNDS_CHECKS_ENV}");
            println!("cargo:rerun-if-env-changed={INTERRUPTS_ENV}");
            println!("cargo:rerun-if-env-changed={}", wasmlite_codegen::LLVM_ARGS_ENV);
        }
        if self.files.is_empty() {
            return Err(BuildError::new(None, None, "no wasm files given (use Build::file)"));
        }
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
                BuildError::new(None, None, "OUT_DIR is not set (not running in a build script? use Build::out_dir)")
            })?,
        };
        let host = std::env::var("HOST").ok();
        let target = self.target.clone().or_else(|| std::env::var("TARGET").ok());
        if let Some(t) = target.as_deref() {
            wasmlite_abi::target::check_target(t).map_err(|m| BuildError::new(None, None, m))?;
        }
        let config = wasmlite_codegen::Config {
            opt_level: self.opt_level.unwrap_or_else(|| opt_level_from_env(std::env::var("OPT_LEVEL").ok().as_deref())),
            explicit_bounds_checks: self
                .effective_bounds_checks(target.as_deref(), std::env::var(BOUNDS_CHECKS_ENV).ok().as_deref()),
            // Native code generation for the host when compiling for the host.
            target_triple: match (&self.target, &target, &host) {
                (Some(explicit), _, _) => Some(explicit.clone()),
                (None, Some(t), Some(h)) if t != h => Some(t.clone()),
                _ => None,
            },
            wasm_features: self.current_features(),
            interrupts: match std::env::var(INTERRUPTS_ENV).ok().as_deref().map(str::trim) {
                Some("poll") => Interrupts::Poll,
                Some("signal") => Interrupts::Signal,
                _ => self.interrupts,
            },
            cpu: self.cpu.clone(),
            ..wasmlite_codegen::Config::default()
        };
        for file in &self.files {
            let path = resolve(file);
            if !self.quiet {
                println!("cargo:rerun-if-changed={}", path.display());
            }
            self.compile_one(&path, &out_dir, &config, target.as_deref(), host.as_deref())?;
        }
        Ok(())
    }

    /// The bounds-check setting: forced by `WASMLITE_BOUNDS_CHECKS=1` (`env`) or a target
    /// without guard-page support, else the builder's setting (default `false`).
    fn effective_bounds_checks(&self, target: Option<&str>, env: Option<&str>) -> bool {
        let env_on = matches!(env.map(str::trim), Some("1") | Some("true") | Some("yes"));
        let target_needs = target.is_some_and(|t| !wasmlite_abi::target::guard_pages_supported(t));
        env_on || target_needs || self.bounds_checks.unwrap_or(false)
    }

    fn compile_one(
        &self,
        path: &Path,
        out_dir: &Path,
        config: &wasmlite_codegen::Config,
        target: Option<&str>,
        host: Option<&str>,
    ) -> Result<(), BuildError> {
        let file_err = |offset: Option<usize>, message: String| BuildError::new(Some(path), offset, message);
        let binary = wasmlite_abi::parse::read_wasm_file(path).map_err(|e| file_err(e.offset, e.message))?;
        let stem = stem_of(path);
        let prefix = wasmlite_abi::symbol_prefix(&stem, &binary);
        let threads = self.threads.unwrap_or_else(|| {
            let jobs = num_jobs(std::env::var("NUM_JOBS").ok().as_deref())
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            wasmlite_codegen::auto_threads(binary.len(), jobs)
        });
        let config = wasmlite_codegen::Config { threads, ..config.clone() };
        let objects = wasmlite_codegen::compile_objects(&binary, &prefix, &config)
            .map_err(|e| file_err(e.offset, e.message.clone()))?;
        std::fs::create_dir_all(out_dir)
            .map_err(|e| file_err(None, format!("cannot create {}: {e}", out_dir.display())))?;
        let mut cc = cc::Build::new();
        cc.cargo_metadata(!self.quiet).out_dir(out_dir);
        let mut obj_path = out_dir.join(format!("{prefix}.o"));
        for (k, object) in objects.iter().enumerate() {
            obj_path = out_dir.join(if k == 0 { format!("{prefix}.o") } else { format!("{prefix}.{k}.o") });
            std::fs::write(&obj_path, object)
                .map_err(|e| file_err(None, format!("cannot write {}: {e}", obj_path.display())))?;
            cc.object(&obj_path);
        }
        if let Some(t) = target {
            cc.target(t);
        }
        if let Some(h) = host {
            cc.host(h);
        }
        if std::env::var_os("OPT_LEVEL").is_none() {
            cc.opt_level(config.opt_level as u32);
        }
        cc.try_compile(&wasmlite_abi::library_name(&prefix))
            .map_err(|e| file_err(None, format!("cannot archive {}: {e}", obj_path.display())))?;
        Ok(())
    }
}

/// The file stem used for the symbol prefix (`wasm/plugin.wat` → `plugin`). `include_wasm!`
/// uses the same rule.
pub fn stem_of(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn resolve(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => PathBuf::from(dir).join(path),
        None => path.to_path_buf(),
    }
}

/// `NUM_JOBS` as cargo sets it (the `-j` job count): a positive number, else `None`.
fn num_jobs(v: Option<&str>) -> Option<usize> {
    v.and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n > 0)
}

/// `OPT_LEVEL` as cargo sets it (`"0"`..`"3"`, `"s"`, `"z"`) → LLVM level; missing → 2.
fn opt_level_from_env(v: Option<&str>) -> u8 {
    match v.map(str::trim) {
        Some("0") => 0,
        Some("1") => 1,
        Some("2") | Some("s") | Some("z") | None => 2,
        Some("3") => 3,
        Some(other) => other.parse::<u8>().map(|n| n.min(3)).unwrap_or(2),
    }
}

/// Print `e` and exit with status 1 (no panic, no backtrace). `cargo_error`: also emit it as
/// `cargo::error=` directives, one per line of the message.
fn fail(e: &BuildError, cargo_error: bool) -> ! {
    let msg = e.to_string();
    if cargo_error {
        for line in msg.lines() {
            println!("cargo::error={line}");
        }
    }
    eprintln!("{msg}");
    std::process::exit(1)
}

/// `cargo --version` of the cargo running this build script (`CARGO`), e.g. `"1.95.0"`.
fn cargo_version() -> Option<String> {
    let cargo = std::env::var_os("CARGO")?;
    let out = std::process::Command::new(cargo).arg("--version").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    text.split_whitespace().nth(1).map(str::to_string)
}

/// `(major, minor)` of a version string like `1.84.0` or `1.84`.
fn major_minor(v: &str) -> Option<(u32, u32)> {
    let mut it = v.trim().split(['.', '-']);
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// Whether `cargo::error=` works: cargo ≥ 1.84 (the directive) and the package's
/// `rust-version` unset or ≥ 1.77 (the `cargo::` prefix).
fn supports_cargo_error(cargo: Option<&str>, package_rust_version: Option<&str>) -> bool {
    let cargo_ok = cargo.and_then(major_minor).is_some_and(|v| v >= (1, 84));
    let msrv_ok = match package_rust_version.map(str::trim) {
        None | Some("") => true,
        Some(v) => major_minor(v).is_some_and(|v| v >= (1, 77)),
    };
    cargo_ok && msrv_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_counts() {
        assert_eq!(num_jobs(Some("4")), Some(4));
        assert_eq!(num_jobs(Some(" 2\n")), Some(2));
        assert_eq!(num_jobs(Some("0")), None);
        assert_eq!(num_jobs(Some("many")), None);
        assert_eq!(num_jobs(None), None);
    }

    #[test]
    fn opt_levels() {
        assert_eq!(opt_level_from_env(None), 2);
        assert_eq!(opt_level_from_env(Some("0")), 0);
        assert_eq!(opt_level_from_env(Some("3")), 3);
        assert_eq!(opt_level_from_env(Some("s")), 2);
        assert_eq!(opt_level_from_env(Some("z")), 2);
    }

    #[test]
    fn cargo_error_support() {
        assert!(supports_cargo_error(Some("1.95.0"), None));
        assert!(supports_cargo_error(Some("1.84.0"), Some("")));
        assert!(supports_cargo_error(Some("1.95.0"), Some("1.80")));
        assert!(!supports_cargo_error(Some("1.83.0"), None), "cargo before 1.84 has no cargo::error");
        assert!(!supports_cargo_error(Some("1.95.0"), Some("1.70")), "cargo:: prefix needs rust-version >= 1.77");
        assert!(!supports_cargo_error(None, None));
    }

    #[test]
    fn unsupported_target_is_an_error_naming_it() {
        let dir = std::env::temp_dir().join(format!("wasmlite-build-target-{}", std::process::id()));
        let e = Build::new()
            .file("x.wat")
            .target("aarch64-unknown-linux-gnu")
            .out_dir(&dir)
            .cargo_metadata(false)
            .try_compile()
            .unwrap_err();
        assert!(e.to_string().starts_with("wasmlite-build: error: target `aarch64-unknown-linux-gnu` is not supported"), "{e}");
    }

    #[test]
    fn bounds_check_selection() {
        let linux = Some("x86_64-unknown-linux-gnu");
        assert!(!Build::new().effective_bounds_checks(linux, None));
        assert!(Build::new().bounds_checks(true).effective_bounds_checks(linux, None));
        assert!(Build::new().effective_bounds_checks(linux, Some("1")));
        assert!(!Build::new().effective_bounds_checks(linux, Some("0")));
        assert!(Build::new().effective_bounds_checks(Some("x86_64-apple-darwin"), None));
        assert!(Build::new().bounds_checks(false).effective_bounds_checks(Some("x86_64-unknown-none"), None));
    }

    #[test]
    fn error_display() {
        let e = BuildError::new(Some(Path::new("wasm/bad.wasm")), Some(0x1f), "type mismatch");
        assert_eq!(e.to_string(), "wasmlite-build: error: wasm/bad.wasm: at byte offset 0x1f: type mismatch");
        let e = BuildError::new(Some(Path::new("x.wat")), None, "expected `)`");
        assert_eq!(e.to_string(), "wasmlite-build: error: x.wat: expected `)`");
    }

    #[test]
    fn feature_switches() {
        let dir = std::env::temp_dir().join(format!("wasmlite-build-features-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("mem64.wat");
        std::fs::write(&p, "(module (memory (export \"m\") i64 1) (func (export \"f\") (result i64) memory.size))").unwrap();
        // memory64 is on by default …
        assert!(Build::new().current_features().contains(WasmFeatures::MEMORY64));
        // (Outside a build script `cc` may fail to archive for lack of HOST/TARGET; the object
        // written before proves that validation and code generation accepted the module.)
        if let Err(e) = Build::new().file(&p).out_dir(&dir).cargo_metadata(false).try_compile() {
            assert!(e.offset.is_none() && e.message.starts_with("cannot archive"), "{e}");
        }
        let binary = wasmlite_abi::parse::read_wasm_file(&p).unwrap();
        let obj = dir.join(format!("{}.o", wasmlite_abi::symbol_prefix("mem64", &binary)));
        assert!(obj.is_file(), "{} was not written", obj.display());
        // … and can be switched off, which rejects the module with a validation error.
        let e = Build::new()
            .file(&p)
            .wasm_feature(WasmFeatures::MEMORY64, false)
            .out_dir(&dir)
            .cargo_metadata(false)
            .try_compile()
            .unwrap_err();
        assert!(e.to_string().contains("memory64"), "{e}");
        let mut b = Build::new();
        b.wasm_feature(WasmFeatures::CUSTOM_PAGE_SIZES, true);
        assert!(b.current_features().contains(WasmFeatures::CUSTOM_PAGE_SIZES | WasmFeatures::MEMORY64));
        b.wasm_features(WasmFeatures::WASM2);
        assert!(!b.current_features().contains(WasmFeatures::MULTI_MEMORY));
    }

    #[test]
    fn stems() {
        assert_eq!(stem_of(Path::new("wasm/plugin.wat")), "plugin");
        assert_eq!(stem_of(Path::new("my-mod.v2.wasm")), "my-mod.v2");
    }

    #[test]
    fn invalid_module_is_a_typed_error_with_offset() {
        let dir = std::env::temp_dir().join(format!("wasmlite-build-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("bad.wasm");
        // Valid header, then a type section whose declared size exceeds the file.
        std::fs::write(&p, b"\0asm\x01\0\0\0\x01\x05\x01\x60").unwrap();
        let e = Build::new().file(&p).out_dir(&dir).cargo_metadata(false).try_compile().unwrap_err();
        assert_eq!(e.path.as_deref(), Some(p.as_path()));
        assert!(e.offset.is_some(), "{e}");
        let s = e.to_string();
        assert!(s.starts_with(&format!("wasmlite-build: error: {}: at byte offset 0x", p.display())), "{s}");
        let missing = dir.join("missing.wat");
        let e = Build::new().file(&missing).out_dir(&dir).cargo_metadata(false).try_compile().unwrap_err();
        assert!(e.to_string().contains("missing.wat"), "{e}");
    }
}
