//! [`ModuleInfo`]: the static description of a module that the runtime instantiates from.
//!
//! Produced by `wasmlite-codegen` from the wasm binary, serialised with `postcard` into the
//! object file (see [`crate::ModuleDescriptor::info`]) and decoded by the runtime.
//! Function, table, memory and global index spaces list imports first, as in wasm.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// A list in a [`ModuleInfo`]: owned when decoded or parsed, borrowed from static data when
/// `include_wasm!` emits the module's `ModuleInfo` as a constant (no copy at load time).
pub type List<T> = Cow<'static, [T]>;

/// A name in a [`ModuleInfo`] (owned or static, as [`List`]).
pub type Name = Cow<'static, str>;

/// A value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ValType {
    /// i32
    I32,
    /// i64
    I64,
    /// f32
    F32,
    /// f64
    F64,
    /// v128
    V128,
    /// funcref (nullable)
    FuncRef,
    /// externref (nullable)
    ExternRef,
    /// Any other reference type (function-references proposal): `(ref null? <heap type>)`.
    /// Canonical form: `(ref null func)` is always [`ValType::FuncRef`] and `(ref null extern)`
    /// always [`ValType::ExternRef`], never `Ref`.
    Ref(RefType),
}

/// A heap type (what a reference points to). Concrete types are module-local type indices;
/// the runtime compares them through canonical type ids. Room for GC's heap types later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HeapType {
    /// `func`: any function.
    Func,
    /// `extern`: any external reference.
    Extern,
    /// `nofunc`: the bottom of the function hierarchy (only null).
    NoFunc,
    /// `noextern`: the bottom of the extern hierarchy (only null).
    NoExtern,
    /// A function of type index `n` of the module.
    Concrete(u32),
    /// `exn`: any exception (exception handling).
    Exn,
    /// `noexn`: the bottom of the exception hierarchy (only null).
    NoExn,
}

/// A reference type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RefType {
    /// Whether null is a value of the type.
    pub nullable: bool,
    /// What the reference points to.
    pub heap: HeapType,
}

impl RefType {
    /// The value type of this reference type, in canonical form (see [`ValType::Ref`]).
    pub fn val_type(self) -> ValType {
        match self {
            RefType { nullable: true, heap: HeapType::Func } => ValType::FuncRef,
            RefType { nullable: true, heap: HeapType::Extern } => ValType::ExternRef,
            r => ValType::Ref(r),
        }
    }
}

impl ValType {
    /// `exnref` = `(ref null exn)` (exception handling): the top of the exception hierarchy,
    /// its own representation (see [`ValType::repr`]).
    pub const EXNREF: ValType = ValType::Ref(RefType { nullable: true, heap: HeapType::Exn });

    /// The wasm binary encoding of the type.
    pub fn code(self) -> u8 {
        match self {
            ValType::I32 => 0x7f,
            ValType::I64 => 0x7e,
            ValType::F32 => 0x7d,
            ValType::F64 => 0x7c,
            ValType::V128 => 0x7b,
            ValType::FuncRef => 0x70,
            ValType::ExternRef => 0x6f,
            ValType::Ref(r) if r.nullable => 0x63,
            ValType::Ref(_) => 0x64,
        }
    }
    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef | ValType::Ref(_))
    }
    /// The representation of the type: a reference type's top type (`FuncRef` for function
    /// references, `ExternRef` for external ones), any other type itself. Values of a type are
    /// stored, passed and converted exactly like values of its representation.
    pub fn repr(self) -> ValType {
        match self {
            ValType::Ref(RefType { heap: HeapType::Extern | HeapType::NoExtern, .. }) => ValType::ExternRef,
            ValType::Ref(RefType { heap: HeapType::Exn | HeapType::NoExn, .. }) => ValType::EXNREF,
            ValType::Ref(_) => ValType::FuncRef,
            t => t,
        }
    }
    /// Whether null is a value of the type (false for non-reference types).
    pub fn nullable(self) -> bool {
        match self {
            ValType::FuncRef | ValType::ExternRef => true,
            ValType::Ref(r) => r.nullable,
            _ => false,
        }
    }
}

impl core::fmt::Display for ValType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if let ValType::Ref(r) = self {
            f.write_str(if r.nullable { "(ref null " } else { "(ref " })?;
            return match r.heap {
                HeapType::Func => f.write_str("func)"),
                HeapType::Extern => f.write_str("extern)"),
                HeapType::NoFunc => f.write_str("nofunc)"),
                HeapType::NoExtern => f.write_str("noextern)"),
                HeapType::Concrete(n) => write!(f, "{n})"),
                HeapType::Exn => f.write_str("exn)"),
                HeapType::NoExn => f.write_str("noexn)"),
            };
        }
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
            ValType::Ref(_) => "",
        })
    }
}

