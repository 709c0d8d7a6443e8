//! Code generation for `include_wasm!`.

use crate::names::{snake_case, Namer};
use proc_macro2::{Ident, Literal, Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use std::path::Path;
use wasmlite_abi::{ExportKind, ExternType, FuncType, ModuleInfo, ValType};

/// Largest parameter/result count the typed call path (`WasmParams` tuples) supports.
/// Largest typed arity (`wasmlite_rt::MAX_TYPED_ARITY`: the runtime's `WasmParams` tuples).
const MAX_TYPED: usize = 16;

/// Methods of the generated `Instance` that exports may not shadow.
const RESERVED_METHODS: &[&str] =
    &["new", "new_in", "module", "imports", "imports_mut", "instance", "instance_mut", "interrupt_handle", "inner"];

/// What to generate bindings for.
pub struct Input<'a> {
    /// File stem (module name, symbol prefix).
    pub stem: &'a str,
    /// Absolute path (for `include_bytes!`).
    pub path: &'a Path,
    /// The path as the user wrote it (for messages and docs).
    pub shown: &'a str,
    /// The binary module.
    pub binary: &'a [u8],
    /// Its description.
    pub info: &'a ModuleInfo,
}

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// The Rust type of a wasm value type.
fn rust_ty(t: ValType) -> TokenStream2 {
    match t {
        ValType::I32 => quote!(i32),
        ValType::I64 => quote!(i64),
        ValType::F32 => quote!(f32),
        ValType::F64 => quote!(f64),
        ValType::V128 => quote!(u128),
        ValType::FuncRef => quote!(::core::option::Option<::wasmlite_rt::FuncRef>),
        ValType::ExternRef => quote!(::core::option::Option<::wasmlite_rt::ExternRef>),
        ValType::Ref(_) if t.repr() == ValType::EXNREF => quote!(::core::option::Option<::wasmlite_rt::ExnRef>),
        // Typed function/extern references are bound like their representation.
        ValType::Ref(_) => rust_ty(t.repr()),
    }
}

