//! Executes the directives of one script against an [`Engine`] and reports an [`Event`] per
//! assertion / failed module. Engine-independent (the real engine is in `engine.rs`).

use std::collections::HashMap;

use wast::core::{AbstractHeapType, HeapType, WastArgCore};
use wast::token::Span;
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

use crate::count::is_assertion;
use crate::matching::{describe_expected, match_result, trap_matches, TrapClass, Value};
use crate::protocol::{Event, Outcome};

/// Why a call or instantiation did not produce results.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// A wasm trap of the given class (message = the runtime's Display).
    Trap(TrapClass, String),
    /// Instantiation failed while linking (unknown import, type mismatch, incompatible
    /// limits) — what `assert_unlinkable` expects.
    Link(String),
    /// Anything else (invalid module, no such export, wrong argument types, …).
    Other(String),
    /// An internal error of the engine (JIT link failure, runtime rejected the descriptor):
    /// never counts as an expected failure.
    Internal(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Trap(c, m) => write!(f, "trap ({c:?}): {m}"),
            Failure::Link(m) => write!(f, "link error: {m}"),
            Failure::Other(m) => f.write_str(m),
            Failure::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

/// What the script executor needs from a wasm engine.
pub trait Engine: Sized + 'static {
    /// A compiled module.
    type Module: Clone;
    /// An instance handle (instances live as long as the engine).
    type Instance: Clone;
    /// Compile (validate) a binary module; `Err(Other)` = invalid or unsupported,
    /// `Err(Internal)` = engine failure.
    fn compile(&mut self, wasm: &[u8], name: &str) -> Result<Self::Module, Failure>;
    /// Instantiate, resolving imports by (module, name) against registered instances.
    fn instantiate(&mut self, module: &Self::Module) -> Result<Self::Instance, Failure>;
    /// Make an instance's exports importable under `name`.
    fn register(&mut self, name: &str, instance: &Self::Instance);
    /// Call an exported function.
    fn invoke(&mut self, instance: &Self::Instance, name: &str, args: &[Value]) -> Result<Vec<Value>, Failure>;
    /// Read an exported global.
    fn get(&mut self, instance: &Self::Instance, name: &str) -> Result<Value, Failure>;
    /// What a `thread` block can use of an instance named in `(shared (module $M))`: its
    /// thread-shared memories.
    type Shared: Send + 'static;
    /// The thread-shareable part of `instance`.
    fn share(&mut self, instance: &Self::Instance) -> Result<Self::Shared, Failure>;
    /// `(register "name" $M)` inside a `thread` block for a shared instance `$M`.
    fn register_shared(&mut self, name: &str, shared: &Self::Shared);
    /// A constructor of a fresh engine with this engine's configuration, to be called on the
    /// new OS thread of a `thread` block.
    fn fork(&self) -> Box<dyn FnOnce() -> Result<Self, String> + Send>;
}

/// A running `thread` block: its events, reported at `(wait $T)`.
type ThreadHandle = std::thread::JoinHandle<Vec<Event>>;

/// Executes one script.
pub struct Script<'e, E: Engine> {
    engine: &'e mut E,
    text: &'e str,
    /// Stem used to name compiled modules.
    stem: String,
    current: Option<E::Instance>,
    named: HashMap<String, E::Instance>,
    definitions: HashMap<String, E::Module>,
    last_definition: Option<E::Module>,
    modules_compiled: usize,
    /// Shared instances visible in a `thread` block.
    shared: HashMap<String, E::Shared>,
    /// Running `thread` blocks by name.
    threads: HashMap<String, ThreadHandle>,
    /// Events of joined threads, emitted after the current directive.
    pending: Vec<Event>,
}

fn linecol(text: &str, span: Span) -> (usize, usize) {
    let (l, c) = span.linecol_in(text);
    (l + 1, c + 1)
}

/// Convert an invoke argument.
pub fn arg_value(a: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(a) = a else { return Err("component-model argument".into()) };
    Ok(match a {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(v) => Value::F32(v.bits),
        WastArgCore::F64(v) => Value::F64(v.bits),
        WastArgCore::V128(v) => Value::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::Func | AbstractHeapType::NoFunc, .. }) => {
            Value::FuncRef(None)
        }
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern, ..
        }) => Value::ExternRef(None),
        WastArgCore::RefExtern(n) => Value::ExternRef(Some(*n as usize)),
        WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::Exn | AbstractHeapType::NoExn, .. }) => {
            Value::ExnRef(None)
        }
        other => return Err(format!("unsupported argument {other:?}")),
    })
}

