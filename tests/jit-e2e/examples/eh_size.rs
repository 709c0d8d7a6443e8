//! Object code with exception handling switched on (the default) and off, for one module:
//! `cargo run -p wasmlite-jit-e2e --example eh_size -- m.wasm OUT_DIR` writes `OUT_DIR/eh_on.o`
//! and `OUT_DIR/eh_off.o` (compare sections with `llvm-size-19 -A`).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: eh_size M.wasm OUT_DIR".into());
    };
    let wasm = std::fs::read(&input)?;
    for (name, on) in [("eh_on", true), ("eh_off", false)] {
        let mut cfg = wasmlite_codegen::Config::default();
        if !on {
            cfg.wasm_features.remove(wasmlite_codegen::WasmFeatures::EXCEPTIONS);
        }
        let obj = wasmlite_codegen::compile(&wasm, "m", &cfg)?;
        let path = std::path::Path::new(&out).join(format!("{name}.o"));
        std::fs::write(&path, &obj)?;
        println!("{}: {} bytes", path.display(), obj.len());
    }
    Ok(())
}
