//! Instances, stores and the call path into wasm (runtime core; unsafe).

use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::{Any, TypeId};
use core::cell::{Cell, RefCell, UnsafeCell};
use core::ffi::c_void;
use core::marker::PhantomData;

use crate::abi::{
    self, signature_hash, ConstExpr, ConstOp, DataMode, ElemMode, ExportKind, ExternType, FuncType, GlobalLoc,
    ValRaw, ValType, VMContext, VMFuncRef, VMGlobal, VMStore, VmLayout,
};
use crate::global::SharedGlobal;
use crate::host::{host_trampoline, Func, FuncKind, HostBinding};
use crate::memory::{Memory, SharedMemory, GUARD_PAGES_AVAILABLE};
use crate::module::Module;
use crate::table::{SharedTable, Table};
use crate::trap::{Error, InstantiationError, Trap, TrapKind};
use crate::val::{Val, WasmParams, WasmResults};

/// Default maximum wasm stack per outermost call (1 MiB).
pub const DEFAULT_MAX_WASM_STACK: usize = 1 << 20;
/// Stack kept free for host code below the wasm stack limit.
pub const HOST_STACK_RESERVE: usize = 128 << 10;

/// The `VMStore` in an allocation that an [`InterruptHandle`] can keep alive.
pub(crate) struct VMStoreCell(UnsafeCell<VMStore>);
// SAFETY: other threads only touch the `interrupt` word, atomically (InterruptHandle).
unsafe impl Sync for VMStoreCell {}
// SAFETY: as above.
unsafe impl Send for VMStoreCell {}

impl VMStoreCell {
    fn get(&self) -> *mut VMStore {
        self.0.get()
    }
}

/// State shared by all instances of a store.
pub(crate) struct StoreState {
    pub(crate) vm: Arc<VMStoreCell>,
    /// The Trap a host function returned (code `trap::HOST`).
    pub(crate) pending: RefCell<Option<Trap>>,
    max_wasm_stack: Cell<usize>,
}

struct StoreInner {
    state: Rc<StoreState>,
    /// Keeps every instance's VMContext alive while the store lives: table elements and
    /// imported functions may point into any of them (also into failed instantiations).
    keep: RefCell<Vec<Rc<InstanceCore>>>,
}

/// A store: shared trap/interrupt state for a group of instances that may call each other.
/// Instances' VMContexts live at least as long as the store. Cheap to clone.
#[derive(Clone)]
pub struct Store(Rc<StoreInner>);

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

impl core::fmt::Debug for Store {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store").field("instances", &self.0.keep.borrow().len()).finish()
    }
}

impl Store {
    /// A new store.
    pub fn new() -> Store {
        let vm = VMStore {
            jmp_buf: core::ptr::null_mut(),
            trap_code: 0,
            trap_func: abi::UNKNOWN_FUNC,
            stack_limit: 0,
            interrupt: 0,
            _pad: 0,
        };
        Store(Rc::new(StoreInner {
            state: Rc::new(StoreState {
                vm: Arc::new(VMStoreCell(UnsafeCell::new(vm))),
                pending: RefCell::new(None),
                max_wasm_stack: Cell::new(DEFAULT_MAX_WASM_STACK),
            }),
            keep: RefCell::new(Vec::new()),
        }))
    }

    /// Set the maximum stack wasm code may use per outermost call (default 1 MiB).
    pub fn set_max_wasm_stack(&self, bytes: usize) {
        self.0.state.max_wasm_stack.set(bytes);
    }

    /// A handle that can interrupt wasm running in this store from any thread.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(self.0.state.vm.clone())
    }

    /// Pointer to the store's `VMStore`.
    pub fn vm_store(&self) -> *mut VMStore {
        self.0.state.vm.get()
    }
}

/// Interrupts wasm code running in a store (checked at function entries and loop headers);
/// the running call returns a [`TrapKind::Interrupted`] trap.
#[derive(Clone)]
pub struct InterruptHandle(Arc<VMStoreCell>);

impl core::fmt::Debug for InterruptHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("InterruptHandle")
    }
}

impl InterruptHandle {
    /// Request an interrupt.
    pub fn interrupt(&self) {
        // SAFETY: the word is a properly aligned u32 inside a live allocation; all concurrent
        // accesses from the runtime go through atomics.
        unsafe {
            let p = core::ptr::addr_of_mut!((*self.0.get()).interrupt);
            core::sync::atomic::AtomicU32::from_ptr(p).store(1, core::sync::atomic::Ordering::SeqCst);
        }
    }
}

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
}

