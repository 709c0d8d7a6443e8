//! Child mode (`--single <file>`): run one script in this process and report protocol lines
//! on stdout.
//!
//! Test hooks (used by the runner's own tests to simulate broken modules):
//! `WASMLITE_SPECTEST_TEST_CRASH=N` aborts the process after N events,
//! `WASMLITE_SPECTEST_TEST_HANG=N` sleeps forever after N events.

use std::io::Write;
use std::path::Path;

use crate::cli::Options;
use crate::protocol::Event;

fn test_hook(var: &str) -> Option<usize> {
    std::env::var(var).ok()?.parse().ok()
}

/// Run one script, writing protocol lines to stdout. Returns the exit code (non-zero only
/// when the script could not be run at all; assertion failures are reported as events).
pub fn run_single(path: &Path, opts: &Options) -> i32 {
    let text = match std::fs::read(path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return 3;
        }
    };
    // The legacy exception tests use a folded syntax the `wast` crate no longer parses.
    let text = crate::legacy::unfold_try(&text).unwrap_or(text);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "module".into());
    let crash_at = test_hook("WASMLITE_SPECTEST_TEST_CRASH");
    let hang_at = test_hook("WASMLITE_SPECTEST_TEST_HANG");
    let mut n = 0usize;
    let mut emit = |e: Event| {
        if crash_at == Some(n) {
            std::process::abort();
        }
        if hang_at == Some(n) {
            loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        }
        n += 1;
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let _ = writeln!(out, "{e}");
        let _ = out.flush();
    };
    run_script(&text, &stem, features_for(path), opts, &mut emit)
}

/// The WebAssembly features a script is validated with: Wasm 2.0 (not the codegen default,
/// which adds the standardised Wasm 3.0 features: the root directory is the Wasm 2.0 suite
/// and each proposal directory forked from it, so their scripts assert that e.g. a second
/// memory or a memory64 limits flag is invalid), plus the proposal a file under
/// `proposals/<name>/` tests when wasmlite implements it. Files under a `repro/` directory
/// (wasmlite's own reproducers): every feature wasmlite implements.
pub fn features_for(path: &Path) -> wasmlite_codegen::WasmFeatures {
    use wasmlite_codegen::WasmFeatures as F;
    let parts: Vec<String> = path.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let mut features = F::WASM2;
    if parts.iter().any(|p| p == "repro") {
        // wasmlite's own reproducers: everything wasmlite implements.
        return wasmlite_codegen::Config::default().wasm_features
            | F::CUSTOM_PAGE_SIZES
            | F::WIDE_ARITHMETIC
            | F::LEGACY_EXCEPTIONS;
    }
    if let Some(i) = parts.iter().position(|p| p == "proposals") {
        match parts.get(i + 1).map(String::as_str) {
            Some("extended-const") => features |= F::EXTENDED_CONST,
            Some("multi-memory") => features |= F::MULTI_MEMORY,
            Some("wide-arithmetic") => features |= F::WIDE_ARITHMETIC,
            Some("relaxed-simd") => features |= F::RELAXED_SIMD,
            // The memory64 and custom-page-sizes forks include multi-memory.
            // memory64's imports.wast registers a module with exception tags.
            Some("memory64") => features |= F::MEMORY64 | F::MULTI_MEMORY | F::FUNCTION_REFERENCES | F::EXCEPTIONS,
            // The exception-handling fork includes tail calls (`return_call` in a try) and
            // still tests the legacy instructions (`legacy/`).
            Some("exception-handling") => features |= F::EXCEPTIONS | F::LEGACY_EXCEPTIONS | F::TAIL_CALL,
            Some("custom-page-sizes") => features |= F::CUSTOM_PAGE_SIZES | F::MEMORY64 | F::MULTI_MEMORY,
            Some("tail-call") => features |= F::TAIL_CALL,
            Some("function-references") => features |= F::FUNCTION_REFERENCES | F::TAIL_CALL,
            // The threads proposal's scripts predate reference types ("multiple tables" is
            // invalid there), so they are validated against that base.
            Some("threads") => features = (features | F::THREADS) - F::REFERENCE_TYPES,
            _ => {}
        }
    }
    features
}

fn run_script(
    text: &str,
    stem: &str,
    features: wasmlite_codegen::WasmFeatures,
    opts: &Options,
    emit: &mut dyn FnMut(Event),
) -> i32 {
    let mut engine = match crate::engine::RtEngine::new(opts.bounds_checks, opts.opt_level, features) {
        Ok(e) => e.lazy(opts.lazy).threads(opts.threads),
        Err(e) => {
            eprintln!("cannot create engine: {e}");
            return 3;
        }
    };
    crate::script::Script::new(&mut engine, text, stem).run(emit);
    0
}
