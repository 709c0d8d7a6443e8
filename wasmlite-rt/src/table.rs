//! Tables of function or extern references.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::ToString;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{Ref, RefMut};
use core::ffi::c_void;

use crate::abi::{TableType, VMTable, ValType};
use crate::trap::{InstantiationError, Trap, TrapKind};
use crate::val::{ExternRef, FuncRef, Val};

/// Implementation limit on the number of table elements.
pub const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

/// A table. Elements are stored in their raw form (`*const VMFuncRef` or externref raw).
pub struct Table {
    vm: Box<VMTable>,
    elems: Vec<*mut c_void>,
    ty: TableType,
    /// The store whose functions the table may hold (0: none yet; set by the first non-null
    /// funcref stored or by linking into an instance). Every non-null funcref element belongs
    /// to this store.
    pub(crate) store: u64,
}

impl core::fmt::Debug for Table {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Table").field("ty", &self.ty).field("size", &self.size()).finish()
    }
}

fn oob(msg: impl Into<alloc::string::String>) -> Trap {
    Trap::with_message(TrapKind::TableOutOfBounds, msg)
}

/// The raw element for a value of the table's element type.
fn raw_elem(elem: ValType, v: &Val) -> Option<*mut c_void> {
    match (elem.repr(), v) {
        (ValType::FuncRef, Val::FuncRef(f)) => Some(f.map_or(core::ptr::null_mut(), |f| f.to_raw())),
        (ValType::ExternRef, Val::ExternRef(e)) => Some(e.map_or(core::ptr::null_mut(), |e| e.to_raw())),
        (ValType::EXNREF, Val::ExnRef(e)) => Some(e.map_or(core::ptr::null_mut(), |e| e.to_raw())),
        _ => None,
    }
}

/// The store a value ties a table or global to: `Some(id)` for a non-null funcref or exnref.
pub(crate) fn store_of(v: &Val) -> Option<u64> {
    match v {
        Val::FuncRef(Some(f)) => Some(f.store()),
        Val::ExnRef(Some(e)) => Some(e.store()),
        _ => None,
    }
}

/// Bind `current` (0 = unbound) to the store of `v`; a funcref of another store is an error.
pub(crate) fn adopt_store(current: &mut u64, v: &Val) -> Result<(), Trap> {
    match store_of(v) {
        Some(s) if *current == 0 => {
            *current = s;
            Ok(())
        }
        Some(s) if s != *current => Err(Trap::host("a function reference of a different store cannot be stored here")),
        _ => Ok(()),
    }
}

impl Table {
    /// A table of `ty.min` elements, all `init` (which must have the element type).
    pub fn new(ty: TableType, init: Val) -> Result<Table, InstantiationError> {
        if !ty.elem.is_ref() {
            return Err(InstantiationError::new(format!("table: element type {} is not a reference type", ty.elem)));
        }
        let raw = raw_elem(ty.elem, &init).ok_or_else(|| {
            InstantiationError::new(format!("table: initial value of type {} for a {} table", init.ty(), ty.elem))
        })?;
        if ty.max.is_some_and(|m| m < ty.min) {
            return Err(InstantiationError::new("table: maximum is smaller than minimum"));
        }
        if ty.min > MAX_TABLE_ELEMENTS {
            return Err(InstantiationError::new(format!(
                "table: minimum of {} elements exceeds the limit of {MAX_TABLE_ELEMENTS}",
                ty.min
            )));
        }
        let mut store = 0;
        adopt_store(&mut store, &init).map_err(|t| InstantiationError::new(t.to_string()))?;
        let mut elems = Vec::new();
        elems.resize(ty.min as usize, raw);
        let mut t = Table { vm: Box::new(VMTable { base: core::ptr::null_mut(), length: 0 }), elems, ty, store };
        t.sync();
        Ok(t)
    }

    fn sync(&mut self) {
        self.vm.base = self.elems.as_mut_ptr();
        self.vm.length = self.elems.len() as u64;
    }

    /// The element type.
    pub fn elem_type(&self) -> ValType {
        self.ty.elem
    }

    /// The table's type with the current size as minimum.
    pub fn ty(&self) -> TableType {
        TableType { min: self.size(), ..self.ty }
    }

    /// Number of elements.
    pub fn size(&self) -> u64 {
        self.elems.len() as u64
    }

