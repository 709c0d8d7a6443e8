//! Module-level code: function declarations, array entries, import stubs, `raise_trap`,
//! the code markers and the exported descriptor.

use wasmlite_abi::{self as abi, FuncType, ModuleInfo, ValType, VmLayout};
use std::ops::Range;

use wasmparser::{BinaryReader, FunctionBody};

use crate::llvm::{Context, Linkage, Module, TargetMachine, Type, Value};
use crate::{CompileError, Config};

use super::env::{
    array_fn_type, builtin_type, exn_field, funcref_field, host_reg_fn_type, interrupt_pending, jmp_buf_slot, jmp_buf_type, load_store,
    personality_type, raise_trap_type, store_field, valraw_array_type, valraw_slot, ExnField, FuncRefField, JmpBufSlot,
    StoreField, VALRAW_ALIGN,
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
    /// `Config::opt_level > 0` (at 0, bodies are `optnone`: see [`crate::pass_pipeline`]).
    pub optimize: bool,
    /// How guard-page-mode accesses are kept precise (`FuncTranslator::needs_check`).
    pub precision: crate::Precision,
    /// Poll the store's interrupt flag at function entries and loop headers
    /// (`Config::interrupts`); otherwise check it only where control (re-)enters wasm code.
    pub poll_interrupts: bool,
    /// Import stubs of eligible types call `VMFuncRef::host` when it is set
    /// (`abi::target::host_reg_calls_supported`).
    pub host_reg_calls: bool,
    /// Inline-asm constraint hiding a float constant from the optimiser (`None`: no barrier
    /// for this target); see `FuncTranslator::fp_arith`.
    pub fp_barrier: Option<&'static str>,
    /// The module's personality stub (`emit_personality`) when exception handling is enabled;
    /// functions may then unwind (no `nounwind`, unwind tables) and array entries catch.
    pub personality: Option<Value<'ctx>>,
    /// The personality stub of array entries ([`Catches::Exceptions`]), emitted whether or not
    /// exception handling is enabled: array entries catch wasm exceptions another module
    /// throws through this module's frames (traps pass them).
    pub entry_personality: Option<Value<'ctx>>,
    /// The builtins the module's code may call (`abi::parse::builtins_used`):
    /// `include_wasm!` links only these, so a call of any other is refused
    /// ([`ModuleCtx::check_builtin`]).
    pub builtins: u32,
}

impl ModuleCtx<'_, '_> {
    /// Refuse to emit a call of builtin `index` outside [`ModuleCtx::builtins`]: the operator
    /// → builtin map (`abi::parse::builtins_for`) would be missing it (a code generator bug),
    /// and an `include_wasm!` binary would not link it.
    pub(crate) fn check_builtin(&self, index: u32) -> Result<(), CompileError> {
        if abi::builtin_set::contains(self.builtins, index) {
            Ok(())
        } else {
            Err(CompileError::msg(format!(
                "internal code generator error: builtin {index} is called but not in the module's builtin set \
                 (wasmlite_abi::parse::builtins_for is missing an operator)"
            )))
        }
    }
}

/// Whether `config` enables exception handling (standard or legacy instructions).
pub(crate) fn exceptions_enabled(config: &Config) -> bool {
    config.wasm_features.intersects(wasmparser::WasmFeatures::EXCEPTIONS | wasmparser::WasmFeatures::LEGACY_EXCEPTIONS)
}

/// Which exceptions a personality stub hands to the runtime ([`emit_personality`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Catches {
    /// Wasm exceptions only: the stub of wasm functions (try blocks), which traps pass.
    Exceptions,
    /// Wasm exceptions and traps (`abi::TRAP_CLASS`): the stub of array entries, the trap
    /// boundary.
    ExceptionsAndTraps,
}

/// A personality stub `name` (internal): exceptions of the classes in `catches` go to the
/// runtime's personality routine stored in the exception itself (`VMException::personality`),
/// so a compiled module references no runtime symbol; every other class continues unwinding
/// (`_URC_CONTINUE_UNWIND` = 8).
pub(crate) fn emit_personality<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, name: &str, catches: Catches) -> Value<'ctx> {
    let ty = personality_type(ctx);
    let f = internal_fn(ctx, module, name, ty);
    let b = ctx.builder();
    let entry = ctx.append_block(f, "entry");
    let ours = ctx.append_block(f, "ours");
    let foreign = ctx.append_block(f, "foreign");
    b.position_at_end(entry);
    let mut is_ours = b.icmp(crate::llvm::IntPred::LLVMIntEQ, f.param(2), ctx.i64_const(abi::EXCEPTION_CLASS as i64));
    if catches == Catches::ExceptionsAndTraps {
        let is_trap = b.icmp(crate::llvm::IntPred::LLVMIntEQ, f.param(2), ctx.i64_const(abi::TRAP_CLASS as i64));
        is_ours = b.select(is_ours, is_ours, is_trap);
    }
    b.cond_br(is_ours, ours, foreign);
    b.position_at_end(foreign);
    b.ret(ctx.i32_const(8));
    b.position_at_end(ours);
    let rt = b.load(ctx.ptr(), exn_field(&b, f.param(3), ExnField::Personality), 8);
    let args: Vec<Value<'ctx>> = (0..5).map(|k| f.param(k)).collect();
    let r = b.call(ty, rt, &args);
    b.ret(r);
    f
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
/// padding parameter when [`needs_stack_pad`]. Results that do not fit in registers
/// ([`results_in_memory`]) go through an explicit result area instead: `(ptr vmctx, ptr
/// results, params...) -> void`, the area a `ValRaw` array ([`result_slot`]) in the caller's
/// frame. Being an ordinary parameter (not LLVM's hidden `sret` pointer), a tail call can pass
/// its own caller's area on, so `return_call` stays a `musttail` jump for every signature.
pub(crate) fn native_fn_type<'ctx>(ctx: &'ctx Context, ty: &FuncType) -> Type<'ctx> {
    let mut params = vec![ctx.ptr()];
    if results_in_memory(&ty.results) {
        params.push(ctx.ptr());
    }
    params.extend(ty.params.iter().map(|t| llvm_type(ctx, *t)));
    if needs_stack_pad(ty) {
        params.push(ctx.f64());
    }
    let ret = if results_in_memory(&ty.results) { ctx.void() } else { ret_type(ctx, &ty.results) };
    ctx.func_type(ret, &params)
}

