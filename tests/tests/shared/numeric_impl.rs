// Included by tests/numeric.rs once per compiled variant; `Instance` is in scope there.
use wasmlite_rt::{Trap, TrapKind};

type R<T> = Result<T, TrapKind>;

fn inst() -> Instance<()> {
    Instance::new(()).expect("instantiate numeric")
}

fn kind<T>(r: Result<T, Trap>) -> R<T> {
    r.map_err(|t| t.kind())
}

const I32S: &[i32] = &[
    0, 1, -1, 2, -2, 3, 7, -7, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
    0x1234_5678, -0x1234_5678, i32::MIN, i32::MIN + 1, i32::MAX, i32::MAX - 1,
];
const I64S: &[i64] = &[
    0, 1, -1, 2, -2, 3, 7, -7, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x8000, 0xffff_ffff,
    0x1_0000_0000, 0x1234_5678_9abc_def0, -0x1234_5678_9abc_def0, i64::MIN, i64::MIN + 1, i64::MAX,
    i64::MAX - 1, i32::MIN as i64, i32::MAX as i64,
];
fn f32s() -> Vec<f32> {
    vec![
        0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.9, -0.9, 1e10, -1e10, 123.456,
        f32::MIN_POSITIVE, -f32::MIN_POSITIVE, f32::from_bits(1), f32::from_bits(0x8000_0001), f32::MAX, f32::MIN,
        f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -f32::NAN, f32::from_bits(0x7fa0_0000),
        2147483648.0, -2147483648.0, 2147483520.0, -2147483904.0, 4294967296.0, 4294967040.0,
        9.223372e18, -9.223372e18, 1.8446743e19, 8388608.5, 8388609.0, 16777216.0, 16777217.0,
    ]
}
fn f64s() -> Vec<f64> {
    vec![
        0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.9, -0.9, 1e10, -1e300, 123.456,
        f64::MIN_POSITIVE, f64::from_bits(1), f64::from_bits(0x8000_0000_0000_0001), f64::MAX, f64::MIN,
        f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -f64::NAN, f64::from_bits(0x7ff4_0000_0000_0000),
        2147483647.0, 2147483647.9, 2147483648.0, -2147483648.0, -2147483648.9, -2147483649.0, 4294967295.9,
        4294967296.0, -0.99999, 9223372036854775807.0, 9223372036854774784.0, -9223372036854775808.0,
        -9223372036854777856.0, 18446744073709549568.0, 18446744073709551616.0, 4503599627370496.5,
        4503599627370497.0, 1e-310, 3.4028235677973366e38, 3.4028236e38,
    ]
}

