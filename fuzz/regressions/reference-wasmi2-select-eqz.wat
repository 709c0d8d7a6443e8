;; seed: 0
;; Not a wasmlite bug: wasmi 2.0.0 (the tie-breaker) computes select(1, x, x == 0) wrong (it
;; returns 1 for x != 0); wasmi 1.1 and wasmlite agree. Kept so the harness keeps handling it.
(module
  (func (export "a") (param i32) (result i32)
    i32.const 1 local.get 0 local.get 0 i32.eqz select)
  (func (export "b") (param i32) (result i32)
    i32.const 2086132183 i32.const 1 local.get 0 local.get 0 i32.eqz select i32.div_u))