/// Whether a native function with these results returns them through a result area: in
/// registers, `tailcc` on x86-64 returns up to 3 integer/pointer and 2 float/vector values.
pub(crate) fn results_in_memory(results: &[ValType]) -> bool {
    let ints = results.iter().filter(|t| matches!(t, ValType::I32 | ValType::I64) || t.is_ref()).count();
    ints > 3 || results.len() - ints > 2
}

/// Index of the first wasm parameter of a native function of type `ty` (after the vmctx and,
/// for [`results_in_memory`], the result area).
pub(crate) fn first_param(ty: &FuncType) -> u32 {
    1 + u32::from(results_in_memory(&ty.results))
}

/// Slot of result `k` in a result area (see [`native_fn_type`]).
pub(crate) fn result_slot<'ctx>(b: &crate::llvm::Builder<'ctx>, area: Value<'ctx>, k: usize) -> Value<'ctx> {
    valraw_slot(b, area, k)
}

/// The arguments of a native call of type `ty`: `args` (callee vmctx first, then the wasm
/// arguments) with the result area `area` (required when [`results_in_memory`]) and the
/// padding argument inserted.
pub(crate) fn native_args<'ctx>(ctx: &'ctx Context, ty: &FuncType, args: &[Value<'ctx>], area: Option<Value<'ctx>>) -> Vec<Value<'ctx>> {
    let mut all = Vec::with_capacity(args.len() + 2);
    all.extend(args.first().copied());
    if results_in_memory(&ty.results) {
        all.extend(area);
    }
    all.extend(args.iter().skip(1).copied());
    if needs_stack_pad(ty) {
        all.push(ctx.const_real(ctx.f64(), 0.0));
    }
    all
}

/// A result area for a call of type `ty` (an alloca made with `alloca_builder`), if its
/// results are returned in memory.
pub(crate) fn result_area<'ctx>(ctx: &'ctx Context, alloca_builder: &crate::llvm::Builder<'ctx>, ty: &FuncType) -> Option<Value<'ctx>> {
    results_in_memory(&ty.results).then(|| alloca_builder.alloca(valraw_array_type(ctx, ty.results.len()), VALRAW_ALIGN))
}

/// The result values of a native call `r` of type `ty` (`area`: its result area, if any).
pub(crate) fn call_results<'ctx>(
    ctx: &'ctx Context,
    b: &crate::llvm::Builder<'ctx>,
    ty: &FuncType,
    r: Value<'ctx>,
    area: Option<Value<'ctx>>,
) -> Vec<Value<'ctx>> {
    match (area, ty.results.len()) {
        (Some(area), _) => {
            ty.results.iter().enumerate().map(|(k, t)| b.load(llvm_type(ctx, *t), result_slot(b, area, k), VALRAW_ALIGN)).collect()
        }
        (None, 0) => Vec::new(),
        (None, 1) => vec![r],
        (None, n) => (0..n).map(|k| b.extract_value(r, k as u32)).collect(),
    }
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
    let mut gprs = if results_in_memory(&ty.results) { 2 } else { 1 };
    let (mut xmms, mut stack, mut v128_on_stack) = (0u32, 0u64, false);
    for t in ty.params.iter() {
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
///
/// Traps unwind through every wasm frame to the runtime's boundary, so no function is
/// `nounwind` and every one has asynchronous unwind tables (`uwtable(async)`: exact at every
/// instruction, since the signal handler raises traps at a faulting or interrupted pc).
pub(crate) fn common_attrs(ctx: &Context, f: Value<'_>) {
    ctx.add_fn_attr_value(f, "uwtable", 2);
    ctx.add_fn_str_attr(f, "frame-pointer", "all");
    // Keep every wasm frame: no tail-recursion elimination or sibling calls, so that infinite
    // recursion reaches the stack-overflow check instead of becoming an infinite loop.
    ctx.add_fn_str_attr(f, "disable-tail-calls", "true");
    // A frame larger than a page is touched page by page from the top while it is allocated,
    // so the first access below the stack is the thread's guard page (a `StackOverflow` trap
    // through the signal handler) and never memory beyond it (e.g. another thread's stack).
    ctx.add_fn_str_attr(f, "probe-stack", "inline-asm");
}

/// The inline-asm constraint of `ModuleCtx::fp_barrier` for `triple` (a register class of
/// floating-point values), `None` where there is none.
pub(crate) fn fp_barrier_constraint(triple: &str) -> Option<&'static str> {
    if triple.starts_with("x86_64") {
        Some("=x,0")
    } else if triple.starts_with("aarch64") {
        Some("=w,0")
    } else {
        None
    }
}

pub(crate) fn internal_fn<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, name: &str, ty: Type<'ctx>) -> Value<'ctx> {
    let f = module.add_function(name, ty);
    f.set_linkage(Linkage::Internal);
    common_attrs(ctx, f);
    f
}

/// Give `f` (`void()`) the body of a code marker: an empty function kept where it is (the
/// first and last functions of an object delimit its code for the signal handler).
pub(crate) fn define_marker(ctx: &Context, f: Value<'_>) {
    ctx.add_fn_attr(f, "noinline");
    ctx.add_fn_attr(f, "optnone");
    let b = ctx.builder();
    b.position_at_end(ctx.append_block(f, "entry"));
    b.ret_void();
}

/// Symbol of marker `what` (`code_start`/`code_end`) of partition `k`.
fn marker_symbol(prefix: &str, what: &str, k: usize) -> String {
    if k == 0 {
        format!("{prefix}_{what}")
    } else {
        format!("{prefix}_{what}{k}")
    }
}

