//! wasmlite example: the regular JIT. A whole module is compiled in-process by the same code
//! generator as ahead-of-time builds, loaded with LLVM ORC and instantiated by the same
//! runtime (host functions, memories, traps).

use wasmlite_rt::{Caller, Extern, Func, Instance, Store, Trap, Val};

const WAT: &str = r#"(module
  (import "env" "print" (func $print (param i32)))
  (memory (export "memory") 1)
  (func (export "sum_to") (param $n i32) (result i64)
    (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func (export "report") (param i32) (call $print (local.get 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let wasm = wat::parse_str(WAT)?;
    // Compile the whole module now (codegen defaults: -O2, guard-page memories).
    let module = wasmlite_jit::compile_module(&wasm, "example", &wasmlite_codegen::Config::default())?;

    // A host function for the module's import (imports are positional).
    let print = Func::wrap(|_host: &mut (), _caller: &mut Caller<'_>, x: i32| -> Result<(), Trap> {
        println!("  wasm says: {x}");
        Ok(())
    });
    let store = Store::new();
    let mut instance = Instance::new(&store, &module, &[Extern::Func(print)], ())?;

    // Dynamic calls by export name...
    let r = instance.call_export("sum_to", &[Val::I32(100_000)])?;
    println!("sum_to(100000) = {:?}", r[0].i64());
    instance.call_export("report", &[Val::I32(7)])?;

    // ... and a trap, which leaves the instance usable.
    match instance.call_export("div", &[Val::I32(1), Val::I32(0)]) {
        Err(t) => println!("div(1, 0) trapped: {t}"),
        Ok(r) => println!("div(1, 0) = {r:?} (unexpected)"),
    }
    let r = instance.call_export("div", &[Val::I32(84), Val::I32(2)])?;
    println!("div(84, 2) = {:?}", r[0].i32());
    Ok(())
}
