//! Module-level code: function declarations, array entries, import stubs, `raise_trap`,
//! the code markers and the exported descriptor.

use wasmlite_abi::{self as abi, FuncType, ModuleInfo, ValType, VmLayout};
use wasmparser::{Parser, Payload};

use crate::llvm::{Context, Linkage, Module, TargetMachine, Type, Value};
use crate::{CompileError, Config};

use super::env::{
    array_fn_type, funcref_field, jmp_buf_slot, jmp_buf_type, load_store, raise_trap_type, store_field, valraw_array_type,
    valraw_slot, FuncRefField, JmpBufSlot, StoreField, VALRAW_ALIGN,
};
use super::func::translate_function;

/// Module-wide translation state shared by all function translators.
pub(crate) struct ModuleCtx<'a, 'ctx> {
    /// LLVM context.
    pub ctx: &'ctx Context,
    /// LLVM module.
    pub module: &'a Module<'ctx>,
    /// The module description.
    pub info: &'a ModuleInfo,
    /// VMContext layout.
    pub layout: VmLayout,
    /// Native function of every function index (import stub for imports).
    pub funcs: Vec<Value<'ctx>>,
    /// LLVM native function type of every type index.
    pub fn_types: Vec<Type<'ctx>>,
    /// `raise_trap(vmctx, code, func)`.
    pub raise_trap: Value<'ctx>,
    /// Type of `raise_trap`.
    pub raise_trap_ty: Type<'ctx>,
    /// Explicit bounds checks for 32-bit memories.
    pub explicit_bounds: bool,
    /// How guard-page-mode accesses are kept precise (`FuncTranslator::needs_check`).
    pub precision: crate::Precision,
    /// Inline-asm constraint hiding a float constant from the optimiser (`None`: no barrier
    /// for this target); see `FuncTranslator::fp_arith`.
    pub fp_barrier: Option<&'static str>,
}

/// LLVM type of a wasm value type.
pub(crate) fn llvm_type<'ctx>(ctx: &'ctx Context, t: ValType) -> Type<'ctx> {
    match t {
        ValType::I32 => ctx.i32(),
        ValType::I64 => ctx.i64(),
        ValType::F32 => ctx.f32(),
        ValType::F64 => ctx.f64(),
        ValType::V128 => ctx.vector(ctx.i64(), 2),
        ValType::FuncRef | ValType::ExternRef | ValType::Ref(_) => ctx.ptr(),
    }
}

/// LLVM return type for a result list: void, the value, or a literal struct.
pub(crate) fn ret_type<'ctx>(ctx: &'ctx Context, results: &[ValType]) -> Type<'ctx> {
    match results {
        [] => ctx.void(),
        [t] => llvm_type(ctx, *t),
        ts => {
            let fields: Vec<Type<'ctx>> = ts.iter().map(|t| llvm_type(ctx, *t)).collect();
            ctx.struct_type(&fields)
        }
    }
}

/// Native-ABI function type `(ptr vmctx, params...) -> results`, plus a trailing `f64`
/// padding parameter when [`needs_stack_pad`].
pub(crate) fn native_fn_type<'ctx>(ctx: &'ctx Context, ty: &FuncType) -> Type<'ctx> {
    let mut params = vec![ctx.ptr()];
    params.extend(ty.params.iter().map(|t| llvm_type(ctx, *t)));
    if needs_stack_pad(ty) {
        params.push(ctx.f64());
    }
    ctx.func_type(ret_type(ctx, &ty.results), &params)
}