/// Translate partition `k` of `parts` (ranges of defined function indices covering all of
/// them, in order) into `module`. `bodies[i]` is the byte range of defined function
/// `num_imported_funcs + i` in `wasm`.
///
/// Every partition holds its own `code_start`/`code_end` markers (the first and last function
/// of its object), the array entries and bodies of its functions. Partition 0 also holds
/// `raise_trap`, the import stubs and the descriptor. With one partition every symbol but the
/// descriptor is internal (one self-contained object); with several, the symbols another
/// partition refers to (functions, array entries, stubs, `raise_trap`, markers) are external
/// with hidden visibility, and the others declare them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn translate_module<'ctx>(
    ctx: &'ctx Context,
    module: &Module<'ctx>,
    info: &ModuleInfo,
    wasm: &[u8],
    bodies: &[Range<usize>],
    prefix: &str,
    config: &Config,
    tm: &TargetMachine,
    parts: &[Range<u32>],
    k: usize,
    builtins: u32,
) -> Result<(), CompileError> {
    let layout = VmLayout::for_module(info);
    let triple = tm.triple();
    let intptr = module.intptr_type(tm);
    let split = parts.len() > 1;
    let mine = parts.get(k).cloned().ok_or_else(|| CompileError::msg(format!("no code partition {k}")))?;
    let nimp = info.num_imported_funcs;
    // A definition: internal in a single object, hidden-external across partitions.
    let define = |name: &str, ty: Type<'ctx>| {
        let f = internal_fn(ctx, module, name, ty);
        if split {
            f.set_linkage(Linkage::External);
            f.set_hidden();
        }
        f
    };
    // A declaration of a definition in another partition.
    let declare = |name: &str, ty: Type<'ctx>| {
        let f = module.add_function(name, ty);
        f.set_hidden();
        common_attrs(ctx, f);
        f
    };

    // 1. code_start marker: the first function of the object.
    let marker_ty = ctx.func_type(ctx.void(), &[]);
    let marker = |what: &str, p: usize| {
        let name = marker_symbol(prefix, what, p);
        if p != k {
            return declare(&name, marker_ty);
        }
        let f = define(&name, marker_ty);
        define_marker(ctx, f);
        f
    };
    let code_start = marker("code_start", k);

    // 2. raise_trap and the setjmp boundary. Not `cold`: LLVM would move a cold function into
    // `.text.unlikely.`, outside [code_start, code_end), where the signal handler would not
    // recognise it. Its call sites are cold anyway (they precede `unreachable`).
    let raise_trap_ty = raise_trap_type(ctx);
    let raise_trap_name = crate::lazy::raise_trap_symbol(prefix);
    let raise_trap = if k == 0 { define(&raise_trap_name, raise_trap_ty) } else { declare(&raise_trap_name, raise_trap_ty) };
    raise_trap_attrs(ctx, raise_trap);
    let sjlj_entry = if k == 0 {
        define_raise_trap(ctx, module, raise_trap)?;
        let f = internal_fn(ctx, module, &format!("{prefix}_sjlj_entry"), entry_fn_type(ctx));
        define_sjlj_entry(ctx, module, f)?;
        Some(f)
    } else {
        None
    };

    // 3. Declarations.
    let fn_types: Vec<Type<'ctx>> = info.types.iter().map(|t| native_fn_type(ctx, t)).collect();
    let mut funcs = Vec::with_capacity(info.funcs.len());
    for (i, &ti) in info.funcs.iter().enumerate() {
        let i = i as u32;
        let fty = *fn_types
            .get(ti as usize)
            .ok_or_else(|| CompileError::msg(format!("function {i} has invalid type index {ti}")))?;
        let (name, here) = if i < nimp {
            (format!("{prefix}_stub{i}"), k == 0)
        } else {
            (format!("{prefix}_f{i}"), mine.contains(&i))
        };
        // Declarations too may unwind (`common_attrs`): otherwise LLVM would turn invokes of
        // a function of another partition into calls and drop the landing pads.
        let f = if here { define(&name, fty) } else { declare(&name, fty) };
        // Every native-ABI entry (defined function or import stub) is `tailcc`, the
        // convention of every wasm-to-wasm call (guaranteed tail calls).
        f.set_tailcc();
        funcs.push(f);
    }
    let array_ty = array_fn_type(ctx);
    // Array entries of this partition's functions; partition 0 declares the others (the
    // descriptor lists them all).
    let mut arrays = Vec::new();
    for i in nimp..info.funcs.len() as u32 {
        let name = format!("{prefix}_array{i}");
        if mine.contains(&i) {
            let f = define(&name, array_ty);
            ctx.add_fn_attr(f, "noinline");
            arrays.push((i, f));
        } else if k == 0 {
            arrays.push((i, declare(&name, array_ty)));
        }
    }

    // One personality stub per partition object: each object's weak `DW.ref.<name>` must
    // resolve within that object (a JIT may place objects beyond 32-bit reach of each other).
    let suffix = if k == 0 { String::new() } else { format!("_p{k}") };
    let exceptions_personality = emit_personality(ctx, module, &format!("{prefix}_personality{suffix}"), Catches::Exceptions);
    let personality = exceptions_enabled(config).then_some(exceptions_personality);
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
        optimize: config.opt_level > 0,
        poll_interrupts: config.interrupts.polls(&triple),
        host_reg_calls: abi::target::host_reg_calls_supported(&triple),
        fp_barrier: fp_barrier_constraint(&triple),
        // One stub name per partition object: each object's weak `DW.ref.<name>` must resolve
        // within that object (a JIT may place objects beyond 32-bit reach of each other).
        personality,
        entry_personality: Some(exceptions_personality),
        builtins,
    };

    // 4. Import stubs.
    if k == 0 {
        for i in 0..nimp {
            emit_import_stub(&m, i)?;
        }
    }
    // 5. Array entries.
    for &(i, a) in &arrays {
        if mine.contains(&i) {
            emit_array_entry(&m, i, a)?;
        }
    }
    // 6. Function bodies.
    for index in mine.clone() {
        let range = index
            .checked_sub(nimp)
            .and_then(|d| bodies.get(d as usize))
            .ok_or_else(|| CompileError::msg(format!("function {index} has no body")))?;
        let code = wasm
            .get(range.clone())
            .ok_or_else(|| CompileError::msg(format!("body of function {index} is out of range")))?;
        let body = FunctionBody::new(BinaryReader::new(code, range.start as u64));
        translate_function(&m, index, &body)?;
    }

    // 7. code_end marker: the last function of the object.
    let code_end = marker("code_end", k);

    // 8. Descriptor.
    if k == 0 {
        let mut ranges = vec![(code_start, code_end)];
        for p in 1..parts.len() {
            ranges.push((marker("code_start", p), marker("code_end", p)));
        }
        let natives = &m.funcs[nimp as usize..];
        let stubs = &m.funcs[..nimp as usize];
        let arrays: Vec<Value<'ctx>> = arrays.iter().map(|&(_, a)| a).collect();
        // After the `code_end` marker: outside the code range (see `define_enter`).
        let enter = internal_fn(ctx, module, &format!("{prefix}_enter"), entry_fn_type(ctx));
        let personality = emit_personality(ctx, module, &format!("{prefix}_entry_personality"), Catches::ExceptionsAndTraps);
        define_enter(ctx, enter, personality);
        let sjlj_entry = sjlj_entry.ok_or_else(|| CompileError::msg("partition 0 has no setjmp entry"))?;
        let traps = DescriptorTraps { raise_trap, enter, sjlj_entry };
        emit_descriptor(ctx, module, info, prefix, config, intptr, natives, &arrays, stubs, traps, &ranges);
    }
    Ok(())
}

