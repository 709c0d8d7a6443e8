//! End-to-end tests of the instance machinery with a hand-made "compiled module": the array
//! entries are Rust `extern "C"` functions that behave like generated code (read the
//! VMContext through `VmLayout`, call builtins and imports, return trap codes).

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::ffi::c_void;

use crate::abi::*;
use crate::*;
use crate::abi::trap;

fn vm_store(vmctx: *mut VMContext) -> *mut VMStore {
    // SAFETY: test helper on a runtime-created VMContext.
    unsafe { *((vmctx as *mut u8).add(VMCTX_STORE as usize) as *mut *mut VMStore) }
}

fn layout_of(vmctx: *mut VMContext) -> VmLayout {
    let _ = vmctx;
    VmLayout::for_module(&test_info())
}

// --- fake function bodies (array ABI) ---

unsafe extern "C" fn native_dummy() {}

/// func 1: (i32, i32) -> i32 add
unsafe extern "C" fn f_add(_ctx: *mut c_void, _caller: *mut VMContext, v: *mut ValRaw) -> u32 {
    // SAFETY: two slots.
    unsafe {
        let r = (*v).get_i32().wrapping_add((*v.add(1)).get_i32());
        *v = ValRaw::i32(r);
    }
    0
}

/// func 2: () -> () traps with unreachable in function 2
unsafe extern "C" fn f_trap(ctx: *mut c_void, _caller: *mut VMContext, _v: *mut ValRaw) -> u32 {
    // SAFETY: ctx is the VMContext.
    unsafe {
        let s = vm_store(ctx as *mut VMContext);
        (*s).trap_code = trap::UNREACHABLE;
        (*s).trap_func = 2;
    }
    trap::UNREACHABLE
}

/// func 3: (i32) -> i32: calls import 0 (host, (i32)->i32) and adds 1 to its result.
unsafe extern "C" fn f_call_import(ctx: *mut c_void, _caller: *mut VMContext, v: *mut ValRaw) -> u32 {
    let vmctx = ctx as *mut VMContext;
    let l = layout_of(vmctx);
    // SAFETY: funcs[0] is the imported host function.
    unsafe {
        let f = *((vmctx as *mut u8).add(l.funcref(0) as usize) as *const VMFuncRef);
        let code = (f.array.unwrap())(f.array_ctx, vmctx, v);
        if code != 0 {
            return code;
        }
        *v = ValRaw::i32((*v).get_i32() + 1);
    }
    0
}

/// func 4: (i32 dst, i32 val, i32 len) -> i32: memory.fill via builtins then memory.grow(1).
unsafe extern "C" fn f_mem(ctx: *mut c_void, _caller: *mut VMContext, v: *mut ValRaw) -> u32 {
    let vmctx = ctx as *mut VMContext;
    // SAFETY: builtins pointer set by the runtime; 3 slots.
    unsafe {
        let b = &**((vmctx as *mut u8).add(VMCTX_BUILTINS as usize) as *const *const Builtins);
        let (dst, val, len) = ((*v).get_i32() as u32 as u64, (*v.add(1)).get_i32() as u32, (*v.add(2)).get_i32() as u32 as u64);
        let c = (b.memory_fill)(vmctx, 0, dst, val, len);
        if c != 0 {
            return c;
        }
        let old = (b.memory_grow)(vmctx, 0, 1);
        *v = ValRaw::i32(old as i32);
    }
    0
}

/// func 5: () -> i64: returns VMStore.stack_limit.
unsafe extern "C" fn f_stack(ctx: *mut c_void, _caller: *mut VMContext, v: *mut ValRaw) -> u32 {
    // SAFETY: one slot.
    unsafe { *v = ValRaw::i64((*vm_store(ctx as *mut VMContext)).stack_limit as i64) };
    0
}

/// func 6 (start): stores 77 into global 1 (defined, mutable).
unsafe extern "C" fn f_start(ctx: *mut c_void, _caller: *mut VMContext, _v: *mut ValRaw) -> u32 {
    let vmctx = ctx as *mut VMContext;
    let l = layout_of(vmctx);
    if let GlobalLoc::Defined(off) = l.global(1) {
        // SAFETY: inline global slot.
        unsafe { (*((vmctx as *mut u8).add(off as usize) as *mut VMGlobal)).value = ValRaw::i32(77) };
    }
    0
}

/// func 7: (i32) -> i32 call_indirect table 0 with () -> () ... simplified: returns the
/// type_id low bits of table[i] or traps.
unsafe extern "C" fn f_table(ctx: *mut c_void, _caller: *mut VMContext, v: *mut ValRaw) -> u32 {
    let vmctx = ctx as *mut VMContext;
    let l = layout_of(vmctx);
    // SAFETY: table pointer set by the runtime.
    unsafe {
        let t = &**((vmctx as *mut u8).add(l.table(0) as usize) as *const *const VMTable);
        let i = (*v).get_i32() as u32 as u64;
        if i >= t.length {
            return trap::TABLE_OUT_OF_BOUNDS;
        }
        let e = *t.base.add(i as usize) as *const VMFuncRef;
        if e.is_null() {
            return trap::INDIRECT_CALL_TO_NULL;
        }
        // call it: (i32,i32)->i32 with 20, 22
        let mut slots = [ValRaw::i32(20), ValRaw::i32(22)];
        let c = ((*e).array.unwrap())((*e).array_ctx, vmctx, slots.as_mut_ptr());
        if c != 0 {
            return c;
        }
        *v = slots[0];
    }
    0
}

unsafe extern "C-unwind" fn raise_trap_stub(_: *mut VMContext, _: u32, _: u32) -> ! {
    panic!("raise_trap stub called")
}

/// The trap boundaries of the fake module: its functions return trap codes, so a plain call.
unsafe extern "C" fn entry_stub(_: *mut crate::abi::VMStore, array: ArrayFn, ctx: *mut c_void, v: *mut ValRaw) -> u32 {
    // SAFETY: the runtime passes an array function with its context and values.
    unsafe { array(ctx, core::ptr::null_mut(), v) }
}

fn ft(p: &[ValType], r: &[ValType]) -> FuncType {
    FuncType { params: p.to_vec().into(), results: r.to_vec().into() }
}

