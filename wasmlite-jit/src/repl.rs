//! Incremental compilation: a live [`Session`] that module fields are added to one at a time.
//!
//! Each definition (`(func …)`, `(global …)`, `(memory …)`, `(table …)`, `(tag …)`, `(type …)`,
//! `(data …)`, `(elem …)`, `(import …)`, `(start …)`) becomes a small wasm module of its own:
//! it imports only the earlier definitions whose `$names` its text mentions (plus the
//! session's first memory and first table, which instructions use implicitly), defines the new
//! item and exports it. The module is compiled by the same code generator, loaded into the
//! process-wide JIT (regular mode) and instantiated in the session's store with the earlier
//! definitions as imports — functions, memories, tables, globals and tags are shared runtime
//! objects (`wasmlite_rt::Extern`), so memory, globals and tables persist across additions
//! and across traps, and the cost of a definition does not depend on how many came before.
//!
//! Definitions refer to earlier ones by `$name`; numeric indices are local to the
//! definition's own module. Passive data and element segments cannot be shared between
//! definitions (`memory.init $seg` works only inside a `(module …)`).
//!
//! A failing definition (invalid text, validation error, link error, trap while
//! initialising) leaves the session unchanged.
//!
//! ```no_run
//! use wasmlite_jit::repl::Session;
//! let mut s = Session::new()?;
//! s.eval("(func $sq (param i32) (result i32) local.get 0 local.get 0 i32.mul)")?;
//! s.eval(r#"(func (export "f") (param i32) (result i32) local.get 0 call $sq)"#)?;
//! let out = s.eval(r#"(invoke "f" (i32.const 7))"#)?;
//! assert_eq!(wasmlite_jit::repl::format_values(out.values()), "(i32.const 49)");
//! # Ok::<(), wasmlite_jit::repl::ReplError>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;

use wasmlite_rt::abi::FuncType;
use wasmlite_rt::{Extern, Instance, Module, SharedMemory, SharedTable, Store, Trap, Val, ValType};

/// Module name under which a definition imports the session's earlier definitions.
const SESSION: &str = "wasmlite:session";
/// Export name of the new item of a definition.
const NEW: &str = "wasmlite:new";

/// An error of a REPL command.
#[derive(Debug, Clone)]
pub enum ReplError {
    /// Wasm trapped (the message is the spec's, e.g. `integer divide by zero`).
    Trap(Trap),
    /// Invalid text or definition, link error, failed assertion, unknown name, ...
    Error(String),
}

impl fmt::Display for ReplError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplError::Trap(t) => f.write_str(&trap_message(t)),
            ReplError::Error(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ReplError {}

fn err(m: impl Into<String>) -> ReplError {
    ReplError::Error(m.into())
}

/// The spec-testsuite wording of a trap (`integer divide by zero`), with the host message
/// for host errors.
pub fn trap_message(t: &Trap) -> String {
    use wasmlite_rt::TrapKind as K;
    match (t.kind(), t.message()) {
        (K::Host, Some(m)) => m.to_string(),
        (K::IndirectCallToNull, _) => "uninitialized element".to_string(),
        (k, _) => k.description().to_string(),
    }
}

/// Whether trap `t` is the one an `assert_trap` expecting `message` asks for (the spec
/// suite abbreviates messages and words a few differently).
fn trap_matches(t: &Trap, message: &str) -> bool {
    use wasmlite_rt::TrapKind as K;
    let m = trap_message(t);
    m.starts_with(message)
        || message.starts_with(&m)
        || match t.kind() {
            K::TableOutOfBounds => message.starts_with("undefined element"),
            K::IndirectCallToNull => message.starts_with("indirect call to null"),
            K::MemoryOutOfBounds => message.starts_with("out of bounds memory access"),
            _ => false,
        }
}

/// What a command produced.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    values: Vec<Val>,
}

impl Outcome {
    /// The results of `invoke` / `get` (empty for definitions and passed assertions).
    pub fn values(&self) -> &[Val] {
        &self.values
    }
}

/// Kinds of named items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Func,
    Memory,
    Table,
    Global,
    Tag,
}

impl Kind {
    fn keyword(self) -> &'static str {
        match self {
            Kind::Func => "func",
            Kind::Memory => "memory",
            Kind::Table => "table",
            Kind::Global => "global",
            Kind::Tag => "tag",
        }
    }
}

/// Kinds of named segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Seg {
    Data,
    Elem,
}

/// A live REPL session (see the module docs).
pub struct Session {
    config: wasmlite_codegen::Config,
    store: Store,
    named: HashMap<(Kind, String), Extern>,
    /// `(type $t …)` texts by `$t`, with their definition order (inlined in that order).
    types: HashMap<String, (u64, String)>,
    /// Named data / element segments: the text a later definition inlines to use them by
    /// `$name` (passive: as written; active or declarative: an empty passive segment, since
    /// those are dropped once instantiated), with their definition order.
    segments: HashMap<(Seg, String), (u64, String)>,
    /// Definition order counter for `types` and `segments`.
    seq: u64,
    default_memory: Option<SharedMemory>,
    default_table: Option<SharedTable>,
    exports: Vec<(String, Extern)>,
    registered: HashMap<String, HashMap<String, Extern>>,
    definitions: u64,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").field("definitions", &self.definitions).field("exports", &self.exports.len()).finish()
    }
}

impl Session {
    /// An empty session (codegen defaults with every feature wasmlite implements enabled,
    /// `wasmlite_abi::parse::supported_features`: threads, legacy exceptions, ... — multi-memory
    /// in particular, so that a definition can import the session's memory and define
    /// another), with the spec-test `spectest` module registered for imports.
    pub fn new() -> Result<Session, ReplError> {
        let config = wasmlite_codegen::Config {
            wasm_features: wasmlite_abi::parse::supported_features(),
            ..Default::default()
        };
        Session::with_config(config)
    }

