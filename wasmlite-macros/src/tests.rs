//! Expansion tests (run without a compiler: the output is parsed and inspected as text).

use super::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn tmpdir(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("wasmlite-macros-{tag}-{}", std::process::id()))
}

fn expand_str(base: &Path, lit: &str) -> String {
    let input: TokenStream2 = format!("{lit:?}").parse().unwrap();
    expand(base, input).to_string()
}

const PLUGIN: &str = r#"(module
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "fail" (func $fail (result i32)))
  (memory (export "memory") 1)
  (global (export "counter") (mut i64) (i64.const 0))
  (global (export "PI") f64 (f64.const 3.14))
  (table (export "table") 2 funcref)
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "divmod") (param i32 i32) (result i32 i32)
    local.get 0 local.get 1 i32.div_s local.get 0 local.get 1 i32.rem_s)
  (func (export "new") (param f32) (result f32) local.get 0)
  (func (export "type") (param v128 externref funcref))
  (func (export "addTwo") (param i64) (result i64) local.get 0)
  (func (export "many") (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32) local.get 8)
  (func (export "huge") (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i64) (result i32) i32.const 0)
)"#;

#[test]
fn expands_plugin() {
    let dir = tmpdir("plugin");
    let p = write(&dir, "my-plugin.wat", PLUGIN);
    let out = expand_str(&dir, "my-plugin.wat");
    // The output must be valid Rust.
    let file: syn::File = syn::parse_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert_eq!(file.items.len(), 1);
    let compact: String = out.split_whitespace().collect();
    assert!(compact.contains("pubmodmy_plugin{"), "{out}");
    let binary = wat::parse_str(PLUGIN).unwrap();
    let sym = wasmlite_abi::descriptor_symbol(&wasmlite_abi::symbol_prefix("my-plugin", &binary));
    assert!(out.contains(&format!("{sym:?}")), "descriptor symbol {sym} missing");
    let canon = std::fs::canonicalize(&p).unwrap();
    assert!(compact.contains(&format!("include_bytes!({:?})", canon.to_string_lossy())), "{out}");
    // Imports trait: <module>_<name>, typed.
    assert!(compact.contains("fnenv_log(&mutself,caller:&mut::wasmlite_rt::Caller<'_>,a0:i32,a1:i32)->::core::result::Result<(),::wasmlite_rt::Trap>;"), "{out}");
    assert!(compact.contains("fnenv_fail(&mutself,caller:&mut::wasmlite_rt::Caller<'_>,)->::core::result::Result<i32,::wasmlite_rt::Trap>;"), "{out}");
    assert!(compact.contains("::wasmlite_rt::Func::wrap::<H,(i32,i32),()>(__wasmlite_import_0::<H>)"), "{out}");
    assert!(compact.contains("::wasmlite_rt::Func::wrap::<H,(),i32>(__wasmlite_import_1::<H>)"), "{out}");
    // Function imports exist, so `()` does not implement Imports.
    assert!(!compact.contains("implImportsfor()"), "{out}");
    // Exports.
    assert!(compact.contains("pubfnadd(&mutself,a0:i32,a1:i32)->::core::result::Result<i32,::wasmlite_rt::Trap>{unsafe{self.inner.call_typed_unchecked::<(i32,i32),i32,2>(2u32,(a0,a1))}}"), "{out}");
    assert!(compact.contains("pubfndivmod(&mutself,a0:i32,a1:i32)->::core::result::Result<(i32,i32),::wasmlite_rt::Trap>"), "{out}");
    assert!(compact.contains("pubfnnew_2(&mutself,a0:f32)->::core::result::Result<f32,::wasmlite_rt::Trap>{unsafe{self.inner.call_typed_unchecked::<f32,f32,1>(4u32,a0)}}"), "{out}");
    assert!(compact.contains("pubfntype_(&mutself,a0:u128,a1:::core::option::Option<::wasmlite_rt::ExternRef>,a2:::core::option::Option<::wasmlite_rt::FuncRef>)->::core::result::Result<(),::wasmlite_rt::Trap>"), "{out}");
    assert!(compact.contains("pubfnadd_two(&mutself,a0:i64)"), "{out}");
    // Up to 16 params: typed; more: dynamic call path.
    assert!(compact.contains("pubfnmany(&mutself,a0:i32,a1:i32,a2:i32,a3:i32,a4:i32,a5:i32,a6:i32,a7:i32,a8:i32)"), "{out}");
    assert!(compact.contains("self.inner.call_typed_unchecked::<(i32,i32,i32,i32,i32,i32,i32,i32,i32),i32,9>(7u32,(a0,a1,a2,a3,a4,a5,a6,a7,a8))"), "{out}");
    assert!(compact.contains("self.inner.call(8u32,&[::wasmlite_rt::Val::I32(a0),"), "{out}");
    // Memory, globals, table.
    assert!(compact.contains("pubfnmemory(&self)->::core::cell::Ref<'_,::wasmlite_rt::Memory>{self.inner.memory(0u32)}"), "{out}");
    assert!(compact.contains("pubfnmemory_mut(&mutself)->::wasmlite_rt::MemoryMut<'_>{self.inner.memory_mut(0u32)}"), "{out}");
    assert!(compact.contains("pubfncounter(&self)->i64{self.inner.global_typed::<i64>(0u32).unwrap_or_default()}"), "{out}");
    // The host value is borrowed from its RefCell.
    assert!(compact.contains("pubfnimports(&self)->::core::cell::Ref<'_,H>"), "{out}");
    assert!(compact.contains("pubfnimports_mut(&mutself)->::core::cell::RefMut<'_,H>"), "{out}");
    assert!(compact.contains("pubfnset_counter(&mutself,value:i64)->::core::result::Result<(),::wasmlite_rt::Trap>{self.inner.set_global(0u32,::wasmlite_rt::Val::I64(value))}"), "{out}");
    assert!(compact.contains("pubfnpi(&self)->f64"), "{out}");
    assert!(!compact.contains("set_pi"), "immutable global has no setter");
    assert!(compact.contains("pubfntable(&self)->::core::cell::Ref<'_,::wasmlite_rt::Table>{self.inner.table(0u32)}"), "{out}");
    // Docs carry the wasm signature.
    assert!(out.contains("Exported function `add`: `(func (param i32 i32) (result i32))`."), "{out}");
    assert!(out.contains("Imported function `env`.`log`: `(func (param i32 i32))`."), "{out}");
}

