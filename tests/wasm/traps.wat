;; Traps of every kind that are not covered by numeric/memory/tables, plus host imports.
(module
  (import "env" "fail" (func $fail (param i32) (result i32)))
  (import "env" "panic" (func $panic))
  (import "env" "count" (func $count))
  (global $depth (export "depth") (mut i64) (i64.const 0))

  (func (export "unreachable") unreachable)
  (func (export "unreachable_after_work") (param i32) (result i32)
    (if (local.get 0) (then unreachable))
    (i32.const 1))

  ;; Unbounded recursion → call stack exhausted. (An accumulator LLVM's tail-recursion
  ;; elimination could turn into a loop, and a plain tail call.)
  (func $recurse (export "recurse") (param i64) (result i64)
    (global.set $depth (local.get 0))
    (i64.add (call $recurse (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
  (func $runaway (export "runaway") (call $runaway))

  ;; Bounded recursion (must not overflow).
  (func $sum_to (export "sum_to") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 0))
      (else (i64.add (local.get 0) (call $sum_to (i64.sub (local.get 0) (i64.const 1)))))))

  ;; Infinite loop, to be interrupted; calls the host once so the test knows it started.
  (func (export "spin")
    call $count
    (loop $l (br $l)))
  ;; Infinite loop without calls in its body.
  (func (export "spin_counting") (result i64)
    (local $n i64)
    call $count
    (loop $l
      (local.set $n (i64.add (local.get $n) (i64.const 1)))
      (br $l))
    (local.get $n))

  (func (export "call_fail") (param i32) (result i32) (i32.add (call $fail (local.get 0)) (i32.const 1)))
  (func (export "call_panic") call $panic)
  (func (export "int_overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  (func (export "bad_conversion") (result i32) (i32.trunc_f32_s (f32.const nan)))
  (func (export "ok") (result i32) (i32.const 42))
)