    /// An empty session compiling with `config`.
    pub fn with_config(config: wasmlite_codegen::Config) -> Result<Session, ReplError> {
        let mut registered = HashMap::new();
        registered.insert("spectest".to_string(), crate::spectest::exports().map_err(err)?);
        Ok(Session {
            config,
            store: Store::new(),
            named: HashMap::new(),
            types: HashMap::new(),
            segments: HashMap::new(),
            seq: 0,
            default_memory: None,
            default_table: None,
            exports: Vec::new(),
            registered,
            definitions: 0,
        })
    }

    /// Number of definitions added so far (since the last `(module …)`).
    pub fn num_definitions(&self) -> u64 {
        self.definitions
    }

    /// The session's exports, oldest first (a later export of the same name replaces the
    /// earlier one).
    pub fn exports(&self) -> &[(String, Extern)] {
        &self.exports
    }

    /// An export by name.
    pub fn export(&self, name: &str) -> Option<&Extern> {
        self.exports.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }

    /// The session's default memory (the first one defined or imported).
    pub fn memory(&self) -> Option<&SharedMemory> {
        self.default_memory.as_ref()
    }

    /// Make `externs` importable as module `name`.
    pub fn register_externs(&mut self, name: &str, externs: HashMap<String, Extern>) {
        self.registered.insert(name.to_string(), externs);
    }

    /// Run one command: a module field (added to the session), `(module …)` (a fresh
    /// session from that module), or a wast command (`invoke`, `get`, `register`,
    /// `assert_return`, `assert_trap`, `assert_exception`, `assert_invalid`, `assert_malformed`).
    pub fn eval(&mut self, text: &str) -> Result<Outcome, ReplError> {
        let toks = lex(text).map_err(err)?;
        let head = match (toks.first(), toks.get(1)) {
            (Some(Tok::LParen), Some(Tok::Word(w))) => w.as_str(),
            _ => return Err(err("expected a parenthesised module field or command")),
        };
        match head {
            "func" | "memory" | "global" | "table" | "tag" | "type" | "data" | "elem" | "import" | "start" | "export" => {
                self.define_tokens(text, &toks).map(|()| Outcome::default())
            }
            "module" => self.load_module_text(text).map(|()| Outcome::default()),
            _ => self.command(text),
        }
    }

    /// Add one module field to the session.
    pub fn define(&mut self, field: &str) -> Result<(), ReplError> {
        let toks = lex(field).map_err(err)?;
        self.define_tokens(field, &toks)
    }