/// Float results: NaN matches any NaN, everything else bit-exactly (so -0 ≠ +0).
fn same32(a: f32, b: f32) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}
fn same64(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

macro_rules! check_bin {
    ($p:ident, $vals:expr, $name:literal, $method:ident, $reference:expr) => {{
        let reference = $reference;
        let mut n = 0;
        for &a in $vals.iter() {
            for &b in $vals.iter() {
                let got = kind($p.$method(a, b));
                let want = reference(a, b);
                assert_eq!(got, want, "{}({:?}, {:?})", $name, a, b);
                n += 1;
            }
        }
        n
    }};
}

macro_rules! check_un {
    ($p:ident, $vals:expr, $name:literal, $method:ident, $reference:expr) => {{
        let reference = $reference;
        for &a in $vals.iter() {
            let got = kind($p.$method(a));
            let want = reference(a);
            assert_eq!(got, want, "{}({:?})", $name, a);
        }
        let n: usize = $vals.len();
        n
    }};
}

fn b(x: bool) -> R<i32> {
    Ok(x as i32)
}

#[test]
fn i32_operators() {
    let mut p = inst();
    let mut n = 0;
    n += check_bin!(p, I32S, "i32.add", i32_add, |a: i32, b: i32| Ok(a.wrapping_add(b)));
    n += check_bin!(p, I32S, "i32.sub", i32_sub, |a: i32, b: i32| Ok(a.wrapping_sub(b)));
    n += check_bin!(p, I32S, "i32.mul", i32_mul, |a: i32, b: i32| Ok(a.wrapping_mul(b)));
    n += check_bin!(p, I32S, "i32.div_s", i32_div_s, |a: i32, b: i32| match (a, b) {
        (_, 0) => Err(TrapKind::IntegerDivideByZero),
        (i32::MIN, -1) => Err(TrapKind::IntegerOverflow),
        _ => Ok(a / b),
    });
    n += check_bin!(p, I32S, "i32.div_u", i32_div_u, |a: i32, b: i32| if b == 0 {
        Err(TrapKind::IntegerDivideByZero)
    } else {
        Ok(((a as u32) / (b as u32)) as i32)
    });
    n += check_bin!(p, I32S, "i32.rem_s", i32_rem_s, |a: i32, b: i32| if b == 0 {
        Err(TrapKind::IntegerDivideByZero)
    } else {
        Ok(a.wrapping_rem(b))
    });
    n += check_bin!(p, I32S, "i32.rem_u", i32_rem_u, |a: i32, b: i32| if b == 0 {
        Err(TrapKind::IntegerDivideByZero)
    } else {
        Ok(((a as u32) % (b as u32)) as i32)
    });
    n += check_bin!(p, I32S, "i32.and", i32_and, |a: i32, b: i32| Ok(a & b));
    n += check_bin!(p, I32S, "i32.or", i32_or, |a: i32, b: i32| Ok(a | b));
    n += check_bin!(p, I32S, "i32.xor", i32_xor, |a: i32, b: i32| Ok(a ^ b));
    n += check_bin!(p, I32S, "i32.shl", i32_shl, |a: i32, b: i32| Ok(a.wrapping_shl(b as u32)));
    n += check_bin!(p, I32S, "i32.shr_s", i32_shr_s, |a: i32, b: i32| Ok(a.wrapping_shr(b as u32)));
    n += check_bin!(p, I32S, "i32.shr_u", i32_shr_u, |a: i32, b: i32| Ok((a as u32).wrapping_shr(b as u32) as i32));
    n += check_bin!(p, I32S, "i32.rotl", i32_rotl, |a: i32, b: i32| Ok(a.rotate_left(b as u32 % 32)));
    n += check_bin!(p, I32S, "i32.rotr", i32_rotr, |a: i32, b: i32| Ok(a.rotate_right(b as u32 % 32)));
    n += check_bin!(p, I32S, "i32.eq", i32_eq, |a: i32, c: i32| b(a == c));
    n += check_bin!(p, I32S, "i32.ne", i32_ne, |a: i32, c: i32| b(a != c));
    n += check_bin!(p, I32S, "i32.lt_s", i32_lt_s, |a: i32, c: i32| b(a < c));
    n += check_bin!(p, I32S, "i32.lt_u", i32_lt_u, |a: i32, c: i32| b((a as u32) < (c as u32)));
    n += check_bin!(p, I32S, "i32.gt_s", i32_gt_s, |a: i32, c: i32| b(a > c));
    n += check_bin!(p, I32S, "i32.gt_u", i32_gt_u, |a: i32, c: i32| b((a as u32) > (c as u32)));
    n += check_bin!(p, I32S, "i32.le_s", i32_le_s, |a: i32, c: i32| b(a <= c));
    n += check_bin!(p, I32S, "i32.le_u", i32_le_u, |a: i32, c: i32| b((a as u32) <= (c as u32)));
    n += check_bin!(p, I32S, "i32.ge_s", i32_ge_s, |a: i32, c: i32| b(a >= c));
    n += check_bin!(p, I32S, "i32.ge_u", i32_ge_u, |a: i32, c: i32| b((a as u32) >= (c as u32)));
    n += check_un!(p, I32S, "i32.clz", i32_clz, |a: i32| Ok(a.leading_zeros() as i32));
    n += check_un!(p, I32S, "i32.ctz", i32_ctz, |a: i32| Ok(a.trailing_zeros() as i32));
    n += check_un!(p, I32S, "i32.popcnt", i32_popcnt, |a: i32| Ok(a.count_ones() as i32));
    n += check_un!(p, I32S, "i32.eqz", i32_eqz, |a: i32| b(a == 0));
    n += check_un!(p, I32S, "i32.extend8_s", i32_extend8_s, |a: i32| Ok(a as i8 as i32));
    n += check_un!(p, I32S, "i32.extend16_s", i32_extend16_s, |a: i32| Ok(a as i16 as i32));
    assert!(n > 15_000, "{n}");
}

#[test]
fn i32_spot_checks() {
    let mut p = inst();
    assert_eq!(p.i32_clz(0).unwrap(), 32);
    assert_eq!(p.i32_ctz(0).unwrap(), 32);
    assert_eq!(p.i32_popcnt(-1).unwrap(), 32);
    assert_eq!(p.i32_shl(1, 32).unwrap(), 1, "shift count is masked");
    assert_eq!(p.i32_shl(1, 33).unwrap(), 2);
    assert_eq!(p.i32_shr_s(i32::MIN, 31).unwrap(), -1);
    assert_eq!(p.i32_shr_u(i32::MIN, 63).unwrap(), 1);
    assert_eq!(p.i32_rotl(0x8000_0001u32 as i32, 1).unwrap(), 3);
    assert_eq!(p.i32_rotr(1, 33).unwrap(), i32::MIN);
    assert_eq!(p.i32_rem_s(i32::MIN, -1).unwrap(), 0, "INT_MIN % -1 is 0, not a trap");
    assert_eq!(p.i32_div_s(-7, 2).unwrap(), -3, "truncating division");
    assert_eq!(p.i32_rem_s(-7, 2).unwrap(), -1);
    assert_eq!(p.i32_div_u(-1, 2).unwrap(), i32::MAX);
    let e = p.i32_div_s(i32::MIN, -1).unwrap_err();
    assert_eq!(e.kind(), TrapKind::IntegerOverflow);
    assert_eq!(p.i32_div_u(1, 0).unwrap_err().kind(), TrapKind::IntegerDivideByZero);
    assert_eq!(p.i32_rem_u(1, 0).unwrap_err().kind(), TrapKind::IntegerDivideByZero);
    assert_eq!(p.i32_extend8_s(0x80).unwrap(), -128);
    assert_eq!(p.i32_extend16_s(0x7fff).unwrap(), 0x7fff);
    assert_eq!(p.select_i32(1, 2, 0).unwrap(), 2);
    assert_eq!(p.select_i32(1, 2, -5).unwrap(), 1);
    assert_eq!(p.select_f64(1.5, 2.5, 1).unwrap(), 1.5);
}

#[test]
fn i64_operators() {
    let mut p = inst();
    check_bin!(p, I64S, "i64.add", i64_add, |a: i64, b: i64| Ok(a.wrapping_add(b)));
    check_bin!(p, I64S, "i64.sub", i64_sub, |a: i64, b: i64| Ok(a.wrapping_sub(b)));
    check_bin!(p, I64S, "i64.mul", i64_mul, |a: i64, b: i64| Ok(a.wrapping_mul(b)));
    check_bin!(p, I64S, "i64.div_s", i64_div_s, |a: i64, b: i64| match (a, b) {
        (_, 0) => Err(TrapKind::IntegerDivideByZero),
        (i64::MIN, -1) => Err(TrapKind::IntegerOverflow),
        _ => Ok(a / b),
    });
    check_bin!(p, I64S, "i64.div_u", i64_div_u, |a: i64, b: i64| if b == 0 {
        Err(TrapKind::IntegerDivideByZero)
    } else {
        Ok(((a as u64) / (b as u64)) as i64)
    });
    check_bin!(p, I64S, "i64.rem_s", i64_rem_s, |a: i64, b: i64| if b == 0 {
        Err(TrapKind::IntegerDivideByZero)
    } else {
        Ok(a.wrapping_rem(b))
    });
    check_bin!(p, I64S, "i64.rem_u", i64_rem_u, |a: i64, b: i64| if b == 0 {
        Err(TrapKind::IntegerDivideByZero)
    } else {
        Ok(((a as u64) % (b as u64)) as i64)
    });
    check_bin!(p, I64S, "i64.and", i64_and, |a: i64, b: i64| Ok(a & b));
    check_bin!(p, I64S, "i64.or", i64_or, |a: i64, b: i64| Ok(a | b));
    check_bin!(p, I64S, "i64.xor", i64_xor, |a: i64, b: i64| Ok(a ^ b));
    check_bin!(p, I64S, "i64.shl", i64_shl, |a: i64, b: i64| Ok(a.wrapping_shl(b as u32)));
    check_bin!(p, I64S, "i64.shr_s", i64_shr_s, |a: i64, b: i64| Ok(a.wrapping_shr(b as u32)));
    check_bin!(p, I64S, "i64.shr_u", i64_shr_u, |a: i64, b: i64| Ok((a as u64).wrapping_shr(b as u32) as i64));
    check_bin!(p, I64S, "i64.rotl", i64_rotl, |a: i64, b: i64| Ok(a.rotate_left((b as u64 % 64) as u32)));
    check_bin!(p, I64S, "i64.rotr", i64_rotr, |a: i64, b: i64| Ok(a.rotate_right((b as u64 % 64) as u32)));
    check_bin!(p, I64S, "i64.eq", i64_eq, |a: i64, c: i64| b(a == c));
    check_bin!(p, I64S, "i64.ne", i64_ne, |a: i64, c: i64| b(a != c));
    check_bin!(p, I64S, "i64.lt_s", i64_lt_s, |a: i64, c: i64| b(a < c));
    check_bin!(p, I64S, "i64.lt_u", i64_lt_u, |a: i64, c: i64| b((a as u64) < (c as u64)));
    check_bin!(p, I64S, "i64.gt_s", i64_gt_s, |a: i64, c: i64| b(a > c));
    check_bin!(p, I64S, "i64.gt_u", i64_gt_u, |a: i64, c: i64| b((a as u64) > (c as u64)));
    check_bin!(p, I64S, "i64.le_s", i64_le_s, |a: i64, c: i64| b(a <= c));
    check_bin!(p, I64S, "i64.le_u", i64_le_u, |a: i64, c: i64| b((a as u64) <= (c as u64)));
    check_bin!(p, I64S, "i64.ge_s", i64_ge_s, |a: i64, c: i64| b(a >= c));
    check_bin!(p, I64S, "i64.ge_u", i64_ge_u, |a: i64, c: i64| b((a as u64) >= (c as u64)));
    check_un!(p, I64S, "i64.clz", i64_clz, |a: i64| Ok(a.leading_zeros() as i64));
    check_un!(p, I64S, "i64.ctz", i64_ctz, |a: i64| Ok(a.trailing_zeros() as i64));
    check_un!(p, I64S, "i64.popcnt", i64_popcnt, |a: i64| Ok(a.count_ones() as i64));
    check_un!(p, I64S, "i64.eqz", i64_eqz, |a: i64| b(a == 0));
    check_un!(p, I64S, "i64.extend8_s", i64_extend8_s, |a: i64| Ok(a as i8 as i64));
    check_un!(p, I64S, "i64.extend16_s", i64_extend16_s, |a: i64| Ok(a as i16 as i64));
    check_un!(p, I64S, "i64.extend32_s", i64_extend32_s, |a: i64| Ok(a as i32 as i64));
    assert_eq!(p.i64_clz(0).unwrap(), 64);
    assert_eq!(p.i64_shl(1, 64).unwrap(), 1);
    assert_eq!(p.i64_rotl(1, 65).unwrap(), 2);
    assert_eq!(p.i64_div_s(i64::MIN, -1).unwrap_err().kind(), TrapKind::IntegerOverflow);
    assert_eq!(p.i64_rem_s(i64::MIN, -1).unwrap(), 0);
}

/// wasm min/max: NaN if either operand is NaN; -0 < +0.
fn wmin32(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { a } else { b }
    } else {
        a.min(b)
    }
}
fn wmax32(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_positive() { a } else { b }
    } else {
        a.max(b)
    }
}
fn wmin64(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { a } else { b }
    } else {
        a.min(b)
    }
}
fn wmax64(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_positive() { a } else { b }
    } else {
        a.max(b)
    }
}