/// Whether native-ABI calls of `ty` need the trailing `f64` padding argument.
///
/// LLVM 19's x86-64 `tailcc` lowering disagrees with itself when a `v128` parameter is passed
/// on the stack and the stack arguments end 8 bytes past a 16-byte boundary: the caller rounds
/// the argument area up to 16 bytes before computing how much the callee pops, the callee does
/// not, so the stack pointer is 16 bytes off after the call (a crash; fuzz seed 50015413,
/// `(param i64 ×6 f64 ×8 v128 funcref)`). One more `f64` — on the stack, since the vector
/// registers are full whenever a `v128` is on the stack — makes the area a multiple of 16 for
/// both sides. This mirrors the SysV classification: 6 integer registers (the vmctx and, when
/// the results do not fit in registers, the hidden result pointer take the first), 8 vector
/// registers, 8-byte stack slots, 16-byte aligned `v128` slots. On other targets the extra
/// argument is harmless.
pub(crate) fn needs_stack_pad(ty: &FuncType) -> bool {
    let mut gprs = if crate::translate::control::returns_in_registers(&ty.results) { 1 } else { 2 };
    let (mut xmms, mut stack, mut v128_on_stack) = (0u32, 0u64, false);
    for t in &ty.params {
        match t {
            ValType::F32 | ValType::F64 | ValType::V128 if xmms < 8 => xmms += 1,
            ValType::F32 | ValType::F64 => stack += 8,
            ValType::V128 => {
                stack = stack.next_multiple_of(16) + 16;
                v128_on_stack = true;
            }
            _ if gprs < 6 => gprs += 1,
            _ => stack += 8,
        }
    }
    v128_on_stack && stack % 16 == 8
}

/// Common attributes of every function we emit.
pub(crate) fn common_attrs(ctx: &Context, f: Value<'_>) {
    ctx.add_fn_attr(f, "nounwind");
    ctx.add_fn_str_attr(f, "frame-pointer", "all");
    // Keep every wasm frame: no tail-recursion elimination or sibling calls, so that infinite
    // recursion reaches the stack-overflow check instead of becoming an infinite loop.
    ctx.add_fn_str_attr(f, "disable-tail-calls", "true");
    // A frame larger than a page is touched page by page from the top while it is allocated,
    // so the first access below the stack is the thread's guard page (a `StackOverflow` trap
    // through the signal handler) and never memory beyond it (e.g. another thread's stack).
    ctx.add_fn_str_attr(f, "probe-stack", "inline-asm");
}

pub(crate) fn internal_fn<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, name: &str, ty: Type<'ctx>) -> Value<'ctx> {
    let f = module.add_function(name, ty);
    f.set_linkage(Linkage::Internal);
    common_attrs(ctx, f);
    f
}