impl Extern {
    fn kind_name(&self) -> &'static str {
        match self {
            Extern::Func(_) => "function",
            Extern::Memory(_) => "memory",
            Extern::Table(_) => "table",
            Extern::Global(_) => "global",
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

/// The non-generic core of an instance. Its address is stored in the VMContext.
pub(crate) struct InstanceCore {
    pub(crate) module: Module,
    pub(crate) store: Rc<StoreState>,
    vmctx: *mut VMContext,
    vmctx_layout: core::alloc::Layout,
    pub(crate) layout: VmLayout,
    pub(crate) memories: Vec<SharedMemory>,
    pub(crate) tables: Vec<SharedTable>,
    imported_globals: Vec<SharedGlobal>,
    /// Boxed: `VMFuncRef::array_ctx` points at each binding, so addresses must be stable.
    #[allow(clippy::vec_box)]
    _bindings: Vec<Box<HostBinding>>,
    _import_owners: Vec<Rc<InstanceCore>>,
    /// Evaluated element segments (emptied by elem.drop).
    pub(crate) elems: RefCell<Vec<Vec<*mut c_void>>>,
    /// Dropped data segments.
    pub(crate) data_dropped: Vec<Cell<bool>>,
    /// Owns the instance's host value `H` (freed with the core).
    _host: UnsafeCell<Option<Box<dyn Any>>>,
    host_ptr: *mut (),
}

impl Drop for InstanceCore {
    fn drop(&mut self) {
        // SAFETY: allocated in `instantiate` with this layout.
        unsafe { alloc::alloc::dealloc(self.vmctx as *mut u8, self.vmctx_layout) };
    }
}

fn kind_of(t: &ExternType) -> &'static str {
    match t {
        ExternType::Func(_) => "function",
        ExternType::Table(_) => "table",
        ExternType::Memory(_) => "memory",
        ExternType::Global(_) => "global",
    }
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

/// Evaluate a constant expression. `global(i)` yields global i's value, `func(i)` the
/// `*const VMFuncRef` of function i.
pub(crate) fn eval_const(
    expr: &ConstExpr,
    global: &dyn Fn(u32) -> Option<ValRaw>,
    func: &dyn Fn(u32) -> Option<*mut c_void>,
) -> Result<ValRaw, InstantiationError> {
    let err = |m: &str| InstantiationError::new(format!("constant expression: {m}"));
    let mut stack: Vec<ValRaw> = Vec::with_capacity(4);
    for op in &expr.0 {
        let v = match *op {
            ConstOp::I32Const(v) => ValRaw::i32(v),
            ConstOp::I64Const(v) => ValRaw::i64(v),
            ConstOp::F32Const(v) => ValRaw::f32(v),
            ConstOp::F64Const(v) => ValRaw::f64(v),
            ConstOp::V128Const(v) => ValRaw::v128(v),
            ConstOp::RefNull(_) => ValRaw::ptr(core::ptr::null_mut()),
            ConstOp::RefFunc(i) => ValRaw::ptr(func(i).ok_or_else(|| err("ref.func index out of range"))?),
            ConstOp::GlobalGet(i) => global(i).ok_or_else(|| err("global.get index out of range"))?,
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul | ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let (b, a) = match (stack.pop(), stack.pop()) {
                    (Some(b), Some(a)) => (b, a),
                    _ => return Err(err("stack underflow")),
                };
                match *op {
                    ConstOp::I32Add => ValRaw::i32(a.get_i32().wrapping_add(b.get_i32())),
                    ConstOp::I32Sub => ValRaw::i32(a.get_i32().wrapping_sub(b.get_i32())),
                    ConstOp::I32Mul => ValRaw::i32(a.get_i32().wrapping_mul(b.get_i32())),
                    ConstOp::I64Add => ValRaw::i64(a.get_i64().wrapping_add(b.get_i64())),
                    ConstOp::I64Sub => ValRaw::i64(a.get_i64().wrapping_sub(b.get_i64())),
                    _ => ValRaw::i64(a.get_i64().wrapping_mul(b.get_i64())),
                }
            }
        };
        stack.push(v);
    }
    if stack.len() != 1 {
        return Err(err("expression must leave exactly one value"));
    }
    Ok(stack[0])
}

/// Per-thread (std) / per-store (no_std) setup around an outermost call into wasm.
struct CallGuard {
    vm: *mut VMStore,
    clear_limit: bool,
    #[cfg(feature = "std")]
    prev: crate::signals::WasmCallState,
}

impl CallGuard {
    /// # Safety
    /// `vm` must be a live VMStore, `vmctx` a live VMContext of a module with descriptor `desc`.
    unsafe fn enter(vm: *mut VMStore, max_stack: usize, vmctx: *mut VMContext, desc: &abi::ModuleDescriptor) -> CallGuard {
        let _ = (vmctx, desc);
        // SAFETY: vm is live and only accessed from this thread (besides the atomic interrupt).
        let clear_limit = unsafe { (*vm).stack_limit == 0 };
        if clear_limit {
            let marker = 0u8;
            let sp = core::ptr::addr_of!(marker) as usize;
            #[allow(unused_mut)]
            let mut limit = sp.saturating_sub(max_stack);
            #[cfg(feature = "std")]
            {
                let low = crate::signals::thread_stack_low();
                if low != 0 {
                    limit = limit.max(low + HOST_STACK_RESERVE).min(sp);
                }
            }
            // SAFETY: as above.
            unsafe { (*vm).stack_limit = limit.max(1) };
        }
        CallGuard {
            vm,
            clear_limit,
            #[cfg(feature = "std")]
            prev: crate::signals::enter_wasm(vmctx, desc.raise_trap),
        }
    }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        #[cfg(feature = "std")]
        crate::signals::leave_wasm(self.prev);
        if self.clear_limit {
            // SAFETY: vm outlives the guard (owned by the caller's StoreState).
            unsafe { (*self.vm).stack_limit = 0 };
        }
    }
}