/// The body of the module's trap boundary `enter(store, array, ctx, values)` (`abi::EntryFn`):
/// `invoke`s `array(ctx, null, values)` under a catch-all landing pad whose personality stub
/// `personality` ([`Catches::ExceptionsAndTraps`]) takes traps and wasm exceptions. A trap
/// returns its code, a wasm exception no wasm frame caught returns `EXCEPTION` (it is in
/// `VMStore::exception`): nothing unwinds into host frames. It must
/// lie outside the code ranges: a signal there is not in wasm code (its own instructions are
/// not covered by the landing pad).
pub(crate) fn define_enter<'ctx>(ctx: &'ctx Context, f: Value<'ctx>, personality: Value<'ctx>) {
    // No frame pointer: unwinding follows the unwind tables.
    ctx.add_fn_str_attr(f, "frame-pointer", "none");
    ctx.set_personality(f, personality);
    let b = ctx.builder();
    b.position_at_end(ctx.append_block(f, "entry"));
    let cont = ctx.append_block(f, "returned");
    let lp = ctx.append_block(f, "caught");
    let code = b.invoke(array_fn_type(ctx), f.param(1), &[f.param(2), ctx.const_null(ctx.ptr()), f.param(3)], cont, lp);
    b.position_at_end(cont);
    b.ret(code);
    b.position_at_end(lp);
    let pad = b.landingpad_catch_all();
    let exn = b.extract_value(pad, 0);
    let class = b.load(ctx.i64(), exn, 8);
    let is_trap = b.icmp(crate::llvm::IntPred::LLVMIntEQ, class, ctx.i64_const(abi::TRAP_CLASS as i64));
    let trapped = ctx.append_block(f, "trapped");
    let thrown = ctx.append_block(f, "thrown");
    b.cond_br(is_trap, trapped, thrown);
    b.position_at_end(trapped);
    // The trap exception carries its code (`trap_exception` copied it into `tag_id`), so
    // nothing needs to stay live across the call.
    let code = b.load(ctx.i32(), b.ptr_add(exn, abi::exception_offsets::TAG_ID as u64), 8);
    b.ret(code);
    b.position_at_end(thrown);
    // A wasm exception is raised from `VMStore::exception`, where it stays (see
    // `take_prepared_exception`).
    b.ret(ctx.i32_const(abi::trap::EXCEPTION as i32));
}

/// A module's trap functions, as the descriptor lists them.
pub(crate) struct DescriptorTraps<'ctx> {
    /// `raise_trap` ([`define_raise_trap`]).
    pub raise_trap: Value<'ctx>,
    /// The trap boundary ([`define_enter`]).
    pub enter: Value<'ctx>,
    /// The setjmp boundary ([`define_sjlj_entry`]).
    pub sjlj_entry: Value<'ctx>,
}

/// Attributes of `raise_trap`: it never returns, and it unwinds (so it is not `nounwind`:
/// see [`common_attrs`]).
pub(crate) fn raise_trap_attrs(ctx: &Context, f: Value<'_>) {
    for a in ["noinline", "noreturn"] {
        ctx.add_fn_attr(f, a);
    }
}

