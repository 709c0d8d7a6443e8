//! Instantiation: import checks (types and stores), the VMContext (type ids, memories,
//! tables, globals, funcrefs), segment initialisation and the start function.

use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::any::{Any, TypeId};
use core::cell::{Cell, RefCell};
use core::ffi::c_void;
use core::mem::ManuallyDrop;

use crate::const_eval::eval_const;
use crate::abi::{
    self, DataMode, ElemMode, ExternType, GlobalLoc, ValRaw, ValType, VMContext, VMFuncRef, VMGlobal,
    VMStore, VmLayout,
};
use crate::global::SharedGlobal;
use crate::host::{Func, FuncKind, HostBinding};
use crate::instance::InstanceCore;
use crate::memory::{Memory, SharedMemory, GUARD_PAGES_AVAILABLE};
use crate::module::Module;
use crate::store::{Store, StoreState};
use crate::table::{SharedTable, Table};
use crate::trap::{Error, InstantiationError, Trap, TrapKind};
use crate::val::Val;

/// Something an import can be satisfied with / an export.
#[derive(Clone, Debug)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A memory.
    Memory(SharedMemory),
    /// A table.
    Table(SharedTable),
    /// A global.
    Global(SharedGlobal),
    /// An exception tag.
    Tag(crate::exceptions::Tag),
}

impl Extern {
    fn kind_name(&self) -> &'static str {
        match self {
            Extern::Func(_) => "function",
            Extern::Memory(_) => "memory",
            Extern::Table(_) => "table",
            Extern::Global(_) => "global",
            Extern::Tag(_) => "tag",
        }
    }
}

/// Resolve a module's imports by name (e.g. from a registry of exports). A missing import is
/// reported as "unknown import `module`.`name`".
pub fn resolve_imports(
    module: &Module,
    mut lookup: impl FnMut(&str, &str) -> Option<Extern>,
) -> Result<Vec<Extern>, InstantiationError> {
    module
        .info()
        .imports
        .iter()
        .map(|i| {
            lookup(&i.module, &i.name)
                .ok_or_else(|| InstantiationError::new(format!("unknown import `{}`.`{}`", i.module, i.name)))
        })
        .collect()
}

fn kind_of(t: &ExternType) -> &'static str {
    match t {
        ExternType::Func(_) => "function",
        ExternType::Table(_) => "table",
        ExternType::Memory(_) => "memory",
        ExternType::Global(_) => "global",
        ExternType::Tag(_) => "tag",
    }
}

/// Import matching of value types: `a <: b`. Concrete heap types of different modules are
/// not compared here (a typed function reference's type is checked by canonical id where it
/// is called), so any concrete type matches any concrete type of the same hierarchy.
fn ref_subtype(a: ValType, b: ValType) -> bool {
    use abi::HeapType as H;
    if !a.is_ref() || !b.is_ref() {
        return a == b;
    }
    if a.repr() != b.repr() || a.nullable() && !b.nullable() {
        return false;
    }
    let heap = |t: ValType| match t {
        ValType::FuncRef => H::Func,
        ValType::ExternRef => H::Extern,
        ValType::Ref(r) => r.heap,
        _ => H::Func,
    };
    matches!(
        (heap(a), heap(b)),
        (_, H::Func | H::Extern | H::Exn) | (H::NoFunc | H::NoExtern | H::NoExn, _) | (H::Concrete(_), H::Concrete(_))
    )
}

fn limits_ok(actual_min: u64, actual_max: Option<u64>, min: u64, max: Option<u64>) -> bool {
    actual_min >= min
        && match max {
            None => true,
            Some(m) => actual_max.is_some_and(|am| am <= m),
        }
}

fn global_ty_str(g: &abi::GlobalType) -> String {
    if g.mutable {
        format!("(global (mut {}))", g.ty)
    } else {
        format!("(global {})", g.ty)
    }
}

/// What linking the imports collects (and what it needs to check them); the defined memories,
/// tables and tags join it. One value, so that an error path drops one thing.
struct Linking<'a> {
    info: &'a abi::ModuleInfo,
    type_ids: &'a [u64],
    sid: u64,
    need_guard: bool,
    memories: Vec<SharedMemory>,
    tables: Vec<SharedTable>,
    imported_globals: Vec<SharedGlobal>,
    tags: Vec<crate::exceptions::Tag>,
    /// Boxed: funcrefs point at them (`array_ctx`), so they must not move as the `Vec` grows.
    #[allow(clippy::vec_box)]
    bindings: Vec<Box<HostBinding>>,
    import_owners: Vec<Rc<InstanceCore>>,
    func_imps: Vec<FuncImp>,
}

