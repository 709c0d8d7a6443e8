//! Tables and reference types: table.get/set/size/grow/fill/copy/init, elem.drop,
//! ref.null, ref.is_null, ref.func.

use wasmlite_abi::{builtin_index, trap};
use wasmparser::Operator;

use crate::llvm::{IntPred, Value};
use crate::CompileError;

use super::func::FuncTranslator;

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    /// Address of element `idx` (i32, or i64 for a 64-bit table) of table `table`, trapping when out of bounds.
    pub(crate) fn table_elem_addr(&mut self, table: u32, idx: Value<'ctx>) -> Value<'ctx> {
        let t = self.table_ptr(table);
        let len = self.table_len(t);
        let idx64 = self.to_u64(idx);
        let oob = self.b.icmp(IntPred::LLVMIntUGE, idx64, len);
        self.trap_if(oob, trap::TABLE_OUT_OF_BOUNDS);
        let base = self.table_base(t);
        self.b.gep_elem(self.ctx.ptr(), base, idx64)
    }

    fn is_table64(&self, table: u32) -> bool {
        self.m.info.tables.get(table as usize).is_some_and(|t| t.table64)
    }

    /// Table and reference operators. `Ok(false)` if `op` is not one.
    pub(crate) fn translate_table(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        let ctx = self.ctx;
        let (ptr, i32t) = (ctx.ptr(), ctx.i32());
        match op {
            Operator::TableGet { table } => {
                let idx = self.pop()?;
                let p = self.table_elem_addr(*table, idx);
                let v = self.b.load(ptr, p, 8);
                self.push(v);
            }
            Operator::TableSet { table } => {
                let (idx, v) = self.pop2()?;
                let p = self.table_elem_addr(*table, idx);
                self.state_store(v, p, 8);
            }
            Operator::TableSize { table } => {
                let t = self.table_ptr(*table);
                let len = self.table_len(t);
                let v = if self.is_table64(*table) { len } else { self.b.trunc(len, i32t) };
                self.push(v);
            }
            Operator::TableGrow { table } => {
                let (init, delta) = self.pop2()?;
                let d = self.to_u64(delta);
                let r = self.builtin_call(builtin_index::TABLE_GROW, &[ctx.i32_const(*table as i32), init, d])?;
                let v = if self.is_table64(*table) { r } else { self.b.trunc(r, i32t) };
                self.push(v);
            }
            Operator::TableFill { table } => {
                let (d, val, n) = self.pop3()?;
                let (d, n) = (self.to_u64(d), self.to_u64(n));
                let rc = self.builtin_call(builtin_index::TABLE_FILL, &[ctx.i32_const(*table as i32), d, val, n])?;
                self.trap_if_nonzero(rc);
            }
            Operator::TableCopy { dst_table, src_table } => self.bulk_builtin(builtin_index::TABLE_COPY, *dst_table, *src_table, true)?,
            Operator::TableInit { elem_index, table } => self.bulk_builtin(builtin_index::TABLE_INIT, *table, *elem_index, false)?,
            Operator::ElemDrop { elem_index } => {
                self.builtin_call(builtin_index::ELEM_DROP, &[ctx.i32_const(*elem_index as i32)])?;
            }
            Operator::RefNull { .. } => self.push(ctx.const_null(ptr)),
            Operator::RefIsNull => {
                let v = self.pop()?;
                let c = self.b.icmp(IntPred::LLVMIntEQ, v, ctx.const_null(ptr));
                let r = self.b.zext(c, i32t);
                self.push(r);
            }
            Operator::RefFunc { function_index } => {
                if *function_index as usize >= self.m.info.funcs.len() {
                    return Err(self.err("unknown function"));
                }
                let v = self.funcref_addr(*function_index);
                self.push(v);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
