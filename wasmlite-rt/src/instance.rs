//! Instances: the non-generic [`InstanceCore`] behind every VMContext, and the public
//! [`Instance`] handle (runtime core; unsafe).

use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::{Any, TypeId};
use core::cell::{Cell, Ref, RefCell, RefMut};
use core::ffi::c_void;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;

use crate::abi::{ExportKind, FuncType, GlobalLoc, ValRaw, VMContext, VMFuncRef, VMGlobal, VmLayout};
use crate::global::SharedGlobal;
use crate::host::{Func, FuncKind, HostBinding};
use crate::instantiate::{instantiate, Extern};
use crate::memory::{Memory, MemoryMut, SharedMemory};
use crate::module::Module;
use crate::store::{InterruptHandle, Store, StoreState};
use crate::table::{SharedTable, Table};
use crate::trap::{Error, Trap, TrapKind};
use crate::val::{Val, WasmParams, WasmResults, WasmTy};

/// The non-generic core of an instance. Its address is stored in the VMContext.
pub(crate) struct InstanceCore {
    pub(crate) module: ManuallyDrop<Module>,
    /// The trap boundary calls go through: the module's `enter` (`sjlj_entry` without `std`).
    pub(crate) entry: crate::abi::EntryFn,
    pub(crate) store: ManuallyDrop<Rc<StoreState>>,
    pub(crate) vmctx: *mut VMContext,
    /// Function slot 0 of the VMContext (slot `i` is `funcs + i`: no layout lookup per call).
    pub(crate) funcs: *mut VMFuncRef,
    pub(crate) vmctx_layout: core::alloc::Layout,
    pub(crate) layout: VmLayout,
    pub(crate) memories: ManuallyDrop<Vec<SharedMemory>>,
    pub(crate) tables: ManuallyDrop<Vec<SharedTable>>,
    pub(crate) imported_globals: ManuallyDrop<Vec<SharedGlobal>>,
    /// Every exception tag (imported first).
    pub(crate) tags: ManuallyDrop<Vec<crate::exceptions::Tag>>,
    /// Boxed: `VMFuncRef::array_ctx` points at each binding, so addresses must be stable.
    #[allow(clippy::vec_box)]
    pub(crate) _bindings: ManuallyDrop<Vec<Box<HostBinding>>>,
    pub(crate) _import_owners: ManuallyDrop<Vec<Rc<InstanceCore>>>,
    /// Evaluated element segments (emptied by elem.drop).
    pub(crate) elems: ManuallyDrop<RefCell<Vec<Vec<*mut c_void>>>>,
    /// Dropped data segments.
    pub(crate) data_dropped: ManuallyDrop<Vec<Cell<bool>>>,
    /// Owns the instance's host value, a `RefCell<H>` (freed with the core).
    pub(crate) _host: ManuallyDrop<Box<dyn Any>>,
    /// Points to the `RefCell<H>` inside `_host`.
    pub(crate) host_ptr: *const (),
}

/// The owned fields are `ManuallyDrop`s dropped here, in declaration order: one out-of-line
/// drop, instead of drop glue for each field type in every codegen unit that drops a core.
impl Drop for InstanceCore {
    #[inline(never)]
    fn drop(&mut self) {
        // SAFETY: allocated in `instantiate` with this layout; the core is only dropped when
        // no handle of its store is left, so nothing can reach the VMContext any more. Each
        // `ManuallyDrop` field is dropped exactly once, here, and never used afterwards.
        unsafe {
            alloc::alloc::dealloc(self.vmctx as *mut u8, self.vmctx_layout);
            ManuallyDrop::drop(&mut self.module);
            ManuallyDrop::drop(&mut self.store);
            ManuallyDrop::drop(&mut self.memories);
            ManuallyDrop::drop(&mut self.tables);
            ManuallyDrop::drop(&mut self.imported_globals);
            ManuallyDrop::drop(&mut self.tags);
            ManuallyDrop::drop(&mut self._bindings);
            ManuallyDrop::drop(&mut self._import_owners);
            ManuallyDrop::drop(&mut self.elems);
            ManuallyDrop::drop(&mut self.data_dropped);
            ManuallyDrop::drop(&mut self._host);
        }
    }
}

impl InstanceCore {
    fn at<T>(&self, off: u32) -> *mut T {
        // SAFETY: offsets come from VmLayout and lie inside the allocation.
        unsafe { (self.vmctx as *mut u8).add(off as usize) as *mut T }
    }

    pub(crate) fn funcref_ptr(&self, index: u32) -> *mut VMFuncRef {
        // In bounds of the VMContext for every function index of the module (slots are
        // contiguous, `funcref_offsets::SIZE` apart).
        self.funcs.wrapping_add(index as usize)
    }

    pub(crate) fn global_ptr(&self, index: u32) -> *mut VMGlobal {
        match self.layout.global(index) {
            // SAFETY: imported slots hold live global pointers (kept by imported_globals).
            GlobalLoc::Imported(off) => unsafe { *self.at::<*mut VMGlobal>(off) },
            GlobalLoc::Defined(off) => self.at(off),
        }
    }

