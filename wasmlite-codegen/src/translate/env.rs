//! The environment: the one place that knows the runtime's data layout. Every VMContext,
//! VMStore, VMFuncRef, VMMemory, VMTable, jump-buffer and `ValRaw` offset and every builtin
//! signature generated code uses is read here from `wasmlite_abi` (`VmLayout` and the ABI
//! offset constants, never literals). Module-level code (`module.rs`: stubs, array entries,
//! `raise_trap`) uses the free functions; function bodies use the `FuncTranslator` methods
//! (traps, stack and interrupt checks, memories, tables, globals, builtins).

use wasmlite_abi::{
    builtin_index, builtin_offset, exception_offsets, funcref_offsets, jmp_buf, memory_offsets, store_offsets,
    table_offsets, GlobalLoc, NUM_BUILTINS, VALRAW_SIZE, VMCTX_BUILTINS, VMCTX_STORE,
};

use crate::llvm::{BasicBlock, Builder, Context, IntPred, Type, Value};

use super::func::FuncTranslator;
use crate::CompileError;

/// A field of `VMStore`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum StoreField {
    /// `*mut` jump buffer of the innermost array entry.
    JmpBuf,
    /// `u32` trap code.
    TrapCode,
    /// `u32` function index of the trap.
    TrapFunc,
    /// `usize` lowest stack address wasm may use.
    StackLimit,
    /// `u32` interrupt request.
    Interrupt,
    /// `*mut VMException` pending exception (exception handling).
    Exception,
}

impl StoreField {
    fn offset(self) -> u32 {
        match self {
            StoreField::JmpBuf => store_offsets::JMP_BUF,
            StoreField::TrapCode => store_offsets::TRAP_CODE,
            StoreField::TrapFunc => store_offsets::TRAP_FUNC,
            StoreField::StackLimit => store_offsets::STACK_LIMIT,
            StoreField::Interrupt => store_offsets::INTERRUPT,
            StoreField::Exception => store_offsets::EXCEPTION,
        }
    }
}

/// A field of `VMFuncRef`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FuncRefField {
    /// Native-ABI entry.
    Native,
    /// VMContext for `Native`.
    Vmctx,
    /// Array-ABI entry.
    Array,
    /// ctx for `Array`.
    ArrayCtx,
    /// Canonical type id (`u64`).
    TypeId,
    /// Register-ABI entry of a typed host function, or null.
    Host,
}

impl FuncRefField {
    fn offset(self) -> u32 {
        match self {
            FuncRefField::Native => funcref_offsets::NATIVE,
            FuncRefField::Vmctx => funcref_offsets::VMCTX,
            FuncRefField::Array => funcref_offsets::ARRAY,
            FuncRefField::ArrayCtx => funcref_offsets::ARRAY_CTX,
            FuncRefField::TypeId => funcref_offsets::TYPE_ID,
            FuncRefField::Host => funcref_offsets::HOST,
        }
    }
}

/// A word of the `llvm.eh.sjlj` jump buffer an array entry writes itself.
#[derive(Clone, Copy, Debug)]
pub(crate) enum JmpBufSlot {
    /// Frame address.
    Frame,
    /// Stack pointer.
    Sp,
}

/// A field of `VMException` (exception handling).
#[derive(Clone, Copy, Debug)]
pub(crate) enum ExnField {
    /// The runtime's personality routine (`ptr`).
    Personality,
    /// Canonical tag id (`u64`).
    TagId,
    /// Payload (`*mut ValRaw`).
    Payload,
    /// `u32` escaped flag.
    Escaped,
}

/// Address of a `VMException` field.
pub(crate) fn exn_field<'ctx>(b: &Builder<'ctx>, exn: Value<'ctx>, f: ExnField) -> Value<'ctx> {
    let off = match f {
        ExnField::Personality => exception_offsets::PERSONALITY,
        ExnField::TagId => exception_offsets::TAG_ID,
        ExnField::Payload => exception_offsets::PAYLOAD,
        ExnField::Escaped => exception_offsets::ESCAPED,
    };
    b.ptr_add(exn, off as u64)
}

