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
//!   address value; then `tr.b.load(ty, p, 1)` / `tr.b.store(v, p, 1)`.
//! * traps: `tr.trap_if(i1_cond, wasmlite_abi::trap::...)`; errors: `tr.err(msg)`.

use wasmparser::Operator;

use crate::CompileError;

use super::func::FuncTranslator;

/// Translate a SIMD operator (or report an unsupported operator).
pub(crate) fn translate_simd(tr: &mut FuncTranslator<'_, '_>, op: &Operator<'_>) -> Result<(), CompileError> {
    let ctx = tr.ctx;
    match op {
        Operator::V128Const { value } => {
            let v = u128::from_le_bytes(*value.bytes());
            let lo = ctx.const_int(ctx.i64(), v as u64);
            let hi = ctx.const_int(ctx.i64(), (v >> 64) as u64);
            tr.push(ctx.const_vector(&[lo, hi]));
            Ok(())
        }
        other => {
            let name = format!("{other:?}");
            let name = name.split([' ', '{', '(']).next().unwrap_or("?").to_string();
            Err(tr.err(format!("unsupported SIMD operator: {name}")))
        }
    }
}