fn test_info() -> ModuleInfo {
    use ValType::*;
    ModuleInfo {
        types: vec![
            ft(&[I32], &[I32]),           // 0
            ft(&[I32, I32], &[I32]),      // 1
            ft(&[], &[]),                 // 2
            ft(&[I32, I32, I32], &[I32]), // 3
            ft(&[], &[I64]),              // 4
        ].into(),
        imports: vec![
            Import { module: "env".into(), name: "inc".into(), ty: ExternType::Func(0) },
            Import { module: "env".into(), name: "g".into(), ty: ExternType::Global(GlobalType { ty: I32, mutable: false }) },
        ].into(),
        funcs: vec![0, 1, 2, 0, 3, 4, 2, 0].into(),
        num_imported_funcs: 1,
        tables: vec![TableType { elem: FuncRef, min: 4, max: None, table64: false }].into(),
        num_imported_tables: 0,
        memories: vec![MemoryType { min: 1, max: Some(2), memory64: false, shared: false, page_size_log2: 16 }].into(),
        num_imported_memories: 0,
        globals: vec![
            GlobalType { ty: I32, mutable: false },
            GlobalType { ty: I32, mutable: true },
            GlobalType { ty: FuncRef, mutable: false },
        ].into(),
        num_imported_globals: 1,
        global_inits: vec![
            ConstExpr(vec![ConstOp::GlobalGet(0), ConstOp::I32Const(1), ConstOp::I32Add].into()),
            ConstExpr(vec![ConstOp::RefFunc(1)].into()),
        ].into(),
        exports: vec![
            Export { name: "add".into(), kind: ExportKind::Func, index: 1 },
            Export { name: "boom".into(), kind: ExportKind::Func, index: 2 },
            Export { name: "call_inc".into(), kind: ExportKind::Func, index: 3 },
            Export { name: "mem".into(), kind: ExportKind::Memory, index: 0 },
            Export { name: "g1".into(), kind: ExportKind::Global, index: 1 },
            Export { name: "inc".into(), kind: ExportKind::Func, index: 0 },
            Export { name: "tab".into(), kind: ExportKind::Table, index: 0 },
        ].into(),
        start: Some(6),
        elems: vec![
            ElemSegment {
                mode: ElemMode::Active { table: 0, offset: ConstExpr(vec![ConstOp::I32Const(1)].into()) },
                ty: FuncRef,
                items: vec![ConstExpr(vec![ConstOp::RefFunc(1)].into()), ConstExpr(vec![ConstOp::GlobalGet(2)].into())].into(),
            },
            ElemSegment { mode: ElemMode::Passive, ty: FuncRef, items: vec![ConstExpr(vec![ConstOp::RefFunc(3)].into())].into() },
        ].into(),
        datas: vec![
            DataSegment { mode: DataMode::Active { memory: 0, offset: ConstExpr(vec![ConstOp::GlobalGet(0)].into()) }, bytes: b"hello".to_vec().into() },
            DataSegment { mode: DataMode::Passive, bytes: b"xyz".to_vec().into() },
        ].into(),
        func_names: vec![(2, "boom_fn".into())].into(),
        table_inits: vec![].into(),
        tags: vec![].into(),
        num_imported_tags: 0,
        export_order: vec![].into(),
    }
}

fn make_desc(info: &ModuleInfo, flags: u32) -> &'static ModuleDescriptor {
    let bytes: &'static [u8] = Box::leak(info.encode().into_boxed_slice());
    let entries: [ArrayFn; 7] = [f_add, f_trap, f_call_import, f_mem, f_stack, f_start, f_table];
    let funcs: &'static [FuncEntry] = Box::leak(
        entries
            .iter()
            .map(|a| FuncEntry { native: native_dummy as *const c_void, array: *a })
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    let stubs: &'static [*const c_void] = Box::leak(vec![native_dummy as *const c_void].into_boxed_slice());
    Box::leak(Box::new(ModuleDescriptor {
        abi_version: ABI_VERSION,
        flags,
        info: bytes.as_ptr(),
        info_len: bytes.len(),
        funcs: funcs.as_ptr(),
        num_funcs: funcs.len(),
        import_stubs: stubs.as_ptr(),
        num_import_stubs: 1,
        raise_trap: raise_trap_stub,
        enter: entry_stub,
        sjlj_entry: entry_stub,
        code_ranges: core::ptr::null(),
        num_code_ranges: 0,
    }))
}

fn g_import(v: i32) -> Extern {
    Extern::Global(SharedGlobal::new(Global::new(GlobalType { ty: ValType::I32, mutable: false }, Val::I32(v)).unwrap()))
}

fn inc_func() -> Extern {
    Extern::Func(Func::new(ft(&[ValType::I32], &[ValType::I32]), |caller, args, res| {
        let x = args[0].i32().unwrap();
        if x < 0 {
            return Err(Trap::host("negative"));
        }
        if x == 1000 {
            panic!("thousand");
        }
        // Read the caller's memory (data segment "hello" at offset 3).
        let m = caller.memory()?;
        let h = m.read(3, 5)?.to_vec();
        assert_eq!(&h, b"hello");
        res[0] = Val::I32(x * 10);
        Ok(())
    }))
}

fn instance() -> (Store, Instance) {
    let module = {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        unsafe { Module::from_static(make_desc(&test_info(), FLAG_EXPLICIT_BOUNDS_CHECKS)) }
    }.unwrap();
    let store = Store::new();
    let inst = Instance::new(&store, &module, &[inc_func(), g_import(3)], ()).unwrap();
    (store, inst)
}