/// An imported function: a host function (its binding's index in `Linking::bindings`, its
/// canonical type id) or a wasm function (a copy of its funcref).
enum FuncImp {
    Host(usize, u64),
    Wasm(VMFuncRef),
}

/// An import's name in messages: `` `module`.`name` `` (formatted only when a message is).
#[derive(Clone, Copy)]
struct ImportName<'a>(&'a abi::Import);

impl core::fmt::Display for ImportName<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "`{}`.`{}`", self.0.module, self.0.name)
    }
}

/// The store a linked object belongs to (0: not yet linked) must be `sid`; an unlinked object
/// joins it.
fn bind(sid: u64, cur: &mut u64, what: ImportName<'_>, kind: &str) -> Result<(), Error> {
    if *cur != 0 && *cur != sid {
        return Err(InstantiationError::new(format!("import {what}: the {kind} belongs to a different store")).into());
    }
    *cur = sid;
    Ok(())
}

/// Part [`abi::instance_parts::IMPORTS`]: link import `what` of type `ty` (not a function)
/// to `ext`.
fn link_import(cx: &mut Linking<'_>, ty: &ExternType, ext: &Extern, what: ImportName<'_>) -> Result<(), Error> {
    match (ty, ext) {
        (ExternType::Memory(t), Extern::Memory(m)) => {
            let mut mb = m
                .0
                .try_borrow_mut()
                .map_err(|_| InstantiationError::new(format!("memory import {what}: the memory is borrowed")))?;
            let (cur, decl) = (mb.ty(), mb.declared_ty());
            if cur.memory64 != t.memory64
                || cur.shared != t.shared
                || cur.page_size_log2 != t.page_size_log2
                || !limits_ok(cur.min, decl.max, t.min, t.max)
            {
                return Err(InstantiationError::new(format!("memory import {what}: incompatible limits")).into());
            }
            if cx.need_guard && !t.memory64 && !mb.is_guarded() {
                return Err(InstantiationError::new(format!(
                    "memory import {what}: module needs guard-page memories (compiled without explicit bounds checks), the imported memory has none"
                ))
                .into());
            }
            bind(cx.sid, &mut mb.store, what, "memory")?;
            drop(mb);
            cx.memories.push(m.clone());
        }
        (ExternType::Table(t), Extern::Table(tb)) => {
            let mut b = tb
                .0
                .try_borrow_mut()
                .map_err(|_| InstantiationError::new(format!("table import {what}: the table is borrowed")))?;
            let cur = b.ty();
            let elem_ok = ref_subtype(cur.elem, t.elem) && ref_subtype(t.elem, cur.elem);
            if !elem_ok || cur.table64 != t.table64 || !limits_ok(cur.min, cur.max, t.min, t.max) {
                return Err(InstantiationError::new(format!("table import {what}: incompatible table type")).into());
            }
            bind(cx.sid, &mut b.store, what, "table")?;
            drop(b);
            cx.tables.push(tb.clone());
        }
        (ExternType::Global(t), Extern::Global(g)) => {
            let gt = g.ty();
            let ty_ok = if t.mutable {
                ref_subtype(gt.ty, t.ty) && ref_subtype(t.ty, gt.ty)
            } else {
                ref_subtype(gt.ty, t.ty)
            };
            if gt.mutable != t.mutable || !ty_ok {
                return Err(InstantiationError::new(format!(
                    "global import {what}: expected {}, got {}",
                    global_ty_str(t),
                    global_ty_str(&g.ty())
                ))
                .into());
            }
            let mut gs = g.store.get();
            bind(cx.sid, &mut gs, what, "global")?;
            g.store.set(gs);
            cx.imported_globals.push(g.clone());
        }
        (ExternType::Tag(t), Extern::Tag(tag)) => {
            if tag.type_id() != cx.type_ids[*t as usize] {
                return Err(InstantiationError::new(format!(
                    "tag import {what}: incompatible tag type: expected {}, got {}",
                    cx.info.types[*t as usize],
                    tag.ty()
                ))
                .into());
            }
            cx.tags.push(tag.clone());
        }
        (t, e) => return Err(kind_mismatch(what, t, e)),
    }
    Ok(())
}