    fn define_tokens(&mut self, field: &str, toks: &[Tok]) -> Result<(), ReplError> {
        let (new_kind, own_id) = defined_item(toks)?;
        let head = match toks.get(1) {
            Some(Tok::Word(w)) => w.as_str(),
            _ => "",
        };
        let own_seg = match (head, toks.get(2)) {
            ("data", Some(Tok::Id(id))) => Some((Seg::Data, id.clone())),
            ("elem", Some(Tok::Id(id))) => Some((Seg::Elem, id.clone())),
            _ => None,
        };
        let own_type = if head == "type" { own_id.clone() } else { None };
        // The `$names` the definition uses, also through the types and segments it inlines
        // (a passive element segment names functions, a type may name other types).
        let mut ids: HashSet<String> = HashSet::new();
        let mut inline_types: Vec<(u64, &str)> = Vec::new();
        let mut inline_segs: Vec<(u64, &str)> = Vec::new();
        let mut work: Vec<String> = ids_of(toks);
        while let Some(id) = work.pop() {
            if !ids.insert(id.clone()) {
                continue;
            }
            let mut texts = Vec::new();
            if own_type.as_deref() != Some(id.as_str()) {
                if let Some((seq, t)) = self.types.get(&id) {
                    inline_types.push((*seq, t));
                    texts.push(t.as_str());
                }
            }
            for kind in [Seg::Data, Seg::Elem] {
                let key = (kind, id.clone());
                if own_seg.as_ref() == Some(&key) {
                    continue;
                }
                if let Some((seq, t)) = self.segments.get(&key) {
                    inline_segs.push((*seq, t));
                    texts.push(t.as_str());
                }
            }
            for t in texts {
                work.extend(ids_of(&lex(t).map_err(err)?));
            }
        }
        inline_types.sort_unstable();
        inline_segs.sort_unstable();
        let ids: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut text = String::from("(module\n");
        // Types first, then the imports (the text format wants imports before definitions).
        for (_, t) in &inline_types {
            text.push_str(t);
            text.push('\n');
        }
        let mut imports: HashMap<String, Extern> = HashMap::new();
        let mut counts: HashMap<Kind, u32> = HashMap::new();
        let mut add_import = |text: &mut String, kind: Kind, id: Option<&str>, ext: &Extern| -> Result<(), ReplError> {
            let key = format!("i{}", imports.len());
            let ty = import_type(ext)?;
            let id = id.map(|i| format!(" {i}")).unwrap_or_default();
            text.push_str(&format!("(import \"{SESSION}\" \"{key}\" ({}{id} {ty}))\n", kind.keyword()));
            imports.insert(key, ext.clone());
            *counts.entry(kind).or_default() += 1;
            Ok(())
        };
        // The default memory/table first: index 0 of the definition's module.
        for (kind, default) in [
            (Kind::Memory, self.default_memory.clone().map(Extern::Memory)),
            (Kind::Table, self.default_table.clone().map(Extern::Table)),
        ] {
            let Some(d) = default else { continue };
            let name = ids.iter().copied().find(|id| {
                self.named.get(&(kind, id.to_string())).is_some_and(|e| same_extern(e, &d))
                    && !(new_kind == Some(kind) && own_id.as_deref() == Some(*id))
            });
            add_import(&mut text, kind, name, &d)?;
        }
        let mut sorted: Vec<&str> = ids.iter().copied().collect();
        sorted.sort_unstable();
        for kind in [Kind::Memory, Kind::Table, Kind::Global, Kind::Tag, Kind::Func] {
            for id in &sorted {
                if new_kind == Some(kind) && own_id.as_deref() == Some(*id) {
                    continue;
                }
                let Some(e) = self.named.get(&(kind, id.to_string())) else { continue };
                let is_default = match (kind, e) {
                    (Kind::Memory, Extern::Memory(m)) => self.default_memory.as_ref().is_some_and(|d| d.ptr_eq(m)),
                    (Kind::Table, Extern::Table(t)) => self.default_table.as_ref().is_some_and(|d| d.ptr_eq(t)),
                    _ => false,
                };
                if !is_default {
                    add_import(&mut text, kind, Some(id), &e.clone())?;
                }
            }
        }
        text.push_str(field);
        text.push('\n');
        // After the field, so that its own segment is data/element segment 0.
        for (_, t) in &inline_segs {
            text.push_str(t);
            text.push('\n');
        }
        // `ref.func` needs its function declared in the module: declare every function.
        let nfuncs = counts.get(&Kind::Func).copied().unwrap_or(0) + u32::from(new_kind == Some(Kind::Func));
        if nfuncs > 0 {
            let list: Vec<String> = (0..nfuncs).map(|i| i.to_string()).collect();
            text.push_str(&format!("(elem declare func {})\n", list.join(" ")));
        }
        if let Some(kind) = new_kind {
            let index = counts.get(&kind).copied().unwrap_or(0);
            text.push_str(&format!("(export \"{NEW}\" ({} {index}))\n", kind.keyword()));
        }
        text.push(')');
        let wasm = wat::parse_str(&text).map_err(|e| err(strip_wat_error(&e.to_string())))?;
        let module = self.compile(&wasm)?;
        let registered = &self.registered;
        let resolved = wasmlite_rt::resolve_imports(&module, |m, n| {
            if m == SESSION {
                imports.get(n).cloned()
            } else {
                registered.get(m).and_then(|e| e.get(n)).cloned()
            }
        })
        .map_err(|e| err(e.to_string()))?;
        let instance = Instance::new(&self.store, &module, &resolved, ()).map_err(|e| match e {
            wasmlite_rt::Error::Trap(t) => ReplError::Trap(t),
            wasmlite_rt::Error::Instantiation(e) => err(e.to_string()),
        })?;
        // Success: record the new item, its name and the user's exports.
        if let Some(id) = own_type {
            self.seq += 1;
            self.types.insert(id, (self.seq, field.to_string()));
        }
        if let Some((kind, id)) = own_seg {
            let info = module.info();
            let inline = match kind {
                Seg::Data => match info.datas.first().map(|d| &d.mode) {
                    Some(wasmlite_abi::DataMode::Passive) => field.to_string(),
                    _ => format!("(data {id} \"\")"),
                },
                Seg::Elem => match info.elems.first() {
                    Some(e) if e.mode == wasmlite_abi::ElemMode::Passive => field.to_string(),
                    Some(e) => format!("(elem {id} {})", e.ty),
                    None => format!("(elem {id} funcref)"),
                },
            };
            self.seq += 1;
            self.segments.insert((kind, id), (self.seq, inline));
        }
        if let Some(kind) = new_kind {
            let new = instance.export(NEW).ok_or_else(|| err("internal error: the new definition is not exported"))?;
            match &new {
                Extern::Memory(m) if self.default_memory.is_none() => self.default_memory = Some(m.clone()),
                Extern::Table(t) if self.default_table.is_none() => self.default_table = Some(t.clone()),
                _ => {}
            }
            if let Some(id) = own_id {
                self.named.insert((kind, id), new);
            }
        }
        for e in module.info().exports.iter() {
            if e.name == NEW {
                continue;
            }
            if let Some(x) = instance.export(&e.name) {
                self.set_export(e.name.to_string(), x);
            }
        }
        self.definitions += 1;
        Ok(())
    }

    fn set_export(&mut self, name: String, x: Extern) {
        self.exports.retain(|(n, _)| *n != name);
        self.exports.push((name, x));
    }

    fn compile(&self, wasm: &[u8]) -> Result<Module, ReplError> {
        crate::compile_module(wasm, "repl", &self.config).map_err(|e| match e {
            crate::JitError::Compile(c) => err(c.message),
            e => err(e.to_string()),
        })
    }

    /// Start a fresh session from a whole module (text `(module …)`, or bare fields). Its
    /// exports become the session's exports and its `$names` (from the name section)
    /// resolve in later definitions. Registered modules stay registered.
    pub fn load_module_text(&mut self, text: &str) -> Result<(), ReplError> {
        let toks = lex(text).map_err(err)?;
        let is_module = matches!((toks.first(), toks.get(1)), (Some(Tok::LParen), Some(Tok::Word(w))) if w == "module");
        let body = if is_module { text.to_string() } else { format!("(module\n{text}\n)") };
        let textual = !toks.iter().take(5).any(|t| matches!(t, Tok::Word(w) if w == "binary" || w == "quote"));
        let wasm = if textual {
            wat::parse_str(&body).map_err(|e| err(strip_wat_error(&e.to_string())))?
        } else {
            let buf = wast::parser::ParseBuffer::new(&body).map_err(|e| err(e.to_string()))?;
            let mut qw: wast::QuoteWat = wast::parser::parse(&buf).map_err(|e| err(e.to_string()))?;
            qw.encode().map_err(|e| err(e.to_string()))?
        };
        self.load_module_binary(&wasm, textual.then_some(body.as_str()))
    }

