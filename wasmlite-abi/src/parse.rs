//! Validation and [`ModuleInfo`] extraction (feature `parse`; build-time crates only).
//!
//! [`parse_module`] validates the whole module with `wasmparser` (Wasm 2.0 feature set by
//! default) and describes it as a [`ModuleInfo`]. Every error carries the byte offset
//! wasmparser reports. [`read_wasm_file`] reads a `.wasm` or `.wat` file.

use crate::*;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wasmparser::{
    BinaryReaderError, DataKind, ElementItems, ElementKind, ExternalKind, HeapType, KnownCustom,
    Name, Operator, Parser, Payload, TableInit, TypeRef, Validator, WasmFeatures,
};

extern crate std;

/// A validation or decoding error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the binary module, when there is one (text errors carry line:column in
    /// the message instead).
    pub offset: Option<usize>,
    /// The reason.
    pub message: String,
}

impl core::fmt::Display for ParseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.offset {
            Some(o) => write!(f, "at byte offset {o:#x}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

impl From<BinaryReaderError> for ParseError {
    fn from(e: BinaryReaderError) -> Self {
        ParseError { offset: Some(e.offset() as usize), message: e.message().to_string() }
    }
}

fn err(offset: u64, message: impl Into<String>) -> ParseError {
    ParseError { offset: Some(offset as usize), message: message.into() }
}

/// The feature set wasmlite compiles by default: WebAssembly 2.0 plus the standardised
/// Wasm 3.0 proposals wasmlite implements (tail calls, typed function references, memory64,
/// multi-memory, extended-const, relaxed-simd, exception handling), as Wasmtime enables standardised features
/// by default.
pub fn default_features() -> WasmFeatures {
    WasmFeatures::WASM2
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::FUNCTION_REFERENCES
        | WasmFeatures::MEMORY64
        | WasmFeatures::MULTI_MEMORY
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::RELAXED_SIMD
        | WasmFeatures::EXCEPTIONS
}

/// Every post-2.0 feature wasmlite implements: [`default_features`] plus threads (shared
/// memories and atomics), the not-yet-standardised custom-page-sizes and wide-arithmetic and
/// the legacy exception instructions (`try`/`catch`/`delegate`/`rethrow`, superseded by
/// `try_table`), all off by default.
pub fn supported_features() -> WasmFeatures {
    default_features()
        | WasmFeatures::THREADS
        | WasmFeatures::CUSTOM_PAGE_SIZES
        | WasmFeatures::WIDE_ARITHMETIC
        | WasmFeatures::LEGACY_EXCEPTIONS
}

/// Read a module from a file: binary `.wasm` as is, anything else as WebAssembly text.
/// Errors name the path (and line:column for text).
pub fn read_wasm_file(path: impl AsRef<std::path::Path>) -> Result<Vec<u8>, ParseError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| ParseError {
        offset: None,
        message: format!("cannot read {}: {e}", path.display()),
    })?;
    if bytes.starts_with(b"\0asm") {
        return Ok(bytes);
    }
    match wat::Parser::new().parse_bytes(Some(path), &bytes) {
        Ok(b) => Ok(b.into_owned()),
        Err(e) => Err(ParseError { offset: None, message: e.to_string() }),
    }
}

/// Validate `wasm` (Wasm 2.0) and describe it.
pub fn parse_module(wasm: &[u8]) -> Result<ModuleInfo, ParseError> {
    parse_module_with_features(wasm, default_features())
}

/// Validate `wasm` with the given feature set and describe it.
pub fn parse_module_with_features(
    wasm: &[u8],
    features: WasmFeatures,
) -> Result<ModuleInfo, ParseError> {
    validate(wasm, features)?;
    describe(wasm)
}

/// The builtins (a [`builtin_set`] mask) the code generator calls to translate `op`.
pub fn builtins_for(op: &wasmparser::Operator<'_>) -> u32 {
    use builtin_index::*;
    use wasmparser::Operator as O;
    let index = match op {
        O::MemoryGrow { .. } => MEMORY_GROW,
        O::MemoryFill { .. } => MEMORY_FILL,
        O::MemoryCopy { .. } => MEMORY_COPY,
        O::MemoryInit { .. } => MEMORY_INIT,
        O::DataDrop { .. } => DATA_DROP,
        O::TableGrow { .. } => TABLE_GROW,
        O::TableFill { .. } => TABLE_FILL,
        O::TableCopy { .. } => TABLE_COPY,
        O::TableInit { .. } => TABLE_INIT,
        O::ElemDrop { .. } => ELEM_DROP,
        O::MemoryAtomicWait32 { .. } => MEMORY_ATOMIC_WAIT32,
        O::MemoryAtomicWait64 { .. } => MEMORY_ATOMIC_WAIT64,
        O::MemoryAtomicNotify { .. } => MEMORY_ATOMIC_NOTIFY,
        O::TryTable { .. }
        | O::Throw { .. }
        | O::ThrowRef
        | O::Try { .. }
        | O::Catch { .. }
        | O::CatchAll
        | O::Delegate { .. }
        | O::Rethrow { .. } => return builtin_set::EXCEPTIONS,
        _ => return 0,
    };
    1 << index
}

