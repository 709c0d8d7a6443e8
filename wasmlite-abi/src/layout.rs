//! Layout of a module's `VMContext`.
//!
//! ```text
//! offset                         field
//! 0                              store:    *mut VMStore
//! 8                              instance: *mut c_void   (runtime back-pointer, opaque)
//! 16                             builtins: *const Builtins
//! 24                             (reserved, 0)
//! memories_offset                [*mut VMMemory; num_memories]      (imported first)
//! tables_offset                  [*mut VMTable;  num_tables]        (imported first)
//! imported_globals_offset        [*mut VMGlobal; num_imported_globals]
//! type_ids_offset                [u64;           num_types]         (canonical type ids)
//! defined_globals_offset (16-al) [VMGlobal;      num_defined_globals]   (inline storage)
//! funcs_offset                   [VMFuncRef;     num_funcs]         (imported first)
//! tag_ids_offset                 [u64;           num_tags]          (canonical tag ids)
//! size
//! ```
//!
//! `funcs[i]` of a defined function is `{native_i, vmctx, array_i, vmctx, sig}`; of an imported
//! function it is a copy of the exporter's `VMFuncRef` (wasm) or
//! `{import_stub_i, vmctx, host_array, host_env, sig}` (host). A direct call to an imported
//! function loads `native` and `vmctx` from its slot; `ref.func i` is `vmctx + funcref(i)`.
//!
//! `type_ids[t]` is the canonical id of the module's type `t`, written by the runtime at
//! instantiation from its process-wide type registry (equal ids ⇔ equal function types; 0 is
//! never a valid id). `VMFuncRef::type_id` holds the same kind of id, so `call_indirect` checks
//! `funcref.type_id == type_ids[t]`: exact type identity, not a hash.
//!
//! `tag_ids[t]` is the canonical identity of exception tag `t` (written by the runtime: a fresh
//! process-unique id per defined tag, the exporter's id for an imported one); `throw` records
//! it in the exception and a `catch` compares it.

use crate::ModuleInfo;

/// Offset of the `*mut VMStore` field.
pub const VMCTX_STORE: u32 = 0;
/// Offset of the runtime's opaque instance back-pointer.
pub const VMCTX_INSTANCE: u32 = 8;
/// Offset of the `*const Builtins` field.
pub const VMCTX_BUILTINS: u32 = 16;
/// Size of the fixed header.
pub const VMCTX_HEADER_SIZE: u32 = 32;

/// Where a global lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalLoc {
    /// Imported: `*(vmctx + off)` is a `*mut VMGlobal`.
    Imported(u32),
    /// Defined: the `VMGlobal` is stored inline at `vmctx + off`.
    Defined(u32),
}

/// The computed layout of one module's `VMContext`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VmLayout {
    /// Number of memories (imported + defined).
    pub num_memories: u32,
    /// Number of tables (imported + defined).
    pub num_tables: u32,
    /// Number of imported globals.
    pub num_imported_globals: u32,
    /// Number of function types in the module's type section.
    pub num_types: u32,
    /// Number of defined globals.
    pub num_defined_globals: u32,
    /// Number of functions (imported + defined).
    pub num_funcs: u32,
    /// Offset of the memory pointer array.
    pub memories_offset: u32,
    /// Offset of the table pointer array.
    pub tables_offset: u32,
    /// Offset of the imported-global pointer array.
    pub imported_globals_offset: u32,
    /// Offset of the canonical type-id array (`[u64; num_types]`).
    pub type_ids_offset: u32,
    /// Offset of the inline defined globals (16-byte aligned).
    pub defined_globals_offset: u32,
    /// Offset of the `VMFuncRef` array.
    pub funcs_offset: u32,
    /// Number of exception tags (imported + defined).
    pub num_tags: u32,
    /// Offset of the canonical tag-id array (`[u64; num_tags]`).
    pub tag_ids_offset: u32,
    /// Total size in bytes (a multiple of 16); allocate with 16-byte alignment.
    pub size: u32,
}

