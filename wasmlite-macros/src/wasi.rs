//! `include_wasm!` support for WASI preview 1 imports (`wasi_snapshot_preview1`).
//!
//! For every function the module imports from `wasi_snapshot_preview1`, the generated
//! `Imports` trait gets a method with a default body delegating to
//! `wasmlite_wasi::preview1::<name>`, and (once, when there is at least one such import) the
//! required method `fn wasi_ctx(&mut self) -> &mut wasmlite_wasi::WasiCtx`. The user's crate
//! depends on `wasmlite-wasi`; an import `wasmlite_wasi` does not provide, or one with a wrong
//! type, is a type error in the generated default body.
//!
//! Every WASI function (the largest, `path_open`, has 9 parameters) goes through the typed
//! host-function path, so every one can be overridden.

use crate::names::{snake_case, Namer};
use proc_macro2::{Ident, Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use wasmlite_abi::{FuncType, ValType};

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// What one WASI import contributes to the bindings.
pub struct WasiImport {
    /// Trait method with a default body.
    pub method: Option<TokenStream2>,
    /// Free function adapting the trait method to `Func::wrap` (may be empty).
    pub wrapper: TokenStream2,
    /// Expression of type `wasmlite_rt::Extern` (inside `Instance::new_in`, where `host: H`
    /// is a mutable binding and `?` converts into `wasmlite_rt::Error`).
    pub extern_: TokenStream2,
}

/// Whether the module imports anything from WASI (then `Imports` needs `wasi_ctx`).
pub fn imports_wasi(info: &wasmlite_abi::ModuleInfo) -> bool {
    info.imports.iter().any(|i| i.module == MODULE)
}

/// The required method of `Imports` for a module importing WASI.
pub fn ctx_method() -> TokenStream2 {
    quote! {
        /// The WASI context the default `wasi_snapshot_preview1_*` methods use.
        fn wasi_ctx(&mut self) -> &mut ::wasmlite_wasi::WasiCtx;
    }
}

fn rust_ty(t: ValType) -> Option<TokenStream2> {
    match t {
        ValType::I32 => Some(quote!(i32)),
        ValType::I64 => Some(quote!(i64)),
        _ => None,
    }
}

/// Bindings for the WASI function import number `index` named `name` of type `ty` (its trait
/// method name is claimed from `namer`). `None` if the type cannot be a WASI function (types other than
/// i32/i64, more than one result): the caller then treats it as an ordinary import.
pub fn import(index: usize, name: &str, ty: &FuncType, max_typed: usize, namer: &mut Namer) -> Option<WasiImport> {
    let params: Vec<TokenStream2> = ty.params.iter().map(|t| rust_ty(*t)).collect::<Option<_>>()?;
    let results: Vec<TokenStream2> = ty.results.iter().map(|t| rust_ty(*t)).collect::<Option<_>>()?;
    if results.len() > 1 {
        return None;
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let func = format_ident!("{}", name);
    if ty.params.len() > max_typed {
        return None; // no WASI function has that many: an ordinary (unsupported) import
    }
    let method = &Ident::new(&namer.claim(&format!("{}_{}", snake_case(MODULE), snake_case(name)), |b| vec![b.to_string()]), Span::call_site());
    let args: Vec<Ident> = (0..params.len()).map(|k| format_ident!("a{}", k)).collect();
    let ret = match results.first() {
        Some(r) => r.clone(),
        None => quote!(()),
    };
    let ptuple = match params.len() {
        1 => params[0].clone(),
        _ => quote!((#(#params),*)),
    };
    let unpack = match params.len() {
        0 => quote!(let () = params;),
        1 => quote!(let a0 = params;),
        _ => quote!(let (#(#args),*) = params;),
    };
    let doc = format!("Imported WASI function `{MODULE}`.`{name}`: `{ty}` (default: `wasmlite_wasi::preview1::{name}`).");
    let wrapper = format_ident!("__wasmlite_import_{}", index);
    Some(WasiImport {
        method: Some(quote! {
            #[doc = #doc]
            fn #method(
                &mut self,
                caller: &mut ::wasmlite_rt::Caller<'_>,
                #(#args: #params),*
            ) -> ::core::result::Result<#ret, ::wasmlite_rt::Trap> {
                ::wasmlite_wasi::preview1::#func(self.wasi_ctx(), caller, #(#args),*)
            }
        }),
        wrapper: quote! {
            fn #wrapper<H: Imports>(
                host: &mut H,
                caller: &mut ::wasmlite_rt::Caller<'_>,
                params: #ptuple,
            ) -> ::core::result::Result<#ret, ::wasmlite_rt::Trap> {
                #unpack
                host.#method(caller, #(#args),*)
            }
        },
        extern_: quote! {
            ::wasmlite_rt::Extern::Func(::wasmlite_rt::Func::wrap::<H, #ptuple, #ret>(#wrapper::<H>))
        },
    })
}

#[cfg(all(test, not(wasmlite_bindgen)))] // uses the macro crate's `expand`; not built by wasmlite-bindgen
mod tests {
    const APP: &str = r#"(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
      (import "wasi_snapshot_preview1" "path_open"
        (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "env" "log" (func (param i32)))
      (memory (export "memory") 1)
      (func (export "_start")))"#;

    fn expand(name: &str, wat: &str) -> String {
        let dir = std::env::temp_dir().join(format!("wasmlite-macros-wasi-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, wat).unwrap();
        let input: proc_macro2::TokenStream = format!("{:?}", p.to_string_lossy()).parse().unwrap();
        crate::expand(&dir, input).to_string()
    }

    #[test]
    fn wasi_imports_get_default_methods() {
        let s = expand("app.wat", APP);
        assert!(!s.contains("compile_error"), "{s}");
        // Default bodies delegating to wasmlite_wasi, one required `wasi_ctx`.
        assert!(s.contains(
            "fn wasi_snapshot_preview1_fd_write (& mut self , caller : & mut :: wasmlite_rt :: Caller < '_ > , a0 : i32 , a1 : i32 , a2 : i32 , a3 : i32) -> :: core :: result :: Result < i32 , :: wasmlite_rt :: Trap > { :: wasmlite_wasi :: preview1 :: fd_write (self . wasi_ctx () , caller , a0 , a1 , a2 , a3) }"
        ), "{s}");
        assert!(s.contains(":: wasmlite_wasi :: preview1 :: proc_exit (self . wasi_ctx () , caller , a0) }"), "{s}");
        assert!(s.contains("fn wasi_ctx (& mut self) -> & mut :: wasmlite_wasi :: WasiCtx ;"), "{s}");
        assert_eq!(s.matches("fn wasi_ctx").count(), 1);
        // path_open (9 parameters) is a typed, overridable method too.
        assert!(s.contains(
            "fn wasi_snapshot_preview1_path_open (& mut self , caller : & mut :: wasmlite_rt :: Caller < '_ > , a0 : i32 , a1 : i32 , a2 : i32 , a3 : i32 , a4 : i32 , a5 : i64 , a6 : i64 , a7 : i32 , a8 : i32) -> :: core :: result :: Result < i32 , :: wasmlite_rt :: Trap > { :: wasmlite_wasi :: preview1 :: path_open (self . wasi_ctx () , caller , a0 , a1 , a2 , a3 , a4 , a5 , a6 , a7 , a8) }"
        ), "{s}");
        assert!(!s.contains("dynamic_func"), "{s}");
        // Ordinary imports stay required methods.
        assert!(s.contains("fn env_log (& mut self , caller : & mut :: wasmlite_rt :: Caller < '_ > , a0 : i32) -> :: core :: result :: Result < () , :: wasmlite_rt :: Trap > ;"), "{s}");
    }

    #[test]
    fn no_wasi_no_ctx_method() {
        let s = expand("plain.wat", r#"(module (import "env" "f" (func)) (func (export "g")))"#);
        assert!(!s.contains("wasi_ctx"), "{s}");
        assert!(!s.contains("wasmlite_wasi"), "{s}");
    }

    #[test]
    fn non_wasi_types_stay_required() {
        // f64 cannot be a WASI parameter: the import is an ordinary required method.
        let s = expand("odd.wat", r#"(module (import "wasi_snapshot_preview1" "weird" (func (param f64))))"#);
        assert!(s.contains("fn wasi_snapshot_preview1_weird (& mut self , caller : & mut :: wasmlite_rt :: Caller < '_ > , a0 : f64) -> :: core :: result :: Result < () , :: wasmlite_rt :: Trap > ;"), "{s}");
    }
}
