//! The function translator: value stack, locals (allocas, cleaned up by SROA/mem2reg),
//! control frames and unreachable-code skipping. Operators are dispatched to one file per
//! family.

use std::collections::HashMap;

use wasmlite_abi::ValType;
use wasmparser::{FunctionBody, Operator};

use crate::llvm::{BasicBlock, Builder, Context, Type, Value};
use crate::CompileError;

use super::module::{llvm_type, ModuleCtx};

/// Kind of a control frame.
pub(crate) enum FrameKind<'ctx> {
    /// The function body.
    Func,
    /// `block`.
    Block,
    /// `loop` (branches go to `header`).
    Loop,
    /// `if` whose `else` has not been seen yet; `params` are re-pushed for the else arm.
    If { else_bb: BasicBlock<'ctx>, params: Vec<Value<'ctx>> },
    /// `else` arm.
    Else,
    /// `try_table` or legacy `try` (branches like a `block`; handlers in `eh`).
    Try,
}

/// A control frame.
pub(crate) struct Frame<'ctx> {
    /// Kind.
    pub kind: FrameKind<'ctx>,
    /// Value stack height below the frame's parameters.
    pub height: usize,
    /// Parameter types.
    #[allow(dead_code)]
    pub params: Vec<ValType>,
    /// Result types.
    pub results: Vec<ValType>,
    /// Block after the frame (where results flow).
    pub merge: BasicBlock<'ctx>,
    /// Allocas receiving the results.
    pub result_slots: Vec<Value<'ctx>>,
    /// Loop header (loops only).
    pub header: Option<BasicBlock<'ctx>>,
    /// Allocas receiving the loop parameters (loops only).
    pub param_slots: Vec<Value<'ctx>>,
    /// Whether anything branches/falls through to `merge`.
    pub merge_reachable: bool,
}

/// Translation state of one function. Operator files add `impl` blocks.
pub(crate) struct FuncTranslator<'a, 'ctx> {
    /// Module state.
    pub m: &'a ModuleCtx<'a, 'ctx>,
    /// LLVM context.
    pub ctx: &'ctx Context,
    /// Builder at the current position.
    pub b: Builder<'ctx>,
    /// Builder for allocas (end of the entry block).
    pub ab: Builder<'ctx>,
    /// The LLVM function.
    pub func: Value<'ctx>,
    /// Wasm function index.
    pub func_index: u32,
    /// The `vmctx` parameter.
    pub vmctx: Value<'ctx>,
    /// Operand stack.
    pub stack: Vec<Value<'ctx>>,
    /// Locals: (alloca, type).
    pub locals: Vec<(Value<'ctx>, Type<'ctx>)>,
    /// Control frames.
    pub frames: Vec<Frame<'ctx>>,
    /// Current code is unreachable.
    pub unreachable: bool,
    /// Nesting depth of skipped blocks inside unreachable code.
    pub unreachable_depth: u32,
    /// Entry block (allocas).
    #[allow(dead_code)]
    pub entry: BasicBlock<'ctx>,
    /// Per-trap-code shared trap blocks.
    pub trap_blocks: HashMap<u32, BasicBlock<'ctx>>,
    /// Cached (base slot, length slot) per memory.
    pub mem_cache: Vec<(Value<'ctx>, Value<'ctx>)>,
    /// Byte offset of the operator being translated.
    pub offset: usize,
    /// VMContext fields loaded once in the entry block, by offset.
    pub invariants: HashMap<u32, Value<'ctx>>,
    /// Exception-handling state (active try handlers).
    pub eh: super::exceptions::EhState<'ctx>,
}

/// Translate the body of defined function `index`.
pub(crate) fn translate_function<'a, 'ctx>(
    m: &'a ModuleCtx<'a, 'ctx>,
    index: u32,
    body: &FunctionBody<'_>,
) -> Result<(), CompileError> {
    let ctx = m.ctx;
    let func = m.funcs[index as usize];
    let ty = m
        .info
        .func_type(index)
        .ok_or_else(|| CompileError::msg(format!("function {index} has no type")))?
        .clone();
    // Only the setjmp entry needs a frame pointer (`llvm.eh.sjlj.setjmp`); a function body
    // without one has `rbp` as an extra register (the stack check reads the stack pointer
    // instead; unwinding follows the unwind tables).
    ctx.add_fn_str_attr(func, "frame-pointer", "none");
    let entry = ctx.append_block(func, "entry");
    let body_bb = ctx.append_block(func, "body");
    let ab = ctx.builder();
    ab.position_at_end(entry);
    let b = ctx.builder();
    b.position_at_end(body_bb);
    let mut t = FuncTranslator {
        m,
        ctx,
        b,
        ab,
        func,
        func_index: index,
        vmctx: func.param(0),
        stack: Vec::new(),
        locals: Vec::new(),
        frames: Vec::new(),
        unreachable: false,
        unreachable_depth: 0,
        entry,
        trap_blocks: HashMap::new(),
        mem_cache: Vec::new(),
        offset: body.range().start as usize,
        invariants: HashMap::new(),
        eh: Default::default(),
    };
    // Locals.
    for (k, p) in ty.params.iter().enumerate() {
        let lt = llvm_type(ctx, *p);
        let slot = t.ab.alloca(lt, 16);
        t.ab.store(func.param(k as u32 + super::module::first_param(&ty)), slot, 16);
        t.locals.push((slot, lt));
    }
    let mut lr = body.get_locals_reader()?;
    for _ in 0..lr.get_count() {
        let off = lr.original_position();
        let (count, vt) = lr.read()?;
        let vt = val_type(vt, off as usize)?;
        let lt = llvm_type(ctx, vt);
        for _ in 0..count {
            let slot = t.ab.alloca(lt, 16);
            t.ab.store(ctx.const_null(lt), slot, 16);
            t.locals.push((slot, lt));
        }
    }
    // Memory caches.
    for _ in 0..m.layout.num_memories {
        let base = t.ab.alloca(ctx.ptr(), 8);
        let len = t.ab.alloca(ctx.i64(), 8);
        t.mem_cache.push((base, len));
    }
    t.reload_memories();
    t.stack_check();
    t.interrupt_poll();

    // The function frame.
    t.open_frame(FrameKind::Func, 0, Vec::new(), ty.results.to_vec(), "return");

    let mut reader = body.get_operators_reader()?;
    while !t.frames.is_empty() {
        t.offset = reader.original_position() as usize;
        let op = reader.read()?;
        t.translate_op(&op)?;
    }
    // Entry falls into the body.
    t.ab.position_at_end(entry);
    t.ab.br(body_bb);
    // At O0 only the bodies with unfolded constant vector computations are optimised (see
    // [`crate::pass_pipeline`]); `optnone` keeps the pipeline's passes off all others.
    if !m.optimize && !func.has_unfolded_vector_constants() {
        ctx.add_fn_attr(func, "noinline");
        ctx.add_fn_attr(func, "optnone");
    }
    Ok(())
}

