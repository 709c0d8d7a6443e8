//! Per-function compilation for lazy JITs (`wasmlite_jit::compile_module_lazy`).
//!
//! A [`LazyModule`] validates the module once and then produces:
//!
//! * the *shell* object ([`LazyModule::shell_object`]): `raise_trap`, the import stubs, the
//!   code markers and the exported `<prefix>_descriptor`, which lists no defined function:
//!   their entry points are the JIT's stubs ([`LazyModule::func_entries`]). Its size does
//!   not depend on the function bodies.
//! * one object per defined function ([`LazyModule::function_object`]) defining
//!   [`native_body_symbol`] and [`array_body_symbol`] (the function and its array entry),
//!   between two code markers ([`code_marker_symbols`]). Direct calls go to the callee's
//!   stub, imports to the shell's import stubs.
//!
//! The JIT's stubs compile a function on its first call and then jump straight to the
//! native code (`wasmlite_jit`'s `lazy.rs`).
//!
//! Both memory modes and both ways of interrupting work: the JIT registers each function
//! object's `[code_start, code_end)` with the signal handler as it links it.

use std::ops::Range;

use wasmlite_abi::{ModuleInfo, VmLayout};
use wasmparser::{BinaryReader, FunctionBody, Operator, Parser, Payload};

use crate::llvm::{self, Context, Linkage, Module, TargetMachine, Value};
use crate::translate::env::raise_trap_type;
use crate::translate::func::translate_function;
use crate::translate::module::{
    common_attrs, define_marker, emit_array_entry, fp_barrier_constraint, emit_descriptor, emit_import_stub, emit_personality, exceptions_enabled,
    internal_fn, native_fn_type, ModuleCtx, define_raise_trap, define_sjlj_entry, raise_trap_attrs, entry_fn_type,
    DescriptorTraps, Catches, define_enter,
};
use crate::{CompileError, Config};

/// Symbol of the lazy stub table: `2 * n` entry points of [`STUB_SIZE`] bytes each for the
/// `n` defined functions (see [`stub_offset`]), provided by the JIT. The shell's descriptor
/// and the function objects refer to functions only as offsets from this one symbol, so
/// neither the shell nor the JIT's symbol table grows by a symbol per function.
pub fn stubs_symbol(prefix: &str) -> String {
    format!("{prefix}_lazy_stubs")
}

/// Size in bytes of one entry of the stub table ([`stubs_symbol`]).
pub const STUB_SIZE: u64 = 16;

/// Stub number of defined function `defined` (its index minus the number of imported
/// functions): `2 * defined` is its native entry, `2 * defined + 1` its array entry.
pub fn stub_number(defined: u32, array: bool) -> u64 {
    2 * u64::from(defined) + u64::from(array)
}

/// The inverse of [`stub_number`]: (defined function, whether it is the array entry).
pub fn stub_function(stub: u64) -> (u32, bool) {
    ((stub / 2) as u32, stub % 2 == 1)
}

/// Byte offset of a stub (see [`stub_number`]) from [`stubs_symbol`].
pub fn stub_offset(defined: u32, array: bool) -> u64 {
    stub_number(defined, array) * STUB_SIZE
}

/// Symbol of the compiled body of function `index` (defined by its function object).
pub fn native_body_symbol(prefix: &str, index: u32) -> String {
    format!("{prefix}_fbody{index}")
}

/// Symbol of the compiled array entry of function `index` (defined by its function object).
pub fn array_body_symbol(prefix: &str, index: u32) -> String {
    format!("{prefix}_arraybody{index}")
}

/// Symbols of the markers around the code of function `index`'s object: its first and last
/// functions (see [`LazyModule::function_object`]).
pub fn code_marker_symbols(prefix: &str, index: u32) -> (String, String) {
    (format!("{prefix}_fn{index}_code_start"), format!("{prefix}_fn{index}_code_end"))
}