    /// Maximum size.
    pub fn max_size(&self) -> u64 {
        self.ty.max.map_or(MAX_TABLE_ELEMENTS, |m| m.min(MAX_TABLE_ELEMENTS))
    }

    /// Element `i`, or `None` if out of bounds.
    pub fn get(&self, i: u64) -> Option<Val> {
        let raw = *self.elems.get(usize::try_from(i).ok()?)?;
        Some(match self.ty.elem.repr() {
            // SAFETY: non-null funcref elements point to live VMFuncRefs of store `self.store`.
            ValType::FuncRef => Val::FuncRef(unsafe { FuncRef::from_raw_in(raw, self.store) }),
            _ => Val::ExternRef(ExternRef::from_raw(raw)),
        })
    }

    /// Raw element `i`.
    pub fn get_raw(&self, i: u64) -> Option<*mut c_void> {
        self.elems.get(usize::try_from(i).ok()?).copied()
    }

    /// Set element `i`. Wrong type → `BadSignature` trap; out of bounds → `TableOutOfBounds`.
    pub fn set(&mut self, i: u64, v: Val) -> Result<(), Trap> {
        let raw = raw_elem(self.ty.elem, &v).ok_or_else(|| {
            Trap::with_message(TrapKind::BadSignature, format!("value of type {} for a {} table", v.ty(), self.ty.elem))
        })?;
        let mut store = self.store;
        adopt_store(&mut store, &v)?;
        self.set_raw(i, raw)?;
        self.store = store;
        Ok(())
    }

    /// Set raw element `i` (the raw value must be valid for this table and its store).
    pub(crate) fn set_raw(&mut self, i: u64, raw: *mut c_void) -> Result<(), Trap> {
        let len = self.size();
        let slot = usize::try_from(i)
            .ok()
            .and_then(|i| self.elems.get_mut(i))
            .ok_or_else(|| oob(format!("table index {i} out of bounds (size {len})")))?;
        *slot = raw;
        Ok(())
    }

    /// Grow by `delta` elements set to `init`; returns the old size.
    pub fn grow(&mut self, delta: u64, init: Val) -> Result<u64, Trap> {
        let raw = raw_elem(self.ty.elem, &init).ok_or_else(|| {
            Trap::with_message(TrapKind::BadSignature, format!("value of type {} for a {} table", init.ty(), self.ty.elem))
        })?;
        let mut store = self.store;
        adopt_store(&mut store, &init)?;
        let old = self.grow_raw(delta, raw)?;
        self.store = store;
        Ok(old)
    }

    /// Grow with a raw initial element (valid for this table and its store).
    pub(crate) fn grow_raw(&mut self, delta: u64, raw: *mut c_void) -> Result<u64, Trap> {
        let old = self.size();
        let new = old
            .checked_add(delta)
            .filter(|&n| n <= self.max_size())
            .ok_or_else(|| oob(format!("table.grow by {delta} exceeds the maximum of {}", self.max_size())))?;
        if self.elems.try_reserve_exact((new - old) as usize).is_err() {
            return Err(oob("table.grow: out of host memory"));
        }
        self.elems.resize(new as usize, raw);
        self.sync();
        Ok(old)
    }

    /// Fill `len` elements from `dst` with `raw` (bounds-checked first).
    pub(crate) fn fill_raw(&mut self, dst: u64, raw: *mut c_void, len: u64) -> Result<(), Trap> {
        let end = dst.checked_add(len).filter(|&e| e <= self.size()).ok_or_else(|| oob("table.fill out of bounds"))?;
        self.elems[dst as usize..end as usize].fill(raw);
        Ok(())
    }

    /// Copy `items` to `dst` (bounds-checked first).
    pub(crate) fn init_raw(&mut self, dst: u64, items: &[*mut c_void]) -> Result<(), Trap> {
        let end = dst
            .checked_add(items.len() as u64)
            .filter(|&e| e <= self.size())
            .ok_or_else(|| oob("table initialisation out of bounds"))?;
        self.elems[dst as usize..end as usize].copy_from_slice(items);
        Ok(())
    }

    /// The elements.
    pub fn elems(&self) -> &[*mut c_void] {
        &self.elems
    }

    /// The elements, mutable (raw values must be valid for this table and its store).
    pub(crate) fn elems_mut(&mut self) -> &mut [*mut c_void] {
        &mut self.elems
    }

