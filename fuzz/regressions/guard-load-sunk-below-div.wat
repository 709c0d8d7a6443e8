;; seed: 0
;; Guard pages, O2: the load is moved below the divide-by-zero check of a later division.
(module (memory 1 1)
  (func (export "f") (result i32) (local i32)
    (local.set 0 (i32.load (i32.const 65536)))
    (i32.add (local.get 0) (i32.div_s (i32.const 1) (i32.const 0)))))