    /// Start a fresh session from a binary module. With `text` (the module's text form), all
    /// of its functions, memories, tables and globals become nameable by their `$names`.
    pub fn load_module_binary(&mut self, wasm: &[u8], text: Option<&str>) -> Result<(), ReplError> {
        let info = wasmlite_abi::parse::parse_module_with_features(wasm, self.config.wasm_features)
            .map_err(|e| err(e.to_string()))?;
        // Export every item under an internal name so that `$names` can be bound to it.
        let counts = [
            (Kind::Func, info.funcs.len()),
            (Kind::Memory, info.memories.len()),
            (Kind::Table, info.tables.len()),
            (Kind::Global, info.globals.len()),
            (Kind::Tag, info.tags.len()),
        ];
        let full = match text.and_then(|t| t.trim_end().strip_suffix(')')) {
            Some(open) => {
                let mut s = open.to_string();
                for (kind, n) in counts {
                    for i in 0..n {
                        s.push_str(&format!("\n(export \"{SESSION}:{}:{i}\" ({} {i}))", kind.keyword(), kind.keyword()));
                    }
                }
                s.push_str("\n)");
                wat::parse_str(&s).map_err(|e| err(strip_wat_error(&e.to_string())))?
            }
            None => wasm.to_vec(),
        };
        let module = self.compile(&full)?;
        let store = Store::new();
        let registered = &self.registered;
        let resolved = wasmlite_rt::resolve_imports(&module, |m, n| registered.get(m).and_then(|e| e.get(n)).cloned())
            .map_err(|e| err(e.to_string()))?;
        let instance = Instance::new(&store, &module, &resolved, ()).map_err(|e| match e {
            wasmlite_rt::Error::Trap(t) => ReplError::Trap(t),
            wasmlite_rt::Error::Instantiation(e) => err(e.to_string()),
        })?;
        let names = item_names(wasm);
        let mut named = HashMap::new();
        let item = |kind: Kind, i: usize| instance.export(&format!("{SESSION}:{}:{i}", kind.keyword()));
        for (kind, n) in counts {
            for i in 0..n {
                if let (Some(name), Some(x)) = (names.get(&(kind, i as u32)), item(kind, i)) {
                    named.insert((kind, format!("${name}")), x);
                }
            }
        }
        let mut seq = self.seq;
        let mut types = HashMap::new();
        let mut tnames = type_names(wasm);
        tnames.sort_unstable();
        for (i, name) in tnames {
            if let Some(t) = info.types.get(i as usize) {
                seq += 1;
                types.insert(format!("${name}"), (seq, format!("(type ${name} {t})")));
            }
        }
        // Named segments, for later definitions (see `Session::segments`).
        let mut segments = HashMap::new();
        let (data_names, elem_names) = segment_names(wasm);
        for (i, name) in data_names {
            let Some(d) = info.datas.get(i as usize) else { continue };
            let text = match d.mode {
                wasmlite_abi::DataMode::Passive => format!("(data ${name} {})", wat_string(&d.bytes)),
                wasmlite_abi::DataMode::Active { .. } => format!("(data ${name} \"\")"),
            };
            seq += 1;
            segments.insert((Seg::Data, format!("${name}")), (seq, text));
        }
        for (i, name) in elem_names {
            let Some(e) = info.elems.get(i as usize) else { continue };
            let text = if e.mode == wasmlite_abi::ElemMode::Passive {
                // Items by the names the session binds (only `ref.func $named` / `ref.null`).
                let items: Option<Vec<String>> = e
                    .items
                    .iter()
                    .map(|x| match &*x.0 {
                        [wasmlite_abi::ConstOp::RefFunc(f)] => names.get(&(Kind::Func, *f)).map(|n| format!("(ref.func ${n})")),
                        [wasmlite_abi::ConstOp::RefNull(t)] => Some(format!("(ref.null {})", if t.repr() == ValType::ExternRef { "extern" } else { "func" })),
                        _ => None,
                    })
                    .collect();
                match items {
                    Some(items) => format!("(elem ${name} {} {})", e.ty, items.join(" ")),
                    None => continue,
                }
            } else {
                format!("(elem ${name} {})", e.ty)
            };
            seq += 1;
            segments.insert((Seg::Elem, format!("${name}")), (seq, text));
        }
        let default_memory = match item(Kind::Memory, 0) {
            Some(Extern::Memory(m)) => Some(m),
            _ => None,
        };
        let default_table = match item(Kind::Table, 0) {
            Some(Extern::Table(t)) => Some(t),
            _ => None,
        };
        let mut exports = Vec::new();
        for e in info.exports.iter() {
            if let Some(x) = instance.export(&e.name) {
                exports.push((e.name.to_string(), x));
            }
        }
        // Commit: the fresh session replaces the old one.
        self.store = store;
        self.named = named;
        self.types = types;
        self.segments = segments;
        self.seq = seq;
        self.default_memory = default_memory;
        self.default_table = default_table;
        self.exports = exports;
        self.definitions = 1;
        Ok(())
    }