/// Pass pipeline of the shell object (see [`LazyModule::shell_object`]).
const SHELL_PIPELINE: &str = "function(sroa,early-cse,instcombine,simplifycfg)";

pub(crate) fn raise_trap_symbol(prefix: &str) -> String {
    format!("{prefix}_raise_trap")
}

fn stub_symbol(prefix: &str, index: u32) -> String {
    format!("{prefix}_stub{index}")
}

/// A validated module whose functions are compiled one at a time.
#[derive(Debug, Clone)]
pub struct LazyModule {
    wasm: Vec<u8>,
    prefix: String,
    config: Config,
    info: ModuleInfo,
    bodies: Vec<Range<usize>>,
    /// [`LazyModule::polls_interrupts`], decided once for the target.
    polls: bool,
    /// `abi::parse::builtins_used`: the builtins the code may call.
    builtins: u32,
}

impl LazyModule {
    /// Validate `wasm` (the whole module, as [`crate::compile`] does) and remember where each
    /// function body is.
    pub fn new(wasm: &[u8], prefix: &str, config: &Config) -> Result<LazyModule, CompileError> {
        check_prefix(prefix)?;
        let info = wasmlite_abi::parse::parse_module_with_features(wasm, config.wasm_features)?;
        let mut bodies = Vec::new();
        for p in Parser::new(0).parse_all(wasm) {
            if let Payload::CodeSectionEntry(b) = p? {
                let r = b.range();
                let (Ok(start), Ok(end)) = (usize::try_from(r.start), usize::try_from(r.end)) else {
                    return Err(CompileError::msg("function body offset out of range"));
                };
                bodies.push(start..end);
            }
        }
        if info.num_imported_funcs as usize + bodies.len() != info.funcs.len() {
            return Err(CompileError::msg("function and code section counts differ"));
        }
        // The JIT registers each function object's code for the signal handler when it links
        // it: guard pages and the interrupt signal work as in eager code.
        let config = config.clone();
        let triple = config.target_triple.clone().unwrap_or_else(llvm::default_triple);
        let polls = config.interrupts.polls(&triple);
        let builtins = wasmlite_abi::parse::builtins_used(wasm)?;
        Ok(LazyModule { wasm: wasm.to_vec(), prefix: prefix.to_string(), config, info, bodies, polls, builtins })
    }

    /// Whether the code polls the interrupt flag (`Config::interrupts` for the target);
    /// otherwise the interrupt signal stops it, and whoever enters it from outside wasm code
    /// checks the flag (the JIT's stub resolver does).
    pub fn polls_interrupts(&self) -> bool {
        self.polls
    }

    /// The module description.
    pub fn info(&self) -> &ModuleInfo {
        &self.info
    }

    /// The symbol prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Indices of the defined functions.
    pub fn defined_funcs(&self) -> Range<u32> {
        self.info.num_imported_funcs..self.info.funcs.len() as u32
    }

    /// The entry points of the defined functions (`ModuleDescriptor::funcs`) when the stub
    /// table ([`stubs_symbol`]) is at `stubs`: the JIT puts them in the shell's descriptor.
    pub fn func_entries(&self, stubs: u64) -> Vec<(u64, u64)> {
        let defined = self.defined_funcs();
        (0..defined.end - defined.start)
            .map(|k| (stubs + stub_offset(k, false), stubs + stub_offset(k, true)))
            .collect()
    }

