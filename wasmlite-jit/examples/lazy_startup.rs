//! Measures lazy against eager start-up on a module with N functions (MEASUREMENTS.md).
//! `cargo run --release -p wasmlite-jit --example lazy_startup -- N [eager]`

use std::time::Instant;

use wasmlite_rt::{Instance, Store, Val};

fn module(n: usize) -> String {
    let mut s = String::from("(module\n");
    for k in 0..n {
        s.push_str(&format!(
            "(func $f{k} (export \"f{k}\") (param i32) (result i32) (local $i i32) (local $acc i32)
               (block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (local.get 0)))
                 (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (i32.const {k}))))
                 (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
               (local.get $acc))\n"
        ));
    }
    s.push(')');
    s
}

/// CPU time of the whole process (ORC may materialise on other threads), in ms.
fn cpu_ms() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: valid clock id and out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().as_deref().unwrap_or("1000").parse()?;
    let eager = args.next().as_deref() == Some("eager");
    let wasm = wat::parse_str(module(n))?;
    let config = wasmlite_codegen::Config::default();
    if !eager {
        // Parts of lazy start-up, measured separately (the run below repeats them).
        let t = Instant::now();
        let lm = wasmlite_codegen::lazy::LazyModule::new(&wasm, "parts", &config)?;
        let validate = t.elapsed();
        let t = Instant::now();
        let shell = lm.shell_object()?;
        println!(
            "  parts: validate + body index {:.1} ms, shell codegen {:.1} ms ({} bytes)",
            validate.as_secs_f64() * 1e3,
            t.elapsed().as_secs_f64() * 1e3,
            shell.len()
        );
    }
    let (t, c) = (Instant::now(), cpu_ms());
    let m = if eager {
        wasmlite_jit::compile_module(&wasm, "m", &config)?
    } else {
        wasmlite_jit::compile_module_lazy(&wasm, "m", &config)?
    };
    let store = Store::new();
    let mut inst = Instance::new(&store, &m, &[], ())?;
    let startup = t.elapsed();
    let startup_cpu = cpu_ms() - c;
    let last = format!("f{}", n - 1);
    let t = Instant::now();
    let a = inst.call_export(&last, &[Val::I32(1000)])?;
    let first = t.elapsed();
    let t = Instant::now();
    let b = inst.call_export(&last, &[Val::I32(1000)])?;
    let second = t.elapsed();
    assert_eq!(a, b);
    println!(
        "{} functions, {} bytes: {} start-up {:.1} ms ({:.1} ms CPU), first call {:.3} ms, second call {:.3} ms",
        n,
        wasm.len(),
        if eager { "eager" } else { "lazy" },
        startup.as_secs_f64() * 1e3,
        startup_cpu,
        first.as_secs_f64() * 1e3,
        second.as_secs_f64() * 1e3
    );
    Ok(())
}