/// `()`, `T` or `(T1, T2, ..)`: the `WasmParams`/`WasmResults` type of a list.
fn list_ty(ts: &[ValType]) -> TokenStream2 {
    match ts {
        [one] => rust_ty(*one),
        _ => {
            let tys = ts.iter().map(|t| rust_ty(*t));
            quote!((#(#tys),*))
        }
    }
}

/// Expression converting a Rust value `e` of wasm type `t` into a `wasmlite_rt::Val`.
fn to_val(t: ValType, e: &TokenStream2) -> TokenStream2 {
    match t {
        ValType::I32 => quote!(::wasmlite_rt::Val::I32(#e)),
        ValType::I64 => quote!(::wasmlite_rt::Val::I64(#e)),
        ValType::F32 => quote!(::wasmlite_rt::Val::F32(f32::to_bits(#e))),
        ValType::F64 => quote!(::wasmlite_rt::Val::F64(f64::to_bits(#e))),
        ValType::V128 => quote!(::wasmlite_rt::Val::V128(#e)),
        ValType::FuncRef => quote!(::wasmlite_rt::Val::FuncRef(#e)),
        ValType::ExternRef => quote!(::wasmlite_rt::Val::ExternRef(#e)),
        ValType::Ref(_) if t.repr() == ValType::EXNREF => quote!(::wasmlite_rt::Val::ExnRef(#e)),
        ValType::Ref(_) => to_val(t.repr(), e),
    }
}

/// Expression converting a `wasmlite_rt::Val` `e` (of wasm type `t`) into
/// `Option<the Rust type>` (`None` only for a value of another type).
fn from_val(t: ValType, e: &TokenStream2) -> TokenStream2 {
    let ty = rust_ty(t);
    quote!(<#ty as ::wasmlite_rt::WasmTy>::from_val(#e))
}

fn doc(s: String) -> TokenStream2 {
    let lit = Literal::string(&s);
    quote!(#[doc = #lit])
}

/// Generate the bindings module.
pub fn generate(input: &Input<'_>) -> Result<TokenStream2, String> {
    let info = input.info;
    // The runtime trusts a static info's internal consistency (`Module::from_static_info`).
    info.check().map_err(|m| format!("inconsistent module description: {m}"))?;
    let mod_name = ident(&snake_case(input.stem));
    let prefix = wasmlite_abi::symbol_prefix(input.stem, input.binary);
    let descriptor = Literal::string(&wasmlite_abi::descriptor_symbol(&prefix));
    let abs_path = Literal::string(&input.path.to_string_lossy());
    let shown = input.shown;

    // ---- imports ----
    let mut unsupported = Vec::new();
    let mut trait_methods = Vec::new();
    let mut wrappers = Vec::new();
    let mut externs = Vec::new();
    let mut import_namer = Namer::default();
    // Whether `()` cannot be the host value (it has a method without a default).
    let mut needs_host_impl = info.num_imported_funcs > 0;
    for (i, imp) in info.imports.iter().enumerate() {
        let what = match &imp.ty {
            ExternType::Func(t) => {
                let ty = info
                    .types
                    .get(*t as usize)
                    .ok_or_else(|| format!("import `{}`.`{}` has an invalid type index {t}", imp.module, imp.name))?;
                if imp.module == crate::wasi::MODULE {
                    if let Some(w) = crate::wasi::import(i, &imp.name, ty, MAX_TYPED, &mut import_namer) {
                        trait_methods.extend(w.method);
                        wrappers.push(w.wrapper);
                        externs.push(w.extern_);
                        continue;
                    }
                }
                if ty.params.len() > MAX_TYPED || ty.results.len() > MAX_TYPED {
                    unsupported.push(format!(
                        "imported function `{}`.`{}` {ty} has more than {MAX_TYPED} parameters or results, which is \
                         not supported by generated bindings yet",
                        imp.module, imp.name
                    ));
                    continue;
                }
                let base = format!("{}_{}", snake_case(&imp.module), snake_case(&imp.name));
                let name = ident(&import_namer.claim(&base, |b| vec![b.to_string()]));
                let args: Vec<Ident> = (0..ty.params.len()).map(|k| format_ident!("a{}", k)).collect();
                let arg_tys: Vec<TokenStream2> = ty.params.iter().map(|t| rust_ty(*t)).collect();
                let ret = list_ty(&ty.results);
                let params = list_ty(&ty.params);
                let d = doc(format!("Imported function `{}`.`{}`: `{ty}`.", imp.module, imp.name));
                trait_methods.push(quote! {
                    #d
                    fn #name(
                        &mut self,
                        caller: &mut ::wasmlite_rt::Caller<'_>,
                        #(#args: #arg_tys),*
                    ) -> ::core::result::Result<#ret, ::wasmlite_rt::Trap>;
                });
                let wrapper = format_ident!("__wasmlite_import_{}", i);
                let unpack = match ty.params.len() {
                    0 => quote!(let () = params;),
                    1 => quote!(let a0 = params;),
                    _ => quote!(let (#(#args),*) = params;),
                };
                wrappers.push(quote! {
                    fn #wrapper<H: Imports>(
                        host: &mut H,
                        caller: &mut ::wasmlite_rt::Caller<'_>,
                        params: #params,
                    ) -> ::core::result::Result<#ret, ::wasmlite_rt::Trap> {
                        #unpack
                        host.#name(caller, #(#args),*)
                    }
                });
                externs.push(quote! {
                    ::wasmlite_rt::Extern::Func(::wasmlite_rt::Func::wrap::<H, #params, #ret>(#wrapper::<H>))
                });
                continue;
            }
            ExternType::Memory(_) => "memory",
            ExternType::Table(_) => "table",
            ExternType::Global(_) => "global",
            ExternType::Tag(_) => "tag",
        };
        // A non-function import: one trait method that provides it, given its type.
        let base = format!("{}_{}", snake_case(&imp.module), snake_case(&imp.name));
        let name = ident(&import_namer.claim(&base, |b| vec![b.to_string()]));
        let index = Literal::usize_unsuffixed(i);
        let (ty, ret, getter, variant, default, doc_default) = match &imp.ty {
            ExternType::Memory(m) => (
                quote!(::wasmlite_rt::MemoryType),
                quote!(::wasmlite_rt::SharedMemory),
                quote!(memory_import),
                quote!(Memory),
                Some(quote!(::wasmlite_rt::bindings::new_memory(ty).map_err(::core::convert::Into::into))),
                if m.shared {
                    "By default a new shared memory of the minimum size (a `ThreadSharedMemory`; give                      instances on several threads the same one with `ThreadSharedMemory::attach`)."
                } else {
                    "By default a new memory of the minimum size."
                },
            ),
            ExternType::Table(_) => (
                quote!(::wasmlite_rt::TableType),
                quote!(::wasmlite_rt::SharedTable),
                quote!(table_import),
                quote!(Table),
                Some(quote!(::wasmlite_rt::bindings::new_table(ty).map_err(::core::convert::Into::into))),
                "By default a new table of the minimum size, every element null.",
            ),
            ExternType::Global(_) => (
                quote!(::wasmlite_rt::GlobalType),
                quote!(::wasmlite_rt::SharedGlobal),
                quote!(global_import),
                quote!(Global),
                None,
                "No default: the host gives its value.",
            ),
            ExternType::Tag(_) => (
                quote!(::wasmlite_rt::FuncType),
                quote!(::wasmlite_rt::Tag),
                quote!(tag_import),
                quote!(Tag),
                Some(quote!(::core::result::Result::Ok(::wasmlite_rt::bindings::new_tag(ty)))),
                "By default a new tag (throw and catch it from the host through this method's value).",
            ),
            ExternType::Func(_) => continue,
        };
        let d = doc(format!("Imported {what} `{}`.`{}` (`ty`: its type). {doc_default}", imp.module, imp.name));
        let body = match default {
            Some(b) => quote!({ #b }),
            None => quote!(;),
        };
        trait_methods.push(quote! {
            #d
            fn #name(&mut self, ty: &#ty) -> ::core::result::Result<#ret, ::wasmlite_rt::Error> #body
        });
        externs.push(quote! {
            ::wasmlite_rt::Extern::#variant(host.#name(&::wasmlite_rt::bindings::#getter(&module, #index)?)?)
        });
        if matches!(imp.ty, ExternType::Global(_)) {
            needs_host_impl = true;
        }
    }
    if !unsupported.is_empty() {
        return Err(unsupported.join("; "));
    }
    if crate::wasi::imports_wasi(info) {
        trait_methods.push(crate::wasi::ctx_method());
    }
    let num_imports = externs.len();
    let unit_impl = if !needs_host_impl {
        quote! {
            /// A module without function or global imports needs no host value.
            impl Imports for () {}
        }
    } else {
        quote!()
    };

    // ---- exports ----
    let mut methods = Vec::new();
    let mut namer = Namer::with_reserved(RESERVED_METHODS);
    for e in info.exports.iter() {
        let base = snake_case(&e.name);
        let idx = Literal::u32_suffixed(e.index);
        match e.kind {
            ExportKind::Func => {
                let ty = info.func_type(e.index).ok_or_else(|| format!("export `{}` refers to an unknown function", e.name))?;
                let name = ident(&namer.claim(&base, |b| vec![b.to_string()]));
                methods.push(export_func(&e.name, &name, &idx, ty));
            }
            ExportKind::Memory => {
                let n = namer.claim(&base, |b| vec![b.to_string(), format!("{b}_mut")]);
                let (get, get_mut) = (ident(&n), format_ident!("{}_mut", n));
                let mt = info.memories.get(e.index as usize).ok_or_else(|| format!("export `{}` refers to an unknown memory", e.name))?;
                let d1 = doc(format!(
                    "Exported memory `{}` (memory index {}; {}-bit addresses, {}-byte pages, sizes in \
                     `u64`), borrowed: wasm code of this instance's store does not run while the guard \
                     lives (a call then fails with a `Host` trap).",
                    e.name,
                    e.index,
                    if mt.memory64 { 64 } else { 32 },
                    mt.page_size()
                ));
                let d2 = doc(format!("Exported memory `{}` (memory index {}), mutably borrowed (see `{n}`).", e.name, e.index));
                methods.push(quote! {
                    #d1
                    pub fn #get(&self) -> ::core::cell::Ref<'_, ::wasmlite_rt::Memory> {
                        self.inner.memory(#idx)
                    }
                    #d2
                    pub fn #get_mut(&mut self) -> ::wasmlite_rt::MemoryMut<'_> {
                        self.inner.memory_mut(#idx)
                    }
                });
            }
            ExportKind::Global => {
                let g = info.globals.get(e.index as usize).ok_or_else(|| format!("export `{}` refers to an unknown global", e.name))?;
                let mutable = g.mutable;
                let n = namer.claim(&base, |b| {
                    let mut v = vec![b.to_string()];
                    if mutable {
                        v.push(format!("set_{b}"));
                    }
                    v
                });
                let get = ident(&n);
                let ty = rust_ty(g.ty);
                // The bindings were generated from this module, so the global has this type and
                // the default is never used.
                let read = quote!(self.inner.global_typed::<#ty>(#idx).unwrap_or_default());
                let d = doc(format!(
                    "Exported {}global `{}`: `{}` (global index {}).",
                    if mutable { "mutable " } else { "" },
                    e.name,
                    g.ty,
                    e.index
                ));
                methods.push(quote! {
                    #d
                    pub fn #get(&self) -> #ty {
                        #read
                    }
                });
                if mutable {
                    let set = format_ident!("set_{}", n);
                    let val = to_val(g.ty, &quote!(value));
                    let d = doc(format!("Set the exported mutable global `{}`: `{}`.", e.name, g.ty));
                    methods.push(quote! {
                        #d
                        pub fn #set(&mut self, value: #ty) -> ::core::result::Result<(), ::wasmlite_rt::Trap> {
                            self.inner.set_global(#idx, #val)
                        }
                    });
                }
            }
            ExportKind::Tag => {
                let n = namer.claim(&base, |b| vec![b.to_string()]);
                let get = ident(&n);
                let d = doc(format!(
                    "Exported exception tag `{}` (tag index {}): throw it from a host function with \
                     `Trap::throw`, compare it with `Trap::exception()`'s tag.",
                    e.name, e.index
                ));
                methods.push(quote! {
                    #d
                    pub fn #get(&self) -> ::wasmlite_rt::Tag {
                        self.inner.tag(#idx)
                    }
                });
            }
            ExportKind::Table => {
                let n = namer.claim(&base, |b| vec![b.to_string()]);
                let get = ident(&n);
                let d = doc(format!("Exported table `{}` (table index {}), borrowed (see the memory getters).", e.name, e.index));
                methods.push(quote! {
                    #d
                    pub fn #get(&self) -> ::core::cell::Ref<'_, ::wasmlite_rt::Table> {
                        self.inner.table(#idx)
                    }
                });
            }
        }
    }

    let mod_doc = doc(format!(
        "Bindings for the WebAssembly module `{shown}`, generated by `include_wasm!`. The native \
         code is linked from the static library `{prefix}` built by `wasmlite_build`."
    ));
    let static_info = crate::static_info::static_info(info);
    let builtins = wasmlite_abi::parse::builtins_used(input.binary).map_err(|e| e.to_string())?;
    let builtin_set = Literal::u32_suffixed(builtins);
    let part_set = Literal::u32_suffixed(wasmlite_abi::instance_parts::used(info, builtins));
    Ok(quote! {
        #mod_doc
        #[allow(dead_code, unused_imports, unused_variables, unused_mut, non_snake_case, non_camel_case_types, clippy::all)]
        pub mod #mod_name {
            // Makes rustc track the file so editing it re-expands the macro.
            const _: &[u8] = include_bytes!(#abs_path);

            unsafe extern "C" {
                #[link_name = #descriptor]
                safe static DESCRIPTOR: ::wasmlite_rt::abi::ModuleDescriptor;
            }

            /// The module's description as static data (the runtime checks it against the
            /// descriptor's fingerprint; no decoder is linked).
            static INFO: ::wasmlite_rt::abi::StaticModuleInfo = #static_info;

            /// The runtime functions the module's code may call (only these are linked).
            static BUILTINS: ::wasmlite_rt::abi::Builtins = ::wasmlite_rt::select_builtins(#builtin_set);

            /// The parts of instantiation the module needs (only these are linked).
            static PARTS: ::wasmlite_rt::InstanceParts = ::wasmlite_rt::select_instance_parts(#part_set);

            /// The compiled module (the linked descriptor, described by `INFO`).
            pub fn module() -> ::core::result::Result<::wasmlite_rt::Module, ::wasmlite_rt::InstantiationError> {
                // SAFETY: DESCRIPTOR is the descriptor wasmlite-build compiled from this very
                // file (the symbol name includes a hash of its bytes); the code generator
                // calls no builtin outside `builtins_used` of the same bytes; PARTS follows
                // the same module's `ModuleInfo`.
                unsafe { ::wasmlite_rt::Module::from_static_info(&DESCRIPTOR, &INFO, &BUILTINS, &PARTS) }
            }

            /// What the module imports, one method per import: host functions, and the memories,
            /// tables, globals and tags it is given (those but globals have defaults).
            pub trait Imports: 'static {
                #(#trait_methods)*
            }

            #unit_impl

            #(#wrappers)*

            /// An instance of the module with host value `H` (its imports).
            pub struct Instance<H: Imports> {
                inner: ::wasmlite_rt::Instance<H>,
            }

            impl<H: Imports> Instance<H> {
                /// Instantiate in a new store: memories, tables, globals, element and data
                /// segments, then the start function.
                pub fn new(host: H) -> ::core::result::Result<Self, ::wasmlite_rt::Error> {
                    Self::new_in(&::wasmlite_rt::Store::new(), host)
                }

                /// Instantiate in the given store.
                pub fn new_in(store: &::wasmlite_rt::Store, mut host: H) -> ::core::result::Result<Self, ::wasmlite_rt::Error> {
                    let module = module()?;
                    let imports: [::wasmlite_rt::Extern; #num_imports] = [#(#externs),*];
                    let inner = ::wasmlite_rt::Instance::new(store, &module, &imports, host)?;
                    ::core::result::Result::Ok(Instance { inner })
                }

                /// The host value (borrowed from its `RefCell`).
                pub fn imports(&self) -> ::core::cell::Ref<'_, H> {
                    self.inner.host()
                }

                /// The host value, mutable (borrowed from its `RefCell`).
                pub fn imports_mut(&mut self) -> ::core::cell::RefMut<'_, H> {
                    self.inner.host_mut()
                }

                /// The untyped runtime instance.
                pub fn instance(&self) -> &::wasmlite_rt::Instance<H> {
                    &self.inner
                }

                /// The untyped runtime instance, mutable.
                pub fn instance_mut(&mut self) -> &mut ::wasmlite_rt::Instance<H> {
                    &mut self.inner
                }

                /// A handle that interrupts running wasm code (from any thread).
                pub fn interrupt_handle(&self) -> ::wasmlite_rt::InterruptHandle {
                    self.inner.interrupt_handle()
                }

                #(#methods)*
            }
        }
    })
}

/// One method for an exported function.
fn export_func(export_name: &str, name: &Ident, idx: &Literal, ty: &FuncType) -> TokenStream2 {
    let args: Vec<Ident> = (0..ty.params.len()).map(|k| format_ident!("a{}", k)).collect();
    let arg_tys: Vec<TokenStream2> = ty.params.iter().map(|t| rust_ty(*t)).collect();
    let ret = list_ty(&ty.results);
    let d = doc(format!("Exported function `{export_name}`: `{ty}`."));
    let body = if ty.params.len() <= MAX_TYPED && ty.results.len() <= MAX_TYPED {
        let params = list_ty(&ty.params);
        let pack = match ty.params.len() {
            1 => quote!(a0),
            _ => quote!((#(#args),*)),
        };
        // No slot at all for `() -> ()`: nothing to zero on the call path.
        let slots = Literal::usize_unsuffixed(ty.params.len().max(ty.results.len()));
        quote! {
            // SAFETY: the type comes from this very module (the descriptor symbol is tied to
            // the file's bytes), and there are `max(params, results)` slots.
            unsafe { self.inner.call_typed_unchecked::<#params, #ret, #slots>(#idx, #pack) }
        }
    } else {
        // Beyond the typed tuple arity: go through the dynamic call path.
        let vals = ty.params.iter().zip(&args).map(|(t, a)| to_val(*t, &quote!(#a)));
        let results: Vec<TokenStream2> = ty
            .results
            .iter()
            .map(|t| {
                let conv = from_val(*t, &quote!(v));
                quote! {{
                    let v = results.next().ok_or_else(|| {
                        ::wasmlite_rt::Trap::with_message(::wasmlite_rt::TrapKind::BadSignature, "missing result")
                    })?;
                    #conv.ok_or_else(|| {
                        ::wasmlite_rt::Trap::with_message(::wasmlite_rt::TrapKind::BadSignature, "result of another type")
                    })?
                }}
            })
            .collect();
        let value = match results.len() {
            1 => quote!(#(#results)*),
            _ => quote!((#(#results),*)),
        };
        quote! {{
            let mut results = self.inner.call(#idx, &[#(#vals),*])?.into_iter();
            ::core::result::Result::Ok(#value)
        }}
    };
    quote! {
        #d
        pub fn #name(&mut self, #(#args: #arg_tys),*) -> ::core::result::Result<#ret, ::wasmlite_rt::Trap> {
            #body
        }
    }
}