/// A function type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FuncType {
    /// Parameter types.
    pub params: List<ValType>,
    /// Result types.
    pub results: List<ValType>,
}

impl core::fmt::Display for FuncType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("(func")?;
        if !self.params.is_empty() {
            f.write_str(" (param")?;
            for p in self.params.iter() {
                write!(f, " {p}")?;
            }
            f.write_str(")")?;
        }
        if !self.results.is_empty() {
            f.write_str(" (result")?;
            for r in self.results.iter() {
                write!(f, " {r}")?;
            }
            f.write_str(")")?;
        }
        f.write_str(")")
    }
}

/// A table type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableType {
    /// Element type (`FuncRef` or `ExternRef`).
    pub elem: ValType,
    /// Minimum size in elements.
    pub min: u64,
    /// Maximum size in elements.
    pub max: Option<u64>,
    /// 64-bit indices (memory64 proposal: `i64` index operands and sizes).
    #[serde(default)]
    pub table64: bool,
}

/// A memory type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryType {
    /// Minimum size in pages.
    pub min: u64,
    /// Maximum size in pages.
    pub max: Option<u64>,
    /// 64-bit addresses (memory64 proposal).
    pub memory64: bool,
    /// Shared (threads proposal).
    pub shared: bool,
    /// log2 of the page size in bytes: 16 (64 KiB, the default) or 0 (1 byte, the
    /// custom-page-sizes proposal). `min`, `max` and `memory.size`/`grow` count these pages.
    #[serde(default = "default_page_size_log2")]
    pub page_size_log2: u8,
}

fn default_page_size_log2() -> u8 {
    16
}

impl MemoryType {
    /// A non-shared memory with 64 KiB pages (`memory64`: 64-bit addresses).
    pub const fn new(min: u64, max: Option<u64>, memory64: bool) -> MemoryType {
        MemoryType { min, max, memory64, shared: false, page_size_log2: 16 }
    }

    /// The page size in bytes.
    pub const fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }
}

impl TableType {
    /// A table with 32-bit indices.
    pub const fn new(elem: ValType, min: u64, max: Option<u64>) -> TableType {
        TableType { elem, min, max, table64: false }
    }
}

/// A global type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlobalType {
    /// Value type.
    pub ty: ValType,
    /// Mutable?
    pub mutable: bool,
}

/// One operator of a constant expression (evaluated by the runtime at instantiation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConstOp {
    /// `i32.const`
    I32Const(i32),
    /// `i64.const`
    I64Const(i64),
    /// `f32.const` (bits)
    F32Const(u32),
    /// `f64.const` (bits)
    F64Const(u64),
    /// `v128.const`
    V128Const(u128),
    /// `ref.null` of the given type.
    RefNull(ValType),
    /// `ref.func`
    RefFunc(u32),
    /// `global.get`
    GlobalGet(u32),
    /// `i32.add` (extended-const)
    I32Add,
    /// `i32.sub`
    I32Sub,
    /// `i32.mul`
    I32Mul,
    /// `i64.add`
    I64Add,
    /// `i64.sub`
    I64Sub,
    /// `i64.mul`
    I64Mul,
}

/// A constant expression: a sequence of [`ConstOp`]s leaving one value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstExpr(pub List<ConstOp>);

/// What an import or export refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExternType {
    /// A function of the given type index.
    Func(u32),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
    /// An exception tag of the given (function) type index; its results are empty.
    Tag(u32),
}

/// An import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// Module name.
    pub module: Name,
    /// Field name.
    pub name: Name,
    /// What is imported (it takes the next index of its kind).
    pub ty: ExternType,
}

/// Kind of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// Function.
    Func,
    /// Table.
    Table,
    /// Memory.
    Memory,
    /// Global.
    Global,
    /// Exception tag.
    Tag,
}

/// An export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    /// Export name.
    pub name: Name,
    /// Kind.
    pub kind: ExportKind,
    /// Index in the kind's index space.
    pub index: u32,
}

/// How an element segment is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ElemMode {
    /// Copied into `table` at `offset` during instantiation, then dropped.
    Active {
        /// Table index.
        table: u32,
        /// Offset expression.
        offset: ConstExpr,
    },
    /// Available to `table.init`.
    Passive,
    /// Declarative: dropped at instantiation.
    Declared,
}

