//! The function environment: everything that touches the VMContext layout (read from
//! `VmLayout` and the ABI offset constants, never literals), traps, stack and interrupt checks.

use wasmlite_abi::{memory_offsets, store_offsets, table_offsets, GlobalLoc, VMCTX_BUILTINS, VMCTX_STORE};

use crate::llvm::{BasicBlock, IntPred, Type, Value};

use super::func::FuncTranslator;
use crate::CompileError;

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    /// Load a pointer stored at `base + off`.
    pub(crate) fn load_ptr_at(&self, base: Value<'ctx>, off: u32) -> Value<'ctx> {
        self.b.load(self.ctx.ptr(), self.b.ptr_add(base, off as u64), 8)
    }

    /// A pointer field of the VMContext that never changes during an instance's lifetime
    /// (store, builtins, memory/table/imported-global pointers): loaded once, in the entry
    /// block, so it is available everywhere as an SSA value.
    pub(crate) fn vmctx_invariant(&mut self, off: u32) -> Value<'ctx> {
        if let Some(v) = self.invariants.get(&off) {
            return *v;
        }
        let v = self.ab.load(self.ctx.ptr(), self.ab.ptr_add(self.vmctx, off as u64), 8);
        self.invariants.insert(off, v);
        v
    }

    /// `*mut VMStore`.
    pub(crate) fn store_ptr(&mut self) -> Value<'ctx> {
        self.vmctx_invariant(VMCTX_STORE)
    }

    /// Function pointer of builtin `index` (see `wasmlite_abi::builtin_index`).
    pub(crate) fn builtin(&mut self, index: u32) -> Value<'ctx> {
        let builtins = self.vmctx_invariant(VMCTX_BUILTINS);
        self.load_ptr_at(builtins, 8 * index)
    }

    /// `memory.copy`/`table.copy` (`wide`: source and length are addresses, widened to i64)
    /// and `memory.init`/`table.init` (source and length are i32 segment offsets): pops
    /// `dst, src, len`, calls builtin `index` with the two module-local indices `a`, `b` and
    /// raises the trap code it returns.
    pub(crate) fn bulk_builtin(&mut self, index: u32, a: u32, b: u32, wide: bool) -> Result<(), CompileError> {
        let ctx = self.ctx;
        let (d, s, n) = self.pop3()?;
        let d = self.to_u64(d);
        let (s, n) = if wide { (self.to_u64(s), self.to_u64(n)) } else { (s, n) };
        let (i32t, i64t) = (ctx.i32(), ctx.i64());
        let tail = if wide { i64t } else { i32t };
        let fty = ctx.func_type(i32t, &[ctx.ptr(), i32t, i32t, i64t, tail, tail]);
        let rc = self.call_builtin(index, fty, &[ctx.i32_const(a as i32), ctx.i32_const(b as i32), d, s, n]);
        self.trap_if_nonzero(rc);
        Ok(())
    }

    /// Call builtin `index` of type `fty` with `vmctx` prepended to `args`.
    pub(crate) fn call_builtin(&mut self, index: u32, fty: Type<'ctx>, args: &[Value<'ctx>]) -> Value<'ctx> {
        let f = self.builtin(index);
        let mut all = vec![self.vmctx];
        all.extend_from_slice(args);
        let r = self.b.call(fty, f, &all);
        self.reload_memories();
        r
    }

    /// `*mut VMMemory` of memory `index`.
    pub(crate) fn memory_ptr(&mut self, index: u32) -> Value<'ctx> {
        self.vmctx_invariant(self.m.layout.memory(index))
    }

    /// Reload the cached base/length of every memory (after calls and `memory.grow`).
    pub(crate) fn reload_memories(&mut self) {
        for i in 0..self.mem_cache.len() {
            let (bs, ls) = self.mem_cache[i];
            let mem = self.memory_ptr(i as u32);
            let base = self.load_ptr_at(mem, memory_offsets::BASE);
            let len = self.b.load(self.ctx.i64(), self.b.ptr_add(mem, memory_offsets::LENGTH as u64), 8);
            self.b.store(base, bs, 8);
            self.b.store(len, ls, 8);
        }
    }

    /// Cached base of memory `index`.
    pub(crate) fn mem_base(&self, index: u32) -> Option<Value<'ctx>> {
        let (bs, _) = *self.mem_cache.get(index as usize)?;
        Some(self.b.load(self.ctx.ptr(), bs, 8))
    }

    /// Cached length in bytes (i64) of memory `index`.
    pub(crate) fn mem_len(&self, index: u32) -> Option<Value<'ctx>> {
        let (_, ls) = *self.mem_cache.get(index as usize)?;
        Some(self.b.load(self.ctx.i64(), ls, 8))
    }

    /// Address of the storage of global `index` and whether it exists.
    pub(crate) fn global_addr(&mut self, index: u32) -> Value<'ctx> {
        match self.m.layout.global(index) {
            GlobalLoc::Imported(off) => self.vmctx_invariant(off),
            GlobalLoc::Defined(off) => self.b.ptr_add(self.vmctx, off as u64),
        }
    }

    /// `*mut VMTable` of table `index`.
    pub(crate) fn table_ptr(&mut self, index: u32) -> Value<'ctx> {
        self.vmctx_invariant(self.m.layout.table(index))
    }

    /// Current length (i64) of the table at `table`.
    pub(crate) fn table_len(&self, table: Value<'ctx>) -> Value<'ctx> {
        self.b.load(self.ctx.i64(), self.b.ptr_add(table, table_offsets::LENGTH as u64), 8)
    }

    /// Element base of the table at `table`.
    pub(crate) fn table_base(&self, table: Value<'ctx>) -> Value<'ctx> {
        self.load_ptr_at(table, table_offsets::BASE)
    }

    /// `vmctx + funcref(index)`: the `VMFuncRef` of function `index`.
    pub(crate) fn funcref_addr(&self, index: u32) -> Value<'ctx> {
        self.b.ptr_add(self.vmctx, self.m.layout.funcref(index) as u64)
    }

    /// The shared trap block raising `code` in this function.
    pub(crate) fn trap_block(&mut self, code: u32) -> BasicBlock<'ctx> {
        if let Some(bb) = self.trap_blocks.get(&code) {
            return *bb;
        }
        let bb = self.block(&format!("trap{code}"));
        let cur = self.b.current_block();
        self.b.position_at_end(bb);
        self.b.call(
            self.m.raise_trap_ty,
            self.m.raise_trap,
            &[self.vmctx, self.ctx.i32_const(code as i32), self.ctx.i32_const(self.func_index as i32)],
        );
        self.b.unreachable();
        self.b.position_at_end(cur);
        self.trap_blocks.insert(code, bb);
        bb
    }

    /// Trap with `code` if the i1 `cond` is true; continue in a fresh block otherwise.
    pub(crate) fn trap_if(&mut self, cond: Value<'ctx>, code: u32) {
        if cond.const_int_value() == Some(0) {
            return;
        }
        let trap = self.trap_block(code);
        let cont = self.block("cont");
        self.b.cond_br(cond, trap, cont);
        self.b.position_at_end(cont);
    }

    /// Unconditionally trap with `code` (the current block is terminated).
    pub(crate) fn trap_now(&mut self, code: u32) {
        let trap = self.trap_block(code);
        self.b.br(trap);
    }

    /// Trap with the dynamic i32 `code` if it is non-zero (builtin results).
    pub(crate) fn trap_if_nonzero(&mut self, code: Value<'ctx>) {
        let c = self.b.icmp(IntPred::LLVMIntNE, code, self.ctx.i32_const(0));
        let trap = self.block("trap_dyn");
        let cont = self.block("cont");
        self.b.cond_br(c, trap, cont);
        self.b.position_at_end(trap);
        self.b.call(
            self.m.raise_trap_ty,
            self.m.raise_trap,
            &[self.vmctx, code, self.ctx.i32_const(self.func_index as i32)],
        );
        self.b.unreachable();
        self.b.position_at_end(cont);
    }

    /// Prologue check: trap STACK_OVERFLOW if the frame address is below `stack_limit`.
    pub(crate) fn stack_check(&mut self) {
        let Some((fa, fa_ty)) = self.m.module.intrinsic("llvm.frameaddress", &[self.ctx.ptr()]) else {
            return;
        };
        let frame = self.b.call(fa_ty, fa, &[self.ctx.i32_const(0)]);
        let frame = self.b.ptrtoint(frame, self.ctx.i64());
        let store = self.store_ptr();
        let limit = self.b.load(self.ctx.i64(), self.b.ptr_add(store, store_offsets::STACK_LIMIT as u64), 8);
        let c = self.b.icmp(IntPred::LLVMIntULT, frame, limit);
        self.trap_if(c, wasmlite_abi::trap::STACK_OVERFLOW);
    }

    /// Interrupt check: trap INTERRUPTED if `store.interrupt != 0` (volatile load).
    pub(crate) fn interrupt_check(&mut self) {
        let store = self.store_ptr();
        let flag = self.b.load(self.ctx.i32(), self.b.ptr_add(store, store_offsets::INTERRUPT as u64), 4);
        flag.set_volatile();
        let c = self.b.icmp(IntPred::LLVMIntNE, flag, self.ctx.i32_const(0));
        self.trap_if(c, wasmlite_abi::trap::INTERRUPTED);
    }
}
