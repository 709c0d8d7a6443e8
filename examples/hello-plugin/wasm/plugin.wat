;; A small plugin: logs greetings through the host, does arithmetic, and calls a host
;; function that may fail.
(module
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "fail" (func $fail (result i32)))

  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm")
  (data (i32.const 48) "the start function ran")

  (global $calls (export "calls") (mut i32) (i32.const 0))

  (func $bump (global.set $calls (i32.add (global.get $calls) (i32.const 1))))

  ;; Runs during instantiation.
  (func $start (call $log (i32.const 48) (i32.const 22)))
  (start $start)

  (func (export "greet")
    call $bump
    (call $log (i32.const 16) (i32.const 15)))

  (func (export "add") (param $a i32) (param $b i32) (result i32)
    call $bump
    (i32.add (local.get $a) (local.get $b)))

  (func (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    call $bump
    (i32.div_s (local.get $a) (local.get $b))
    (i32.rem_s (local.get $a) (local.get $b)))

  (func (export "div") (param $a i32) (param $b i32) (result i32)
    call $bump
    (i32.div_s (local.get $a) (local.get $b)))

  ;; Calls the host function `env.fail`, which returns an error.
  (func (export "try_host") (result i32)
    call $bump
    (i32.add (call $fail) (i32.const 1)))

  ;; Sum of `len` bytes at `ptr` (the host writes them first).
  (func (export "checksum") (param $ptr i32) (param $len i32) (result i32)
    (local $sum i32)
    call $bump
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $sum))
)
