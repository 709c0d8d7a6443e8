;; Control flow, calls and multi-value.
(module
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fac (i64.sub (local.get $n) (i64.const 1)))))))

  (func (export "fib_iter") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a))

  ;; Multi-value results of every scalar type.
  (func (export "four") (result i32 i64 f32 f64)
    i32.const -1 i64.const 0x1_0000_0000 f32.const 1.5 f64.const -2.25)

  ;; Swap through a block with parameters and results.
  (func (export "swap") (param i32 i32) (result i32 i32)
    local.get 0 local.get 1
    (block (param i32 i32) (result i32 i32)
      (local.set 0) (local.set 1) local.get 0 local.get 1))

  ;; if with multi-value results.
  (func (export "minmax") (param $a i32) (param $b i32) (result i32 i32)
    (if (result i32 i32) (i32.lt_s (local.get $a) (local.get $b))
      (then local.get $a local.get $b)
      (else local.get $b local.get $a)))

  ;; Calling a multi-value function and combining its results.
  (func $divmod (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "divmod_sum") (param i32 i32) (result i32)
    (call $divmod (local.get 0) (local.get 1)) i32.add)

  ;; br_table with a default; returns which arm was taken.
  (func (export "switch") (param $i i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get $i)))
      (return (i32.const 100)))
      (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const -1))

  ;; br out of nested blocks carrying a value; br_if keeps the value when not taken.
  (func (export "br_value") (param $x i32) (result i32)
    (block $out (result i32)
      (block $inner
        (br_if $out (i32.const 7) (i32.eqz (local.get $x)))
        drop
        (br $inner))
      (i32.const 9)))

  ;; 9 parameters (beyond the typed-tuple arity of the bindings).
  (func (export "sum9") (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    local.get 0 local.get 1 i32.add local.get 2 i32.add local.get 3 i32.add local.get 4 i32.add
    local.get 5 i32.add local.get 6 i32.add local.get 7 i32.add local.get 8 i32.add)

  ;; A function with no params and no results.
  (func (export "nop"))

  ;; camelCase and keyword export names.
  (func (export "addTwo") (param i32) (result i32) (i32.add (local.get 0) (i32.const 2)))
  (func (export "loop") (result i32) (i32.const 5))
)
