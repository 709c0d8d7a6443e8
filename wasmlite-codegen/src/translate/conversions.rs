//! Conversions: wrap/extend, trapping and saturating float→int, int→float,
//! demote/promote, reinterpret, sign extension.

use wasmlite_abi::trap;
use wasmparser::Operator;

use crate::llvm::{IntPred, RealPred, Type};
use crate::CompileError;

use super::func::FuncTranslator;

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    fn cast(&mut self, f: impl Fn(&crate::llvm::Builder<'ctx>, crate::llvm::Value<'ctx>, Type<'ctx>) -> crate::llvm::Value<'ctx>, to: Type<'ctx>) -> Result<(), CompileError> {
        let a = self.pop()?;
        let v = f(&self.b, a, to);
        self.push(v);
        Ok(())
    }

    /// Trapping float→int: valid iff `lo < x < hi` (exclusive bounds, exact in the source type).
    fn trunc_trap(&mut self, to: Type<'ctx>, signed: bool, lo: f64, hi: f64) -> Result<(), CompileError> {
        let x = self.pop()?;
        let fty = x.ty();
        let is_nan = self.b.fcmp(RealPred::LLVMRealUNO, x, x);
        self.trap_if(is_nan, trap::INVALID_CONVERSION_TO_INTEGER);
        let lo_c = self.ctx.const_real(fty, lo);
        let hi_c = self.ctx.const_real(fty, hi);
        let above = self.b.fcmp(RealPred::LLVMRealOGT, x, lo_c);
        let below = self.b.fcmp(RealPred::LLVMRealOLT, x, hi_c);
        let ok = self.b.and(above, below);
        let bad = self.b.not(ok);
        self.trap_if(bad, trap::INTEGER_OVERFLOW);
        let v = if signed { self.b.fptosi(x, to) } else { self.b.fptoui(x, to) };
        self.push(v);
        Ok(())
    }

    fn trunc_sat(&mut self, to: Type<'ctx>, signed: bool) -> Result<(), CompileError> {
        let x = self.pop()?;
        let name = if signed { "llvm.fptosi.sat" } else { "llvm.fptoui.sat" };
        let v = self.call_intrinsic(name, &[to, x.ty()], &[x])?;
        self.push(v);
        Ok(())
    }

    fn sext_from(&mut self, bits: u32) -> Result<(), CompileError> {
        let a = self.pop()?;
        let ty = a.ty();
        let t = self.b.trunc(a, self.ctx.int_type(bits));
        let v = self.b.sext(t, ty);
        self.push(v);
        Ok(())
    }

    /// Conversion operators. `Ok(false)` if `op` is not one.
    pub(crate) fn translate_conversion(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        let ctx = self.ctx;
        let (i32t, i64t, f32t, f64t) = (ctx.i32(), ctx.i64(), ctx.f32(), ctx.f64());
        const I32_MIN_F32: f64 = -2147483904.0;
        const I32_MIN_F64: f64 = -2147483649.0;
        const I64_MIN_F32: f64 = -9223373136366403584.0;
        const I64_MIN_F64: f64 = -9223372036854777856.0;
        const P31: f64 = 2147483648.0;
        const P32: f64 = 4294967296.0;
        const P63: f64 = 9223372036854775808.0;
        const P64: f64 = 18446744073709551616.0;
        match op {
            Operator::I32WrapI64 => self.cast(|b, a, t| b.trunc(a, t), i32t)?,
            Operator::I64ExtendI32S => self.cast(|b, a, t| b.sext(a, t), i64t)?,
            Operator::I64ExtendI32U => self.cast(|b, a, t| b.zext(a, t), i64t)?,
            Operator::I32Extend8S | Operator::I64Extend8S => self.sext_from(8)?,
            Operator::I32Extend16S | Operator::I64Extend16S => self.sext_from(16)?,
            Operator::I64Extend32S => self.sext_from(32)?,

            Operator::I32TruncF32S => self.trunc_trap(i32t, true, I32_MIN_F32, P31)?,
            Operator::I32TruncF64S => self.trunc_trap(i32t, true, I32_MIN_F64, P31)?,
            Operator::I32TruncF32U | Operator::I32TruncF64U => self.trunc_trap(i32t, false, -1.0, P32)?,
            Operator::I64TruncF32S => self.trunc_trap(i64t, true, I64_MIN_F32, P63)?,
            Operator::I64TruncF64S => self.trunc_trap(i64t, true, I64_MIN_F64, P63)?,
            Operator::I64TruncF32U | Operator::I64TruncF64U => self.trunc_trap(i64t, false, -1.0, P64)?,

            Operator::I32TruncSatF32S | Operator::I32TruncSatF64S => self.trunc_sat(i32t, true)?,
            Operator::I32TruncSatF32U | Operator::I32TruncSatF64U => self.trunc_sat(i32t, false)?,
            Operator::I64TruncSatF32S | Operator::I64TruncSatF64S => self.trunc_sat(i64t, true)?,
            Operator::I64TruncSatF32U | Operator::I64TruncSatF64U => self.trunc_sat(i64t, false)?,

            Operator::F32ConvertI32S | Operator::F32ConvertI64S => self.cast(|b, a, t| b.sitofp(a, t), f32t)?,
            Operator::F32ConvertI32U | Operator::F32ConvertI64U => self.cast(|b, a, t| b.uitofp(a, t), f32t)?,
            Operator::F64ConvertI32S | Operator::F64ConvertI64S => self.cast(|b, a, t| b.sitofp(a, t), f64t)?,
            Operator::F64ConvertI32U | Operator::F64ConvertI64U => self.cast(|b, a, t| b.uitofp(a, t), f64t)?,
            Operator::F32DemoteF64 => {
                // demote(promote(x)) must quiet a signalling NaN: keep LLVM from folding it.
                let a = self.pop()?;
                let a = match self.m.fp_barrier {
                    Some(c) if a.is_fpext() => self.b.opaque(a, c),
                    _ => a,
                };
                let v = self.b.fptrunc(a, f32t);
                self.push(v);
            }
            Operator::F64PromoteF32 => self.cast(|b, a, t| b.fpext(a, t), f64t)?,

            Operator::I32ReinterpretF32 => self.cast(|b, a, t| b.bitcast(a, t), i32t)?,
            Operator::I64ReinterpretF64 => self.cast(|b, a, t| b.bitcast(a, t), i64t)?,
            Operator::F32ReinterpretI32 => self.cast(|b, a, t| b.bitcast(a, t), f32t)?,
            Operator::F64ReinterpretI64 => self.cast(|b, a, t| b.bitcast(a, t), f64t)?,
            _ => return Ok(false),
        }
        let _ = IntPred::LLVMIntEQ;
        Ok(true)
    }
}
