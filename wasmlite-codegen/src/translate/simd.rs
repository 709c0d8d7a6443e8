//! SIMD (v128) operators.
//!
//! Everything reaches this file through [`translate_simd`], the single dispatch point for
//! operators not handled by the other families (`v128.load`/`v128.store` are in `memory.rs`,
//! v128 locals/globals/params/results are plain values of the canonical type).
//!
//! API for filling this in (all `pub(crate)` on [`FuncTranslator`] `tr`):
//! * values: `tr.pop()`, `tr.pop2()`, `tr.pop3()`, `tr.push(v)`; a v128 value is always of the
//!   canonical LLVM type `<2 x i64>` (`tr.ctx.vector(tr.ctx.i64(), 2)`): `tr.b.bitcast` it to
//!   the lane type of an operation (e.g. `<4 x i32>`) and back to `<2 x i64>` before pushing.
//! * builder: `tr.b` (add/sub/mul/and/or/xor/shl/lshr/ashr/fadd/.../icmp/fcmp/select/
//!   extract_element/insert_element/shuffle/bitcast/sext/zext/trunc...), constants on `tr.ctx`
//!   (`const_int`, `const_vector`, `const_null`, `i32_const`...), intrinsics with
//!   `tr.call_intrinsic("llvm.smax", &[vec_ty], &[a, b])`.
//! * memory: `tr.pop_addr(memarg, size)` pops the address and returns the (bounds-checked when
//!   required) host pointer; `tr.effective_addr(mem, offset, addr, size)` for an explicit
//!   address value; then `tr.mem_load(ty, p)` / `tr.mem_store(v, p)` (never a plain
//!   `tr.b.load`: accesses must stay precise, see `FuncTranslator::needs_check`).
//! * traps: `tr.trap_if(i1_cond, wasmlite_abi::trap::...)`; errors: `tr.err(msg)`.
//!
//! Lowering: every operator works on native LLVM vectors of its lane shape (`<16 x i8>`,
//! `<8 x i16>`, `<4 x i32>`, `<2 x i64>`, `<4 x float>`, `<2 x double>`), so the backend selects
//! SSE/AVX instructions. Wasm semantics that differ from plain LLVM operations are spelled out:
//! shift counts are taken modulo the lane width, float `min`/`max` use `llvm.minimum`/
//! `llvm.maximum` (NaN-propagating, `-0 < +0`), `pmin`/`pmax` are compare+select, `nearest`
//! is `llvm.roundeven`, saturating truncation uses `llvm.fptosi.sat`/`llvm.fptoui.sat`,
//! `swizzle` yields 0 for indices >= 16, and narrowing saturates with signed clamps.

use wasmparser::{MemArg, Operator};

use crate::llvm::{Context, IntPred, RealPred, Type, Value};
use crate::CompileError;

use super::func::FuncTranslator;
use super::memory::MemPtr;

use IntPred::*;
use RealPred::*;

/// Lane shape of a v128 operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
}

use Shape::*;

impl Shape {
    /// Number of lanes.
    fn lanes(self) -> u32 {
        match self {
            I8 => 16,
            I16 => 8,
            I32 | F32 => 4,
            I64 | F64 => 2,
        }
    }
    /// Lane width in bits.
    fn bits(self) -> u32 {
        match self {
            I8 => 8,
            I16 => 16,
            I32 | F32 => 32,
            I64 | F64 => 64,
        }
    }
    /// Lane type.
    fn elem(self, ctx: &Context) -> Type<'_> {
        match self {
            I8 => ctx.i8(),
            I16 => ctx.i16(),
            I32 => ctx.i32(),
            I64 => ctx.i64(),
            F32 => ctx.f32(),
            F64 => ctx.f64(),
        }
    }
    /// Vector type `<lanes x elem>`.
    fn vty(self, ctx: &Context) -> Type<'_> {
        ctx.vector(self.elem(ctx), self.lanes())
    }
    /// The integer shape of the same lane width (for comparison results).
    fn int(self) -> Shape {
        match self {
            F32 => I32,
            F64 => I64,
            s => s,
        }
    }
    /// The integer shape with lanes twice as wide.
    fn wider(self) -> Shape {
        match self {
            I8 => I16,
            I16 => I32,
            _ => I64,
        }
    }
}

type Tr<'a, 'ctx> = FuncTranslator<'a, 'ctx>;
type Res<'ctx> = Result<Value<'ctx>, CompileError>;

/// Pop a v128 and view it with lane shape `s`.
fn pop_as<'ctx>(tr: &mut Tr<'_, 'ctx>, s: Shape) -> Res<'ctx> {
    let v = tr.pop()?;
    Ok(tr.b.bitcast(v, s.vty(tr.ctx)))
}

/// Push a 128-bit vector of any shape as the canonical `<2 x i64>`.
fn push_v<'ctx>(tr: &mut Tr<'_, 'ctx>, v: Value<'ctx>) {
    let ctx = tr.ctx;
    let v = tr.b.bitcast(v, ctx.vector(ctx.i64(), 2));
    tr.push(v);
}

/// Unary operator on shape `s`.
fn un<'a, 'ctx>(
    tr: &mut Tr<'a, 'ctx>,
    s: Shape,
    f: impl FnOnce(&Tr<'a, 'ctx>, Value<'ctx>) -> Res<'ctx>,
) -> Result<(), CompileError> {
    let a = pop_as(tr, s)?;
    let v = f(tr, a)?;
    push_v(tr, v);
    Ok(())
}

/// Binary operator on shape `s` (`b` was on top of the stack).
fn bin<'a, 'ctx>(
    tr: &mut Tr<'a, 'ctx>,
    s: Shape,
    f: impl FnOnce(&Tr<'a, 'ctx>, Value<'ctx>, Value<'ctx>) -> Res<'ctx>,
) -> Result<(), CompileError> {
    let b = pop_as(tr, s)?;
    let a = pop_as(tr, s)?;
    let v = f(tr, a, b)?;
    push_v(tr, v);
    Ok(())
}

/// Float arithmetic: like [`bin`], but a constant operand facing a non-constant one is hidden
/// from the optimiser, which would otherwise fold `x * 1`, `x / -1`, `x - 0`, `-0 - x`... to
/// `x`/`fneg x` and let a signalling NaN through unquieted (wasm requires an arithmetic NaN).
fn fbin<'a, 'ctx>(
    tr: &mut Tr<'a, 'ctx>,
    s: Shape,
    f: impl FnOnce(&Tr<'a, 'ctx>, Value<'ctx>, Value<'ctx>) -> Res<'ctx>,
) -> Result<(), CompileError> {
    bin(tr, s, |t, a, b| {
        let (a, b) = match (a.is_constant(), b.is_constant()) {
            (true, false) => (fp_barrier(t, a), b),
            (false, true) => (a, fp_barrier(t, b)),
            _ => (a, b),
        };
        f(t, a, b)
    })
}

/// Hide a value from the optimiser on targets with a known vector register constraint.
fn fp_barrier<'ctx>(tr: &Tr<'_, 'ctx>, v: Value<'ctx>) -> Value<'ctx> {
    let triple = tr.m.module.simd_target_triple();
    if triple.starts_with("x86_64") {
        tr.b.opaque(v, "=x,0")
    } else if triple.starts_with("aarch64") {
        tr.b.opaque(v, "=w,0")
    } else {
        v
    }
}

/// Unary intrinsic overloaded on the vector type.
fn un_intr(tr: &mut Tr<'_, '_>, s: Shape, name: &str) -> Result<(), CompileError> {
    un(tr, s, |t, a| t.call_intrinsic(name, &[a.ty()], &[a]))
}

/// Binary intrinsic overloaded on the vector type.
fn bin_intr(tr: &mut Tr<'_, '_>, s: Shape, name: &str) -> Result<(), CompileError> {
    bin(tr, s, |t, a, b| t.call_intrinsic(name, &[a.ty()], &[a, b]))
}

/// Integer comparison: all-ones lanes where `p` holds.
fn icmp(tr: &mut Tr<'_, '_>, s: Shape, p: IntPred) -> Result<(), CompileError> {
    bin(tr, s, |t, a, b| {
        let c = t.b.icmp(p, a, b);
        Ok(t.b.sext(c, s.vty(t.ctx)))
    })
}

/// Float comparison: all-ones lanes where `p` holds.
fn fcmp(tr: &mut Tr<'_, '_>, s: Shape, p: RealPred) -> Result<(), CompileError> {
    bin(tr, s, |t, a, b| {
        let c = t.b.fcmp(p, a, b);
        Ok(t.b.sext(c, s.int().vty(t.ctx)))
    })
}

