//! Linear memory: loads, stores, `memory.size`/`memory.grow`, bulk memory operations.

use wasmlite_abi::{builtin_index, trap};
use wasmparser::{MemArg, Operator};

use crate::llvm::{IntPred, Type, Value};
use crate::CompileError;

use super::func::{FrameKind, FuncTranslator};

/// A host pointer into linear memory and whether an explicit bounds check guards it.
#[derive(Clone, Copy)]
pub(crate) struct MemPtr<'ctx> {
    /// The host address.
    pub ptr: Value<'ctx>,
    /// An explicit check dominates the access (otherwise it must be pinned).
    pub checked: bool,
}

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    /// Zero-extend an i32 to i64 (i64 values are returned unchanged).
    pub(crate) fn to_u64(&self, v: Value<'ctx>) -> Value<'ctx> {
        if v.ty().int_width() == 64 {
            v
        } else {
            self.b.zext(v, self.ctx.i64())
        }
    }

    /// Host address of an access of `size` bytes at wasm address `addr` (i32 or i64) plus the
    /// static `offset` in memory `mem`, bounds-checked when [`Self::needs_check`] says so.
    /// Usable by the SIMD translator; load/store through [`Self::mem_load`]/[`Self::mem_store`].
    pub(crate) fn effective_addr(
        &mut self,
        mem: u32,
        offset: u64,
        addr: Value<'ctx>,
        size: u32,
    ) -> Result<MemPtr<'ctx>, CompileError> {
        let ctx = self.ctx;
        let mt = *self.m.info.memories.get(mem as usize).ok_or_else(|| self.err(format!("unknown memory {mem}")))?;
        let base = self.mem_base(mem).ok_or_else(|| self.err(format!("unknown memory {mem}")))?;
        // Guard pages cannot cover a 64-bit memory, nor trap exactly at the end of a memory of
        // one-byte pages (its length need not be a multiple of the OS page): always checked.
        let checked = self.needs_check(mt.memory64 || mt.page_size_log2 != 16);
        if !mt.memory64 {
            // Everything is computed in i64 from the zero-extended index: no overflow (nuw).
            let a = self.b.zext(addr, ctx.i64());
            let ea = if offset != 0 { self.b.add_nuw(a, ctx.i64_const(offset as i64)) } else { a };
            if checked {
                self.check_index(mem, a, offset, size)?;
            }
            Ok(MemPtr { ptr: self.b.gep_bytes(base, ea), checked })
        } else {
            self.check_index(mem, addr, offset, size)?;
            let ea = if offset != 0 { self.b.add(addr, ctx.i64_const(offset as i64)) } else { addr };
            Ok(MemPtr { ptr: self.b.gep_bytes(base, ea), checked: true })
        }
    }

    /// Trap unless `index + offset + size <= length` of memory `mem` (`index`: i64, the
    /// zero-extended wasm32 address or the wasm64 one), computed without wrap-around.
    ///
    /// Emitted as `index >= (length + 1) -sat (offset + size)`: the right side depends only on
    /// the length (loop-invariant: LICM hoists it), so each access compares its index once,
    /// as Cranelift's `bound - offset - size`. Lengths stay below 2^63, so `length + 1` does
    /// not wrap; an `offset + size` beyond `u64` always traps.
    fn check_index(&mut self, mem: u32, index: Value<'ctx>, offset: u64, size: u32) -> Result<(), CompileError> {
        let ctx = self.ctx;
        let len = self.mem_len(mem).ok_or_else(|| self.err("unknown memory"))?;
        let oob = match offset.checked_add(size as u64) {
            Some(need) => {
                let len1 = self.b.add_nuw(len, ctx.i64_const(1));
                let limit = self.call_intrinsic("llvm.usub.sat", &[ctx.i64()], &[len1, ctx.i64_const(need as i64)])?;
                self.b.icmp(IntPred::LLVMIntUGE, index, limit)
            }
            None => ctx.bool_const(true),
        };
        self.trap_if(oob, trap::MEMORY_OUT_OF_BOUNDS);
        Ok(())
    }

    /// Whether an access gets an explicit bounds check in the IR.
    ///
    /// Precise traps (see docs/ARCHITECTURE.md, "Precise traps"): an access that LLVM sees
    /// as an ordinary load or store may be deleted when its value is unused, or moved past
    /// other traps and side effects; a guard-page fault would then happen at the wrong point
    /// or not at all. So every access is either *checked* (an explicit compare-and-branch to
    /// the trap block decides the trap; the access itself then cannot fault and LLVM may
    /// move, merge, delete or vectorise it freely) or *pinned* (volatile: never deleted,
    /// never reordered against other volatile accesses, calls or trap branches; the guard
    /// page raises the trap exactly there). Explicit-bounds mode and memory64 check always;
    /// guard-page mode follows `Config::precision` (default: pin everything).
    fn needs_check(&self, memory64: bool) -> bool {
        if self.m.explicit_bounds || memory64 {
            return true;
        }
        match self.m.precision {
            crate::Precision::Pinned => false,
            crate::Precision::Checked => true,
            crate::Precision::Hybrid => self.frames.iter().any(|f| matches!(f.kind, FrameKind::Loop)),
            crate::Precision::Imprecise => false,
        }
    }

    /// Pop the address and return the host pointer for `memarg`.
    pub(crate) fn pop_addr(&mut self, memarg: &MemArg, size: u32) -> Result<MemPtr<'ctx>, CompileError> {
        let addr = self.pop()?;
        let mem = match memarg.target {
            wasmparser::MemArgTarget::Memory(m) => m,
            wasmparser::MemArgTarget::Array(_) => return Err(self.err("GC array accesses are not supported")),
        };
        self.effective_addr(mem, memarg.offset, addr, size)
    }

    /// Load a `ty` from linear memory at `p` (see [`Self::needs_check`]).
    pub(crate) fn mem_load(&mut self, ty: Type<'ctx>, p: MemPtr<'ctx>) -> Value<'ctx> {
        let v = self.b.load(ty, p.ptr, 1);
        self.pin(v, p);
        v
    }

    /// Store `v` to linear memory at `p` (see [`Self::needs_check`]).
    pub(crate) fn mem_store(&mut self, v: Value<'ctx>, p: MemPtr<'ctx>) {
        let st = self.b.store(v, p.ptr, 1);
        self.pin(st, p);
    }

    /// Store `v` to instance state that the host sees after a trap (a global, a table
    /// element). Where guard-page faults are traps (pinned accesses), LLVM must neither
    /// delete it nor sink it past a pinned access: it does not know that the access may
    /// fault, so a store overwritten later looks dead across it (dead-store elimination of
    /// `global.set g; <faulting store>; global.set g` left the old value in `g` after the
    /// trap: fuzz seed 96010434). Volatile keeps it, in order with the pinned accesses.
    pub(crate) fn state_store(&mut self, v: Value<'ctx>, ptr: Value<'ctx>, align: u32) {
        let st = self.b.store(v, ptr, align);
        let pins = !self.m.explicit_bounds
            && matches!(self.m.precision, crate::Precision::Pinned | crate::Precision::Hybrid);
        if pins {
            st.set_volatile();
        }
    }

    /// Make an unchecked access volatile (unless precision is switched off).
    fn pin(&self, access: Value<'ctx>, p: MemPtr<'ctx>) {
        if !p.checked && self.m.precision != crate::Precision::Imprecise {
            access.set_volatile();
        }
    }

    /// Load `ty` (size `size`) and extend to `ext_to` (`Some((ty, signed))`).
    fn load_op(
        &mut self,
        memarg: &MemArg,
        ty: Type<'ctx>,
        size: u32,
        ext_to: Option<(Type<'ctx>, bool)>,
    ) -> Result<(), CompileError> {
        let p = self.pop_addr(memarg, size)?;
        let v = self.mem_load(ty, p);
        let v = match ext_to {
            Some((t, true)) => self.b.sext(v, t),
            Some((t, false)) => self.b.zext(v, t),
            None => v,
        };
        self.push(v);
        Ok(())
    }

    /// Store the top value, truncated to `trunc_to` if given.
    fn store_op(&mut self, memarg: &MemArg, size: u32, trunc_to: Option<Type<'ctx>>) -> Result<(), CompileError> {
        let v = self.pop()?;
        let p = self.pop_addr(memarg, size)?;
        let v = match trunc_to {
            Some(t) => self.b.trunc(v, t),
            None => v,
        };
        self.mem_store(v, p);
        Ok(())
    }

    fn is_mem64(&self, mem: u32) -> bool {
        self.m.info.memories.get(mem as usize).is_some_and(|m| m.memory64)
    }

    /// Memory operators. `Ok(false)` if `op` is not one.
    pub(crate) fn translate_memory(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        let ctx = self.ctx;
        let (i8t, i16t, i32t, i64t) = (ctx.i8(), ctx.i16(), ctx.i32(), ctx.i64());
        match op {
            Operator::I32Load { memarg } => self.load_op(memarg, i32t, 4, None)?,
            Operator::I64Load { memarg } => self.load_op(memarg, i64t, 8, None)?,
            Operator::F32Load { memarg } => self.load_op(memarg, ctx.f32(), 4, None)?,
            Operator::F64Load { memarg } => self.load_op(memarg, ctx.f64(), 8, None)?,
            Operator::V128Load { memarg } => self.load_op(memarg, ctx.vector(i64t, 2), 16, None)?,
            Operator::I32Load8S { memarg } => self.load_op(memarg, i8t, 1, Some((i32t, true)))?,
            Operator::I32Load8U { memarg } => self.load_op(memarg, i8t, 1, Some((i32t, false)))?,
            Operator::I32Load16S { memarg } => self.load_op(memarg, i16t, 2, Some((i32t, true)))?,
            Operator::I32Load16U { memarg } => self.load_op(memarg, i16t, 2, Some((i32t, false)))?,
            Operator::I64Load8S { memarg } => self.load_op(memarg, i8t, 1, Some((i64t, true)))?,
            Operator::I64Load8U { memarg } => self.load_op(memarg, i8t, 1, Some((i64t, false)))?,
            Operator::I64Load16S { memarg } => self.load_op(memarg, i16t, 2, Some((i64t, true)))?,
            Operator::I64Load16U { memarg } => self.load_op(memarg, i16t, 2, Some((i64t, false)))?,
            Operator::I64Load32S { memarg } => self.load_op(memarg, i32t, 4, Some((i64t, true)))?,
            Operator::I64Load32U { memarg } => self.load_op(memarg, i32t, 4, Some((i64t, false)))?,
            Operator::I32Store { memarg } | Operator::F32Store { memarg } => self.store_op(memarg, 4, None)?,
            Operator::I64Store { memarg } | Operator::F64Store { memarg } => self.store_op(memarg, 8, None)?,
            Operator::V128Store { memarg } => self.store_op(memarg, 16, None)?,
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => self.store_op(memarg, 1, Some(i8t))?,
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => {
                self.store_op(memarg, 2, Some(i16t))?
            }
            Operator::I64Store32 { memarg } => self.store_op(memarg, 4, Some(i32t))?,

            Operator::MemorySize { mem } => {
                let len = self.mem_len(*mem).ok_or_else(|| self.err("unknown memory"))?;
                let log2 = self.m.info.memories.get(*mem as usize).map_or(16, |m| m.page_size_log2);
                let pages = if log2 == 0 { len } else { self.b.lshr(len, ctx.i64_const(log2 as i64)) };
                let v = if self.is_mem64(*mem) { pages } else { self.b.trunc(pages, i32t) };
                self.push(v);
            }
            Operator::MemoryGrow { mem } => {
                let delta = self.pop()?;
                let d = self.to_u64(delta);
                let r = self.builtin_call(builtin_index::MEMORY_GROW, &[ctx.i32_const(*mem as i32), d])?;
                let v = if self.is_mem64(*mem) { r } else { self.b.trunc(r, i32t) };
                self.push(v);
            }
            Operator::MemoryFill { mem } => {
                let (d, val, n) = self.pop3()?;
                let (d, n) = (self.to_u64(d), self.to_u64(n));
                let rc = self.builtin_call(builtin_index::MEMORY_FILL, &[ctx.i32_const(*mem as i32), d, val, n])?;
                self.trap_if_nonzero(rc);
            }
            Operator::MemoryCopy { dst_mem, src_mem } => self.bulk_builtin(builtin_index::MEMORY_COPY, *dst_mem, *src_mem, true)?,
            Operator::MemoryInit { data_index, mem } => self.bulk_builtin(builtin_index::MEMORY_INIT, *mem, *data_index, false)?,
            Operator::DataDrop { data_index } => {
                self.builtin_call(builtin_index::DATA_DROP, &[ctx.i32_const(*data_index as i32)])?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