#[test]
fn no_imports_implements_unit() {
    let dir = tmpdir("noimp");
    write(&dir, "pure.wat", "(module (func (export \"f\") (result i32) i32.const 1))");
    let out = expand_str(&dir, "pure.wat");
    syn::parse_str::<syn::File>(&out).unwrap();
    let compact: String = out.split_whitespace().collect();
    assert!(compact.contains("implImportsfor(){}"), "{out}");
    assert!(compact.contains("letimports:[::wasmlite_rt::Extern;0usize]=[];"), "{out}");
}

#[test]
fn missing_file_is_compile_error() {
    let dir = tmpdir("missing");
    let out = expand_str(&dir, "nope/missing.wasm");
    assert!(out.starts_with(":: core :: compile_error !"), "{out}");
    assert!(out.contains("include_wasm!: nope/missing.wasm: cannot read"), "{out}");
}

#[test]
fn invalid_module_names_offset() {
    let dir = tmpdir("invalid");
    let wasm = wat::parse_str("(module (func (result i32) i64.const 1))").unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.wasm"), wasm).unwrap();
    let out = expand_str(&dir, "bad.wasm");
    assert!(out.contains("compile_error"), "{out}");
    assert!(out.contains("include_wasm!: bad.wasm: at byte offset 0x"), "{out}");
    assert!(out.contains("type mismatch"), "{out}");
}

#[test]
fn unsupported_imports_are_named() {
    let dir = tmpdir("unsup");
    let params = "i32 ".repeat(17);
    write(&dir, "imp.wat", &format!(r#"(module (import "env" "wide" (func (param {params}))) (import "env" "f" (func)))"#));
    let out = expand_str(&dir, "imp.wat");
    assert!(out.contains("compile_error"), "{out}");
    assert!(out.contains("imported function `env`.`wide`"), "{out}");
    assert!(out.contains("has more than 16 parameters or results"), "{out}");
}

#[test]
fn non_function_imports_are_trait_methods() {
    let dir = tmpdir("nonfunc");
    write(
        &dir,
        "imp.wat",
        r#"(module (import "env" "memory" (memory 1)) (import "env" "g" (global i32)) (import "env" "t" (table 1 funcref))
                   (import "env" "e" (tag (param i64))))"#,
    );
    let out = expand_str(&dir, "imp.wat");
    assert!(!out.contains("compile_error"), "{out}");
    for method in ["fn env_memory", "fn env_g", "fn env_t", "fn env_e"] {
        assert!(out.contains(method), "{method}: {out}");
    }
    // A global has no default: `()` is no host value for this module.
    assert!(!out.contains("impl Imports for ()"), "{out}");
}

#[test]
fn not_a_string_literal() {
    let out = expand(Path::new("."), "foo".parse().unwrap()).to_string();
    assert!(out.contains("include_wasm! expects one string literal"), "{out}");
}