/// Shift by a scalar i32 count taken modulo the lane width. `kind`: 0 shl, 1 shr_s, 2 shr_u.
fn shift(tr: &mut Tr<'_, '_>, s: Shape, kind: u8) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    let n = tr.pop()?;
    let v = pop_as(tr, s)?;
    let n = tr.b.and(n, ctx.i32_const(s.bits() as i32 - 1));
    let elem = s.elem(ctx);
    let n = match s.bits() {
        8 | 16 => tr.b.trunc(n, elem),
        64 => tr.b.zext(n, elem),
        _ => n,
    };
    let n = tr.b.splat(n, s.lanes());
    let r = match kind {
        0 => tr.b.shl(v, n),
        1 => tr.b.ashr(v, n),
        _ => tr.b.lshr(v, n),
    };
    push_v(tr, r);
    Ok(())
}

/// Lanes `[half*n/2, (half+1)*n/2)` of a vector with `n` lanes.
fn half<'ctx>(tr: &Tr<'_, 'ctx>, v: Value<'ctx>, s: Shape, high: bool) -> Value<'ctx> {
    let h = s.lanes() / 2;
    let start = if high { h } else { 0 };
    tr.b.shuffle1(v, start..start + h)
}

/// Extend the low or high half of `v` (shape `s`) to lanes twice as wide.
fn extend_half<'ctx>(
    tr: &Tr<'_, 'ctx>,
    v: Value<'ctx>,
    s: Shape,
    high: bool,
    signed: bool,
) -> Value<'ctx> {
    let h = half(tr, v, s, high);
    let to = tr.ctx.vector(s.wider().elem(tr.ctx), s.lanes() / 2);
    if signed {
        tr.b.sext(h, to)
    } else {
        tr.b.zext(h, to)
    }
}

/// `extend_low/high`: `s` is the source shape.
fn extend(tr: &mut Tr<'_, '_>, s: Shape, high: bool, signed: bool) -> Result<(), CompileError> {
    let v = pop_as(tr, s)?;
    let r = extend_half(tr, v, s, high, signed);
    push_v(tr, r);
    Ok(())
}

/// `extmul_low/high`: `s` is the source shape.
fn extmul(tr: &mut Tr<'_, '_>, s: Shape, high: bool, signed: bool) -> Result<(), CompileError> {
    let b = pop_as(tr, s)?;
    let a = pop_as(tr, s)?;
    let a = extend_half(tr, a, s, high, signed);
    let b = extend_half(tr, b, s, high, signed);
    let r = tr.b.mul(a, b);
    push_v(tr, r);
    Ok(())
}

/// Sum of adjacent lane pairs of `v` (`n` lanes → `n/2` lanes).
fn pairwise_add<'ctx>(tr: &Tr<'_, 'ctx>, v: Value<'ctx>, n: u32) -> Value<'ctx> {
    let even = tr.b.shuffle1(v, (0..n / 2).map(|i| 2 * i));
    let odd = tr.b.shuffle1(v, (0..n / 2).map(|i| 2 * i + 1));
    tr.b.add(even, odd)
}

/// `extadd_pairwise`: `s` is the source shape.
fn extadd_pairwise(tr: &mut Tr<'_, '_>, s: Shape, signed: bool) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    let v = pop_as(tr, s)?;
    let wide = ctx.vector(s.wider().elem(ctx), s.lanes());
    let w = if signed {
        tr.b.sext(v, wide)
    } else {
        tr.b.zext(v, wide)
    };
    let r = pairwise_add(tr, w, s.lanes());
    push_v(tr, r);
    Ok(())
}

/// `narrow_s/u`: `s` is the source shape (I16 or I32); saturates into the half-width lanes.
fn narrow(tr: &mut Tr<'_, '_>, s: Shape, signed: bool) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    let b = pop_as(tr, s)?;
    let a = pop_as(tr, s)?;
    let n = s.lanes();
    let both = tr.b.shuffle(a, b, ctx.mask(0..2 * n));
    let wide_ty = both.ty();
    let dst_bits = s.bits() / 2;
    let (lo, hi): (i64, i64) = if signed {
        (-(1i64 << (dst_bits - 1)), (1i64 << (dst_bits - 1)) - 1)
    } else {
        (0, (1i64 << dst_bits) - 1)
    };
    let lo = ctx.const_splat(ctx.const_int(s.elem(ctx), lo as u64), 2 * n);
    let hi = ctx.const_splat(ctx.const_int(s.elem(ctx), hi as u64), 2 * n);
    let c = tr.call_intrinsic("llvm.smax", &[wide_ty], &[both, lo])?;
    let c = tr.call_intrinsic("llvm.smin", &[wide_ty], &[c, hi])?;
    let r = tr.b.trunc(c, ctx.vector(ctx.int_type(dst_bits), 2 * n));
    push_v(tr, r);
    Ok(())
}

/// `avgr_u`: `(a + b + 1) >> 1` computed without overflow.
fn avgr_u(tr: &mut Tr<'_, '_>, s: Shape) -> Result<(), CompileError> {
    bin(tr, s, |t, a, b| {
        let ctx = t.ctx;
        let wide = ctx.vector(s.wider().elem(ctx), s.lanes());
        let one = ctx.const_splat(ctx.const_int(s.wider().elem(ctx), 1), s.lanes());
        let (a, b) = (t.b.zext(a, wide), t.b.zext(b, wide));
        let sum = t.b.add(t.b.add(a, b), one);
        let r = t.b.lshr(sum, one);
        Ok(t.b.trunc(r, s.vty(ctx)))
    })
}

/// `all_true`: 1 if every lane is non-zero.
fn all_true(tr: &mut Tr<'_, '_>, s: Shape) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    let v = pop_as(tr, s)?;
    let nz = tr.b.icmp(LLVMIntNE, v, ctx.const_null(v.ty()));
    let bits_ty = ctx.int_type(s.lanes());
    let bits = tr.b.bitcast(nz, bits_ty);
    let all = tr.b.icmp(LLVMIntEQ, bits, ctx.const_int(bits_ty, u64::MAX));
    let r = tr.b.zext(all, ctx.i32());
    tr.push(r);
    Ok(())
}

/// `bitmask`: the sign bit of every lane, lane 0 in bit 0.
fn bitmask(tr: &mut Tr<'_, '_>, s: Shape) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    let v = pop_as(tr, s)?;
    let neg = tr.b.icmp(LLVMIntSLT, v, ctx.const_null(v.ty()));
    let bits = tr.b.bitcast(neg, ctx.int_type(s.lanes()));
    let r = tr.b.zext(bits, ctx.i32());
    tr.push(r);
    Ok(())
}

/// `splat`: the scalar on the stack (i32 for i8/i16 lanes, truncated) in every lane.
fn splat(tr: &mut Tr<'_, '_>, s: Shape) -> Result<(), CompileError> {
    let x = tr.pop()?;
    let x = match s {
        I8 | I16 => tr.b.trunc(x, s.elem(tr.ctx)),
        _ => x,
    };
    let v = tr.b.splat(x, s.lanes());
    push_v(tr, v);
    Ok(())
}

/// `extract_lane`: `ext` = Some(signed) for i8/i16 lanes (extended to i32).
fn extract_lane(
    tr: &mut Tr<'_, '_>,
    s: Shape,
    lane: u8,
    ext: Option<bool>,
) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    check_lane(tr, s, lane)?;
    let v = pop_as(tr, s)?;
    let x = tr.b.extract_element(v, ctx.i32_const(lane as i32));
    let x = match ext {
        Some(true) => tr.b.sext(x, ctx.i32()),
        Some(false) => tr.b.zext(x, ctx.i32()),
        None => x,
    };
    tr.push(x);
    Ok(())
}

/// `replace_lane`: the scalar is on top, the vector below it.
fn replace_lane(tr: &mut Tr<'_, '_>, s: Shape, lane: u8) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    check_lane(tr, s, lane)?;
    let x = tr.pop()?;
    let v = pop_as(tr, s)?;
    let x = match s {
        I8 | I16 => tr.b.trunc(x, s.elem(ctx)),
        _ => x,
    };
    let r = tr.b.insert_element(v, x, ctx.i32_const(lane as i32));
    push_v(tr, r);
    Ok(())
}

/// Reject a lane index out of range for the shape (validated modules never have one).
fn check_lane(tr: &Tr<'_, '_>, s: Shape, lane: u8) -> Result<(), CompileError> {
    if (lane as u32) < s.lanes() {
        Ok(())
    } else {
        Err(tr.err(format!("invalid lane index {lane} for {} lanes", s.lanes())))
    }
}