#[test]
fn instantiate_and_call() {
    let (_store, mut inst) = instance();
    // globals: imported 3, defined = 3+1 = 4 then start sets 77.
    assert_eq!(inst.global(0), Val::I32(3));
    assert_eq!(inst.global(1), Val::I32(77));
    let Val::FuncRef(Some(f)) = inst.global(2) else { panic!("funcref global") };
    // SAFETY: layout offsets.
    let expected = unsafe { (inst.vmctx() as *mut u8).add(VmLayout::for_module(inst.module().info()).funcref(1) as usize) };
    assert_eq!(f.as_ptr() as *const u8, expected as *const u8);
    // data segment at offset = global 0 = 3
    assert_eq!(&inst.memory(0).data()[3..8], b"hello");
    assert_eq!(inst.call_export("add", &[Val::I32(2), Val::I32(40)]).unwrap(), vec![Val::I32(42)]);
    let r: i32 = inst.call_typed(1, (5i32, 6i32)).unwrap();
    assert_eq!(r, 11);
    let e = inst.call_typed::<(i32,), i64>(1, (5,)).unwrap_err();
    assert_eq!(e.kind(), TrapKind::BadSignature);
    let e = inst.call(1, &[Val::I32(1)]).unwrap_err();
    assert_eq!(e.message(), Some("expected 2 arguments, got 1"));
    let e = inst.call(1, &[Val::I32(1), Val::I64(1)]).unwrap_err();
    assert_eq!(e.message(), Some("argument 1: expected i32, got i64"));
}

#[test]
fn traps_carry_function() {
    let (_store, mut inst) = instance();
    let t = inst.call_export("boom", &[]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Unreachable);
    assert_eq!(t.func_index(), Some(2));
    assert_eq!(t.func_name(), Some("boom_fn"));
    assert_eq!(t.to_string(), "wasm trap: unreachable (in wasm function `boom_fn`, #2)");
    // still usable
    assert_eq!(inst.call_export("add", &[Val::I32(1), Val::I32(1)]).unwrap(), vec![Val::I32(2)]);
    // VMStore reset
    // SAFETY: reading the store.
    unsafe {
        let s = vm_store(inst.vmctx());
        assert_eq!((*s).trap_func, UNKNOWN_FUNC);
        assert!((*s).jmp_buf.is_null());
    }
}

