;; seed: 0
;; Guard pages, O2: the load is the value of a `br` out of a block whose result is dropped.
(module (memory 1 1)
  (func (export "f") (block (result i32) (br 0 (i32.load (i32.const 65536)))) (drop)))