/// `i8x16.swizzle`: `r[i] = a[b[i]]` if `b[i] < 16`, else 0.
///
/// Built as a vector of `extractelement a, b[i]` (an out-of-range index gives poison in that
/// lane only) masked by a lane-wise `b < 16` select. This is the shape the x86 backend turns
/// into `pshufb` when SSSE3 is available; otherwise it is scalarised.
fn swizzle(tr: &mut Tr<'_, '_>) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    let idx = pop_as(tr, I8)?;
    let a = pop_as(tr, I8)?;
    let vty = I8.vty(ctx);
    let mut r = ctx.poison(vty);
    for i in 0..16 {
        let li = ctx.i32_const(i);
        let k = tr.b.extract_element(idx, li);
        let k = tr.b.zext(k, ctx.i32());
        let x = tr.b.extract_element(a, k);
        r = tr.b.insert_element(r, x, li);
    }
    let sixteen = ctx.const_splat(ctx.const_int(ctx.i8(), 16), 16);
    let in_range = tr.b.icmp(LLVMIntULT, idx, sixteen);
    let r = tr.b.select(in_range, r, ctx.const_null(vty));
    push_v(tr, r);
    Ok(())
}

/// `i8x16.shuffle` with constant lane indices (0..32 over the concatenation `a ++ b`).
fn shuffle(tr: &mut Tr<'_, '_>, lanes: &[u8; 16]) -> Result<(), CompileError> {
    if let Some(l) = lanes.iter().find(|l| **l >= 32) {
        return Err(tr.err(format!("invalid shuffle lane index {l}")));
    }
    let b = pop_as(tr, I8)?;
    let a = pop_as(tr, I8)?;
    let r =
        tr.b.shuffle(a, b, tr.ctx.mask(lanes.iter().map(|l| *l as u32)));
    push_v(tr, r);
    Ok(())
}

/// `q15mulr_sat_s`: `sat16((a * b + 0x4000) >> 15)` (only `-32768 * -32768` saturates).
fn q15mulr_sat_s(tr: &mut Tr<'_, '_>) -> Result<(), CompileError> {
    bin(tr, I16, |t, a, b| {
        let ctx = t.ctx;
        let wide = ctx.vector(ctx.i32(), 8);
        let (a, b) = (t.b.sext(a, wide), t.b.sext(b, wide));
        let p = t.b.mul(a, b);
        let p = t.b.add(p, ctx.const_splat(ctx.i32_const(0x4000), 8));
        let p = t.b.ashr(p, ctx.const_splat(ctx.i32_const(15), 8));
        let p = t.call_intrinsic(
            "llvm.smin",
            &[wide],
            &[p, ctx.const_splat(ctx.i32_const(0x7fff), 8)],
        )?;
        Ok(t.b.trunc(p, I16.vty(ctx)))
    })
}

/// `i32x4.dot_i16x8_s`: products of signed i16 lanes, adjacent pairs summed.
fn dot_i16x8_s(tr: &mut Tr<'_, '_>) -> Result<(), CompileError> {
    bin(tr, I16, |t, a, b| {
        let wide = t.ctx.vector(t.ctx.i32(), 8);
        let (a, b) = (t.b.sext(a, wide), t.b.sext(b, wide));
        let p = t.b.mul(a, b);
        Ok(pairwise_add(t, p, 8))
    })
}

/// `v128.bitselect` (and the relaxed lane selects): `(a & c) | (b & !c)`.
fn bitselect(tr: &mut Tr<'_, '_>) -> Result<(), CompileError> {
    let c = pop_as(tr, I64)?;
    let b = pop_as(tr, I64)?;
    let a = pop_as(tr, I64)?;
    let x = tr.b.and(a, c);
    let y = tr.b.and(b, tr.b.not(c));
    let r = tr.b.or(x, y);
    push_v(tr, r);
    Ok(())
}

/// `relaxed_madd` `a * b + c` / `relaxed_nmadd` `-(a * b) + c`: unfused (two roundings),
/// like the non-relaxed `mul` then `add`.
fn madd(tr: &mut Tr<'_, '_>, s: Shape, negate: bool) -> Result<(), CompileError> {
    let c = pop_as(tr, s)?;
    let b = pop_as(tr, s)?;
    let a = pop_as(tr, s)?;
    let p = tr.b.fmul(a, b);
    let p = if negate { tr.b.fneg(p) } else { p };
    let r = tr.b.fadd(p, c);
    push_v(tr, r);
    Ok(())
}

