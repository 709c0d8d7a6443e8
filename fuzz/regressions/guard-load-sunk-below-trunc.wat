;; seed: 0
;; Guard pages, O2: the load is moved below the check of a trapping float-to-int conversion.
(module (memory 1 1)
  (func (export "f") (result i32) (local i32)
    (local.set 0 (i32.load (i32.const 65536)))
    (i32.add (local.get 0) (i32.trunc_f32_s (f32.const nan)))))