/// An element segment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElemSegment {
    /// Mode.
    pub mode: ElemMode,
    /// Element type.
    pub ty: ValType,
    /// Items, each a constant expression (`ref.func`, `ref.null`, `global.get`).
    pub items: List<ConstExpr>,
}

/// How a data segment is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataMode {
    /// Copied into `memory` at `offset` during instantiation, then dropped.
    Active {
        /// Memory index.
        memory: u32,
        /// Offset expression.
        offset: ConstExpr,
    },
    /// Available to `memory.init`.
    Passive,
}

/// A data segment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSegment {
    /// Mode.
    pub mode: DataMode,
    /// Bytes.
    pub bytes: List<u8>,
}

/// Static description of a module.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleInfo {
    /// Function types (the type section).
    pub types: List<FuncType>,
    /// Imports in order.
    pub imports: List<Import>,
    /// Type index of every function (imported first).
    pub funcs: List<u32>,
    /// Number of imported functions.
    pub num_imported_funcs: u32,
    /// Every table (imported first).
    pub tables: List<TableType>,
    /// Number of imported tables.
    pub num_imported_tables: u32,
    /// Every memory (imported first).
    pub memories: List<MemoryType>,
    /// Number of imported memories.
    pub num_imported_memories: u32,
    /// Every global (imported first).
    pub globals: List<GlobalType>,
    /// Number of imported globals.
    pub num_imported_globals: u32,
    /// Initialiser of every *defined* global (`globals.len() - num_imported_globals` entries).
    pub global_inits: List<ConstExpr>,
    /// Exports.
    pub exports: List<Export>,
    /// Start function.
    pub start: Option<u32>,
    /// Element segments.
    pub elems: List<ElemSegment>,
    /// Data segments.
    pub datas: List<DataSegment>,
    /// Function names from the name section (function index, name).
    pub func_names: List<(u32, Name)>,
    /// Initialiser of every *defined* table that has one (function-references proposal:
    /// `(table n (ref $t) expr)`), as (table index, expression); other tables start null.
    pub table_inits: List<(u32, ConstExpr)>,
    /// Type index of every exception tag (imported first; exception handling).
    #[serde(default)]
    pub tags: List<u32>,
    /// Number of imported tags.
    #[serde(default)]
    pub num_imported_tags: u32,
    /// Positions in `exports` in the order of their names (filled at build time, so that
    /// [`ModuleInfo::export`] is a binary search without sorting code in the runtime); when
    /// it does not list every export, `export` scans instead.
    #[serde(default)]
    pub export_order: List<u32>,
}

