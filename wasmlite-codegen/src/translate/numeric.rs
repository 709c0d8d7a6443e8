//! Integer and floating-point arithmetic, bit operations and comparisons, constants.

use wasmlite_abi::trap;
use wasmparser::Operator;

use crate::llvm::{IntPred, RealPred, Type, Value};
use crate::CompileError;

use super::func::FuncTranslator;

use IntPred::*;
use RealPred::*;

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    /// Call intrinsic `name` specialised for `overloads`.
    pub(crate) fn call_intrinsic(
        &self,
        name: &str,
        overloads: &[Type<'ctx>],
        args: &[Value<'ctx>],
    ) -> Result<Value<'ctx>, CompileError> {
        let (f, fty) = self
            .m
            .module
            .intrinsic(name, overloads)
            .ok_or_else(|| self.err(format!("LLVM intrinsic {name} not available")))?;
        Ok(self.b.call(fty, f, args))
    }

    /// The i128 `hi:lo` of two i64 halves.
    fn join128(&self, lo: Value<'ctx>, hi: Value<'ctx>) -> Value<'ctx> {
        let t = self.ctx.i128();
        let hi = self.b.shl(self.b.zext(hi, t), self.ctx.const_int_words(t, &[64, 0]));
        self.b.or(self.b.zext(lo, t), hi)
    }

    /// Push the low then the high i64 half of an i128.
    fn push_split128(&mut self, v: Value<'ctx>) {
        let (t, i64t) = (self.ctx.i128(), self.ctx.i64());
        let lo = self.b.trunc(v, i64t);
        let hi = self.b.trunc(self.b.lshr(v, self.ctx.const_int_words(t, &[64, 0])), i64t);
        self.push(lo);
        self.push(hi);
    }

    fn int_binop(&mut self, f: impl Fn(&crate::llvm::Builder<'ctx>, Value<'ctx>, Value<'ctx>) -> Value<'ctx>) -> Result<(), CompileError> {
        let (a, b) = self.pop2()?;
        let v = f(&self.b, a, b);
        self.push(v);
        Ok(())
    }

    /// Hide a ±0/±1 float constant from LLVM: it would fold `x*1`, `x-0`, `x/-1`... to `x` or
    /// `fneg x`, which does not quiet a signalling NaN as wasm requires.
    pub(crate) fn fp_barrier(&self, v: Value<'ctx>) -> Value<'ctx> {
        match (self.m.fp_barrier, v.const_fp_value()) {
            (Some(c), Some(x)) if x == 0.0 || x == 1.0 || x == -1.0 => self.b.opaque(v, c),
            _ => v,
        }
    }

    fn fp_arith(&mut self, f: impl Fn(&crate::llvm::Builder<'ctx>, Value<'ctx>, Value<'ctx>) -> Value<'ctx>) -> Result<(), CompileError> {
        let (a, b) = self.pop2()?;
        let (a, b) = (self.fp_barrier(a), self.fp_barrier(b));
        let v = f(&self.b, a, b);
        self.push(v);
        Ok(())
    }

    fn icmp_op(&mut self, p: IntPred) -> Result<(), CompileError> {
        let (a, b) = self.pop2()?;
        let c = self.b.icmp(p, a, b);
        let v = self.b.zext(c, self.ctx.i32());
        self.push(v);
        Ok(())
    }

    fn fcmp_op(&mut self, p: RealPred) -> Result<(), CompileError> {
        let (a, b) = self.pop2()?;
        let c = self.b.fcmp(p, a, b);
        let v = self.b.zext(c, self.ctx.i32());
        self.push(v);
        Ok(())
    }

    fn eqz(&mut self) -> Result<(), CompileError> {
        let a = self.pop()?;
        let zero = self.ctx.const_null(a.ty());
        let c = self.b.icmp(LLVMIntEQ, a, zero);
        let v = self.b.zext(c, self.ctx.i32());
        self.push(v);
        Ok(())
    }

    fn shift(&mut self, kind: u8) -> Result<(), CompileError> {
        let (a, b) = self.pop2()?;
        let ty = a.ty();
        let mask = self.ctx.const_int(ty, ty.int_width() as u64 - 1);
        let n = self.b.and(b, mask);
        let v = match kind {
            0 => self.b.shl(a, n),
            1 => self.b.ashr(a, n),
            _ => self.b.lshr(a, n),
        };
        self.push(v);
        Ok(())
    }

    fn rotate(&mut self, left: bool) -> Result<(), CompileError> {
        let (a, b) = self.pop2()?;
        let ty = a.ty();
        let name = if left { "llvm.fshl" } else { "llvm.fshr" };
        let v = self.call_intrinsic(name, &[ty], &[a, a, b])?;
        self.push(v);
        Ok(())
    }

    fn bitcount(&mut self, name: &str) -> Result<(), CompileError> {
        let a = self.pop()?;
        let ty = a.ty();
        let v = if name == "llvm.ctpop" {
            self.call_intrinsic(name, &[ty], &[a])?
        } else {
            self.call_intrinsic(name, &[ty], &[a, self.ctx.bool_const(false)])?
        };
        self.push(v);
        Ok(())
    }

    /// Integer division / remainder with the wasm traps.
    fn divrem(&mut self, signed: bool, rem: bool) -> Result<(), CompileError> {
        let (a, b) = self.pop2()?;
        let ty = a.ty();
        let zero = self.ctx.const_null(ty);
        let is_zero = self.b.icmp(LLVMIntEQ, b, zero);
        self.trap_if(is_zero, trap::INTEGER_DIVIDE_BY_ZERO);
        let v = if signed {
            let bits = ty.int_width();
            let min = self.ctx.const_int(ty, 1u64 << (bits - 1));
            let minus1 = self.ctx.const_int(ty, u64::MAX);
            let b_is_m1 = self.b.icmp(LLVMIntEQ, b, minus1);
            if rem {
                // x rem -1 == 0 for every x; avoid the INT_MIN % -1 overflow.
                let one = self.ctx.const_int(ty, 1);
                let d = self.b.select(b_is_m1, one, b);
                self.b.srem(a, d)
            } else {
                let a_is_min = self.b.icmp(LLVMIntEQ, a, min);
                let ovf = self.b.and(a_is_min, b_is_m1);
                self.trap_if(ovf, trap::INTEGER_OVERFLOW);
                self.b.sdiv(a, b)
            }
        } else if rem {
            self.b.urem(a, b)
        } else {
            self.b.udiv(a, b)
        };
        self.push(v);
        Ok(())
    }

    fn funop(&mut self, name: &str) -> Result<(), CompileError> {
        let a = self.pop()?;
        let v = self.call_intrinsic(name, &[a.ty()], &[a])?;
        self.push(v);
        Ok(())
    }

    /// min/max: NaN-propagating, and a NaN result must be quiet (an arithmetic NaN), which
    /// `llvm.minimum` does not guarantee for a signalling input: use `a + b` then.
    fn fminmax(&mut self, name: &str) -> Result<(), CompileError> {
        let (a, b) = self.pop2()?;
        let r = self.call_intrinsic(name, &[a.ty()], &[a, b])?;
        let is_nan = self.b.fcmp(LLVMRealUNO, a, b);
        let quiet = self.b.fadd(a, b);
        let v = self.b.select(is_nan, quiet, r);
        self.push(v);
        Ok(())
    }

    fn fbin_intrinsic(&mut self, name: &str) -> Result<(), CompileError> {
        let (a, b) = self.pop2()?;
        let v = self.call_intrinsic(name, &[a.ty()], &[a, b])?;
        self.push(v);
        Ok(())
    }

    /// Numeric operators. `Ok(false)` if `op` is not one.
    pub(crate) fn translate_numeric(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        let ctx = self.ctx;
        match op {
            Operator::I32Const { value } => self.push(ctx.i32_const(*value)),
            Operator::I64Const { value } => self.push(ctx.i64_const(*value)),
            Operator::F32Const { value } => {
                let bits = ctx.const_int(ctx.i32(), value.bits() as u64);
                let v = self.b.bitcast(bits, ctx.f32());
                self.push(v);
            }
            Operator::F64Const { value } => {
                let bits = ctx.const_int(ctx.i64(), value.bits());
                let v = self.b.bitcast(bits, ctx.f64());
                self.push(v);
            }

            Operator::I32Eqz | Operator::I64Eqz => self.eqz()?,
            Operator::I32Eq | Operator::I64Eq => self.icmp_op(LLVMIntEQ)?,
            Operator::I32Ne | Operator::I64Ne => self.icmp_op(LLVMIntNE)?,
            Operator::I32LtS | Operator::I64LtS => self.icmp_op(LLVMIntSLT)?,
            Operator::I32LtU | Operator::I64LtU => self.icmp_op(LLVMIntULT)?,
            Operator::I32GtS | Operator::I64GtS => self.icmp_op(LLVMIntSGT)?,
            Operator::I32GtU | Operator::I64GtU => self.icmp_op(LLVMIntUGT)?,
            Operator::I32LeS | Operator::I64LeS => self.icmp_op(LLVMIntSLE)?,
            Operator::I32LeU | Operator::I64LeU => self.icmp_op(LLVMIntULE)?,
            Operator::I32GeS | Operator::I64GeS => self.icmp_op(LLVMIntSGE)?,
            Operator::I32GeU | Operator::I64GeU => self.icmp_op(LLVMIntUGE)?,

            Operator::F32Eq | Operator::F64Eq => self.fcmp_op(LLVMRealOEQ)?,
            Operator::F32Ne | Operator::F64Ne => self.fcmp_op(LLVMRealUNE)?,
            Operator::F32Lt | Operator::F64Lt => self.fcmp_op(LLVMRealOLT)?,
            Operator::F32Gt | Operator::F64Gt => self.fcmp_op(LLVMRealOGT)?,
            Operator::F32Le | Operator::F64Le => self.fcmp_op(LLVMRealOLE)?,
            Operator::F32Ge | Operator::F64Ge => self.fcmp_op(LLVMRealOGE)?,

            Operator::I32Clz | Operator::I64Clz => self.bitcount("llvm.ctlz")?,
            Operator::I32Ctz | Operator::I64Ctz => self.bitcount("llvm.cttz")?,
            Operator::I32Popcnt | Operator::I64Popcnt => self.bitcount("llvm.ctpop")?,

            Operator::I32Add | Operator::I64Add => self.int_binop(|b, x, y| b.add(x, y))?,
            Operator::I32Sub | Operator::I64Sub => self.int_binop(|b, x, y| b.sub(x, y))?,
            Operator::I32Mul | Operator::I64Mul => self.int_binop(|b, x, y| b.mul(x, y))?,
            Operator::I32DivS | Operator::I64DivS => self.divrem(true, false)?,
            Operator::I32DivU | Operator::I64DivU => self.divrem(false, false)?,
            Operator::I32RemS | Operator::I64RemS => self.divrem(true, true)?,
            Operator::I32RemU | Operator::I64RemU => self.divrem(false, true)?,
            Operator::I32And | Operator::I64And => self.int_binop(|b, x, y| b.and(x, y))?,
            Operator::I32Or | Operator::I64Or => self.int_binop(|b, x, y| b.or(x, y))?,
            Operator::I32Xor | Operator::I64Xor => self.int_binop(|b, x, y| b.xor(x, y))?,
            Operator::I32Shl | Operator::I64Shl => self.shift(0)?,
            Operator::I32ShrS | Operator::I64ShrS => self.shift(1)?,
            Operator::I32ShrU | Operator::I64ShrU => self.shift(2)?,
            Operator::I32Rotl | Operator::I64Rotl => self.rotate(true)?,
            Operator::I32Rotr | Operator::I64Rotr => self.rotate(false)?,
            // wide-arithmetic: 128-bit values as (low, high) i64 pairs.
            Operator::I64Add128 | Operator::I64Sub128 => {
                let (b_lo, b_hi) = self.pop2()?;
                let (a_lo, a_hi) = self.pop2()?;
                let a = self.join128(a_lo, a_hi);
                let b = self.join128(b_lo, b_hi);
                let r = if matches!(op, Operator::I64Add128) { self.b.add(a, b) } else { self.b.sub(a, b) };
                self.push_split128(r);
            }
            Operator::I64MulWideS | Operator::I64MulWideU => {
                let (x, y) = self.pop2()?;
                let t = self.ctx.i128();
                let (x, y) = if matches!(op, Operator::I64MulWideS) {
                    (self.b.sext(x, t), self.b.sext(y, t))
                } else {
                    (self.b.zext(x, t), self.b.zext(y, t))
                };
                let r = self.b.mul(x, y);
                self.push_split128(r);
            }

            Operator::F32Abs | Operator::F64Abs => self.funop("llvm.fabs")?,
            Operator::F32Neg | Operator::F64Neg => {
                let a = self.pop()?;
                let v = self.b.fneg(a);
                self.push(v);
            }
            Operator::F32Ceil | Operator::F64Ceil => self.funop("llvm.ceil")?,
            Operator::F32Floor | Operator::F64Floor => self.funop("llvm.floor")?,
            Operator::F32Trunc | Operator::F64Trunc => self.funop("llvm.trunc")?,
            Operator::F32Nearest | Operator::F64Nearest => self.funop("llvm.roundeven")?,
            Operator::F32Sqrt | Operator::F64Sqrt => self.funop("llvm.sqrt")?,
            Operator::F32Add | Operator::F64Add => self.fp_arith(|b, x, y| b.fadd(x, y))?,
            Operator::F32Sub | Operator::F64Sub => self.fp_arith(|b, x, y| b.fsub(x, y))?,
            Operator::F32Mul | Operator::F64Mul => self.fp_arith(|b, x, y| b.fmul(x, y))?,
            Operator::F32Div | Operator::F64Div => self.fp_arith(|b, x, y| b.fdiv(x, y))?,
            Operator::F32Min | Operator::F64Min => self.fminmax("llvm.minimum")?,
            Operator::F32Max | Operator::F64Max => self.fminmax("llvm.maximum")?,
            Operator::F32Copysign | Operator::F64Copysign => self.fbin_intrinsic("llvm.copysign")?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}