/// The body of `raise_trap(vmctx, code, func)`: record the code and the function in the
/// `VMStore`, then leave for the innermost trap boundary. That is the installed jump buffer
/// (`llvm.eh.sjlj.longjmp`) when a runtime without an unwinder entered through
/// [`define_sjlj_entry`]; otherwise it raises the thread's trap exception (`trap_exception`
/// builtin) with the `raise_trap` builtin through the wasm frames (they all have unwind
/// tables, see [`common_attrs`]) to the runtime's boundary ([`define_enter`], or its own
/// frame).
pub(crate) fn define_raise_trap<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, f: Value<'ctx>) -> Result<(), CompileError> {
    let ptr = ctx.ptr();
    let b = ctx.builder();
    b.position_at_end(ctx.append_block(f, "entry"));
    let vmctx = f.param(0);
    let store = load_store(ctx, &b, vmctx);
    b.store(f.param(1), store_field(&b, store, StoreField::TrapCode), 4);
    b.store(f.param(2), store_field(&b, store, StoreField::TrapFunc), 4);
    let buf = b.load(ptr, store_field(&b, store, StoreField::JmpBuf), 8);
    let jump = ctx.append_block(f, "longjmp");
    let unwind = ctx.append_block(f, "unwind");
    let installed = b.icmp(crate::llvm::IntPred::LLVMIntNE, buf, ctx.const_null(ctx.ptr()));
    b.cond_br(installed, jump, unwind);

    b.position_at_end(jump);
    let (lj, lj_ty) = module
        .intrinsic("llvm.eh.sjlj.longjmp", &[])
        .ok_or_else(|| CompileError::msg("LLVM intrinsic llvm.eh.sjlj.longjmp not found"))?;
    b.call(lj_ty, lj, &[buf]);
    b.unreachable();

    b.position_at_end(unwind);
    let (te_ty, te) = load_builtin(ctx, &b, vmctx, abi::builtin_index::TRAP_EXCEPTION)?;
    let exn = b.call(te_ty, te, &[vmctx]);
    let (re_ty, re) = load_builtin(ctx, &b, vmctx, abi::builtin_index::RAISE_TRAP)?;
    b.call(re_ty, re, &[exn]);
    // `_Unwind_RaiseException` returned: no frame up to here has a handler, which the
    // boundary always is (a wasmlite bug); nothing can continue.
    let (tr, tr_ty) = module.intrinsic("llvm.trap", &[]).ok_or_else(|| CompileError::msg("LLVM intrinsic llvm.trap not found"))?;
    b.call(tr_ty, tr, &[]);
    b.unreachable();
    Ok(())
}

/// `EntryFn`: `(store, array, ctx, values) -> u32`.
pub(crate) fn entry_fn_type(ctx: &Context) -> Type<'_> {
    ctx.func_type(ctx.i32(), &[ctx.ptr(), ctx.ptr(), ctx.ptr(), ctx.ptr()])
}

/// The body of the module's setjmp trap boundary `sjlj_entry(store, array, ctx, values)`
/// (`abi::EntryFn`, for runtimes without an unwinder): install a jump buffer in
/// `store->jmp_buf`, call `array(ctx, null, values)` and return its result; a trap below
/// `longjmp`s back here and returns the recorded trap code. The buffer stays installed when
/// it returns (the runtime restores the previous one).
pub(crate) fn define_sjlj_entry<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, f: Value<'ctx>) -> Result<(), CompileError> {
    let ptr = ctx.ptr();
    let b = ctx.builder();
    b.position_at_end(ctx.append_block(f, "entry"));
    let buf = b.alloca(jmp_buf_type(ctx), 16);
    // The `trapped` path (setjmp returning a second time) reads nothing but this volatile
    // slot: an SSA value live across setjmp may be kept in a register or a stack slot the
    // callee-side code does not preserve.
    let store_slot = b.alloca(ptr, 8);
    b.store(f.param(0), store_slot, 8).set_volatile();
    let missing = |n: &str| CompileError::msg(format!("LLVM intrinsic {n} not found"));
    let (fa, fa_ty) = module.intrinsic("llvm.frameaddress", &[ptr]).ok_or_else(|| missing("llvm.frameaddress"))?;
    let (ss, ss_ty) = module.intrinsic("llvm.stacksave", &[ptr]).ok_or_else(|| missing("llvm.stacksave"))?;
    let (sj, sj_ty) = module.intrinsic("llvm.eh.sjlj.setjmp", &[]).ok_or_else(|| missing("llvm.eh.sjlj.setjmp"))?;
    let frame = b.call(fa_ty, fa, &[ctx.i32_const(0)]);
    b.store(frame, jmp_buf_slot(&b, buf, JmpBufSlot::Frame), 8);
    let sp = b.call(ss_ty, ss, &[]);
    b.store(sp, jmp_buf_slot(&b, buf, JmpBufSlot::Sp), 8);
    let r = b.call(sj_ty, sj, &[buf]);
    let trapped = ctx.append_block(f, "trapped");
    let ok = ctx.append_block(f, "ok");
    let c = b.icmp(crate::llvm::IntPred::LLVMIntNE, r, ctx.i32_const(0));
    b.cond_br(c, trapped, ok);

    b.position_at_end(trapped);
    let store = b.load(ptr, store_slot, 8);
    store.set_volatile();
    let code = b.load(ctx.i32(), store_field(&b, store, StoreField::TrapCode), 4);
    b.ret(code);

    b.position_at_end(ok);
    // Installed only now that setjmp has filled in the resume address.
    b.store(buf, store_field(&b, f.param(0), StoreField::JmpBuf), 8).set_volatile();
    let code = b.call(array_fn_type(ctx), f.param(1), &[f.param(2), ctx.const_null(ctx.ptr()), f.param(3)]);
    b.ret(code);
    Ok(())
}

/// The exported `<prefix>_descriptor` (`abi::ModuleDescriptor`): the encoded `ModuleInfo`,
/// `{native, array}` per defined function, the import stubs, `raise_trap`, the setjmp entry and
/// the code ranges (`[code_start, code_end)` markers of each object).
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
    traps: DescriptorTraps<'ctx>,
    code_ranges: &[(Value<'ctx>, Value<'ctx>)],
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

    let ranges: Vec<Value<'ctx>> = code_ranges.iter().map(|&(s, e)| ctx.const_struct(&[s, e])).collect();
    let ranges_init = ctx.const_array(entry_ty, &ranges);
    let ranges_g = module.add_global(&format!("{prefix}_code_ranges"), ranges_init.ty());
    ranges_g.set_initializer(ranges_init, true);
    ranges_g.set_linkage(Linkage::Private);
    ranges_g.set_alignment(8);

    let triple = config.target_triple.clone().unwrap_or_else(crate::llvm::default_triple);
    let mut flags = if config.explicit_bounds_checks { abi::FLAG_EXPLICIT_BOUNDS_CHECKS } else { 0 };
    if config.interrupts.polls(&triple) {
        flags |= abi::FLAG_INTERRUPT_POLLING;
    }
    let desc_init = ctx.const_struct(&[
        ctx.i32_const(abi::ABI_VERSION as i32),
        ctx.i32_const(flags as i32),
        info_g,
        ctx.const_int(intptr, info_bytes.len() as u64),
        entries_g,
        ctx.const_int(intptr, arrays.len() as u64),
        stubs_g,
        ctx.const_int(intptr, nimp as u64),
        traps.raise_trap,
        traps.enter,
        traps.sjlj_entry,
        ranges_g,
        ctx.const_int(intptr, code_ranges.len() as u64),
    ]);
    let desc = module.add_global(&abi::descriptor_symbol(prefix), desc_init.ty());
    desc.set_initializer(desc_init, true);
    desc.set_linkage(Linkage::External);
    desc.set_alignment(8);
}

