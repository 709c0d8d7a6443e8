;; SIMD through the generated bindings: v128 parameters and results are `u128`
;; (little-endian lane order, lane 0 in the low bits).
(module
  (func (export "i32x4_add") (param v128 v128) (result v128)
    (i32x4.add (local.get 0) (local.get 1)))
  (func (export "i8x16_add_sat_u") (param v128 v128) (result v128)
    (i8x16.add_sat_u (local.get 0) (local.get 1)))
  (func (export "f32x4_min") (param v128 v128) (result v128)
    (f32x4.min (local.get 0) (local.get 1)))
  (func (export "swizzle") (param v128 v128) (result v128)
    (i8x16.swizzle (local.get 0) (local.get 1)))
  (func (export "bitmask") (param v128) (result i32)
    (i8x16.bitmask (local.get 0)))
  (func (export "splat_extract") (param i32) (result i32 i32)
    (i32x4.extract_lane 3 (i32x4.splat (local.get 0)))
    (i16x8.extract_lane_s 1 (i32x4.splat (local.get 0))))
  (func (export "dot") (param v128 v128) (result v128)
    (i32x4.dot_i16x8_s (local.get 0) (local.get 1)))
)
