;; seed: 0
;; Compile hang at O0 (fuzz seed 53005928; that module: codegen-o0-constant-simd-fuzz-53005928.wat):
;; LLVM 19's SelectionDAG combiner loops forever on a vector computation whose operands are all
;; constants that the IR builder could not fold (a lane extension of a constant, compared,
;; `fabs`, `bitmask`). At O2 the IR optimiser folds it first; at O0 codegen now runs
;; `instcombine` on exactly the bodies with such unfolded constant vector instructions
;; (`wasmlite_codegen::pass_pipeline`).
(module
  (memory 1)
  (func (export "mask") (result i32)
    (i8x16.bitmask
      (f64x2.abs
        (i64x2.le_s
          (v128.const i64x2 3497605030220658074 4982279604712370459)
          (i32x4.extend_high_i16x8_u (v128.const i64x2 -4264544817289920524 4458296444855334254))))))
  (func (export "load") (param i32) (result i32)
    (i32.load (i32.add (local.get 0)
      (i8x16.bitmask
        (f64x2.abs
          (i64x2.le_s
            (v128.const i64x2 3497605030220658074 4982279604712370459)
            (i32x4.extend_high_i16x8_u (v128.const i64x2 -4264544817289920524 4458296444855334254)))))))))