impl InstanceCore {
    fn at<T>(&self, off: u32) -> *mut T {
        // SAFETY: offsets come from VmLayout and lie inside the allocation.
        unsafe { (self.vmctx as *mut u8).add(off as usize) as *mut T }
    }

    pub(crate) fn funcref_ptr(&self, index: u32) -> *mut VMFuncRef {
        self.at(self.layout.funcref(index))
    }

    pub(crate) fn global_ptr(&self, index: u32) -> *mut VMGlobal {
        match self.layout.global(index) {
            // SAFETY: imported slots hold live global pointers (kept by imported_globals).
            GlobalLoc::Imported(off) => unsafe { *self.at::<*mut VMGlobal>(off) },
            GlobalLoc::Defined(off) => self.at(off),
        }
    }

    /// Call a funcref (any store-compatible function) with type `ty`.
    pub(crate) fn call_funcref(&self, funcref: *const VMFuncRef, ty: &FuncType, args: &[Val]) -> Result<Vec<Val>, Trap> {
        crate::host::check_args(ty, args)?;
        let n = ty.params.len().max(ty.results.len()).max(1);
        let mut slots: Vec<ValRaw> = alloc::vec![ValRaw::default(); n];
        for (s, a) in slots.iter_mut().zip(args) {
            *s = a.to_raw();
        }
        self.call_raw(funcref, &mut slots)?;
        // SAFETY: on success the callee wrote values of the result types.
        Ok(ty.results.iter().zip(&slots).map(|(t, s)| unsafe { Val::from_raw(*s, *t) }).collect())
    }

    /// Call through the array entry; `slots` must hold max(params, results) values.
    pub(crate) fn call_raw(&self, funcref: *const VMFuncRef, slots: &mut [ValRaw]) -> Result<(), Trap> {
        // SAFETY: funcref points into a live VMContext (kept by the store) or a binding.
        let f = unsafe { *funcref };
        let array = f.array.ok_or_else(|| Trap::new(TrapKind::IndirectCallToNull))?;
        let vm = self.store.vm.get();
        let code = {
            // SAFETY: vm and vmctx are live; desc is valid per the Module contract.
            let _guard = unsafe { CallGuard::enter(vm, self.store.max_wasm_stack.get(), self.vmctx, self.module.desc()) };
            // SAFETY: calling the array entry with its ctx, no caller vmctx, and enough slots.
            unsafe { array(f.array_ctx, core::ptr::null_mut(), slots.as_mut_ptr()) }
        };
        if code == abi::trap::NONE {
            return Ok(());
        }
        Err(self.take_trap(code))
    }