    /// Pointer to the [`VMTable`] generated code uses (stable for the table's life).
    pub fn vm_ptr(&mut self) -> *mut VMTable {
        &mut *self.vm
    }
}

/// A shareable handle to a [`Table`]. Same borrow discipline as
/// [`crate::SharedMemory`]: wasm code of a store never runs while one of its tables is borrowed.
#[derive(Clone, Debug)]
pub struct SharedTable(pub(crate) Rc<crate::borrow::TrackedCell<Table>>);

impl SharedTable {
    /// Wrap a table.
    pub fn new(t: Table) -> SharedTable {
        SharedTable(Rc::new(crate::borrow::TrackedCell::new(t)))
    }
    /// Borrow. Panics if the table is mutably borrowed (like `RefCell::borrow`).
    pub fn borrow(&self) -> Ref<'_, Table> {
        self.0.borrow()
    }
    /// Borrow mutably. Panics if the table is borrowed (like `RefCell::borrow_mut`).
    pub fn borrow_mut(&self) -> TableMut<'_> {
        TableMut(self.0.borrow_mut())
    }
    /// Borrow mutably; a conflicting live borrow is a [`TrapKind::Host`] trap.
    pub fn try_borrow_mut(&self) -> Result<TableMut<'_>, Trap> {
        self.0.try_borrow_mut().map(TableMut).map_err(|_| Trap::host("table is already borrowed"))
    }
    /// Whether two handles refer to the same table.
    pub fn ptr_eq(&self, other: &SharedTable) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
    /// Whether any borrow of the table is alive.
    #[inline]
    pub(crate) fn is_borrowed(&self) -> bool {
        self.0.is_borrowed()
    }
}

/// A mutable borrow of a shared table: elements can be set and the table grown, but the table
/// itself cannot be replaced or swapped (VMContexts point into it), so there is no `DerefMut`.
pub struct TableMut<'a>(pub(crate) RefMut<'a, Table>);

impl core::ops::Deref for TableMut<'_> {
    type Target = Table;
    fn deref(&self) -> &Table {
        &self.0
    }
}

impl core::fmt::Debug for TableMut<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        (*self.0).fmt(f)
    }
}

impl TableMut<'_> {
    /// Set element `i` ([`Table::set`]).
    pub fn set(&mut self, i: u64, v: Val) -> Result<(), Trap> {
        self.0.set(i, v)
    }
    /// Grow ([`Table::grow`]).
    pub fn grow(&mut self, delta: u64, init: Val) -> Result<u64, Trap> {
        self.0.grow(delta, init)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_ops() {
        let ty = TableType { elem: ValType::ExternRef, min: 2, max: Some(4), table64: false };
        let mut t = Table::new(ty, Val::ExternRef(None)).unwrap();
        assert_eq!(t.size(), 2);
        t.set(1, Val::ExternRef(Some(ExternRef::new(5)))).unwrap();
        assert_eq!(t.get(1), Some(Val::ExternRef(Some(ExternRef::new(5)))));
        assert_eq!(t.get(2), None);
        assert_eq!(t.set(2, Val::ExternRef(None)).unwrap_err().kind(), TrapKind::TableOutOfBounds);
        assert_eq!(t.set(0, Val::FuncRef(None)).unwrap_err().kind(), TrapKind::BadSignature);
        assert_eq!(t.grow(2, Val::ExternRef(Some(ExternRef::new(9)))).unwrap(), 2);
        assert_eq!(t.get(3), Some(Val::ExternRef(Some(ExternRef::new(9)))));
        assert_eq!(t.grow(1, Val::ExternRef(None)).unwrap_err().kind(), TrapKind::TableOutOfBounds);
        assert_eq!(t.vm.length, 4);
        assert_eq!(t.vm.base, t.elems.as_mut_ptr());
        assert!(t.fill_raw(3, core::ptr::null_mut(), 2).is_err());
        t.fill_raw(2, core::ptr::null_mut(), 2).unwrap();
        assert_eq!(t.get(3), Some(Val::ExternRef(None)));
        assert!(Table::new(ty, Val::I32(0)).is_err());
        let big = TableType { elem: ValType::FuncRef, min: 0, max: None, table64: false };
        let mut t = Table::new(big, Val::FuncRef(None)).unwrap();
        assert!(t.grow(u64::from(u32::MAX), Val::FuncRef(None)).is_err());
    }
}