impl ModuleInfo {
    /// Internal consistency (counts, type and function indices in range), so that code
    /// indexing the info by its own indices cannot go out of bounds. The reason of the first
    /// inconsistency found.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.num_imported_funcs as usize > self.funcs.len() {
            return Err("more imported functions than functions");
        }
        if self.funcs.iter().any(|&t| t as usize >= self.types.len()) {
            return Err("function type index out of range");
        }
        if self.num_imported_globals as usize > self.globals.len()
            || self.global_inits.len() != self.globals.len() - self.num_imported_globals as usize
        {
            return Err("global counts differ");
        }
        if self.num_imported_memories as usize > self.memories.len() || self.num_imported_tables as usize > self.tables.len() {
            return Err("import counts differ");
        }
        if self.num_imported_tags as usize > self.tags.len() || self.tags.iter().any(|&t| t as usize >= self.types.len()) {
            return Err("tag counts or tag type index out of range");
        }
        let (mut f, mut t, mut m, mut g, mut tg) = (0u32, 0u32, 0u32, 0u32, 0u32);
        for imp in self.imports.iter() {
            match imp.ty {
                crate::info::ExternType::Func(ty) => {
                    if self.funcs.get(f as usize) != Some(&ty) {
                        return Err("imported function type differs");
                    }
                    f += 1
                }
                crate::info::ExternType::Table(_) => t += 1,
                crate::info::ExternType::Memory(_) => m += 1,
                crate::info::ExternType::Global(_) => g += 1,
                crate::info::ExternType::Tag(ty) => {
                    if self.tags.get(tg as usize) != Some(&ty) {
                        return Err("imported tag type differs");
                    }
                    tg += 1
                }
            }
        }
        if tg != self.num_imported_tags {
            return Err("import list and tag counts differ");
        }
        if f != self.num_imported_funcs || t != self.num_imported_tables || m != self.num_imported_memories || g != self.num_imported_globals {
            return Err("import list and import counts differ");
        }
        if let Some(s) = self.start {
            if s as usize >= self.funcs.len() {
                return Err("start function out of range");
            }
        }
        for e in self.exports.iter() {
            let n = match e.kind {
                crate::info::ExportKind::Func => self.funcs.len(),
                crate::info::ExportKind::Table => self.tables.len(),
                crate::info::ExportKind::Memory => self.memories.len(),
                crate::info::ExportKind::Global => self.globals.len(),
                crate::info::ExportKind::Tag => self.tags.len(),
            };
            if e.index as usize >= n {
                return Err("export index out of range");
            }
        }
        Ok(())
    }

    /// The type of function `index`.
    pub fn func_type(&self, index: u32) -> Option<&FuncType> {
        self.types.get(*self.funcs.get(index as usize)? as usize)
    }

    /// The name of function `index` (name section, else an export name).
    pub fn func_name(&self, index: u32) -> Option<&str> {
        self.func_names
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, n)| &**n)
            .or_else(|| {
                self.exports
                    .iter()
                    .find(|e| e.kind == ExportKind::Func && e.index == index)
                    .map(|e| &*e.name)
            })
    }

    /// Find an export by name.
    pub fn export(&self, name: &str) -> Option<&Export> {
        if self.export_order.len() != self.exports.len() {
            return self.exports.iter().find(|e| e.name == name);
        }
        let name_at = |i: u32| self.exports.get(i as usize).map_or("", |e| &*e.name);
        let k = self.export_order.binary_search_by(|&i| name_at(i).cmp(name)).ok()?;
        self.exports.get(*self.export_order.get(k)? as usize).filter(|e| e.name == name)
    }

    /// Fill [`ModuleInfo::export_order`] from `exports`.
    #[cfg(feature = "parse")]
    pub fn index_exports(&mut self) {
        let mut order: Vec<u32> = (0..self.exports.len() as u32).collect();
        order.sort_by(|&a, &b| self.exports[a as usize].name.cmp(&self.exports[b as usize].name));
        self.export_order = order.into();
    }

    /// Serialise (the format stored in the descriptor).
    pub fn encode(&self) -> Vec<u8> {
        // Serialising plain data into a Vec cannot fail.
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// Deserialise; `None` if the bytes are not a valid encoding.
    pub fn decode(bytes: &[u8]) -> Option<ModuleInfo> {
        postcard::from_bytes(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn roundtrip() {
        let info = ModuleInfo {
            types: vec![FuncType { params: vec![ValType::I32].into(), results: vec![ValType::V128].into() }].into(),
            funcs: vec![0].into(),
            global_inits: vec![ConstExpr(vec![ConstOp::V128Const(u128::MAX), ConstOp::I32Add].into())].into(),
            datas: vec![DataSegment { mode: DataMode::Passive, bytes: vec![1, 2, 3].into() }].into(),
            ..Default::default()
        };
        let bytes = info.encode();
        assert_eq!(ModuleInfo::decode(&bytes), Some(info));
        assert_eq!(ModuleInfo::decode(&[0xff, 0xff]), None);
    }

    /// `check` accepts a consistent info and names the first out-of-range index of others.
    #[test]
    fn check_finds_inconsistencies() {
        let ty = FuncType { params: vec![].into(), results: vec![].into() };
        let ok = ModuleInfo {
            types: vec![ty].into(),
            funcs: vec![0].into(),
            exports: vec![Export { name: "f".into(), kind: ExportKind::Func, index: 0 }].into(),
            start: Some(0),
            ..Default::default()
        };
        assert_eq!(ok.check(), Ok(()));
        let bad_export = ModuleInfo {
            exports: vec![Export { name: "g".into(), kind: ExportKind::Func, index: 1 }].into(),
            ..ok.clone()
        };
        assert_eq!(bad_export.check(), Err("export index out of range"));
        let bad_type = ModuleInfo { funcs: vec![1].into(), ..ok.clone() };
        assert_eq!(bad_type.check(), Err("function type index out of range"));
        let bad_start = ModuleInfo { start: Some(2), ..ok.clone() };
        assert_eq!(bad_start.check(), Err("start function out of range"));
        let bad_imports = ModuleInfo { num_imported_funcs: 1, ..ok };
        assert_eq!(bad_imports.check(), Err("import list and import counts differ"));
    }
}
