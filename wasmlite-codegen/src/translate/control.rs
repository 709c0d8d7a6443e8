//! Control flow (block/loop/if/else/end/br/br_if/br_table/return/unreachable), select,
//! drop, locals and globals, and calls (direct, imported, indirect).

use wasmlite_abi::{trap, ValType};

use super::env::{FuncRefField, VMGLOBAL_ALIGN};
use wasmparser::{BlockType, Operator};

use crate::llvm::{BasicBlock, IntPred, Value};
use crate::CompileError;

use super::func::{val_type, Frame, FrameKind, FuncTranslator};
use super::module::{build_return, call_host_reg, call_results, host_failure, llvm_type, native_args, raise_if_interrupted, result_area, results_in_memory};

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    /// Parameter and result types of a block type.
    pub(crate) fn block_sig(&self, bt: BlockType) -> Result<(Vec<ValType>, Vec<ValType>), CompileError> {
        Ok(match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Type(t) => (vec![], vec![val_type(t, self.offset)?]),
            BlockType::FuncType(i) => {
                let ft = self
                    .m
                    .info
                    .types
                    .get(i as usize)
                    .ok_or_else(|| self.err(format!("unknown block type {i}")))?;
                (ft.params.to_vec(), ft.results.to_vec())
            }
        })
    }

    /// Store `vals` into `slots`.
    fn store_slots(&self, slots: &[Value<'ctx>], vals: &[Value<'ctx>]) {
        for (s, v) in slots.iter().zip(vals) {
            self.b.store(*v, *s, 16);
        }
    }

    /// Branch target of the frame at relative `depth`: (block, slots); marks merges reachable.
    pub(crate) fn target(&mut self, depth: u32) -> Result<(BasicBlock<'ctx>, Vec<Value<'ctx>>), CompileError> {
        let n = self.frames.len();
        let idx = n
            .checked_sub(1 + depth as usize)
            .ok_or_else(|| CompileError::at(self.offset, format!("invalid branch depth {depth}")))?;
        let f = &mut self.frames[idx];
        if let (FrameKind::Loop, Some(h)) = (&f.kind, f.header) {
            Ok((h, f.param_slots.clone()))
        } else {
            f.merge_reachable = true;
            Ok((f.merge, f.result_slots.clone()))
        }
    }

    /// Load and push the values of `slots`.
    fn push_slots(&mut self, slots: &[Value<'ctx>], tys: &[ValType]) {
        for (s, t) in slots.iter().zip(tys) {
            let v = self.b.load(llvm_type(self.ctx, *t), *s, 16);
            self.push(v);
        }
    }

    /// `else`.
    pub(crate) fn op_else(&mut self) -> Result<(), CompileError> {
        let reachable = !self.unreachable;
        let nres;
        {
            let f = self.frames.last().ok_or_else(|| CompileError::at(self.offset, "else outside if"))?;
            nres = f.results.len();
        }
        if reachable {
            let vals = self.popn(nres)?;
            let f = self.frames.last_mut().ok_or_else(|| CompileError::at(self.offset, "else outside if"))?;
            f.merge_reachable = true;
            let (slots, merge) = (f.result_slots.clone(), f.merge);
            self.store_slots(&slots, &vals);
            self.b.br(merge);
        }
        let f = self.frames.last_mut().ok_or_else(|| CompileError::at(self.offset, "else outside if"))?;
        let kind = std::mem::replace(&mut f.kind, FrameKind::Else);
        let FrameKind::If { else_bb, params } = kind else {
            return Err(CompileError::at(self.offset, "else without matching if"));
        };
        let height = f.height;
        self.stack.truncate(height);
        self.stack.extend(params);
        self.b.position_at_end(else_bb);
        self.unreachable = false;
        self.unreachable_depth = 0;
        Ok(())
    }

    /// `end`.
    pub(crate) fn op_end(&mut self) -> Result<(), CompileError> {
        self.eh_before_end()?;
        let nres = self.frames.last().map(|f| f.results.len()).unwrap_or(0);
        let vals = if self.unreachable { Vec::new() } else { self.popn(nres)? };
        let mut f: Frame<'ctx> =
            self.frames.pop().ok_or_else(|| CompileError::at(self.offset, "end without block"))?;
        if !self.unreachable {
            self.store_slots(&f.result_slots, &vals);
            self.b.br(f.merge);
            f.merge_reachable = true;
        }
        if let FrameKind::If { else_bb, params } = &f.kind {
            // No else arm: the parameters flow through as results.
            self.b.position_at_end(*else_bb);
            self.store_slots(&f.result_slots, params);
            self.b.br(f.merge);
            f.merge_reachable = true;
        }
        self.stack.truncate(f.height);
        self.b.position_at_end(f.merge);
        if f.merge_reachable {
            self.unreachable = false;
            self.unreachable_depth = 0;
            if let FrameKind::Func = f.kind {
                let vals: Vec<Value<'ctx>> = f
                    .result_slots
                    .iter()
                    .zip(&f.results)
                    .map(|(s, t)| self.b.load(llvm_type(self.ctx, *t), *s, 16))
                    .collect();
                build_return(&self.b, self.ctx, self.func, &f.results, &vals);
            } else {
                self.push_slots(&f.result_slots, &f.results);
            }
        } else {
            self.b.unreachable();
            self.set_unreachable();
        }
        Ok(())
    }

    /// Call through a `VMFuncRef` pointer `fr` with type index `ti`.
    fn call_funcref(&mut self, fr: Value<'ctx>, ti: u32, args: Vec<Value<'ctx>>, tail: bool) -> Result<(), CompileError> {
        self.fn_type(ti)?;
        let native = self.funcref_load(fr, FuncRefField::Native);
        let callee_vmctx = self.funcref_load(fr, FuncRefField::Vmctx);
        let mut all = vec![callee_vmctx];
        all.extend(args);
        self.call_native(native, ti, &all, tail)
    }

    /// LLVM type of type index `ti` (native ABI).
    fn fn_type(&self, ti: u32) -> Result<crate::llvm::Type<'ctx>, CompileError> {
        self.m.fn_types.get(ti as usize).copied().ok_or_else(|| self.err("bad type index"))
    }

    /// Call native-ABI `callee` (type index `ti`) with `args` (callee vmctx first). A normal
    /// call is `notail` and pushes the results; a tail call (`tail`) is `musttail` followed by
    /// `ret`: `tailcc` makes the callee pop its own stack arguments, so the stack stays
    /// constant even between different signatures. Results in memory (`results_in_memory`)
    /// go to a result area in this frame, or, for a tail call, to this function's own
    /// caller's area (its types are the same).
    fn call_native(&mut self, callee: Value<'ctx>, ti: u32, args: &[Value<'ctx>], tail: bool) -> Result<(), CompileError> {
        if !tail {
            let results = self.call_native_values(callee, ti, args)?;
            self.reload_memories();
            for v in results {
                self.push(v);
            }
            return Ok(());
        }
        let fty = self.fn_type(ti)?;
        let ty = self.m.info.types.get(ti as usize).ok_or_else(|| self.err("bad type index"))?.clone();
        let area = results_in_memory(&ty.results).then(|| self.func.param(1));
        let args = native_args(self.ctx, &ty, args, area);
        let r = self.b.call(fty, callee, &args);
        r.set_tailcc();
        // A function with a guaranteed tail call must not carry "disable-tail-calls".
        self.ctx.remove_fn_str_attr(self.func, "disable-tail-calls");
        r.set_musttail();
        if ty.results.is_empty() || area.is_some() {
            self.b.ret_void();
        } else {
            self.b.ret(r);
        }
        self.set_unreachable();
        Ok(())
    }

    /// A normal (not tail) call of native-ABI `callee` (type index `ti`, `args` with the
    /// callee vmctx first): its results (memories not reloaded yet).
    fn call_native_values(&mut self, callee: Value<'ctx>, ti: u32, args: &[Value<'ctx>]) -> Result<Vec<Value<'ctx>>, CompileError> {
        let fty = self.fn_type(ti)?;
        let ty = self.m.info.types.get(ti as usize).ok_or_else(|| self.err("bad type index"))?.clone();
        let area = result_area(self.ctx, &self.ab, &ty);
        let args = native_args(self.ctx, &ty, args, area);
        // Inside a try block an `invoke` (exception handling); a tail call leaves the try.
        let r = self.call_may_throw(fty, callee, &args, true);
        Ok(call_results(self.ctx, &self.b, &ty, r, area))
    }

    /// A normal call of imported function `fi` (type index `ti`, eligible for the register
    /// convention): a host function with a register entry (`VMFuncRef::host`) is called
    /// directly, without the import stub in between (what the stub does after the call is
    /// done here: [`host_failure`] and the interrupt check); anything else (a wasm function, a
    /// host function without register entry) through `VMFuncRef::native` as usual. One
    /// indirect call per host call, as a native call through a function pointer.
    fn call_import_reg(&mut self, fr: Value<'ctx>, fi: u32, ti: u32, args: Vec<Value<'ctx>>) -> Result<(), CompileError> {
        let ctx = self.ctx;
        let ty = self.m.info.types.get(ti as usize).ok_or_else(|| self.err("bad type index"))?.clone();
        let host = self.funcref_load(fr, FuncRefField::Host);
        let reg = self.block("import_reg");
        let native = self.block("import_native");
        let join = self.block("import_done");
        let is_null = self.b.icmp(IntPred::LLVMIntEQ, host, ctx.const_null(ctx.ptr()));
        self.b.cond_br(is_null, native, reg);

        self.b.position_at_end(reg);
        let array_ctx = self.funcref_load(fr, FuncRefField::ArrayCtx);
        let (rc, reg_results) = call_host_reg(ctx, &self.b, host, array_ctx, self.vmctx, &ty, &args);
        let failed = self.b.icmp(IntPred::LLVMIntNE, rc, ctx.i32_const(0));
        let trap = self.block("import_trap");
        let ok = self.block("import_ok");
        self.b.cond_br(failed, trap, ok);
        self.b.position_at_end(trap);
        let lp = self.current_lp();
        host_failure(self.m, &self.b, self.func, self.vmctx, rc, fi, lp)?;
        self.b.position_at_end(ok);
        if !self.m.poll_interrupts {
            // Back in wasm code: an interrupt requested while the host function ran.
            let store = super::env::load_store(ctx, &self.b, self.vmctx);
            raise_if_interrupted(self.m, &self.b, self.func, store, fi);
        }
        let reg_end = self.b.current_block();
        self.b.br(join);

        self.b.position_at_end(native);
        let callee = self.funcref_load(fr, FuncRefField::Native);
        let callee_vmctx = self.funcref_load(fr, FuncRefField::Vmctx);
        let mut all = vec![callee_vmctx];
        all.extend(args);
        let native_results = self.call_native_values(callee, ti, &all)?;
        let native_end = self.b.current_block();
        self.b.br(join);

        self.b.position_at_end(join);
        let results: Vec<Value<'ctx>> = reg_results
            .iter()
            .zip(&native_results)
            .map(|(&r, &n)| self.b.phi(r.ty(), &[(r, reg_end), (n, native_end)]))
            .collect();
        self.reload_memories();
        for v in results {
            self.push(v);
        }
        Ok(())
    }

    /// Direct call (or tail call) of function `fi`.
    fn op_call(&mut self, fi: u32, tail: bool) -> Result<(), CompileError> {
        let ti = *self.m.info.funcs.get(fi as usize).ok_or_else(|| self.err("bad function index"))?;
        let ft = self.m.info.types.get(ti as usize).ok_or_else(|| self.err("bad type index"))?;
        let args = self.popn(ft.params.len())?;
        if fi < self.m.info.num_imported_funcs {
            let fr = self.funcref_addr(fi);
            if !tail && self.m.host_reg_calls && wasmlite_abi::host_reg_eligible(ft) {
                return self.call_import_reg(fr, fi, ti, args);
            }
            self.call_funcref(fr, ti, args, tail)
        } else {
            let mut all = vec![self.vmctx];
            all.extend(args);
            self.call_native(self.m.funcs[fi as usize], ti, &all, tail)
        }
    }

    /// `call_ref` / `return_call_ref`: null check, then the callee's canonical type id is
    /// compared like `call_indirect` does (validation already guarantees it; the check keeps
    /// a wrongly typed reference from the host from ever being called with the wrong ABI).
    fn op_call_ref(&mut self, ti: u32, tail: bool) -> Result<(), CompileError> {
        let ft = self.m.info.types.get(ti as usize).ok_or_else(|| self.err("bad type index"))?;
        let np = ft.params.len();
        let fr = self.pop()?;
        let args = self.popn(np)?;
        self.checked_call_funcref(fr, ti, args, tail)
    }

    /// Call the `VMFuncRef` `fr` as type `ti` after the indirect-call checks: null →
    /// `INDIRECT_CALL_TO_NULL`; type → exact identity with the canonical id the runtime wrote
    /// into `type_ids[ti]`, else `BAD_SIGNATURE`.
    fn checked_call_funcref(&mut self, fr: Value<'ctx>, ti: u32, args: Vec<Value<'ctx>>, tail: bool) -> Result<(), CompileError> {
        let ctx = self.ctx;
        let null = self.b.icmp(IntPred::LLVMIntEQ, fr, ctx.const_null(ctx.ptr()));
        self.trap_if(null, trap::INDIRECT_CALL_TO_NULL);
        let tid = self.funcref_load(fr, FuncRefField::TypeId);
        let want = self.expected_type_id(ti);
        let bad = self.b.icmp(IntPred::LLVMIntNE, tid, want);
        self.trap_if(bad, trap::BAD_SIGNATURE);
        self.call_funcref(fr, ti, args, tail)
    }

    /// `call_indirect` / `return_call_indirect`.
    fn op_call_indirect(&mut self, ti: u32, table_index: u32, tail: bool) -> Result<(), CompileError> {
        let ctx = self.ctx;
        let ft = self.m.info.types.get(ti as usize).ok_or_else(|| self.err("bad type index"))?;
        let np = ft.params.len();
        let idx = self.pop()?;
        let args = self.popn(np)?;
        let table = self.table_ptr(table_index);
        let len = self.table_len(table);
        let idx64 = self.to_u64(idx); // i32 index zero-extended; table64 indices are i64 already
        let oob = self.b.icmp(IntPred::LLVMIntUGE, idx64, len);
        self.trap_if(oob, trap::TABLE_OUT_OF_BOUNDS);
        let base = self.table_base(table);
        let slot = self.b.gep_elem(ctx.ptr(), base, idx64);
        let fr = self.b.load(ctx.ptr(), slot, 8);
        self.checked_call_funcref(fr, ti, args, tail)
    }

    /// Control, parametric, variable and call operators. `Ok(false)` if `op` is not one.
    pub(crate) fn translate_control(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        let ctx = self.ctx;
        match op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.trap_now(trap::UNREACHABLE);
                self.set_unreachable();
            }
            Operator::Block { blockty } => {
                let (params, results) = self.block_sig(*blockty)?;
                let height = self
                    .stack
                    .len()
                    .checked_sub(params.len())
                    .ok_or_else(|| self.err("operand stack underflow"))?;
                self.open_frame(FrameKind::Block, height, params, results, "block_end");
            }
            Operator::Loop { blockty } => {
                let (params, results) = self.block_sig(*blockty)?;
                let vals = self.popn(params.len())?;
                let height = self.stack.len();
                let header = self.block("loop");
                let param_slots = self.make_slots(&params);
                self.store_slots(&param_slots, &vals);
                self.b.br(header);
                self.b.position_at_end(header);
                self.push_slots(&param_slots, &params);
                self.open_frame(FrameKind::Loop, height, params, results, "loop_end");
                if let Some(frame) = self.frames.last_mut() {
                    frame.header = Some(header);
                    frame.param_slots = param_slots;
                }
                self.interrupt_poll();
            }
            Operator::If { blockty } => {
                let (params, results) = self.block_sig(*blockty)?;
                let c = self.pop()?;
                let pvals = self.peekn(params.len())?;
                let height = self.stack.len() - params.len();
                let then_bb = self.block("then");
                let else_bb = self.block("else");
                let cond = self.b.icmp(IntPred::LLVMIntNE, c, ctx.i32_const(0));
                self.b.cond_br(cond, then_bb, else_bb);
                self.b.position_at_end(then_bb);
                self.open_frame(FrameKind::If { else_bb, params: pvals }, height, params, results, "if_end");
            }
            Operator::Else => self.op_else()?,
            Operator::End => self.op_end()?,
            Operator::Br { relative_depth } => {
                let (bb, slots) = self.target(*relative_depth)?;
                let vals = self.peekn(slots.len())?;
                self.store_slots(&slots, &vals);
                self.b.br(bb);
                self.set_unreachable();
            }
            Operator::BrIf { relative_depth } => {
                let c = self.pop()?;
                let (bb, slots) = self.target(*relative_depth)?;
                let vals = self.peekn(slots.len())?;
                self.store_slots(&slots, &vals);
                let cont = self.block("br_if_cont");
                let cond = self.b.icmp(IntPred::LLVMIntNE, c, ctx.i32_const(0));
                self.b.cond_br(cond, bb, cont);
                self.b.position_at_end(cont);
            }
            Operator::BrTable { targets } => {
                let idx = self.pop()?;
                let mut depths = Vec::with_capacity(targets.len() as usize);
                for t in targets.targets() {
                    depths.push(t?);
                }
                let default = targets.default();
                let mut resolved: Vec<(u32, BasicBlock<'ctx>)> = Vec::new();
                for &d in depths.iter().chain(std::iter::once(&default)) {
                    if resolved.iter().any(|(x, _)| *x == d) {
                        continue;
                    }
                    let (bb, slots) = self.target(d)?;
                    let vals = self.peekn(slots.len())?;
                    self.store_slots(&slots, &vals);
                    resolved.push((d, bb));
                }
                let bb_of = |d: u32| resolved.iter().find(|(x, _)| *x == d).map(|(_, b)| *b);
                let default_bb = bb_of(default).ok_or_else(|| self.err("br_table default"))?;
                let mut cases = Vec::with_capacity(depths.len());
                for (k, d) in depths.iter().enumerate() {
                    let bb = bb_of(*d).ok_or_else(|| self.err("br_table target"))?;
                    cases.push((ctx.i32_const(k as i32), bb));
                }
                self.b.switch(idx, default_bb, &cases);
                self.set_unreachable();
            }
            Operator::Return => {
                let f = self.frames.first().ok_or_else(|| self.err("return outside function"))?;
                let results = f.results.clone();
                let vals = self.popn(results.len())?;
                build_return(&self.b, ctx, self.func, &results, &vals);
                self.set_unreachable();
            }
            Operator::Drop => {
                self.pop()?;
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let (a, b, c) = self.pop3()?;
                let cond = self.b.icmp(IntPred::LLVMIntNE, c, ctx.i32_const(0));
                let v = self.b.select(cond, a, b);
                self.push(v);
            }
            Operator::LocalGet { local_index } => {
                let (slot, ty) = *self.locals.get(*local_index as usize).ok_or_else(|| self.err("bad local"))?;
                let v = self.b.load(ty, slot, 16);
                self.push(v);
            }
            Operator::LocalSet { local_index } => {
                let v = self.pop()?;
                let (slot, _) = *self.locals.get(*local_index as usize).ok_or_else(|| self.err("bad local"))?;
                self.b.store(v, slot, 16);
            }
            Operator::LocalTee { local_index } => {
                let v = self.pop()?;
                let (slot, _) = *self.locals.get(*local_index as usize).ok_or_else(|| self.err("bad local"))?;
                self.b.store(v, slot, 16);
                self.push(v);
            }
            Operator::GlobalGet { global_index } => {
                let g = *self.m.info.globals.get(*global_index as usize).ok_or_else(|| self.err("bad global"))?;
                let addr = self.global_addr(*global_index);
                let v = self.b.load(llvm_type(ctx, g.ty), addr, VMGLOBAL_ALIGN);
                self.push(v);
            }
            Operator::GlobalSet { global_index } => {
                let v = self.pop()?;
                if *global_index as usize >= self.m.info.globals.len() {
                    return Err(self.err("bad global"));
                }
                let addr = self.global_addr(*global_index);
                self.state_store(v, addr, VMGLOBAL_ALIGN);
            }
            Operator::Call { function_index } => self.op_call(*function_index, false)?,
            Operator::ReturnCall { function_index } => self.op_call(*function_index, true)?,
            Operator::CallIndirect { type_index, table_index } => {
                self.op_call_indirect(*type_index, *table_index, false)?
            }
            Operator::ReturnCallIndirect { type_index, table_index } => {
                self.op_call_indirect(*type_index, *table_index, true)?
            }
            Operator::CallRef { type_index } => self.op_call_ref(*type_index, false)?,
            Operator::ReturnCallRef { type_index } => self.op_call_ref(*type_index, true)?,
            Operator::RefAsNonNull => {
                let r = self.pop()?;
                let null = self.b.icmp(IntPred::LLVMIntEQ, r, ctx.const_null(ctx.ptr()));
                self.trap_if(null, trap::NULL_REFERENCE);
                self.push(r);
            }
            Operator::BrOnNull { relative_depth } => {
                let r = self.pop()?;
                let (bb, slots) = self.target(*relative_depth)?;
                let vals = self.peekn(slots.len())?;
                self.store_slots(&slots, &vals);
                let cont = self.block("br_on_null_cont");
                let null = self.b.icmp(IntPred::LLVMIntEQ, r, ctx.const_null(ctx.ptr()));
                self.b.cond_br(null, bb, cont);
                self.b.position_at_end(cont);
                self.push(r);
            }
            Operator::BrOnNonNull { relative_depth } => {
                let r = self.peekn(1)?[0];
                let (bb, slots) = self.target(*relative_depth)?;
                let vals = self.peekn(slots.len())?;
                self.store_slots(&slots, &vals);
                self.pop()?;
                let cont = self.block("br_on_non_null_cont");
                let null = self.b.icmp(IntPred::LLVMIntEQ, r, ctx.const_null(ctx.ptr()));
                self.b.cond_br(null, cont, bb);
                self.b.position_at_end(cont);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    /// Open a block-like frame (`block`, `try_table`, legacy `try`) whose parameters are the
    /// top of the stack above `height`: a merge block named `merge_name` and result slots.
    /// Returns the frame's index.
    pub(crate) fn open_frame(
        &mut self,
        kind: FrameKind<'ctx>,
        height: usize,
        params: Vec<ValType>,
        results: Vec<ValType>,
        merge_name: &str,
    ) -> usize {
        let merge = self.block(merge_name);
        let result_slots = self.make_slots(&results);
        self.frames.push(Frame {
            kind,
            height,
            params,
            results,
            merge,
            result_slots,
            header: None,
            param_slots: Vec::new(),
            merge_reachable: false,
        });
        self.frames.len() - 1
    }
}

