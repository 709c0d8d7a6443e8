//! The two engines behind [`Runner`]: wasmi (reference) and wasmlite (codegen → JIT → runtime).

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::exec::{hash_bytes, Outcome, Runner, TrapKind, Value};
use crate::gen::{Arg, FuncExport, Ty, FUEL_EXPORT};

/// wasmi's own fuel per call (instructions, roughly): out of fuel is inconclusive. Generated
/// modules stop far earlier through their fuel global; this bounds modules where shrinking
/// removed it.
pub const ENGINE_FUEL: u64 = 200_000_000;

/// wasmlite's table size limit, imposed on the reference engines too.
const REFERENCE_MAX_TABLE_ELEMENTS: usize = wasmlite_rt::MAX_TABLE_ELEMENTS as usize;

/// Wall-clock limit of one wasmlite call (then it is interrupted: `TrapKind::Other`).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// wasmi (1.1: the reference; 2.0: tie-breaker when wasmlite and wasmi 1.1 disagree)

macro_rules! wasmi_runner {
    ($(#[$doc:meta])* $name:ident, $w:ident, $nullable:ident, $default:ident, $extra_config:expr) => {
        $(#[$doc])*
        pub struct $name {
            store: $w::Store<$w::StoreLimits>,
            module: $w::Module,
            instance: Option<$w::Instance>,
        }

        impl $name {
            pub fn new(wasm: &[u8]) -> Result<$name, String> {
                let mut config = $w::Config::default();
                config
                    .wasm_mutable_global(true)
                    .wasm_sign_extension(true)
                    .wasm_saturating_float_to_int(true)
                    .wasm_multi_value(true)
                    .wasm_bulk_memory(true)
                    .wasm_reference_types(true)
                    .wasm_simd(true)
                    // The later features the generator uses (`gen::diff_config`).
                    .wasm_multi_memory(true)
                    .wasm_tail_call(true)
                    .wasm_extended_const(true)
                    .wasm_relaxed_simd(true)
                    .wasm_wide_arithmetic(true)
                    .wasm_custom_page_sizes(true)
                    .wasm_memory64(true)
                    .set_max_recursion_depth(20_000)
                    .consume_fuel(true);
                #[allow(clippy::redundant_closure_call)]
                ($extra_config)(&mut config);
                let engine = $w::Engine::new(&config);
                let module = $w::Module::new(&engine, wasm).map_err(|e| format!("{} rejected module: {e}", stringify!($name)))?;
                // wasmlite's implementation limits (a `table.grow` past them returns -1, as the
                // spec allows): without them wasmi grows a table to 10^8 elements where wasmlite
                // refuses, and a module looping on the grow result diverges (seed 30001683).
                let limits = $w::StoreLimitsBuilder::new()
                    .table_elements(REFERENCE_MAX_TABLE_ELEMENTS)
                    .build();
                let mut store = $w::Store::new(&engine, limits);
                store.limiter(|l| l);
                Ok($name { store, module, instance: None })
            }

            fn trap(e: &$w::Error) -> Outcome {
                use $w::TrapCode as C;
                let kind = match e.as_trap_code() {
                    Some(C::UnreachableCodeReached) => TrapKind::Unreachable,
                    Some(C::MemoryOutOfBounds) => TrapKind::MemoryOutOfBounds,
                    Some(C::TableOutOfBounds) => TrapKind::TableOutOfBounds,
                    Some(C::IndirectCallToNull) => TrapKind::IndirectCallToNull,
                    Some(C::IntegerDivisionByZero) => TrapKind::IntegerDivideByZero,
                    Some(C::IntegerOverflow) => TrapKind::IntegerOverflow,
                    Some(C::BadConversionToInteger) => TrapKind::InvalidConversionToInteger,
                    Some(C::StackOverflow) => TrapKind::StackOverflow,
                    Some(C::BadSignature) => TrapKind::BadSignature,
                    _ => TrapKind::Other,
                };
                Outcome::Trap(kind, e.to_string())
            }

            fn val(&self, v: &$w::Val) -> Value {
                match v {
                    $w::Val::I32(x) => Value::I32(*x),
                    $w::Val::I64(x) => Value::I64(*x),
                    $w::Val::F32(x) => Value::F32(x.to_bits()),
                    $w::Val::F64(x) => Value::F64(x.to_bits()),
                    $w::Val::V128(x) => Value::V128(x.as_u128()),
                    $w::Val::FuncRef(r) => Value::FuncRef { null: r.is_null() },
                    $w::Val::ExternRef(r) => Value::ExternRef(match r {
                        $w::$nullable::Null => None,
                        // Host ids are u32; anything else would be a harness bug, shown as u32::MAX.
                        $w::$nullable::Val(r) => {
                            Some(r.data(&self.store).downcast_ref::<u32>().copied().unwrap_or(u32::MAX))
                        }
                    }),
                }
            }

            fn arg(&mut self, a: &Arg) -> $w::Val {
                match a {
                    Arg::I32(x) => $w::Val::I32(*x),
                    Arg::I64(x) => $w::Val::I64(*x),
                    Arg::F32(b) => $w::Val::F32($w::F32::from_bits(*b)),
                    Arg::F64(b) => $w::Val::F64($w::F64::from_bits(*b)),
                    Arg::V128(x) => $w::Val::V128($w::V128::from(*x)),
                    Arg::NullFunc => $w::Val::FuncRef($w::$nullable::Null),
                    Arg::Extern(None) => $w::Val::ExternRef($w::$nullable::Null),
                    Arg::Extern(Some(n)) => {
                        $w::Val::ExternRef($w::$nullable::Val($w::ExternRef::new(&mut self.store, *n)))
                    }
                }
            }

            fn ty(t: Ty) -> $w::ValType {
                match t {
                    Ty::I32 => $w::ValType::I32,
                    Ty::I64 => $w::ValType::I64,
                    Ty::F32 => $w::ValType::F32,
                    Ty::F64 => $w::ValType::F64,
                    Ty::V128 => $w::ValType::V128,
                    Ty::FuncRef => $w::ValType::FuncRef,
                    Ty::ExternRef => $w::ValType::ExternRef,
                }
            }
        }

        impl Runner for $name {
            fn instantiate(&mut self) -> Outcome {
                if let Err(e) = self.store.set_fuel(ENGINE_FUEL) {
                    return Outcome::Trap(TrapKind::Other, e.to_string());
                }
                let linker = $w::Linker::<$w::StoreLimits>::new(self.store.engine());
                match linker.instantiate_and_start(&mut self.store, &self.module) {
                    Ok(i) => {
                        self.instance = Some(i);
                        Outcome::Return(Vec::new())
                    }
                    Err(e) => $name::trap(&e),
                }
            }

            fn set_fuel(&mut self, fuel: u32) -> Result<(), String> {
                let g = self
                    .instance
                    .and_then(|i| i.get_global(&self.store, FUEL_EXPORT))
                    .ok_or_else(|| "wasmi: no fuel global".to_string())?;
                g.set(&mut self.store, $w::Val::I32(fuel as i32)).map_err(|e| e.to_string())
            }

            fn call(&mut self, func: &FuncExport, args: &[Arg]) -> Outcome {
                let Some(f) = self.instance.and_then(|i| i.get_func(&self.store, &func.name)) else {
                    return Outcome::Trap(TrapKind::Other, format!("wasmi: no function `{}`", func.name));
                };
                if let Err(e) = self.store.set_fuel(ENGINE_FUEL) {
                    return Outcome::Trap(TrapKind::Other, e.to_string());
                }
                let args: Vec<$w::Val> = args.iter().map(|a| self.arg(a)).collect();
                let mut results: Vec<$w::Val> =
                    func.results.iter().map(|t| $w::Val::$default($name::ty(*t))).collect();
                match f.call(&mut self.store, &args, &mut results) {
                    Ok(()) => Outcome::Return(results.iter().map(|v| self.val(v)).collect()),
                    Err(e) => $name::trap(&e),
                }
            }

            fn memory(&self, name: &str) -> Option<Vec<u8>> {
                let m = self.instance?.get_memory(&self.store, name)?;
                Some(m.data(&self.store).to_vec())
            }

            fn memory_hash(&self, name: &str) -> Option<(usize, u64)> {
                let m = self.instance?.get_memory(&self.store, name)?;
                let d = m.data(&self.store);
                Some((d.len(), hash_bytes(d)))
            }

            fn global(&self, name: &str) -> Option<Value> {
                let g = self.instance?.get_global(&self.store, name)?;
                Some(self.val(&g.get(&self.store)))
            }
        }
    };
}

wasmi_runner!(
    /// wasmi 2.0 (new translator): consulted when wasmlite and wasmi 1.1 disagree.
    Wasmi2,
    wasmi,
    Nullable,
    default_for_ty,
    |_c: &mut wasmi::Config| {}
);

wasmi_runner!(
    /// The reference interpreter: wasmi 1.1.
    Wasmi1,
    wasmi1,
    Ref,
    default,
    |_c: &mut wasmi1::Config| {}
);

// ---------------------------------------------------------------------------------------------
// wasmlite

/// A code generation mode under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    pub bounds_checks: bool,
    pub opt_level: u8,
    /// Lazy JIT (`wasmlite_jit::compile_module_lazy`: each function compiled on its first
    /// call; guard pages). Not in [`Mode::ALL`]: `--modes lazy-O2`.
    pub lazy: bool,
}

impl Mode {
    pub const ALL: [Mode; 4] = [
        Mode { bounds_checks: false, opt_level: 0, lazy: false },
        Mode { bounds_checks: false, opt_level: 2, lazy: false },
        Mode { bounds_checks: true, opt_level: 0, lazy: false },
        Mode { bounds_checks: true, opt_level: 2, lazy: false },
    ];

    pub fn name(&self) -> String {
        let mem = if self.lazy {
            "lazy"
        } else if self.bounds_checks {
            "bounds"
        } else {
            "guard"
        };
        format!("{mem}-O{}", self.opt_level)
    }

    pub fn parse(s: &str) -> Result<Mode, String> {
        let (mem, opt) = s.split_once("-O").ok_or_else(|| format!("bad mode `{s}` (e.g. guard-O2, bounds-O0, lazy-O2)"))?;
        let (bounds_checks, lazy) = match mem {
            "guard" => (false, false),
            "bounds" => (true, false),
            "lazy" => (false, true),
            _ => return Err(format!("bad memory mode `{mem}` (guard, bounds or lazy)")),
        };
        let opt_level = opt.parse::<u8>().ok().filter(|o| *o <= 3).ok_or_else(|| format!("bad opt level in `{s}`"))?;
        Ok(Mode { bounds_checks, opt_level, lazy })
    }
}

/// One watchdog thread per process interrupts a wasmlite call running past its deadline.
static WATCHDOG: OnceLock<Mutex<Option<(Instant, wasmlite_rt::InterruptHandle)>>> = OnceLock::new();

fn watchdog() -> &'static Mutex<Option<(Instant, wasmlite_rt::InterruptHandle)>> {
    WATCHDOG.get_or_init(|| {
        std::thread::spawn(|| loop {
            std::thread::sleep(Duration::from_millis(100));
            if let Some(w) = WATCHDOG.get() {
                let mut slot = w.lock().unwrap_or_else(|e| e.into_inner());
                if slot.as_ref().is_some_and(|(deadline, _)| Instant::now() >= *deadline) {
                    if let Some((_, h)) = slot.take() {
                        h.interrupt();
                    }
                }
            }
        });
        Mutex::new(None)
    })
}