/// Convert a wasmparser value type (one conversion for the whole project: `wasmlite_abi::parse`).
pub(crate) fn val_type(t: wasmparser::ValType, offset: usize) -> Result<ValType, CompileError> {
    Ok(wasmlite_abi::parse::val_type(t, offset as u64)?)
}

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    /// An error at the current operator.
    pub(crate) fn err(&self, msg: impl Into<String>) -> CompileError {
        CompileError::at(self.offset, msg)
    }

    /// Push a value.
    pub(crate) fn push(&mut self, v: Value<'ctx>) {
        self.stack.push(v);
    }

    /// Pop a value (validated code never underflows; an underflow is reported as an error).
    pub(crate) fn pop(&mut self) -> Result<Value<'ctx>, CompileError> {
        self.stack.pop().ok_or_else(|| CompileError::at(self.offset, "operand stack underflow"))
    }

    /// Pop two values (`(a, b)` with `b` on top).
    pub(crate) fn pop2(&mut self) -> Result<(Value<'ctx>, Value<'ctx>), CompileError> {
        let b = self.pop()?;
        let a = self.pop()?;
        Ok((a, b))
    }

    /// Pop three values (`(a, b, c)` with `c` on top).
    pub(crate) fn pop3(&mut self) -> Result<(Value<'ctx>, Value<'ctx>, Value<'ctx>), CompileError> {
        let c = self.pop()?;
        let (a, b) = self.pop2()?;
        Ok((a, b, c))
    }

    /// Pop `n` values in stack order.
    pub(crate) fn popn(&mut self, n: usize) -> Result<Vec<Value<'ctx>>, CompileError> {
        if self.stack.len() < n {
            return Err(self.err("operand stack underflow"));
        }
        Ok(self.stack.split_off(self.stack.len() - n))
    }

    /// The top `n` values (not popped).
    pub(crate) fn peekn(&self, n: usize) -> Result<Vec<Value<'ctx>>, CompileError> {
        if self.stack.len() < n {
            return Err(self.err("operand stack underflow"));
        }
        Ok(self.stack[self.stack.len() - n..].to_vec())
    }

    /// Allocas for a list of value types.
    pub(crate) fn make_slots(&self, tys: &[ValType]) -> Vec<Value<'ctx>> {
        tys.iter().map(|t| self.ab.alloca(llvm_type(self.ctx, *t), 16)).collect()
    }

    /// A new basic block in this function.
    pub(crate) fn block(&self, name: &str) -> BasicBlock<'ctx> {
        self.ctx.append_block(self.func, name)
    }

    /// Enter unreachable code (after br, return, unreachable...).
    pub(crate) fn set_unreachable(&mut self) {
        self.unreachable = true;
        self.unreachable_depth = 0;
    }

    /// Translate one operator.
    fn translate_op(&mut self, op: &Operator<'_>) -> Result<(), CompileError> {
        if self.unreachable {
            match op {
                Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::TryTable { .. }
                | Operator::Try { .. } => {
                    self.unreachable_depth += 1;
                }
                Operator::Else if self.unreachable_depth == 0 => return self.op_else(),
                Operator::End if self.unreachable_depth == 0 => return self.op_end(),
                Operator::Catch { .. } | Operator::CatchAll | Operator::Delegate { .. }
                    if self.unreachable_depth == 0 =>
                {
                    self.translate_exception(op)?;
                }
                Operator::End | Operator::Delegate { .. } => self.unreachable_depth -= 1,
                _ => {}
            }
            return Ok(());
        }
        if self.translate_control(op)? {
            return Ok(());
        }
        if self.translate_numeric(op)? {
            return Ok(());
        }
        if self.translate_conversion(op)? {
            return Ok(());
        }
        if self.translate_memory(op)? {
            return Ok(());
        }
        if self.translate_table(op)? {
            return Ok(());
        }
        if self.translate_atomic(op)? {
            return Ok(());
        }
        if self.translate_exception(op)? {
            return Ok(());
        }
        super::simd::translate_simd(self, op)
    }
}
