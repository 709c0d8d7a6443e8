//! wasmlite example: the lazy JIT. Loading a module compiles no function body: every
//! function is compiled on its first call (through a stub patched afterwards), and later calls jump
//! straight to its native code. Start-up therefore does not depend on module size.

use std::time::Instant;

use wasmlite_rt::{Instance, Store, Val};

/// A module with `n` functions `f0..f{n-1}`; `f{k}` returns `k*k + f{k-1}(...)` style work
/// so each one has a real body to compile.
fn big_module(n: usize) -> String {
    let mut s = String::from("(module\n");
    for k in 0..n {
        s.push_str(&format!(
            "(func $f{k} (export \"f{k}\") (param i32) (result i32)
               (local $i i32) (local $acc i32)
               (block $d (loop $l
                 (br_if $d (i32.ge_u (local.get $i) (local.get 0)))
                 (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (i32.const {k}))))
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br $l)))
               (local.get $acc))\n"
        ));
    }
    s.push(')');
    s
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = 2000;
    let wasm = wat::parse_str(big_module(n))?;
    println!("module: {n} functions, {} bytes of wasm", wasm.len());

    let t = Instant::now();
    let module = wasmlite_jit::compile_module_lazy(&wasm, "lazy_example", &wasmlite_codegen::Config::default())?;
    let store = Store::new();
    let mut instance = Instance::new(&store, &module, &[], ())?;
    println!("lazy start-up (validate + shell + instantiate): {:?}", t.elapsed());

    // The first call of a function compiles it; the second runs native code directly.
    for name in ["f7", "f7", "f1999", "f1999"] {
        let t = Instant::now();
        let r = instance.call_export(name, &[Val::I32(10)])?;
        println!("{name}(10) = {:?} in {:?}", r[0].i32(), t.elapsed());
    }

    // For comparison: the regular JIT compiles all 2000 functions before the first call.
    let t = Instant::now();
    let _eager = wasmlite_jit::compile_module(&wasm, "eager_example", &wasmlite_codegen::Config::default())?;
    println!("eager start-up (compile all {n} functions): {:?}", t.elapsed());
    Ok(())
}