/// Translate the whole module into `module`.
pub(crate) fn translate_module<'ctx>(
    ctx: &'ctx Context,
    module: &Module<'ctx>,
    info: &ModuleInfo,
    wasm: &[u8],
    prefix: &str,
    config: &Config,
    tm: &TargetMachine,
) -> Result<(), CompileError> {
    let layout = VmLayout::for_module(info);
    let triple = tm.triple();
    let intptr = module.intptr_type(tm);
    let ptr = ctx.ptr();

    // 1. code_start marker: the first function of the module.
    let marker_ty = ctx.func_type(ctx.void(), &[]);
    let code_start = internal_fn(ctx, module, &format!("{prefix}_code_start"), marker_ty);
    ctx.add_fn_attr(code_start, "noinline");
    ctx.add_fn_attr(code_start, "optnone");
    {
        let b = ctx.builder();
        b.position_at_end(ctx.append_block(code_start, "entry"));
        b.ret_void();
    }

    // 2. raise_trap. Not `cold`: LLVM would move a cold function into `.text.unlikely.`,
    // outside [code_start, code_end), where the signal handler would not recognise it. Its
    // call sites are cold anyway (they precede `unreachable`).
    let raise_trap_ty = raise_trap_type(ctx);
    let raise_trap = internal_fn(ctx, module, &format!("{prefix}_raise_trap"), raise_trap_ty);
    for a in ["noinline", "noreturn"] {
        ctx.add_fn_attr(raise_trap, a);
    }
    {
        let b = ctx.builder();
        b.position_at_end(ctx.append_block(raise_trap, "entry"));
        let vmctx = raise_trap.param(0);
        let store = load_store(ctx, &b, vmctx);
        b.store(raise_trap.param(1), store_field(&b, store, StoreField::TrapCode), 4);
        b.store(raise_trap.param(2), store_field(&b, store, StoreField::TrapFunc), 4);
        let buf = b.load(ptr, store_field(&b, store, StoreField::JmpBuf), 8);
        let (lj, lj_ty) = module
            .intrinsic("llvm.eh.sjlj.longjmp", &[])
            .ok_or_else(|| CompileError::msg("LLVM intrinsic llvm.eh.sjlj.longjmp not found"))?;
        b.call(lj_ty, lj, &[buf]);
        b.unreachable();
    }

    // 3. Declarations.
    let fn_types: Vec<Type<'ctx>> = info.types.iter().map(|t| native_fn_type(ctx, t)).collect();
    let nimp = info.num_imported_funcs;
    let mut funcs = Vec::with_capacity(info.funcs.len());
    for (i, &ti) in info.funcs.iter().enumerate() {
        let i = i as u32;
        let fty = *fn_types
            .get(ti as usize)
            .ok_or_else(|| CompileError::msg(format!("function {i} has invalid type index {ti}")))?;
        let name = if i < nimp { format!("{prefix}_stub{i}") } else { format!("{prefix}_f{i}") };
        let f = internal_fn(ctx, module, &name, fty);
        // Every native-ABI entry (defined function or import stub) is `tailcc`, the
        // convention of every wasm-to-wasm call (guaranteed tail calls).
        f.set_tailcc();
        funcs.push(f);
    }
    let array_ty = array_fn_type(ctx);
    let mut arrays = Vec::new();
    for i in nimp..info.funcs.len() as u32 {
        let f = internal_fn(ctx, module, &format!("{prefix}_array{i}"), array_ty);
        ctx.add_fn_attr(f, "noinline");
        arrays.push(f);
    }

    let m = ModuleCtx {
        ctx,
        module,
        info,
        layout,
        funcs,
        fn_types,
        raise_trap,
        raise_trap_ty,
        explicit_bounds: config.explicit_bounds_checks,
        precision: config.precision,
        fp_barrier: if triple.starts_with("x86_64") {
            Some("=x,0")
        } else if triple.starts_with("aarch64") {
            Some("=w,0")
        } else {
            None
        },
    };

    // 4. Import stubs.
    for i in 0..nimp {
        emit_import_stub(&m, i)?;
    }
    // 5. Array entries.
    for (k, &a) in arrays.iter().enumerate() {
        emit_array_entry(&m, nimp + k as u32, a)?;
    }
    // 6. Function bodies.
    let mut def = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload? {
            let index = nimp + def;
            if index as usize >= m.funcs.len() {
                return Err(CompileError::at(body.range().start as usize, "more function bodies than functions"));
            }
            translate_function(&m, index, &body)?;
            def += 1;
        }
    }
    if (nimp + def) as usize != m.funcs.len() {
        return Err(CompileError::msg("function and code section counts differ"));
    }

    // 7. code_end marker: the last function of the module.
    let code_end = internal_fn(ctx, module, &format!("{prefix}_code_end"), marker_ty);
    ctx.add_fn_attr(code_end, "noinline");
    ctx.add_fn_attr(code_end, "optnone");
    {
        let b = ctx.builder();
        b.position_at_end(ctx.append_block(code_end, "entry"));
        b.ret_void();
    }

    // 8. Descriptor.
    let natives = &m.funcs[nimp as usize..];
    let stubs = &m.funcs[..nimp as usize];
    emit_descriptor(ctx, module, info, prefix, config, intptr, natives, &arrays, stubs, [raise_trap, code_start, code_end]);
    Ok(())
}

