//! [`StaticModuleInfo`]: a [`ModuleInfo`] as static data.
//!
//! `include_wasm!` emits one of these for its module, so an ahead-of-time binary builds its
//! `ModuleInfo` by copying constants instead of decoding the descriptor's `postcard` bytes: no
//! decoder is linked (hello-plugin: 19 KB smaller). [`StaticModuleInfo::info_hash`] ties it to the
//! descriptor: the runtime compares it with [`info_hash`] of the descriptor's bytes.

use alloc::string::String;

use crate::info::*;

/// [`FuncType`] with static lists.
#[derive(Clone, Copy, Debug)]
pub struct StaticFuncType {
    /// Parameter types.
    pub params: &'static [ValType],
    /// Result types.
    pub results: &'static [ValType],
}

/// [`Import`] with static names.
#[derive(Clone, Debug)]
pub struct StaticImport {
    /// Module name.
    pub module: &'static str,
    /// Field name.
    pub name: &'static str,
    /// What is imported.
    pub ty: ExternType,
}

/// [`Export`] with a static name.
#[derive(Clone, Copy, Debug)]
pub struct StaticExport {
    /// Export name.
    pub name: &'static str,
    /// Kind.
    pub kind: ExportKind,
    /// Index in the kind's index space.
    pub index: u32,
}

/// [`ElemMode`] with a static offset expression.
#[derive(Clone, Copy, Debug)]
pub enum StaticElemMode {
    /// Copied into `table` at `offset` during instantiation.
    Active {
        /// Table index.
        table: u32,
        /// Offset expression.
        offset: &'static [ConstOp],
    },
    /// Available to `table.init`.
    Passive,
    /// Declarative.
    Declared,
}

/// [`ElemSegment`] with static items.
#[derive(Clone, Copy, Debug)]
pub struct StaticElemSegment {
    /// Mode.
    pub mode: StaticElemMode,
    /// Element type.
    pub ty: ValType,
    /// Items, each a constant expression.
    pub items: &'static [&'static [ConstOp]],
}

/// [`DataMode`] with a static offset expression.
#[derive(Clone, Copy, Debug)]
pub enum StaticDataMode {
    /// Copied into `memory` at `offset` during instantiation.
    Active {
        /// Memory index.
        memory: u32,
        /// Offset expression.
        offset: &'static [ConstOp],
    },
    /// Available to `memory.init`.
    Passive,
}

/// [`DataSegment`] with static bytes.
#[derive(Clone, Copy, Debug)]
pub struct StaticDataSegment {
    /// Mode.
    pub mode: StaticDataMode,
    /// Bytes.
    pub bytes: &'static [u8],
}

/// Every field of [`ModuleInfo`], as static data (see the module docs).
#[derive(Clone, Debug)]
pub struct StaticModuleInfo {
    /// [`info_hash`] of the encoding of the `ModuleInfo` this was made from.
    pub info_hash: u64,
    /// [`ModuleInfo::types`].
    pub types: &'static [StaticFuncType],
    /// [`ModuleInfo::imports`].
    pub imports: &'static [StaticImport],
    /// [`ModuleInfo::funcs`].
    pub funcs: &'static [u32],
    /// [`ModuleInfo::num_imported_funcs`].
    pub num_imported_funcs: u32,
    /// [`ModuleInfo::tables`].
    pub tables: &'static [TableType],
    /// [`ModuleInfo::num_imported_tables`].
    pub num_imported_tables: u32,
    /// [`ModuleInfo::memories`].
    pub memories: &'static [MemoryType],
    /// [`ModuleInfo::num_imported_memories`].
    pub num_imported_memories: u32,
    /// [`ModuleInfo::globals`].
    pub globals: &'static [GlobalType],
    /// [`ModuleInfo::num_imported_globals`].
    pub num_imported_globals: u32,
    /// [`ModuleInfo::global_inits`].
    pub global_inits: &'static [&'static [ConstOp]],
    /// [`ModuleInfo::exports`].
    pub exports: &'static [StaticExport],
    /// [`ModuleInfo::start`].
    pub start: Option<u32>,
    /// [`ModuleInfo::elems`].
    pub elems: &'static [StaticElemSegment],
    /// [`ModuleInfo::datas`].
    pub datas: &'static [StaticDataSegment],
    /// [`ModuleInfo::func_names`].
    pub func_names: &'static [(u32, &'static str)],
    /// [`ModuleInfo::table_inits`].
    pub table_inits: &'static [(u32, &'static [ConstOp])],
    /// [`ModuleInfo::tags`].
    pub tags: &'static [u32],
    /// [`ModuleInfo::num_imported_tags`].
    pub num_imported_tags: u32,
    /// [`ModuleInfo::export_order`].
    pub export_order: &'static [u32],
}

fn expr(ops: &[ConstOp]) -> ConstExpr {
    ConstExpr(ops.to_vec())
}

impl StaticModuleInfo {
    /// The owned [`ModuleInfo`].
    pub fn to_info(&self) -> ModuleInfo {
        ModuleInfo {
            types: self.types.iter().map(|t| FuncType { params: t.params.to_vec(), results: t.results.to_vec() }).collect(),
            imports: self
                .imports
                .iter()
                .map(|i| Import { module: String::from(i.module), name: String::from(i.name), ty: i.ty.clone() })
                .collect(),
            funcs: self.funcs.to_vec(),
            num_imported_funcs: self.num_imported_funcs,
            tables: self.tables.to_vec(),
            num_imported_tables: self.num_imported_tables,
            memories: self.memories.to_vec(),
            num_imported_memories: self.num_imported_memories,
            globals: self.globals.to_vec(),
            num_imported_globals: self.num_imported_globals,
            global_inits: self.global_inits.iter().map(|e| expr(e)).collect(),
            exports: self.exports.iter().map(|e| Export { name: String::from(e.name), kind: e.kind, index: e.index }).collect(),
            start: self.start,
            elems: self
                .elems
                .iter()
                .map(|e| ElemSegment {
                    mode: match e.mode {
                        StaticElemMode::Active { table, offset } => ElemMode::Active { table, offset: expr(offset) },
                        StaticElemMode::Passive => ElemMode::Passive,
                        StaticElemMode::Declared => ElemMode::Declared,
                    },
                    ty: e.ty,
                    items: e.items.iter().map(|i| expr(i)).collect(),
                })
                .collect(),
            datas: self
                .datas
                .iter()
                .map(|d| DataSegment {
                    mode: match d.mode {
                        StaticDataMode::Active { memory, offset } => DataMode::Active { memory, offset: expr(offset) },
                        StaticDataMode::Passive => DataMode::Passive,
                    },
                    bytes: d.bytes.to_vec(),
                })
                .collect(),
            func_names: self.func_names.iter().map(|(i, n)| (*i, String::from(*n))).collect(),
            table_inits: self.table_inits.iter().map(|(i, e)| (*i, expr(e))).collect(),
            tags: self.tags.to_vec(),
            num_imported_tags: self.num_imported_tags,
            export_order: self.export_order.to_vec(),
        }
    }
}

/// 64-bit FNV-1a of `bytes`: the fingerprint of a `ModuleInfo` encoding that ties a
/// [`StaticModuleInfo`] to its descriptor.
pub fn info_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