/// Every builtin the compiled code of `wasm` may call: [`builtin_set::ALWAYS`] and
/// [`builtins_for`] of each operator of each function body. Errors name the byte offset.
pub fn builtins_used(wasm: &[u8]) -> Result<u32, ParseError> {
    let mut parser = Parser::new(0);
    parser.set_features(supported_features());
    let mut set = builtin_set::ALWAYS;
    for payload in parser.parse_all(wasm) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload? {
            let mut ops = body.get_operators_reader()?;
            while !ops.eof() {
                set |= builtins_for(&ops.read()?);
            }
        }
    }
    Ok(set)
}

fn body_len(body: &wasmparser::FunctionBody<'_>) -> usize {
    let r = body.range();
    r.end.saturating_sub(r.start) as usize
}

/// Function body bytes per validation thread (smaller modules validate on the caller's).
const BODY_BYTES_PER_THREAD: usize = 256 << 10;

/// `Validator::validate_all`, with the function bodies validated on all cores: the module's
/// structure first (its first error wins), then the bodies in contiguous chunks, one per
/// thread; the error of the first invalid body in module order is returned, as
/// `validate_all` would.
pub fn validate(wasm: &[u8], features: WasmFeatures) -> Result<(), ParseError> {
    use wasmparser::{FuncValidatorAllocations, ValidPayload};
    let mut validator = Validator::new_with_features(features);
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut funcs = Vec::new();
    let mut body_bytes = 0usize;
    for payload in parser.parse_all(wasm) {
        if let ValidPayload::Func(f, body) = validator.payload(&payload?)? {
            body_bytes += body_len(&body);
            funcs.push((f, body));
        }
    }
    let validate_chunk = |chunk: &mut [_]| -> Result<(), ParseError> {
        let mut allocs = FuncValidatorAllocations::default();
        for (f, body) in chunk.iter_mut().map(|(f, b): &mut (Option<_>, _)| (f.take(), b)) {
            let Some(f): Option<wasmparser::FuncToValidate<_>> = f else { continue };
            let mut v = f.into_validator(allocs);
            v.validate(body)?;
            allocs = v.into_allocations();
        }
        Ok(())
    };
    let mut funcs: Vec<(Option<_>, wasmparser::FunctionBody<'_>)> = funcs.into_iter().map(|(f, b)| (Some(f), b)).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(body_bytes / BODY_BYTES_PER_THREAD).max(1);
    if threads == 1 {
        return validate_chunk(&mut funcs);
    }
    // Contiguous chunks of about equal body size, in module order.
    let mut chunks: Vec<&mut [_]> = Vec::with_capacity(threads);
    let mut rest: &mut [_] = &mut funcs;
    let per = body_bytes.div_ceil(threads);
    while !rest.is_empty() {
        let mut size = 0usize;
        let n = rest
            .iter()
            .position(|(_, b): &(Option<_>, wasmparser::FunctionBody<'_>)| {
                size += body_len(b);
                size >= per
            })
            .map_or(rest.len(), |k| k + 1);
        let (head, tail) = core::mem::take(&mut rest).split_at_mut(n);
        chunks.push(head);
        rest = tail;
    }
    let results: Vec<Result<(), ParseError>> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks.into_iter().map(|c| s.spawn(move || validate_chunk(c))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(err(0, "function validation panicked".to_string()))))
            .collect()
    });
    for r in results {
        r?;
    }
    Ok(())
}

/// Convert a wasmparser value type (funcref/externref only); `offset` is used in the error.
pub fn val_type(t: wasmparser::ValType, offset: u64) -> Result<ValType, ParseError> {
    use wasmparser::ValType as W;
    Ok(match t {
        W::I32 => ValType::I32,
        W::I64 => ValType::I64,
        W::F32 => ValType::F32,
        W::F64 => ValType::F64,
        W::V128 => ValType::V128,
        W::Ref(r) => ref_type(r, offset)?,
    })
}

