//! Globals.

use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::ToString;
use core::cell::{Cell, RefCell};

use crate::abi::{GlobalType, VMGlobal};
use crate::trap::{InstantiationError, Trap, TrapKind};
use crate::table::adopt_store;
use crate::val::Val;

/// A global variable with its own storage (used for host-created globals; globals defined by a
/// module live inline in its VMContext and are exported as [`SharedGlobal`] views).
pub struct Global {
    pub(crate) storage: Box<VMGlobal>,
    ty: GlobalType,
    /// The store of the funcref it holds / was linked into (0: none yet).
    store: u64,
}

impl core::fmt::Debug for Global {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Global").field("ty", &self.ty).field("value", &self.get()).finish()
    }
}

impl Global {
    /// A global of type `ty` holding `val` (which must have type `ty.ty`).
    pub fn new(ty: GlobalType, val: Val) -> Result<Global, InstantiationError> {
        if !val.matches(ty.ty) {
            return Err(InstantiationError::new(format!("global of type {} initialised with a {}", ty.ty, val.ty())));
        }
        let mut store = 0;
        adopt_store(&mut store, &val).map_err(|t| InstantiationError::new(t.to_string()))?;
        Ok(Global { storage: Box::new(VMGlobal { value: val.to_raw() }), ty, store })
    }
    /// The type.
    pub fn ty(&self) -> GlobalType {
        self.ty
    }
    /// The value.
    pub fn get(&self) -> Val {
        // SAFETY: the slot holds a value of type ty.ty (a funcref of store `self.store`).
        unsafe { Val::from_raw(self.storage.value, self.ty.ty, self.store) }
    }
    /// Set the value (immutable global, wrong type or a funcref of another store → trap
    /// with message).
    pub fn set(&mut self, v: Val) -> Result<(), Trap> {
        check_set(&self.ty, &v)?;
        adopt_store(&mut self.store, &v)?;
        self.storage.value = v.to_raw();
        Ok(())
    }
}

pub(crate) fn check_set(ty: &GlobalType, v: &Val) -> Result<(), Trap> {
    if !ty.mutable {
        return Err(Trap::with_message(TrapKind::Host, "cannot set an immutable global"));
    }
    if !v.matches(ty.ty) {
        return Err(Trap::with_message(
            TrapKind::BadSignature,
            format!("cannot set a global of type {} to a {}", ty.ty, v.ty()),
        ));
    }
    Ok(())
}

/// A shareable handle to a global: either a host-created [`Global`] or a view of a global
/// defined inside an instance (kept alive by the handle).
#[derive(Clone)]
pub struct SharedGlobal {
    pub(crate) ptr: *mut VMGlobal,
    pub(crate) ty: GlobalType,
    /// The store (0: none yet), shared by all clones.
    pub(crate) store: Rc<Cell<u64>>,
    /// Keeps `ptr` (and, for a view into an instance, the instances its funcref may point
    /// into: the whole store) alive.
    pub(crate) _owner: Rc<dyn core::any::Any>,
}

impl core::fmt::Debug for SharedGlobal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SharedGlobal").field("ty", &self.ty).field("value", &self.get()).finish()
    }
}

impl SharedGlobal {
    /// Wrap a host global.
    pub fn new(mut g: Global) -> SharedGlobal {
        let ptr: *mut VMGlobal = &mut *g.storage;
        let ty = g.ty;
        let store = Rc::new(Cell::new(g.store));
        SharedGlobal { ptr, ty, store, _owner: Rc::new(RefCell::new(g)) }
    }
    /// The type.
    pub fn ty(&self) -> GlobalType {
        self.ty
    }
    /// The value.
    pub fn get(&self) -> Val {
        // SAFETY: ptr stays valid while _owner lives; the slot holds a value of type ty.ty
        // (a funcref of store `self.store`).
        unsafe { Val::from_raw((*self.ptr).value, self.ty.ty, self.store.get()) }
    }
    /// Set the value (immutable, wrong type or a funcref of another store → trap).
    pub fn set(&self, v: Val) -> Result<(), Trap> {
        check_set(&self.ty, &v)?;
        let mut store = self.store.get();
        adopt_store(&mut store, &v)?;
        self.store.set(store);
        // SAFETY: ptr valid while _owner lives; single-threaded (Rc), no Rust reference to the
        // slot is held elsewhere across this write.
        unsafe { (*self.ptr).value = v.to_raw() };
        Ok(())
    }
    /// Whether two handles refer to the same storage.
    pub fn ptr_eq(&self, other: &SharedGlobal) -> bool {
        self.ptr == other.ptr
    }
    /// The storage generated code uses.
    pub fn vm_ptr(&self) -> *mut VMGlobal {
        self.ptr
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::ValType;

    #[test]
    fn globals() {
        let ty = GlobalType { ty: ValType::I64, mutable: true };
        let g = SharedGlobal::new(Global::new(ty, Val::I64(5)).unwrap());
        assert_eq!(g.get(), Val::I64(5));
        g.set(Val::I64(-1)).unwrap();
        let g2 = g.clone();
        assert_eq!(g2.get(), Val::I64(-1));
        assert!(g.set(Val::I32(1)).is_err());
        let mut c = Global::new(GlobalType { ty: ValType::I32, mutable: false }, Val::I32(1)).unwrap();
        assert_eq!(c.set(Val::I32(2)).unwrap_err().message(), Some("cannot set an immutable global"));
        assert!(Global::new(ty, Val::F32(0)).is_err());
    }
}
