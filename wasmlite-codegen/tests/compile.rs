//! Compile tests: object files, IR, errors.

use wasmlite_codegen::{compile, compile_to_ir, CompileError, Config};

fn wasm(src: &str) -> Vec<u8> {
    wat::parse_str(src).expect("valid wat")
}

fn prefix(w: &[u8]) -> String {
    wasmlite_abi::symbol_prefix("test", w)
}

#[test]
fn const_function_compiles_to_elf() {
    let w = wasm("(module (func (export \"one\") (result i32) i32.const 1))");
    let p = prefix(&w);
    let obj = compile(&w, &p, &Config::default()).unwrap();
    assert_eq!(&obj[..4], b"\x7fELF");
    let sym = wasmlite_abi::descriptor_symbol(&p);
    assert!(obj.windows(sym.len()).any(|w| w == sym.as_bytes()));
    let ir = compile_to_ir(&w, &p, &Config::default()).unwrap();
    assert!(ir.contains(&format!("@{sym} = ")), "{ir}");
    assert!(ir.contains("ret i32 1"), "{ir}");
}

#[test]
fn invalid_module_reports_offset() {
    let w = wasm("(module (func (result i32) i64.const 1))");
    let e: CompileError = compile(&w, &prefix(&w), &Config::default()).unwrap_err();
    assert!(e.offset.is_some());
    assert!(e.message.contains("type mismatch"), "{e}");
    assert!(e.to_string().starts_with("at byte offset 0x"), "{e}");
}
