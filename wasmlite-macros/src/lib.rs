//! # wasmlite-macros — `include_wasm!`
//!
//! ```ignore
//! wasmlite_rt::include_wasm!("wasm/plugin.wat"); // generates `pub mod plugin`
//! ```
//!
//! The path is relative to `CARGO_MANIFEST_DIR`; a path starting with `$OUT_DIR/` is relative
//! to the crate's `OUT_DIR` (for wasm produced by the build script). The file (`.wasm` or `.wat`) is read and
//! validated at compile time and typed bindings are generated from its imports and exports:
//! a `pub mod <stem>` (snake_case of the file stem) containing
//!
//! * `trait Imports` — one method per imported function, named `<module>_<name>`
//!   (snake_case), taking `&mut self`, a `&mut wasmlite_rt::Caller<'_>` and the parameters and
//!   returning `Result<results, wasmlite_rt::Trap>`; and one method per imported memory,
//!   table, global or tag, `fn <module>_<name>(&mut self, ty: &<its type>) ->
//!   Result<SharedMemory | SharedTable | SharedGlobal | Tag, wasmlite_rt::Error>`, called once
//!   by `Instance::new` (defaults in `wasmlite_rt::bindings`: a new memory or table of the
//!   minimum size — a `ThreadSharedMemory` for a shared memory — and a fresh tag; globals have
//!   none). `()` implements it when the module imports no function and no global;
//! * `struct Instance<H: Imports>` — `new(host)`, one method per exported function,
//!   accessors for exported memories (`memory()`/`memory_mut()`), globals (`<name>()`,
//!   `set_<name>()` when mutable) and tables, `imports()`/`imports_mut()`, `instance()`/
//!   `instance_mut()` (the untyped `wasmlite_rt::Instance`) and `interrupt_handle()`.
//!
//! The object code comes from `wasmlite_build::compile` in the crate's `build.rs`; the
//! bindings link against the module's descriptor symbol, whose name includes a hash of the
//! wasm binary, so a file edited without rebuilding fails to link. The file is tracked by
//! rustc (through `include_bytes!`), so editing it re-expands the macro.
//!
//! Errors (missing file, invalid module, unsupported imports) are `compile_error!`s pointing at
//! the string literal and naming the file, byte offset and reason.

mod generate;
mod names;
mod static_info;
mod wasi;

use proc_macro2::TokenStream as TokenStream2;
use std::path::{Path, PathBuf};

/// Generate typed bindings for a wasm module compiled by `wasmlite_build`.
///
/// `include_wasm!("wasm/plugin.wat")` expands to `pub mod plugin { trait Imports; struct
/// Instance<H> ... }`; see the crate documentation.
#[proc_macro]
pub fn include_wasm(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let base = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
    expand(&base, input.into()).into()
}

/// Expand `include_wasm!(<input>)` with relative paths resolved against `base`.
pub(crate) fn expand(base: &Path, input: TokenStream2) -> TokenStream2 {
    let lit: syn::LitStr = match syn::parse2(input) {
        Ok(l) => l,
        Err(e) => {
            return syn::Error::new(e.span(), "include_wasm! expects one string literal: the path of a .wasm or .wat file")
                .to_compile_error()
        }
    };
    let rel = lit.value();
    let path = if let Some(rest) = rel.strip_prefix("$OUT_DIR/") {
        match std::env::var_os("OUT_DIR") {
            Some(out) => PathBuf::from(out).join(rest),
            None => {
                return syn::Error::new(
                    lit.span(),
                    format!("include_wasm!: {rel}: OUT_DIR is not set (does the crate have a build script?)"),
                )
                .to_compile_error()
            }
        }
    } else if Path::new(&rel).is_absolute() {
        PathBuf::from(&rel)
    } else {
        base.join(&rel)
    };
    match expand_file(&rel, &path) {
        Ok(ts) => ts,
        Err(msg) => syn::Error::new(lit.span(), msg).to_compile_error(),
    }
}

/// Read, validate and generate; errors are the `compile_error!` message.
fn expand_file(shown: &str, path: &Path) -> Result<TokenStream2, String> {
    let with_path = |e: wasmlite_abi::parse::ParseError| format!("include_wasm!: {shown}: {e}");
    let binary = wasmlite_abi::parse::read_wasm_file(path).map_err(with_path)?;
    // Every implemented feature: `wasmlite-build` already enforced the crate's feature
    // switches when it compiled the same file.
    let features = wasmlite_abi::parse::supported_features();
    let info = wasmlite_abi::parse::parse_module_with_features(&binary, features).map_err(with_path)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    // Absolute path for include_bytes! (rustc tracks the file for rebuilds).
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    generate::generate(&generate::Input { stem: &stem, path: &abs, shown, binary: &binary, info: &info })
        .map_err(|e| format!("include_wasm!: {shown}: {e}"))
}

#[cfg(test)]
mod tests;
