;; Message passing between two `thread` blocks through a shared memory (wasmlite test script;
;; under proposals/threads/ so the runner enables the threads feature).
(module $Mem
  (memory (export "shared") 1 1 shared))

(thread $T1 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 1 shared)
    (func (export "run")
      (i32.atomic.store (i32.const 0) (i32.const 42))
      (i32.atomic.store (i32.const 4) (i32.const 1))
      (drop (memory.atomic.notify (i32.const 4) (i32.const 1)))))
  (invoke "run"))

(thread $T2 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 1 shared)
    (func (export "run") (result i32)
      (block $done (loop $l
        (br_if $done (i32.atomic.load (i32.const 4)))
        (drop (memory.atomic.wait32 (i32.const 4) (i32.const 0) (i64.const -1)))
        (br $l)))
      (i32.atomic.load (i32.const 0))))
  (assert_return (invoke "run") (i32.const 42)))

(wait $T1)
(wait $T2)

(register "mem" $Mem)
(module
  (memory (import "mem" "shared") 1 1 shared)
  (func (export "get") (result i32) (i32.atomic.load (i32.const 0))))
(assert_return (invoke "get") (i32.const 42))