fn arm(h: wasmlite_rt::InterruptHandle) {
    *watchdog().lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now() + CALL_TIMEOUT, h));
}

fn disarm() {
    *watchdog().lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// wasmlite: `wasmlite_codegen::compile` → `wasmlite_jit` → `wasmlite_rt`.
///
/// Borrows the [`wasmlite_jit::Jit`] that owns the code for as long as it lives.
pub struct Wasmlite<'j> {
    // Drop order: instance before module before the JIT borrow ends.
    instance: Option<wasmlite_rt::Instance>,
    module: wasmlite_rt::Module,
    store: wasmlite_rt::Store,
    _jit: &'j wasmlite_jit::Jit,
}

impl<'j> Wasmlite<'j> {
    /// Compiles and loads `wasm`. `Err` carries the compile/load error.
    pub fn new(jit: &'j mut wasmlite_jit::Jit, wasm: &[u8], mode: Mode) -> Result<Wasmlite<'j>, String> {
        let config = wasmlite_codegen::Config {
            opt_level: mode.opt_level,
            explicit_bounds_checks: mode.bounds_checks,
            // Everything wasmlite implements (the generator decides what is used).
            wasm_features: wasmlite_abi::parse::supported_features(),
            ..Default::default()
        };
        let module = if mode.lazy {
            // The process-wide JIT (never dropped) holds lazy modules.
            wasmlite_jit::compile_module_lazy(wasm, "fuzz", &config).map_err(|e| e.to_string())?
        } else {
            let desc = jit.load_wasm(wasm, "fuzz", &config).map_err(|e| e.to_string())?;
            // SAFETY: `desc` points into code owned by `jit`, which is borrowed for `'j`, as
            // long as this value (and so the module and instance built from it) lives.
            unsafe { wasmlite_rt::Module::from_descriptor(desc) }.map_err(|e| format!("runtime rejected module: {e}"))?
        };
        Ok(Wasmlite { instance: None, module, store: wasmlite_rt::Store::new(), _jit: jit })
    }

    fn export(&self, name: &str) -> Option<wasmlite_rt::Extern> {
        self.instance.as_ref()?.export(name)
    }

    fn trap(t: &wasmlite_rt::Trap) -> Outcome {
        use wasmlite_rt::TrapKind as K;
        let kind = match t.kind() {
            K::Unreachable => TrapKind::Unreachable,
            K::IntegerDivideByZero => TrapKind::IntegerDivideByZero,
            K::IntegerOverflow => TrapKind::IntegerOverflow,
            K::InvalidConversionToInteger => TrapKind::InvalidConversionToInteger,
            K::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
            K::TableOutOfBounds => TrapKind::TableOutOfBounds,
            K::IndirectCallToNull => TrapKind::IndirectCallToNull,
            K::BadSignature => TrapKind::BadSignature,
            K::StackOverflow => TrapKind::StackOverflow,
            _ => TrapKind::Other,
        };
        Outcome::Trap(kind, t.to_string())
    }

    fn val(v: &wasmlite_rt::Val) -> Value {
        use wasmlite_rt::Val as V;
        match v {
            V::I32(x) => Value::I32(*x),
            V::I64(x) => Value::I64(*x),
            V::F32(b) => Value::F32(*b),
            V::F64(b) => Value::F64(*b),
            V::V128(x) => Value::V128(*x),
            V::FuncRef(r) => Value::FuncRef { null: r.is_none() },
            V::ExternRef(r) => Value::ExternRef(r.map(|r| u32::try_from(r.id()).unwrap_or(u32::MAX))),
            // Never produced: the generated modules do not use exception handling.
            V::ExnRef(r) => Value::ExternRef(r.map(|_| u32::MAX)),
        }
    }

    fn arg(a: &Arg) -> wasmlite_rt::Val {
        use wasmlite_rt::Val as V;
        match a {
            Arg::I32(x) => V::I32(*x),
            Arg::I64(x) => V::I64(*x),
            Arg::F32(b) => V::F32(*b),
            Arg::F64(b) => V::F64(*b),
            Arg::V128(x) => V::V128(*x),
            Arg::NullFunc => V::FuncRef(None),
            Arg::Extern(None) => V::ExternRef(None),
            Arg::Extern(Some(n)) => V::ExternRef(Some(wasmlite_rt::ExternRef::new(*n as usize))),
        }
    }
}

impl Runner for Wasmlite<'_> {
    fn instantiate(&mut self) -> Outcome {
        arm(self.store.interrupt_handle());
        let r = wasmlite_rt::Instance::new(&self.store, &self.module, &[], ());
        disarm();
        match r {
            Ok(i) => {
                self.instance = Some(i);
                Outcome::Return(Vec::new())
            }
            Err(wasmlite_rt::Error::Trap(t)) => Wasmlite::trap(&t),
            Err(e) => Outcome::Trap(TrapKind::Other, format!("instantiation error: {e}")),
        }
    }