/// Import `what` of type `t` was given an extern of another kind.
fn kind_mismatch(what: ImportName<'_>, t: &ExternType, e: &Extern) -> Error {
    InstantiationError::new(format!("import {what}: expected a {}, got a {}", kind_of(t), e.kind_name())).into()
}

/// The optional parts of instantiation ([`abi::instance_parts`]), one function each. A module
/// made by `include_wasm!` holds only those it needs ([`select`], like the builtins), so the
/// linker drops the others; a module loaded at run time holds all ([`InstanceParts::ALL`]).
/// Instantiating a module that needs a part it lacks is an [`InstantiationError`].
#[doc(hidden)]
pub struct InstanceParts {
    link_import: Option<LinkImport>,
    shared_memory: Option<fn(abi::MemoryType) -> Result<Memory, InstantiationError>>,
    define_tables: Option<DefineTables>,
    init_tables: Option<InitTables>,
    exceptions: Option<&'static crate::exceptions::ExnOps>,
}

/// [`link_import`].
type LinkImport = fn(&mut Linking<'_>, &ExternType, &Extern, ImportName<'_>) -> Result<(), Error>;
/// [`define_tables`].
type DefineTables = fn(&abi::ModuleInfo, &StoreState, &mut Vec<SharedTable>) -> Result<(), Error>;
/// [`init_tables`].
type InitTables = fn(&InstanceCore, ConstGlobals<'_>, ConstFuncs<'_>) -> Result<(), Error>;
/// The values of globals that constant expressions may read.
type ConstGlobals<'a> = &'a dyn Fn(u32) -> Option<ValRaw>;
/// The funcrefs of functions that constant expressions may take.
type ConstFuncs<'a> = &'a dyn Fn(u32) -> Option<*mut c_void>;

impl InstanceParts {
    /// Every part.
    pub const ALL: InstanceParts = select(abi::instance_parts::ALL);
}

/// The parts of `set` (an [`abi::instance_parts`] mask, `instance_parts::used` of the module).
pub const fn select(set: u32) -> InstanceParts {
    use abi::instance_parts::{EXCEPTIONS, IMPORTS, SHARED_MEMORY, TABLES};
    InstanceParts {
        link_import: if set & IMPORTS != 0 { Some(link_import) } else { None },
        shared_memory: if set & SHARED_MEMORY != 0 { Some(new_shared_memory) } else { None },
        define_tables: if set & TABLES != 0 { Some(define_tables) } else { None },
        init_tables: if set & TABLES != 0 { Some(init_tables) } else { None },
        exceptions: if set & EXCEPTIONS != 0 { Some(&crate::exceptions::EXN_OPS) } else { None },
    }
}

fn missing_part(part: &str) -> InstantiationError {
    InstantiationError::new(format!(
        "internal error: the module needs instantiation part `{part}`, which is not linked into its bindings (wasmlite_rt::select_instance_parts)"
    ))
}

/// Part [`abi::instance_parts::SHARED_MEMORY`]: a shared memory of type `ty`, with
/// thread-shareable storage (see `ThreadSharedMemory`).
fn new_shared_memory(ty: abi::MemoryType) -> Result<Memory, InstantiationError> {
    Ok(crate::shared::ThreadSharedMemory::new(ty)?.attach_memory())
}

/// Part [`abi::instance_parts::TABLES`]: the defined tables of `info` (after the imported
/// `tables`), then every table registered with the store.
fn define_tables(info: &abi::ModuleInfo, state: &StoreState, tables: &mut Vec<SharedTable>) -> Result<(), Error> {
    for ty in &info.tables[info.num_imported_tables as usize..] {
        let init = if ty.elem.repr() == ValType::FuncRef { Val::FuncRef(None) } else { Val::ExternRef(None) };
        let mut t = Table::new(*ty, init)?;
        t.store = state.id;
        tables.push(SharedTable::new(t));
    }
    for t in tables.iter() {
        state.add_table(t);
    }
    Ok(())
}

