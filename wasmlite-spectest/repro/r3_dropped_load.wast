(module (memory 1) (func (export "f") (param i32) (drop (i32.load (local.get 0)))))
(assert_trap (invoke "f" (i32.const 65536)) "out of bounds memory access")
