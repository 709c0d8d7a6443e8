;; seed: 0
;; Guard pages, O2: the loaded value is stored in a local that is never read.
(module (memory 1 1)
  (func (export "f") (local i32) (local.set 0 (i32.load (i32.const 65536)))))
