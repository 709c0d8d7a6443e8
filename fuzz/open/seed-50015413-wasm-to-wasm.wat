(module
  (global $g (export "g") (mut i64) (i64.const 0))
  (func $f (param i64 i64 i64 i64 i64 i64 f64 f64 f64 f64 f64 f64 f64 f64 v128 funcref)
    (global.set $g (i64.add (local.get 5) (i64.trunc_f64_s (local.get 13)))))
  (func (export "run")
    (call $f (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6)
      (f64.const 1) (f64.const 2) (f64.const 3) (f64.const 4) (f64.const 5) (f64.const 6) (f64.const 7) (f64.const 8)
      (v128.const i64x2 0 0) (ref.null func))))
