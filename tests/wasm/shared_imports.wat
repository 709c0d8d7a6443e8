;; A module importing a shared memory (threads): instances on several threads share it.
(module
  (import "env" "memory" (memory 1 1 shared))
  (func (export "add") (param i32 i32) (result i32)
    (i32.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result i32) (i32.atomic.load (local.get 0))))