macro_rules! check_fbin {
    ($p:ident, $vals:expr, $same:ident, $name:literal, $method:ident, $reference:expr) => {{
        let reference = $reference;
        for &a in $vals.iter() {
            for &b in $vals.iter() {
                let got = $p.$method(a, b).unwrap();
                let want = reference(a, b);
                assert!($same(got, want), "{}({:?}, {:?}) = {:?} ({:#x}), want {:?}", $name, a, b, got, got.to_bits(), want);
            }
        }
    }};
}
macro_rules! check_fun {
    ($p:ident, $vals:expr, $cmp:expr, $name:literal, $method:ident, $reference:expr) => {{
        let reference = $reference;
        let cmp = $cmp;
        for &a in $vals.iter() {
            let got = $p.$method(a).unwrap();
            let want = reference(a);
            assert!(cmp(got, want), "{}({:?} {:#x}) = {:?} ({:#x}), want {:?} ({:#x})", $name, a, a.to_bits(), got, got.to_bits(), want, want.to_bits());
        }
    }};
}

#[test]
fn f32_operators() {
    let mut p = inst();
    let v = f32s();
    check_fbin!(p, v, same32, "f32.add", f32_add, |a: f32, b: f32| a + b);
    check_fbin!(p, v, same32, "f32.sub", f32_sub, |a: f32, b: f32| a - b);
    check_fbin!(p, v, same32, "f32.mul", f32_mul, |a: f32, b: f32| a * b);
    check_fbin!(p, v, same32, "f32.div", f32_div, |a: f32, b: f32| a / b);
    check_fbin!(p, v, same32, "f32.min", f32_min, wmin32);
    check_fbin!(p, v, same32, "f32.max", f32_max, wmax32);
    // copysign is a bit operation: exact even for NaN.
    let exact = |a: f32, b: f32| a.to_bits() == b.to_bits();
    for &a in &v {
        for &b in &v {
            let got = p.f32_copysign(a, b).unwrap();
            assert!(exact(got, a.copysign(b)), "f32.copysign({a:?}, {b:?})");
        }
    }
    let bi = |a: f32, c: f32, f: fn(f32, f32) -> bool| f(a, c) as i32;
    for &a in &v {
        for &c in &v {
            assert_eq!(p.f32_eq(a, c).unwrap(), bi(a, c, |x, y| x == y), "f32.eq({a}, {c})");
            assert_eq!(p.f32_ne(a, c).unwrap(), bi(a, c, |x, y| x != y), "f32.ne({a}, {c})");
            assert_eq!(p.f32_lt(a, c).unwrap(), bi(a, c, |x, y| x < y), "f32.lt({a}, {c})");
            assert_eq!(p.f32_gt(a, c).unwrap(), bi(a, c, |x, y| x > y), "f32.gt({a}, {c})");
            assert_eq!(p.f32_le(a, c).unwrap(), bi(a, c, |x, y| x <= y), "f32.le({a}, {c})");
            assert_eq!(p.f32_ge(a, c).unwrap(), bi(a, c, |x, y| x >= y), "f32.ge({a}, {c})");
        }
    }
    check_fun!(p, v, exact, "f32.abs", f32_abs, |a: f32| a.abs());
    check_fun!(p, v, exact, "f32.neg", f32_neg, |a: f32| -a);
    check_fun!(p, v, same32, "f32.ceil", f32_ceil, |a: f32| a.ceil());
    check_fun!(p, v, same32, "f32.floor", f32_floor, |a: f32| a.floor());
    check_fun!(p, v, same32, "f32.trunc", f32_trunc, |a: f32| a.trunc());
    check_fun!(p, v, same32, "f32.nearest", f32_nearest, |a: f32| a.round_ties_even());
    check_fun!(p, v, same32, "f32.sqrt", f32_sqrt, |a: f32| a.sqrt());
    // Spot checks: signed zeros, NaN propagation, ties to even.
    assert_eq!(p.f32_min(-0.0, 0.0).unwrap().to_bits(), (-0.0f32).to_bits());
    assert_eq!(p.f32_min(0.0, -0.0).unwrap().to_bits(), (-0.0f32).to_bits());
    assert_eq!(p.f32_max(-0.0, 0.0).unwrap().to_bits(), 0);
    assert!(p.f32_min(1.0, f32::NAN).unwrap().is_nan());
    assert!(p.f32_max(f32::NAN, f32::INFINITY).unwrap().is_nan());
    assert_eq!(p.f32_nearest(2.5).unwrap(), 2.0);
    assert_eq!(p.f32_nearest(3.5).unwrap(), 4.0);
    assert_eq!(p.f32_nearest(-0.5).unwrap().to_bits(), (-0.0f32).to_bits());
    assert_eq!(p.f32_neg(f32::NAN).unwrap().to_bits(), f32::NAN.to_bits() ^ 0x8000_0000);
    assert_eq!(p.f32_copysign(1.0, -0.0).unwrap(), -1.0);
    assert!(p.f32_sqrt(-1.0).unwrap().is_nan());
}