#[test]
fn host_calls_and_errors() {
    let (_store, mut inst) = instance();
    assert_eq!(inst.call_export("call_inc", &[Val::I32(4)]).unwrap(), vec![Val::I32(41)]);
    let t = inst.call_export("call_inc", &[Val::I32(-1)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Host);
    assert_eq!(t.message(), Some("negative"));
    #[cfg(feature = "std")]
    {
        let t = inst.call_export("call_inc", &[Val::I32(1000)]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::Host);
        assert_eq!(t.message(), Some("host function panicked: thousand"));
    }
    // The re-exported import is callable (no caller memory → "the caller has no memory 0" host error).
    let Some(Extern::Func(f)) = inst.export("inc") else { panic!() };
    let t = f.call(&[Val::I32(1)]).unwrap_err();
    assert_eq!(t.message(), Some("the caller has no memory 0"));
    // Exported wasm function through Func::call
    let Some(Extern::Func(add)) = inst.export("add") else { panic!() };
    assert_eq!(add.call(&[Val::I32(3), Val::I32(4)]).unwrap(), vec![Val::I32(7)]);
    assert_eq!(add.ty(), &ft(&[ValType::I32, ValType::I32], &[ValType::I32]));
}

#[test]
fn memory_builtins_and_exports() {
    let (_store, mut inst) = instance();
    assert_eq!(inst.call_export("fill", &[]).unwrap_err().kind(), TrapKind::BadSignature);
    // func 4: fill(10, 0xab, 4) then grow → old pages 1
    assert_eq!(inst.call(4, &[Val::I32(10), Val::I32(0xab), Val::I32(4)]).unwrap(), vec![Val::I32(1)]);
    assert_eq!(&inst.memory(0).data()[10..14], &[0xab; 4]);
    assert_eq!(inst.memory(0).size_pages(), 2);
    // max 2 → grow fails → -1
    assert_eq!(inst.call(4, &[Val::I32(0), Val::I32(0), Val::I32(0)]).unwrap(), vec![Val::I32(-1)]);
    // out of bounds fill
    let t = inst.call(4, &[Val::I32(131070), Val::I32(1), Val::I32(3)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds);
    let Some(Extern::Memory(m)) = inst.export("mem") else { panic!() };
    assert_eq!(m.borrow().size_pages(), 2);
    assert_eq!(inst.exported_memory("mem").unwrap().data()[10], 0xab);
    inst.exported_memory_mut("mem").unwrap().write(0, &[9]).unwrap();
    assert_eq!(m.borrow().data()[0], 9);
    // globals export
    let Some(Extern::Global(g)) = inst.export("g1") else { panic!() };
    assert_eq!(g.get(), Val::I32(77));
    g.set(Val::I32(5)).unwrap();
    assert_eq!(inst.global(1), Val::I32(5));
    inst.set_global(1, Val::I32(6)).unwrap();
    assert_eq!(g.get(), Val::I32(6));
    assert!(inst.set_global(0, Val::I32(6)).is_err());
}

/// `include_wasm!`'s per-module builtins table: the builtins outside the module's set are
/// stand-ins that fail with a host trap naming the builtin (or report a failed grow).
#[test]
fn builtins_outside_the_set_are_host_traps() {
    use crate::abi::builtin_index as i;
    static GROW_ONLY: Builtins = crate::select_builtins(1 << i::MEMORY_GROW);
    static FILL_ONLY: Builtins = crate::select_builtins(1 << i::MEMORY_FILL);
    let instance_with = |b: &'static Builtins| {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        let module = unsafe { Module::from_parts(make_desc(&test_info(), FLAG_EXPLICIT_BOUNDS_CHECKS), crate::module::Info::owned(test_info()), b, &crate::InstanceParts::ALL) }.unwrap();
        let store = Store::new();
        let inst = Instance::new(&store, &module, &[inc_func(), g_import(3)], ()).unwrap();
        (store, inst)
    };
    // func 4 = memory.fill, then memory.grow.
    let (_s, mut inst) = instance_with(&GROW_ONLY);
    let t = inst.call(4, &[Val::I32(10), Val::I32(0xab), Val::I32(4)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Host);
    assert_eq!(t.message(), Some("internal error: the builtin `memory.fill` is not linked into this module's builtins"));
    assert_eq!(inst.memory(0).data()[10], 0);
    let (_s, mut inst) = instance_with(&FILL_ONLY);
    assert_eq!(inst.call(4, &[Val::I32(10), Val::I32(0xab), Val::I32(4)]).unwrap(), vec![Val::I32(-1)]);
    assert_eq!(&inst.memory(0).data()[10..14], &[0xab; 4]);
    assert_eq!(inst.memory(0).size_pages(), 1);
    // The full table is `select` of every builtin.
    let all = crate::select_builtins(builtin_set::ALL);
    assert!(core::ptr::fn_addr_eq(all.memory_copy, BUILTINS.memory_copy));
    assert!(!core::ptr::fn_addr_eq(GROW_ONLY.memory_copy, BUILTINS.memory_copy));
}

/// `include_wasm!`'s per-module parts of instantiation: a module instantiates with the parts
/// `instance_parts::used` names, and a missing one is an instantiation error naming it.
#[test]
fn instance_parts_outside_the_set_are_errors() {
    use crate::abi::instance_parts::{used, IMPORTS, TABLES};
    static NO_IMPORTS: crate::InstanceParts = crate::select_instance_parts(TABLES);
    static NO_TABLES: crate::InstanceParts = crate::select_instance_parts(IMPORTS);
    static USED: crate::InstanceParts = crate::select_instance_parts(IMPORTS | TABLES);
    assert_eq!(used(&test_info(), crate::abi::builtin_set::ALWAYS), IMPORTS | TABLES);
    let instantiate_with = |p: &'static crate::InstanceParts| {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        let module = unsafe { Module::from_parts(make_desc(&test_info(), FLAG_EXPLICIT_BOUNDS_CHECKS), crate::module::Info::owned(test_info()), &BUILTINS, p) }.unwrap();
        let store = Store::new();
        Instance::new(&store, &module, &[inc_func(), g_import(3)], ()).map(|i| (store, i))
    };
    for (parts, name) in [(&NO_IMPORTS, "imports"), (&NO_TABLES, "tables")] {
        let e = instantiate_with(parts).err().unwrap();
        let want = alloc::format!("the module needs instantiation part `{name}`, which is not linked");
        assert!(e.to_string().contains(&want), "{e}");
    }
    let (_s, mut inst) = instantiate_with(&USED).unwrap();
    assert_eq!(inst.call(1, &[Val::I32(1), Val::I32(2)]).unwrap().len(), 1);
    assert_eq!(inst.table(0).size(), 4);
}

#[test]
fn stack_limit_set_during_call() {
    let (_store, mut inst) = instance();
    let marker = 0u8;
    let sp = &marker as *const u8 as usize;
    let r = inst.call(5, &[]).unwrap();
    let limit = r[0].i64().unwrap() as usize;
    assert!(limit > 0 && limit < sp, "limit {limit:#x} sp {sp:#x}");
    assert!(sp - limit <= DEFAULT_MAX_WASM_STACK + 4096);
    assert!(sp - limit >= DEFAULT_MAX_WASM_STACK);
    // A new maximum applies from the next outermost call on (the limit is cached per stack
    // pointer of the outermost call).
    _store.set_max_wasm_stack(64 << 10);
    let limit2 = inst.call(5, &[]).unwrap()[0].i64().unwrap() as usize;
    assert!(sp - limit2 >= 64 << 10 && sp - limit2 <= (64 << 10) + 4096, "limit {limit2:#x} sp {sp:#x}");
}

#[test]
fn table_elements_and_bulk_builtins() {
    let (_store, mut inst) = instance();
    let core = &inst.core_for_tests();
    // table: [null, func1, func1(global 2), null]
    assert_eq!(inst.table(0).get(0), Some(Val::FuncRef(None)));
    assert!(matches!(inst.table(0).get(1), Some(Val::FuncRef(Some(_)))));
    assert_eq!(inst.table(0).get(1), inst.table(0).get(2));
    assert_eq!(inst.call(7, &[Val::I32(1)]).unwrap(), vec![Val::I32(42)]);
    assert_eq!(inst.call(7, &[Val::I32(0)]).unwrap_err().kind(), TrapKind::IndirectCallToNull);
    assert_eq!(inst.call(7, &[Val::I32(9)]).unwrap_err().kind(), TrapKind::TableOutOfBounds);
    // active segment 0 was dropped; passive 1 available.
    assert_eq!(crate::builtins::table_init_impl(core, 0, 0, 0, 0, 1), trap::TABLE_OUT_OF_BOUNDS);
    assert_eq!(crate::builtins::table_init_impl(core, 0, 0, 0, 0, 0), 0);
    assert_eq!(crate::builtins::table_init_impl(core, 0, 1, 3, 0, 1), 0);
    assert_eq!(crate::builtins::table_init_impl(core, 0, 1, 4, 0, 1), trap::TABLE_OUT_OF_BOUNDS);
    assert_eq!(crate::builtins::table_init_impl(core, 0, 1, 3, 1, 1), trap::TABLE_OUT_OF_BOUNDS);
    crate::builtins::elem_drop_impl(core, 1);
    assert_eq!(crate::builtins::table_init_impl(core, 0, 1, 3, 0, 1), trap::TABLE_OUT_OF_BOUNDS);
    // table 3 = func 3 (call_inc): calling it via f_table passes (20, 22) → inc(20)+1 = 201
    assert_eq!(inst.call(7, &[Val::I32(3)]).unwrap(), vec![Val::I32(201)]);
    // copy with overlap
    assert_eq!(crate::builtins::table_copy_impl(core, 0, 0, 0, 1, 3), 0);
    assert!(matches!(inst.table(0).get(0), Some(Val::FuncRef(Some(_)))));
    assert_eq!(crate::builtins::table_copy_impl(core, 0, 0, 2, 0, 3), trap::TABLE_OUT_OF_BOUNDS);
    assert_eq!(crate::builtins::table_grow_impl(core, 0, core::ptr::null_mut(), 2), 4);
    assert_eq!(inst.table(0).size(), 6);
    assert_eq!(crate::builtins::table_fill_impl(core, 0, 5, core::ptr::null_mut(), 2), trap::TABLE_OUT_OF_BOUNDS);
    assert_eq!(crate::builtins::table_fill_impl(core, 0, 0, core::ptr::null_mut(), 6), 0);
    assert_eq!(inst.table(0).get(5), Some(Val::FuncRef(None)));
    // memory bulk ops
    assert_eq!(crate::builtins::memory_init_impl(core, 0, 1, 100, 1, 2), 0);
    assert_eq!(&inst.memory(0).data()[100..102], b"yz");
    assert_eq!(crate::builtins::memory_init_impl(core, 0, 1, 100, 2, 2), trap::MEMORY_OUT_OF_BOUNDS);
    assert_eq!(crate::builtins::memory_init_impl(core, 0, 1, 65535, 0, 2), trap::MEMORY_OUT_OF_BOUNDS);
    assert_eq!(crate::builtins::memory_init_impl(core, 0, 0, 0, 0, 0), 0, "dropped active segment has length 0");
    assert_eq!(crate::builtins::memory_init_impl(core, 0, 0, 0, 0, 1), trap::MEMORY_OUT_OF_BOUNDS);
    crate::builtins::data_drop_impl(core, 1);
    assert_eq!(crate::builtins::memory_init_impl(core, 0, 1, 100, 0, 1), trap::MEMORY_OUT_OF_BOUNDS);
    assert_eq!(crate::builtins::memory_copy_impl(core, 0, 0, 101, 100, 3), 0);
    assert_eq!(&inst.memory(0).data()[100..104], b"yyz\0");
    assert_eq!(crate::builtins::memory_copy_impl(core, 0, 0, 65534, 0, 3), trap::MEMORY_OUT_OF_BOUNDS);
    assert_eq!(crate::builtins::memory_copy_impl(core, 0, 0, 65536, 0, 0), 0);
    assert_eq!(crate::builtins::memory_copy_impl(core, 0, 0, 65537, 0, 0), trap::MEMORY_OUT_OF_BOUNDS);
    assert_eq!(crate::builtins::memory_fill_impl(core, 0, u64::MAX, 0, 2), trap::MEMORY_OUT_OF_BOUNDS);
}

#[test]
fn import_checks() {
    let module = {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        unsafe { Module::from_static(make_desc(&test_info(), FLAG_EXPLICIT_BOUNDS_CHECKS)) }
    }.unwrap();
    let store = Store::new();
    let err = |imports: &[Extern]| match Instance::new(&store, &module, imports, ()) {
        Err(Error::Instantiation(e)) => e.message().to_string(),
        Err(Error::Trap(t)) => panic!("unexpected trap {t}"),
        Ok(_) => panic!("instantiation should fail"),
    };
    assert_eq!(err(&[]), "expected 2 imports, got 0");
    let wrong = Extern::Func(Func::new(ft(&[], &[]), |_, _, _| Ok(())));
    assert_eq!(err(&[wrong, g_import(1)]), "import `env`.`inc`: expected (func (param i32) (result i32)), got (func)");
    assert_eq!(err(&[g_import(1), g_import(1)]), "import `env`.`inc`: expected a function, got a global");
    let mg = Extern::Global(SharedGlobal::new(Global::new(GlobalType { ty: ValType::I32, mutable: true }, Val::I32(1)).unwrap()));
    assert_eq!(err(&[inc_func(), mg]), "global import `env`.`g`: expected (global i32), got (global (mut i32))");
    // typed host function bound to the wrong host type
    fn typed(h: &mut u32, _c: &mut Caller<'_>, x: i32) -> Result<i32, Trap> {
        *h += 1;
        Ok(x + *h as i32)
    }
    let tf = Extern::Func(Func::wrap(typed));
    let e = err(&[tf.clone(), g_import(1)]);
    assert!(e.starts_with("import `env`.`inc`: host function expects host value of type `u32`"), "{e}");
    let mut inst = Instance::new(&store, &module, &[tf, g_import(1)], 5u32).unwrap();
    assert_eq!(inst.call_export("call_inc", &[Val::I32(10)]).unwrap(), vec![Val::I32(17)]);
    assert_eq!(*inst.host(), 6);
    *inst.host_mut() = 100;
    assert_eq!(inst.call_export("call_inc", &[Val::I32(0)]).unwrap(), vec![Val::I32(102)]);
    // A capturing closure: its state lives (and is dropped) with the function.
    let step = alloc::rc::Rc::new(core::cell::Cell::new(1000i32));
    let s2 = step.clone();
    let cf = Extern::Func(Func::wrap(move |h: &mut u32, _c: &mut Caller<'_>, x: i32| -> Result<i32, Trap> {
        *h += 1;
        Ok(x + s2.get() + *h as i32)
    }));
    let store2 = Store::new();
    let mut inst = Instance::new(&store2, &module, &[cf, g_import(1)], 0u32).unwrap();
    assert_eq!(inst.call_export("call_inc", &[Val::I32(10)]).unwrap(), vec![Val::I32(1012)]);
    step.set(2000);
    assert_eq!(inst.call_export("call_inc", &[Val::I32(10)]).unwrap(), vec![Val::I32(2013)]);
    assert_eq!(alloc::rc::Rc::strong_count(&step), 2);
    drop(inst);
    drop(store2);
    assert_eq!(alloc::rc::Rc::strong_count(&step), 1);
    let names = resolve_imports(&module, |m, n| (m == "env" && n == "inc").then(inc_func));
    assert_eq!(names.unwrap_err().message(), "unknown import `env`.`g`");
}

