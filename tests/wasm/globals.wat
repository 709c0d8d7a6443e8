;; Exported globals of every type and a start function.
(module
  (import "env" "started" (func $started (param i32)))
  (memory (export "memory") 1)
  (global $counter (export "counter") (mut i32) (i32.const 10))
  (global (export "big") (mut i64) (i64.const -5))
  (global (export "ratio") (mut f32) (f32.const 0.25))
  (global (export "precise") (mut f64) (f64.const 1e100))
  (global (export "answer") i32 (i32.const 42))
  (global $started_flag (export "started_flag") (mut i32) (i32.const 0))

  (func $start
    (global.set $started_flag (i32.const 1))
    (i32.store (i32.const 16) (i32.const 0xdeadbeef))
    (call $started (global.get $counter)))
  (start $start)

  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))
)