fn align_up(x: u32, a: u32) -> u32 {
    (x + a - 1) & !(a - 1)
}

impl VmLayout {
    /// Compute the layout from counts.
    pub fn new(
        num_memories: u32,
        num_tables: u32,
        num_imported_globals: u32,
        num_types: u32,
        num_defined_globals: u32,
        num_funcs: u32,
    ) -> VmLayout {
        let memories_offset = VMCTX_HEADER_SIZE;
        let tables_offset = memories_offset + 8 * num_memories;
        let imported_globals_offset = tables_offset + 8 * num_tables;
        let type_ids_offset = imported_globals_offset + 8 * num_imported_globals;
        let defined_globals_offset = align_up(type_ids_offset + 8 * num_types, 16);
        let funcs_offset = defined_globals_offset + 16 * num_defined_globals;
        let tag_ids_offset = align_up(funcs_offset + crate::funcref_offsets::SIZE * num_funcs, 8);
        let size = align_up(tag_ids_offset, 16);
        VmLayout {
            num_memories,
            num_tables,
            num_imported_globals,
            num_types,
            num_defined_globals,
            num_funcs,
            memories_offset,
            tables_offset,
            imported_globals_offset,
            type_ids_offset,
            defined_globals_offset,
            funcs_offset,
            num_tags: 0,
            tag_ids_offset,
            size,
        }
    }

    /// This layout with `num_tags` exception tags (their ids follow the funcrefs).
    pub fn with_tags(mut self, num_tags: u32) -> VmLayout {
        self.num_tags = num_tags;
        self.size = align_up(self.tag_ids_offset + 8 * num_tags, 16);
        self
    }

    /// Offset of the canonical id (`u64`) of exception tag `index`.
    pub fn tag_id(&self, index: u32) -> u32 {
        self.tag_ids_offset + 8 * index
    }

    /// The layout for a module.
    pub fn for_module(info: &ModuleInfo) -> VmLayout {
        VmLayout::new(
            info.memories.len() as u32,
            info.tables.len() as u32,
            info.num_imported_globals,
            info.types.len() as u32,
            info.globals.len() as u32 - info.num_imported_globals,
            info.funcs.len() as u32,
        )
        .with_tags(info.tags.len() as u32)
    }

    /// Offset of the `*mut VMMemory` of memory `index`.
    pub fn memory(&self, index: u32) -> u32 {
        self.memories_offset + 8 * index
    }

    /// Offset of the `*mut VMTable` of table `index`.
    pub fn table(&self, index: u32) -> u32 {
        self.tables_offset + 8 * index
    }

    /// Where global `index` lives.
    pub fn global(&self, index: u32) -> GlobalLoc {
        if index < self.num_imported_globals {
            GlobalLoc::Imported(self.imported_globals_offset + 8 * index)
        } else {
            GlobalLoc::Defined(self.defined_globals_offset + 16 * (index - self.num_imported_globals))
        }
    }

    /// Offset of the canonical id (`u64`) of the module's type `index`.
    pub fn type_id(&self, index: u32) -> u32 {
        self.type_ids_offset + 8 * index
    }

    /// Offset of the `VMFuncRef` of function `index`.
    pub fn funcref(&self, index: u32) -> u32 {
        self.funcs_offset + crate::funcref_offsets::SIZE * index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_aligned_and_ordered() {
        let l = VmLayout::new(1, 2, 1, 2, 3, 4);
        assert_eq!(l.memory(0), 32);
        assert_eq!(l.table(1), 48);
        assert_eq!(l.global(0), GlobalLoc::Imported(56));
        assert_eq!(l.type_id(0), 64);
        assert_eq!(l.type_id(1), 72);
        assert_eq!(l.global(1), GlobalLoc::Defined(80));
        assert_eq!(l.global(3), GlobalLoc::Defined(112));
        assert_eq!(l.funcref(0), 128);
        assert_eq!(l.size % 16, 0);
        assert!(l.size >= l.funcref(3) + crate::funcref_offsets::SIZE);
    }
}