#[test]
fn shared_imports_between_instances() {
    // Instance B imports A's exported function "add" as its import 0? Types differ; instead
    // import A's re-exported "inc" (a host function) and check calls go through.
    let (store, a) = instance();
    let Some(Extern::Func(inc)) = a.export("inc") else { panic!() };
    let module = {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        unsafe { Module::from_static(make_desc(&test_info(), FLAG_EXPLICIT_BOUNDS_CHECKS)) }
    }.unwrap();
    let mut b = Instance::new(&store, &module, &[Extern::Func(inc), g_import(3)], ()).unwrap();
    // host fn reads the *caller's* memory (B's, also has "hello" at 3).
    assert_eq!(b.call_export("call_inc", &[Val::I32(2)]).unwrap(), vec![Val::I32(21)]);
    drop(a);
    assert_eq!(b.call_export("call_inc", &[Val::I32(3)]).unwrap(), vec![Val::I32(31)]);
}

#[test]
fn data_segment_out_of_bounds_fails_instantiation() {
    let mut info = test_info();
    info.datas.to_mut()[0].mode = DataMode::Active { memory: 0, offset: ConstExpr(vec![ConstOp::I32Const(65534)].into()) };
    let module = {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        unsafe { Module::from_static(make_desc(&info, FLAG_EXPLICIT_BOUNDS_CHECKS)) }
    }.unwrap();
    let store = Store::new();
    match Instance::new(&store, &module, &[inc_func(), g_import(3)], ()) {
        Err(Error::Trap(t)) => assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds),
        other => panic!("expected trap, got {:?}", other.map(|_| ())),
    }
    let mut info = test_info();
    info.elems.to_mut()[0].mode = ElemMode::Active { table: 0, offset: ConstExpr(vec![ConstOp::I32Const(3)].into()) };
    let module = {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        unsafe { Module::from_static(make_desc(&info, FLAG_EXPLICIT_BOUNDS_CHECKS)) }
    }.unwrap();
    match Instance::new(&store, &module, &[inc_func(), g_import(3)], ()) {
        Err(Error::Trap(t)) => assert_eq!(t.kind(), TrapKind::TableOutOfBounds),
        other => panic!("expected trap, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn bad_descriptors() {
    let mut d = make_desc(&test_info(), 0);
    let mut bad = ModuleDescriptor { abi_version: ABI_VERSION + 1, ..copy_desc(d) };
    // SAFETY: valid pointer.
    let e = unsafe { Module::from_descriptor(&bad) }.unwrap_err();
    assert_eq!(
        e.message(),
        alloc::format!("module was compiled for ABI version {}, runtime supports {ABI_VERSION}", ABI_VERSION + 1)
    );
    bad.abi_version = ABI_VERSION;
    bad.info_len = 1;
    // SAFETY: valid pointer.
    let e = unsafe { Module::from_descriptor(&bad) }.unwrap_err();
    assert!(e.message().contains("invalid ModuleInfo"), "{}", e.message());
    bad = copy_desc(d);
    bad.num_funcs = 2;
    // SAFETY: valid pointer.
    let e = unsafe { Module::from_descriptor(&bad) }.unwrap_err();
    assert!(e.message().starts_with("inconsistent module descriptor"));
    d = make_desc(&test_info(), 0);
    let m = {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        unsafe { Module::from_static(d) }
    }.unwrap();
    assert!(!m.explicit_bounds_checks());
}

/// `include_wasm!`'s path: the `ModuleInfo` as static data, tied to the descriptor by the
/// fingerprint of its encoding and used in place (not copied); another module's static info is
/// refused.
#[test]
fn static_info_is_checked_against_the_descriptor() {
    let info = test_info();
    let leak = |s: StaticModuleInfo| -> &'static StaticModuleInfo { alloc::boxed::Box::leak(alloc::boxed::Box::new(s)) };
    let hash = crate::abi::info_hash(&info.encode());
    // The right fingerprint: the module uses the static `ModuleInfo` itself.
    let right = leak(StaticModuleInfo { info_hash: hash, info: info.clone() });
    // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
    let m = unsafe { Module::from_static_info(make_desc(&info, 0), right, &crate::BUILTINS, &crate::InstanceParts::ALL) }.unwrap();
    assert!(core::ptr::eq(m.info(), &right.info));
    // Another module's static info (here: the right types, nothing else) is refused.
    let other = leak(StaticModuleInfo { info_hash: 1, info: ModuleInfo { types: info.types.clone(), ..Default::default() } });
    // SAFETY: as above.
    let e = unsafe { Module::from_static_info(make_desc(&info, 0), other, &crate::BUILTINS, &crate::InstanceParts::ALL) }.unwrap_err();
    assert!(e.message().contains("describe different modules"), "{}", e.message());
    // With the right fingerprint, the counts are still checked against the descriptor.
    let wrong = leak(StaticModuleInfo { info_hash: hash, info: ModuleInfo::default() });
    // SAFETY: as above.
    let e = unsafe { Module::from_static_info(make_desc(&info, 0), wrong, &crate::BUILTINS, &crate::InstanceParts::ALL) }.unwrap_err();
    assert!(e.message().starts_with("inconsistent module descriptor"), "{}", e.message());
}

fn copy_desc(d: &ModuleDescriptor) -> ModuleDescriptor {
    ModuleDescriptor {
        abi_version: d.abi_version,
        flags: d.flags,
        info: d.info,
        info_len: d.info_len,
        funcs: d.funcs,
        num_funcs: d.num_funcs,
        import_stubs: d.import_stubs,
        num_import_stubs: d.num_import_stubs,
        raise_trap: d.raise_trap,
        enter: d.enter,
        sjlj_entry: d.sjlj_entry,
        code_ranges: d.code_ranges,
        num_code_ranges: d.num_code_ranges,
    }
}

#[test]
fn interrupt_handle_sets_flag() {
    let (store, inst) = instance();
    let h = inst.interrupt_handle();
    h.interrupt();
    // SAFETY: reading the store.
    assert_eq!(unsafe { (*store.vm_store()).interrupt }, 1);
    let _unused: String = String::new();
}

#[cfg(not(feature = "std"))]
#[test]
fn guard_modules_rejected_without_std() {
    let module = {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        unsafe { Module::from_static(make_desc(&test_info(), 0)) }
    }.unwrap();
    let store = Store::new();
    match Instance::new(&store, &module, &[inc_func(), g_import(3)], ()) {
        Err(Error::Instantiation(e)) => assert_eq!(
            e.message(),
            "module needs guard-page memories (compiled without explicit bounds checks), not available without the `std` feature"
        ),
        _ => panic!("expected an instantiation error"),
    }
}

#[cfg(feature = "std")]
#[test]
fn guard_module_uses_guard_memory_and_rejects_heap_import() {
    let module = {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        unsafe { Module::from_static(make_desc(&test_info(), 0)) }
    }.unwrap();
    let store = Store::new();
    let mut inst = Instance::new(&store, &module, &[inc_func(), g_import(3)], ()).unwrap();
    assert!(inst.memory(0).is_guarded());
    let base = inst.memory(0).data().as_ptr();
    assert_eq!(inst.call(4, &[Val::I32(0), Val::I32(1), Val::I32(1)]).unwrap(), vec![Val::I32(1)]);
    assert_eq!(inst.memory(0).data().as_ptr(), base, "guard memory never moves");
    let mut info = test_info();
    info.memories.to_mut()[0] = MemoryType { min: 1, max: Some(2), memory64: false, shared: false, page_size_log2: 16 };
    info.imports.to_mut().push(Import { module: "env".into(), name: "mem".into(), ty: ExternType::Memory(info.memories[0]) });
    info.num_imported_memories = 1;
    let module = {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        unsafe { Module::from_static(make_desc(&info, 0)) }
    }.unwrap();
    let heap = Extern::Memory(SharedMemory::new(Memory::new_heap(info.memories[0]).unwrap()));
    match Instance::new(&store, &module, &[inc_func(), g_import(3), heap], ()) {
        Err(Error::Instantiation(e)) => assert!(e.message().starts_with("memory import `env`.`mem`: module needs guard-page memories"), "{e}"),
        _ => panic!("expected an instantiation error"),
    }
    // limits: import wants min 1 max 2; a memory with max 3 is incompatible, min 2 max 2 is fine.
    let big = Extern::Memory(SharedMemory::new(Memory::new(MemoryType { min: 1, max: Some(3), memory64: false, shared: false, page_size_log2: 16 }).unwrap()));
    match Instance::new(&store, &module, &[inc_func(), g_import(3), big], ()) {
        Err(Error::Instantiation(e)) => assert_eq!(e.message(), "memory import `env`.`mem`: incompatible limits"),
        _ => panic!("expected an instantiation error"),
    }
    let ok = SharedMemory::new(Memory::new(MemoryType { min: 2, max: Some(2), memory64: false, shared: false, page_size_log2: 16 }).unwrap());
    let inst = Instance::new(&store, &module, &[inc_func(), g_import(3), Extern::Memory(ok.clone())], ()).unwrap();
    assert_eq!(&ok.borrow().data()[3..8], b"hello");
    drop(inst);
}

/// A fault in host code (not in registered wasm code, not inside a wasm call) must reach the
/// previous handler, i.e. the process dies with SIGSEGV instead of being turned into a trap.
#[cfg(all(feature = "std", target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
#[test]
fn host_fault_is_chained_not_stolen() {
    extern crate std;
    use std::os::unix::process::ExitStatusExt;
    if std::env::var_os("WASMLITE_RT_FAULT_CHILD").is_some() {
        let m = Memory::new(MemoryType { min: 1, max: None, memory64: false, shared: false, page_size_log2: 16 }).unwrap();
        assert!(m.is_guarded());
        let p = m.data().as_ptr();
        // SAFETY: deliberately reads a PROT_NONE guard page to provoke SIGSEGV (child only).
        let v = unsafe { core::ptr::read_volatile(p.add(65536 + 8)) };
        std::println!("read {v} without faulting");
        std::process::exit(0);
    }
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args(["--exact", "tests::host_fault_is_chained_not_stolen", "--nocapture", "--test-threads=1"])
        .env("WASMLITE_RT_FAULT_CHILD", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.signal(), Some(libc::SIGSEGV), "child status {:?}", out.status);
}

#[test]
fn vmctx_type_ids_are_canonical() {
    let (_s, inst) = instance();
    let (_s2, inst2) = instance();
    let info = test_info();
    let l = VmLayout::for_module(&info);
    let id = |i: &Instance, t: u32| {
        // SAFETY: type_ids[t] lies inside the live VMContext.
        unsafe { *((i.vmctx() as *const u8).add(l.type_id(t) as usize) as *const u64) }
    };
    let fr = |i: &Instance, f: u32| {
        // SAFETY: funcs[f] lies inside the live VMContext.
        unsafe { (*((i.vmctx() as *const u8).add(l.funcref(f) as usize) as *const VMFuncRef)).type_id }
    };
    let n = info.types.len() as u32;
    for t in 0..n {
        assert_ne!(id(&inst, t), 0);
        assert_eq!(id(&inst, t), id(&inst2, t), "same type, same id in every instance");
        for u in 0..t {
            assert_ne!(id(&inst, t), id(&inst, u), "types {t} and {u} differ");
        }
    }
    // Every funcref (the host import included) carries the id of its function's type.
    for (f, &t) in info.funcs.iter().enumerate() {
        assert_eq!(fr(&inst, f as u32), id(&inst, t), "function {f}");
    }
}

#[test]
fn cross_store_import_and_borrowed_memory_are_rejected() {
    let (_s, inst) = instance();
    let module = {
        // SAFETY: a descriptor built by make_desc: valid pointers to test functions and info.
        unsafe { Module::from_static(make_desc(&test_info(), FLAG_EXPLICIT_BOUNDS_CHECKS)) }
    }
    .unwrap();
    // `inc` of the first instance is a function of another store.
    let e = Instance::new(&Store::new(), &module, &[inst.export("inc").unwrap(), g_import(3)], ()).unwrap_err();
    assert_eq!(e.to_string(), "import `env`.`inc`: the function belongs to a different store");
    // Wasm does not run while the embedder borrows a memory of the store.
    let Some(Extern::Func(add)) = inst.export("add") else { panic!() };
    let guard = inst.memory(0);
    let t = add.call(&[Val::I32(1), Val::I32(2)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Host);
    drop(guard);
    assert_eq!(add.call(&[Val::I32(1), Val::I32(2)]).unwrap(), vec![Val::I32(3)]);
}

/// Protection (`rwxp` column of /proc/self/maps) of the mapping containing `addr`.
#[cfg(target_os = "linux")]
fn protection_at(addr: usize) -> Option<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines().find_map(|l| {
        let mut it = l.split_whitespace();
        let (range, perms) = (it.next()?, it.next()?);
        let (a, b) = range.split_once('-')?;
        let (a, b) = (usize::from_str_radix(a, 16).ok()?, usize::from_str_radix(b, 16).ok()?);
        (a <= addr && addr < b).then(|| perms.to_string())
    })
}

/// Recycled guard reservations come back zeroed and with exactly the new size accessible.
#[cfg(target_os = "linux")]
#[test]
fn recycled_guard_memory_is_zeroed_and_resized() {
    if !GUARD_PAGES_AVAILABLE {
        return;
    }
    let ty = |min| MemoryType { min, max: None, memory64: false, shared: false, page_size_log2: 16 };
    // 1 page is zeroed in place (kept resident), 3 pages are given back with madvise.
    for (round, pages) in [1, 3, 1, 3, 2].into_iter().enumerate() {
        let mut big = Memory::new(ty(pages)).unwrap();
        assert!(big.is_guarded());
        big.data_mut().fill(0xAB);
        drop(big);
        let mut small = Memory::new(ty(1)).unwrap();
        assert!(small.data().iter().all(|&b| b == 0), "round {round}: recycled memory not zeroed");
        // SAFETY: vm_ptr points at the memory's live VMMemory.
        let base = unsafe { (*small.vm_ptr()).base } as usize;
        assert_eq!(protection_at(base).as_deref().map(|p| &p[..2]), Some("rw"));
        assert_eq!(protection_at(base + 65536).as_deref().map(|p| &p[..2]), Some("--"), "round {round}: page past the end accessible");
        small.grow(2).unwrap();
        assert_eq!(protection_at(base + 2 * 65536).as_deref().map(|p| &p[..2]), Some("rw"));
        assert!(small.data().iter().all(|&b| b == 0));
    }
}

/// `WasmParams::ARITY` sizes the slot slice of typed host entries: it must equal the number
/// of types of every tuple (a larger one would read past the caller's slots).
#[test]
fn wasm_params_arity_matches_types() {
    fn check<P: WasmParams>() {
        assert_eq!(P::ARITY, Some(P::types().len()), "{}", core::any::type_name::<P>());
    }
    check::<()>();
    check::<i32>();
    check::<f64>();
    check::<(i64,)>();
    check::<(i32, i64)>();
    check::<(i32, i64, f32, f64, i32, i32, i32, i32)>();
    check::<(i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32)>();
}

/// Traps raised by the signal handler unwind from the alternate signal stack: a store gives
/// its thread one of at least 64 KiB (a Rust thread starts with 8 KiB), and keeps a large one.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[test]
fn stores_give_their_thread_a_large_alternate_signal_stack() {
    fn alt_stack() -> libc::stack_t {
        // SAFETY: queries this thread's alternate signal stack into a zeroed stack_t.
        unsafe {
            let mut cur: libc::stack_t = core::mem::zeroed();
            assert_eq!(libc::sigaltstack(core::ptr::null(), &mut cur), 0);
            cur
        }
    }
    std::thread::spawn(|| {
        let before = alt_stack();
        let _store = Store::new();
        let after = alt_stack();
        assert_eq!(after.ss_flags & libc::SS_DISABLE, 0, "an alternate stack is installed");
        assert!(after.ss_size >= 64 << 10, "{} bytes", after.ss_size);
        if before.ss_flags & libc::SS_DISABLE == 0 && before.ss_size >= 64 << 10 {
            assert_eq!(after.ss_sp, before.ss_sp, "a large enough stack is kept");
        }
        // A second store on the thread keeps the stack the first one installed.
        let _again = Store::new();
        assert_eq!(alt_stack().ss_sp, after.ss_sp);
    })
    .join()
    .unwrap();
}

/// `Func::wrap` has a register entry exactly for register signatures (at most 4 numeric
/// parameters, at most one numeric result), and it runs the function like the array entry.
#[test]
fn register_entries_of_register_signatures() {
    use crate::host::FuncKind;
    fn reg(f: &Func) -> Option<HostRegFn> {
        match &f.0 {
            FuncKind::Host(h) => h.reg_entry(),
            FuncKind::Wasm { .. } => None,
        }
    }
    let four = Func::wrap(|_: &mut (), _: &mut Caller<'_>, (a, b, c, d): (i32, i64, f32, f64)| -> Result<f64, Trap> {
        Ok(a as f64 + b as f64 + c as f64 + d)
    });
    assert!(reg(&four).is_some());
    assert!(reg(&Func::wrap(|_: &mut (), _: &mut Caller<'_>, (): ()| -> Result<(), Trap> { Ok(()) })).is_some());
    assert!(reg(&Func::wrap(|_: &mut (), _: &mut Caller<'_>, x: u32| -> Result<(u64,), Trap> { Ok((x as u64,)) })).is_some());
    let five = |_: &mut (), _: &mut Caller<'_>, _: (i32, i32, i32, i32, i32)| -> Result<(), Trap> { Ok(()) };
    assert!(reg(&Func::wrap(five)).is_none());
    assert!(reg(&Func::wrap(|_: &mut (), _: &mut Caller<'_>, x: i32| -> Result<(i32, i32), Trap> { Ok((x, x)) })).is_none());
    assert!(reg(&Func::wrap(|_: &mut (), _: &mut Caller<'_>, x: u128| -> Result<u128, Trap> { Ok(x) })).is_none());
    let r = |_: &mut (), _: &mut Caller<'_>, x: Option<ExternRef>| -> Result<Option<ExternRef>, Trap> { Ok(x) };
    assert!(reg(&Func::wrap(r)).is_none());
    assert!(reg(&Func::new(ft(&[ValType::I32], &[]), |_, _, _| Ok(()))).is_none());
    // Parameter and result bits: an i32/f32 in the low half (the high half is ignored).
    assert_eq!(<(i32, f32)>::from_regs([0xdead_beef_ffff_fffe, 0x1234_5678_7fc0_0001, 0, 0]).0, -2);
    assert_eq!(<(i32, f32)>::from_regs([0, 0x1234_5678_7fc0_0001, 0, 0]).1.to_bits(), 0x7fc0_0001);
    assert_eq!((-2i32).to_reg(), 0xffff_fffe);
    assert_eq!(f32::from_bits(0xff80_0001).to_reg(), 0xff80_0001);
    assert_eq!((-1i64).to_reg(), u64::MAX);
    assert_eq!(<()>::result_reg(()), 0);
    assert_eq!((5u32,).result_reg(), 5);
}
