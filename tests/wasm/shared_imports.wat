;; A module importing a shared memory (threads): instances on several threads share it.
(module
  (import "env" "memory" (memory 1 1 shared))
  (func (export "add") (param i32 i32) (result i32)
    (i32.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  ;; 0 = woken, 1 = the value differs, 2 = timed out (timeout in ns).
  (func (export "wait") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1))))