    /// The shell object (see the module docs).
    pub fn shell_object(&self) -> Result<Vec<u8>, CompileError> {
        let (tm, ctx) = self.target()?;
        let module = ctx.module(&self.prefix);
        module.set_target(&tm);
        let prefix = &self.prefix;
        let info = &self.info;
        let marker_ty = ctx.func_type(ctx.void(), &[]);
        let marker = |name: &str| {
            let f = internal_fn(&ctx, &module, &format!("{prefix}_{name}"), marker_ty);
            define_marker(&ctx, f);
            f
        };
        let code_start = marker("code_start");
        let (raise_trap, sjlj_entry) = emit_traps(&ctx, &module, prefix)?;
        let nimp = info.num_imported_funcs;
        let fn_types: Vec<_> = info.types.iter().map(|t| native_fn_type(&ctx, t)).collect();
        // The shell's code (import stubs) calls imports only.
        let mut funcs = Vec::with_capacity(nimp as usize);
        for (i, &ti) in info.funcs.iter().enumerate().take(nimp as usize) {
            let fty = *fn_types.get(ti as usize).ok_or_else(|| CompileError::msg("invalid function type index"))?;
            // Native entries are `tailcc`, like in `translate::module` (tail calls).
            let f = module.add_function(&stub_symbol(prefix, i as u32), fty);
            common_attrs(&ctx, f);
            f.set_tailcc();
            funcs.push(f);
        }
        let m = self.module_ctx(&ctx, &module, &tm, funcs, fn_types, raise_trap);
        let m = self.with_personality(m, &format!("{prefix}_personality"));
        for i in 0..nimp {
            emit_import_stub(&m, i)?;
        }
        let code_end = marker("code_end");
        // After `code_end`: outside the code range (see `define_enter`).
        let enter = internal_fn(&ctx, &module, &format!("{prefix}_enter"), entry_fn_type(&ctx));
        let personality = emit_personality(&ctx, &module, &format!("{prefix}_entry_personality"), Catches::ExceptionsAndTraps);
        define_enter(&ctx, enter, personality);
        let traps = DescriptorTraps { raise_trap, enter, sjlj_entry };
        let stubs = &m.funcs[..nimp as usize];
        let intptr = module.intptr_type(&tm);
        // The descriptor lists no defined function: their entries are the stub table's, at
        // fixed offsets, which the JIT fills in (see `LazyModule::func_entries`) instead of
        // one relocation per entry point here.
        emit_descriptor(&ctx, &module, info, prefix, &self.config, intptr, &[], &[], stubs, traps, &[(
            code_start, code_end,
        )]);
        // No module-level pipeline: `default<ON>` walks the call graph and analyses of one
        // declaration per function (~35 µs per function of the module, most of the shell's
        // cost); the shell's only code (import stubs, markers, raise_trap) needs just the
        // function simplification passes.
        self.finish(&module, &tm, SHELL_PIPELINE)
    }

