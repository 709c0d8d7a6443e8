;; Tail calls (Wasm 3.0): unbounded tail recursion in constant stack, also between functions
;; of different signatures, through a table and into a host import.
(module
  (import "env" "finish" (func $finish (param i64 i32) (result i64)))
  (type $step (func (param i64 i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $even_ind $odd_ind)

  ;; Mutual recursion: even(n) / odd(n).
  (func $even (export "is_even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))

  ;; Different signatures: sum(n, acc) -> wide(n, acc, 8 more args) -> sum(n - 1, acc + n + ...).
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else
        (return_call $wide (local.get $n) (local.get $acc)
          (i32.const 1) (f64.const 2) (i64.const 3) (f32.const 4)
          (i32.const 5) (i64.const 6) (f64.const 7) (i64.const 8)))))
  (func $wide (param $n i64) (param $acc i64)
        (param $a i32) (param $b f64) (param $c i64) (param $d f32)
        (param $e i32) (param $f i64) (param $g f64) (param $h i64) (result i64)
    ;; acc + n + (1 + 2 + ... + 8) = acc + n + 36, using every argument.
    (return_call $sum
      (i64.sub (local.get $n) (i64.const 1))
      (i64.add (i64.add (local.get $acc) (local.get $n))
        (i64.add
          (i64.add (i64.extend_i32_u (i32.add (local.get $a) (local.get $e)))
                   (i64.add (local.get $c) (i64.add (local.get $f) (local.get $h))))
          (i64.trunc_f64_s (f64.add (f64.add (local.get $b) (local.get $g))
                                    (f64.promote_f32 (local.get $d))))))))

  ;; Through the table: return_call_indirect.
  (func $even_ind (param $n i64) (param $k i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $k))
      (else (return_call_indirect (type $step)
        (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $k) (i64.const 2)) (i32.const 1)))))
  (func $odd_ind (param $n i64) (param $k i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $k))
      (else (return_call_indirect (type $step)
        (i64.sub (local.get $n) (i64.const 1)) (i64.sub (local.get $k) (i64.const 1)) (i32.const 0)))))
  (func (export "ping_pong") (param i64) (result i64)
    (return_call_indirect (type $step) (local.get 0) (i64.const 0) (i32.const 0)))

  ;; Count down, then tail-call the host import.
  (func $to_host (export "to_host") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (return_call $finish (i64.const 99) (i32.const 7)))
      (else (return_call $to_host (i64.sub (local.get $n) (i64.const 1))))))

  ;; Not a tail call: must still overflow the stack.
  (func $deep (export "deep") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 0))
      (else (i64.add (i64.const 1) (call $deep (i64.sub (local.get 0) (i64.const 1))))))))
