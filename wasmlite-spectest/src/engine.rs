//! The real engine: `wasmlite_codegen::compile` → object → `wasmlite_jit::Jit` →
//! `wasmlite_rt::Module::from_descriptor` → `wasmlite_rt::Instance`. Never an interpreter.

use std::collections::HashMap;
use std::rc::Rc;

use wasmlite_rt::{Error, Extern, Instance, Module, Store, Trap, Val};

use crate::matching::Value;
use crate::script::{Engine, Failure};


fn trap_failure(t: &Trap) -> Failure {
    Failure::Trap(t.kind(), t.to_string())
}

/// Runner value → runtime value.
pub fn to_val(v: &Value) -> Result<Val, String> {
    Ok(match *v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(b) => Val::F32(b),
        Value::F64(b) => Val::F64(b),
        Value::V128(x) => Val::V128(x),
        Value::FuncRef(None) => Val::FuncRef(None),
        Value::FuncRef(Some(_)) => return Err("non-null funcref arguments are not supported".into()),
        Value::ExternRef(None) => Val::ExternRef(None),
        Value::ExternRef(Some(n)) => Val::ExternRef(Some(wasmlite_rt::ExternRef::new(n))),
        Value::ExnRef(None) => Val::ExnRef(None),
        Value::ExnRef(Some(_)) => return Err("non-null exnref arguments are not supported".into()),
    })
}

/// Runtime value → runner value.
pub fn from_val(v: &Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(*x),
        Val::I64(x) => Value::I64(*x),
        Val::F32(b) => Value::F32(*b),
        Val::F64(b) => Value::F64(*b),
        Val::V128(x) => Value::V128(*x),
        Val::FuncRef(f) => Value::FuncRef(f.map(|f| f.as_ptr() as usize)),
        Val::ExternRef(e) => Value::ExternRef(e.map(|e| e.id())),
        Val::ExnRef(e) => Value::ExnRef(e.map(|e| e.to_raw() as usize)),
    }
}

/// Where registered imports come from.
enum Exporter {
    /// The `spectest` host module (or any fixed set of externs).
    Host(HashMap<String, Extern>),
    /// A wasm instance.
    Instance(Rc<Instance>),
}

impl Exporter {
    fn export(&self, name: &str) -> Option<Extern> {
        match self {
            Exporter::Host(m) => m.get(name).cloned(),
            Exporter::Instance(i) => i.export(name),
        }
    }
}

/// Compiles with codegen, loads with the JIT, instantiates with the runtime.
pub struct RtEngine {
    // Field order matters: everything referring to JIT-loaded code is dropped before `jit`.
    registered: HashMap<String, Exporter>,
    instances: Vec<Rc<Instance>>,
    store: Store,
    config: wasmlite_codegen::Config,
    lazy: bool,
    jit: wasmlite_jit::Jit,
}

impl RtEngine {
    /// A fresh engine (one store, the `spectest` module registered); `opt_level` overrides
    /// codegen's default optimisation level; `wasm_features` is the validation feature set.
    pub fn new(
        bounds_checks: bool,
        opt_level: Option<u8>,
        wasm_features: wasmlite_codegen::WasmFeatures,
    ) -> Result<RtEngine, String> {
        let jit = wasmlite_jit::Jit::new().map_err(|e| e.to_string())?;
        let mut config =
            wasmlite_codegen::Config { explicit_bounds_checks: bounds_checks, wasm_features, ..Default::default() };
        if let Some(n) = opt_level {
            config.opt_level = n;
        }
        let mut registered = HashMap::new();
        registered.insert("spectest".to_string(), Exporter::Host(wasmlite_jit::spectest::exports()?));
        Ok(RtEngine { registered, instances: Vec::new(), store: Store::new(), config, lazy: false, jit })
    }

    /// Compile each function on its first call (`wasmlite_jit::compile_module_lazy`, the
    /// process-wide JIT) instead of whole modules up front.
    pub fn lazy(mut self, lazy: bool) -> RtEngine {
        self.lazy = lazy;
        self
    }

    /// Compile every module in `n` code partitions (`Config::threads`; `None` keeps codegen's
    /// default).
    pub fn threads(mut self, n: Option<usize>) -> RtEngine {
        if let Some(n) = n {
            self.config.threads = n;
        }
        self
    }
}