    /// The object of defined function `index` (see the module docs).
    pub fn function_object(&self, index: u32) -> Result<Vec<u8>, CompileError> {
        let nimp = self.info.num_imported_funcs;
        let range = index
            .checked_sub(nimp)
            .and_then(|k| self.bodies.get(k as usize))
            .ok_or_else(|| CompileError::msg(format!("function {index} is not a defined function")))?
            .clone();
        let body = FunctionBody::new(BinaryReader::new(&self.wasm[range.clone()], range.start as u64));
        let (tm, ctx) = self.target()?;
        let prefix = &self.prefix;
        let module = ctx.module(&format!("{prefix}_fn{index}"));
        module.set_target(&tm);
        // Markers around the object's code (first and last function, as in the shell): the
        // JIT registers `[start, end)` as this module's code for the signal handler.
        let marker_ty = ctx.func_type(ctx.void(), &[]);
        let (start_name, end_name) = code_marker_symbols(prefix, index);
        let code_start = module.add_function(&start_name, marker_ty);
        common_attrs(&ctx, code_start);
        define_marker(&ctx, code_start);
        let raise_trap = module.add_function(&raise_trap_symbol(prefix), raise_trap_type(&ctx));
        raise_trap_attrs(&ctx, raise_trap);
        let fn_types: Vec<_> = self.info.types.iter().map(|t| native_fn_type(&ctx, t)).collect();
        let fty = |i: u32| -> Result<_, CompileError> {
            self.info
                .funcs
                .get(i as usize)
                .and_then(|&ti| fn_types.get(ti as usize).copied())
                .ok_or_else(|| CompileError::msg(format!("function {i} has no type")))
        };
        // Declare only the callees: the object's size stays independent of the module's.
        let this = module.add_function(&native_body_symbol(prefix, index), fty(index)?);
        common_attrs(&ctx, this);
        this.set_tailcc();
        let mut funcs: Vec<Value<'_>> = vec![this; self.info.funcs.len()];
        let mut table = None;
        let mut ops = body.get_operators_reader()?;
        while !ops.eof() {
            if let Operator::Call { function_index } | Operator::ReturnCall { function_index } = ops.read()? {
                if function_index != index && funcs.get(function_index as usize) == Some(&this) {
                    let f = if let Some(k) = function_index.checked_sub(nimp) {
                        // A defined function: its stub (an indirect call through the stub table).
                        let t = *table.get_or_insert_with(|| module.add_global(&stubs_symbol(prefix), ctx.i8()));
                        ctx.const_ptr_add(t, stub_offset(k, false))
                    } else {
                        let f = module.add_function(&stub_symbol(prefix, function_index), fty(function_index)?);
                        common_attrs(&ctx, f);
                        f.set_tailcc();
                        f
                    };
                    if let Some(slot) = funcs.get_mut(function_index as usize) {
                        *slot = f;
                    }
                }
            }
        }
        let array_ty = ctx.func_type(ctx.i32(), &[ctx.ptr(), ctx.ptr(), ctx.ptr()]);
        let array = module.add_function(&array_body_symbol(prefix, index), array_ty);
        common_attrs(&ctx, array);
        ctx.add_fn_attr(array, "noinline");
        // A personality stub of its own name per object: its `DW.ref.<name>` (the weak
        // pointer `.eh_frame` refers to) must resolve inside this object (ORC would otherwise
        // bind it to another object's copy, out of the 32-bit pc-relative range).
        let personality = format!("{prefix}_personality{index}");
        let m = self.module_ctx(&ctx, &module, &tm, funcs, fn_types, raise_trap);
        let m = self.with_personality(m, &personality);
        emit_array_entry(&m, index, array)?;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| translate_function(&m, index, &body)));
        match r {
            Ok(r) => r?,
            Err(_) => return Err(CompileError::msg("internal code generator error (panic)")),
        }
        let code_end = module.add_function(&end_name, marker_ty);
        common_attrs(&ctx, code_end);
        define_marker(&ctx, code_end);
        self.finish(&module, &tm, &crate::pass_pipeline(self.config.opt_level))
    }

    fn target(&self) -> Result<(TargetMachine, Context), CompileError> {
        let triple = self.config.target_triple.clone().unwrap_or_else(llvm::default_triple);
        let (cpu, features, tune) = crate::cpu_and_features(&self.config, &triple);
        let tm = TargetMachine::new(&triple, &cpu, &features, tune, self.config.opt_level.min(3)).map_err(CompileError::msg)?;
        Ok((tm, Context::new()))
    }

    fn module_ctx<'a, 'ctx>(
        &'a self,
        ctx: &'ctx Context,
        module: &'a Module<'ctx>,
        tm: &TargetMachine,
        funcs: Vec<Value<'ctx>>,
        fn_types: Vec<crate::llvm::Type<'ctx>>,
        raise_trap: Value<'ctx>,
    ) -> ModuleCtx<'a, 'ctx> {
        let triple = tm.triple();
        ModuleCtx {
            ctx,
            module,
            info: &self.info,
            layout: VmLayout::for_module(&self.info),
            funcs,
            fn_types,
            raise_trap,
            raise_trap_ty: raise_trap_type(ctx),
            explicit_bounds: self.config.explicit_bounds_checks,
            precision: self.config.precision,
            optimize: self.config.opt_level > 0,
            poll_interrupts: self.polls_interrupts(),
            host_reg_calls: wasmlite_abi::target::host_reg_calls_supported(&triple),
            fp_barrier: fp_barrier_constraint(&triple),
            // Set by the caller (`with_personality`).
            personality: None,
            entry_personality: None,
            builtins: self.builtins,
        }
    }

    /// `m` with the personality stub named `name`: for array entries always, for the rest
    /// when exception handling is enabled.
    fn with_personality<'a, 'ctx>(&self, mut m: ModuleCtx<'a, 'ctx>, name: &str) -> ModuleCtx<'a, 'ctx> {
        let p = emit_personality(m.ctx, m.module, name, Catches::Exceptions);
        m.personality = exceptions_enabled(&self.config).then_some(p);
        m.entry_personality = Some(p);
        m
    }

    fn finish(&self, module: &Module<'_>, tm: &TargetMachine, pipeline: &str) -> Result<Vec<u8>, CompileError> {
        module
            .verify()
            .map_err(|e| CompileError::msg(format!("LLVM verifier rejected the generated IR (codegen bug): {e}")))?;
        module.run_passes(pipeline, tm, Some(&raise_trap_symbol(&self.prefix))).map_err(CompileError::msg)?;
        tm.emit_object(module).map_err(CompileError::msg)
    }
}

