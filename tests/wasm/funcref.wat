;; Typed function references (Wasm 3.0): call_ref, a typed table with an initialiser,
;; br_on_null / br_on_non_null, ref.as_non_null, non-nullable locals.
(module
  (type $bin (func (param i32 i32) (result i32)))
  (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $bin) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $bin) (i32.mul (local.get 0) (local.get 1)))
  ;; Every element starts as $add; elements 1 and 2 are overwritten by the segment.
  (table $ops 4 (ref $bin) (ref.func $add))
  (elem (table $ops) (i32.const 1) (ref $bin) (ref.func $sub) (ref.func $mul))
  (table $maybe 2 (ref null $bin))
  (elem declare func $add $sub $mul)

  ;; ops[i](a, b) through call_ref.
  (func (export "apply") (param $i i32) (param $a i32) (param $b i32) (result i32)
    (local $f (ref $bin))
    (local.set $f (table.get $ops (local.get $i)))
    (call_ref $bin (local.get $a) (local.get $b) (local.get $f)))

  ;; Tail call through a reference: fold n times with $add: acc + n + (n-1) + ... + 1.
  (func $fold (export "fold") (param $n i32) (param $acc i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else
        (return_call_ref $fold2
          (i32.sub (local.get $n) (i32.const 1))
          (call_ref $bin (local.get $acc) (local.get $n) (ref.func $add))
          (ref.func $fold)))))
  (type $fold2 (func (param i32 i32) (result i32)))
  (elem declare func $fold)

  ;; -1 if maybe[i] is null, else maybe[i](a, b).
  (func (export "maybe_apply") (param $i i32) (param $a i32) (param $b i32) (result i32)
    (block $null
      (return (call_ref $bin (local.get $a) (local.get $b)
        (br_on_null $null (table.get $maybe (local.get $i))))))
    (i32.const -1))
  ;; 1 if maybe[i] is set (br_on_non_null), else 0.
  (func (export "is_set") (param $i i32) (result i32)
    (block $set (result (ref $bin))
      (br_on_non_null $set (table.get $maybe (local.get $i)))
      (return (i32.const 0)))
    (drop)
    (i32.const 1))
  (func (export "set_maybe") (param $i i32) (param $op i32)
    (table.set $maybe (local.get $i) (table.get $ops (local.get $op))))
  ;; Traps with a null reference when maybe[i] is null.
  (func (export "force") (param $i i32) (result i32)
    (call_ref $bin (i32.const 6) (i32.const 7) (ref.as_non_null (table.get $maybe (local.get $i))))))
