//! Cost of a non-throwing call inside a `try_table` against the same call outside one
//! (exception handling must be zero-cost on the non-throwing path).
//!
//! `cargo run --release -p wasmlite-jit-e2e --example eh_cost [N] [RUNS]`: each variant
//! makes N loop iterations per run (one indirect call each, or one direct call of a
//! function LLVM does not inline into the loop); runs are interleaved and the median time per
//! iteration is printed.

use std::time::Instant;

use wasmlite_rt::{Instance, Store, Val};

const WAT: &str = r#"
(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $f)
  (tag $e)
  (func $f (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  ;; Recursive (so not inlined into the loop), one level deep for every n > 0; it may throw
  ;; (never does here), so calls of it in a try stay invokes.
  (func $g (param i32) (result i32)
    (if (i32.eq (local.get 0) (i32.const 0x80000000)) (then (throw $e)))
    (if (result i32) (i32.le_s (local.get 0) (i32.const 0))
      (then (i32.const 1))
      (else (call $g (i32.sub (local.get 0) (i32.const 0x7fffffff))))))
  (func (export "indirect_plain") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (call_indirect (type $t) (local.get $acc) (i32.const 0)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "indirect_try") (param $n i32) (result i32) (local $acc i32)
    (block $h
      (try_table (catch $e $h) (catch_all $h)
        (loop $l
          (local.set $acc (call_indirect (type $t) (local.get $acc) (i32.const 0)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
      (return (local.get $acc)))
    (i32.const -1))
  (func (export "direct_plain") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $g (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "direct_try") (param $n i32) (result i32) (local $acc i32)
    (block $h
      (try_table (catch $e $h) (catch_all $h)
        (loop $l
          (local.set $acc (i32.add (local.get $acc) (call $g (local.get $n))))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
      (return (local.get $acc)))
    (i32.const -1))
)"#;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: i32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(50_000_000);
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(11);
    let module = wasmlite_jit_e2e::load(WAT, false);
    let store = Store::new();
    let mut inst = Instance::new(&store, &module, &[], ()).expect("instantiate");
    let names = ["indirect_plain", "indirect_try", "direct_plain", "direct_try"];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut results = vec![None; names.len()];
    for _ in 0..runs {
        for (k, name) in names.iter().enumerate() {
            let t = Instant::now();
            let r = inst.call_export(name, &[Val::I32(n)]).expect("call");
            times[k].push(t.elapsed().as_secs_f64() * 1e9 / f64::from(n));
            results[k] = Some(r);
        }
    }
    assert_eq!(results[0], results[1], "same result inside and outside the try");
    assert_eq!(results[2], results[3], "same result inside and outside the try");
    println!("{n} iterations per run, {runs} interleaved runs, median ns per iteration:");
    for (k, name) in names.iter().enumerate() {
        let v = &mut times[k];
        v.sort_by(f64::total_cmp);
        println!("  {name:<15} {:.3} ns  (min {:.3}, max {:.3})", v[v.len() / 2], v[0], v[v.len() - 1]);
    }
}