    /// The value of global `index` (`None` if there is no such global).
    pub(crate) fn global_val(&self, index: u32) -> Option<Val> {
        let ty = self.module.info().globals.get(index as usize)?.ty;
        // SAFETY: the slot holds a value of type `ty`; funcrefs are of this store.
        Some(unsafe { Val::from_raw((*self.global_ptr(index)).value, ty, self.store.id) })
    }
}

/// An instance of a module, with a host value `H` that typed host functions receive.
///
/// The handle keeps its whole [`Store`] alive. `H` lives in a `RefCell`: [`Instance::host`] and
/// [`Instance::host_mut`] return guards, and a typed host function running inside a call holds
/// the mutable borrow.
///
/// A host value that holds a handle of its own store (an exported [`Func`], an [`Instance`]) is
/// a reference cycle: the store is then never freed (a leak, not unsoundness).
pub struct Instance<H: 'static = ()> {
    core: Rc<InstanceCore>,
    store: Store,
    _h: PhantomData<H>,
}

impl<H: 'static> core::fmt::Debug for Instance<H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Instance").field("module", &self.core.module).finish()
    }
}

impl<H: 'static> Instance<H> {
    /// Instantiate `module` with positional `imports` (see the crate docs for the order of
    /// initialisation and the import type checks). Imports of another store are an
    /// [`crate::InstantiationError`].
    pub fn new(store: &Store, module: &Module, imports: &[Extern], host: H) -> Result<Instance<H>, Error> {
        let cell: Box<RefCell<H>> = Box::new(RefCell::new(host));
        let host_ptr = &*cell as *const RefCell<H> as *const ();
        let core = instantiate(store, module, imports, cell, host_ptr, TypeId::of::<H>(), core::any::type_name::<H>())?;
        Ok(Instance { core, store: store.clone(), _h: PhantomData })
    }

    fn host_cell(&self) -> &RefCell<H> {
        // SAFETY: host_ptr points to the boxed RefCell<H> owned by the core (its type fixed by
        // `Instance::<H>::new`).
        unsafe { &*(self.core.host_ptr as *const RefCell<H>) }
    }

    /// The host value. Panics if it is mutably borrowed (by a running typed host function of
    /// this instance, or a live [`Instance::host_mut`] guard), like `RefCell::borrow`.
    pub fn host(&self) -> Ref<'_, H> {
        self.host_cell().borrow()
    }

    /// The host value, mutable. Panics if it is borrowed (see [`Instance::host`]).
    pub fn host_mut(&mut self) -> RefMut<'_, H> {
        self.host_cell().borrow_mut()
    }

    /// The module.
    pub fn module(&self) -> &Module {
        &self.core.module
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The VMContext (for tests and low-level embedders).
    pub fn vmctx(&self) -> *mut VMContext {
        self.core.vmctx
    }

    /// An export by name.
    pub fn export(&self, name: &str) -> Option<Extern> {
        let e = self.core.module.export(name)?;
        export_of(&self.core, &self.store, e.kind, e.index)
    }

    fn func_type(&self, func_index: u32) -> Result<&FuncType, Trap> {
        self.core
            .module
            .info()
            .func_type(func_index)
            .ok_or_else(|| Trap::with_message(TrapKind::BadSignature, format!("no function with index {func_index}")))
    }

    /// Call function `func_index` with dynamic values.
    pub fn call(&mut self, func_index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let ty = self.func_type(func_index)?;
        self.core.call_funcref(self.core.funcref_ptr(func_index), ty, args)
    }

    /// Call an exported function by name.
    pub fn call_export(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, Trap> {
        match self.core.module.export(name) {
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
            let want = FuncType { params: P::types().into(), results: R::types().into() };
            return Err(Trap::with_message(TrapKind::BadSignature, format!("function #{func_index} has type {ty}, called as {want}")));
        }
        let n = ty.params.len().max(ty.results.len()).max(1);
        // Typed signatures have at most MAX_TYPED_ARITY params/results: the slots live on the
        // stack (no allocation per call).
        if n <= 4 {
            // SAFETY: function `func_index` has type `P -> R` (checked above), n <= 4.
            unsafe { self.call_typed_unchecked::<P, R, 4>(func_index, params) }
        } else if n <= crate::val::MAX_TYPED_ARITY {
            // SAFETY: as above, n <= MAX_TYPED_ARITY.
            unsafe { self.call_typed_unchecked::<P, R, { crate::val::MAX_TYPED_ARITY }>(func_index, params) }
        } else {
            let mut slots = alloc::vec![ValRaw::default(); n];
            let store = self.core.store.id;
            params.store(&mut slots, store)?;
            self.core.call_func(func_index, &mut slots)?;
            // SAFETY: on success the callee wrote values of the result types (checked above).
            Ok(unsafe { R::load(&slots, store) })
        }
    }

    /// [`Instance::call_typed`] without the type check, with `N` argument/result slots on
    /// the stack: the path of `include_wasm!` bindings, whose types come from the module
    /// itself.
    ///
    /// # Safety
    /// Function `func_index` exists and has exactly the type `P -> R`, and `N` is at least
    /// the number of its parameters and of its results.
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn call_typed_unchecked<P: WasmParams, R: WasmResults, const N: usize>(&mut self, func_index: u32, params: P) -> Result<R, Trap> {
        let mut slots = [ValRaw::default(); N];
        let store = self.core.store.id;
        params.store(&mut slots, store)?;
        self.core.call_func(func_index, &mut slots)?;
        // SAFETY: on success the callee wrote values of the result types (caller's contract).
        Ok(unsafe { R::load(&slots, store) })
    }

    /// Memory `index`, borrowed. Panics if the module has no such memory (like slice
    /// indexing) or if the memory is mutably borrowed (like `RefCell::borrow`). Wasm code of
    /// the store does not run while the guard lives (calling it is a `Host` trap).
    pub fn memory(&self, index: u32) -> Ref<'_, Memory> {
        self.core.memories[index as usize].borrow()
    }

    /// Memory `index`, mutably borrowed. Panics like [`Instance::memory`] (also if the memory
    /// is borrowed at all).
    pub fn memory_mut(&mut self, index: u32) -> MemoryMut<'_> {
        self.core.memories[index as usize].borrow_mut()
    }

    /// The number of memories.
    pub fn num_memories(&self) -> u32 {
        self.core.memories.len() as u32
    }

    fn exported_memory_index(&self, name: &str) -> Option<u32> {
        let e = self.core.module.export(name)?;
        (e.kind == ExportKind::Memory).then_some(e.index)
    }

    /// An exported memory by name, borrowed (see [`Instance::memory`]).
    pub fn exported_memory(&self, name: &str) -> Option<Ref<'_, Memory>> {
        let i = self.exported_memory_index(name)?;
        Some(self.memory(i))
    }

    /// An exported memory by name, mutably borrowed (see [`Instance::memory_mut`]).
    pub fn exported_memory_mut(&mut self, name: &str) -> Option<MemoryMut<'_>> {
        let i = self.exported_memory_index(name)?;
        Some(self.memory_mut(i))
    }

    /// Value of global `index` (panics on an index the module lacks).
    pub fn global(&self, index: u32) -> Val {
        match self.core.global_val(index) {
            Some(v) => v,
            None => panic!("no global with index {index}"),
        }
    }

    /// Value of global `index` as a Rust type (`None` if there is no such global or it has
    /// another type).
    pub fn global_typed<T: WasmTy>(&self, index: u32) -> Option<T> {
        T::from_val(self.core.global_val(index)?)
    }

    /// Set global `index` (must be mutable and of the right type; a funcref must be of this
    /// instance's store).
    pub fn set_global(&mut self, index: u32, v: Val) -> Result<(), Trap> {
        let ty = *self
            .core
            .module
            .info()
            .globals
            .get(index as usize)
            .ok_or_else(|| Trap::host(format!("no global with index {index}")))?;
        crate::global::check_set(&ty, &v)?;
        v.check_store(self.core.store.id)?;
        // SAFETY: the slot is live; no wasm runs concurrently; the value has the slot's type.
        unsafe { (*self.core.global_ptr(index)).value = v.to_raw() };
        Ok(())
    }

    /// Exception tag `index` (panics on an index the module lacks, like [`Instance::memory`]).
    pub fn tag(&self, index: u32) -> crate::exceptions::Tag {
        self.core.tags[index as usize].clone()
    }

    /// Table `index`, borrowed. Panics if the module has no such table or the table is
    /// mutably borrowed (see [`Instance::memory`]).
    pub fn table(&self, index: u32) -> Ref<'_, Table> {
        self.core.tables[index as usize].borrow()
    }

    #[cfg(test)]
    pub(crate) fn core_for_tests(&self) -> Rc<InstanceCore> {
        self.core.clone()
    }

    /// A handle that can interrupt this instance's store from another thread.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(Arc::clone(&self.core.store.vm))
    }
}

