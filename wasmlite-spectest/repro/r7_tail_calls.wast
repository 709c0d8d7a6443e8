;; Tail calls in constant stack: mutual recursion between functions of different signatures
;; (more parameters than argument registers, so some travel on the stack), through an imported
;; wasm function, through tables, and with results LLVM returns through memory.
(module $m1
  (func $count (export "count") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 0))
      (else (return_call $count (i64.sub (local.get 0) (i64.const 1))))))
)
(register "m1")

(module
  (import "m1" "count" (func $imp (param i64) (result i64)))
  (type $t1 (func (param i64) (result i64)))
  (type $t9 (func (param i64 i32 i64 f64 i32 i64 f32 i64 i32 i64 i64) (result i64)))
  (table funcref (elem $small $big))
  ;; n -> big(n, 1..10) -> small(n-1) -> ... ; result is the sum of checked arguments.
  (func $small (export "small") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 7))
      (else
        (return_call $big (i64.sub (local.get $n) (i64.const 1))
          (i32.const 1) (i64.const 2) (f64.const 3) (i32.const 4) (i64.const 5)
          (f32.const 6) (i64.const 7) (i32.const 8) (i64.const 9) (i64.const 10)))))
  (func $big (param $n i64) (param i32 i64 f64 i32 i64 f32 i64 i32 i64) (param $last i64) (result i64)
    ;; Every argument must arrive intact, else return a marker value.
    (if (i32.eqz
          (i32.and
            (i32.and (i32.and (i32.eq (local.get 1) (i32.const 1)) (i64.eq (local.get 2) (i64.const 2)))
                     (i32.and (f64.eq (local.get 3) (f64.const 3)) (i32.eq (local.get 4) (i32.const 4))))
            (i32.and (i32.and (i64.eq (local.get 5) (i64.const 5)) (f32.eq (local.get 6) (f32.const 6)))
                     (i32.and (i32.and (i64.eq (local.get 7) (i64.const 7)) (i32.eq (local.get 8) (i32.const 8)))
                              (i32.and (i64.eq (local.get 9) (i64.const 9)) (i64.eq (local.get $last) (i64.const 10)))))))
      (then (return (i64.const -1))))
    (return_call $small (local.get $n)))
  (func (export "small-indirect") (param $n i64) (result i64)
    (return_call_indirect (type $t1) (local.get $n) (i32.const 0)))
  (func $ind (export "ind") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 42))
      (else
        (return_call_indirect (type $t9) (i64.sub (local.get $n) (i64.const 1))
          (i32.const 1) (i64.const 2) (f64.const 3) (i32.const 4) (i64.const 5)
          (f32.const 6) (i64.const 7) (i32.const 8) (i64.const 9) (i64.const 10)
          (i32.const 1)))))
  (func (export "via-import") (param i64) (result i64)
    (return_call $imp (local.get 0)))
  ;; Results that do not fit in registers travel through the caller's result area, which a
  ;; tail call passes on: constant stack here too, directly, indirectly and between
  ;; signatures that differ in their parameters.
  (func $four (export "four") (param $n i64) (result i64 i64 i64 i64)
    (if (result i64 i64 i64 i64) (i64.eqz (local.get $n))
      (then (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4))
      (else (return_call $four (i64.sub (local.get $n) (i64.const 1))))))
  (type $mixed (func (param i64 f64 v128) (result f64 i32 f64 v128 i64 f32)))
  (elem declare func $mixed-b)
  (func $mixed-a (export "mixed") (param $n i64) (result f64 i32 f64 v128 i64 f32)
    (if (i64.eqz (local.get $n))
      (then (return (f64.const 1.5) (i32.const -2) (f64.const 3.25) (v128.const i32x4 4 5 6 7) (i64.const 8) (f32.const 9.5))))
    (return_call_ref $mixed (i64.sub (local.get $n) (i64.const 1)) (f64.const 0.5) (v128.const i64x2 1 2)
      (ref.func $mixed-b)))
  (func $mixed-b (type $mixed)
    ;; The arguments must arrive intact.
    (if (i32.or (f64.ne (local.get 1) (f64.const 0.5)) (i32.eqz (i64x2.all_true (i64x2.eq (local.get 2) (v128.const i64x2 1 2)))))
      (then (return (f64.const -1) (i32.const -1) (f64.const -1) (v128.const i32x4 -1 -1 -1 -1) (i64.const -1) (f32.const -1))))
    (return_call $mixed-a (local.get 0)))
  (func (export "mixed-called") (param $n i64) (result f64 i32 f64 v128 i64 f32)
    ;; An ordinary call of such a function, then a tail call of the same.
    (drop (drop (drop (drop (drop (drop (call $mixed-a (local.get $n))))))))
    (return_call $mixed-a (local.get $n)))
  ;; A tail call to a trapping callee traps.
  (func (export "tail-trap") (result i32)
    (return_call_indirect (param) (result i32) (i32.const 5)))
  ;; Ordinary recursion in a function that also tail-calls still overflows the stack.
  (func $runaway (export "runaway") (param i32) (result i32)
    (if (local.get 0) (then (return_call $runaway (local.get 0))))
    (i32.add (call $runaway (local.get 0)) (i32.const 1)))
)
(assert_return (invoke "small" (i64.const 10_000_000)) (i64.const 7))
(assert_return (invoke "small-indirect" (i64.const 1_000_001)) (i64.const 7))
(assert_return (invoke "ind" (i64.const 2)) (i64.const 7))
(assert_return (invoke "via-import" (i64.const 10_000_000)) (i64.const 0))
(assert_return (invoke "four" (i64.const 10_000_000)) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4))
(assert_return (invoke "mixed" (i64.const 10_000_000))
  (f64.const 1.5) (i32.const -2) (f64.const 3.25) (v128.const i32x4 4 5 6 7) (i64.const 8) (f32.const 9.5))
(assert_return (invoke "mixed-called" (i64.const 1_000_000))
  (f64.const 1.5) (i32.const -2) (f64.const 3.25) (v128.const i32x4 4 5 6 7) (i64.const 8) (f32.const 9.5))
(assert_trap (invoke "tail-trap") "undefined element")
(assert_exhaustion (invoke "runaway" (i32.const 0)) "call stack exhausted")