fn ref_type(r: wasmparser::RefType, offset: u64) -> Result<ValType, ParseError> {
    use wasmparser::AbstractHeapType as A;
    let heap = match r.heap_type() {
        HeapType::Abstract { shared: false, ty: A::Func } => crate::HeapType::Func,
        HeapType::Abstract { shared: false, ty: A::Extern } => crate::HeapType::Extern,
        HeapType::Abstract { shared: false, ty: A::NoFunc } => crate::HeapType::NoFunc,
        HeapType::Abstract { shared: false, ty: A::NoExtern } => crate::HeapType::NoExtern,
        HeapType::Abstract { shared: false, ty: A::Exn } => crate::HeapType::Exn,
        HeapType::Abstract { shared: false, ty: A::NoExn } => crate::HeapType::NoExn,
        HeapType::Concrete(i) | HeapType::Exact(i) => match i.as_module_index() {
            Some(n) => crate::HeapType::Concrete(n),
            None => return Err(err(offset, format!("unsupported reference type {r}"))),
        },
        _ => return Err(err(offset, format!("unsupported reference type {r}"))),
    };
    Ok(crate::RefType { nullable: r.is_nullable(), heap }.val_type())
}

/// The representation of `ref.null <h>` (`FuncRef` or `ExternRef`).
fn heap_type(h: HeapType, offset: u64) -> Result<ValType, ParseError> {
    let r = wasmparser::RefType::new(true, h).ok_or_else(|| err(offset, format!("unsupported heap type {h:?}")))?;
    Ok(ref_type(r, offset)?.repr())
}

fn table_type(t: wasmparser::TableType, offset: u64) -> Result<TableType, ParseError> {
    if t.shared {
        return Err(err(offset, "shared tables are not supported"));
    }
    Ok(TableType { elem: ref_type(t.element_type, offset)?, min: t.initial, max: t.maximum, table64: t.table64 })
}

fn memory_type(m: wasmparser::MemoryType, offset: u64) -> Result<MemoryType, ParseError> {
    let page_size_log2 = match m.page_size_log2 {
        None | Some(16) => 16,
        Some(0) => 0,
        Some(p) => return Err(err(offset, format!("unsupported page size 2^{p}"))),
    };
    Ok(MemoryType { min: m.initial, max: m.maximum, memory64: m.memory64, shared: m.shared, page_size_log2 })
}

fn global_type(g: wasmparser::GlobalType, offset: u64) -> Result<GlobalType, ParseError> {
    Ok(GlobalType { ty: val_type(g.content_type, offset)?, mutable: g.mutable })
}

