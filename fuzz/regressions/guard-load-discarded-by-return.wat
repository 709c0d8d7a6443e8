;; seed: 0
;; Guard pages, O0 and O2: the same with `return` (the load is below the returned value).
(module (memory 1 1)
  (func (export "f") (result i32) (i32.load (i32.const 65536)) (i32.const 1) (return)))
