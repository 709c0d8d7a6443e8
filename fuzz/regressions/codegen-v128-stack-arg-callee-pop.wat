;; seed: 0
;; SIGSEGV in all four modes (fuzz seed 50015413): LLVM 19's x86-64 `tailcc` caller and callee
;; disagreed on how many bytes of stack arguments the callee pops when a v128 parameter is on
;; the stack and the argument area ends 8 bytes past a 16-byte boundary (caller 0x38, callee
;; `ret $0x28`), so the stack pointer was 16 bytes off after the call. Fixed in codegen with a
;; trailing f64 padding argument (`module::needs_stack_pad`). Host calls, direct calls,
;; indirect calls and tail calls with such signatures.
(module
  (type $big (func (param i64 i64 i64 i64 i64 i64 f64 f64 f64 f64 f64 f64 f64 f64 v128 funcref) (result i64)))
  (type $vf (func (param f64 f64 f64 f64 f64 f64 f64 f64 v128 f64) (result f64)))
  (table 2 funcref)
  (elem (i32.const 0) $big $vf)
  (func $big (export "big") (type $big)
    (i64.add (i64.add (local.get 5) (i64.trunc_f64_s (local.get 13)))
             (i64.add (i64x2.extract_lane 1 (local.get 14)) (i64.extend_i32_u (ref.is_null (local.get 15))))))
  (func $vf (export "vf") (type $vf)
    (f64.add (f64.add (local.get 7) (local.get 9)) (f64.convert_i64_s (i64x2.extract_lane 0 (local.get 8)))))
  (func (export "call") (param i64 v128) (result i64)
    (call $big (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (local.get 0)
      (f64.const 1) (f64.const 2) (f64.const 3) (f64.const 4) (f64.const 5) (f64.const 6) (f64.const 7) (f64.const 8)
      (local.get 1) (ref.null func)))
  (func (export "tail") (param i64 v128) (result i64)
    (return_call_indirect (type $big) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (local.get 0)
      (f64.const 1) (f64.const 2) (f64.const 3) (f64.const 4) (f64.const 5) (f64.const 6) (f64.const 7) (f64.const 8)
      (local.get 1) (ref.null func) (i32.const 0)))
  (func (export "indirect") (param v128 f64) (result f64)
    (call_indirect (type $vf) (f64.const 1) (f64.const 2) (f64.const 3) (f64.const 4) (f64.const 5) (f64.const 6)
      (f64.const 7) (f64.const 8) (local.get 0) (local.get 1) (i32.const 1))))