impl<'e, E: Engine> Script<'e, E> {
    /// A script over `text` (used for line:col); `stem` names compiled modules.
    pub fn new(engine: &'e mut E, text: &'e str, stem: &str) -> Self {
        Script {
            engine,
            text,
            stem: stem.to_string(),
            current: None,
            named: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            modules_compiled: 0,
            shared: HashMap::new(),
            threads: HashMap::new(),
            pending: Vec::new(),
        }
    }

    /// Parse and run the whole script, calling `emit` for every event (ending with
    /// [`Event::Done`]).
    pub fn run(&mut self, emit: &mut dyn FnMut(Event)) {
        let text = self.text;
        let buf = match crate::count::parse_buffer(text) {
            Ok(b) => b,
            Err(e) => {
                emit(Event::Outcome { outcome: Outcome::Fail, line: 1, col: 1, reason: format!("parse error: {e}") });
                emit(Event::Done);
                return;
            }
        };
        let wast = match wast::parser::parse::<wast::Wast<'_>>(&buf) {
            Ok(w) => w,
            Err(mut e) => {
                e.set_text(text);
                emit(Event::Outcome { outcome: Outcome::Fail, line: 1, col: 1, reason: format!("parse error: {e}") });
                emit(Event::Done);
                return;
            }
        };
        self.run_directives(wast.directives, emit);
        // Threads never waited for still report their assertions.
        let mut rest: Vec<(String, ThreadHandle)> = self.threads.drain().collect();
        rest.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, h) in rest {
            self.join(h);
        }
        for e in self.pending.drain(..) {
            emit(e);
        }
        emit(Event::Done);
    }

    fn join(&mut self, h: ThreadHandle) {
        match h.join() {
            Ok(events) => self.pending.extend(events),
            Err(_) => self.pending.push(Event::Outcome {
                outcome: Outcome::ModuleFail,
                line: 1,
                col: 1,
                reason: "thread panicked".into(),
            }),
        }
    }

    /// Run directives, emitting one event per assertion / failed module.
    fn run_directives(&mut self, directives: Vec<WastDirective<'_>>, emit: &mut dyn FnMut(Event)) {
        let text = self.text;
        for d in directives {
            let counted = is_assertion(&d);
            let (line, col) = linecol(text, d.span());
            let res = self.directive(d);
            let event = match res {
                Ok(()) if counted => Some((Outcome::Pass, String::new())),
                Ok(()) => None,
                Err(Res::Fail(r)) => Some((if counted { Outcome::Fail } else { Outcome::ModuleFail }, r)),
                Err(Res::Skip(r)) => Some((if counted { Outcome::Skip } else { Outcome::ModuleFail }, r)),
            };
            if let Some((outcome, reason)) = event {
                emit(Event::Outcome { outcome, line, col, reason });
            }
            for e in self.pending.drain(..) {
                emit(e);
            }
        }
    }

    /// Start a `thread` block on a new OS thread with a fresh engine. The block's directives
    /// borrow the script text, so the thread re-parses the text and runs the block found at
    /// the same offset; its events are kept until `(wait $T)`.
    fn spawn_thread(&mut self, t: wast::WastThread<'_>) -> Result<(), Res> {
        let shared = match t.shared_module {
            Some(id) => {
                let inst = self.instance(Some(id))?;
                let sh = self.engine.share(&inst).map_err(|e| Res::Fail(format!("thread: {e}")))?;
                Some((id.name().to_string(), sh))
            }
            None => None,
        };
        let fork = self.engine.fork();
        let text = self.text.to_string();
        let offset = t.span.offset();
        let stem = format!("{}_{}", self.stem, t.name.name());
        let h = std::thread::Builder::new()
            .name(format!("wast thread {}", t.name.name()))
            .spawn(move || {
                let mut events = Vec::new();
                let mut emit = |e: Event| events.push(e);
                let parsed = crate::count::parse_buffer(&text).ok();
                let wast = parsed.as_ref().and_then(|b| wast::parser::parse::<wast::Wast<'_>>(b).ok());
                let block = wast.and_then(|w| {
                    w.directives.into_iter().find_map(|d| match d {
                        WastDirective::Thread(t) if t.span.offset() == offset => Some(t),
                        _ => None,
                    })
                });
                let Some(block) = block else { return events };
                match fork() {
                    Ok(mut engine) => {
                        let mut script = Script::new(&mut engine, &text, &stem);
                        if let Some((name, sh)) = shared {
                            script.shared.insert(name, sh);
                        }
                        script.run_directives(block.directives, &mut emit);
                        let rest: Vec<ThreadHandle> = script.threads.drain().map(|(_, h)| h).collect();
                        for h in rest {
                            script.join(h);
                        }
                        events.append(&mut script.pending);
                    }
                    Err(e) => {
                        // Every assertion of the block fails.
                        for d in &block.directives {
                            let (line, col) = linecol(&text, d.span());
                            for _ in 0..crate::count::count_directives(core::slice::from_ref(d)) {
                                let reason = format!("thread: cannot create engine: {e}");
                                emit(Event::Outcome { outcome: Outcome::Fail, line, col, reason });
                            }
                        }
                    }
                }
                events
            })
            .map_err(|e| Res::Fail(format!("cannot start thread: {e}")))?;
        self.threads.insert(t.name.name().to_string(), h);
        Ok(())
    }

    fn next_name(&mut self) -> String {
        self.modules_compiled += 1;
        format!("{}_{}", self.stem, self.modules_compiled)
    }

    /// Encode a module to binary (quoted text is parsed with the same lexer settings as the
    /// script itself).
    fn encode(&self, m: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
        let test = m.to_test().map_err(|mut e| {
            e.set_text(self.text);
            format!("text error: {e}")
        })?;
        match test {
            wast::QuoteWatTest::Binary(b) => Ok(b),
            wast::QuoteWatTest::Text(t) => {
                let src = std::str::from_utf8(&t).map_err(|_| "text error: malformed UTF-8 encoding".to_string())?;
                let fail = |mut e: wast::Error| {
                    e.set_text(src);
                    format!("text error: {e}")
                };
                let buf = crate::count::parse_buffer(src).map_err(fail)?;
                let mut wat = wast::parser::parse::<wast::Wat<'_>>(&buf).map_err(fail)?;
                wat.encode().map_err(fail)
            }
        }
    }

    /// Encode and compile a module. `Err((expected, reason))`: `expected` is true when the
    /// failure is one `assert_invalid`/`assert_malformed` accept (text or validation error).
    fn compile(&mut self, m: &mut QuoteWat<'_>) -> Result<E::Module, (bool, String)> {
        if matches!(m, QuoteWat::QuoteComponent(..) | QuoteWat::Wat(wast::Wat::Component(_))) {
            return Err((false, "component model is not supported".into()));
        }
        let wasm = self.encode(m).map_err(|e| (true, e))?;
        let name = self.next_name();
        self.engine.compile(&wasm, &name).map_err(|e| match e {
            Failure::Internal(m) => (false, format!("internal error: {m}")),
            e => (true, format!("compile error: {e}")),
        })
    }

    fn instance(&self, id: Option<wast::token::Id<'_>>) -> Result<E::Instance, Res> {
        match id {
            Some(id) => self
                .named
                .get(id.name())
                .cloned()
                .ok_or_else(|| Res::Fail(format!("unknown module ${}", id.name()))),
            None => self.current.clone().ok_or_else(|| Res::Fail("no current module".into())),
        }
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Result<Result<Vec<Value>, Failure>, Res> {
        let inst = self.instance(inv.module)?;
        let args = inv.args.iter().map(arg_value).collect::<Result<Vec<_>, _>>().map_err(Res::Skip)?;
        Ok(self.engine.invoke(&inst, inv.name, &args))
    }

    /// Execute an `assert_*`'s action: `Ok(Ok(results))`, `Ok(Err(failure))` (trap etc.),
    /// `Err` = cannot run.
    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Result<Vec<Value>, Failure>, Res> {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(&inv),
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(module)?;
                Ok(self.engine.get(&inst, global).map(|v| vec![v]))
            }
            WastExecute::Wat(w) => {
                let mut q = QuoteWat::Wat(w);
                let m = self.compile(&mut q).map_err(|e| Res::Fail(e.1))?;
                Ok(self.engine.instantiate(&m).map(|_| Vec::new()))
            }
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Result<(), Res> {
        use WastDirective::*;
        match d {
            Module(mut q) => {
                let id = q.name().map(|i| i.name().to_string());
                self.current = None;
                let m = self.compile(&mut q).map_err(|e| Res::Fail(e.1))?;
                let inst = self.engine.instantiate(&m).map_err(|e| Res::Fail(format!("instantiation failed: {e}")))?;
                if let Some(id) = id {
                    self.named.insert(id, inst.clone());
                }
                self.current = Some(inst);
                Ok(())
            }
            ModuleDefinition(mut q) => {
                let id = q.name().map(|i| i.name().to_string());
                let m = self.compile(&mut q).map_err(|e| Res::Fail(e.1))?;
                if let Some(id) = id {
                    self.definitions.insert(id, m.clone());
                }
                self.last_definition = Some(m);
                Ok(())
            }
            ModuleInstance { instance, module, .. } => {
                let m = match module {
                    Some(id) => self.definitions.get(id.name()).cloned(),
                    None => self.last_definition.clone(),
                }
                .ok_or_else(|| Res::Fail("unknown module definition".into()))?;
                self.current = None;
                let inst = self.engine.instantiate(&m).map_err(|e| Res::Fail(format!("instantiation failed: {e}")))?;
                if let Some(id) = instance {
                    self.named.insert(id.name().to_string(), inst.clone());
                }
                self.current = Some(inst);
                Ok(())
            }
            Register { name, module: Some(id), .. } if !self.named.contains_key(id.name()) && self.shared.contains_key(id.name()) => {
                if let Some(sh) = self.shared.get(id.name()) {
                    self.engine.register_shared(name, sh);
                }
                Ok(())
            }
            Register { name, module, .. } => {
                let inst = self.instance(module)?;
                self.engine.register(name, &inst);
                Ok(())
            }
            Invoke(inv) => match self.invoke(&inv)? {
                Ok(_) => Ok(()),
                Err(f) => Err(Res::Fail(format!("invoke `{}`: {f}", inv.name))),
            },
            AssertReturn { exec, results, .. } => {
                let actual = match self.execute(exec)? {
                    Ok(v) => v,
                    Err(f) => return Err(Res::Fail(format!("expected results, got {f}"))),
                };
                check_results(&results, &actual)
            }
            AssertTrap { exec, message, .. } => {
                let r = self.execute(exec)?;
                check_trap(r, message)
            }
            AssertExhaustion { call, message, .. } => {
                let r = self.invoke(&call)?;
                check_trap(r, message)
            }
            AssertInvalid { mut module, message, .. } | AssertMalformed { mut module, message, .. } => {
                match self.compile(&mut module) {
                    Err((true, _)) => Ok(()),
                    Err((false, m)) => Err(Res::Fail(format!("expected failure \"{message}\", got {m}"))),
                    Ok(_) => Err(Res::Fail(format!("module compiled, expected failure \"{message}\""))),
                }
            }
            AssertUnlinkable { module, message, .. } => {
                let mut q = QuoteWat::Wat(module);
                let m = self.compile(&mut q).map_err(|e| Res::Fail(e.1))?;
                match self.engine.instantiate(&m) {
                    Err(Failure::Link(_)) => Ok(()),
                    Err(f) => Err(Res::Fail(format!("expected link error \"{message}\", got {f}"))),
                    Ok(_) => Err(Res::Fail(format!("module linked, expected \"{message}\""))),
                }
            }
            AssertInvalidCustom { .. } | AssertMalformedCustom { .. } => {
                Err(Res::Skip("custom-section assertions are not supported".into()))
            }
            AssertException { exec, .. } => match self.execute(exec)? {
                Err(Failure::Trap(TrapClass::UncaughtException, _)) => Ok(()),
                Err(f) => Err(Res::Fail(format!("expected an uncaught exception, got {f}"))),
                Ok(v) => {
                    let a: Vec<String> = v.iter().map(|v| v.to_string()).collect();
                    Err(Res::Fail(format!("expected an uncaught exception, got results [{}]", a.join(", "))))
                }
            },
            AssertSuspension { .. } => Err(Res::Skip("stack switching is not supported".into())),
            Thread(t) => self.spawn_thread(t),
            Wait { thread, .. } => {
                let h = self.threads.remove(thread.name()).ok_or_else(|| Res::Fail(format!("unknown thread ${}", thread.name())))?;
                self.join(h);
                Ok(())
            }
        }
    }
}

/// Internal outcome of a directive that did not pass.
enum Res {
    Fail(String),
    Skip(String),
}

fn check_results(expected: &[WastRet<'_>], actual: &[Value]) -> Result<(), Res> {
    let describe = || {
        let e: Vec<String> = expected
            .iter()
            .map(|r| match r {
                WastRet::Core(r) => describe_expected(r),
                _ => "component value".into(),
            })
            .collect();
        let a: Vec<String> = actual.iter().map(|v| v.to_string()).collect();
        format!("expected [{}], got [{}]", e.join(", "), a.join(", "))
    };
    if expected.len() != actual.len() {
        return Err(Res::Fail(describe()));
    }
    for (e, a) in expected.iter().zip(actual) {
        let WastRet::Core(e) = e else { return Err(Res::Skip("component-model result".into())) };
        match match_result(e, a) {
            Ok(true) => {}
            Ok(false) => return Err(Res::Fail(describe())),
            Err(m) => return Err(Res::Skip(m)),
        }
    }
    Ok(())
}

fn check_trap(r: Result<Vec<Value>, Failure>, message: &str) -> Result<(), Res> {
    match r {
        Err(Failure::Trap(class, m)) => match trap_matches(message, class) {
            Some(true) => Ok(()),
            Some(false) => Err(Res::Fail(format!("expected trap \"{message}\", got {m}"))),
            None => Err(Res::Fail(format!("unknown trap message \"{message}\" (got {m})"))),
        },
        Err(f) => Err(Res::Fail(format!("expected trap \"{message}\", got {f}"))),
        Ok(v) => {
            let a: Vec<String> = v.iter().map(|v| v.to_string()).collect();
            Err(Res::Fail(format!("expected trap \"{message}\", got results [{}]", a.join(", "))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake engine: a "module" is its binary; `f` returns its i32 args summed, `trap`
    /// traps with `unreachable`, `g` is a global 7; modules importing anything fail to link
    /// unless `m` was registered.
    #[derive(Default)]
    struct Fake {
        registered: Vec<String>,
        instances: usize,
    }

    impl Engine for Fake {
        type Module = Vec<u8>;
        type Instance = usize;
        fn compile(&mut self, wasm: &[u8], _name: &str) -> Result<Vec<u8>, Failure> {
            wasmparser::Validator::new().validate_all(wasm).map_err(|e| Failure::Other(e.to_string()))?;
            Ok(wasm.to_vec())
        }
        fn instantiate(&mut self, m: &Vec<u8>) -> Result<usize, Failure> {
            for p in wasmparser::Parser::new(0).parse_all(m) {
                if let Ok(wasmparser::Payload::StartSection { .. }) = &p {
                    return Err(Failure::Trap(TrapClass::Unreachable, "start trapped".into()));
                }
                if let Ok(wasmparser::Payload::ImportSection(r)) = p {
                    for i in r.into_imports() {
                        let i = i.map_err(|e| Failure::Other(e.to_string()))?;
                        if !self.registered.iter().any(|r| r == i.module) {
                            return Err(Failure::Link(format!("unknown import `{}`", i.module)));
                        }
                    }
                }
            }
            self.instances += 1;
            Ok(self.instances)
        }
        fn register(&mut self, name: &str, _i: &usize) {
            self.registered.push(name.to_string());
        }
        fn invoke(&mut self, _i: &usize, name: &str, args: &[Value]) -> Result<Vec<Value>, Failure> {
            match name {
                "f" => Ok(vec![Value::I32(
                    args.iter().map(|a| if let Value::I32(v) = a { *v } else { 0 }).sum(),
                )]),
                "trap" => Err(Failure::Trap(TrapClass::Unreachable, "wasm trap: unreachable".into())),
                _ => Err(Failure::Other(format!("no export `{name}`"))),
            }
        }
        fn get(&mut self, _i: &usize, name: &str) -> Result<Value, Failure> {
            if name == "g" { Ok(Value::I32(7)) } else { Err(Failure::Other("no global".into())) }
        }
        type Shared = ();
        fn share(&mut self, _i: &usize) -> Result<(), Failure> {
            Ok(())
        }
        fn register_shared(&mut self, name: &str, _s: &()) {
            self.registered.push(name.to_string());
        }
        fn fork(&self) -> Box<dyn FnOnce() -> Result<Self, String> + Send> {
            Box::new(|| Ok(Fake::default()))
        }
    }

    fn run(text: &str) -> Vec<Event> {
        let mut engine = Fake::default();
        let mut events = Vec::new();
        Script::new(&mut engine, text, "t").run(&mut |e| events.push(e));
        events
    }

    fn outcomes(events: &[Event]) -> Vec<(Outcome, usize)> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Outcome { outcome, line, .. } => Some((*outcome, *line)),
                Event::Done => None,
            })
            .collect()
    }

    #[test]
    fn runs_every_command_kind() {
        let text = r#"(module $a (func (export "f")))
(assert_return (invoke "f" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke "f" (i32.const 1)) (i32.const 3))
(assert_trap (invoke "trap") "unreachable")
(assert_trap (invoke "trap") "integer overflow")
(assert_trap (invoke "f") "unreachable")
(invoke "f")
(invoke "nope")
(assert_return (get "g") (i32.const 7))
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_invalid (module (func)) "type mismatch")
(assert_malformed (module quote "(func") "unexpected end")
(assert_unlinkable (module (import "m" "f" (func))) "unknown import")
(register "m" $a)
(module (import "m" "f" (func)))
(assert_trap (module (func $s) (start $s)) "unreachable")
(assert_exhaustion (invoke "trap") "call stack exhausted")
(assert_return (invoke $zz "f"))
(assert_return (invoke "f") (ref.i31))
"#;
        let events = run(text);
        assert_eq!(events.last(), Some(&Event::Done));
        use Outcome::*;
        assert_eq!(
            outcomes(&events),
            vec![
                (Pass, 2),
                (Fail, 3),
                (Pass, 4),
                (Fail, 5),
                (Fail, 6),
                (Pass, 7),
                (Fail, 8),
                (Pass, 9),
                (Pass, 10),
                (Fail, 11),
                (Pass, 12),
                (Pass, 13),
                (Pass, 16),
                (Fail, 17),
                (Fail, 18),
                (Skip, 19),
            ]
        );
        // The up-front count equals the number of assertion outcomes.
        let n = outcomes(&events).iter().filter(|(o, _)| o.is_assertion()).count();
        assert_eq!(crate::count::count_assertions(text), n);
    }

    #[test]
    fn failed_module_is_reported_and_clears_current() {
        let text = "(module (func (result i32)))\n(invoke \"f\")\n";
        let events = run(text);
        assert_eq!(outcomes(&events), vec![(Outcome::ModuleFail, 1), (Outcome::Fail, 2)]);
        let Event::Outcome { reason, .. } = &events[1] else { panic!() };
        assert_eq!(reason, "no current module");
    }

    #[test]
    fn parse_error_is_one_failure() {
        let events = run("(assert_return (invoke \"f\")");
        assert_eq!(outcomes(&events), vec![(Outcome::Fail, 1)]);
        assert_eq!(crate::count::count_assertions("(assert_return (invoke \"f\")"), 1);
    }

    #[test]
    fn arguments_convert() {
        let text = r#"(invoke "f" (i32.const -1) (i64.const 2) (f32.const 1.5) (f64.const -0)
            (v128.const i32x4 1 2 3 4) (ref.null func) (ref.null extern) (ref.extern 5))"#;
        let buf = wast::parser::ParseBuffer::new(text).unwrap();
        let w = wast::parser::parse::<wast::Wast<'_>>(&buf).unwrap();
        let WastDirective::Invoke(inv) = &w.directives[0] else { panic!() };
        let vals: Vec<Value> = inv.args.iter().map(|a| arg_value(a).unwrap()).collect();
        assert_eq!(
            vals,
            vec![
                Value::I32(-1),
                Value::I64(2),
                Value::F32(1.5f32.to_bits()),
                Value::F64((-0.0f64).to_bits()),
                Value::V128(0x0000_0004_0000_0003_0000_0002_0000_0001),
                Value::FuncRef(None),
                Value::ExternRef(None),
                Value::ExternRef(Some(5)),
            ]
        );
    }
}