    /// Call an exported function.
    pub fn invoke(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, ReplError> {
        match self.export(name) {
            Some(Extern::Func(f)) => {
                let f = f.clone();
                check_args(name, f.ty(), args)?;
                f.call(args).map_err(ReplError::Trap)
            }
            Some(_) => Err(err(format!("export `{name}` is not a function"))),
            None => Err(err(format!("unknown export `{name}`"))),
        }
    }

    /// Value of an exported global.
    pub fn get(&self, name: &str) -> Result<Val, ReplError> {
        match self.export(name) {
            Some(Extern::Global(g)) => Ok(g.get()),
            Some(_) => Err(err(format!("export `{name}` is not a global"))),
            None => Err(err(format!("unknown export `{name}`"))),
        }
    }

    /// Make the session's current exports importable as module `name`.
    pub fn register(&mut self, name: &str) {
        let m = self.exports.iter().cloned().collect();
        self.registered.insert(name.to_string(), m);
    }

    fn command(&mut self, text: &str) -> Result<Outcome, ReplError> {
        use wast::WastDirective as D;
        let buf = wast::parser::ParseBuffer::new(text).map_err(|e| err(e.to_string()))?;
        if let Ok(GetCmd(name)) = wast::parser::parse::<GetCmd>(&buf) {
            return Ok(Outcome { values: vec![self.get(&name)?] });
        }
        let Directive(d) = wast::parser::parse(&buf).map_err(|e| err(one_line(&e.to_string())))?;
        match d {
            D::Invoke(inv) => Ok(Outcome { values: self.invoke_wast(&inv)? }),
            D::Register { name, .. } => {
                self.register(name);
                Ok(Outcome::default())
            }
            D::AssertReturn { exec, results, .. } => {
                let got = self.execute(exec)?;
                if got.len() != results.len() || !got.iter().zip(&results).all(|(v, r)| matches_ret(v, r)) {
                    return Err(err(format!("assertion failed: got [{}]", format_values(&got))));
                }
                Ok(Outcome::default())
            }
            D::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Err(ReplError::Trap(t)) => {
                    if trap_matches(&t, message) {
                        Ok(Outcome::default())
                    } else {
                        Err(err(format!("assertion failed: expected trap `{message}`, got trap `{}`", trap_message(&t))))
                    }
                }
                Err(e) => Err(e),
                Ok(v) => Err(err(format!("assertion failed: expected trap `{message}`, got [{}]", format_values(&v)))),
            },
            D::AssertException { exec, .. } => match self.execute(exec) {
                Err(ReplError::Trap(t)) if t.kind() == wasmlite_rt::TrapKind::UncaughtException => Ok(Outcome::default()),
                Err(ReplError::Trap(t)) => {
                    Err(err(format!("assertion failed: expected an exception, got trap `{}`", trap_message(&t))))
                }
                Err(e) => Err(e),
                Ok(v) => Err(err(format!("assertion failed: expected an exception, got [{}]", format_values(&v)))),
            },
            D::AssertInvalid { mut module, .. } | D::AssertMalformed { mut module, .. } => {
                let bad = match module.encode() {
                    Err(_) => true,
                    Ok(wasm) => wasmlite_abi::parse::parse_module_with_features(&wasm, self.config.wasm_features).is_err(),
                };
                if bad {
                    Ok(Outcome::default())
                } else {
                    Err(err("assertion failed: the module is valid"))
                }
            }
            _ => Err(err("unsupported command (supported: module fields, module, invoke, get, register, assert_return, assert_trap, assert_exception, assert_invalid, assert_malformed)")),
        }
    }

    fn execute(&mut self, exec: wast::WastExecute<'_>) -> Result<Vec<Val>, ReplError> {
        match exec {
            wast::WastExecute::Invoke(inv) => self.invoke_wast(&inv),
            wast::WastExecute::Get { global, .. } => Ok(vec![self.get(global)?]),
            wast::WastExecute::Wat(mut w) => {
                // Instantiating a module (for its start function / segments) without
                // changing the session.
                let wasm = w.encode().map_err(|e| err(e.to_string()))?;
                let module = self.compile(&wasm)?;
                let registered = &self.registered;
                let resolved =
                    wasmlite_rt::resolve_imports(&module, |m, n| registered.get(m).and_then(|e| e.get(n)).cloned())
                        .map_err(|e| err(e.to_string()))?;
                Instance::new(&Store::new(), &module, &resolved, ()).map_err(|e| match e {
                    wasmlite_rt::Error::Trap(t) => ReplError::Trap(t),
                    wasmlite_rt::Error::Instantiation(e) => err(e.to_string()),
                })?;
                Ok(vec![])
            }
        }
    }

    fn invoke_wast(&mut self, inv: &wast::WastInvoke<'_>) -> Result<Vec<Val>, ReplError> {
        let args = inv.args.iter().map(arg_val).collect::<Result<Vec<_>, _>>()?;
        self.invoke(inv.name, &args)
    }
}

/// `(get $module? "name")`.
struct GetCmd(String);

impl<'a> wast::parser::Parse<'a> for GetCmd {
    fn parse(parser: wast::parser::Parser<'a>) -> wast::parser::Result<Self> {
        parser.parens(|p| {
            p.parse::<wast::kw::get>()?;
            let _: Option<wast::token::Id<'_>> = p.parse()?;
            Ok(GetCmd(p.parse::<String>()?))
        })
    }
}

/// A parenthesised wast directive.
struct Directive<'a>(wast::WastDirective<'a>);

impl<'a> wast::parser::Parse<'a> for Directive<'a> {
    fn parse(parser: wast::parser::Parser<'a>) -> wast::parser::Result<Self> {
        parser.parens(|p| p.parse()).map(Directive)
    }
}

fn check_args(name: &str, ty: &FuncType, args: &[Val]) -> Result<(), ReplError> {
    let given: Vec<ValType> = args.iter().map(Val::ty).collect();
    if *given != *ty.params {
        let given: Vec<String> = given.iter().map(|t| t.to_string()).collect();
        return Err(err(format!("`{name}` has type {ty}, called with [{}]", given.join(" "))));
    }
    Ok(())
}