fn const_expr(e: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, ParseError> {
    let mut reader = e.get_operators_reader();
    let mut ops = Vec::new();
    loop {
        let offset = reader.original_position();
        let op = reader.read()?;
        ops.push(match op {
            Operator::End => break,
            Operator::I32Const { value } => ConstOp::I32Const(value),
            Operator::I64Const { value } => ConstOp::I64Const(value),
            Operator::F32Const { value } => ConstOp::F32Const(value.bits()),
            Operator::F64Const { value } => ConstOp::F64Const(value.bits()),
            Operator::V128Const { value } => ConstOp::V128Const(u128::from_le_bytes(*value.bytes())),
            Operator::RefNull { hty } => ConstOp::RefNull(heap_type(hty, offset)?),
            Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            Operator::I32Add => ConstOp::I32Add,
            Operator::I32Sub => ConstOp::I32Sub,
            Operator::I32Mul => ConstOp::I32Mul,
            Operator::I64Add => ConstOp::I64Add,
            Operator::I64Sub => ConstOp::I64Sub,
            Operator::I64Mul => ConstOp::I64Mul,
            other => {
                return Err(err(offset, format!("unsupported constant expression operator {other:?}")))
            }
        });
    }
    Ok(ConstExpr(ops.into()))
}

/// Describe an already validated module.
fn describe(wasm: &[u8]) -> Result<ModuleInfo, ParseError> {
    let mut info = ModuleInfo::default();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(r) => {
                let offset = r.range().start;
                for ty in r.into_iter_err_on_gc_types() {
                    let ty = ty?;
                    let params =
                        ty.params().iter().map(|t| val_type(*t, offset)).collect::<Result<_, _>>()?;
                    let results =
                        ty.results().iter().map(|t| val_type(*t, offset)).collect::<Result<_, _>>()?;
                    info.types.to_mut().push(FuncType { params, results });
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports_with_offsets() {
                    let (offset, imp) = imp?;
                    
                    let ty = match imp.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            info.funcs.to_mut().push(t);
                            info.num_imported_funcs += 1;
                            ExternType::Func(t)
                        }
                        TypeRef::Table(t) => {
                            let t = table_type(t, offset)?;
                            info.tables.to_mut().push(t);
                            info.num_imported_tables += 1;
                            ExternType::Table(t)
                        }
                        TypeRef::Memory(m) => {
                            let m = memory_type(m, offset)?;
                            info.memories.to_mut().push(m);
                            info.num_imported_memories += 1;
                            ExternType::Memory(m)
                        }
                        TypeRef::Global(g) => {
                            let g = global_type(g, offset)?;
                            info.globals.to_mut().push(g);
                            info.num_imported_globals += 1;
                            ExternType::Global(g)
                        }
                        TypeRef::Tag(t) => {
                            info.tags.to_mut().push(t.func_type_idx);
                            info.num_imported_tags += 1;
                            ExternType::Tag(t.func_type_idx)
                        }
                    };
                    info.imports.to_mut().push(Import {
                        module: imp.module.to_string().into(),
                        name: imp.name.to_string().into(),
                        ty,
                    });
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    info.funcs.to_mut().push(t?);
                }
            }
            Payload::TableSection(r) => {
                let offset = r.range().start;
                for t in r {
                    let t = t?;
                    if let TableInit::Expr(e) = &t.init {
                        info.table_inits.to_mut().push((info.tables.len() as u32, const_expr(e)?));
                    }
                    info.tables.to_mut().push(table_type(t.ty, offset)?);
                }
            }
            Payload::MemorySection(r) => {
                let offset = r.range().start;
                for m in r {
                    info.memories.to_mut().push(memory_type(m?, offset)?);
                }
            }
            Payload::GlobalSection(r) => {
                let offset = r.range().start;
                for g in r {
                    let g = g?;
                    info.globals.to_mut().push(global_type(g.ty, offset)?);
                    info.global_inits.to_mut().push(const_expr(&g.init_expr)?);
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    let kind = match e.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => ExportKind::Func,
                        ExternalKind::Table => ExportKind::Table,
                        ExternalKind::Memory => ExportKind::Memory,
                        ExternalKind::Global => ExportKind::Global,
                        ExternalKind::Tag => ExportKind::Tag,
                    };
                    info.exports.to_mut().push(Export { name: e.name.to_string().into(), kind, index: e.index });
                }
            }
            Payload::StartSection { func, .. } => info.start = Some(func),
            Payload::ElementSection(r) => {
                for e in r {
                    let e = e?;
                    let offset = e.range.start;
                    let mode = match e.kind {
                        ElementKind::Passive => ElemMode::Passive,
                        ElementKind::Declared => ElemMode::Declared,
                        ElementKind::Active { table_index, offset_expr } => ElemMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let (ty, items) = match e.items {
                        ElementItems::Functions(funcs) => {
                            let mut items = Vec::new();
                            for f in funcs {
                                items.push(ConstExpr(alloc::vec![ConstOp::RefFunc(f?)].into()));
                            }
                            (ValType::FuncRef, items)
                        }
                        ElementItems::Expressions(rt, exprs) => {
                            let mut items = Vec::new();
                            for x in exprs {
                                items.push(const_expr(&x?)?);
                            }
                            (ref_type(rt, offset)?, items)
                        }
                    };
                    info.elems.to_mut().push(ElemSegment { mode, ty, items: items.into() });
                }
            }
            Payload::DataSection(r) => {
                for d in r {
                    let d = d?;
                    let mode = match d.kind {
                        DataKind::Passive => DataMode::Passive,
                        DataKind::Active { memory_index, offset_expr } => DataMode::Active {
                            memory: memory_index,
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    info.datas.to_mut().push(DataSegment { mode, bytes: d.data.to_vec().into() });
                }
            }
            Payload::CustomSection(c) => {
                // A malformed name section does not make a module invalid: ignore it.
                if let KnownCustom::Name(names) = c.as_known() {
                    for n in names.into_iter().flatten() {
                        if let Name::Function(map) = n {
                            for naming in map.into_iter().flatten() {
                                info.func_names.to_mut().push((naming.index, naming.name.to_string().into()));
                            }
                        }
                    }
                }
            }
            Payload::TagSection(r) => {
                for t in r {
                    info.tags.to_mut().push(t?.func_type_idx);
                }
            }
            _ => {}
        }
    }
    info.index_exports();
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The builtins a module may call: `throw_ref` always (import stubs), then one per bulk,
    /// table and atomic operator used, the three exception builtins for any exception
    /// instruction; truncated code is an error with its offset.
    #[test]
    fn builtins_used_follows_the_operators() {
        use builtin_index::*;
        let set = |wat: &str| builtins_used(&wat::parse_str(wat).unwrap()).unwrap();
        assert_eq!(set("(module (func (result i32) i32.const 1))"), builtin_set::ALWAYS);
        let mem = set(r#"(module (memory 1) (data "x")
            (func (drop (memory.grow (i32.const 1))) (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
                  (data.drop 0)))"#);
        assert_eq!(mem, builtin_set::ALWAYS | 1 << MEMORY_GROW | 1 << MEMORY_COPY | 1 << DATA_DROP);
        let tab = set(r#"(module (table 1 funcref) (elem func 0)
            (func (table.init 0 (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop 0)
                  (table.fill 0 (i32.const 0) (ref.null func) (i32.const 0))))"#);
        assert_eq!(tab, builtin_set::ALWAYS | 1 << TABLE_INIT | 1 << ELEM_DROP | 1 << TABLE_FILL);
        let atomics = set(r#"(module (memory 1 1 shared)
            (func (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))))"#);
        assert_eq!(atomics, builtin_set::ALWAYS | 1 << MEMORY_ATOMIC_NOTIFY);
        let exn = set("(module (tag) (func (block (try_table (catch_all 0) (throw 0)))))");
        assert_eq!(exn, builtin_set::ALWAYS | builtin_set::EXCEPTIONS);
        // A module cut inside its code section.
        let bin = wat::parse_str("(module (func (drop (memory.grow (i32.const 1)))) (memory 1))").unwrap();
        let e = builtins_used(&bin[..bin.len() - 3]).unwrap_err();
        assert!(e.offset.is_some(), "{e}");
    }

    /// The optional instantiation parts a module needs: none for functions, a memory,
    /// globals and data; one per kind of non-function import, shared memory, and table use
    /// (a table, or element segments alone).
    #[test]
    fn instance_parts_follow_the_module() {
        use crate::instance_parts::*;
        let parse = |wat: &str| parse_module_with_features(&wat::parse_str(wat).unwrap(), supported_features());
        let parts = |wat: &str| {
            let bin = wat::parse_str(wat).unwrap();
            used(&parse(wat).unwrap(), builtins_used(&bin).unwrap())
        };
        let plain = r#"(module (import "env" "f" (func)) (memory 1) (global (mut i32) (i32.const 0))
            (data (i32.const 0) "x") (func (export "g") call 0))"#;
        assert_eq!(parts(plain), 0);
        assert_eq!(parts(r#"(module (import "env" "m" (memory 1)))"#), IMPORTS);
        assert_eq!(parts(r#"(module (import "env" "g" (global i32)))"#), IMPORTS);
        assert_eq!(parts(r#"(module (import "env" "t" (table 1 funcref)))"#), IMPORTS | TABLES);
        assert_eq!(parts("(module (memory 1 1 shared))"), SHARED_MEMORY);
        assert_eq!(parts("(module (table 1 funcref))"), TABLES);
        assert_eq!(parts("(module (func $f) (elem declare func $f))"), TABLES);
        // Exception handling in the code; a tag alone is not.
        assert_eq!(parts("(module (tag $t) (func (throw $t)))"), EXCEPTIONS);
        assert_eq!(parts("(module (func (block $h (try_table (catch_all $h)))))"), EXCEPTIONS);
        assert_eq!(parts("(module (tag $t))"), 0);
    }

    /// Exports are found by name through `export_order` (sorted at build time), in any
    /// declaration order; a name that is absent, or a prefix of one, is not found.
    #[test]
    fn export_lookup_by_name() {
        let names = ["zeta", "alpha", "mid", "alphabet", "b", "", "\u{e9}t\u{e9}"];
        let mut wat = String::from("(module");
        for (k, n) in names.iter().enumerate() {
            wat.push_str(&format!(" (func (export \"{n}\") (result i32) i32.const {k})"));
        }
        wat.push(')');
        let info = parse_module(&wat::parse_str(&wat).unwrap()).unwrap();
        let sorted: Vec<&str> = info.export_order.iter().map(|&i| &*info.exports[i as usize].name).collect();
        assert_eq!(sorted, ["", "alpha", "alphabet", "b", "mid", "zeta", "\u{e9}t\u{e9}"]);
        for (k, n) in names.iter().enumerate() {
            assert_eq!(info.export(n).map(|e| e.index), Some(k as u32), "{n:?}");
        }
        for absent in ["alph", "zz", "a", "mid "] {
            assert!(info.export(absent).is_none(), "{absent:?}");
        }
        // Without the index (hand-made info), lookups scan.
        let unindexed = ModuleInfo { export_order: Vec::new().into(), ..info.clone() };
        assert_eq!(unindexed.export("b").map(|e| e.index), Some(4));
    }

    /// A module big enough to validate its bodies on several threads reports the same
    /// error as `validate_all`: that of the first invalid body in module order.
    #[test]
    fn parallel_validation_reports_the_first_invalid_body() {
        let module = |bad: &[usize]| {
            let mut s = String::from("(module\n");
            for k in 0..4000 {
                s.push_str("(func (param i32) (result i32) local.get 0");
                for _ in 0..100 {
                    s.push_str(" i32.const 3 i32.mul");
                }
                // An i64 operand for i32.add: a type mismatch in function k.
                s.push_str(if bad.contains(&k) { " i64.const 1 i32.add)\n" } else { " i32.const 1 i32.add)\n" });
            }
            s.push(')');
            wat::parse_str(&s).unwrap()
        };
        let features = WasmFeatures::default();
        let good = module(&[]);
        assert!(good.len() > 2 * BODY_BYTES_PER_THREAD, "{} bytes: too small to use threads", good.len());
        assert_eq!(validate(&good, features), Ok(()));
        for bad in [&[3999][..], &[2500, 3990], &[10, 2000, 3999]] {
            let wasm = module(bad);
            let want = Validator::new_with_features(features).validate_all(&wasm).map(|_| ()).map_err(ParseError::from);
            assert!(want.is_err());
            assert_eq!(validate(&wasm, features), want, "invalid bodies {bad:?}");
        }
    }

    #[test]
    fn describes_a_module() {
        let wasm = wat::parse_str(
            r#"(module
                (import "env" "log" (func $log (param i32 i32)))
                (import "env" "g" (global $g i32))
                (memory (export "memory") 1 2)
                (table 4 funcref)
                (global $h (mut i64) (i64.const 7))
                (func $add (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
                (elem (i32.const 1) $add)
                (data (global.get $g) "hi")
                (start $add2)
                (func $add2))"#,
        )
        .unwrap();
        let info = parse_module(&wasm).unwrap();
        assert_eq!(info.num_imported_funcs, 1);
        assert_eq!(info.funcs.len(), 3);
        assert_eq!(info.func_type(1).unwrap().params, alloc::vec![ValType::I32, ValType::I32]);
        assert_eq!(info.memories[0].max, Some(2));
        assert_eq!(info.tables[0].min, 4);
        assert_eq!(info.global_inits, alloc::vec![ConstExpr(alloc::vec![ConstOp::I64Const(7)].into())]);
        assert_eq!(info.elems[0].items[0].0, alloc::vec![ConstOp::RefFunc(1)]);
        assert_eq!(info.start, Some(2));
        assert_eq!(info.func_name(1), Some("add"));
        assert!(matches!(&info.datas[0].mode, DataMode::Active { offset, .. } if offset.0 == alloc::vec![ConstOp::GlobalGet(0)]));
    }

    #[test]
    fn invalid_module_reports_offset() {
        let wasm = wat::parse_str("(module (func (result i32) i64.const 1))").unwrap();
        let e = parse_module(&wasm).unwrap_err();
        assert!(e.offset.is_some());
        assert!(e.message.contains("type mismatch"), "{e}");
        let e = parse_module(b"\0asm\x02\0\0\0").unwrap_err();
        assert_eq!(e.offset, Some(4));
    }

    #[test]
    fn text_errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("wasmlite-abi-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("bad.wat");
        std::fs::write(&p, "(module (func (result i32) i32.konst 1))").unwrap();
        let e = read_wasm_file(&p).unwrap_err();
        assert!(e.message.contains("bad.wat"), "{e}");
        let e = read_wasm_file(dir.join("missing.wasm")).unwrap_err();
        assert!(e.message.contains("missing.wasm"), "{e}");
    }
}
