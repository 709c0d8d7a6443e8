;; seed: 0
;; Guard pages, O0 and O2: an out-of-bounds load whose value is left on the operand stack and
;; discarded by a branch to the function label returns normally instead of trapping.
(module (memory 1 1)
  (func (export "f") (i32.const 65536) (i32.load) (br 0)))