/// The (kind, `$id`) of the item a field defines (`None` kind for type/data/elem/...).
fn defined_item(toks: &[Tok]) -> Result<(Option<Kind>, Option<String>), ReplError> {
    let word = |i: usize| match toks.get(i) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    let id = |i: usize| match toks.get(i) {
        Some(Tok::Id(s)) => Some(s.clone()),
        _ => None,
    };
    let kind_of = |w: Option<&str>| match w {
        Some("func") => Some(Kind::Func),
        Some("memory") => Some(Kind::Memory),
        Some("table") => Some(Kind::Table),
        Some("global") => Some(Kind::Global),
        Some("tag") => Some(Kind::Tag),
        _ => None,
    };
    Ok(match word(1) {
        Some("type") => (None, id(2)),
        Some("import") => {
            // (import "m" "n" (kind $id? ...))
            let k = kind_of(word(5)).ok_or_else(|| err("expected (import \"module\" \"name\" (func|memory|table|global|tag ...))"))?;
            (Some(k), id(6))
        }
        w => match kind_of(w) {
            Some(k) => (Some(k), id(2)),
            None => (None, None),
        },
    })
}

/// The `$names` among `toks`.
fn ids_of(toks: &[Tok]) -> Vec<String> {
    toks.iter().filter_map(|t| if let Tok::Id(s) = t { Some(s.clone()) } else { None }).collect()
}

/// `bytes` as a wat string literal.
fn wat_string(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3 + 2);
    s.push('"');
    for b in bytes {
        s.push_str(&format!("\\{b:02x}"));
    }
    s.push('"');
    s
}

fn same_extern(a: &Extern, b: &Extern) -> bool {
    match (a, b) {
        (Extern::Memory(x), Extern::Memory(y)) => x.ptr_eq(y),
        (Extern::Table(x), Extern::Table(y)) => x.ptr_eq(y),
        (Extern::Global(x), Extern::Global(y)) => x.ptr_eq(y),
        _ => false,
    }
}

/// The text of an import's type (after `(kind $id`), from the live object.
fn import_type(e: &Extern) -> Result<String, ReplError> {
    Ok(match e {
        Extern::Func(f) => {
            let t = f.ty().to_string();
            // "(func (param ..) (result ..))" → "(param ..) (result ..)"
            t.strip_prefix("(func").and_then(|s| s.strip_suffix(')')).unwrap_or("").trim().to_string()
        }
        Extern::Memory(m) => {
            let ty = m.borrow().ty();
            let mut s = String::new();
            if ty.memory64 {
                s.push_str("i64 ");
            }
            s.push_str(&ty.min.to_string());
            if let Some(max) = ty.max {
                s.push_str(&format!(" {max}"));
            }
            if ty.shared {
                s.push_str(" shared");
            }
            s
        }
        Extern::Table(t) => {
            let ty = t.borrow().ty();
            match ty.max {
                Some(max) => format!("{} {max} {}", ty.min, ty.elem),
                None => format!("{} {}", ty.min, ty.elem),
            }
        }
        Extern::Global(g) => {
            let ty = g.ty();
            if ty.mutable {
                format!("(mut {})", ty.ty)
            } else {
                ty.ty.to_string()
            }
        }
        Extern::Tag(t) => {
            let s = t.ty().to_string();
            s.strip_prefix("(func").and_then(|s| s.strip_suffix(')')).unwrap_or("").trim().to_string()
        }
    })
}

/// Names of functions, memories, tables, globals and tags from the name section.
fn item_names(wasm: &[u8]) -> HashMap<(Kind, u32), String> {
    let mut out = HashMap::new();
    for_each_name(wasm, |n| {
        let (kind, map) = match n {
            wasmparser::Name::Function(m) => (Kind::Func, m),
            wasmparser::Name::Memory(m) => (Kind::Memory, m),
            wasmparser::Name::Table(m) => (Kind::Table, m),
            wasmparser::Name::Global(m) => (Kind::Global, m),
            wasmparser::Name::Tag(m) => (Kind::Tag, m),
            _ => return,
        };
        for naming in map.into_iter().flatten() {
            out.insert((kind, naming.index), naming.name.to_string());
        }
    });
    out
}

/// (index, name) pairs of one index space from the name section.
type IndexNames = Vec<(u32, String)>;

/// Names of data and element segments from the name section.
fn segment_names(wasm: &[u8]) -> (IndexNames, IndexNames) {
    let (mut data, mut elem) = (Vec::new(), Vec::new());
    for_each_name(wasm, |n| match n {
        wasmparser::Name::Data(m) => data.extend(m.into_iter().flatten().map(|n| (n.index, n.name.to_string()))),
        wasmparser::Name::Element(m) => elem.extend(m.into_iter().flatten().map(|n| (n.index, n.name.to_string()))),
        _ => {}
    });
    (data, elem)
}

fn type_names(wasm: &[u8]) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for_each_name(wasm, |n| {
        if let wasmparser::Name::Type(m) = n {
            out.extend(m.into_iter().flatten().map(|n| (n.index, n.name.to_string())));
        }
    });
    out
}

fn for_each_name<'a>(wasm: &'a [u8], mut f: impl FnMut(wasmparser::Name<'a>)) {
    for p in wasmparser::Parser::new(0).parse_all(wasm) {
        let Ok(wasmparser::Payload::CustomSection(c)) = p else { continue };
        if let wasmparser::KnownCustom::Name(r) = c.as_known() {
            for n in r.into_iter().flatten() {
                f(n);
            }
        }
    }
}

/// The first line of a `wat` error, without the `--> <anon>:1:2` location of the generated
/// module (which would point into text the user did not write).
fn strip_wat_error(e: &str) -> String {
    one_line(e)
}

fn one_line(e: &str) -> String {
    e.lines().next().unwrap_or("").trim().to_string()
}

