;; seed: 0
;; Guard pages, O0 and O2: a dead load (value discarded by `br`) followed by a trapping
;; table.get reports TableOutOfBounds instead of out of bounds memory access.
(module (memory 0 1) (table 3 externref)
  (func (export "f") (i32.const 0) (f32.load) (i32.const 1292863985) (table.get 0) (br 0)))