/// Native-ABI stub for imported function `i`: calls `funcs[i].host` with the arguments in
/// registers when the import's type allows it ([`abi::host_reg_eligible`]) and the entry is set,
/// otherwise `funcs[i].array` with a `ValRaw` buffer; then raises a returned trap code.
pub(crate) fn emit_import_stub(m: &ModuleCtx<'_, '_>, i: u32) -> Result<(), CompileError> {
    let ctx = m.ctx;
    let f = m.funcs[i as usize];
    let ty = m
        .info
        .func_type(i)
        .ok_or_else(|| CompileError::msg(format!("import {i} has no type")))?;
    // No frame pointer: like function bodies, a stub is found by its pc, never by walking frames.
    ctx.add_fn_str_attr(f, "frame-pointer", "none");
    let b = ctx.builder();
    let entry = ctx.append_block(f, "entry");
    b.position_at_end(entry);
    let vmctx = f.param(0);
    let n = ty.params.len().max(ty.results.len()).max(1);
    let values = b.alloca(valraw_array_type(ctx, n), VALRAW_ALIGN);
    let params: Vec<Value<'_>> = (0..ty.params.len() as u32).map(|k| f.param(k + first_param(ty))).collect();
    let fr = b.ptr_add(vmctx, m.layout.funcref(i) as u64);
    let array_ctx = b.load(ctx.ptr(), funcref_field(&b, fr, FuncRefField::ArrayCtx), 8);
    let (rc, results) = if m.host_reg_calls && abi::host_reg_eligible(ty) {
        let host = b.load(ctx.ptr(), funcref_field(&b, fr, FuncRefField::Host), 8);
        let reg = ctx.append_block(f, "host_reg");
        let array = ctx.append_block(f, "host_array");
        let join = ctx.append_block(f, "host_done");
        let is_null = b.icmp(crate::llvm::IntPred::LLVMIntEQ, host, ctx.const_null(ctx.ptr()));
        b.cond_br(is_null, array, reg);
        b.position_at_end(reg);
        let (reg_rc, reg_results) = call_host_reg(ctx, &b, host, array_ctx, vmctx, ty, &params);
        let reg_end = b.current_block();
        b.br(join);
        b.position_at_end(array);
        let (array_rc, array_results) = call_host_array(ctx, &b, fr, array_ctx, vmctx, values, ty, &params);
        let array_end = b.current_block();
        b.br(join);
        b.position_at_end(join);
        let rc = b.phi(ctx.i32(), &[(reg_rc, reg_end), (array_rc, array_end)]);
        let results = reg_results
            .iter()
            .zip(&array_results)
            .map(|(&r, &a)| b.phi(r.ty(), &[(r, reg_end), (a, array_end)]))
            .collect();
        (rc, results)
    } else {
        call_host_array(ctx, &b, fr, array_ctx, vmctx, values, ty, &params)
    };
    let failed = b.icmp(crate::llvm::IntPred::LLVMIntNE, rc, ctx.i32_const(0));
    let trap = ctx.append_block(f, "trap");
    let ok = ctx.append_block(f, "ok");
    b.cond_br(failed, trap, ok);
    b.position_at_end(trap);
    host_failure(m, &b, f, vmctx, rc, i, None)?;
    b.position_at_end(ok);
    if !m.poll_interrupts {
        // Back in wasm code: an interrupt requested while the host function ran (the signal
        // found a host pc and left it to this check).
        let store = load_store(ctx, &b, vmctx);
        raise_if_interrupted(m, &b, f, store, i);
    }
    build_return(&b, ctx, f, &ty.results, &results);
    Ok(())
}

/// The failure path after host function `func` (an import) returned trap code `rc` (not 0)
/// to function `f`: with exception handling, `EXCEPTION` rethrows the host's exception (in
/// `VMStore::exception`) in wasm (raised by an `invoke` to `lp` inside a try block, else a
/// call); any other code is raised as a trap. Terminates the current block.
pub(crate) fn host_failure<'ctx>(
    m: &ModuleCtx<'_, 'ctx>,
    b: &crate::llvm::Builder<'ctx>,
    f: Value<'ctx>,
    vmctx: Value<'ctx>,
    rc: Value<'ctx>,
    func: u32,
    lp: Option<crate::llvm::BasicBlock<'ctx>>,
) -> Result<(), CompileError> {
    let ctx = m.ctx;
    if m.personality.is_some() {
        let rethrow = ctx.append_block(f, "rethrow");
        let raise = ctx.append_block(f, "raise");
        let is_exn = b.icmp(crate::llvm::IntPred::LLVMIntEQ, rc, ctx.i32_const(abi::trap::EXCEPTION as i32));
        b.cond_br(is_exn, rethrow, raise);
        b.position_at_end(rethrow);
        let store = load_store(ctx, b, vmctx);
        let exn = b.load(ctx.ptr(), store_field(b, store, StoreField::Exception), 8);
        m.check_builtin(abi::builtin_index::THROW_REF)?;
        let (fty, fp) = load_builtin(ctx, b, vmctx, abi::builtin_index::THROW_REF)?;
        let rc2 = b.call(fty, fp, &[vmctx, exn]);
        let exn = take_prepared_exception(m, b, f, vmctx, rc2, func);
        let (re_ty, re) = raise_exception_builtin(m, b, vmctx)?;
        match lp {
            None => {
                b.call(re_ty, re, &[exn]);
            }
            Some(lp) => {
                let cont = ctx.append_block(f, "raise_cont");
                b.invoke(re_ty, re, &[exn], cont, lp);
                b.position_at_end(cont);
            }
        }
        raise_returned_exception(m, b, vmctx, func);
        b.position_at_end(raise);
    }
    b.call(m.raise_trap_ty, m.raise_trap, &[vmctx, rc, ctx.i32_const(func as i32)]);
    b.unreachable();
    Ok(())
}

