//! Evaluation of constant expressions (global initialisers, segment offsets and items).

use alloc::format;
use alloc::vec::Vec;
use core::ffi::c_void;

use crate::abi::{ConstExpr, ConstOp, ValRaw};
use crate::trap::InstantiationError;

/// Evaluate a constant expression. `global(i)` yields global i's value, `func(i)` the
/// `*const VMFuncRef` of function i.
pub(crate) fn eval_const(
    expr: &ConstExpr,
    global: &dyn Fn(u32) -> Option<ValRaw>,
    func: &dyn Fn(u32) -> Option<*mut c_void>,
) -> Result<ValRaw, InstantiationError> {
    let err = |m: &str| InstantiationError::new(format!("constant expression: {m}"));
    let mut stack: Vec<ValRaw> = Vec::with_capacity(4);
    for op in expr.0.iter() {
        let v = match *op {
            ConstOp::I32Const(v) => ValRaw::i32(v),
            ConstOp::I64Const(v) => ValRaw::i64(v),
            ConstOp::F32Const(v) => ValRaw::f32(v),
            ConstOp::F64Const(v) => ValRaw::f64(v),
            ConstOp::V128Const(v) => ValRaw::v128(v),
            ConstOp::RefNull(_) => ValRaw::ptr(core::ptr::null_mut()),
            ConstOp::RefFunc(i) => ValRaw::ptr(func(i).ok_or_else(|| err("ref.func index out of range"))?),
            ConstOp::GlobalGet(i) => global(i).ok_or_else(|| err("global.get index out of range"))?,
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul | ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let (b, a) = match (stack.pop(), stack.pop()) {
                    (Some(b), Some(a)) => (b, a),
                    _ => return Err(err("stack underflow")),
                };
                match *op {
                    ConstOp::I32Add => ValRaw::i32(a.get_i32().wrapping_add(b.get_i32())),
                    ConstOp::I32Sub => ValRaw::i32(a.get_i32().wrapping_sub(b.get_i32())),
                    ConstOp::I32Mul => ValRaw::i32(a.get_i32().wrapping_mul(b.get_i32())),
                    ConstOp::I64Add => ValRaw::i64(a.get_i64().wrapping_add(b.get_i64())),
                    ConstOp::I64Sub => ValRaw::i64(a.get_i64().wrapping_sub(b.get_i64())),
                    _ => ValRaw::i64(a.get_i64().wrapping_mul(b.get_i64())),
                }
            }
        };
        stack.push(v);
    }
    if stack.len() != 1 {
        return Err(err("expression must leave exactly one value"));
    }
    Ok(stack[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::ValType;

    #[test]
    fn const_eval() {
        let g = |i: u32| (i == 0).then(|| ValRaw::i32(40));
        let f = |i: u32| (i < 2).then(|| (0x100 + i as usize) as *mut c_void);
        let e = ConstExpr(alloc::vec![ConstOp::GlobalGet(0), ConstOp::I32Const(2), ConstOp::I32Add].into());
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_i32(), 42);
        let e = ConstExpr(alloc::vec![ConstOp::I64Const(3), ConstOp::I64Const(5), ConstOp::I64Sub, ConstOp::I64Const(7), ConstOp::I64Mul].into());
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_i64(), -14);
        let e = ConstExpr(alloc::vec![ConstOp::I32Const(i32::MAX), ConstOp::I32Const(1), ConstOp::I32Add].into());
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_i32(), i32::MIN);
        let e = ConstExpr(alloc::vec![ConstOp::RefFunc(1)].into());
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_ptr() as usize, 0x101);
        let e = ConstExpr(alloc::vec![ConstOp::RefNull(ValType::FuncRef)].into());
        assert!(eval_const(&e, &g, &f).unwrap().get_ptr().is_null());
        let e = ConstExpr(alloc::vec![ConstOp::V128Const(1 << 100)].into());
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_v128(), 1 << 100);
        let e = ConstExpr(alloc::vec![ConstOp::F64Const(0x4000_0000_0000_0000)].into());
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_f64(), 0x4000_0000_0000_0000);
        assert!(eval_const(&ConstExpr(alloc::vec![ConstOp::I32Add].into()), &g, &f).is_err());
        assert!(eval_const(&ConstExpr(alloc::vec![ConstOp::GlobalGet(5)].into()), &g, &f).is_err());
        assert!(eval_const(&ConstExpr(alloc::vec![ConstOp::RefFunc(2)].into()), &g, &f).is_err());
        assert!(eval_const(&ConstExpr(alloc::vec![].into()), &g, &f).is_err());
    }
}
