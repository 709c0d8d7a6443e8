//! The [`wasmlite_abi::StaticModuleInfo`] of a module, as Rust tokens (a constant expression):
//! its `ModuleInfo` with every list and name borrowed (`List::Borrowed`, `Name::Borrowed`).

use proc_macro2::{Literal, TokenStream as TokenStream2};
use quote::quote;
use wasmlite_abi::{
    ConstExpr, ConstOp, DataMode, ElemMode, ExportKind, ExternType, GlobalType, HeapType, MemoryType, ModuleInfo, RefType,
    TableType, ValType,
};

/// `::wasmlite_rt::abi::StaticModuleInfo { .. }` for `info`.
pub(crate) fn static_info(info: &ModuleInfo) -> TokenStream2 {
    let hash = Literal::u64_suffixed(wasmlite_abi::info_hash(&info.encode()));
    let types = info.types.iter().map(|t| {
        let (p, r) = (valtypes(&t.params), valtypes(&t.results));
        quote!(::wasmlite_rt::abi::FuncType { params: #p, results: #r })
    });
    let imports = info.imports.iter().map(|i| {
        let (m, n, ty) = (name(&i.module), name(&i.name), extern_type(&i.ty));
        quote!(::wasmlite_rt::abi::Import { module: #m, name: #n, ty: #ty })
    });
    let funcs = u32s(&info.funcs);
    let tables = info.tables.iter().map(table_type);
    let memories = info.memories.iter().map(memory_type);
    let globals = info.globals.iter().map(global_type);
    let global_inits = info.global_inits.iter().map(expr);
    let exports = info.exports.iter().map(|e| {
        let (n, k, i) = (name(&e.name), export_kind(e.kind), Literal::u32_suffixed(e.index));
        quote!(::wasmlite_rt::abi::Export { name: #n, kind: #k, index: #i })
    });
    let start = opt(info.start.map(Literal::u32_suffixed));
    let elems = info.elems.iter().map(|e| {
        let mode = match &e.mode {
            ElemMode::Active { table, offset } => {
                let (t, o) = (Literal::u32_suffixed(*table), expr(offset));
                quote!(::wasmlite_rt::abi::ElemMode::Active { table: #t, offset: #o })
            }
            ElemMode::Passive => quote!(::wasmlite_rt::abi::ElemMode::Passive),
            ElemMode::Declared => quote!(::wasmlite_rt::abi::ElemMode::Declared),
        };
        let ty = valtype(e.ty);
        let items = e.items.iter().map(expr);
        let items = list(quote!(#(#items),*));
        quote!(::wasmlite_rt::abi::ElemSegment { mode: #mode, ty: #ty, items: #items })
    });
    let datas = info.datas.iter().map(|d| {
        let mode = match &d.mode {
            DataMode::Active { memory, offset } => {
                let (m, o) = (Literal::u32_suffixed(*memory), expr(offset));
                quote!(::wasmlite_rt::abi::DataMode::Active { memory: #m, offset: #o })
            }
            DataMode::Passive => quote!(::wasmlite_rt::abi::DataMode::Passive),
        };
        let bytes = Literal::byte_string(&d.bytes);
        quote!(::wasmlite_rt::abi::DataSegment { mode: #mode, bytes: ::wasmlite_rt::abi::List::Borrowed(#bytes) })
    });
    let func_names = info.func_names.iter().map(|(i, n)| {
        let (i, n) = (Literal::u32_suffixed(*i), name(n));
        quote!((#i, #n))
    });
    let table_inits = info.table_inits.iter().map(|(i, e)| {
        let (i, e) = (Literal::u32_suffixed(*i), expr(e));
        quote!((#i, #e))
    });
    let tags = u32s(&info.tags);
    let export_order = u32s(&info.export_order);
    let n = |v: u32| Literal::u32_suffixed(v);
    let (nf, nt, nm, ng, ntag) = (
        n(info.num_imported_funcs),
        n(info.num_imported_tables),
        n(info.num_imported_memories),
        n(info.num_imported_globals),
        n(info.num_imported_tags),
    );
    let (types, imports, tables, memories, globals, global_inits, exports, elems, datas, func_names, table_inits) = (
        list(quote!(#(#types),*)),
        list(quote!(#(#imports),*)),
        list(quote!(#(#tables),*)),
        list(quote!(#(#memories),*)),
        list(quote!(#(#globals),*)),
        list(quote!(#(#global_inits),*)),
        list(quote!(#(#exports),*)),
        list(quote!(#(#elems),*)),
        list(quote!(#(#datas),*)),
        list(quote!(#(#func_names),*)),
        list(quote!(#(#table_inits),*)),
    );
    quote! {
        ::wasmlite_rt::abi::StaticModuleInfo {
            info_hash: #hash,
            info: ::wasmlite_rt::abi::ModuleInfo {
                types: #types,
                imports: #imports,
                funcs: #funcs,
                num_imported_funcs: #nf,
                tables: #tables,
                num_imported_tables: #nt,
                memories: #memories,
                num_imported_memories: #nm,
                globals: #globals,
                num_imported_globals: #ng,
                global_inits: #global_inits,
                exports: #exports,
                start: #start,
                elems: #elems,
                datas: #datas,
                func_names: #func_names,
                table_inits: #table_inits,
                tags: #tags,
                num_imported_tags: #ntag,
                export_order: #export_order,
            },
        }
    }
}

/// A borrowed `List` of the comma-separated `items`.
fn list(items: TokenStream2) -> TokenStream2 {
    quote!(::wasmlite_rt::abi::List::Borrowed(&[#items]))
}

/// A borrowed `Name`.
fn name(s: &str) -> TokenStream2 {
    let s = Literal::string(s);
    quote!(::wasmlite_rt::abi::Name::Borrowed(#s))
}

fn u32s(v: &[u32]) -> TokenStream2 {
    let v = v.iter().map(|x| Literal::u32_suffixed(*x));
    list(quote!(#(#v),*))
}

fn opt(v: Option<Literal>) -> TokenStream2 {
    match v {
        Some(x) => quote!(::core::option::Option::Some(#x)),
        None => quote!(::core::option::Option::None),
    }
}

fn valtypes(v: &[ValType]) -> TokenStream2 {
    let v = v.iter().map(|t| valtype(*t));
    list(quote!(#(#v),*))
}

fn valtype(t: ValType) -> TokenStream2 {
    match t {
        ValType::I32 => quote!(::wasmlite_rt::abi::ValType::I32),
        ValType::I64 => quote!(::wasmlite_rt::abi::ValType::I64),
        ValType::F32 => quote!(::wasmlite_rt::abi::ValType::F32),
        ValType::F64 => quote!(::wasmlite_rt::abi::ValType::F64),
        ValType::V128 => quote!(::wasmlite_rt::abi::ValType::V128),
        ValType::FuncRef => quote!(::wasmlite_rt::abi::ValType::FuncRef),
        ValType::ExternRef => quote!(::wasmlite_rt::abi::ValType::ExternRef),
        ValType::Ref(RefType { nullable, heap }) => {
            let heap = match heap {
                HeapType::Func => quote!(Func),
                HeapType::Extern => quote!(Extern),
                HeapType::NoFunc => quote!(NoFunc),
                HeapType::NoExtern => quote!(NoExtern),
                HeapType::Concrete(i) => {
                    let i = Literal::u32_suffixed(i);
                    quote!(Concrete(#i))
                }
                HeapType::Exn => quote!(Exn),
                HeapType::NoExn => quote!(NoExn),
            };
            quote!(::wasmlite_rt::abi::ValType::Ref(::wasmlite_rt::abi::RefType {
                nullable: #nullable,
                heap: ::wasmlite_rt::abi::HeapType::#heap,
            }))
        }
    }
}

fn table_type(t: &TableType) -> TokenStream2 {
    let (elem, min, max, t64) = (valtype(t.elem), Literal::u64_suffixed(t.min), opt(t.max.map(Literal::u64_suffixed)), t.table64);
    quote!(::wasmlite_rt::abi::TableType { elem: #elem, min: #min, max: #max, table64: #t64 })
}

fn memory_type(m: &MemoryType) -> TokenStream2 {
    let (min, max, m64, shared, psl) =
        (Literal::u64_suffixed(m.min), opt(m.max.map(Literal::u64_suffixed)), m.memory64, m.shared, Literal::u8_suffixed(m.page_size_log2));
    quote!(::wasmlite_rt::abi::MemoryType { min: #min, max: #max, memory64: #m64, shared: #shared, page_size_log2: #psl })
}

fn global_type(g: &GlobalType) -> TokenStream2 {
    let (ty, m) = (valtype(g.ty), g.mutable);
    quote!(::wasmlite_rt::abi::GlobalType { ty: #ty, mutable: #m })
}

fn extern_type(t: &ExternType) -> TokenStream2 {
    match t {
        ExternType::Func(i) => {
            let i = Literal::u32_suffixed(*i);
            quote!(::wasmlite_rt::abi::ExternType::Func(#i))
        }
        ExternType::Table(t) => {
            let t = table_type(t);
            quote!(::wasmlite_rt::abi::ExternType::Table(#t))
        }
        ExternType::Memory(m) => {
            let m = memory_type(m);
            quote!(::wasmlite_rt::abi::ExternType::Memory(#m))
        }
        ExternType::Global(g) => {
            let g = global_type(g);
            quote!(::wasmlite_rt::abi::ExternType::Global(#g))
        }
        ExternType::Tag(i) => {
            let i = Literal::u32_suffixed(*i);
            quote!(::wasmlite_rt::abi::ExternType::Tag(#i))
        }
    }
}

fn export_kind(k: ExportKind) -> TokenStream2 {
    match k {
        ExportKind::Func => quote!(::wasmlite_rt::abi::ExportKind::Func),
        ExportKind::Table => quote!(::wasmlite_rt::abi::ExportKind::Table),
        ExportKind::Memory => quote!(::wasmlite_rt::abi::ExportKind::Memory),
        ExportKind::Global => quote!(::wasmlite_rt::abi::ExportKind::Global),
        ExportKind::Tag => quote!(::wasmlite_rt::abi::ExportKind::Tag),
    }
}

fn expr(e: &ConstExpr) -> TokenStream2 {
    let ops = e.0.iter().map(|op| {
        let p = quote!(::wasmlite_rt::abi::ConstOp);
        // Integers as bit patterns: no negative literals (`i32::MIN` would not be one token).
        match *op {
            ConstOp::I32Const(v) => lit(quote!(#p::I32Const), Literal::u32_suffixed(v as u32), quote!(as i32)),
            ConstOp::I64Const(v) => lit(quote!(#p::I64Const), Literal::u64_suffixed(v as u64), quote!(as i64)),
            ConstOp::F32Const(v) => lit(quote!(#p::F32Const), Literal::u32_suffixed(v), quote!()),
            ConstOp::F64Const(v) => lit(quote!(#p::F64Const), Literal::u64_suffixed(v), quote!()),
            ConstOp::V128Const(v) => lit(quote!(#p::V128Const), Literal::u128_suffixed(v), quote!()),
            ConstOp::RefFunc(i) => lit(quote!(#p::RefFunc), Literal::u32_suffixed(i), quote!()),
            ConstOp::GlobalGet(i) => lit(quote!(#p::GlobalGet), Literal::u32_suffixed(i), quote!()),
            ConstOp::RefNull(t) => {
                let t = valtype(t);
                quote!(#p::RefNull(#t))
            }
            ConstOp::I32Add => quote!(#p::I32Add),
            ConstOp::I32Sub => quote!(#p::I32Sub),
            ConstOp::I32Mul => quote!(#p::I32Mul),
            ConstOp::I64Add => quote!(#p::I64Add),
            ConstOp::I64Sub => quote!(#p::I64Sub),
            ConstOp::I64Mul => quote!(#p::I64Mul),
        }
    });
    let ops = list(quote!(#(#ops),*));
    quote!(::wasmlite_rt::abi::ConstExpr(#ops))
}

/// `variant(literal cast)`: a constant operator with one literal operand.
fn lit(variant: TokenStream2, value: Literal, cast: TokenStream2) -> TokenStream2 {
    quote!(#variant(#value #cast))
}
