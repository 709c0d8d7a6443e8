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

/// One relocatable object, compiled on all cores: a large module's partitions
/// (`compile_objects`) are merged by a relocatable link (`ld -r`; see [`merge_objects`]).
/// Without a linker that can merge them, the module is compiled again as one object.
fn compile_object(wasm: &[u8], prefix: &str, config: &wasmlite_codegen::Config) -> Result<Vec<u8>, wasmlite_codegen::CompileError> {
    let mut objects = wasmlite_codegen::compile_objects(wasm, prefix, config)?;
    if objects.len() == 1 {
        return Ok(objects.remove(0));
    }
    match merge_objects(&objects) {
        Ok(o) => Ok(o),
        Err(why) => {
            eprintln!("wasmlite: cannot merge the {} code partitions ({why}); compiling in one thread", objects.len());
            wasmlite_codegen::compile(wasm, prefix, &wasmlite_codegen::Config { threads: 1, ..config.clone() })
        }
    }
}

/// Linkers tried, in order, for a relocatable link (`-r`): LLVM's handles every target.
const RELOCATABLE_LINKERS: [&str; 3] = ["ld.lld-19", "ld.lld", "ld"];

/// Merge relocatable objects into one with the first linker of [`RELOCATABLE_LINKERS`] that
/// succeeds. The partitions' shared symbols are hidden and resolved inside the result.
fn merge_objects(objects: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let tmp = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let dir = tmp.path();
    let mut inputs = Vec::with_capacity(objects.len());
    for (k, o) in objects.iter().enumerate() {
        let p = dir.join(format!("part{k}.o"));
        std::fs::write(&p, o).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
        inputs.push(p);
    }
    let out = dir.join("merged.o");
    let mut errors = Vec::new();
    for linker in RELOCATABLE_LINKERS {
        match std::process::Command::new(linker).arg("-r").arg("-o").arg(&out).args(&inputs).output() {
            Ok(o) if o.status.success() => {
                return std::fs::read(&out).map_err(|e| format!("cannot read {}: {e}", out.display()));
            }
            Ok(o) => errors.push(format!("{linker}: {}", String::from_utf8_lossy(&o.stderr).trim())),
            Err(e) => errors.push(format!("{linker}: {e}")),
        }
    }
    Err(errors.join("; "))
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
        Emit::Obj => compile_object(&wasm, &prefix, &config),
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