pub(crate) fn export_of(core: &Rc<InstanceCore>, store: &Store, kind: ExportKind, index: u32) -> Option<Extern> {
    Some(match kind {
        ExportKind::Func => {
            let ty = core.module.info().func_type(index)?.clone();
            Extern::Func(Func(FuncKind::Wasm {
                funcref: core.funcref_ptr(index),
                ty: Rc::new(ty),
                owner: core.clone(),
                store: store.clone(),
            }))
        }
        ExportKind::Memory => Extern::Memory(core.memories.get(index as usize)?.clone()),
        ExportKind::Tag => Extern::Tag(core.tags.get(index as usize)?.clone()),
        ExportKind::Table => Extern::Table(core.tables.get(index as usize)?.clone()),
        ExportKind::Global => {
            if index < core.layout.num_imported_globals {
                Extern::Global(core.imported_globals.get(index as usize)?.clone())
            } else {
                let ty = *core.module.info().globals.get(index as usize)?;
                // The view keeps the whole store alive (its funcref may point anywhere in it).
                let owner: Rc<dyn Any> = store.0.clone();
                Extern::Global(SharedGlobal {
                    ptr: core.global_ptr(index),
                    ty,
                    store: Rc::new(Cell::new(store.id())),
                    _owner: owner,
                })
            }
        }
    })
}