    fn take_trap(&self, code: u32) -> Trap {
        let vm = self.store.vm.get();
        // SAFETY: vm is live; no wasm is running on this store right now in this frame.
        let func = unsafe {
            let f = (*vm).trap_func;
            (*vm).trap_code = 0;
            (*vm).trap_func = abi::UNKNOWN_FUNC;
            f
        };
        #[cfg(feature = "std")]
        let fault_pc = crate::signals::take_fault_pc();
        #[allow(unused_mut)]
        let mut func = (func != abi::UNKNOWN_FUNC).then_some(func);
        #[cfg(feature = "std")]
        if func.is_none() && fault_pc != 0 {
            func = self.func_at_pc(fault_pc);
        }
        let trap = match code {
            abi::trap::HOST => {
                self.store.pending.borrow_mut().take().unwrap_or_else(|| Trap::host("host function failed"))
            }
            abi::trap::INTERRUPTED => {
                // SAFETY: atomic clear of the interrupt word.
                unsafe {
                    let p = core::ptr::addr_of_mut!((*vm).interrupt);
                    core::sync::atomic::AtomicU32::from_ptr(p).store(0, core::sync::atomic::Ordering::SeqCst);
                }
                Trap::new(TrapKind::Interrupted)
            }
            c => match TrapKind::from_code(c) {
                Some(k) => Trap::new(k),
                None => Trap::host(format!("unknown trap code {c}")),
            },
        };
        match (func, trap.func_index()) {
            (Some(i), None) => {
                let name = self.module.info().func_name(i);
                trap.with_func(i, name)
            }
            _ => trap,
        }
    }

    /// The defined function of this module containing `pc` (descriptor funcs are in address order).
    #[cfg(feature = "std")]
    fn func_at_pc(&self, pc: usize) -> Option<u32> {
        let d = self.module.desc();
        if !(d.code_start as usize <= pc && pc < d.code_end as usize) || d.num_funcs == 0 {
            return None;
        }
        // SAFETY: the descriptor holds num_funcs entries and num_import_stubs stubs.
        let (funcs, stubs) = unsafe {
            (
                core::slice::from_raw_parts(d.funcs, d.num_funcs),
                core::slice::from_raw_parts(d.import_stubs, d.num_import_stubs),
            )
        };
        // The closest entry point at or below pc: a native entry or an array entry (which
        // may have the native body inlined) of function i, or something else (stubs,
        // raise_trap) → unknown.
        let mut best: Option<(Option<usize>, usize)> = None;
        let mut consider = |who: Option<usize>, a: usize| {
            if a <= pc && best.is_none_or(|(_, b)| a >= b) {
                best = Some((who, a));
            }
        };
        for (i, f) in funcs.iter().enumerate() {
            consider(Some(i), f.native as usize);
            consider(Some(i), f.array as usize);
        }
        for s in stubs {
            consider(None, *s as usize);
        }
        consider(None, d.raise_trap as usize);
        let (who, _) = best?;
        who.map(|i| self.module.info().num_imported_funcs + i as u32)
    }
}

/// An instance of a module, with a host value `H` that typed host functions receive.
pub struct Instance<H: 'static = ()> {
    core: Rc<InstanceCore>,
    _h: PhantomData<H>,
}

impl<H: 'static> core::fmt::Debug for Instance<H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Instance").field("module", &self.core.module).finish()
    }
}