fn check_prefix(prefix: &str) -> Result<(), CompileError> {
    if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(CompileError::msg(format!("invalid symbol prefix {prefix:?}")));
    }
    Ok(())
}

/// The shell's `raise_trap(vmctx, code, func)` (external: function objects call it), with the
/// same body as the one `translate_module` emits, and the setjmp entry.
fn emit_traps<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, prefix: &str) -> Result<(Value<'ctx>, Value<'ctx>), CompileError> {
    let f = module.add_function(&raise_trap_symbol(prefix), raise_trap_type(ctx));
    f.set_linkage(Linkage::External);
    common_attrs(ctx, f);
    raise_trap_attrs(ctx, f);
    define_raise_trap(ctx, module, f)?;
    let sjlj_entry = internal_fn(ctx, module, &format!("{prefix}_sjlj_entry"), entry_fn_type(ctx));
    define_sjlj_entry(ctx, module, sjlj_entry)?;
    Ok((f, sjlj_entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_and_function_objects() {
        let wasm = wat::parse_str(
            r#"(module (import "m" "h" (func $h (param i32)))
                 (func $a (export "a") (param i32) (result i32) local.get 0 call $b)
                 (func $b (param i32) (result i32) local.get 0 call $h local.get 0 i32.const 1 i32.add))"#,
        )
        .unwrap();
        let m = LazyModule::new(&wasm, "lz", &Config::default()).unwrap();
        assert_eq!(m.defined_funcs(), 1..3);
        let shell = m.shell_object().unwrap();
        assert!(shell.starts_with(b"\x7fELF"));
        let has = |obj: &[u8], s: &str| obj.windows(s.len()).any(|w| w == s.as_bytes());
        assert!(has(&shell, "lz_descriptor") && has(&shell, "lz_raise_trap") && !has(&shell, "lz_lazy_stubs"));
        assert_eq!(m.func_entries(0x1000), vec![(0x1000, 0x1010), (0x1020, 0x1030)]);
        let f1 = m.function_object(1).unwrap();
        assert!(has(&f1, "lz_fbody1") && has(&f1, "lz_arraybody1") && has(&f1, "lz_lazy_stubs"));
        let f2 = m.function_object(2).unwrap();
        assert!(has(&f2, "lz_fbody2") && !has(&f2, "lz_lazy_stubs"), "only callees are declared");
        assert!(m.function_object(0).is_err(), "imports have no body");
        assert!(m.function_object(3).is_err());
        assert!(LazyModule::new(b"\0asm\x01\0\0\0\x01", "lz", &Config::default()).is_err());
    }
}
