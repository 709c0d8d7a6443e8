;; The instantiation benchmark's module: one 64 KiB memory page, a data segment, a mutable
;; global and one function. `get` returns memory[0] + (g - 7): 0 in a fresh instance.
(module
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 7))
  (data (i32.const 16) "wasmlite")
  (func (export "get") (result i32)
    (i32.add (i32.load (i32.const 0)) (i32.sub (global.get $g) (i32.const 7)))))