#[test]
fn f64_operators() {
    let mut p = inst();
    let v = f64s();
    check_fbin!(p, v, same64, "f64.add", f64_add, |a: f64, b: f64| a + b);
    check_fbin!(p, v, same64, "f64.sub", f64_sub, |a: f64, b: f64| a - b);
    check_fbin!(p, v, same64, "f64.mul", f64_mul, |a: f64, b: f64| a * b);
    check_fbin!(p, v, same64, "f64.div", f64_div, |a: f64, b: f64| a / b);
    check_fbin!(p, v, same64, "f64.min", f64_min, wmin64);
    check_fbin!(p, v, same64, "f64.max", f64_max, wmax64);
    let exact = |a: f64, b: f64| a.to_bits() == b.to_bits();
    for &a in &v {
        for &b in &v {
            let got = p.f64_copysign(a, b).unwrap();
            assert!(exact(got, a.copysign(b)), "f64.copysign({a:?}, {b:?})");
            assert_eq!(p.f64_eq(a, b).unwrap(), (a == b) as i32);
            assert_eq!(p.f64_ne(a, b).unwrap(), (a != b) as i32);
            assert_eq!(p.f64_lt(a, b).unwrap(), (a < b) as i32);
            assert_eq!(p.f64_gt(a, b).unwrap(), (a > b) as i32);
            assert_eq!(p.f64_le(a, b).unwrap(), (a <= b) as i32);
            assert_eq!(p.f64_ge(a, b).unwrap(), (a >= b) as i32);
        }
    }
    check_fun!(p, v, exact, "f64.abs", f64_abs, |a: f64| a.abs());
    check_fun!(p, v, exact, "f64.neg", f64_neg, |a: f64| -a);
    check_fun!(p, v, same64, "f64.ceil", f64_ceil, |a: f64| a.ceil());
    check_fun!(p, v, same64, "f64.floor", f64_floor, |a: f64| a.floor());
    check_fun!(p, v, same64, "f64.trunc", f64_trunc, |a: f64| a.trunc());
    check_fun!(p, v, same64, "f64.nearest", f64_nearest, |a: f64| a.round_ties_even());
    check_fun!(p, v, same64, "f64.sqrt", f64_sqrt, |a: f64| a.sqrt());
    assert_eq!(p.f64_min(0.0, -0.0).unwrap().to_bits(), (-0.0f64).to_bits());
    assert_eq!(p.f64_max(-0.0, 0.0).unwrap().to_bits(), 0);
    assert!(p.f64_max(f64::NAN, 1.0).unwrap().is_nan());
    assert_eq!(p.f64_nearest(4503599627370497.0).unwrap(), 4503599627370497.0);
    assert_eq!(p.f64_nearest(-2.5).unwrap(), -2.0);
}

