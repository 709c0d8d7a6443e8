(module (func $r (export "r") (call $r)))
(assert_exhaustion (invoke "r") "call stack exhausted")