/// `PersonalityFn`: `(i32 version, i32 actions, i64 class, ptr exception, ptr context) -> i32`.
pub(crate) fn personality_type(ctx: &Context) -> Type<'_> {
    ctx.func_type(ctx.i32(), &[ctx.i32(), ctx.i32(), ctx.i64(), ctx.ptr(), ctx.ptr()])
}

/// `*(vmctx + VMCTX_STORE)`: the `*mut VMStore`.
pub(crate) fn load_store<'ctx>(ctx: &'ctx Context, b: &Builder<'ctx>, vmctx: Value<'ctx>) -> Value<'ctx> {
    b.load(ctx.ptr(), b.ptr_add(vmctx, VMCTX_STORE as u64), 8)
}

/// Address of a `VMStore` field.
pub(crate) fn store_field<'ctx>(b: &Builder<'ctx>, store: Value<'ctx>, f: StoreField) -> Value<'ctx> {
    b.ptr_add(store, f.offset() as u64)
}

/// i1: the interrupt flag of `store` is set (volatile load: another thread writes it).
pub(crate) fn interrupt_pending<'ctx>(ctx: &'ctx Context, b: &Builder<'ctx>, store: Value<'ctx>) -> Value<'ctx> {
    let flag = b.load(ctx.i32(), store_field(b, store, StoreField::Interrupt), 4);
    flag.set_volatile();
    b.icmp(IntPred::LLVMIntNE, flag, ctx.i32_const(0))
}

/// Address of a `VMFuncRef` field.
pub(crate) fn funcref_field<'ctx>(b: &Builder<'ctx>, funcref: Value<'ctx>, f: FuncRefField) -> Value<'ctx> {
    b.ptr_add(funcref, f.offset() as u64)
}

/// Address of slot `k` of a `ValRaw` array (array calling convention).
pub(crate) fn valraw_slot<'ctx>(b: &Builder<'ctx>, values: Value<'ctx>, k: usize) -> Value<'ctx> {
    b.ptr_add(values, VALRAW_SIZE as u64 * k as u64)
}

/// Alignment of a `ValRaw` slot.
pub(crate) const VALRAW_ALIGN: u32 = core::mem::align_of::<wasmlite_abi::ValRaw>() as u32;

/// Alignment of a global's storage (`VMGlobal`; the value lives in its low bytes).
pub(crate) const VMGLOBAL_ALIGN: u32 = core::mem::align_of::<wasmlite_abi::VMGlobal>() as u32;

/// LLVM type of a `ValRaw` array of `n` slots.
pub(crate) fn valraw_array_type(ctx: &Context, n: usize) -> Type<'_> {
    ctx.array(ctx.int_type(VALRAW_SIZE * 8), n as u64)
}

/// LLVM type of the jump buffer.
pub(crate) fn jmp_buf_type(ctx: &Context) -> Type<'_> {
    ctx.array(ctx.ptr(), jmp_buf::WORDS as u64)
}

/// Address of a word of the jump buffer `buf`.
pub(crate) fn jmp_buf_slot<'ctx>(b: &Builder<'ctx>, buf: Value<'ctx>, s: JmpBufSlot) -> Value<'ctx> {
    let off = match s {
        JmpBufSlot::Frame => jmp_buf::FRAME,
        JmpBufSlot::Sp => jmp_buf::SP,
    };
    b.ptr_add(buf, off as u64)
}

/// `ArrayFn`: `(ctx, caller_vmctx, values) -> u32`.
pub(crate) fn array_fn_type(ctx: &Context) -> Type<'_> {
    ctx.func_type(ctx.i32(), &[ctx.ptr(), ctx.ptr(), ctx.ptr()])
}

/// `HostRegFn`: `(ctx, caller_vmctx, i64 a0, a1, a2, a3) -> {i64 value, i64 code}`.
pub(crate) fn host_reg_fn_type(ctx: &Context) -> Type<'_> {
    let i64 = ctx.i64();
    ctx.func_type(ctx.struct_type(&[i64, i64]), &[ctx.ptr(), ctx.ptr(), i64, i64, i64, i64])
}

