//! Exception handling: `throw`, `throw_ref`, `try_table` (catch, catch_ref, catch_all,
//! catch_all_ref) and the legacy `try`/`catch`/`catch_all`/`delegate`/`rethrow`.
//!
//! Zero cost on the non-throwing path: inside a try block, calls that may throw (wasm calls
//! and the throw builtins) are LLVM `invoke`s whose unwind edge goes to the try's catch-all
//! landing pad (`landingpad { ptr, i32 } catch ptr null`); nothing runs on entry to a try
//! block or around a call. The unwinder (libgcc's, driven by the runtime's personality
//! routine through the module's personality stub, see `module::emit_personality`) enters
//! the landing pad with the `VMException` pointer; the pad reloads the memory caches and
//! branches to the try's *dispatch* block, which compares the exception's canonical tag id
//! with each clause's `tag_ids[t]` and branches to the clause's label with the payload, or
//! forwards to the enclosing try's dispatch in the same function, or raises the exception
//! again for the caller's frames (`throw_ref`; see `resume_bb`).
//! Traps are not exceptions: they unwind as another exception class, which the personality
//! lets pass every landing pad (or `longjmp` to a setjmp entry), and never enter one.
//! Tail calls leave the try scope (they are plain `musttail` calls, never invokes).

use wasmlite_abi::{builtin_index, ValType};
use wasmparser::{Catch, Operator, TryTable};

use crate::llvm::{BasicBlock, IntPred, Type, Value};
use crate::CompileError;

use super::env::{exn_field, valraw_array_type, valraw_slot, ExnField, VALRAW_ALIGN};
use super::func::{FrameKind, FuncTranslator};
use super::module::{llvm_type, raise_exception_builtin, raise_returned_exception, take_prepared_exception};

/// An active handler: exceptions raised by calls in the body of frame `frame` unwind to
/// `lp` and are matched in `dispatch`.
#[derive(Clone, Copy)]
struct Handler<'ctx> {
    frame: usize,
    lp: BasicBlock<'ctx>,
    dispatch: BasicBlock<'ctx>,
}

/// A legacy `try` frame.
struct LegacyTry<'ctx> {
    frame: usize,
    /// Where the next `catch` test is appended (`None` after `catch_all`).
    next_test: Option<BasicBlock<'ctx>>,
    /// The exception being handled (read by `rethrow`).
    caught: Value<'ctx>,
    /// The enclosing handler's dispatch when the try was entered (`None`: resume).
    outer: Option<BasicBlock<'ctx>>,
    /// In a catch clause (the try's own handler is no longer active).
    in_catch: bool,
    /// `delegate` target: where unmatched exceptions go instead of `outer`.
    delegate: Option<Option<BasicBlock<'ctx>>>,
}