/// The exported `<prefix>_descriptor` (`abi::ModuleDescriptor`): the encoded `ModuleInfo`,
/// `{native, array}` per defined function, the import stubs, `raise_trap` and the code
/// markers (`[raise_trap, code_start, code_end]`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn emit_descriptor<'ctx>(
    ctx: &'ctx Context,
    module: &Module<'ctx>,
    info: &ModuleInfo,
    prefix: &str,
    config: &Config,
    intptr: Type<'ctx>,
    natives: &[Value<'ctx>],
    arrays: &[Value<'ctx>],
    stubs: &[Value<'ctx>],
    [raise_trap, code_start, code_end]: [Value<'ctx>; 3],
) {
    let ptr = ctx.ptr();
    let nimp = stubs.len();
    let info_bytes = info.encode();
    let info_init = ctx.const_bytes(&info_bytes);
    let info_g = module.add_global(&format!("{prefix}_info"), info_init.ty());
    info_g.set_initializer(info_init, true);
    info_g.set_linkage(Linkage::Private);
    info_g.set_alignment(8);

    let entry_ty = ctx.struct_type(&[ptr, ptr]);
    let entries: Vec<Value<'ctx>> = arrays
        .iter()
        .enumerate()
        .map(|(k, &a)| ctx.const_struct(&[natives[k], a]))
        .collect();
    let entries_init = ctx.const_array(entry_ty, &entries);
    let entries_g = module.add_global(&format!("{prefix}_funcs"), entries_init.ty());
    entries_g.set_initializer(entries_init, true);
    entries_g.set_linkage(Linkage::Private);
    entries_g.set_alignment(8);

    let stubs_init = ctx.const_array(ptr, stubs);
    let stubs_g = module.add_global(&format!("{prefix}_stubs"), stubs_init.ty());
    stubs_g.set_initializer(stubs_init, true);
    stubs_g.set_linkage(Linkage::Private);
    stubs_g.set_alignment(8);

    let flags = if config.explicit_bounds_checks { abi::FLAG_EXPLICIT_BOUNDS_CHECKS } else { 0 };
    let desc_init = ctx.const_struct(&[
        ctx.i32_const(abi::ABI_VERSION as i32),
        ctx.i32_const(flags as i32),
        info_g,
        ctx.const_int(intptr, info_bytes.len() as u64),
        entries_g,
        ctx.const_int(intptr, arrays.len() as u64),
        stubs_g,
        ctx.const_int(intptr, nimp as u64),
        raise_trap,
        code_start,
        code_end,
    ]);
    let desc = module.add_global(&abi::descriptor_symbol(prefix), desc_init.ty());
    desc.set_initializer(desc_init, true);
    desc.set_linkage(Linkage::External);
    desc.set_alignment(8);
}

/// Native-ABI stub for imported function `i`: calls `funcs[i].array` with a `ValRaw` buffer.
pub(crate) fn emit_import_stub(m: &ModuleCtx<'_, '_>, i: u32) -> Result<(), CompileError> {
    let ctx = m.ctx;
    let f = m.funcs[i as usize];
    let ty = m
        .info
        .func_type(i)
        .ok_or_else(|| CompileError::msg(format!("import {i} has no type")))?;
    let b = ctx.builder();
    let entry = ctx.append_block(f, "entry");
    b.position_at_end(entry);
    let vmctx = f.param(0);
    let n = ty.params.len().max(ty.results.len()).max(1);
    let values = b.alloca(valraw_array_type(ctx, n), VALRAW_ALIGN);
    for (k, _) in ty.params.iter().enumerate() {
        b.store(f.param(k as u32 + 1), valraw_slot(&b, values, k), VALRAW_ALIGN);
    }
    let fr = b.ptr_add(vmctx, m.layout.funcref(i) as u64);
    let array = b.load(ctx.ptr(), funcref_field(&b, fr, FuncRefField::Array), 8);
    let array_ctx = b.load(ctx.ptr(), funcref_field(&b, fr, FuncRefField::ArrayCtx), 8);
    let rc = b.call(array_fn_type(ctx), array, &[array_ctx, vmctx, values]);
    let failed = b.icmp(crate::llvm::IntPred::LLVMIntNE, rc, ctx.i32_const(0));
    let trap = ctx.append_block(f, "trap");
    let ok = ctx.append_block(f, "ok");
    b.cond_br(failed, trap, ok);
    b.position_at_end(trap);
    b.call(m.raise_trap_ty, m.raise_trap, &[vmctx, rc, ctx.i32_const(i as i32)]);
    b.unreachable();
    b.position_at_end(ok);
    let results: Vec<Value<'_>> = ty
        .results
        .iter()
        .enumerate()
        .map(|(k, t)| b.load(llvm_type(ctx, *t), valraw_slot(&b, values, k), VALRAW_ALIGN))
        .collect();
    build_return(&b, ctx, &ty.results, &results);
    Ok(())
}

/// `ret` of a result list (void, value, or struct).
pub(crate) fn build_return<'ctx>(
    b: &crate::llvm::Builder<'ctx>,
    ctx: &'ctx Context,
    tys: &[ValType],
    vals: &[Value<'ctx>],
) {
    match vals {
        [] => b.ret_void(),
        [v] => b.ret(*v),
        vs => {
            let mut agg = ctx.poison(ret_type(ctx, tys));
            for (k, v) in vs.iter().enumerate() {
                agg = b.insert_value(agg, *v, k as u32);
            }
            b.ret(agg)
        }
    }
}

/// Array entry of defined function `index`: a setjmp trap boundary.
pub(crate) fn emit_array_entry<'ctx>(m: &ModuleCtx<'_, 'ctx>, index: u32, f: Value<'ctx>) -> Result<(), CompileError> {
    let ctx = m.ctx;
    let ptr = ctx.ptr();
    let ty = m
        .info
        .func_type(index)
        .ok_or_else(|| CompileError::msg(format!("function {index} has no type")))?;
    let native = m.funcs[index as usize];
    let native_ty = m.fn_types[m.info.funcs[index as usize] as usize];
    let b = ctx.builder();
    let entry = ctx.append_block(f, "entry");
    b.position_at_end(entry);
    let vmctx = f.param(0);
    let values = f.param(2);
    let buf = b.alloca(jmp_buf_type(ctx), 16);
    let saved_slot = b.alloca(ptr, 8);
    let missing = |n: &str| CompileError::msg(format!("LLVM intrinsic {n} not found"));
    let (fa, fa_ty) = m.module.intrinsic("llvm.frameaddress", &[ptr]).ok_or_else(|| missing("llvm.frameaddress"))?;
    let (ss, ss_ty) = m.module.intrinsic("llvm.stacksave", &[ptr]).ok_or_else(|| missing("llvm.stacksave"))?;
    let (sj, sj_ty) = m.module.intrinsic("llvm.eh.sjlj.setjmp", &[]).ok_or_else(|| missing("llvm.eh.sjlj.setjmp"))?;
    let frame = b.call(fa_ty, fa, &[ctx.i32_const(0)]);
    b.store(frame, jmp_buf_slot(&b, buf, JmpBufSlot::Frame), 8);
    let sp = b.call(ss_ty, ss, &[]);
    b.store(sp, jmp_buf_slot(&b, buf, JmpBufSlot::Sp), 8);
    let store = load_store(ctx, &b, vmctx);
    let jb = store_field(&b, store, StoreField::JmpBuf);
    let saved = b.load(ptr, jb, 8);
    b.store(saved, saved_slot, 8).set_volatile();
    b.store(buf, jb, 8);
    let r = b.call(sj_ty, sj, &[buf]);
    let trapped = ctx.append_block(f, "trapped");
    let ok = ctx.append_block(f, "ok");
    let c = b.icmp(crate::llvm::IntPred::LLVMIntNE, r, ctx.i32_const(0));
    b.cond_br(c, trapped, ok);

    b.position_at_end(trapped);
    let vmctx2 = f.param(0);
    let store2 = load_store(ctx, &b, vmctx2);
    let saved2 = b.load(ptr, saved_slot, 8);
    saved2.set_volatile();
    b.store(saved2, store_field(&b, store2, StoreField::JmpBuf), 8);
    let code = b.load(ctx.i32(), store_field(&b, store2, StoreField::TrapCode), 4);
    b.ret(code);

    b.position_at_end(ok);
    let mut args = vec![vmctx];
    for (k, t) in ty.params.iter().enumerate() {
        args.push(b.load(llvm_type(ctx, *t), valraw_slot(&b, values, k), VALRAW_ALIGN));
    }
    if needs_stack_pad(ty) {
        args.push(ctx.const_real(ctx.f64(), 0.0));
    }
    let r = b.call(native_ty, native, &args);
    r.set_tailcc();
    match ty.results.len() {
        0 => {}
        1 => {
            b.store(r, valraw_slot(&b, values, 0), VALRAW_ALIGN);
        }
        n => {
            for k in 0..n {
                let v = b.extract_value(r, k as u32);
                b.store(v, valraw_slot(&b, values, k), VALRAW_ALIGN);
            }
        }
    }
    let saved3 = b.load(ptr, saved_slot, 8);
    saved3.set_volatile();
    b.store(saved3, jb, 8);
    b.ret(ctx.i32_const(0));
    Ok(())
}
