//! Threads proposal: atomic loads, stores, read-modify-write and compare-exchange in every
//! width, `atomic.fence`, `memory.atomic.wait32/64` and `memory.atomic.notify`.
//!
//! Every atomic access is sequentially consistent (`seq_cst`, as the spec requires; on x86-64
//! loads are plain `mov`, stores `xchg`, read-modify-writes `lock`-prefixed). Traps are
//! precise: the alignment check is an explicit compare-and-branch on the effective address
//! (taken before the bounds check), the bounds check follows [`FuncTranslator::effective_addr`]
//! (checked, or pinned: an unchecked atomic access is also volatile, so it is never deleted
//! or moved and the guard page faults exactly there). `wait`/`notify` go through runtime
//! builtins that check bounds, alignment and sharedness themselves and return a negated trap
//! code on failure.

use wasmlite_abi::{builtin_index, trap};
use wasmparser::{MemArg, Operator};

use crate::llvm::{AtomicOp, IntPred, Type, Value};
use crate::CompileError;

use super::func::FuncTranslator;
use super::memory::MemPtr;

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    fn memarg_memory(&self, memarg: &MemArg) -> Result<u32, CompileError> {
        match memarg.target {
            wasmparser::MemArgTarget::Memory(m) => Ok(m),
            wasmparser::MemArgTarget::Array(_) => Err(self.err("GC array accesses are not supported")),
        }
    }

    /// Check the alignment of the address on top of the stack (plus `memarg.offset`) for an
    /// access of `size` bytes, then pop it and return the host pointer (bounds-checked or to
    /// be pinned, see [`FuncTranslator::effective_addr`]).
    fn atomic_addr(&mut self, memarg: &MemArg, size: u32) -> Result<MemPtr<'ctx>, CompileError> {
        let addr = *self.stack.last().ok_or_else(|| self.err("operand stack underflow"))?;
        if size > 1 {
            // (addr + offset) mod size, computed in the address type: size divides 2^32.
            let ty = addr.ty();
            let low = if ty.int_width() == 64 {
                self.ctx.i64_const((memarg.offset % size as u64) as i64)
            } else {
                self.ctx.i32_const((memarg.offset % size as u64) as i32)
            };
            let mask = if ty.int_width() == 64 {
                self.ctx.i64_const(size as i64 - 1)
            } else {
                self.ctx.i32_const(size as i32 - 1)
            };
            let sum = self.b.add(addr, low);
            let mis = self.b.and(sum, mask);
            let zero = self.ctx.const_null(ty);
            let bad = self.b.icmp(IntPred::LLVMIntNE, mis, zero);
            self.trap_if(bad, trap::UNALIGNED_ATOMIC);
        }
        self.pop_addr(memarg, size)
    }

    /// The integer type of `size` bytes (1, 2, 4 or 8).
    fn int_ty(&self, size: u32) -> Type<'ctx> {
        match size {
            1 => self.ctx.i8(),
            2 => self.ctx.i16(),
            4 => self.ctx.i32(),
            _ => self.ctx.i64(),
        }
    }

    /// Volatile as well when no explicit check guards the access (pinned, precise traps).
    fn pin_atomic(&self, access: Value<'ctx>, p: MemPtr<'ctx>) {
        if !p.checked && self.m.precision != crate::Precision::Imprecise {
            access.set_volatile();
        }
    }

    /// `*.atomic.load*`: load `size` bytes, zero-extend to `to`.
    fn atomic_load(&mut self, memarg: &MemArg, to: Type<'ctx>, size: u32) -> Result<(), CompileError> {
        let p = self.atomic_addr(memarg, size)?;
        let v = self.b.load(self.int_ty(size), p.ptr, size);
        self.b.set_seq_cst(v);
        self.pin_atomic(v, p);
        let v = if size * 8 < to.int_width() { self.b.zext(v, to) } else { v };
        self.push(v);
        Ok(())
    }

    /// `*.atomic.store*`: store the low `size` bytes of the top value.
    fn atomic_store(&mut self, memarg: &MemArg, size: u32) -> Result<(), CompileError> {
        let v = self.pop()?;
        let p = self.atomic_addr(memarg, size)?;
        let v = if size * 8 < v.ty().int_width() { self.b.trunc(v, self.int_ty(size)) } else { v };
        let st = self.b.store(v, p.ptr, size);
        self.b.set_seq_cst(st);
        self.pin_atomic(st, p);
        Ok(())
    }

    /// `*.atomic.rmw*.<op>`: returns the old value, zero-extended.
    fn atomic_rmw(&mut self, memarg: &MemArg, op: AtomicOp, size: u32) -> Result<(), CompileError> {
        let v = self.pop()?;
        let to = v.ty();
        let p = self.atomic_addr(memarg, size)?;
        let narrow = self.int_ty(size);
        let v = if size * 8 < to.int_width() { self.b.trunc(v, narrow) } else { v };
        let old = self.b.atomic_rmw(op, p.ptr, v);
        self.pin_atomic(old, p);
        let old = if size * 8 < to.int_width() { self.b.zext(old, to) } else { old };
        self.push(old);
        Ok(())
    }

    /// `*.atomic.rmw*.cmpxchg*`: the expected and replacement values are wrapped to the
    /// access width; returns the old value, zero-extended.
    fn atomic_cmpxchg(&mut self, memarg: &MemArg, size: u32) -> Result<(), CompileError> {
        let new = self.pop()?;
        let expected = self.pop()?;
        let to = new.ty();
        let p = self.atomic_addr(memarg, size)?;
        let narrow = self.int_ty(size);
        let (expected, new) = if size * 8 < to.int_width() {
            (self.b.trunc(expected, narrow), self.b.trunc(new, narrow))
        } else {
            (expected, new)
        };
        let (pair, old) = self.b.atomic_cmpxchg(p.ptr, expected, new);
        self.pin_atomic(pair, p);
        let old = if size * 8 < to.int_width() { self.b.zext(old, to) } else { old };
        self.push(old);
        Ok(())
    }

    /// The effective address `addr + offset` as i64 for a builtin (`u64::MAX` when a memory64
    /// address overflows: the builtin's bounds check then fails).
    fn builtin_addr(&mut self, memarg: &MemArg, addr: Value<'ctx>) -> Value<'ctx> {
        let ctx = self.ctx;
        let off = ctx.i64_const(memarg.offset as i64);
        if addr.ty().int_width() == 64 {
            let sum = self.b.add(addr, off);
            let wrapped = self.b.icmp(IntPred::LLVMIntULT, sum, addr);
            self.b.select(wrapped, ctx.i64_const(-1), sum)
        } else {
            let a = self.b.zext(addr, ctx.i64());
            self.b.add_nuw(a, off)
        }
    }

    /// Call a wait/notify builtin and push its result, trapping on a negative result
    /// (a negated trap code).
    fn wait_notify(&mut self, index: u32, memarg: &MemArg, args: &[Value<'ctx>]) -> Result<(), CompileError> {
        let ctx = self.ctx;
        let mem = self.memarg_memory(memarg)?;
        let addr = self.pop()?;
        let ea = self.builtin_addr(memarg, addr);
        let mut all = vec![ctx.i32_const(mem as i32), ea];
        all.extend_from_slice(args);
        let r = self.builtin_call(index, &all)?;
        let zero = ctx.i32_const(0);
        let neg = self.b.icmp(IntPred::LLVMIntSLT, r, zero);
        let code = self.b.sub(zero, r);
        let code = self.b.select(neg, code, zero);
        self.trap_if_nonzero(code);
        self.push(r);
        Ok(())
    }

    /// Atomic operators. `Ok(false)` if `op` is not one.
    pub(crate) fn translate_atomic(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        use AtomicOp::*;
        let (i32t, i64t) = (self.ctx.i32(), self.ctx.i64());
        match op {
            Operator::AtomicFence { .. } => self.b.fence_seq_cst(),
            Operator::MemoryAtomicNotify { memarg } => {
                let count = self.pop()?;
                self.wait_notify(builtin_index::MEMORY_ATOMIC_NOTIFY, memarg, &[count])?
            }
            Operator::MemoryAtomicWait32 { memarg } | Operator::MemoryAtomicWait64 { memarg } => {
                let timeout = self.pop()?;
                let expected = self.pop()?;
                let index = if matches!(op, Operator::MemoryAtomicWait32 { .. }) {
                    builtin_index::MEMORY_ATOMIC_WAIT32
                } else {
                    builtin_index::MEMORY_ATOMIC_WAIT64
                };
                self.wait_notify(index, memarg, &[expected, timeout])?
            }

            Operator::I32AtomicLoad { memarg } => self.atomic_load(memarg, i32t, 4)?,
            Operator::I64AtomicLoad { memarg } => self.atomic_load(memarg, i64t, 8)?,
            Operator::I32AtomicLoad8U { memarg } => self.atomic_load(memarg, i32t, 1)?,
            Operator::I32AtomicLoad16U { memarg } => self.atomic_load(memarg, i32t, 2)?,
            Operator::I64AtomicLoad8U { memarg } => self.atomic_load(memarg, i64t, 1)?,
            Operator::I64AtomicLoad16U { memarg } => self.atomic_load(memarg, i64t, 2)?,
            Operator::I64AtomicLoad32U { memarg } => self.atomic_load(memarg, i64t, 4)?,

            Operator::I32AtomicStore { memarg } => self.atomic_store(memarg, 4)?,
            Operator::I64AtomicStore { memarg } => self.atomic_store(memarg, 8)?,
            Operator::I32AtomicStore8 { memarg } | Operator::I64AtomicStore8 { memarg } => self.atomic_store(memarg, 1)?,
            Operator::I32AtomicStore16 { memarg } | Operator::I64AtomicStore16 { memarg } => {
                self.atomic_store(memarg, 2)?
            }
            Operator::I64AtomicStore32 { memarg } => self.atomic_store(memarg, 4)?,

            Operator::I32AtomicRmwAdd { memarg } => self.atomic_rmw(memarg, Add, 4)?,
            Operator::I64AtomicRmwAdd { memarg } => self.atomic_rmw(memarg, Add, 8)?,
            Operator::I32AtomicRmw8AddU { memarg } | Operator::I64AtomicRmw8AddU { memarg } => {
                self.atomic_rmw(memarg, Add, 1)?
            }
            Operator::I32AtomicRmw16AddU { memarg } | Operator::I64AtomicRmw16AddU { memarg } => {
                self.atomic_rmw(memarg, Add, 2)?
            }
            Operator::I64AtomicRmw32AddU { memarg } => self.atomic_rmw(memarg, Add, 4)?,

            Operator::I32AtomicRmwSub { memarg } => self.atomic_rmw(memarg, Sub, 4)?,
            Operator::I64AtomicRmwSub { memarg } => self.atomic_rmw(memarg, Sub, 8)?,
            Operator::I32AtomicRmw8SubU { memarg } | Operator::I64AtomicRmw8SubU { memarg } => {
                self.atomic_rmw(memarg, Sub, 1)?
            }
            Operator::I32AtomicRmw16SubU { memarg } | Operator::I64AtomicRmw16SubU { memarg } => {
                self.atomic_rmw(memarg, Sub, 2)?
            }
            Operator::I64AtomicRmw32SubU { memarg } => self.atomic_rmw(memarg, Sub, 4)?,

            Operator::I32AtomicRmwAnd { memarg } => self.atomic_rmw(memarg, And, 4)?,
            Operator::I64AtomicRmwAnd { memarg } => self.atomic_rmw(memarg, And, 8)?,
            Operator::I32AtomicRmw8AndU { memarg } | Operator::I64AtomicRmw8AndU { memarg } => {
                self.atomic_rmw(memarg, And, 1)?
            }
            Operator::I32AtomicRmw16AndU { memarg } | Operator::I64AtomicRmw16AndU { memarg } => {
                self.atomic_rmw(memarg, And, 2)?
            }
            Operator::I64AtomicRmw32AndU { memarg } => self.atomic_rmw(memarg, And, 4)?,

            Operator::I32AtomicRmwOr { memarg } => self.atomic_rmw(memarg, Or, 4)?,
            Operator::I64AtomicRmwOr { memarg } => self.atomic_rmw(memarg, Or, 8)?,
            Operator::I32AtomicRmw8OrU { memarg } | Operator::I64AtomicRmw8OrU { memarg } => {
                self.atomic_rmw(memarg, Or, 1)?
            }
            Operator::I32AtomicRmw16OrU { memarg } | Operator::I64AtomicRmw16OrU { memarg } => {
                self.atomic_rmw(memarg, Or, 2)?
            }
            Operator::I64AtomicRmw32OrU { memarg } => self.atomic_rmw(memarg, Or, 4)?,

            Operator::I32AtomicRmwXor { memarg } => self.atomic_rmw(memarg, Xor, 4)?,
            Operator::I64AtomicRmwXor { memarg } => self.atomic_rmw(memarg, Xor, 8)?,
            Operator::I32AtomicRmw8XorU { memarg } | Operator::I64AtomicRmw8XorU { memarg } => {
                self.atomic_rmw(memarg, Xor, 1)?
            }
            Operator::I32AtomicRmw16XorU { memarg } | Operator::I64AtomicRmw16XorU { memarg } => {
                self.atomic_rmw(memarg, Xor, 2)?
            }
            Operator::I64AtomicRmw32XorU { memarg } => self.atomic_rmw(memarg, Xor, 4)?,

            Operator::I32AtomicRmwXchg { memarg } => self.atomic_rmw(memarg, Xchg, 4)?,
            Operator::I64AtomicRmwXchg { memarg } => self.atomic_rmw(memarg, Xchg, 8)?,
            Operator::I32AtomicRmw8XchgU { memarg } | Operator::I64AtomicRmw8XchgU { memarg } => {
                self.atomic_rmw(memarg, Xchg, 1)?
            }
            Operator::I32AtomicRmw16XchgU { memarg } | Operator::I64AtomicRmw16XchgU { memarg } => {
                self.atomic_rmw(memarg, Xchg, 2)?
            }
            Operator::I64AtomicRmw32XchgU { memarg } => self.atomic_rmw(memarg, Xchg, 4)?,

            Operator::I32AtomicRmwCmpxchg { memarg } => self.atomic_cmpxchg(memarg, 4)?,
            Operator::I64AtomicRmwCmpxchg { memarg } => self.atomic_cmpxchg(memarg, 8)?,
            Operator::I32AtomicRmw8CmpxchgU { memarg } | Operator::I64AtomicRmw8CmpxchgU { memarg } => {
                self.atomic_cmpxchg(memarg, 1)?
            }
            Operator::I32AtomicRmw16CmpxchgU { memarg } | Operator::I64AtomicRmw16CmpxchgU { memarg } => {
                self.atomic_cmpxchg(memarg, 2)?
            }
            Operator::I64AtomicRmw32CmpxchgU { memarg } => self.atomic_cmpxchg(memarg, 4)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}