/// Per-function exception-handling state.
#[derive(Default)]
pub(crate) struct EhState<'ctx> {
    handlers: Vec<Handler<'ctx>>,
    legacy: Vec<LegacyTry<'ctx>>,
    /// The exception in flight between a landing pad and the dispatch blocks.
    exn_slot: Option<Value<'ctx>>,
    /// The shared `resume` block.
    resume_bb: Option<BasicBlock<'ctx>>,
}

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    /// The landing pad of the innermost active try in this function.
    pub(crate) fn current_lp(&self) -> Option<BasicBlock<'ctx>> {
        self.eh.handlers.last().map(|h| h.lp)
    }

    /// Call `callee` (which may throw): an `invoke` unwinding to the innermost try's landing
    /// pad inside a try block, an ordinary `notail` call outside. Both are `tailcc` when
    /// `tailcc` (wasm calls); the builder continues after the call.
    pub(crate) fn call_may_throw(&mut self, fty: Type<'ctx>, callee: Value<'ctx>, args: &[Value<'ctx>], tailcc: bool) -> Value<'ctx> {
        match self.current_lp() {
            None => {
                let r = self.b.call(fty, callee, args);
                if tailcc {
                    r.set_tailcc();
                }
                r.set_notail();
                r
            }
            Some(lp) => {
                let cont = self.block("invoke_cont");
                let r = self.b.invoke(fty, callee, args, cont, lp);
                if tailcc {
                    r.set_tailcc();
                }
                self.b.position_at_end(cont);
                r
            }
        }
    }

    fn exn_slot(&mut self) -> Value<'ctx> {
        if let Some(s) = self.eh.exn_slot {
            return s;
        }
        let s = self.ab.alloca(self.ctx.ptr(), 8);
        self.eh.exn_slot = Some(s);
        s
    }

    /// The block that sends the exception in flight to the caller when no handler of this
    /// function matched. Not `resume`: phase 1 of the unwinder stopped at this frame (every
    /// pad is catch-all), and libgcc aborts if phase 2 continues past that frame. The
    /// exception is raised again (a new search starting at the caller); this call has no
    /// landing pad in this function.
    fn resume_bb(&mut self) -> Result<BasicBlock<'ctx>, CompileError> {
        if let Some(bb) = self.eh.resume_bb {
            return Ok(bb);
        }
        let slot = self.exn_slot();
        let bb = self.block("eh_rethrow");
        let cur = self.b.current_block();
        self.b.position_at_end(bb);
        let exn = self.b.load(self.ctx.ptr(), slot, 8);
        let (fty, f) = self.builtin_fn(builtin_index::THROW_REF)?;
        let rc = self.b.call(fty, f, &[self.vmctx, exn]);
        // Outside every try of this function: a plain call.
        let exn = take_prepared_exception(self.m, &self.b, self.func, self.vmctx, rc, self.func_index);
        let (re_ty, re) = raise_exception_builtin(self.m, &self.b, self.vmctx)?;
        self.b.call(re_ty, re, &[exn]);
        raise_returned_exception(self.m, &self.b, self.vmctx, self.func_index);
        self.b.position_at_end(cur);
        self.eh.resume_bb = Some(bb);
        Ok(bb)
    }

    /// Where an exception not handled by a handler of frames above `frame` goes: the
    /// innermost active handler of frame `frame` or below, else resume.
    fn handler_at_or_below(&mut self, frame: usize) -> Result<BasicBlock<'ctx>, CompileError> {
        match self.eh.handlers.iter().rev().find(|h| h.frame <= frame) {
            Some(h) => Ok(h.dispatch),
            None => self.resume_bb(),
        }
    }

    /// A landing pad + dispatch block pair; the dispatch block starts by loading the
    /// exception (returned). The builder is left where it was.
    fn new_handler_blocks(&mut self) -> Result<(BasicBlock<'ctx>, BasicBlock<'ctx>), CompileError> {
        let personality = self
            .m
            .personality
            .ok_or_else(|| self.err("exception handling is not enabled (Config::wasm_features)"))?;
        self.ctx.set_personality(self.func, personality);
        let slot = self.exn_slot();
        let lp = self.block("eh_lp");
        let dispatch = self.block("eh_dispatch");
        let cur = self.b.current_block();
        self.b.position_at_end(lp);
        let r = self.b.landingpad_catch_all();
        let exn = self.b.extract_value(r, 0);
        self.b.store(exn, slot, 8);
        // The callee may have grown a memory before throwing.
        self.reload_memories();
        self.b.br(dispatch);
        self.b.position_at_end(cur);
        Ok((lp, dispatch))
    }

    /// Parameter types of tag `tag`.
    fn tag_params(&self, tag: u32) -> Result<Vec<ValType>, CompileError> {
        let ti = *self.m.info.tags.get(tag as usize).ok_or_else(|| self.err(format!("unknown tag {tag}")))?;
        let ft = self.m.info.types.get(ti as usize).ok_or_else(|| self.err(format!("tag {tag} has no type")))?;
        Ok(ft.params.to_vec())
    }

    /// `exn.tag_id == tag_ids[tag]` (i1).
    fn tag_matches(&self, exn: Value<'ctx>, tag: u32) -> Value<'ctx> {
        let id = self.b.load(self.ctx.i64(), exn_field(&self.b, exn, ExnField::TagId), 8);
        let want = self.tag_id(tag);
        self.b.icmp(IntPred::LLVMIntEQ, id, want)
    }

    /// The payload values of `exn`, an exception of tag `tag`.
    fn load_payload(&self, exn: Value<'ctx>, tag: u32) -> Result<Vec<Value<'ctx>>, CompileError> {
        let params = self.tag_params(tag)?;
        if params.is_empty() {
            return Ok(Vec::new());
        }
        let payload = self.b.load(self.ctx.ptr(), exn_field(&self.b, exn, ExnField::Payload), 8);
        Ok(params
            .iter()
            .enumerate()
            .map(|(k, t)| self.b.load(llvm_type(self.ctx, *t), valraw_slot(&self.b, payload, k), VALRAW_ALIGN))
            .collect())
    }

    /// Mark `exn` as exposed (an `exnref` value now refers to it).
    fn mark_escaped(&self, exn: Value<'ctx>) {
        self.b.store(self.ctx.i32_const(1), exn_field(&self.b, exn, ExnField::Escaped), 4);
    }

    /// Branch to label `depth` with `vals` (stored into its slots).
    fn br_with(&mut self, depth: u32, vals: &[Value<'ctx>]) -> Result<(), CompileError> {
        let (bb, slots) = self.target(depth)?;
        for (s, v) in slots.iter().zip(vals) {
            self.b.store(*v, *s, 16);
        }
        self.b.br(bb);
        Ok(())
    }

    /// Raise the exception a throw builtin prepared (it returned `rc`): an `invoke` of the
    /// `raise_exception` builtin inside a try block, a call outside (see
    /// [`take_prepared_exception`]).
    fn raise_prepared(&mut self, rc: Value<'ctx>) -> Result<(), CompileError> {
        let exn = take_prepared_exception(self.m, &self.b, self.func, self.vmctx, rc, self.func_index);
        let (fty, f) = raise_exception_builtin(self.m, &self.b, self.vmctx)?;
        self.call_may_throw(fty, f, &[exn], false);
        raise_returned_exception(self.m, &self.b, self.vmctx, self.func_index);
        self.set_unreachable();
        Ok(())
    }

    fn builtin_fn(&mut self, index: u32) -> Result<(Type<'ctx>, Value<'ctx>), CompileError> {
        let fty = super::env::builtin_type(self.ctx, index).ok_or_else(|| self.err(format!("unknown builtin {index}")))?;
        Ok((fty, self.builtin(index)?))
    }

    /// `throw_ref` of `exn` (also legacy `rethrow`).
    fn throw_ref(&mut self, exn: Value<'ctx>) -> Result<(), CompileError> {
        let (fty, f) = self.builtin_fn(builtin_index::THROW_REF)?;
        let rc = self.b.call(fty, f, &[self.vmctx, exn]);
        self.raise_prepared(rc)
    }

    /// `try_table`: the landing pad and dispatch are emitted first (catch labels are
    /// resolved outside the try_table), then the body is translated like a `block`.
    fn op_try_table(&mut self, tt: &TryTable) -> Result<(), CompileError> {
        let (params, results) = self.block_sig(tt.ty)?;
        let height = self.stack.len().checked_sub(params.len()).ok_or_else(|| self.err("operand stack underflow"))?;
        let (lp, dispatch) = self.new_handler_blocks()?;
        let slot = self.exn_slot();
        let outer = self.handler_at_or_below(usize::MAX)?;
        let cur = self.b.current_block();
        self.b.position_at_end(dispatch);
        let exn = self.b.load(self.ctx.ptr(), slot, 8);
        let mut chain_open = true;
        for c in &tt.catches {
            match *c {
                Catch::One { tag, label } | Catch::OneRef { tag, label } => {
                    let is_ref = matches!(c, Catch::OneRef { .. });
                    let hit = self.block("catch");
                    let next = self.block("catch_next");
                    let m = self.tag_matches(exn, tag);
                    self.b.cond_br(m, hit, next);
                    self.b.position_at_end(hit);
                    let mut vals = self.load_payload(exn, tag)?;
                    if is_ref {
                        self.mark_escaped(exn);
                        vals.push(exn);
                    } else {
                        self.release(exn)?;
                    }
                    self.br_with(label, &vals)?;
                    self.b.position_at_end(next);
                }
                Catch::All { label } => {
                    self.release(exn)?;
                    self.br_with(label, &[])?;
                    chain_open = false;
                    break;
                }
                Catch::AllRef { label } => {
                    self.mark_escaped(exn);
                    self.br_with(label, &[exn])?;
                    chain_open = false;
                    break;
                }
            }
        }
        if chain_open {
            self.b.br(outer);
        }
        self.b.position_at_end(cur);
        let frame = self.open_frame(FrameKind::Try, height, params, results, "try_table_end");
        self.eh.handlers.push(Handler { frame, lp, dispatch });
        Ok(())
    }

    /// `exn_release(vmctx, exn)`: a `catch`/`catch_all` frees an exception no `exnref`
    /// refers to.
    fn release(&mut self, exn: Value<'ctx>) -> Result<(), CompileError> {
        let (fty, f) = self.builtin_fn(builtin_index::EXN_RELEASE)?;
        self.b.call(fty, f, &[self.vmctx, exn]);
        Ok(())
    }

    /// Legacy `try`.
    fn op_try(&mut self, bt: wasmparser::BlockType) -> Result<(), CompileError> {
        let (params, results) = self.block_sig(bt)?;
        let height = self.stack.len().checked_sub(params.len()).ok_or_else(|| self.err("operand stack underflow"))?;
        let (lp, dispatch) = self.new_handler_blocks()?;
        let slot = self.exn_slot();
        let caught = self.ab.alloca(self.ctx.ptr(), 8);
        let outer = self.eh.handlers.last().map(|h| h.dispatch);
        let cur = self.b.current_block();
        self.b.position_at_end(dispatch);
        let exn = self.b.load(self.ctx.ptr(), slot, 8);
        self.b.store(exn, caught, 8);
        let first_test = self.block("try_catch_test");
        self.b.br(first_test);
        self.b.position_at_end(cur);
        let frame = self.open_frame(FrameKind::Try, height, params, results, "try_end");
        self.eh.handlers.push(Handler { frame, lp, dispatch });
        self.eh.legacy.push(LegacyTry { frame, next_test: Some(first_test), caught, outer, in_catch: false, delegate: None });
        Ok(())
    }

    /// The legacy try of the innermost frame.
    fn legacy_top(&mut self) -> Result<&mut LegacyTry<'ctx>, CompileError> {
        let top = self.frames.len().wrapping_sub(1);
        match self.eh.legacy.last_mut() {
            Some(l) if l.frame == top => Ok(l),
            _ => Err(CompileError::at(self.offset, "catch/delegate outside try")),
        }
    }

    /// Legacy `catch tag` (`None`: `catch_all`): ends the try body or the previous clause.
    fn op_catch(&mut self, tag: Option<u32>) -> Result<(), CompileError> {
        let (nres, height, merge, slots) = {
            let f = self.frames.last().ok_or_else(|| self.err("catch outside try"))?;
            (f.results.len(), f.height, f.merge, f.result_slots.clone())
        };
        if !self.unreachable {
            let vals = self.popn(nres)?;
            for (s, v) in slots.iter().zip(&vals) {
                self.b.store(*v, *s, 16);
            }
            self.b.br(merge);
            if let Some(f) = self.frames.last_mut() {
                f.merge_reachable = true;
            }
        }
        let frame = self.frames.len() - 1;
        let l = self.legacy_top()?;
        let first = !l.in_catch;
        l.in_catch = true;
        let (test, caught) = (l.next_test, l.caught);
        if first {
            // The try's own handler does not cover its catch clauses.
            if self.eh.handlers.last().is_some_and(|h| h.frame == frame) {
                self.eh.handlers.pop();
            }
        }
        self.stack.truncate(height);
        let body = self.block("catch_body");
        // After a catch_all (`None`) no clause can be reached (validation rejects it anyway).
        if let Some(test) = test {
            self.b.position_at_end(test);
            let exn = self.b.load(self.ctx.ptr(), caught, 8);
            match tag {
                Some(t) => {
                    let next = self.block("try_catch_test");
                    let m = self.tag_matches(exn, t);
                    self.b.cond_br(m, body, next);
                    self.legacy_top()?.next_test = Some(next);
                }
                None => {
                    self.b.br(body);
                    self.legacy_top()?.next_test = None;
                }
            }
        }
        self.b.position_at_end(body);
        // The clause may `rethrow` it, also after a nested handler caught it again: never
        // released (it lives until the store is dropped).
        let exn = self.b.load(self.ctx.ptr(), caught, 8);
        self.mark_escaped(exn);
        if let Some(t) = tag {
            for v in self.load_payload(exn, t)? {
                self.push(v);
            }
        }
        self.unreachable = false;
        self.unreachable_depth = 0;
        Ok(())
    }

    /// Called by `end` (and `delegate`) before the innermost frame is closed: deactivates its
    /// handler and, for a legacy try, sends unmatched exceptions on.
    pub(crate) fn eh_before_end(&mut self) -> Result<(), CompileError> {
        let Some(top) = self.frames.len().checked_sub(1) else { return Ok(()) };
        if self.eh.handlers.last().is_some_and(|h| h.frame == top) {
            self.eh.handlers.pop();
        }
        if self.eh.legacy.last().is_some_and(|l| l.frame == top) {
            if let Some(l) = self.eh.legacy.pop() {
                if let Some(test) = l.next_test {
                    let dest = match l.delegate.or(Some(l.outer)).flatten() {
                        Some(d) => d,
                        None => self.resume_bb()?,
                    };
                    let cur = self.b.current_block();
                    self.b.position_at_end(test);
                    self.b.br(dest);
                    self.b.position_at_end(cur);
                }
            }
        }
        Ok(())
    }

    /// Legacy `delegate depth`: unmatched exceptions of the try body go to the handler of the
    /// label `depth` (counted outside the try), or to the caller.
    fn op_delegate(&mut self, depth: u32) -> Result<(), CompileError> {
        let n = self.frames.len();
        let target = n.checked_sub(2 + depth as usize);
        let dest = match target {
            // Handlers of frames at or below the target label (the try's own is above it).
            Some(t) => self.eh.handlers.iter().rev().find(|h| h.frame <= t).map(|h| h.dispatch),
            None => None,
        };
        self.legacy_top()?.delegate = Some(dest);
        self.op_end()
    }

    /// Exception-handling operators. `Ok(false)` if `op` is not one.
    pub(crate) fn translate_exception(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        match op {
            Operator::TryTable { try_table } => self.op_try_table(try_table)?,
            Operator::Throw { tag_index } => {
                let params = self.tag_params(*tag_index)?;
                let vals = self.popn(params.len())?;
                let values = self.ab.alloca(valraw_array_type(self.ctx, params.len().max(1)), VALRAW_ALIGN);
                for (k, v) in vals.iter().enumerate() {
                    self.b.store(*v, valraw_slot(&self.b, values, k), VALRAW_ALIGN);
                }
                let (fty, f) = self.builtin_fn(builtin_index::THROW)?;
                let tag = self.ctx.i32_const(*tag_index as i32);
                let rc = self.b.call(fty, f, &[self.vmctx, tag, values]);
                self.raise_prepared(rc)?;
            }
            Operator::ThrowRef => {
                let exn = self.pop()?;
                self.throw_ref(exn)?;
            }
            Operator::Try { blockty } => self.op_try(*blockty)?,
            Operator::Catch { tag_index } => self.op_catch(Some(*tag_index))?,
            Operator::CatchAll => self.op_catch(None)?,
            Operator::Delegate { relative_depth } => self.op_delegate(*relative_depth)?,
            Operator::Rethrow { relative_depth } => {
                let idx = self
                    .frames
                    .len()
                    .checked_sub(1 + *relative_depth as usize)
                    .ok_or_else(|| self.err("invalid rethrow depth"))?;
                let caught = self
                    .eh
                    .legacy
                    .iter()
                    .find(|l| l.frame == idx && l.in_catch)
                    .map(|l| l.caught)
                    .ok_or_else(|| self.err("rethrow target is not a catch clause"))?;
                let exn = self.b.load(self.ctx.ptr(), caught, 8);
                self.throw_ref(exn)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