impl Engine for RtEngine {
    type Module = Module;
    type Instance = Rc<Instance>;

    fn compile(&mut self, wasm: &[u8], name: &str) -> Result<Module, Failure> {
        if self.lazy {
            return wasmlite_jit::compile_module_lazy(wasm, name, &self.config).map_err(|e| match e {
                wasmlite_jit::JitError::Compile(e) => Failure::Other(e.to_string()),
                e => Failure::Internal(e.to_string()),
            });
        }
        let desc = self.jit.load_wasm(wasm, name, &self.config).map_err(|e| match e {
            wasmlite_jit::JitError::Compile(e) => Failure::Other(e.to_string()),
            e => Failure::Internal(e.to_string()),
        })?;
        // SAFETY: the descriptor and its code belong to `self.jit`, which outlives every module
        // and instance of this engine (field order of `RtEngine`; modules handed out are only
        // used by the script executor, which borrows the engine).
        unsafe { Module::from_descriptor(desc) }.map_err(|e| Failure::Internal(format!("runtime rejected module: {e}")))
    }

    fn instantiate(&mut self, module: &Module) -> Result<Rc<Instance>, Failure> {
        let registered = &self.registered;
        let imports = wasmlite_rt::resolve_imports(module, |m, n| registered.get(m).and_then(|e| e.export(n)))
            .map_err(|e| Failure::Link(e.to_string()))?;
        match Instance::new(&self.store, module, &imports, ()) {
            Ok(i) => {
                let i = Rc::new(i);
                self.instances.push(Rc::clone(&i));
                Ok(i)
            }
            Err(Error::Instantiation(e)) => Err(Failure::Link(e.to_string())),
            Err(Error::Trap(t)) => Err(trap_failure(&t)),
        }
    }

    fn register(&mut self, name: &str, instance: &Rc<Instance>) {
        self.registered.insert(name.to_string(), Exporter::Instance(Rc::clone(instance)));
    }

    fn invoke(&mut self, instance: &Rc<Instance>, name: &str, args: &[Value]) -> Result<Vec<Value>, Failure> {
        let Some(Extern::Func(f)) = instance.export(name) else {
            return Err(Failure::Other(format!("no exported function `{name}`")));
        };
        let args = args.iter().map(to_val).collect::<Result<Vec<_>, _>>().map_err(Failure::Other)?;
        match f.call(&args) {
            Ok(r) => Ok(r.iter().map(from_val).collect()),
            Err(t) => Err(trap_failure(&t)),
        }
    }

    fn get(&mut self, instance: &Rc<Instance>, name: &str) -> Result<Value, Failure> {
        match instance.export(name) {
            Some(Extern::Global(g)) => Ok(from_val(&g.get())),
            _ => Err(Failure::Other(format!("no exported global `{name}`"))),
        }
    }

    /// The exported thread-shared memories (by export name).
    type Shared = Vec<(String, wasmlite_rt::ThreadSharedMemory)>;

    fn share(&mut self, instance: &Rc<Instance>) -> Result<Self::Shared, Failure> {
        let mut out = Vec::new();
        for e in instance.module().info().exports.iter() {
            if let Some(Extern::Memory(m)) = instance.export(&e.name) {
                let storage = m.try_borrow().map_err(|t| trap_failure(&t))?.shared_storage();
                if let Some(shm) = storage {
                    out.push((e.name.to_string(), shm));
                }
            }
        }
        Ok(out)
    }

    fn register_shared(&mut self, name: &str, shared: &Self::Shared) {
        let exports = shared.iter().map(|(n, shm)| (n.clone(), Extern::Memory(shm.attach()))).collect();
        self.registered.insert(name.to_string(), Exporter::Host(exports));
    }

    fn fork(&self) -> Box<dyn FnOnce() -> Result<Self, String> + Send> {
        let (bounds, opt, features, threads) =
            (self.config.explicit_bounds_checks, self.config.opt_level, self.config.wasm_features, self.config.threads);
        Box::new(move || RtEngine::new(bounds, Some(opt), features).map(|e| e.threads(Some(threads))))
    }
}
