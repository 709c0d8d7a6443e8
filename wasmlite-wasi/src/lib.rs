//! # wasmlite-wasi — WASI preview 1 for wasmlite
//!
//! Host functions for the `wasi_snapshot_preview1` imports of a module, over a [`WasiCtx`]
//! (args, environment, stdio, preopened directories). Paths are resolved with `cap-std`, so a
//! guest cannot leave its preopened directories through `..`, absolute paths or symlinks.
//! Host errors become WASI errno values; a guest pointer outside its memory is `EFAULT`.
//!
//! ## JIT / untyped runtime
//! ```ignore
//! let ctx = WasiCtx::builder().arg("prog").inherit_stdio().preopened_dir(".", ".")?.build();
//! let imports = wasmlite_wasi::resolve_imports(&module, &ctx, |_, _| None)?;
//! let mut inst = wasmlite_rt::Instance::new(&store, &module, &imports, ())?;
//! let status = wasmlite_wasi::command_exit_status(&ctx, inst.call_export("_start", &[]))?;
//! ```
//!
//! ## `include_wasm!` (ahead of time)
//! For a module importing `wasi_snapshot_preview1`, the generated `Imports` trait has a
//! default method for every WASI import (delegating to [`preview1`]) and one required method
//! `fn wasi_ctx(&mut self) -> &mut wasmlite_wasi::WasiCtx`:
//! ```ignore
//! struct Host { wasi: WasiCtx }
//! impl app::Imports for Host {
//!     fn wasi_ctx(&mut self) -> &mut WasiCtx { &mut self.wasi }
//! }
//! ```
//!
//! ## `proc_exit`
//! `proc_exit(code)` records the code in the context ([`WasiCtx::exit_code`]) and ends the
//! program with a [`TrapKind::Exit`]`(code)` trap ([`Trap::exit`]; read the code with
//! `trap.exit_status()` or [`exit_code`]); [`command_exit_status`] turns the result of
//! `_start` into an exit status.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod ctx;
mod funcs;
mod imp;
mod mem;
mod types;

pub use ctx::{OutputBuffer, WasiCtx, WasiCtxBuilder};
pub use funcs::preview1;
pub use types::Errno;

use wasmlite_rt::{Extern, Func, FuncType, InstantiationError, Module, Trap, TrapKind, Val};

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Names of all `wasi_snapshot_preview1` functions this crate provides.
pub fn function_names() -> impl Iterator<Item = &'static str> {
    funcs::FUNCS.iter().map(|f| f.name)
}

/// The wasm type of the WASI function `name`, if this crate provides it.
pub fn function_type(name: &str) -> Option<FuncType> {
    funcs::FUNCS
        .iter()
        .find(|f| f.name == name)
        .map(|f| FuncType { params: f.params.to_vec().into(), results: f.results.to_vec().into() })
}

/// A host function implementing `wasi_snapshot_preview1`.`name` over `ctx`. `ty` is the type
/// the module imports it with and must equal the WASI type exactly.
pub fn wasi_func(ctx: &WasiCtx, name: &str, ty: &FuncType) -> Result<Func, InstantiationError> {
    let def = funcs::FUNCS
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| InstantiationError::new(format!("unknown WASI import `{MODULE}`.`{name}`")))?;
    if ty.params != def.params || ty.results != def.results {
        let want = FuncType { params: def.params.to_vec().into(), results: def.results.to_vec().into() };
        return Err(InstantiationError::new(format!(
            "WASI import `{MODULE}`.`{name}` has type {ty}, expected {want}"
        )));
    }
    let mut ctx = ctx.clone();
    let call = def.call;
    Ok(Func::new(ty.clone(), move |caller, params, results| {
        if let (Some(v), Some(slot)) = (call(&mut ctx, caller, params)?, results.first_mut()) {
            *slot = Val::I32(v);
        }
        Ok(())
    }))
}

/// A host function implementing `wasi_snapshot_preview1`.`name` over `ctx`, with the WASI
/// type (the runtime checks it against the import at instantiation).
pub fn dynamic_func(ctx: &WasiCtx, name: &str) -> Result<Func, InstantiationError> {
    let ty = function_type(name).ok_or_else(|| InstantiationError::new(format!("unknown WASI import `{MODULE}`.`{name}`")))?;
    wasi_func(ctx, name, &ty)
}

/// All imports of `module`, in order: `wasi_snapshot_preview1` functions from `ctx` (exact
/// type check; unknown names and non-function WASI imports are errors), everything else from
/// `other(module, name)` (`None` → "unknown import `m`.`n`").
pub fn resolve_imports(
    module: &Module,
    ctx: &WasiCtx,
    mut other: impl FnMut(&str, &str) -> Option<Extern>,
) -> Result<Vec<Extern>, InstantiationError> {
    let info = module.info();
    info.imports
        .iter()
        .map(|imp| {
            if imp.module != MODULE {
                return other(&imp.module, &imp.name)
                    .ok_or_else(|| InstantiationError::new(format!("unknown import `{}`.`{}`", imp.module, imp.name)));
            }
            match imp.ty {
                wasmlite_rt::abi::ExternType::Func(t) => {
                    let ty = info.types.get(t as usize).ok_or_else(|| {
                        InstantiationError::new(format!("import `{MODULE}`.`{}` has an invalid type index", imp.name))
                    })?;
                    wasi_func(ctx, &imp.name, ty).map(Extern::Func)
                }
                _ => Err(InstantiationError::new(format!("WASI import `{MODULE}`.`{}` is not a function", imp.name))),
            }
        })
        .collect()
}

/// The exit code if `trap` is the [`TrapKind::Exit`] trap `proc_exit` ends a program with
/// (the same as [`Trap::exit_status`]).
pub fn exit_code(trap: &Trap) -> Option<u32> {
    match trap.kind() {
        TrapKind::Exit(code) => Some(code),
        _ => None,
    }
}

/// The exit status of a WASI command from the result of calling its `_start`: `0` when it
/// returned, the code of a [`TrapKind::Exit`] trap (`proc_exit`), otherwise the trap. `ctx`
/// is the program's context; the status travels in the trap itself, so `ctx` only serves to
/// keep the call sites explicit about which program ran.
pub fn command_exit_status<T>(_ctx: &WasiCtx, result: Result<T, Trap>) -> Result<u32, Trap> {
    match result {
        Ok(_) => Ok(0),
        Err(t) => exit_code(&t).ok_or(t),
    }
}