/// A wast argument as a runtime value.
fn arg_val(a: &wast::WastArg<'_>) -> Result<Val, ReplError> {
    use wast::core::WastArgCore as A;
    let wast::WastArg::Core(a) = a else { return Err(err("component-model arguments are not supported")) };
    Ok(match a {
        A::I32(x) => Val::I32(*x),
        A::I64(x) => Val::I64(*x),
        A::F32(x) => Val::F32(x.bits),
        A::F64(x) => Val::F64(x.bits),
        A::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
        A::RefNull(wast::core::HeapType::Abstract { ty: wast::core::AbstractHeapType::Extern, .. }) => Val::ExternRef(None),
        A::RefNull(_) => Val::FuncRef(None),
        A::RefExtern(n) => Val::ExternRef(Some(wasmlite_rt::ExternRef::new(*n as usize))),
        A::RefHost(_) => return Err(err("ref.host arguments are not supported")),
    })
}

fn nan_matches32(bits: u32, p: &wast::core::NanPattern<wast::token::F32>) -> bool {
    use wast::core::NanPattern as P;
    match p {
        P::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        P::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        P::Value(v) => v.bits == bits,
    }
}

fn nan_matches64(bits: u64, p: &wast::core::NanPattern<wast::token::F64>) -> bool {
    use wast::core::NanPattern as P;
    match p {
        P::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        P::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        P::Value(v) => v.bits == bits,
    }
}

fn matches_ret(v: &Val, r: &wast::WastRet<'_>) -> bool {
    let wast::WastRet::Core(r) = r else { return false };
    matches_core(v, r)
}

fn matches_core(v: &Val, r: &wast::core::WastRetCore<'_>) -> bool {
    use wast::core::{V128Pattern as V, WastRetCore as R};
    match (v, r) {
        (Val::I32(a), R::I32(b)) => a == b,
        (Val::I64(a), R::I64(b)) => a == b,
        (Val::F32(a), R::F32(p)) => nan_matches32(*a, p),
        (Val::F64(a), R::F64(p)) => nan_matches64(*a, p),
        (Val::V128(x), R::V128(p)) => {
            let b = x.to_le_bytes();
            match p {
                V::F32x4(ps) => ps.iter().enumerate().all(|(i, p)| {
                    nan_matches32(u32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]), p)
                }),
                V::F64x2(ps) => ps.iter().enumerate().all(|(i, p)| {
                    let mut w = [0u8; 8];
                    w.copy_from_slice(&b[8 * i..8 * i + 8]);
                    nan_matches64(u64::from_le_bytes(w), p)
                }),
                V::I8x16(l) => l.iter().flat_map(|x| x.to_le_bytes()).eq(b),
                V::I16x8(l) => l.iter().flat_map(|x| x.to_le_bytes()).eq(b),
                V::I32x4(l) => l.iter().flat_map(|x| x.to_le_bytes()).eq(b),
                V::I64x2(l) => l.iter().flat_map(|x| x.to_le_bytes()).eq(b),
            }
        }
        (Val::FuncRef(f), R::RefNull(_)) => f.is_none(),
        (Val::ExternRef(e), R::RefNull(_)) => e.is_none(),
        (Val::FuncRef(f), R::RefFunc(_)) => f.is_some(),
        (Val::ExternRef(Some(e)), R::RefExtern(Some(n))) => e.id() == *n as usize,
        (Val::ExternRef(e), R::RefExtern(None)) => e.is_some(),
        (v, R::Either(alts)) => alts.iter().any(|a| matches_core(v, a)),
        _ => false,
    }
}

fn float32(bits: u32) -> String {
    let f = f32::from_bits(bits);
    if f.is_nan() {
        let sign = if bits >> 31 == 1 { "-" } else { "" };
        let payload = bits & 0x007f_ffff;
        if payload == 0x0040_0000 {
            format!("{sign}nan")
        } else {
            format!("{sign}nan:{payload:#x}")
        }
    } else {
        f.to_string()
    }
}

fn float64(bits: u64) -> String {
    let f = f64::from_bits(bits);
    if f.is_nan() {
        let sign = if bits >> 63 == 1 { "-" } else { "" };
        let payload = bits & 0x000f_ffff_ffff_ffff;
        if payload == 0x0008_0000_0000_0000 {
            format!("{sign}nan")
        } else {
            format!("{sign}nan:{payload:#x}")
        }
    } else {
        f.to_string()
    }
}

/// A value as a wast constant: `(i32.const 5)`, `(f64.const 0.1)`, `(f32.const nan)`,
/// `(v128.const i32x4 1 2 3 4)`, `(ref.null func)`, `(ref.extern 1)`.
pub fn format_value(v: &Val) -> String {
    match v {
        Val::I32(x) => format!("(i32.const {x})"),
        Val::I64(x) => format!("(i64.const {x})"),
        Val::F32(b) => format!("(f32.const {})", float32(*b)),
        Val::F64(b) => format!("(f64.const {})", float64(*b)),
        Val::V128(x) => {
            let b = x.to_le_bytes();
            let lanes: Vec<String> = (0..4)
                .map(|i| i32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]).to_string())
                .collect();
            format!("(v128.const i32x4 {})", lanes.join(" "))
        }
        Val::FuncRef(None) => "(ref.null func)".to_string(),
        Val::FuncRef(Some(_)) => "(ref.func)".to_string(),
        Val::ExternRef(None) => "(ref.null extern)".to_string(),
        Val::ExternRef(Some(e)) => format!("(ref.extern {})", e.id()),
        Val::ExnRef(None) => "(ref.null exn)".to_string(),
        Val::ExnRef(Some(_)) => "(ref.exn)".to_string(),
    }
}

/// Values as wast constants separated by single spaces (empty for no values).
pub fn format_values(vs: &[Val]) -> String {
    vs.iter().map(format_value).collect::<Vec<_>>().join(" ")
}

