;; seed: 0
;; Guard pages, O0 and O2: the same for a v128 load in an empty memory.
(module (memory 0 1)
  (func (export "f") (v128.load (i32.const 0)) (return)))
