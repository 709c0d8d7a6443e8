;; seed: 0
;; Guard pages, O2: the load is moved below `unreachable`: the trap is Unreachable instead of
;; out of bounds memory access.
(module (memory 1 1)
  (func (export "f") (result i32) (local i32)
    (local.set 0 (i32.load (i32.const 65536))) (unreachable)))
