//! `wasmlite run`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use wasmlite_rt::{Extern, Instance, Module, Store, Trap, Val};

use crate::values::{cli_format, parse_arg};
use crate::{RunArgs, TRAP_EXIT};

/// Codegen configuration of `run`.
fn config(args: &RunArgs) -> wasmlite_codegen::Config {
    wasmlite_codegen::Config {
        opt_level: args.opt_level,
        explicit_bounds_checks: args.bounds_checks,
        ..Default::default()
    }
}

/// A spinner on stderr while `f` runs, when stderr is a terminal.
pub fn with_progress<T>(msg: String, f: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return f();
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    pb.set_message(msg);
    pb.enable_steady_tick(Duration::from_millis(100));
    let r = f();
    pb.finish_and_clear();
    r
}

/// Compile (or load from the cache) and return the module.
fn load(args: &RunArgs, wasm: &[u8]) -> Result<Module, String> {
    let name = crate::stem(&args.file);
    let config = config(args);
    let msg = format!("compiling {} ({} bytes of wasm)", args.file.display(), wasm.len());
    if args.lazy {
        return wasmlite_jit::compile_module_lazy(wasm, &name, &config).map_err(|e| e.to_string());
    }
    let cache = if args.no_cache { None } else { wasmlite_jit::Cache::default_dir().map(wasmlite_jit::Cache::new) };
    match cache {
        None => with_progress(msg, || wasmlite_jit::compile_module(wasm, &name, &config)).map_err(|e| e.to_string()),
        Some(cache) => {
            let c = with_progress(msg, || cache.load_or_compile(wasm, &name, &config)).map_err(|e| e.to_string())?;
            if let Some(w) = c.warning {
                eprintln!("warning: {w}");
            }
            Ok(c.module)
        }
    }
}

/// The WASI context of a run: argv = [FILE, ARGS...], `--env`, `--dir`, the CLI's stdio.
fn wasi_ctx(args: &RunArgs) -> Result<wasmlite_wasi::WasiCtx, String> {
    let mut b = wasmlite_wasi::WasiCtx::builder();
    b.arg(args.file.to_string_lossy()).args(&args.args).inherit_stdio();
    for e in &args.envs {
        let (k, v) = e.split_once('=').ok_or_else(|| format!("--env `{e}`: expected NAME=VALUE"))?;
        b.env(k, v);
    }
    for d in &args.dirs {
        let (host, guest) = d.split_once("::").unwrap_or((d.as_str(), d.as_str()));
        b.preopened_dir(host, guest).map_err(|e| format!("--dir `{d}`: cannot open `{host}`: {e}"))?;
    }
    Ok(b.build())
}

/// `wasmlite run`.
pub fn main(args: RunArgs) -> Result<ExitCode, String> {
    let wasm = crate::read_module(&args.file)?;
    let module = load(&args, &wasm)?;
    let ctx = wasi_ctx(&args)?;
    let store = Store::new();
    let imports = wasmlite_wasi::resolve_imports(&module, &ctx, |_, _| None::<Extern>).map_err(|e| e.to_string())?;
    let mut instance = match Instance::new(&store, &module, &imports, ()) {
        Ok(i) => i,
        Err(wasmlite_rt::Error::Trap(t)) => return Ok(report_trap(&t, &wasm, &module)),
        Err(e) => return Err(e.to_string()),
    };
    let info = module.info();
    let Some(name) = args.invoke.clone() else {
        // A WASI command: `_start`, exit status from `proc_exit` (0 when it returns).
        match module.export("_start") {
            Some(e) if e.kind == wasmlite_rt::abi::ExportKind::Func => {}
            _ => return Err(format!("{} has no `_start` function (use --invoke NAME)", args.file.display())),
        }
        let r = instance.call_export("_start", &[]);
        let _ = std::io::stdout().flush();
        return match wasmlite_wasi::command_exit_status(&ctx, r) {
            Ok(code) => Ok(ExitCode::from((code & 0xff) as u8)),
            Err(t) => Ok(report_trap(&t, &wasm, &module)),
        };
    };
    let func_index = match module.export(&name) {
        Some(e) if e.kind == wasmlite_rt::abi::ExportKind::Func => e.index,
        _ => return Err(format!("no exported function `{name}` in {}", args.file.display())),
    };
    let ty = info.func_type(func_index).ok_or_else(|| format!("function `{name}` has no type"))?.clone();
    if args.args.len() != ty.params.len() {
        return Err(format!(
            "function `{name}` has type {ty} and takes {} argument(s), {} given",
            ty.params.len(),
            args.args.len()
        ));
    }
    let vals = args.args.iter().zip(ty.params.iter()).map(|(a, t)| parse_arg(a, *t)).collect::<Result<Vec<Val>, _>>()?;
    let r = instance.call(func_index, &vals);
    let _ = std::io::stdout().flush();
    match r {
        Ok(results) => {
            for r in &results {
                outln!("{}", cli_format(r));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(t) => match wasmlite_wasi::command_exit_status(&ctx, Err::<(), _>(t)) {
            Ok(code) => Ok(ExitCode::from((code & 0xff) as u8)),
            Err(t) => Ok(report_trap(&t, &wasm, &module)),
        },
    }
}

/// Print a trap (kind, function, byte offset of the function's body) on stderr.
pub fn report_trap(t: &Trap, wasm: &[u8], module: &Module) -> ExitCode {
    eprintln!("error: {}", trap_summary(t));
    if let Some(i) = t.func_index() {
        let name = t.func_name().map(String::from).or_else(|| module.info().func_name(i).map(String::from));
        let name = name.map(|n| format!(" `{n}`")).unwrap_or_default();
        match func_body_offset(wasm, i) {
            Some(o) => eprintln!("  at wasm function #{i}{name}, function body at module offset {o:#x}"),
            None => eprintln!("  at wasm function #{i}{name}"),
        }
    }
    ExitCode::from(TRAP_EXIT)
}

/// `wasm trap: <kind>[: message]`.
fn trap_summary(t: &Trap) -> String {
    match t.message() {
        Some(m) => format!("wasm trap: {}: {m}", t.kind()),
        None => format!("wasm trap: {}", t.kind()),
    }
}

/// Byte offset in `wasm` of the body of (defined) function `index`.
pub fn func_body_offset(wasm: &[u8], index: u32) -> Option<usize> {
    let mut imported = 0u32;
    let mut def = 0u32;
    for p in wasmparser::Parser::new(0).parse_all(wasm) {
        match p.ok()? {
            wasmparser::Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    if matches!(imp.ok()?.ty, wasmparser::TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            wasmparser::Payload::CodeSectionEntry(body) => {
                if imported + def == index {
                    return usize::try_from(body.range().start).ok();
                }
                def += 1;
            }
            _ => {}
        }
    }
    None
}
