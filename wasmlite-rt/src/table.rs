//! Tables of function or extern references.

use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;
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
pub(crate) fn raw_elem(elem: ValType, v: &Val) -> Option<*mut c_void> {
    match (elem, v) {
        (ValType::FuncRef, Val::FuncRef(f)) => Some(f.map_or(core::ptr::null_mut(), |f| f.to_raw())),
        (ValType::ExternRef, Val::ExternRef(e)) => Some(e.map_or(core::ptr::null_mut(), |e| e.to_raw())),
        _ => None,
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
        let mut elems = Vec::new();
        elems.resize(ty.min as usize, raw);
        let mut t = Table { vm: Box::new(VMTable { base: core::ptr::null_mut(), length: 0 }), elems, ty };
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
        Some(match self.ty.elem {
            ValType::FuncRef => Val::FuncRef(FuncRef::from_raw(raw)),
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
        self.set_raw(i, raw)
    }

    /// Set raw element `i`.
    pub fn set_raw(&mut self, i: u64, raw: *mut c_void) -> Result<(), Trap> {
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
        self.grow_raw(delta, raw)
    }

    /// Grow with a raw initial element.
    pub fn grow_raw(&mut self, delta: u64, raw: *mut c_void) -> Result<u64, Trap> {
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
    pub fn fill_raw(&mut self, dst: u64, raw: *mut c_void, len: u64) -> Result<(), Trap> {
        let end = dst.checked_add(len).filter(|&e| e <= self.size()).ok_or_else(|| oob("table.fill out of bounds"))?;
        self.elems[dst as usize..end as usize].fill(raw);
        Ok(())
    }

    /// Copy `items` to `dst` (bounds-checked first).
    pub fn init_raw(&mut self, dst: u64, items: &[*mut c_void]) -> Result<(), Trap> {
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

    /// The elements, mutable.
    pub fn elems_mut(&mut self) -> &mut [*mut c_void] {
        &mut self.elems
    }

    /// Pointer to the [`VMTable`] generated code uses (stable for the table's life).
    pub fn vm_ptr(&mut self) -> *mut VMTable {
        &mut *self.vm
    }
}

/// A shareable handle to a [`Table`].
#[derive(Clone, Debug)]
pub struct SharedTable(pub(crate) Rc<RefCell<Table>>);

impl SharedTable {
    /// Wrap a table.
    pub fn new(t: Table) -> SharedTable {
        SharedTable(Rc::new(RefCell::new(t)))
    }
    /// Borrow. Do not keep the borrow across calls into wasm.
    pub fn borrow(&self) -> core::cell::Ref<'_, Table> {
        self.0.borrow()
    }
    /// Borrow mutably. Do not keep the borrow across calls into wasm.
    pub fn borrow_mut(&self) -> core::cell::RefMut<'_, Table> {
        self.0.borrow_mut()
    }
    /// Whether two handles refer to the same table.
    pub fn ptr_eq(&self, other: &SharedTable) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
    pub(crate) fn raw(&self) -> *mut Table {
        self.0.as_ptr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_ops() {
        let ty = TableType { elem: ValType::ExternRef, min: 2, max: Some(4) };
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
        let big = TableType { elem: ValType::FuncRef, min: 0, max: None };
        let mut t = Table::new(big, Val::FuncRef(None)).unwrap();
        assert!(t.grow(u64::from(u32::MAX), Val::FuncRef(None)).is_err());
    }
}
