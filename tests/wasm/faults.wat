;; Signal handling: host functions that fault while called from wasm (tests/tests/faults.rs).
(module
  (import "env" "poke" (func $poke (param i64) (result i32)))
  (memory (export "memory") 1)
  (func (export "call_poke") (param i64) (result i32) local.get 0 call $poke)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load))
