;; Exception handling through include_wasm! bindings: throw/catch in wasm, an exception that
;; leaves wasm (a `Trap` with tag and payload), and a host function that throws.
(module
  (import "env" "check" (func $check (param i32) (result i32)))
  (tag $overflow (export "overflow") (param i32 i64))
  (tag $empty (export "empty"))
  (func $add_checked (param i32 i64) (result i64)
    (local $r i64)
    (local.set $r (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)))
    (if (i64.gt_s (local.get $r) (i64.const 1000))
      (then (throw $overflow (local.get 0) (local.get $r))))
    (local.get $r))
  ;; Throws out of wasm when the sum exceeds 1000.
  (func (export "add_checked") (param i32 i64) (result i64)
    (call $add_checked (local.get 0) (local.get 1)))
  ;; Catches the overflow: returns -payload.
  (func (export "add_or_neg") (param i32 i64) (result i64)
    (block $h (result i32 i64)
      (try_table (catch $overflow $h) (return (call $add_checked (local.get 0) (local.get 1))))
      (unreachable))
    (i64.mul (i64.const -1))
    (return_call $keep))
  (func $keep (param i32 i64) (result i64) (local.get 1))
  ;; The host's `check` throws `overflow` (payload x, 2x) for x < 0; caught here.
  (func (export "host_checked") (param i32) (result i64)
    (block $h (result i32 i64)
      (try_table (catch $overflow $h) (return (i64.extend_i32_s (call $check (local.get 0)))))
      (unreachable))
    (i64.mul (i64.const 10))
    (return_call $keep))
  (func (export "throw_empty") (throw $empty))
)