/// `RaiseTrapFn`: `(vmctx, code, func) -> !` (void in IR, `noreturn` attribute).
pub(crate) fn raise_trap_type(ctx: &Context) -> Type<'_> {
    ctx.func_type(ctx.void(), &[ctx.ptr(), ctx.i32(), ctx.i32()])
}

/// Parameter / result kinds of builtin signatures.
#[derive(Clone, Copy)]
enum B {
    P,
    I32,
    I64,
    Void,
}

/// Signatures of `wasmlite_abi::Builtins`, indexed by `builtin_index` (the first parameter,
/// the caller's vmctx, is included). Must match the `Builtins` struct field by field.
const BUILTIN_SIGS: [(B, &[B]); NUM_BUILTINS as usize] = {
    use B::*;
    let mut t: [(B, &[B]); NUM_BUILTINS as usize] = [(Void, &[]); NUM_BUILTINS as usize];
    t[builtin_index::MEMORY_GROW as usize] = (I64, &[P, I32, I64]);
    t[builtin_index::MEMORY_FILL as usize] = (I32, &[P, I32, I64, I32, I64]);
    t[builtin_index::MEMORY_COPY as usize] = (I32, &[P, I32, I32, I64, I64, I64]);
    t[builtin_index::MEMORY_INIT as usize] = (I32, &[P, I32, I32, I64, I32, I32]);
    t[builtin_index::DATA_DROP as usize] = (Void, &[P, I32]);
    t[builtin_index::TABLE_GROW as usize] = (I64, &[P, I32, P, I64]);
    t[builtin_index::TABLE_FILL as usize] = (I32, &[P, I32, I64, P, I64]);
    t[builtin_index::TABLE_COPY as usize] = (I32, &[P, I32, I32, I64, I64, I64]);
    t[builtin_index::TABLE_INIT as usize] = (I32, &[P, I32, I32, I64, I32, I32]);
    t[builtin_index::ELEM_DROP as usize] = (Void, &[P, I32]);
    t[builtin_index::MEMORY_ATOMIC_WAIT32 as usize] = (I32, &[P, I32, I64, I32, I64]);
    t[builtin_index::MEMORY_ATOMIC_WAIT64 as usize] = (I32, &[P, I32, I64, I64, I64]);
    t[builtin_index::MEMORY_ATOMIC_NOTIFY as usize] = (I32, &[P, I32, I64, I32]);
    t[builtin_index::THROW as usize] = (I32, &[P, I32, P]);
    t[builtin_index::THROW_REF as usize] = (I32, &[P, P]);
    t[builtin_index::EXN_RELEASE as usize] = (Void, &[P, P]);
    t[builtin_index::TRAP_EXCEPTION as usize] = (P, &[P]);
    t[builtin_index::RAISE_EXCEPTION as usize] = (I32, &[P]);
    t[builtin_index::RAISE_TRAP as usize] = (I32, &[P]);
    t
};