/// Part [`abi::instance_parts::TABLES`]: table initialisers (of defined tables, filled
/// before element segments are applied), then the element segments: all evaluated, then the
/// active ones applied in order.
fn init_tables(core: &InstanceCore, get_global: ConstGlobals<'_>, func_of: ConstFuncs<'_>) -> Result<(), Error> {
    let info = core.module.info();
    for (table, expr) in info.table_inits.iter() {
        let v = eval_const(expr, get_global, func_of)?.get_ptr();
        let size = core.tables.get(*table as usize).and_then(|t| t.0.try_borrow().ok().map(|t| t.size())).unwrap_or(0);
        let c = crate::builtins::table_fill_impl(core, *table, 0, v, size);
        if c != 0 {
            return Err(Trap::with_message(TrapKind::from_code(c).unwrap_or(TrapKind::Host), format!("table {table} initialiser")).into());
        }
    }
    let mut evaluated = Vec::with_capacity(info.elems.len());
    for seg in info.elems.iter() {
        let mut items = Vec::with_capacity(seg.items.len());
        for e in seg.items.iter() {
            items.push(eval_const(e, get_global, func_of)?.get_ptr());
        }
        evaluated.push(items);
    }
    *core.elems.borrow_mut() = evaluated;
    for (i, seg) in info.elems.iter().enumerate() {
        match &seg.mode {
            ElemMode::Active { table, offset } => {
                let v = eval_const(offset, get_global, func_of)?;
                let table64 = info.tables.get(*table as usize).is_some_and(|t| t.table64);
                let off = if table64 { v.get_i64() as u64 } else { v.get_i32() as u32 as u64 };
                let len = core.elems.borrow()[i].len() as u32;
                let c = crate::builtins::table_init_impl(core, *table, i as u32, off, 0, len);
                crate::builtins::elem_drop_impl(core, i as u32);
                if c != 0 {
                    return Err(Trap::with_message(TrapKind::TableOutOfBounds, format!("element segment {i} does not fit")).into());
                }
            }
            ElemMode::Declared => crate::builtins::elem_drop_impl(core, i as u32),
            ElemMode::Passive => {}
        }
    }
    Ok(())
}

