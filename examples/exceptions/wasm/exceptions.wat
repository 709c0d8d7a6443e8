;; Wasm exception handling (Wasm 3.0) next to traps: exceptions are caught by wasm handlers
;; or reach the host as an `UncaughtException` trap; traps are never caught by wasm handlers.
(module
  (import "env" "fail" (func $fail (param i32)))
  (tag $oops (export "oops") (param i32))
  (memory 1)

  ;; Throws `oops(x)` through `depth` frames.
  (func $dive (param $x i32) (param $depth i32)
    (if (i32.eqz (local.get $depth)) (then (throw $oops (local.get $x))))
    (call $dive (local.get $x) (i32.sub (local.get $depth) (i32.const 1))))

  ;; Throws 20 frames down and catches it here: returns x + 1.
  (func (export "catch_deep") (param $x i32) (result i32)
    (block $caught (result i32)
      (try_table (catch $oops $caught)
        (call $dive (local.get $x) (i32.const 20)))
      (i32.const -1))
    (i32.add (i32.const 1)))

  ;; Not caught in wasm: an `UncaughtException` trap carrying `oops(x)`.
  (func (export "throw_out") (param $x i32)
    (call $dive (local.get $x) (i32.const 3)))

  ;; The host function throws `oops(x)` (through the import), wasm catches it.
  (func (export "catch_host") (param $x i32) (result i32)
    (block $caught (result i32)
      (try_table (catch $oops $caught)
        (call $fail (local.get $x)))
      (i32.const -1)))

  ;; A trap inside a `catch_all` block is not an exception: it ends the call.
  (func (export "trap_in_try") (param $addr i32) (result i32)
    (block $caught
      (try_table (catch_all $caught)
        (return (i32.load (local.get $addr)))))
    (i32.const -1))
)