/// LLVM function type of builtin `index` (`None` for an index that is not a builtin).
pub(crate) fn builtin_type(ctx: &Context, index: u32) -> Option<Type<'_>> {
    let lt = |k: B| match k {
        B::P => ctx.ptr(),
        B::I32 => ctx.i32(),
        B::I64 => ctx.i64(),
        B::Void => ctx.void(),
    };
    let (ret, params) = BUILTIN_SIGS.get(index as usize)?;
    let params: Vec<Type<'_>> = params.iter().map(|k| lt(*k)).collect();
    Some(ctx.func_type(lt(*ret), &params))
}

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

    /// The canonical id (i64) of the module's type `ti`, from the VMContext's `type_ids`
    /// (written by the runtime at instantiation; compared by `call_indirect`).
    pub(crate) fn expected_type_id(&self, ti: u32) -> Value<'ctx> {
        self.b.load(self.ctx.i64(), self.b.ptr_add(self.vmctx, self.m.layout.type_id(ti) as u64), 8)
    }

    /// The canonical id (i64) of the module's exception tag `tag`, from the VMContext's
    /// `tag_ids` (written by the runtime at instantiation; compared by `catch`).
    pub(crate) fn tag_id(&self, tag: u32) -> Value<'ctx> {
        self.b.load(self.ctx.i64(), self.b.ptr_add(self.vmctx, self.m.layout.tag_id(tag) as u64), 8)
    }

    /// `*mut VMStore`.
    pub(crate) fn store_ptr(&mut self) -> Value<'ctx> {
        self.vmctx_invariant(VMCTX_STORE)
    }

    /// Function pointer of builtin `index` (see `wasmlite_abi::builtin_index`).
    pub(crate) fn builtin(&mut self, index: u32) -> Result<Value<'ctx>, CompileError> {
        self.m.check_builtin(index)?;
        let builtins = self.vmctx_invariant(VMCTX_BUILTINS);
        Ok(self.load_ptr_at(builtins, builtin_offset(index)))
    }

    /// Address of a `VMStore` field of this instance's store.
    pub(crate) fn store_field_addr(&mut self, f: StoreField) -> Value<'ctx> {
        let store = self.store_ptr();
        store_field(&self.b, store, f)
    }

    /// Load a pointer field of the `VMFuncRef` at `fr`.
    pub(crate) fn funcref_load(&self, fr: Value<'ctx>, f: FuncRefField) -> Value<'ctx> {
        let ty = match f {
            FuncRefField::TypeId => self.ctx.i64(),
            _ => self.ctx.ptr(),
        };
        self.b.load(ty, funcref_field(&self.b, fr, f), 8)
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
        let rc = self.builtin_call(index, &[ctx.i32_const(a as i32), ctx.i32_const(b as i32), d, s, n])?;
        self.trap_if_nonzero(rc);
        Ok(())
    }

    /// Call builtin `index` (type from the environment's signature table) with `vmctx`
    /// prepended to `args`; memories are reloaded afterwards.
    pub(crate) fn builtin_call(&mut self, index: u32, args: &[Value<'ctx>]) -> Result<Value<'ctx>, CompileError> {
        let fty = builtin_type(self.ctx, index).ok_or_else(|| self.err(format!("unknown builtin {index}")))?;
        let f = self.builtin(index)?;
        let mut all = vec![self.vmctx];
        all.extend_from_slice(args);
        let r = self.b.call(fty, f, &all);
        self.reload_memories();
        if !self.m.poll_interrupts {
            // Back from host code: the interrupt signal may have found the builtin running.
            self.interrupt_check();
        }
        Ok(r)
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
            // Tells the loop-versioning pass (cpp/versioning.cpp) that this is the base of
            // the memory `mem` points to.
            base.set_tag(self.ctx, crate::llvm::MEMBASE_TAG);
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

    /// Prologue check: trap STACK_OVERFLOW if the stack pointer (after the prologue allocated
    /// the frame; `llvm.stacksave`, which unlike `llvm.frameaddress` needs no frame pointer) is
    /// below `stack_limit`.
    pub(crate) fn stack_check(&mut self) {
        let Some((ss, ss_ty)) = self.m.module.intrinsic("llvm.stacksave", &[self.ctx.ptr()]) else {
            return;
        };
        let frame = self.b.call(ss_ty, ss, &[]);
        let frame = self.b.ptrtoint(frame, self.ctx.i64());
        let limit_addr = self.store_field_addr(StoreField::StackLimit);
        let limit = self.b.load(self.ctx.i64(), limit_addr, 8);
        let c = self.b.icmp(IntPred::LLVMIntULT, frame, limit);
        self.trap_if(c, wasmlite_abi::trap::STACK_OVERFLOW);
    }

    /// Interrupt check: trap INTERRUPTED if `store.interrupt != 0` (volatile load).
    pub(crate) fn interrupt_check(&mut self) {
        let store = self.store_ptr();
        let c = interrupt_pending(self.ctx, &self.b, store);
        self.trap_if(c, wasmlite_abi::trap::INTERRUPTED);
    }

    /// The poll of `Config::interrupts` (function entries, loop headers): an interrupt check
    /// when the code polls, nothing when the runtime's signal interrupts it.
    pub(crate) fn interrupt_poll(&mut self) {
        if self.m.poll_interrupts {
            self.interrupt_check();
        }
    }
}
