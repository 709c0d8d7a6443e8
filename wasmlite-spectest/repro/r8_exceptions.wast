;; Exception handling edge cases (wasmlite's own; run in every mode by the spec runner).

(module
  (tag $e (param i32))
  (tag $f)
  (memory 1)
  (global $saved (mut exnref) (ref.null exn))
  (table $t 2 funcref)
  (elem (table $t) (i32.const 0) func $throw_e $grow_and_throw)
  (type $ti (func (param i32)))

  (func $throw_e (param i32) (throw $e (local.get 0)))
  ;; Grows the memory (heap memories may move in bounds-check mode) before throwing.
  (func $grow_and_throw (param i32)
    (drop (memory.grow (i32.const 3)))
    (i32.store (i32.const 200000) (i32.const 77))
    (throw $e (local.get 0)))

  ;; The landing pad must see the grown memory (memory caches reloaded).
  (func (export "grow_then_catch") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $grow_and_throw (i32.const 1)))
      (i32.const -1) (return))
    (drop)
    (i32.load (i32.const 200000)))

  ;; Inner try does not match ($f), the outer one in the same function does.
  (func (export "nested") (param i32) (result i32)
    (block $outer (result i32)
      (block $inner
        (try_table (catch $e $outer)
          (try_table (catch $f $inner)
            (call_indirect $t (type $ti) (local.get 0) (i32.const 0))))
        (return (i32.const -1)))
      (i32.const -2))
    (i32.const 100) (i32.add))

  ;; Throwing from a handler (after the try_table) is caught by an enclosing try.
  (func (export "throw_in_handler") (result i32)
    (block $h2 (result i32)
      (try_table (catch $e $h2)
        (block $h1
          (try_table (catch $f $h1) (throw $f))
          (return (i32.const -1)))
        (throw $e (i32.const 9)))
      (return (i32.const -2))))

  ;; A handler branching back to a loop: three throws, three catches.
  (func (export "loop_catch") (result i32) (local $n i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (call $throw_e (local.get $n)))
        (unreachable))
      (local.set $n (i32.add (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $n) (i32.const 3))))
    (local.get $n))

  ;; exnref kept in a global and rethrown later, caught again.
  (func (export "save") (param i32)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (throw $e (local.get 0)))
      (unreachable))
    (global.set $saved)
    (drop))
  (func (export "rethrow_saved") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw_ref (global.get $saved)))
      (unreachable)))
  (func (export "rethrow_saved_uncaught") (throw_ref (global.get $saved)))

  ;; A trap in a handler is a trap.
  (func (export "trap_in_handler") (result i32) (local $x i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw $e (i32.const 0)))
      (unreachable))
    (local.set $x)
    (i32.div_u (i32.const 1) (local.get $x)))

  ;; A tail call through a table leaves the try.
  (func (export "return_call_indirect_in_try")
    (block $h (result i32)
      (try_table (catch $e $h)
        (return_call_indirect $t (type $ti) (i32.const 4) (i32.const 0)))
      (unreachable))
    (drop))

  ;; Legacy: delegate to the caller, rethrow from a nested catch.
  (func $delegating (param i32)
    (try (do (call $throw_e (local.get 0))) (delegate 0)))
  (func (export "delegate_to_caller") (result i32)
    (try (result i32)
      (do (call $delegating (i32.const 5)) (i32.const -1))
      (catch $e)))
  (func (export "rethrow_outer") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (throw $e (i32.const 6)))
          (catch $e
            (drop)
            (try (result i32)
              (do (throw $f))
              (catch $f (rethrow 1))))))
      (catch $e)))
)

(assert_return (invoke "grow_then_catch") (i32.const 77))
(assert_return (invoke "nested" (i32.const 3)) (i32.const 103))
(assert_return (invoke "throw_in_handler") (i32.const 9))
(assert_return (invoke "loop_catch") (i32.const 3))
(invoke "save" (i32.const 42))
(assert_return (invoke "rethrow_saved") (i32.const 42))
(assert_return (invoke "rethrow_saved") (i32.const 42))
(assert_exception (invoke "rethrow_saved_uncaught"))
(assert_trap (invoke "trap_in_handler") "integer divide by zero")
(assert_exception (invoke "return_call_indirect_in_try"))
(assert_return (invoke "delegate_to_caller") (i32.const 5))
(assert_return (invoke "rethrow_outer") (i32.const 6))

;; A legacy catch keeps its exception for `rethrow` even after a nested handler caught
;; (and would have released) the same exception.
(module
  (tag $e (param i32))
  (func (export "rethrow_after_inner_catch") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (throw $e (i32.const 8)))
          (catch $e
            (drop)
            (block $h (result i32)
              (try_table (catch $e $h) (rethrow 2))
              (unreachable))
            (drop)
            (try (result i32) (do (rethrow 1)) (catch $e)))))
      (catch $e)))
)

(assert_return (invoke "rethrow_after_inner_catch") (i32.const 8))
