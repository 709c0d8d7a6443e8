//! Compile every module of the spec testsuite (`/work/shared/testsuite/*.wast`): valid modules
//! must compile (SIMD operators excepted while simd.rs is a stub), invalid/malformed ones must
//! give a clean `CompileError`; nothing may crash.
//!
//! `WASMLITE_TESTSUITE` overrides the directory; `WASMLITE_WAST_FILTER` selects files by
//! substring; `WASMLITE_WAST_OPT` sets the optimisation level (default 2).

use std::path::PathBuf;

use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute};
use wasmlite_codegen::{compile, Config};

fn testsuite() -> Option<PathBuf> {
    let dir = PathBuf::from(
        std::env::var("WASMLITE_TESTSUITE").unwrap_or_else(|_| "/work/shared/testsuite".into()),
    );
    dir.is_dir().then_some(dir)
}

#[derive(Default, Debug)]
struct Stats {
    valid_ok: usize,
    valid_simd_unsupported: usize,
    valid_failed: Vec<String>,
    invalid_rejected: usize,
    invalid_accepted: Vec<String>,
}

fn check_file(path: &std::path::Path, config: &Config, stats: &mut Stats) {
    let src = std::fs::read_to_string(path).expect("read wast");
    let buf = match ParseBuffer::new(&src) {
        Ok(b) => b,
        Err(_) => return,
    };
    let wast: Wast = match parser::parse(&buf) {
        Ok(w) => w,
        Err(_) => return,
    };
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    for d in wast.directives {
        let (mut module, valid) = match d {
            WastDirective::Module(m) | WastDirective::ModuleDefinition(m) => (m, true),
            WastDirective::AssertTrap { exec: WastExecute::Wat(w), .. } => (QuoteWat::Wat(w), true),
            WastDirective::AssertUnlinkable { module, .. } => (QuoteWat::Wat(module), true),
            WastDirective::AssertInvalid { module, .. } | WastDirective::AssertMalformed { module, .. } => {
                (module, false)
            }
            _ => continue,
        };
        let (line, _) = module_span(&module).linecol_in(&src);
        let bytes = match module.encode() {
            Ok(b) => b,
            Err(_) => {
                // Text the wast crate rejects: malformed by construction.
                continue;
            }
        };
        let prefix = wasmlite_abi::symbol_prefix("m", &bytes);
        let r = compile(&bytes, &prefix, config);
        let loc = format!("{name}:{}", line + 1);
        match (valid, r) {
            (true, Ok(obj)) => {
                assert_eq!(&obj[..4], b"\x7fELF", "{loc}");
                stats.valid_ok += 1;
            }
            (true, Err(e)) if e.message.starts_with("unsupported SIMD operator") => {
                stats.valid_simd_unsupported += 1
            }
            (true, Err(e)) => stats.valid_failed.push(format!("{loc}: {e}")),
            (false, Err(_)) => stats.invalid_rejected += 1,
            (false, Ok(_)) => stats.invalid_accepted.push(loc),
        }
    }
}

fn module_span(m: &QuoteWat<'_>) -> wast::token::Span {
    match m {
        QuoteWat::Wat(w) => w.span(),
        QuoteWat::QuoteModule(s, _) | QuoteWat::QuoteComponent(s, _) => *s,
    }
}

#[test]
fn spec_testsuite_modules_compile() {
    let Some(dir) = testsuite() else {
        eprintln!("testsuite not found; skipping");
        return;
    };
    let filter = std::env::var("WASMLITE_WAST_FILTER").unwrap_or_default();
    let opt = std::env::var("WASMLITE_WAST_OPT").ok().and_then(|s| s.parse().ok()).unwrap_or(2);
    // The root directory is the Wasm 2.0 suite: it asserts that post-2.0 modules (a second
    // memory, a memory64 limits flag) are invalid, so validate without the default Wasm 3.0
    // features.
    let config = Config { opt_level: opt, wasm_features: wasmlite_codegen::WasmFeatures::WASM2, ..Config::default() };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .filter(|p| p.to_string_lossy().contains(&filter))
        .collect();
    files.sort();
    let mut stats = Stats::default();
    for f in &files {
        check_file(f, &config, &mut stats);
    }
    eprintln!(
        "files: {}, valid modules compiled: {}, SIMD-unsupported: {}, failed: {}, invalid rejected: {}, invalid accepted: {}",
        files.len(),
        stats.valid_ok,
        stats.valid_simd_unsupported,
        stats.valid_failed.len(),
        stats.invalid_rejected,
        stats.invalid_accepted.len()
    );
    for f in &stats.valid_failed {
        eprintln!("FAILED {f}");
    }
    assert!(stats.valid_failed.is_empty(), "{} valid modules failed to compile", stats.valid_failed.len());
    assert!(stats.invalid_accepted.is_empty(), "invalid modules accepted: {:?}", stats.invalid_accepted);
}