impl<H: 'static> Instance<H> {
    /// Instantiate `module` with positional `imports` (see the crate docs for the order of
    /// initialisation and the import type checks).
    pub fn new(store: &Store, module: &Module, imports: &[Extern], host: H) -> Result<Instance<H>, Error> {
        let core = instantiate(store, module, imports, Box::new(host), TypeId::of::<H>(), core::any::type_name::<H>())?;
        Ok(Instance { core, _h: PhantomData })
    }

    /// The host value.
    pub fn host(&self) -> &H {
        // SAFETY: host_ptr points to the boxed H (type fixed by construction); no &mut H is
        // alive because calls need `&mut self`.
        unsafe { &*(self.core.host_ptr as *const H) }
    }

    /// The host value, mutable.
    pub fn host_mut(&mut self) -> &mut H {
        // SAFETY: as above, and `&mut self` excludes other Rust borrows through this handle.
        unsafe { &mut *(self.core.host_ptr as *mut H) }
    }

    /// The module.
    pub fn module(&self) -> &Module {
        &self.core.module
    }

    /// The VMContext (for tests and low-level embedders).
    pub fn vmctx(&self) -> *mut VMContext {
        self.core.vmctx
    }

    /// An export by name.
    pub fn export(&self, name: &str) -> Option<Extern> {
        let e = self.core.module.info().export(name)?;
        export_of(&self.core, e.kind, e.index)
    }

    /// Call function `func_index` with dynamic values.
    pub fn call(&mut self, func_index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let core = &self.core;
        let ty = core
            .module
            .info()
            .func_type(func_index)
            .ok_or_else(|| Trap::with_message(TrapKind::BadSignature, format!("no function with index {func_index}")))?;
        core.call_funcref(core.funcref_ptr(func_index), ty, args)
    }

    fn func_type(&self, func_index: u32) -> Result<&FuncType, Trap> {
        self.core
            .module
            .info()
            .func_type(func_index)
            .ok_or_else(|| Trap::with_message(TrapKind::BadSignature, format!("no function with index {func_index}")))
    }

    /// Call an exported function by name.
    pub fn call_export(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, Trap> {
        match self.core.module.info().export(name) {
            Some(e) if e.kind == ExportKind::Func => {
                let i = e.index;
                self.call(i, args)
            }
            _ => Err(Trap::with_message(TrapKind::BadSignature, format!("no exported function `{name}`"))),
        }
    }

    /// Call function `func_index` with typed parameters and results (signature checked).
    pub fn call_typed<P: WasmParams, R: WasmResults>(&mut self, func_index: u32, params: P) -> Result<R, Trap> {
        let ty = self.func_type(func_index)?;
        if !P::matches(&ty.params) || !R::matches(&ty.results) {
            let want = FuncType { params: P::types(), results: R::types() };
            return Err(Trap::with_message(TrapKind::BadSignature, format!("function #{func_index} has type {ty}, called as {want}")));
        }
        let n = ty.params.len().max(ty.results.len()).max(1);
        // Typed signatures have at most 8 params/results: the slots live on the stack (no
        // allocation per call).
        let mut inline = [ValRaw::default(); 8];
        let mut heap;
        let slots: &mut [ValRaw] = if n <= inline.len() {
            &mut inline[..n]
        } else {
            heap = alloc::vec![ValRaw::default(); n];
            &mut heap
        };
        params.store(slots);
        self.core.call_raw(self.core.funcref_ptr(func_index), slots)?;
        Ok(R::load(slots))
    }

    /// Memory `index` (panics if the module has no such memory, like slice indexing).
    pub fn memory(&self, index: u32) -> &Memory {
        // SAFETY: the memory lives as long as the core; no wasm runs while this borrow lives
        // (calls need `&mut self`).
        unsafe { &*self.core.memories[index as usize].raw() }
    }

    /// Memory `index`, mutable (panics if the module has no such memory).
    pub fn memory_mut(&mut self, index: u32) -> &mut Memory {
        // SAFETY: as above.
        unsafe { &mut *self.core.memories[index as usize].raw() }
    }

    /// The number of memories.
    pub fn num_memories(&self) -> u32 {
        self.core.memories.len() as u32
    }

    fn exported_memory_index(&self, name: &str) -> Option<u32> {
        let e = self.core.module.info().export(name)?;
        (e.kind == ExportKind::Memory).then_some(e.index)
    }

    /// An exported memory by name.
    pub fn exported_memory(&self, name: &str) -> Option<&Memory> {
        let i = self.exported_memory_index(name)?;
        Some(self.memory(i))
    }

    /// An exported memory by name, mutable.
    pub fn exported_memory_mut(&mut self, name: &str) -> Option<&mut Memory> {
        let i = self.exported_memory_index(name)?;
        Some(self.memory_mut(i))
    }

    /// Value of global `index` (panics on an index the module lacks).
    pub fn global(&self, index: u32) -> Val {
        let ty = self.core.module.info().globals[index as usize].ty;
        // SAFETY: the slot holds a value of type `ty`.
        unsafe { Val::from_raw((*self.core.global_ptr(index)).value, ty) }
    }

    /// Set global `index` (must be mutable and of the right type).
    pub fn set_global(&mut self, index: u32, v: Val) -> Result<(), Trap> {
        let ty = *self
            .core
            .module
            .info()
            .globals
            .get(index as usize)
            .ok_or_else(|| Trap::host(format!("no global with index {index}")))?;
        crate::global::check_set(&ty, &v)?;
        // SAFETY: the slot is live; no wasm runs concurrently.
        unsafe { (*self.core.global_ptr(index)).value = v.to_raw() };
        Ok(())
    }

    /// Table `index` (panics if the module has no such table).
    pub fn table(&self, index: u32) -> &Table {
        // SAFETY: as for `memory`.
        unsafe { &*self.core.tables[index as usize].raw() }
    }

    #[cfg(test)]
    pub(crate) fn core_for_tests(&self) -> Rc<InstanceCore> {
        self.core.clone()
    }

    /// A handle that can interrupt this instance's store from another thread.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(self.core.store.vm.clone())
    }
}

