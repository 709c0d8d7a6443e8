//! # wasmlite-spectest — the WebAssembly spec testsuite runner
//!
//! `wasmlite-spectest [--verbose] [--recursive] [--bounds-checks] [--lazy] [--threads N] [--jobs N] [--timeout SECS]
//! [--summary] <file-or-dir>...`
//!
//! Every `.wast` script runs in its own child process (the binary re-executes itself with the
//! hidden `--single <file>` flag) so that a crashing module cannot take the run down. The
//! child compiles each module with `wasmlite_codegen::compile` — the same object code
//! `wasmlite-build` links ahead of time — loads it with `wasmlite_jit::Jit` and instantiates
//! it with `wasmlite_rt`, then reports one protocol line per assertion (see [`protocol`]).
//! The parent prints `file  passed  failed  skipped` per script and a final
//! `N passed, N failed, N skipped` line; the exit status is non-zero if anything failed.
//!
//! Counting: every `assert_*` and every top-level `invoke` is one assertion (counted up front
//! by the parent); a `module`/`register` command that fails adds one failure. A child that
//! dies by a signal, exits abnormally or exceeds the per-file timeout (default 120 s, then it
//! is killed) has all its not-yet-reported assertions counted as failed.
//!
//! Modules: [`script`] executes the directives against the [`script::Engine`] trait
//! (engine-independent, unit-tested with a fake engine); [`engine`] is the real engine
//! (codegen → JIT → runtime, one `Store` per script, the `spectest` host module, imports
//! resolved by (module, name) against registered instances); [`matching`] holds result
//! patterns (NaN patterns, v128 lanes, references) and the trap-message table.

mod cli;
mod count;
mod engine;
mod legacy;
mod matching;
mod orchestrate;
mod protocol;
mod script;
mod single;

fn main() {
    let opts = match cli::Options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            if e.is_empty() {
                print!("{}", cli::USAGE);
                std::process::exit(0);
            }
            eprintln!("error: {e}\n\n{}", cli::USAGE);
            std::process::exit(2);
        }
    };
    let code = match &opts.single {
        Some(path) => single::run_single(path, &opts),
        None => orchestrate::run(&opts),
    };
    std::process::exit(code);
}
