//! `wasmlite compile`.

use crate::{CompileArgs, Emit};

/// Targets whose generated code can rely on guard pages (64-bit unix); other targets get
/// explicit bounds checks, as `wasmlite-build` does.
fn supports_guard_pages(triple: &str) -> bool {
    let arch64 = ["x86_64", "aarch64", "riscv64", "powerpc64", "s390x", "loongarch64"]
        .iter()
        .any(|a| triple.starts_with(a));
    let unix = ["linux", "darwin", "apple", "freebsd", "netbsd", "openbsd", "android"]
        .iter()
        .any(|o| triple.contains(o));
    arch64 && unix
}

/// `wasmlite compile`.
pub fn main(args: CompileArgs) -> Result<(), String> {
    if args.emit == Emit::Rust {
        let rs = wasmlite_bindgen::bindings(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
        return std::fs::write(&args.output, rs).map_err(|e| format!("cannot write {}: {e}", args.output.display()));
    }
    let wasm = crate::read_module(&args.file)?;
    // The same symbol prefix as wasmlite-build, so `include_wasm!` bindings link against it.
    let prefix = wasmlite_abi::symbol_prefix(&crate::stem(&args.file), &wasm);
    let triple = args.target.clone().unwrap_or_else(wasmlite_codegen::host_triple);
    let config = wasmlite_codegen::Config {
        opt_level: args.opt_level,
        explicit_bounds_checks: args.bounds_checks || !supports_guard_pages(&triple),
        target_triple: args.target.clone(),
        ..Default::default()
    };
    let msg = format!("compiling {} ({} bytes of wasm)", args.file.display(), wasm.len());
    let out: Vec<u8> = crate::run::with_progress(msg, || match args.emit {
        Emit::Obj => wasmlite_codegen::compile(&wasm, &prefix, &config),
        Emit::Asm => wasmlite_codegen::compile_to_asm(&wasm, &prefix, &config).map(String::into_bytes),
        Emit::LlvmIr => wasmlite_codegen::compile_to_ir(&wasm, &prefix, &config).map(String::into_bytes),
        Emit::Rust => Err(wasmlite_codegen::CompileError { offset: None, message: "unreachable: handled above".into() }),
    })
    .map_err(|e| format!("{}: {e}", args.file.display()))?;
    std::fs::write(&args.output, out).map_err(|e| format!("cannot write {}: {e}", args.output.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn guard_page_targets() {
        assert!(super::supports_guard_pages("x86_64-unknown-linux-gnu"));
        assert!(super::supports_guard_pages("aarch64-apple-darwin"));
        assert!(!super::supports_guard_pages("i686-unknown-linux-gnu"));
        assert!(!super::supports_guard_pages("x86_64-pc-windows-msvc"));
        assert!(!super::supports_guard_pages("thumbv7em-none-eabihf"));
    }
}