/// An import stub's array call: `params` into the `ValRaw` buffer `values`, `array(array_ctx,
/// vmctx, values)` of the `VMFuncRef` at `fr`, the results read back. Returns the trap code
/// (`i32`) and the results (undefined when the code is not 0).
#[allow(clippy::too_many_arguments)]
fn call_host_array<'ctx>(
    ctx: &'ctx Context,
    b: &crate::llvm::Builder<'ctx>,
    fr: Value<'ctx>,
    array_ctx: Value<'ctx>,
    vmctx: Value<'ctx>,
    values: Value<'ctx>,
    ty: &FuncType,
    params: &[Value<'ctx>],
) -> (Value<'ctx>, Vec<Value<'ctx>>) {
    for (k, p) in params.iter().enumerate() {
        b.store(*p, valraw_slot(b, values, k), VALRAW_ALIGN);
    }
    let array = b.load(ctx.ptr(), funcref_field(b, fr, FuncRefField::Array), 8);
    let rc = b.call(array_fn_type(ctx), array, &[array_ctx, vmctx, values]);
    let results = ty
        .results
        .iter()
        .enumerate()
        .map(|(k, t)| b.load(llvm_type(ctx, *t), valraw_slot(b, values, k), VALRAW_ALIGN))
        .collect();
    (rc, results)
}

/// An import stub's register call ([`abi::HostRegFn`], type `ty` eligible): `host(array_ctx,
/// vmctx, a0..a3)` with each parameter's bits zero-extended to `i64` (unused registers
/// undefined). Returns the trap code (`i32`) and the result (undefined when the code is not 0).
pub(crate) fn call_host_reg<'ctx>(
    ctx: &'ctx Context,
    b: &crate::llvm::Builder<'ctx>,
    host: Value<'ctx>,
    array_ctx: Value<'ctx>,
    vmctx: Value<'ctx>,
    ty: &FuncType,
    params: &[Value<'ctx>],
) -> (Value<'ctx>, Vec<Value<'ctx>>) {
    let i64 = ctx.i64();
    let mut args = vec![array_ctx, vmctx];
    args.extend(params.iter().zip(ty.params.iter()).map(|(&p, t)| match t {
        ValType::I32 => b.zext(p, i64),
        ValType::F32 => b.zext(b.bitcast(p, ctx.i32()), i64),
        ValType::F64 => b.bitcast(p, i64),
        _ => p,
    }));
    args.resize(2 + abi::HOST_REG_PARAMS, ctx.poison(i64));
    let ret = b.call(host_reg_fn_type(ctx), host, &args);
    let value = b.extract_value(ret, 0);
    let rc = b.trunc(b.extract_value(ret, 1), ctx.i32());
    let results = ty
        .results
        .iter()
        .map(|t| match t {
            ValType::I32 => b.trunc(value, ctx.i32()),
            ValType::F32 => b.bitcast(b.trunc(value, ctx.i32()), ctx.f32()),
            ValType::F64 => b.bitcast(value, ctx.f64()),
            _ => value,
        })
        .collect();
    (rc, results)
}

/// After `throw`/`throw_ref` returned `rc` in function `f` (wasm function `func`): a trap
/// code other than `EXCEPTION` is raised as a trap; otherwise the exception they prepared is
/// read from `VMStore::exception` and returned, with `b` positioned where the caller raises it
/// with the `raise_exception` builtin (a plain call, or an `invoke` inside a try block),
/// followed by [`raise_returned_exception`]. It stays in `VMStore::exception`: if no wasm frame
/// catches it, the trap boundary returns `EXCEPTION` and the runtime takes it from there (the
/// latest exception raised is always the one in flight).
pub(crate) fn take_prepared_exception<'ctx>(
    m: &ModuleCtx<'_, 'ctx>,
    b: &crate::llvm::Builder<'ctx>,
    f: Value<'ctx>,
    vmctx: Value<'ctx>,
    rc: Value<'ctx>,
    func: u32,
) -> Value<'ctx> {
    let ctx = m.ctx;
    let ready = b.icmp(crate::llvm::IntPred::LLVMIntEQ, rc, ctx.i32_const(abi::trap::EXCEPTION as i32));
    let raise = ctx.append_block(f, "raise_exception");
    let failed = ctx.append_block(f, "throw_failed");
    b.cond_br(ready, raise, failed);
    b.position_at_end(failed);
    b.call(m.raise_trap_ty, m.raise_trap, &[vmctx, rc, ctx.i32_const(func as i32)]);
    b.unreachable();
    b.position_at_end(raise);
    b.load(ctx.ptr(), store_field(b, load_store(ctx, b, vmctx), StoreField::Exception), 8)
}

/// `raise_exception(exn)` returned: no frame caught it (the module's `enter` always does, so
/// this is a wasmlite bug); it becomes an `EXCEPTION` trap carrying the exception (still in
/// `VMStore::exception`).
pub(crate) fn raise_returned_exception<'ctx>(m: &ModuleCtx<'_, 'ctx>, b: &crate::llvm::Builder<'ctx>, vmctx: Value<'ctx>, func: u32) {
    let ctx = m.ctx;
    let code = ctx.i32_const(abi::trap::EXCEPTION as i32);
    b.call(m.raise_trap_ty, m.raise_trap, &[vmctx, code, ctx.i32_const(func as i32)]);
    b.unreachable();
}