/// Signed products of the i8 lanes of `a` and `b`, as `<16 x i16>`.
fn i8x16_products<'ctx>(t: &Tr<'_, 'ctx>, a: Value<'ctx>, b: Value<'ctx>) -> Value<'ctx> {
    let wide = t.ctx.vector(t.ctx.i16(), 16);
    t.b.mul(t.b.sext(a, wide), t.b.sext(b, wide))
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`: sums of adjacent signed byte products, wrapping.
fn relaxed_dot_i8x16(tr: &mut Tr<'_, '_>) -> Result<(), CompileError> {
    bin(tr, I8, |t, a, b| Ok(pairwise_add(t, i8x16_products(t, a, b), 16)))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: sums of four adjacent signed byte products plus `c`.
fn relaxed_dot_i8x16_add(tr: &mut Tr<'_, '_>) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    let c = pop_as(tr, I32)?;
    let b = pop_as(tr, I8)?;
    let a = pop_as(tr, I8)?;
    let p = i8x16_products(tr, a, b);
    let p = tr.b.sext(p, ctx.vector(ctx.i32(), 16));
    let pairs = pairwise_add(tr, p, 16);
    let quads = pairwise_add(tr, pairs, 8);
    let r = tr.b.add(quads, c);
    push_v(tr, r);
    Ok(())
}

/// `min`/`max`: `llvm.minimum`/`llvm.maximum`, except that a lane with a NaN operand gets
/// `a + b` so the NaN is quiet (an arithmetic NaN) even for a signalling input.
fn fminmax(tr: &mut Tr<'_, '_>, s: Shape, name: &str) -> Result<(), CompileError> {
    fbin(tr, s, |t, a, b| {
        let r = t.call_intrinsic(name, &[a.ty()], &[a, b])?;
        let is_nan = t.b.fcmp(LLVMRealUNO, a, b);
        let quiet = t.b.fadd(a, b);
        Ok(t.b.select(is_nan, quiet, r))
    })
}

/// `f32x4.pmin`/`pmax` (`b < a ? b : a` / `a < b ? b : a`).
fn pminmax(tr: &mut Tr<'_, '_>, s: Shape, max: bool) -> Result<(), CompileError> {
    bin(tr, s, |t, a, b| {
        let c = if max {
            t.b.fcmp(LLVMRealOLT, a, b)
        } else {
            t.b.fcmp(LLVMRealOLT, b, a)
        };
        Ok(t.b.select(c, b, a))
    })
}

/// `i32x4.trunc_sat_f32x4_s/u`.
fn trunc_sat_f32x4(tr: &mut Tr<'_, '_>, signed: bool) -> Result<(), CompileError> {
    let name = if signed {
        "llvm.fptosi.sat"
    } else {
        "llvm.fptoui.sat"
    };
    un(tr, F32, |t, a| {
        t.call_intrinsic(name, &[I32.vty(t.ctx), a.ty()], &[a])
    })
}

/// `i32x4.trunc_sat_f64x2_s/u_zero`: two saturated lanes, upper two lanes zero.
fn trunc_sat_f64x2_zero(tr: &mut Tr<'_, '_>, signed: bool) -> Result<(), CompileError> {
    let name = if signed {
        "llvm.fptosi.sat"
    } else {
        "llvm.fptoui.sat"
    };
    un(tr, F64, |t, a| {
        let ctx = t.ctx;
        let v2 = ctx.vector(ctx.i32(), 2);
        let r = t.call_intrinsic(name, &[v2, a.ty()], &[a])?;
        Ok(t.b.shuffle(r, ctx.const_null(v2), ctx.mask(0..4)))
    })
}

/// `f64x2.convert_low_i32x4_s/u`.
fn convert_low(tr: &mut Tr<'_, '_>, signed: bool) -> Result<(), CompileError> {
    un(tr, I32, |t, a| {
        let lo = t.b.shuffle1(a, 0..2);
        let to = F64.vty(t.ctx);
        Ok(if signed {
            t.b.sitofp(lo, to)
        } else {
            t.b.uitofp(lo, to)
        })
    })
}

/// Load `bytes` bytes as `<lanes x iN>` and extend each lane to twice its width.
fn load_extend(
    tr: &mut Tr<'_, '_>,
    memarg: &MemArg,
    s: Shape,
    signed: bool,
) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    let half_ty = ctx.vector(s.elem(ctx), s.lanes() / 2);
    let p = tr.pop_addr(memarg, 8)?;
    let v = tr.mem_load(half_ty, p);
    let to = ctx.vector(s.wider().elem(ctx), s.lanes() / 2);
    let r = if signed {
        tr.b.sext(v, to)
    } else {
        tr.b.zext(v, to)
    };
    push_v(tr, r);
    Ok(())
}

/// A scalar load whose result is splatted or inserted into a vector.
fn scalar_load<'ctx>(tr: &mut Tr<'_, 'ctx>, ty: Type<'ctx>, p: MemPtr<'ctx>) -> Value<'ctx> {
    tr.mem_load(ty, p)
}

/// `v128.loadN_splat`.
fn load_splat(tr: &mut Tr<'_, '_>, memarg: &MemArg, s: Shape) -> Result<(), CompileError> {
    let p = tr.pop_addr(memarg, s.bits() / 8)?;
    let x = scalar_load(tr, s.elem(tr.ctx), p);
    let v = tr.b.splat(x, s.lanes());
    push_v(tr, v);
    Ok(())
}

/// `v128.loadN_zero`: the scalar in lane 0, zeros elsewhere.
fn load_zero(tr: &mut Tr<'_, '_>, memarg: &MemArg, s: Shape) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    let p = tr.pop_addr(memarg, s.bits() / 8)?;
    let x = scalar_load(tr, s.elem(ctx), p);
    let v =
        tr.b.insert_element(ctx.const_null(s.vty(ctx)), x, ctx.i32_const(0));
    push_v(tr, v);
    Ok(())
}

/// `v128.loadN_lane`: operands (address, vector) with the vector on top.
fn load_lane(tr: &mut Tr<'_, '_>, memarg: &MemArg, s: Shape, lane: u8) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    check_lane(tr, s, lane)?;
    let v = pop_as(tr, s)?;
    let p = tr.pop_addr(memarg, s.bits() / 8)?;
    let x = scalar_load(tr, s.elem(ctx), p);
    let r = tr.b.insert_element(v, x, ctx.i32_const(lane as i32));
    push_v(tr, r);
    Ok(())
}

/// `v128.storeN_lane`: operands (address, vector) with the vector on top.
fn store_lane(
    tr: &mut Tr<'_, '_>,
    memarg: &MemArg,
    s: Shape,
    lane: u8,
) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    check_lane(tr, s, lane)?;
    let v = pop_as(tr, s)?;
    let p = tr.pop_addr(memarg, s.bits() / 8)?;
    let x = tr.b.extract_element(v, ctx.i32_const(lane as i32));
    tr.mem_store(x, p);
    Ok(())
}

/// Translate a SIMD operator (or report an unsupported operator).
pub(crate) fn translate_simd(
    tr: &mut FuncTranslator<'_, '_>,
    op: &Operator<'_>,
) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    use Operator as O;
    match op {
        O::V128Const { value } => {
            let v = u128::from_le_bytes(*value.bytes());
            let lo = ctx.const_int(ctx.i64(), v as u64);
            let hi = ctx.const_int(ctx.i64(), (v >> 64) as u64);
            tr.push(ctx.const_vector(&[lo, hi]));
            Ok(())
        }

        // Memory.
        O::V128Load8x8S { memarg } => load_extend(tr, memarg, I8, true),
        O::V128Load8x8U { memarg } => load_extend(tr, memarg, I8, false),
        O::V128Load16x4S { memarg } => load_extend(tr, memarg, I16, true),
        O::V128Load16x4U { memarg } => load_extend(tr, memarg, I16, false),
        O::V128Load32x2S { memarg } => load_extend(tr, memarg, I32, true),
        O::V128Load32x2U { memarg } => load_extend(tr, memarg, I32, false),
        O::V128Load8Splat { memarg } => load_splat(tr, memarg, I8),
        O::V128Load16Splat { memarg } => load_splat(tr, memarg, I16),
        O::V128Load32Splat { memarg } => load_splat(tr, memarg, I32),
        O::V128Load64Splat { memarg } => load_splat(tr, memarg, I64),
        O::V128Load32Zero { memarg } => load_zero(tr, memarg, I32),
        O::V128Load64Zero { memarg } => load_zero(tr, memarg, I64),
        O::V128Load8Lane { memarg, lane } => load_lane(tr, memarg, I8, *lane),
        O::V128Load16Lane { memarg, lane } => load_lane(tr, memarg, I16, *lane),
        O::V128Load32Lane { memarg, lane } => load_lane(tr, memarg, I32, *lane),
        O::V128Load64Lane { memarg, lane } => load_lane(tr, memarg, I64, *lane),
        O::V128Store8Lane { memarg, lane } => store_lane(tr, memarg, I8, *lane),
        O::V128Store16Lane { memarg, lane } => store_lane(tr, memarg, I16, *lane),
        O::V128Store32Lane { memarg, lane } => store_lane(tr, memarg, I32, *lane),
        O::V128Store64Lane { memarg, lane } => store_lane(tr, memarg, I64, *lane),

        // Relaxed SIMD: each operator has one deterministic lowering, the result its
        // non-relaxed counterpart gives (an allowed choice; identical on every target).
        O::I8x16RelaxedSwizzle => swizzle(tr),
        O::I32x4RelaxedTruncF32x4S => trunc_sat_f32x4(tr, true),
        O::I32x4RelaxedTruncF32x4U => trunc_sat_f32x4(tr, false),
        O::I32x4RelaxedTruncF64x2SZero => trunc_sat_f64x2_zero(tr, true),
        O::I32x4RelaxedTruncF64x2UZero => trunc_sat_f64x2_zero(tr, false),
        O::F32x4RelaxedMadd => madd(tr, F32, false),
        O::F32x4RelaxedNmadd => madd(tr, F32, true),
        O::F64x2RelaxedMadd => madd(tr, F64, false),
        O::F64x2RelaxedNmadd => madd(tr, F64, true),
        O::I8x16RelaxedLaneselect
        | O::I16x8RelaxedLaneselect
        | O::I32x4RelaxedLaneselect
        | O::I64x2RelaxedLaneselect => bitselect(tr),
        O::F32x4RelaxedMin => fminmax(tr, F32, "llvm.minimum"),
        O::F32x4RelaxedMax => fminmax(tr, F32, "llvm.maximum"),
        O::F64x2RelaxedMin => fminmax(tr, F64, "llvm.minimum"),
        O::F64x2RelaxedMax => fminmax(tr, F64, "llvm.maximum"),
        O::I16x8RelaxedQ15mulrS => q15mulr_sat_s(tr),
        O::I16x8RelaxedDotI8x16I7x16S => relaxed_dot_i8x16(tr),
        O::I32x4RelaxedDotI8x16I7x16AddS => relaxed_dot_i8x16_add(tr),

        // Lanes.
        O::I8x16Shuffle { lanes } => shuffle(tr, lanes),
        O::I8x16Swizzle => swizzle(tr),
        O::I8x16ExtractLaneS { lane } => extract_lane(tr, I8, *lane, Some(true)),
        O::I8x16ExtractLaneU { lane } => extract_lane(tr, I8, *lane, Some(false)),
        O::I16x8ExtractLaneS { lane } => extract_lane(tr, I16, *lane, Some(true)),
        O::I16x8ExtractLaneU { lane } => extract_lane(tr, I16, *lane, Some(false)),
        O::I32x4ExtractLane { lane } => extract_lane(tr, I32, *lane, None),
        O::I64x2ExtractLane { lane } => extract_lane(tr, I64, *lane, None),
        O::F32x4ExtractLane { lane } => extract_lane(tr, F32, *lane, None),
        O::F64x2ExtractLane { lane } => extract_lane(tr, F64, *lane, None),
        O::I8x16ReplaceLane { lane } => replace_lane(tr, I8, *lane),
        O::I16x8ReplaceLane { lane } => replace_lane(tr, I16, *lane),
        O::I32x4ReplaceLane { lane } => replace_lane(tr, I32, *lane),
        O::I64x2ReplaceLane { lane } => replace_lane(tr, I64, *lane),
        O::F32x4ReplaceLane { lane } => replace_lane(tr, F32, *lane),
        O::F64x2ReplaceLane { lane } => replace_lane(tr, F64, *lane),
        O::I8x16Splat => splat(tr, I8),
        O::I16x8Splat => splat(tr, I16),
        O::I32x4Splat => splat(tr, I32),
        O::I64x2Splat => splat(tr, I64),
        O::F32x4Splat => splat(tr, F32),
        O::F64x2Splat => splat(tr, F64),

        // Integer comparisons.
        O::I8x16Eq => icmp(tr, I8, LLVMIntEQ),
        O::I8x16Ne => icmp(tr, I8, LLVMIntNE),
        O::I8x16LtS => icmp(tr, I8, LLVMIntSLT),
        O::I8x16LtU => icmp(tr, I8, LLVMIntULT),
        O::I8x16GtS => icmp(tr, I8, LLVMIntSGT),
        O::I8x16GtU => icmp(tr, I8, LLVMIntUGT),
        O::I8x16LeS => icmp(tr, I8, LLVMIntSLE),
        O::I8x16LeU => icmp(tr, I8, LLVMIntULE),
        O::I8x16GeS => icmp(tr, I8, LLVMIntSGE),
        O::I8x16GeU => icmp(tr, I8, LLVMIntUGE),
        O::I16x8Eq => icmp(tr, I16, LLVMIntEQ),
        O::I16x8Ne => icmp(tr, I16, LLVMIntNE),
        O::I16x8LtS => icmp(tr, I16, LLVMIntSLT),
        O::I16x8LtU => icmp(tr, I16, LLVMIntULT),
        O::I16x8GtS => icmp(tr, I16, LLVMIntSGT),
        O::I16x8GtU => icmp(tr, I16, LLVMIntUGT),
        O::I16x8LeS => icmp(tr, I16, LLVMIntSLE),
        O::I16x8LeU => icmp(tr, I16, LLVMIntULE),
        O::I16x8GeS => icmp(tr, I16, LLVMIntSGE),
        O::I16x8GeU => icmp(tr, I16, LLVMIntUGE),
        O::I32x4Eq => icmp(tr, I32, LLVMIntEQ),
        O::I32x4Ne => icmp(tr, I32, LLVMIntNE),
        O::I32x4LtS => icmp(tr, I32, LLVMIntSLT),
        O::I32x4LtU => icmp(tr, I32, LLVMIntULT),
        O::I32x4GtS => icmp(tr, I32, LLVMIntSGT),
        O::I32x4GtU => icmp(tr, I32, LLVMIntUGT),
        O::I32x4LeS => icmp(tr, I32, LLVMIntSLE),
        O::I32x4LeU => icmp(tr, I32, LLVMIntULE),
        O::I32x4GeS => icmp(tr, I32, LLVMIntSGE),
        O::I32x4GeU => icmp(tr, I32, LLVMIntUGE),
        O::I64x2Eq => icmp(tr, I64, LLVMIntEQ),
        O::I64x2Ne => icmp(tr, I64, LLVMIntNE),
        O::I64x2LtS => icmp(tr, I64, LLVMIntSLT),
        O::I64x2GtS => icmp(tr, I64, LLVMIntSGT),
        O::I64x2LeS => icmp(tr, I64, LLVMIntSLE),
        O::I64x2GeS => icmp(tr, I64, LLVMIntSGE),

        // Float comparisons.
        O::F32x4Eq => fcmp(tr, F32, LLVMRealOEQ),
        O::F32x4Ne => fcmp(tr, F32, LLVMRealUNE),
        O::F32x4Lt => fcmp(tr, F32, LLVMRealOLT),
        O::F32x4Gt => fcmp(tr, F32, LLVMRealOGT),
        O::F32x4Le => fcmp(tr, F32, LLVMRealOLE),
        O::F32x4Ge => fcmp(tr, F32, LLVMRealOGE),
        O::F64x2Eq => fcmp(tr, F64, LLVMRealOEQ),
        O::F64x2Ne => fcmp(tr, F64, LLVMRealUNE),
        O::F64x2Lt => fcmp(tr, F64, LLVMRealOLT),
        O::F64x2Gt => fcmp(tr, F64, LLVMRealOGT),
        O::F64x2Le => fcmp(tr, F64, LLVMRealOLE),
        O::F64x2Ge => fcmp(tr, F64, LLVMRealOGE),

        // Bitwise.
        O::V128Not => un(tr, I64, |t, a| Ok(t.b.not(a))),
        O::V128And => bin(tr, I64, |t, a, b| Ok(t.b.and(a, b))),
        O::V128AndNot => bin(tr, I64, |t, a, b| Ok(t.b.and(a, t.b.not(b)))),
        O::V128Or => bin(tr, I64, |t, a, b| Ok(t.b.or(a, b))),
        O::V128Xor => bin(tr, I64, |t, a, b| Ok(t.b.xor(a, b))),
        O::V128Bitselect => bitselect(tr),
        O::V128AnyTrue => {
            let v = tr.pop()?;
            let w = tr.b.bitcast(v, ctx.i128());
            let nz = tr.b.icmp(LLVMIntNE, w, ctx.const_null(ctx.i128()));
            let r = tr.b.zext(nz, ctx.i32());
            tr.push(r);
            Ok(())
        }

        // i8x16.
        O::I8x16Abs => un(tr, I8, |t, a| {
            t.call_intrinsic("llvm.abs", &[a.ty()], &[a, t.ctx.bool_const(false)])
        }),
        O::I8x16Neg => un(tr, I8, |t, a| Ok(t.b.sub(t.ctx.const_null(a.ty()), a))),
        O::I8x16Popcnt => un_intr(tr, I8, "llvm.ctpop"),
        O::I8x16AllTrue => all_true(tr, I8),
        O::I8x16Bitmask => bitmask(tr, I8),
        O::I8x16NarrowI16x8S => narrow(tr, I16, true),
        O::I8x16NarrowI16x8U => narrow(tr, I16, false),
        O::I8x16Shl => shift(tr, I8, 0),
        O::I8x16ShrS => shift(tr, I8, 1),
        O::I8x16ShrU => shift(tr, I8, 2),
        O::I8x16Add => bin(tr, I8, |t, a, b| Ok(t.b.add(a, b))),
        O::I8x16AddSatS => bin_intr(tr, I8, "llvm.sadd.sat"),
        O::I8x16AddSatU => bin_intr(tr, I8, "llvm.uadd.sat"),
        O::I8x16Sub => bin(tr, I8, |t, a, b| Ok(t.b.sub(a, b))),
        O::I8x16SubSatS => bin_intr(tr, I8, "llvm.ssub.sat"),
        O::I8x16SubSatU => bin_intr(tr, I8, "llvm.usub.sat"),
        O::I8x16MinS => bin_intr(tr, I8, "llvm.smin"),
        O::I8x16MinU => bin_intr(tr, I8, "llvm.umin"),
        O::I8x16MaxS => bin_intr(tr, I8, "llvm.smax"),
        O::I8x16MaxU => bin_intr(tr, I8, "llvm.umax"),
        O::I8x16AvgrU => avgr_u(tr, I8),

        // i16x8.
        O::I16x8ExtAddPairwiseI8x16S => extadd_pairwise(tr, I8, true),
        O::I16x8ExtAddPairwiseI8x16U => extadd_pairwise(tr, I8, false),
        O::I16x8Abs => un(tr, I16, |t, a| {
            t.call_intrinsic("llvm.abs", &[a.ty()], &[a, t.ctx.bool_const(false)])
        }),
        O::I16x8Neg => un(tr, I16, |t, a| Ok(t.b.sub(t.ctx.const_null(a.ty()), a))),
        O::I16x8Q15MulrSatS => q15mulr_sat_s(tr),
        O::I16x8AllTrue => all_true(tr, I16),
        O::I16x8Bitmask => bitmask(tr, I16),
        O::I16x8NarrowI32x4S => narrow(tr, I32, true),
        O::I16x8NarrowI32x4U => narrow(tr, I32, false),
        O::I16x8ExtendLowI8x16S => extend(tr, I8, false, true),
        O::I16x8ExtendHighI8x16S => extend(tr, I8, true, true),
        O::I16x8ExtendLowI8x16U => extend(tr, I8, false, false),
        O::I16x8ExtendHighI8x16U => extend(tr, I8, true, false),
        O::I16x8Shl => shift(tr, I16, 0),
        O::I16x8ShrS => shift(tr, I16, 1),
        O::I16x8ShrU => shift(tr, I16, 2),
        O::I16x8Add => bin(tr, I16, |t, a, b| Ok(t.b.add(a, b))),
        O::I16x8AddSatS => bin_intr(tr, I16, "llvm.sadd.sat"),
        O::I16x8AddSatU => bin_intr(tr, I16, "llvm.uadd.sat"),
        O::I16x8Sub => bin(tr, I16, |t, a, b| Ok(t.b.sub(a, b))),
        O::I16x8SubSatS => bin_intr(tr, I16, "llvm.ssub.sat"),
        O::I16x8SubSatU => bin_intr(tr, I16, "llvm.usub.sat"),
        O::I16x8Mul => bin(tr, I16, |t, a, b| Ok(t.b.mul(a, b))),
        O::I16x8MinS => bin_intr(tr, I16, "llvm.smin"),
        O::I16x8MinU => bin_intr(tr, I16, "llvm.umin"),
        O::I16x8MaxS => bin_intr(tr, I16, "llvm.smax"),
        O::I16x8MaxU => bin_intr(tr, I16, "llvm.umax"),
        O::I16x8AvgrU => avgr_u(tr, I16),
        O::I16x8ExtMulLowI8x16S => extmul(tr, I8, false, true),
        O::I16x8ExtMulHighI8x16S => extmul(tr, I8, true, true),
        O::I16x8ExtMulLowI8x16U => extmul(tr, I8, false, false),
        O::I16x8ExtMulHighI8x16U => extmul(tr, I8, true, false),

        // i32x4.
        O::I32x4ExtAddPairwiseI16x8S => extadd_pairwise(tr, I16, true),
        O::I32x4ExtAddPairwiseI16x8U => extadd_pairwise(tr, I16, false),
        O::I32x4Abs => un(tr, I32, |t, a| {
            t.call_intrinsic("llvm.abs", &[a.ty()], &[a, t.ctx.bool_const(false)])
        }),
        O::I32x4Neg => un(tr, I32, |t, a| Ok(t.b.sub(t.ctx.const_null(a.ty()), a))),
        O::I32x4AllTrue => all_true(tr, I32),
        O::I32x4Bitmask => bitmask(tr, I32),
        O::I32x4ExtendLowI16x8S => extend(tr, I16, false, true),
        O::I32x4ExtendHighI16x8S => extend(tr, I16, true, true),
        O::I32x4ExtendLowI16x8U => extend(tr, I16, false, false),
        O::I32x4ExtendHighI16x8U => extend(tr, I16, true, false),
        O::I32x4Shl => shift(tr, I32, 0),
        O::I32x4ShrS => shift(tr, I32, 1),
        O::I32x4ShrU => shift(tr, I32, 2),
        O::I32x4Add => bin(tr, I32, |t, a, b| Ok(t.b.add(a, b))),
        O::I32x4Sub => bin(tr, I32, |t, a, b| Ok(t.b.sub(a, b))),
        O::I32x4Mul => bin(tr, I32, |t, a, b| Ok(t.b.mul(a, b))),
        O::I32x4MinS => bin_intr(tr, I32, "llvm.smin"),
        O::I32x4MinU => bin_intr(tr, I32, "llvm.umin"),
        O::I32x4MaxS => bin_intr(tr, I32, "llvm.smax"),
        O::I32x4MaxU => bin_intr(tr, I32, "llvm.umax"),
        O::I32x4DotI16x8S => dot_i16x8_s(tr),
        O::I32x4ExtMulLowI16x8S => extmul(tr, I16, false, true),
        O::I32x4ExtMulHighI16x8S => extmul(tr, I16, true, true),
        O::I32x4ExtMulLowI16x8U => extmul(tr, I16, false, false),
        O::I32x4ExtMulHighI16x8U => extmul(tr, I16, true, false),

        // i64x2.
        O::I64x2Abs => un(tr, I64, |t, a| {
            t.call_intrinsic("llvm.abs", &[a.ty()], &[a, t.ctx.bool_const(false)])
        }),
        O::I64x2Neg => un(tr, I64, |t, a| Ok(t.b.sub(t.ctx.const_null(a.ty()), a))),
        O::I64x2AllTrue => all_true(tr, I64),
        O::I64x2Bitmask => bitmask(tr, I64),
        O::I64x2ExtendLowI32x4S => extend(tr, I32, false, true),
        O::I64x2ExtendHighI32x4S => extend(tr, I32, true, true),
        O::I64x2ExtendLowI32x4U => extend(tr, I32, false, false),
        O::I64x2ExtendHighI32x4U => extend(tr, I32, true, false),
        O::I64x2Shl => shift(tr, I64, 0),
        O::I64x2ShrS => shift(tr, I64, 1),
        O::I64x2ShrU => shift(tr, I64, 2),
        O::I64x2Add => bin(tr, I64, |t, a, b| Ok(t.b.add(a, b))),
        O::I64x2Sub => bin(tr, I64, |t, a, b| Ok(t.b.sub(a, b))),
        O::I64x2Mul => bin(tr, I64, |t, a, b| Ok(t.b.mul(a, b))),
        O::I64x2ExtMulLowI32x4S => extmul(tr, I32, false, true),
        O::I64x2ExtMulHighI32x4S => extmul(tr, I32, true, true),
        O::I64x2ExtMulLowI32x4U => extmul(tr, I32, false, false),
        O::I64x2ExtMulHighI32x4U => extmul(tr, I32, true, false),

        // f32x4 / f64x2.
        O::F32x4Ceil => un_intr(tr, F32, "llvm.ceil"),
        O::F32x4Floor => un_intr(tr, F32, "llvm.floor"),
        O::F32x4Trunc => un_intr(tr, F32, "llvm.trunc"),
        O::F32x4Nearest => un_intr(tr, F32, "llvm.roundeven"),
        O::F32x4Abs => un_intr(tr, F32, "llvm.fabs"),
        O::F32x4Neg => un(tr, F32, |t, a| Ok(t.b.fneg(a))),
        O::F32x4Sqrt => un_intr(tr, F32, "llvm.sqrt"),
        O::F32x4Add => fbin(tr, F32, |t, a, b| Ok(t.b.fadd(a, b))),
        O::F32x4Sub => fbin(tr, F32, |t, a, b| Ok(t.b.fsub(a, b))),
        O::F32x4Mul => fbin(tr, F32, |t, a, b| Ok(t.b.fmul(a, b))),
        O::F32x4Div => fbin(tr, F32, |t, a, b| Ok(t.b.fdiv(a, b))),
        O::F32x4Min => fminmax(tr, F32, "llvm.minimum"),
        O::F32x4Max => fminmax(tr, F32, "llvm.maximum"),
        O::F32x4PMin => pminmax(tr, F32, false),
        O::F32x4PMax => pminmax(tr, F32, true),
        O::F64x2Ceil => un_intr(tr, F64, "llvm.ceil"),
        O::F64x2Floor => un_intr(tr, F64, "llvm.floor"),
        O::F64x2Trunc => un_intr(tr, F64, "llvm.trunc"),
        O::F64x2Nearest => un_intr(tr, F64, "llvm.roundeven"),
        O::F64x2Abs => un_intr(tr, F64, "llvm.fabs"),
        O::F64x2Neg => un(tr, F64, |t, a| Ok(t.b.fneg(a))),
        O::F64x2Sqrt => un_intr(tr, F64, "llvm.sqrt"),
        O::F64x2Add => fbin(tr, F64, |t, a, b| Ok(t.b.fadd(a, b))),
        O::F64x2Sub => fbin(tr, F64, |t, a, b| Ok(t.b.fsub(a, b))),
        O::F64x2Mul => fbin(tr, F64, |t, a, b| Ok(t.b.fmul(a, b))),
        O::F64x2Div => fbin(tr, F64, |t, a, b| Ok(t.b.fdiv(a, b))),
        O::F64x2Min => fminmax(tr, F64, "llvm.minimum"),
        O::F64x2Max => fminmax(tr, F64, "llvm.maximum"),
        O::F64x2PMin => pminmax(tr, F64, false),
        O::F64x2PMax => pminmax(tr, F64, true),

        // Conversions.
        O::I32x4TruncSatF32x4S => trunc_sat_f32x4(tr, true),
        O::I32x4TruncSatF32x4U => trunc_sat_f32x4(tr, false),
        O::F32x4ConvertI32x4S => un(tr, I32, |t, a| Ok(t.b.sitofp(a, F32.vty(t.ctx)))),
        O::F32x4ConvertI32x4U => un(tr, I32, |t, a| Ok(t.b.uitofp(a, F32.vty(t.ctx)))),
        O::I32x4TruncSatF64x2SZero => trunc_sat_f64x2_zero(tr, true),
        O::I32x4TruncSatF64x2UZero => trunc_sat_f64x2_zero(tr, false),
        O::F64x2ConvertLowI32x4S => convert_low(tr, true),
        O::F64x2ConvertLowI32x4U => convert_low(tr, false),
        O::F32x4DemoteF64x2Zero => un(tr, F64, |t, a| {
            let ctx = t.ctx;
            let v2 = ctx.vector(ctx.f32(), 2);
            let d = t.b.fptrunc(a, v2);
            Ok(t.b.shuffle(d, ctx.const_null(v2), ctx.mask(0..4)))
        }),
        O::F64x2PromoteLowF32x4 => un(tr, F32, |t, a| {
            let lo = t.b.shuffle1(a, 0..2);
            Ok(t.b.fpext(lo, F64.vty(t.ctx)))
        }),

        other => {
            let name = format!("{other:?}");
            let name = name
                .split([' ', '{', '('])
                .next()
                .unwrap_or("?")
                .to_string();
            Err(tr.err(format!("unsupported SIMD operator: {name}")))
        }
    }
}

#[cfg(test)]
mod tests {
    //! The SIMD lowering is checked three ways: the spec runner (`wasmlite-spectest` over
    //! `simd_*.wast`, executing the machine code), the compile test below (every SIMD module of
    //! the testsuite through several CPUs and optimisation levels, so no LLVM backend failure is
    //! reachable), and value tests here that let LLVM's optimiser constant-fold a function with
    //! constant operands: the folded `ret` is the exact meaning of the IR we produced.

    use crate::{compile, compile_to_ir, Config};

    /// Optimised IR of a module.
    fn ir(wat: &str) -> String {
        let w = wat::parse_str(wat).expect("valid wat");
        let p = wasmlite_abi::symbol_prefix("simd", &w);
        compile_to_ir(&w, &p, &Config::default()).expect("compiles")
    }

    /// The `ret` instruction operand of the native function of function 0.
    fn ret_of_f0(wat: &str) -> String {
        let text = ir(wat);
        let mut inside = false;
        for line in text.lines() {
            if line.starts_with("define") {
                inside = line.contains("_f0(");
            } else if inside {
                if let Some(r) = line.trim().strip_prefix("ret ") {
                    return r.to_string();
                }
            }
        }
        panic!("no ret in f0:\n{text}");
    }

    /// Constant-fold `expr` (a v128-valued folded wat expression) and return its bits.
    fn v128(expr: &str) -> u128 {
        let r = ret_of_f0(&format!("(module (func (result v128) {expr}))"));
        let r = r
            .strip_prefix("<2 x i64> ")
            .unwrap_or_else(|| panic!("not folded: {r}"));
        if r == "zeroinitializer" {
            return 0;
        }
        let words: Vec<u64> = r
            .trim_start_matches('<')
            .trim_end_matches('>')
            .split(',')
            .map(|w| {
                let w = w
                    .trim()
                    .strip_prefix("i64 ")
                    .unwrap_or_else(|| panic!("not folded: {r}"));
                w.parse::<i64>()
                    .unwrap_or_else(|_| panic!("not folded: {r}")) as u64
            })
            .collect();
        assert_eq!(words.len(), 2, "{r}");
        words[0] as u128 | (words[1] as u128) << 64
    }

    /// Constant-fold an i32-valued expression.
    fn i32v(expr: &str) -> i32 {
        let r = ret_of_f0(&format!("(module (func (result i32) {expr}))"));
        let n = r
            .strip_prefix("i32 ")
            .unwrap_or_else(|| panic!("not folded: {r}"));
        n.parse().unwrap_or_else(|_| panic!("not folded: {r}"))
    }

    fn bytes(b: [u8; 16]) -> u128 {
        u128::from_le_bytes(b)
    }
    fn i16s(v: [i16; 8]) -> u128 {
        v.iter()
            .enumerate()
            .fold(0, |acc, (i, x)| acc | ((*x as u16 as u128) << (16 * i)))
    }
    fn i32s(v: [i32; 4]) -> u128 {
        v.iter()
            .enumerate()
            .fold(0, |acc, (i, x)| acc | ((*x as u32 as u128) << (32 * i)))
    }
    fn f32s(v: [f32; 4]) -> u128 {
        i32s(v.map(|f| f.to_bits() as i32))
    }

    #[test]
    fn swizzle_zeroes_out_of_range_indices() {
        let r = v128(
            "(i8x16.swizzle (v128.const i8x16 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115)
                            (v128.const i8x16 0 15 16 255 1 2 3 4 5 6 7 8 9 10 31 128))",
        );
        assert_eq!(
            r,
            bytes([100, 115, 0, 0, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 0, 0])
        );
    }

    #[test]
    fn shuffle_selects_from_both_operands() {
        let r = v128(
            "(i8x16.shuffle 31 0 16 1 17 2 18 3 19 4 20 5 21 6 22 15
               (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
               (v128.const i8x16 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31))",
        );
        assert_eq!(
            r,
            bytes([31, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 15])
        );
    }

    #[test]
    fn lanes_extract_replace_splat() {
        assert_eq!(
            i32v("(i8x16.extract_lane_s 3 (v128.const i8x16 0 0 0 -2 0 0 0 0 0 0 0 0 0 0 0 0))"),
            -2
        );
        assert_eq!(
            i32v("(i8x16.extract_lane_u 3 (v128.const i8x16 0 0 0 -2 0 0 0 0 0 0 0 0 0 0 0 0))"),
            254
        );
        assert_eq!(
            i32v("(i16x8.extract_lane_s 7 (v128.const i16x8 0 0 0 0 0 0 0 -32768))"),
            -32768
        );
        assert_eq!(
            i32v("(i16x8.extract_lane_u 7 (v128.const i16x8 0 0 0 0 0 0 0 -32768))"),
            32768
        );
        assert_eq!(
            v128("(i8x16.replace_lane 15 (v128.const i64x2 0 0) (i32.const 0x1ff))"),
            0xffu128 << 120
        );
        assert_eq!(v128("(i16x8.splat (i32.const 0x12345))"), i16s([0x2345; 8]));
        assert_eq!(v128("(f32x4.splat (f32.const -1.5))"), f32s([-1.5; 4]));
    }

    #[test]
    fn shifts_take_count_modulo_lane_width() {
        assert_eq!(
            v128("(i32x4.shl (v128.const i32x4 1 2 3 4) (i32.const 33))"),
            i32s([2, 4, 6, 8])
        );
        assert_eq!(
            v128("(i8x16.shr_s (i8x16.splat (i32.const -128)) (i32.const 9))"),
            bytes([0xc0; 16])
        );
        assert_eq!(
            v128("(i8x16.shr_u (i8x16.splat (i32.const -128)) (i32.const 15))"),
            bytes([1; 16])
        );
        assert_eq!(
            v128("(i64x2.shr_s (v128.const i64x2 -8 8) (i32.const 66))"),
            (2u128 << 64) | (-2i64 as u64 as u128)
        );
    }

    #[test]
    fn saturating_and_averaging_arithmetic() {
        assert_eq!(
            v128("(i8x16.add_sat_s (i8x16.splat (i32.const 100)) (i8x16.splat (i32.const 100)))"),
            bytes([127; 16])
        );
        assert_eq!(
            v128("(i8x16.sub_sat_u (i8x16.splat (i32.const 1)) (i8x16.splat (i32.const 2)))"),
            0
        );
        assert_eq!(
            v128("(i16x8.add_sat_u (i16x8.splat (i32.const 65535)) (i16x8.splat (i32.const 1)))"),
            i16s([-1; 8])
        );
        assert_eq!(
            v128("(i8x16.avgr_u (i8x16.splat (i32.const 255)) (i8x16.splat (i32.const 254)))"),
            bytes([255; 16])
        );
        assert_eq!(
            v128("(i16x8.q15mulr_sat_s (v128.const i16x8 -32768 16384 -32768 1 0 0 0 0) (v128.const i16x8 -32768 16384 32767 1 0 0 0 0))"),
            i16s([32767, 8192, -32767, 0, 0, 0, 0, 0])
        );
        assert_eq!(
            v128("(i32x4.abs (v128.const i32x4 -5 5 -2147483648 0))"),
            i32s([5, 5, i32::MIN, 0])
        );
        assert_eq!(
            v128("(i8x16.popcnt (i8x16.splat (i32.const 0xf1)))"),
            bytes([5; 16])
        );
    }

    #[test]
    fn narrow_extend_extmul_pairwise_dot() {
        assert_eq!(
            v128("(i8x16.narrow_i16x8_s (v128.const i16x8 300 -300 5 -5 127 -128 128 -129) (i16x8.splat (i32.const 0)))"),
            bytes([127, 128, 5, 251, 127, 128, 127, 128, 0, 0, 0, 0, 0, 0, 0, 0])
        );
        assert_eq!(
            v128("(i8x16.narrow_i16x8_u (i16x8.splat (i32.const 0)) (v128.const i16x8 300 -300 5 -5 255 256 0 1))"),
            bytes([0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 5, 0, 255, 255, 0, 1])
        );
        assert_eq!(
            v128("(i32x4.extend_high_i16x8_s (v128.const i16x8 0 0 0 0 -1 2 -3 4))"),
            i32s([-1, 2, -3, 4])
        );
        assert_eq!(
            v128("(i32x4.extend_low_i16x8_u (v128.const i16x8 -1 2 -3 4 0 0 0 0))"),
            i32s([65535, 2, 65533, 4])
        );
        assert_eq!(
            v128("(i32x4.extmul_high_i16x8_s (v128.const i16x8 0 0 0 0 -32768 2 3 4) (v128.const i16x8 0 0 0 0 -32768 -2 3 4))"),
            i32s([1 << 30, -4, 9, 16])
        );
        assert_eq!(
            v128("(i16x8.extadd_pairwise_i8x16_u (i8x16.splat (i32.const 255)))"),
            i16s([510; 8])
        );
        assert_eq!(
            v128("(i16x8.extadd_pairwise_i8x16_s (i8x16.splat (i32.const 255)))"),
            i16s([-2; 8])
        );
        assert_eq!(
            v128("(i32x4.dot_i16x8_s (v128.const i16x8 -32768 -32768 1 2 3 4 5 6) (v128.const i16x8 -32768 -32768 1 2 3 4 5 6))"),
            i32s([i32::MIN, 5, 25, 61])
        );
    }

    #[test]
    fn boolean_reductions() {
        assert_eq!(
            i32v("(i8x16.bitmask (v128.const i8x16 -1 0 -1 0 0 0 0 0 0 0 0 0 0 0 0 -128))"),
            0x8005
        );
        assert_eq!(i32v("(i64x2.bitmask (v128.const i64x2 -1 1))"), 1);
        assert_eq!(i32v("(i32x4.all_true (v128.const i32x4 1 2 3 0))"), 0);
        assert_eq!(i32v("(i32x4.all_true (v128.const i32x4 1 2 3 -1))"), 1);
        assert_eq!(
            i32v("(v128.any_true (v128.const i64x2 0 0x8000000000000000))"),
            1
        );
        assert_eq!(i32v("(v128.any_true (v128.const i64x2 0 0))"), 0);
        assert_eq!(
            v128("(v128.bitselect (v128.const i64x2 -1 -1) (v128.const i64x2 0 0) (v128.const i64x2 0xff00 0))"),
            0xff00
        );
        assert_eq!(
            v128("(v128.andnot (v128.const i64x2 0xff 0) (v128.const i64x2 0x0f 0))"),
            0xf0
        );
    }

    #[test]
    fn comparisons_give_all_ones_lanes() {
        assert_eq!(
            v128("(i8x16.lt_u (i8x16.splat (i32.const 1)) (i8x16.splat (i32.const -1)))"),
            u128::MAX
        );
        assert_eq!(
            v128("(i8x16.lt_s (i8x16.splat (i32.const 1)) (i8x16.splat (i32.const -1)))"),
            0
        );
        assert_eq!(
            v128("(f32x4.ne (v128.const f32x4 nan 1 2 -0) (v128.const f32x4 nan 1 3 0))"),
            i32s([-1, 0, -1, 0])
        );
        assert_eq!(
            v128("(i64x2.ge_s (v128.const i64x2 -1 5) (v128.const i64x2 0 5))"),
            (u64::MAX as u128) << 64
        );
    }

    #[test]
    fn float_min_max_pmin_and_rounding() {
        let r = v128("(f32x4.min (v128.const f32x4 0 -0 1 nan) (v128.const f32x4 -0 0 2 1))");
        assert_eq!(
            r & ((1u128 << 96) - 1),
            f32s([-0.0, -0.0, 1.0, 0.0]) & ((1u128 << 96) - 1)
        );
        let lane3 = f32::from_bits((r >> 96) as u32);
        assert!(lane3.is_nan());
        assert_eq!(
            v128("(f32x4.pmin (v128.const f32x4 0 -0 1 nan) (v128.const f32x4 -0 0 2 1))") >> 96,
            f32::NAN.to_bits() as u128
        );
        assert_eq!(
            v128("(f32x4.pmin (v128.const f32x4 0 -0 1 nan) (v128.const f32x4 -0 0 2 1))"),
            f32s([0.0, -0.0, 1.0, f32::NAN])
        );
        assert_eq!(
            v128("(f32x4.pmax (v128.const f32x4 0 -0 1 3) (v128.const f32x4 -0 0 2 nan))"),
            f32s([0.0, -0.0, 2.0, 3.0])
        );
        assert_eq!(
            v128("(f32x4.nearest (v128.const f32x4 0.5 1.5 2.5 -3.5))"),
            f32s([0.0, 2.0, 2.0, -4.0])
        );
        assert_eq!(
            v128("(f64x2.floor (v128.const f64x2 -1.5 1.5))"),
            (-2.0f64).to_bits() as u128 | ((1.0f64.to_bits() as u128) << 64)
        );
    }

    #[test]
    fn conversions() {
        assert_eq!(
            v128("(i32x4.trunc_sat_f32x4_u (v128.const f32x4 -1.5 nan 5e9 42.9))"),
            i32s([0, 0, -1, 42])
        );
        assert_eq!(
            v128("(i32x4.trunc_sat_f32x4_s (v128.const f32x4 -5e9 nan 5e9 -42.9))"),
            i32s([i32::MIN, 0, i32::MAX, -42])
        );
        assert_eq!(
            v128("(i32x4.trunc_sat_f64x2_s_zero (v128.const f64x2 -1e10 7.9))"),
            i32s([i32::MIN, 7, 0, 0])
        );
        assert_eq!(
            v128("(f64x2.convert_low_i32x4_u (v128.const i32x4 -1 3 9 9))"),
            4294967295.0f64.to_bits() as u128 | ((3.0f64.to_bits() as u128) << 64)
        );
        assert_eq!(
            v128("(f32x4.convert_i32x4_u (v128.const i32x4 -1 3 0 1))"),
            f32s([4294967296.0, 3.0, 0.0, 1.0])
        );
        assert_eq!(
            v128("(f32x4.demote_f64x2_zero (v128.const f64x2 1.5 -2.25))"),
            f32s([1.5, -2.25, 0.0, 0.0])
        );
        assert_eq!(
            v128("(f64x2.promote_low_f32x4 (v128.const f32x4 1.5 -2.25 9 9))"),
            1.5f64.to_bits() as u128 | ((-2.25f64).to_bits() as u128) << 64
        );
    }

    #[test]
    fn identity_float_constants_are_not_folded_away() {
        // `x * 1` and `-0 - x` must still execute (they quiet a signalling NaN in `x`).
        let text = ir("(module
            (func (export \"m\") (param v128) (result v128) (f32x4.mul (local.get 0) (v128.const f32x4 1 1 1 1)))
            (func (export \"s\") (param v128) (result v128) (f64x2.sub (v128.const f64x2 -0 -0) (local.get 0))))");
        if crate::llvm::default_triple().starts_with("x86_64") {
            assert!(text.contains("fmul <4 x float>"), "{text}");
            assert!(text.contains("fsub <2 x double>"), "{text}");
        }
    }

    #[test]
    fn lowered_to_native_vector_operations() {
        let text = ir("(module (func (export \"f\") (param v128 v128) (result v128)
                 (i16x8.add_sat_s (i32x4.add (local.get 0) (local.get 1)) (f64x2.sqrt (local.get 1)))))");
        assert!(text.contains("add <4 x i32>"), "{text}");
        assert!(text.contains("@llvm.sadd.sat.v8i16"), "{text}");
        assert!(text.contains("@llvm.sqrt.v2f64"), "{text}");
    }

    #[test]
    fn memory_lane_operations_compile_in_both_memory_modes() {
        let w = wat::parse_str(
            "(module (memory 1)
               (func (export \"f\") (param i32 v128) (result v128)
                 (v128.store16_lane offset=2 7 (local.get 0) (local.get 1))
                 (drop (v128.load32_splat (local.get 0)))
                 (v128.load8_lane 15 (local.get 0)
                   (v128.load64_zero (i32.const 8)))))",
        )
        .unwrap();
        let p = wasmlite_abi::symbol_prefix("simd", &w);
        for explicit in [false, true] {
            let cfg = Config {
                explicit_bounds_checks: explicit,
                ..Config::default()
            };
            let text = compile_to_ir(&w, &p, &cfg).unwrap();
            // Guard-page mode pins every access (volatile); explicit mode checks instead.
            let (store, splat) = if explicit {
                ("store i16", "icmp ugt i64")
            } else {
                ("store volatile i16", "load volatile i32")
            };
            assert!(text.contains(store), "{text}");
            // The dropped splat load is kept or checked (it must still trap when out of bounds).
            assert!(text.contains(splat), "{text}");
        }
    }

    /// Every module of the SIMD spec tests compiles for baseline x86-64 and for AVX2/AVX-512
    /// CPUs at O0 and O3 (an LLVM instruction-selection failure would abort the process).
    #[test]
    fn simd_testsuite_modules_compile_for_several_cpus() {
        let dir = std::path::Path::new("/work/shared/testsuite");
        if !dir.is_dir() || !crate::llvm::default_triple().starts_with("x86_64") {
            eprintln!("testsuite or x86-64 host not available; skipping");
            return;
        }
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("simd_"))
            })
            .collect();
        files.sort();
        let configs = [
            Config {
                opt_level: 0,
                ..Config::default()
            },
            Config {
                opt_level: 3,
                cpu: Some("x86-64-v3".into()),
                ..Config::default()
            },
            Config {
                opt_level: 2,
                cpu: Some("x86-64-v4".into()),
                explicit_bounds_checks: true,
                ..Config::default()
            },
        ];
        let mut compiled = 0;
        for f in &files {
            let src = std::fs::read_to_string(f).unwrap();
            let buf = wast::parser::ParseBuffer::new(&src).unwrap();
            let script: wast::Wast = wast::parser::parse(&buf).unwrap();
            for d in script.directives {
                let mut m = match d {
                    wast::WastDirective::Module(m) => m,
                    _ => continue,
                };
                let Ok(bytes) = m.encode() else { continue };
                let p = wasmlite_abi::symbol_prefix("m", &bytes);
                for cfg in &configs {
                    let obj = compile(&bytes, &p, cfg)
                        .unwrap_or_else(|e| panic!("{}: {e} ({cfg:?})", f.display()));
                    assert_eq!(&obj[..4], b"\x7fELF");
                    compiled += 1;
                }
            }
        }
        assert!(compiled > 100, "only {compiled} compilations");
    }
}