/// A token of WebAssembly text (comments and whitespace dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    LParen,
    RParen,
    /// `$name` (with the `$`).
    Id(String),
    /// A string literal (raw, with quotes).
    Str,
    /// Keyword, number, anything else.
    Word(String),
}

fn is_idchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-./:<=>?@\\^_`|~".contains(c)
}

/// Tokenise; `Err` for unterminated strings or block comments.
fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' if it.peek().map(|p| p.1) == Some(';') => {
                it.next();
                let mut depth = 1;
                let mut prev = ' ';
                loop {
                    let Some((_, c)) = it.next() else { return Err("unterminated block comment".into()) };
                    if prev == '(' && c == ';' {
                        depth += 1;
                        prev = ' ';
                        continue;
                    }
                    if prev == ';' && c == ')' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                        prev = ' ';
                        continue;
                    }
                    prev = c;
                }
            }
            '(' => out.push(Tok::LParen),
            ')' => out.push(Tok::RParen),
            ';' if it.peek().map(|p| p.1) == Some(';') => {
                for (_, c) in it.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                loop {
                    match it.next() {
                        None => return Err("unterminated string".into()),
                        Some((_, '\\')) => {
                            it.next();
                        }
                        Some((_, '"')) => break,
                        Some(_) => {}
                    }
                }
                out.push(Tok::Str);
            }
            _ => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = it.peek() {
                    if d.is_whitespace() || d == '(' || d == ')' || d == '"' || d == ';' {
                        break;
                    }
                    end = j + d.len_utf8();
                    it.next();
                }
                let w = &text[i..end];
                if w.starts_with('$') && w.len() > 1 && w.chars().all(is_idchar) {
                    out.push(Tok::Id(w.to_string()));
                } else {
                    out.push(Tok::Word(w.to_string()));
                }
            }
        }
    }
    Ok(out)
}

/// Split `buf` into complete top-level commands (balanced parentheses); the rest (an
/// unfinished command) is returned as `remainder`. `Err` if a `)` closes nothing.
pub fn split_commands(buf: &str) -> Result<(Vec<String>, String), String> {
    let mut cmds = Vec::new();
    let mut depth = 0i64;
    let mut start: Option<usize> = None;
    let mut chars = buf.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if depth > 0 => loop {
                match chars.next() {
                    None => return Ok((cmds, buf[start.unwrap_or(0)..].to_string())),
                    Some((_, '\\')) => {
                        chars.next();
                    }
                    Some((_, '"')) => break,
                    Some(_) => {}
                }
            },
            ';' if chars.peek().map(|p| p.1) == Some(';') => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' if chars.peek().map(|p| p.1) == Some(';') => {
                chars.next();
                let mut level = 1;
                let mut prev = ' ';
                loop {
                    let Some((_, c)) = chars.next() else {
                        let from = start.unwrap_or(i);
                        return Ok((cmds, buf[from..].to_string()));
                    };
                    if prev == '(' && c == ';' {
                        level += 1;
                        prev = ' ';
                    } else if prev == ';' && c == ')' {
                        level -= 1;
                        if level == 0 {
                            break;
                        }
                        prev = ' ';
                    } else {
                        prev = c;
                    }
                }
            }
            '(' => {
                if depth == 0 {
                    start = Some(i);
                }
                depth += 1;
            }
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err("unexpected `)`".to_string());
                }
                if depth == 0 {
                    if let Some(s) = start.take() {
                        cmds.push(buf[s..=i].to_string());
                    }
                }
            }
            c if depth == 0 && !c.is_whitespace() => {
                return Err(format!("unexpected `{c}` outside parentheses"));
            }
            _ => {}
        }
    }
    let rest = start.map(|s| buf[s..].to_string()).unwrap_or_default();
    Ok((cmds, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexer_and_splitter() {
        let t = lex(r#"(func $f (param $x i32) ;; $no
            (; $nope (; nested ;) ;) call $g "a\"$str")"#)
        .unwrap();
        let ids: Vec<_> = t.iter().filter_map(|t| if let Tok::Id(s) = t { Some(s.as_str()) } else { None }).collect();
        assert_eq!(ids, ["$f", "$x", "$g"]);
        let (c, rest) = split_commands("(a (b)) (c \")\" ;; )\n) (d").unwrap();
        assert_eq!(c, ["(a (b))", "(c \")\" ;; )\n)"]);
        assert_eq!(rest, "(d");
        assert!(split_commands("x").is_err());
        assert!(split_commands(")").is_err());
    }

    #[test]
    fn defined_items() {
        let d = |s: &str| defined_item(&lex(s).unwrap()).unwrap();
        assert_eq!(d("(func $f)"), (Some(Kind::Func), Some("$f".into())));
        assert_eq!(d("(memory 1)"), (Some(Kind::Memory), None));
        assert_eq!(d(r#"(import "m" "n" (global $g i32))"#), (Some(Kind::Global), Some("$g".into())));
        assert_eq!(d("(type $t (func))"), (None, Some("$t".into())));
        assert_eq!(d("(tag $e (param i32))"), (Some(Kind::Tag), Some("$e".into())));
        assert_eq!(d("(data (i32.const 0) \"x\")"), (None, None));
    }

    #[test]
    fn wast_constants() {
        assert_eq!(format_value(&Val::I32(-5)), "(i32.const -5)");
        assert_eq!(format_value(&Val::F32(0x7fc0_0000)), "(f32.const nan)");
        assert_eq!(format_value(&Val::F64(0.1f64.to_bits())), "(f64.const 0.1)");
        assert_eq!(format_values(&[Val::I32(1), Val::I64(2)]), "(i32.const 1) (i64.const 2)");
        assert_eq!(format_values(&[]), "");
    }
}