/// The `raise_exception` builtin of `vmctx`: its type and pointer.
pub(crate) fn raise_exception_builtin<'ctx>(m: &ModuleCtx<'_, 'ctx>, b: &crate::llvm::Builder<'ctx>, vmctx: Value<'ctx>) -> Result<(Type<'ctx>, Value<'ctx>), CompileError> {
    let index = abi::builtin_index::RAISE_EXCEPTION;
    m.check_builtin(index)?;
    load_builtin(m.ctx, b, vmctx, index)
}

/// Builtin `index` of `vmctx` (`VMContext.builtins[index]`): its type and pointer. Callers
/// inside functions check it against the module's set first (`ModuleCtx::check_builtin`).
fn load_builtin<'ctx>(ctx: &'ctx Context, b: &crate::llvm::Builder<'ctx>, vmctx: Value<'ctx>, index: u32) -> Result<(Type<'ctx>, Value<'ctx>), CompileError> {
    let fty = builtin_type(ctx, index).ok_or_else(|| CompileError::msg(format!("builtin {index} has no type")))?;
    let builtins = b.load(ctx.ptr(), b.ptr_add(vmctx, abi::VMCTX_BUILTINS as u64), 8);
    Ok((fty, b.load(ctx.ptr(), b.ptr_add(builtins, abi::builtin_offset(index) as u64), 8)))
}

/// In `f` (whose first parameter is the vmctx): raise `INTERRUPTED` for function `index` if
/// the store's interrupt flag is set (where control enters wasm code from the host).
pub(crate) fn raise_if_interrupted<'ctx>(m: &ModuleCtx<'_, 'ctx>, b: &crate::llvm::Builder<'ctx>, f: Value<'ctx>, store: Value<'ctx>, index: u32) {
    let ctx = m.ctx;
    let pending = interrupt_pending(ctx, b, store);
    let intr = ctx.append_block(f, "interrupted");
    let cont = ctx.append_block(f, "run");
    b.cond_br(pending, intr, cont);
    b.position_at_end(intr);
    let code = ctx.i32_const(abi::trap::INTERRUPTED as i32);
    b.call(m.raise_trap_ty, m.raise_trap, &[f.param(0), code, ctx.i32_const(index as i32)]);
    b.unreachable();
    b.position_at_end(cont);
}

/// Return `vals` (of types `tys`) from native function `func`: `ret` of void, the value or a
/// struct, or stores into the caller's result area ([`results_in_memory`]) and `ret void`.
pub(crate) fn build_return<'ctx>(
    b: &crate::llvm::Builder<'ctx>,
    ctx: &'ctx Context,
    func: Value<'ctx>,
    tys: &[ValType],
    vals: &[Value<'ctx>],
) {
    if results_in_memory(tys) {
        // The caller's result area (see `native_fn_type`).
        let area = func.param(1);
        for (k, v) in vals.iter().enumerate() {
            b.store(*v, result_slot(b, area, k), VALRAW_ALIGN);
        }
        b.ret_void();
        return;
    }
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

/// Array entry of defined function `index`: loads the arguments from the `ValRaw` array,
/// calls the function and stores its results. A wasm exception no wasm frame caught stops
/// here; it is not a trap boundary: traps unwind through it to the runtime (or `longjmp` to
/// [`define_sjlj_entry`]).
pub(crate) fn emit_array_entry<'ctx>(m: &ModuleCtx<'_, 'ctx>, index: u32, f: Value<'ctx>) -> Result<(), CompileError> {
    let ctx = m.ctx;
    let ty = m
        .info
        .func_type(index)
        .ok_or_else(|| CompileError::msg(format!("function {index} has no type")))?;
    let native = m.funcs[index as usize];
    let native_ty = m.fn_types[m.info.funcs[index as usize] as usize];
    // No frame pointer, like function bodies (unwinding follows the unwind tables).
    ctx.add_fn_str_attr(f, "frame-pointer", "none");
    let b = ctx.builder();
    let entry = ctx.append_block(f, "entry");
    b.position_at_end(entry);
    let vmctx = f.param(0);
    let values = f.param(2);
    let store = load_store(ctx, &b, vmctx);
    if !m.poll_interrupts {
        // An interrupt requested before this entry (or while the signal found no wasm pc).
        raise_if_interrupted(m, &b, f, store, index);
    }
    let mut args = vec![vmctx];
    for (k, t) in ty.params.iter().enumerate() {
        args.push(b.load(llvm_type(ctx, *t), valraw_slot(&b, values, k), VALRAW_ALIGN));
    }
    // Results in memory go straight into the caller's `ValRaw` array.
    let area = results_in_memory(&ty.results).then_some(values);
    let args = native_args(ctx, ty, &args, area);
    // A wasm exception that no wasm frame caught stops here: `EXCEPTION` (it stays in
    // `VMStore::exception`, see `take_prepared_exception`); nothing keeps a value live across
    // the call. Traps pass (another exception class).
    let p = m.entry_personality.ok_or_else(|| CompileError::msg("array entries need a personality stub"))?;
    ctx.set_personality(f, p);
    let cont = ctx.append_block(f, "returned");
    let lp = ctx.append_block(f, "uncaught");
    let r = b.invoke(native_ty, native, &args, cont, lp);
    b.position_at_end(lp);
    b.landingpad_catch_all();
    b.ret(ctx.i32_const(abi::trap::EXCEPTION as i32));
    b.position_at_end(cont);
    r.set_tailcc();
    if area.is_none() {
        for (k, v) in call_results(ctx, &b, ty, r, None).into_iter().enumerate() {
            b.store(v, valraw_slot(&b, values, k), VALRAW_ALIGN);
        }
    }
    b.ret(ctx.i32_const(0));
    Ok(())
}
