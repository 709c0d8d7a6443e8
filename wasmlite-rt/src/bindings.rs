//! Support for the bindings `include_wasm!` generates: the types of a module's non-function
//! imports, and the values an `Imports` trait provides for them by default.
//!
//! Generated code calls these; they are public so that hand-written glue can do the same.

use alloc::format;

use crate::abi::{ExternType, FuncType, GlobalType, MemoryType, TableType};
use crate::{InstantiationError, Memory, Module, SharedMemory, SharedTable, Table, Tag, ThreadSharedMemory, Val};

fn import_type(module: &Module, index: usize) -> Result<&ExternType, InstantiationError> {
    module
        .info()
        .imports
        .get(index)
        .map(|i| &i.ty)
        .ok_or_else(|| InstantiationError::new(format!("the module has no import {index}")))
}

fn mismatch(index: usize, what: &str) -> InstantiationError {
    InstantiationError::new(format!("import {index} of the module is not a {what}"))
}

/// The type of memory import `index` of `module`.
pub fn memory_import(module: &Module, index: usize) -> Result<MemoryType, InstantiationError> {
    match import_type(module, index)? {
        ExternType::Memory(t) => Ok(*t),
        _ => Err(mismatch(index, "memory")),
    }
}

/// The type of table import `index` of `module`.
pub fn table_import(module: &Module, index: usize) -> Result<TableType, InstantiationError> {
    match import_type(module, index)? {
        ExternType::Table(t) => Ok(*t),
        _ => Err(mismatch(index, "table")),
    }
}

/// The type of global import `index` of `module`.
pub fn global_import(module: &Module, index: usize) -> Result<GlobalType, InstantiationError> {
    match import_type(module, index)? {
        ExternType::Global(t) => Ok(*t),
        _ => Err(mismatch(index, "global")),
    }
}

/// The type (payload = parameters) of tag import `index` of `module`.
pub fn tag_import(module: &Module, index: usize) -> Result<FuncType, InstantiationError> {
    match import_type(module, index)? {
        ExternType::Tag(t) => module
            .info()
            .types
            .get(*t as usize)
            .cloned()
            .ok_or_else(|| InstantiationError::new(format!("tag import {index} has an invalid type index {t}"))),
        _ => Err(mismatch(index, "tag")),
    }
}

/// A new memory for an import of type `ty`, of its minimum size: a [`ThreadSharedMemory`]
/// attached to the calling thread for a shared memory (its
/// [`Memory::shared_storage`](crate::Memory::shared_storage) attaches it to instances on other threads).
pub fn new_memory(ty: &MemoryType) -> Result<SharedMemory, InstantiationError> {
    if ty.shared {
        Ok(ThreadSharedMemory::new(*ty)?.attach())
    } else {
        Ok(SharedMemory::new(Memory::new(*ty)?))
    }
}

/// A new table for an import of type `ty`: its minimum size, every element null (an error for
/// a table of non-nullable references, which has no default element).
pub fn new_table(ty: &TableType) -> Result<SharedTable, InstantiationError> {
    Ok(SharedTable::new(Table::new(*ty, Val::default_for(ty.elem))?))
}

/// A new tag (a fresh identity) for a tag import of type `ty`.
pub fn new_tag(ty: &FuncType) -> Tag {
    Tag::new(ty.params.to_vec())
}
