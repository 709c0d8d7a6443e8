;; `table.grow` past wasmlite's implementation limit (10^7 elements,
;; `wasmlite_rt::MAX_TABLE_ELEMENTS`) fails with -1 instead of trapping or allocating, and the
;; table keeps its size and contents (fuzz seed 30001683: a loop retried such a grow until the
;; module's fuel ran out; wasmi grows to 10^8 elements, so the fuzz harness now imposes the
;; same limit on its reference engines).
(module
  (table $t 10 funcref)
  (table $e 0 externref)
  (func $f (result i32) (i32.const 42))
  (elem (table $t) (i32.const 9) func $f)
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "grow-extern") (param i32) (result i32) (table.grow $e (ref.null extern) (local.get 0)))
  (func (export "size") (result i32) (table.size $t))
  (func (export "call9") (result i32) (call_indirect $t (result i32) (i32.const 9)))
  ;; Retries a failing grow at most 100 times, then reports the table size.
  (func (export "retry") (param i32) (result i32) (local $n i32)
    (local.set $n (i32.const 100))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $l (i32.eq (table.grow $t (ref.null func) (local.get 0)) (i32.const -1)))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (table.size $t))))

(assert_return (invoke "grow" (i32.const 104812770)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 10000000)) (i32.const -1))
(assert_return (invoke "grow" (i32.const -1)) (i32.const -1))
(assert_return (invoke "grow-extern" (i32.const 10000001)) (i32.const -1))
(assert_return (invoke "size") (i32.const 10))
(assert_return (invoke "call9") (i32.const 42))
(assert_return (invoke "retry" (i32.const 104812770)) (i32.const 10))
(assert_return (invoke "grow" (i32.const 5)) (i32.const 10))
(assert_return (invoke "retry" (i32.const 1)) (i32.const 99016))
(assert_return (invoke "size") (i32.const 16))
(assert_return (invoke "call9") (i32.const 42))
