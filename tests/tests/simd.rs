#![allow(clippy::identity_op)] // products written out as a*b to mirror the lane maths
//! SIMD values through `include_wasm!` bindings (v128 = `u128`, lane 0 in the low bits).

use wasmlite_tests::simd::Instance;

fn i32x4(l: [i32; 4]) -> u128 {
    l.iter().rev().fold(0u128, |acc, &x| (acc << 32) | x as u32 as u128)
}
fn lanes_i32(v: u128) -> [i32; 4] {
    [0, 1, 2, 3].map(|i| (v >> (32 * i)) as u32 as i32)
}
fn f32x4(l: [f32; 4]) -> u128 {
    i32x4(l.map(|f| f.to_bits() as i32))
}
fn lanes_f32(v: u128) -> [f32; 4] {
    lanes_i32(v).map(|b| f32::from_bits(b as u32))
}

#[test]
fn integer_lanes_wrap_and_saturate() {
    let mut p = Instance::new(()).unwrap();
    let r = p.i32x4_add(i32x4([1, -1, i32::MAX, 7]), i32x4([2, 1, 1, -8])).unwrap();
    assert_eq!(lanes_i32(r), [3, 0, i32::MIN, -1]);
    let a = u128::from_le_bytes([250; 16]);
    let b = u128::from_le_bytes([3, 10, 0, 5, 6, 250, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    let r = p.i8x16_add_sat_u(a, b).unwrap().to_le_bytes();
    assert_eq!(r, [253, 255, 250, 255, 255, 255, 251, 252, 253, 254, 255, 255, 255, 255, 255, 255]);
}

#[test]
fn float_min_follows_wasm_nan_and_zero_rules() {
    let mut p = Instance::new(()).unwrap();
    let r = p.f32x4_min(f32x4([1.0, -0.0, f32::NAN, 3.0]), f32x4([2.0, 0.0, 1.0, -5.0])).unwrap();
    let l = lanes_f32(r);
    assert_eq!(l[0], 1.0);
    assert!(l[1] == 0.0 && l[1].is_sign_negative(), "min(-0, +0) = -0, got {}", l[1]);
    assert!(l[2].is_nan());
    assert_eq!(l[3], -5.0);
    // A signalling NaN input comes back quiet (arithmetic NaN).
    let snan = f32::from_bits(0x7fa0_0000);
    let r = lanes_f32(p.f32x4_min(f32x4([snan; 4]), f32x4([0.0; 4])).unwrap());
    assert!(r.iter().all(|x| x.is_nan() && x.to_bits() & 0x0040_0000 != 0), "{r:?}");
}

#[test]
fn swizzle_bitmask_lanes_and_dot() {
    let mut p = Instance::new(()).unwrap();
    let src = u128::from_le_bytes(core::array::from_fn(|i| i as u8 * 10));
    let idx = u128::from_le_bytes([15, 0, 1, 16, 255, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    let r = p.swizzle(src, idx).unwrap().to_le_bytes();
    assert_eq!(r, [150, 0, 10, 0, 0, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
    let m = u128::from_le_bytes([0x80, 0, 0xff, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x90]);
    assert_eq!(p.bitmask(m).unwrap(), 0b1000_0000_0000_0101);
    assert_eq!(p.splat_extract(0x1234_5678).unwrap(), (0x1234_5678, 0x1234));
    let a = i32x4([0x0002_0001, 0x7fff_7fff, -1, 0]);
    let b = i32x4([0x0004_0003, 0x7fff_7fff, 0x0001_0001, 0]);
    // lane = a.lo*b.lo + a.hi*b.hi (i16 × i16 → i32, wrapping)
    assert_eq!(lanes_i32(p.dot(a, b).unwrap()), [1 * 3 + 2 * 4, 2 * 32767 * 32767, -2, 0]);
}