/// Reference for trapping float → int conversions (value already widened to f64, exactly).
fn trunc_ref(x: f64, lo: f64, hi: f64) -> R<f64> {
    if x.is_nan() {
        return Err(TrapKind::InvalidConversionToInteger);
    }
    let t = x.trunc();
    if t < lo || t >= hi {
        return Err(TrapKind::IntegerOverflow);
    }
    Ok(t)
}
const TWO31: f64 = 2147483648.0;
const TWO32: f64 = 4294967296.0;
const TWO63: f64 = 9223372036854775808.0;
const TWO64: f64 = 18446744073709551616.0;

#[test]
fn conversions() {
    let mut p = inst();
    for &x in I64S {
        assert_eq!(p.i32_wrap_i64(x).unwrap(), x as i32);
    }
    for &x in I32S {
        assert_eq!(p.i64_extend_i32_s(x).unwrap(), x as i64);
        assert_eq!(p.i64_extend_i32_u(x).unwrap(), x as u32 as i64);
        assert!(same32(p.f32_convert_i32_s(x).unwrap(), x as f32), "f32.convert_i32_s({x})");
        assert!(same32(p.f32_convert_i32_u(x).unwrap(), x as u32 as f32), "f32.convert_i32_u({x})");
        assert!(same64(p.f64_convert_i32_s(x).unwrap(), x as f64));
        assert!(same64(p.f64_convert_i32_u(x).unwrap(), x as u32 as f64));
        assert_eq!(p.f32_reinterpret_i32(x).unwrap().to_bits(), x as u32);
    }
    for &x in I64S {
        assert!(same32(p.f32_convert_i64_s(x).unwrap(), x as f32), "f32.convert_i64_s({x})");
        assert!(same32(p.f32_convert_i64_u(x).unwrap(), x as u64 as f32), "f32.convert_i64_u({x})");
        assert!(same64(p.f64_convert_i64_s(x).unwrap(), x as f64), "f64.convert_i64_s({x})");
        assert!(same64(p.f64_convert_i64_u(x).unwrap(), x as u64 as f64), "f64.convert_i64_u({x})");
        assert_eq!(p.f64_reinterpret_i64(x).unwrap().to_bits(), x as u64);
    }
    // Rounding of int → float (ties to even): 2^24 + 1 is not representable in f32.
    assert_eq!(p.f32_convert_i32_s(16777217).unwrap(), 16777216.0);
    assert_eq!(p.f32_convert_i64_u(u64::MAX as i64).unwrap(), 18446744073709551616.0);
    assert_eq!(p.f64_convert_i64_u(-1).unwrap(), 18446744073709551616.0);

    for x in f32s() {
        let w = x as f64;
        assert_eq!(kind(p.i32_trunc_f32_s(x)), trunc_ref(w, -TWO31, TWO31).map(|t| t as i32), "i32.trunc_f32_s({x:?})");
        assert_eq!(kind(p.i32_trunc_f32_u(x)), trunc_ref(w, -0.0, TWO32).map(|t| t as u32 as i32), "i32.trunc_f32_u({x:?})");
        assert_eq!(kind(p.i64_trunc_f32_s(x)), trunc_ref(w, -TWO63, TWO63).map(|t| t as i64), "i64.trunc_f32_s({x:?})");
        assert_eq!(kind(p.i64_trunc_f32_u(x)), trunc_ref(w, -0.0, TWO64).map(|t| t as u64 as i64), "i64.trunc_f32_u({x:?})");
        assert_eq!(p.i32_trunc_sat_f32_s(x).unwrap(), x as i32, "i32.trunc_sat_f32_s({x:?})");
        assert_eq!(p.i32_trunc_sat_f32_u(x).unwrap(), x as u32 as i32, "i32.trunc_sat_f32_u({x:?})");
        assert_eq!(p.i64_trunc_sat_f32_s(x).unwrap(), x as i64, "i64.trunc_sat_f32_s({x:?})");
        assert_eq!(p.i64_trunc_sat_f32_u(x).unwrap(), x as u64 as i64, "i64.trunc_sat_f32_u({x:?})");
        assert!(same64(p.f64_promote_f32(x).unwrap(), x as f64), "f64.promote_f32({x:?})");
        assert_eq!(p.i32_reinterpret_f32(x).unwrap(), x.to_bits() as i32);
    }
    for x in f64s() {
        assert_eq!(kind(p.i32_trunc_f64_s(x)), trunc_ref(x, -TWO31, TWO31).map(|t| t as i32), "i32.trunc_f64_s({x:?})");
        assert_eq!(kind(p.i32_trunc_f64_u(x)), trunc_ref(x, -0.0, TWO32).map(|t| t as u32 as i32), "i32.trunc_f64_u({x:?})");
        assert_eq!(kind(p.i64_trunc_f64_s(x)), trunc_ref(x, -TWO63, TWO63).map(|t| t as i64), "i64.trunc_f64_s({x:?})");
        assert_eq!(kind(p.i64_trunc_f64_u(x)), trunc_ref(x, -0.0, TWO64).map(|t| t as u64 as i64), "i64.trunc_f64_u({x:?})");
        assert_eq!(p.i32_trunc_sat_f64_s(x).unwrap(), x as i32, "i32.trunc_sat_f64_s({x:?})");
        assert_eq!(p.i32_trunc_sat_f64_u(x).unwrap(), x as u32 as i32, "i32.trunc_sat_f64_u({x:?})");
        assert_eq!(p.i64_trunc_sat_f64_s(x).unwrap(), x as i64, "i64.trunc_sat_f64_s({x:?})");
        assert_eq!(p.i64_trunc_sat_f64_u(x).unwrap(), x as u64 as i64, "i64.trunc_sat_f64_u({x:?})");
        assert!(same32(p.f32_demote_f64(x).unwrap(), x as f32), "f32.demote_f64({x:?})");
        assert_eq!(p.i64_reinterpret_f64(x).unwrap(), x.to_bits() as i64);
    }
    // Boundaries, literally.
    assert_eq!(p.i32_trunc_f32_s(-2147483648.0).unwrap(), i32::MIN);
    assert_eq!(p.i32_trunc_f32_s(2147483648.0).unwrap_err().kind(), TrapKind::IntegerOverflow);
    assert_eq!(p.i32_trunc_f32_s(-2147483904.0).unwrap_err().kind(), TrapKind::IntegerOverflow);
    assert_eq!(p.i32_trunc_f64_s(-2147483648.9).unwrap(), i32::MIN);
    assert_eq!(p.i32_trunc_f64_s(2147483647.9).unwrap(), i32::MAX);
    assert_eq!(p.i32_trunc_f64_u(-0.99999).unwrap(), 0);
    assert_eq!(p.i32_trunc_f64_u(4294967295.9).unwrap(), -1);
    assert_eq!(p.i32_trunc_f64_u(4294967296.0).unwrap_err().kind(), TrapKind::IntegerOverflow);
    assert_eq!(p.i32_trunc_f32_u(f32::NAN).unwrap_err().kind(), TrapKind::InvalidConversionToInteger);
    assert_eq!(p.i64_trunc_f64_s(-9223372036854775808.0).unwrap(), i64::MIN);
    assert_eq!(p.i64_trunc_f64_s(9223372036854775808.0).unwrap_err().kind(), TrapKind::IntegerOverflow);
    assert_eq!(p.i64_trunc_f64_u(18446744073709549568.0).unwrap(), -2048);
    assert_eq!(p.i64_trunc_f64_u(f64::INFINITY).unwrap_err().kind(), TrapKind::IntegerOverflow);
    assert_eq!(p.i32_trunc_sat_f32_s(f32::NAN).unwrap(), 0);
    assert_eq!(p.i32_trunc_sat_f32_s(f32::INFINITY).unwrap(), i32::MAX);
    assert_eq!(p.i32_trunc_sat_f32_u(-1.0).unwrap(), 0);
    assert_eq!(p.i64_trunc_sat_f64_u(f64::INFINITY).unwrap(), -1);
    assert_eq!(p.i64_trunc_sat_f64_s(f64::NEG_INFINITY).unwrap(), i64::MIN);
    assert_eq!(p.f32_demote_f64(f32::MAX as f64).unwrap(), f32::MAX);
    assert_eq!(p.f32_demote_f64(3.4028235677973366e38).unwrap(), f32::INFINITY, "the tie rounds to even = inf");
    assert_eq!(p.f32_demote_f64(1e-310).unwrap().to_bits(), 0);
    // The instance is still usable after all those traps.
    assert_eq!(p.i32_add(40, 2).unwrap(), 42);
}