    fn set_fuel(&mut self, fuel: u32) -> Result<(), String> {
        match self.export(FUEL_EXPORT) {
            Some(wasmlite_rt::Extern::Global(g)) => g.set(wasmlite_rt::Val::I32(fuel as i32)).map_err(|e| e.to_string()),
            _ => Err("wasmlite: no fuel global".into()),
        }
    }

    fn call(&mut self, func: &FuncExport, args: &[Arg]) -> Outcome {
        let Some(wasmlite_rt::Extern::Func(f)) = self.export(&func.name) else {
            return Outcome::Trap(TrapKind::Other, format!("wasmlite: no function `{}`", func.name));
        };
        let args: Vec<wasmlite_rt::Val> = args.iter().map(Wasmlite::arg).collect();
        arm(self.store.interrupt_handle());
        let r = f.call(&args);
        disarm();
        match r {
            Ok(r) => Outcome::Return(r.iter().map(Wasmlite::val).collect()),
            Err(t) => Wasmlite::trap(&t),
        }
    }

    fn memory(&self, name: &str) -> Option<Vec<u8>> {
        match self.export(name)? {
            wasmlite_rt::Extern::Memory(m) => Some(m.borrow().data().to_vec()),
            _ => None,
        }
    }

    fn memory_hash(&self, name: &str) -> Option<(usize, u64)> {
        match self.export(name)? {
            wasmlite_rt::Extern::Memory(m) => {
                let m = m.borrow();
                Some((m.data().len(), hash_bytes(m.data())))
            }
            _ => None,
        }
    }

    fn global(&self, name: &str) -> Option<Value> {
        match self.export(name)? {
            wasmlite_rt::Extern::Global(g) => Some(Wasmlite::val(&g.get())),
            _ => None,
        }
    }
}
