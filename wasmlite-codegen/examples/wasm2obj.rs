//! `wasm2obj <in.wasm|in.wat> <out.o|out.ll|out.s> [--bounds-checks] [-O0..3] [--poll|--signal]
//! [--cpu=CPU]`: compile one module (the symbol prefix uses the input's file stem) and write the
//! object, the textual IR or the assembly.

use wasmlite_codegen::{compile, compile_to_asm, compile_to_ir, Config, Interrupts};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = Config::default();
    let mut files = Vec::new();
    for a in &args {
        match a.as_str() {
            "--bounds-checks" => config.explicit_bounds_checks = true,
            "--poll" => config.interrupts = Interrupts::Poll,
            "--signal" => config.interrupts = Interrupts::Signal,
            o if o.starts_with("--cpu=") => config.cpu = Some(o[6..].to_string()),
            o if o.starts_with("-O") => config.opt_level = o[2..].parse().unwrap_or(2),
            f => files.push(f.to_string()),
        }
    }
    let [input, output] = files.as_slice() else {
        eprintln!("usage: wasm2obj <in.wasm|in.wat> <out.o|out.ll|out.s> [--bounds-checks] [-O0..3] [--poll|--signal] [--cpu=CPU]");
        std::process::exit(2);
    };
    let wasm = match wasmlite_abi::parse::read_wasm_file(input) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let stem = std::path::Path::new(input).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = wasmlite_abi::symbol_prefix(&stem, &wasm);
    let result = if output.ends_with(".ll") {
        compile_to_ir(&wasm, &prefix, &config).map(String::into_bytes)
    } else if output.ends_with(".s") {
        compile_to_asm(&wasm, &prefix, &config).map(String::into_bytes)
    } else {
        compile(&wasm, &prefix, &config)
    };
    match result {
        Ok(bytes) => {
            if let Err(e) = std::fs::write(output, bytes) {
                eprintln!("error: cannot write {output}: {e}");
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("error: {input}: {e}");
            std::process::exit(1);
        }
    }
}