fn export_of(core: &Rc<InstanceCore>, kind: ExportKind, index: u32) -> Option<Extern> {
    Some(match kind {
        ExportKind::Func => {
            let ty = core.module.info().func_type(index)?.clone();
            Extern::Func(Func(FuncKind::Wasm { funcref: core.funcref_ptr(index), ty: Rc::new(ty), owner: core.clone() }))
        }
        ExportKind::Memory => Extern::Memory(core.memories.get(index as usize)?.clone()),
        ExportKind::Table => Extern::Table(core.tables.get(index as usize)?.clone()),
        ExportKind::Global => {
            if index < core.layout.num_imported_globals {
                Extern::Global(core.imported_globals.get(index as usize)?.clone())
            } else {
                let ty = *core.module.info().globals.get(index as usize)?;
                let owner: Rc<dyn Any> = core.clone();
                Extern::Global(SharedGlobal { ptr: core.global_ptr(index), ty, _owner: owner })
            }
        }
    })
}

fn vm_funcref_of(core: &InstanceCore, index: u32) -> *mut c_void {
    core.funcref_ptr(index) as *mut c_void
}

fn instantiate(
    store: &Store,
    module: &Module,
    imports: &[Extern],
    host: Box<dyn Any>,
    host_type: TypeId,
    host_type_name: &'static str,
) -> Result<Rc<InstanceCore>, Error> {
    let info = module.info();
    let desc = module.desc();
    let need_guard = !module.explicit_bounds_checks();
    if need_guard && !GUARD_PAGES_AVAILABLE && !info.memories.is_empty() {
        return Err(InstantiationError::new(
            "module needs guard-page memories (compiled without explicit bounds checks), not available without the `std` feature",
        )
        .into());
    }
    if need_guard && info.memories.iter().any(|m| m.memory64) {
        return Err(InstantiationError::new(
            "module uses a 64-bit memory but was compiled without explicit bounds checks (guard pages only cover 32-bit memories)",
        )
        .into());
    }
    if imports.len() != info.imports.len() {
        return Err(InstantiationError::new(format!("expected {} imports, got {}", info.imports.len(), imports.len())).into());
    }
    let layout = VmLayout::for_module(info);
    let state = store.0.state.clone();

    // Check imports and collect the pieces.
    let mut memories = Vec::new();
    let mut tables = Vec::new();
    let mut imported_globals = Vec::new();
    let mut bindings: Vec<Box<HostBinding>> = Vec::new();
    let mut import_owners = Vec::new();
    // Imported funcs: either a binding index or a VMFuncRef copy.
    enum FuncImp {
        Host(usize, u64),
        Wasm(VMFuncRef),
    }
    let mut func_imps: Vec<FuncImp> = Vec::new();
    let mut host_box = host;
    let host_ptr: *mut () = &mut *host_box as *mut dyn Any as *mut ();

    for (imp, ext) in info.imports.iter().zip(imports) {
        let what = format!("`{}`.`{}`", imp.module, imp.name);
        match (&imp.ty, ext) {
            (ExternType::Func(t), Extern::Func(f)) => {
                let want = &info.types[*t as usize];
                if f.ty() != want {
                    return Err(InstantiationError::new(format!("import {what}: expected {want}, got {}", f.ty())).into());
                }
                match &f.0 {
                    FuncKind::Host(h) => {
                        h.bind_check(host_type, host_type_name)
                            .map_err(|m| InstantiationError::new(format!("import {what}: {m}")))?;
                        let is_typed = matches!(h.kind, crate::host::HostKind::Typed { .. });
                        bindings.push(Box::new(HostBinding {
                            func: h.clone(),
                            host: if is_typed { host_ptr } else { core::ptr::null_mut() },
                            store: state.clone(),
                        }));
                        func_imps.push(FuncImp::Host(bindings.len() - 1, signature_hash(want)));
                    }
                    FuncKind::Wasm { funcref, owner, .. } => {
                        // SAFETY: funcref points into the owner's live VMContext.
                        func_imps.push(FuncImp::Wasm(unsafe { **funcref }));
                        import_owners.push(owner.clone());
                    }
                }
            }
            (ExternType::Memory(t), Extern::Memory(m)) => {
                let mb = m.borrow();
                let (cur, decl) = (mb.ty(), mb.declared_ty());
                if cur.memory64 != t.memory64 || cur.shared != t.shared || !limits_ok(cur.min, decl.max, t.min, t.max) {
                    return Err(InstantiationError::new(format!("memory import {what}: incompatible limits")).into());
                }
                if need_guard && !mb.is_guarded() {
                    return Err(InstantiationError::new(format!(
                        "memory import {what}: module needs guard-page memories (compiled without explicit bounds checks), the imported memory has none"
                    ))
                    .into());
                }
                drop(mb);
                memories.push(m.clone());
            }
            (ExternType::Table(t), Extern::Table(tb)) => {
                let b = tb.borrow();
                let cur = b.ty();
                if cur.elem != t.elem || !limits_ok(cur.min, cur.max, t.min, t.max) {
                    return Err(InstantiationError::new(format!("table import {what}: incompatible table type")).into());
                }
                drop(b);
                tables.push(tb.clone());
            }
            (ExternType::Global(t), Extern::Global(g)) => {
                if g.ty() != *t {
                    return Err(InstantiationError::new(format!(
                        "global import {what}: expected {}, got {}",
                        global_ty_str(t),
                        global_ty_str(&g.ty())
                    ))
                    .into());
                }
                imported_globals.push(g.clone());
            }
            (t, e) => {
                return Err(InstantiationError::new(format!("import {what}: expected a {}, got a {}", kind_of(t), e.kind_name())).into())
            }
        }
    }

    // Defined memories and tables.
    for ty in &info.memories[info.num_imported_memories as usize..] {
        memories.push(SharedMemory::new(Memory::new(*ty)?));
    }
    for ty in &info.tables[info.num_imported_tables as usize..] {
        let init = if ty.elem == ValType::FuncRef { Val::FuncRef(None) } else { Val::ExternRef(None) };
        tables.push(SharedTable::new(Table::new(*ty, init)?));
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
    // SAFETY (whole block): all writes are at VmLayout offsets inside the fresh allocation.
    unsafe {
        *(base.add(abi::VMCTX_STORE as usize) as *mut *mut VMStore) = state.vm.get();
        *(base.add(abi::VMCTX_BUILTINS as usize) as *mut *const abi::Builtins) = &crate::builtins::BUILTINS;
        for (i, m) in memories.iter().enumerate() {
            *(base.add(layout.memory(i as u32) as usize) as *mut *mut abi::VMMemory) = (*m.raw()).vm_ptr();
        }
        for (i, t) in tables.iter().enumerate() {
            *(base.add(layout.table(i as u32) as usize) as *mut *mut abi::VMTable) = (*t.raw()).vm_ptr();
        }
        for (i, g) in imported_globals.iter().enumerate() {
            if let GlobalLoc::Imported(off) = layout.global(i as u32) {
                *(base.add(off as usize) as *mut *mut VMGlobal) = g.vm_ptr();
            }
        }
        // Functions.
        let nimp = info.num_imported_funcs as usize;
        for (i, fi) in func_imps.iter().enumerate() {
            let slot = base.add(layout.funcref(i as u32) as usize) as *mut VMFuncRef;
            *slot = match fi {
                FuncImp::Host(b, sig) => VMFuncRef {
                    native: *desc.import_stubs.add(i),
                    vmctx,
                    array: Some(host_trampoline),
                    array_ctx: &*bindings[*b] as *const HostBinding as *mut c_void,
                    type_id: *sig,
                },
                FuncImp::Wasm(f) => *f,
            };
        }
        for j in 0..desc.num_funcs {
            let idx = nimp + j;
            let e = *desc.funcs.add(j);
            let sig = signature_hash(&info.types[info.funcs[idx] as usize]);
            let slot = base.add(layout.funcref(idx as u32) as usize) as *mut VMFuncRef;
            *slot = VMFuncRef { native: e.native, vmctx, array: Some(e.array), array_ctx: vmctx as *mut c_void, type_id: sig };
        }
    }

    let core = Rc::new(InstanceCore {
        module: module.clone(),
        store: state,
        vmctx,
        vmctx_layout,
        layout,
        memories,
        tables,
        imported_globals,
        _bindings: bindings,
        _import_owners: import_owners,
        elems: RefCell::new(Vec::new()),
        data_dropped: info.datas.iter().map(|_| Cell::new(false)).collect(),
        _host: UnsafeCell::new(Some(host_box)),
        host_ptr,
    });
    // SAFETY: back-pointer to the core, which owns (and outlives) the VMContext.
    unsafe { *(base.add(abi::VMCTX_INSTANCE as usize) as *mut *const InstanceCore) = Rc::as_ptr(&core) };
    store.0.keep.borrow_mut().push(core.clone());

    // Globals.
    let funcs_len = info.funcs.len() as u32;
    let func_of = |i: u32| (i < funcs_len).then(|| vm_funcref_of(&core, i));
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

    // Element segments: evaluate all, then apply actives in order.
    let mut evaluated = Vec::with_capacity(info.elems.len());
    for seg in &info.elems {
        let mut items = Vec::with_capacity(seg.items.len());
        for e in &seg.items {
            items.push(eval_const(e, &get_global, &func_of)?.get_ptr());
        }
        evaluated.push(items);
    }
    *core.elems.borrow_mut() = evaluated;
    for (i, seg) in info.elems.iter().enumerate() {
        match &seg.mode {
            ElemMode::Active { table, offset } => {
                let off = eval_const(offset, &get_global, &func_of)?.get_i32() as u32;
                let len = core.elems.borrow()[i].len() as u32;
                let c = crate::builtins::table_init_impl(&core, *table, i as u32, off as u64, 0, len);
                crate::builtins::elem_drop_impl(&core, i as u32);
                if c != 0 {
                    return Err(Trap::with_message(TrapKind::TableOutOfBounds, format!("element segment {i} does not fit")).into());
                }
            }
            ElemMode::Declared => crate::builtins::elem_drop_impl(&core, i as u32),
            ElemMode::Passive => {}
        }
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
        core.call_raw(core.funcref_ptr(s), &mut slots)?;
    }
    Ok(core)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn const_eval() {
        let g = |i: u32| (i == 0).then(|| ValRaw::i32(40));
        let f = |i: u32| (i < 2).then(|| (0x100 + i as usize) as *mut c_void);
        let e = ConstExpr(alloc::vec![ConstOp::GlobalGet(0), ConstOp::I32Const(2), ConstOp::I32Add]);
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_i32(), 42);
        let e = ConstExpr(alloc::vec![ConstOp::I64Const(3), ConstOp::I64Const(5), ConstOp::I64Sub, ConstOp::I64Const(7), ConstOp::I64Mul]);
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_i64(), -14);
        let e = ConstExpr(alloc::vec![ConstOp::I32Const(i32::MAX), ConstOp::I32Const(1), ConstOp::I32Add]);
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_i32(), i32::MIN);
        let e = ConstExpr(alloc::vec![ConstOp::RefFunc(1)]);
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_ptr() as usize, 0x101);
        let e = ConstExpr(alloc::vec![ConstOp::RefNull(ValType::FuncRef)]);
        assert!(eval_const(&e, &g, &f).unwrap().get_ptr().is_null());
        let e = ConstExpr(alloc::vec![ConstOp::V128Const(1 << 100)]);
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_v128(), 1 << 100);
        let e = ConstExpr(alloc::vec![ConstOp::F64Const(0x4000_0000_0000_0000)]);
        assert_eq!(eval_const(&e, &g, &f).unwrap().get_f64(), 0x4000_0000_0000_0000);
        assert!(eval_const(&ConstExpr(alloc::vec![ConstOp::I32Add]), &g, &f).is_err());
        assert!(eval_const(&ConstExpr(alloc::vec![ConstOp::GlobalGet(5)]), &g, &f).is_err());
        assert!(eval_const(&ConstExpr(alloc::vec![ConstOp::RefFunc(2)]), &g, &f).is_err());
        assert!(eval_const(&ConstExpr(alloc::vec![]), &g, &f).is_err());
    }
}