/// Instantiate `module` in `store`. `host` owns the host value cell `RefCell<H>` that
/// `host_ptr` points to.
pub(crate) fn instantiate(
    store: &Store,
    module: &Module,
    imports: &[Extern],
    host: Box<dyn Any>,
    host_ptr: *const (),
    host_type: TypeId,
    host_type_name: &'static str,
) -> Result<Rc<InstanceCore>, Error> {
    let info = module.info();
    let desc = module.desc();
    // Code compiled without explicit bounds checks relies on guard pages for its 32-bit
    // memories; 64-bit memories are always checked explicitly (codegen) and live on the heap.
    let need_guard = !module.explicit_bounds_checks();
    if need_guard && !GUARD_PAGES_AVAILABLE && info.memories.iter().any(|m| !m.memory64) {
        return Err(InstantiationError::new(
            "module needs guard-page memories (compiled without explicit bounds checks), not available without the `std` feature",
        )
        .into());
    }
    if imports.len() != info.imports.len() {
        return Err(InstantiationError::new(format!("expected {} imports, got {}", info.imports.len(), imports.len())).into());
    }
    if !cfg!(feature = "std") && !info.tags.is_empty() {
        return Err(InstantiationError::new(
            "module uses exception handling (tags), which needs wasmlite-rt's `std` feature (the unwinder)",
        )
        .into());
    }
    let layout = VmLayout::for_module(info);
    let state = Rc::clone(&store.0.state);
    if let Some(ops) = module.0.parts.exceptions {
        state.exn_ops.set(Some(ops));
    }

    // Check imports and collect the pieces.
    let sid = state.id;
    let type_ids = &module.0.type_ids;
    let mut linking = Linking {
        info,
        type_ids,
        sid,
        need_guard,
        memories: Vec::new(),
        tables: Vec::new(),
        imported_globals: Vec::new(),
        tags: Vec::new(),
        bindings: Vec::new(),
        import_owners: Vec::new(),
        func_imps: Vec::new(),
    };

    for (imp, ext) in info.imports.iter().zip(imports) {
        let what = ImportName(imp);
        match (&imp.ty, ext) {
            (ExternType::Func(t), Extern::Func(f)) => {
                let want = &info.types[*t as usize];
                // A wasm function is matched by canonical type id (its type may refer to
                // types of its own module by index), a host function by its type.
                let same = match &f.0 {
                    // SAFETY: funcref points into the owner's live VMContext.
                    FuncKind::Wasm { funcref, .. } => (unsafe { (**funcref).type_id }) == type_ids[*t as usize],
                    FuncKind::Host(_) => f.ty() == want,
                };
                if !same {
                    return Err(InstantiationError::new(format!("import {what}: expected {want}, got {}", f.ty())).into());
                }
                match &f.0 {
                    FuncKind::Host(h) => {
                        h.bind_check(host_type, host_type_name)
                            .map_err(|m| InstantiationError::new(format!("import {what}: {m}")))?;
                        linking.bindings.push(Box::new(HostBinding::new(h.clone(), host_ptr, state.clone())));
                        linking.func_imps.push(FuncImp::Host(linking.bindings.len() - 1, type_ids[*t as usize]));
                    }
                    FuncKind::Wasm { funcref, owner, store: fstore, .. } => {
                        if fstore.id() != sid {
                            return Err(InstantiationError::new(format!(
                                "import {what}: the function belongs to a different store"
                            ))
                            .into());
                        }
                        // SAFETY: funcref points into the owner's live VMContext.
                        linking.func_imps.push(FuncImp::Wasm(unsafe { **funcref }));
                        linking.import_owners.push(owner.clone());
                    }
                }
            }
            (t @ ExternType::Func(_), e) => return Err(kind_mismatch(what, t, e)),
            (t, e) => {
                let link = module.0.parts.link_import.ok_or_else(|| missing_part("imports"))?;
                link(&mut linking, t, e, what)?;
            }
        }
    }

    // Defined tags: new identities.
    for &t in &info.tags[info.num_imported_tags as usize..] {
        linking.tags.push(crate::exceptions::Tag::with_type(type_ids[t as usize], info.types[t as usize].clone()));
    }

    // Defined memories and tables.
    for ty in &info.memories[info.num_imported_memories as usize..] {
        // A shared memory gets thread-shareable storage (see `ThreadSharedMemory`).
        let mut m = if ty.shared {
            let new_shared = module.0.parts.shared_memory.ok_or_else(|| missing_part("shared memory"))?;
            new_shared(*ty)?
        } else {
            Memory::new(*ty)?
        };
        m.store = sid;
        linking.memories.push(SharedMemory::new(m));
    }
    for m in &linking.memories {
        state.add_memory(m);
    }
    if !info.tables.is_empty() {
        let define = module.0.parts.define_tables.ok_or_else(|| missing_part("tables"))?;
        define(info, &state, &mut linking.tables)?;
    }
    // Plain loops: a `collect` into `Result<Vec<_>, _>` links two iterator adapters per use.
    let mut mem_vm = Vec::with_capacity(linking.memories.len());
    for m in &linking.memories {
        mem_vm.push(m.try_borrow_mut()?.0.vm_ptr());
    }
    let mut table_vm = Vec::with_capacity(linking.tables.len());
    for t in &linking.tables {
        table_vm.push(t.try_borrow_mut()?.0.vm_ptr());
    }

    // Allocate the VMContext.
    let vmctx_layout = core::alloc::Layout::from_size_align(layout.size.max(16) as usize, 16)
        .map_err(|_| InstantiationError::new("VMContext too large"))?;
    // SAFETY: non-zero size layout.
    let vmctx = unsafe { alloc::alloc::alloc_zeroed(vmctx_layout) } as *mut VMContext;
    if vmctx.is_null() {
        return Err(InstantiationError::new("out of memory allocating the VMContext").into());
    }
    let base = vmctx as *mut u8;
    // SAFETY: (whole block) all writes are at VmLayout offsets inside the fresh allocation.
    unsafe {
        *(base.add(abi::VMCTX_STORE as usize) as *mut *mut VMStore) = state.vm.get();
        *(base.add(abi::VMCTX_BUILTINS as usize) as *mut *const abi::Builtins) = module.0.builtins;
        for (i, m) in mem_vm.iter().enumerate() {
            *(base.add(layout.memory(i as u32) as usize) as *mut *mut abi::VMMemory) = *m;
        }
        for (i, t) in table_vm.iter().enumerate() {
            *(base.add(layout.table(i as u32) as usize) as *mut *mut abi::VMTable) = *t;
        }
        for (t, id) in type_ids.iter().enumerate() {
            *(base.add(layout.type_id(t as u32) as usize) as *mut u64) = *id;
        }
        for (i, t) in linking.tags.iter().enumerate() {
            *(base.add(layout.tag_id(i as u32) as usize) as *mut u64) = t.id();
        }
        for (i, g) in linking.imported_globals.iter().enumerate() {
            if let GlobalLoc::Imported(off) = layout.global(i as u32) {
                *(base.add(off as usize) as *mut *mut VMGlobal) = g.vm_ptr();
            }
        }
        // Functions.
        let nimp = info.num_imported_funcs as usize;
        for (i, fi) in linking.func_imps.iter().enumerate() {
            let slot = base.add(layout.funcref(i as u32) as usize) as *mut VMFuncRef;
            *slot = match fi {
                FuncImp::Host(b, sig) => VMFuncRef {
                    native: *desc.import_stubs.add(i),
                    vmctx,
                    array: Some(linking.bindings[*b].func.entry),
                    array_ctx: &*linking.bindings[*b] as *const HostBinding as *mut c_void,
                    type_id: *sig,
                    host: linking.bindings[*b].func.reg_entry(),
                },
                FuncImp::Wasm(f) => *f,
            };
        }
        for j in 0..desc.num_funcs {
            let idx = nimp + j;
            let e = *desc.funcs.add(j);
            let sig = type_ids[info.funcs[idx] as usize];
            let slot = base.add(layout.funcref(idx as u32) as usize) as *mut VMFuncRef;
            *slot = VMFuncRef { native: e.native, vmctx, array: Some(e.array), array_ctx: vmctx as *mut c_void, type_id: sig, host: None };
        }
    }

    let core = Rc::new(InstanceCore {
        entry: if cfg!(feature = "std") { desc.enter } else { desc.sjlj_entry },
        module: ManuallyDrop::new(module.clone()),
        store: ManuallyDrop::new(state),
        vmctx,
        funcs: vmctx.cast::<u8>().wrapping_add(layout.funcref(0) as usize).cast(),
        vmctx_layout,
        layout,
        memories: ManuallyDrop::new(linking.memories),
        tables: ManuallyDrop::new(linking.tables),
        imported_globals: ManuallyDrop::new(linking.imported_globals),
        tags: ManuallyDrop::new(linking.tags),
        _bindings: ManuallyDrop::new(linking.bindings),
        _import_owners: ManuallyDrop::new(linking.import_owners),
        elems: ManuallyDrop::new(RefCell::new(Vec::new())),
        data_dropped: ManuallyDrop::new(info.datas.iter().map(|_| Cell::new(false)).collect()),
        _host: ManuallyDrop::new(host),
        host_ptr,
    });
    // SAFETY: back-pointer to the core, which owns (and outlives) the VMContext.
    unsafe { *(base.add(abi::VMCTX_INSTANCE as usize) as *mut *const InstanceCore) = Rc::as_ptr(&core) };
    store.0.keep.borrow_mut().push(core.clone());

    // Globals.
    let funcs_len = info.funcs.len() as u32;
    let func_of = |i: u32| (i < funcs_len).then(|| core.funcref_ptr(i) as *mut c_void);
    for (k, expr) in info.global_inits.iter().enumerate() {
        let gi = info.num_imported_globals + k as u32;
        let get = |i: u32| {
            // SAFETY: earlier globals are initialised (validation only allows those).
            (i < gi).then(|| unsafe { (*core.global_ptr(i)).value })
        };
        let v = eval_const(expr, &get, &func_of)?;
        // SAFETY: defined global slot inside the VMContext.
        unsafe { (*core.global_ptr(gi)).value = v };
    }
    let nglobals = info.globals.len() as u32;
    // SAFETY: all globals initialised now.
    let get_global = |i: u32| (i < nglobals).then(|| unsafe { (*core.global_ptr(i)).value });

    if !info.table_inits.is_empty() || !info.elems.is_empty() {
        let init = module.0.parts.init_tables.ok_or_else(|| missing_part("tables"))?;
        init(&core, &get_global, &func_of)?;
    }
    for (i, seg) in info.datas.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &seg.mode {
            let v = eval_const(offset, &get_global, &func_of)?;
            let mem64 = info.memories.get(*memory as usize).is_some_and(|m| m.memory64);
            let off = if mem64 { v.get_i64() as u64 } else { v.get_i32() as u32 as u64 };
            let c = crate::builtins::memory_init_impl(&core, *memory, i as u32, off, 0, seg.bytes.len() as u64);
            core.data_dropped[i].set(true);
            if c != 0 {
                return Err(Trap::with_message(TrapKind::MemoryOutOfBounds, format!("data segment {i} does not fit")).into());
            }
        }
    }
    if let Some(s) = info.start {
        let mut slots = [ValRaw::default()];
        core.call_func(s, &mut slots)?;
    }
    Ok(core)
}
