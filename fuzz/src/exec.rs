//! Engine-neutral execution of a call plan and comparison of two executions.

use std::hash::Hasher;

use crate::gen::{Arg, Case, FuncExport, Shape, FUEL_EXPORT};

/// A result value. Comparison ([`Value::same`]): any NaN equals any NaN for scalar floats,
/// everything else bit for bit (modules canonicalise NaNs after arithmetic, so bits stored to
/// memory or reinterpreted are deterministic); funcrefs by null-ness, externrefs by host id.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    FuncRef { null: bool },
    ExternRef(Option<u32>),
}

impl Value {
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::F32(a), Value::F32(b)) => a == b || (f32::from_bits(*a).is_nan() && f32::from_bits(*b).is_nan()),
            (Value::F64(a), Value::F64(b)) => a == b || (f64::from_bits(*a).is_nan() && f64::from_bits(*b).is_nan()),
            (a, b) => a == b,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::I32(x) => write!(f, "i32:{x}"),
            Value::I64(x) => write!(f, "i64:{x}"),
            Value::F32(b) => write!(f, "f32:{:#010x}({})", b, f32::from_bits(*b)),
            Value::F64(b) => write!(f, "f64:{:#018x}({})", b, f64::from_bits(*b)),
            Value::V128(x) => write!(f, "v128:{x:#034x}"),
            Value::FuncRef { null: true } => write!(f, "funcref:null"),
            Value::FuncRef { null: false } => write!(f, "funcref:non-null"),
            Value::ExternRef(None) => write!(f, "externref:null"),
            Value::ExternRef(Some(n)) => write!(f, "externref:{n}"),
        }
    }
}

fn show(vs: &[Value]) -> String {
    let v: Vec<String> = vs.iter().map(|v| v.to_string()).collect();
    format!("[{}]", v.join(", "))
}

/// Trap kinds both engines distinguish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallToNull,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
    StackOverflow,
    BadSignature,
    /// Anything else (host errors, fuel of the reference engine, ...): never compared.
    Other,
}

/// What a call (or instantiation) did.
#[derive(Clone, Debug)]
pub enum Outcome {
    Return(Vec<Value>),
    Trap(TrapKind, String),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Return(v) => write!(f, "returned {}", show(v)),
            Outcome::Trap(k, m) => write!(f, "trapped {k:?} ({m})"),
        }
    }
}

/// Observable state after a call: every exported memory (length + hash) and global.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub memories: Vec<(String, usize, u64)>,
    pub globals: Vec<(String, Value)>,
}

/// Hash of a memory's contents (SipHash with fixed keys: deterministic).
pub fn hash_bytes(b: &[u8]) -> u64 {
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    h.write(b);
    h.finish()
}

/// An engine under comparison.
pub trait Runner {
    /// Instantiates the module (runs the start function).
    fn instantiate(&mut self) -> Outcome;
    /// Sets the exported fuel global.
    fn set_fuel(&mut self, fuel: u32) -> Result<(), String>;
    /// Calls an exported function.
    fn call(&mut self, func: &FuncExport, args: &[Arg]) -> Outcome;
    /// Contents of an exported memory.
    fn memory(&self, name: &str) -> Option<Vec<u8>>;
    /// Length and [`hash_bytes`] of an exported memory.
    fn memory_hash(&self, name: &str) -> Option<(usize, u64)>;
    /// Value of an exported global.
    fn global(&self, name: &str) -> Option<Value>;

    fn state(&self, shape: &Shape) -> State {
        State {
            memories: shape
                .memories
                .iter()
                .map(|n| {
                    let (len, hash) = self.memory_hash(n).unwrap_or((0, 0));
                    (n.clone(), len, hash)
                })
                .collect(),
            globals: shape
                .globals
                .iter()
                .map(|n| (n.clone(), self.global(n).unwrap_or(Value::ExternRef(Some(u32::MAX)))))
                .collect(),
        }
    }
}

/// One step of an execution: the outcome and the state after it.
#[derive(Clone, Debug)]
pub struct Step {
    pub outcome: Outcome,
    pub state: State,
}

/// A reference execution: instantiation then the plan's calls (stops after a call whose
/// result makes the rest incomparable, e.g. stack overflow).
#[derive(Clone, Debug)]
pub struct Trace {
    pub instantiation: Step,
    pub calls: Vec<Step>,
}

/// Whether the execution must stop after this outcome (state no longer comparable).
fn stops(o: &Outcome) -> bool {
    matches!(o, Outcome::Trap(TrapKind::StackOverflow | TrapKind::Other, _))
}

/// Runs `case` on `r` and records everything.
pub fn record(r: &mut dyn Runner, case: &Case) -> Trace {
    let outcome = r.instantiate();
    let failed = matches!(outcome, Outcome::Trap(..));
    let instantiation = Step { state: if failed { empty_state() } else { r.state(&case.shape) }, outcome };
    let mut calls = Vec::new();
    if !failed {
        for (fi, args) in &case.plan {
            if let Err(e) = set_fuel(r, case) {
                calls.push(Step { outcome: Outcome::Trap(TrapKind::Other, e), state: empty_state() });
                break;
            }
            let outcome = r.call(&case.shape.funcs[*fi], args);
            let state = r.state(&case.shape);
            let stop = stops(&outcome);
            calls.push(Step { outcome, state });
            if stop {
                break;
            }
        }
    }
    Trace { instantiation, calls }
}

fn set_fuel(r: &mut dyn Runner, case: &Case) -> Result<(), String> {
    if case.has_fuel() {
        r.set_fuel(case.fuel)
    } else {
        Ok(())
    }
}

fn empty_state() -> State {
    State { memories: Vec::new(), globals: Vec::new() }
}

/// Result of comparing a subject against the reference trace.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Every compared call agreed.
    Agree { calls: usize },
    /// Stopped early for a reason that is not a bug (stack depth limits differ, ...).
    Inconclusive { calls: usize, reason: String },
    /// The first disagreement. `call`: index into the plan (`None` = instantiation).
    Diverge { calls: usize, call: Option<usize>, class: String, detail: String },
}

/// Runs `case` on `subject` in lock step with `reference`, stopping at the first divergence.
pub fn compare(reference: &Trace, subject: &mut dyn Runner, case: &Case) -> Verdict {
    if let Outcome::Trap(TrapKind::Other, m) = &reference.instantiation.outcome {
        return Verdict::Inconclusive { calls: 0, reason: format!("reference: instantiation: {m}") };
    }
    let got = subject.instantiate();
    let failed = matches!(got, Outcome::Trap(..));
    let state = if failed { empty_state() } else { subject.state(&case.shape) };
    if let Some(v) = compare_step(&reference.instantiation, &Step { outcome: got, state }, None, 0) {
        return v;
    }
    if failed {
        return Verdict::Agree { calls: 0 };
    }
    for (i, expected) in reference.calls.iter().enumerate() {
        if stops(&expected.outcome) {
            return Verdict::Inconclusive { calls: i, reason: format!("reference: {}", expected.outcome) };
        }
        if let Err(e) = set_fuel(subject, case) {
            return Verdict::Diverge {
                calls: i,
                call: Some(i),
                class: "harness: cannot set fuel".into(),
                detail: e,
            };
        }
        let (fi, args) = &case.plan[i];
        let outcome = subject.call(&case.shape.funcs[*fi], args);
        if stops(&outcome) {
            return Verdict::Inconclusive { calls: i, reason: format!("subject: {outcome}") };
        }
        let state = subject.state(&case.shape);
        if let Some(v) = compare_step(expected, &Step { outcome, state }, Some(i), i) {
            return v;
        }
    }
    Verdict::Agree { calls: reference.calls.len() }
}

fn compare_step(expected: &Step, got: &Step, call: Option<usize>, calls: usize) -> Option<Verdict> {
    let what = if call.is_some() { "" } else { "instantiation: " };
    let diverge = |class: String, detail: String| Some(Verdict::Diverge { calls, call, class, detail });
    match (&expected.outcome, &got.outcome) {
        (Outcome::Trap(TrapKind::Other, m), _) => {
            return Some(Verdict::Inconclusive { calls, reason: format!("reference: {what}{m}") })
        }
        // Stack depth is an implementation limit (the engines' frames differ in size).
        (_, Outcome::Trap(TrapKind::StackOverflow, m)) => {
            return Some(Verdict::Inconclusive { calls, reason: format!("subject: {what}{m}") })
        }
        (_, Outcome::Trap(TrapKind::Other, m)) => {
            return diverge(format!("{what}unexpected error"), format!("expected {}, got error {m}", expected.outcome))
        }
        (Outcome::Trap(a, _), Outcome::Trap(b, _)) if a != b => {
            return diverge(
                format!("{what}trap kind {a:?} -> {b:?}"),
                format!("expected {}, got {}", expected.outcome, got.outcome),
            )
        }
        (Outcome::Trap(a, _), Outcome::Return(_)) => {
            return diverge(
                format!("{what}missing trap {a:?}"),
                format!("expected {}, got {}", expected.outcome, got.outcome),
            )
        }
        (Outcome::Return(_), Outcome::Trap(b, _)) => {
            return diverge(
                format!("{what}spurious trap {b:?}"),
                format!("expected {}, got {}", expected.outcome, got.outcome),
            )
        }
        (Outcome::Return(a), Outcome::Return(b)) => {
            if a.len() != b.len() || a.iter().zip(b).any(|(x, y)| !x.same(y)) {
                return diverge(
                    format!("{what}result value"),
                    format!("expected {}, got {}", expected.outcome, got.outcome),
                );
            }
        }
        (Outcome::Trap(..), Outcome::Trap(..)) => {}
    }
    let trapped = if matches!(expected.outcome, Outcome::Trap(..)) { " after trap" } else { "" };
    for (e, g) in expected.state.memories.iter().zip(&got.state.memories) {
        if e != g {
            return diverge(
                format!("{what}memory contents{trapped}"),
                format!(
                    "memory `{}`: expected {} bytes hash {:#x}, got {} bytes hash {:#x} (call {})",
                    e.0, e.1, e.2, g.1, g.2, got.outcome
                ),
            );
        }
    }
    for (e, g) in expected.state.globals.iter().zip(&got.state.globals) {
        if !e.1.same(&g.1) {
            let class = if e.0 == FUEL_EXPORT { "fuel global" } else { "global value" };
            return diverge(
                format!("{what}{class}{trapped}"),
                format!("global `{}`: expected {}, got {} (call {})", e.0, e.1, g.1, got.outcome),
            );
        }
    }
    None
}

/// Index of the first step where two traces disagree (`Some(None)`: instantiation), `None` if
/// they agree on their common prefix.
pub fn trace_diff(a: &Trace, b: &Trace) -> Option<Option<usize>> {
    if compare_step(&a.instantiation, &b.instantiation, None, 0).is_some() {
        return Some(None);
    }
    for (i, (x, y)) in a.calls.iter().zip(&b.calls).enumerate() {
        if stops(&x.outcome) || stops(&y.outcome) {
            break;
        }
        if compare_step(x, y, Some(i), i).is_some() {
            return Some(Some(i));
        }
    }
    None
}

/// Replays `case` up to and including call `upto` (`None`: instantiation only) and returns the
/// exported memories' contents afterwards.
pub fn memories_after(r: &mut dyn Runner, case: &Case, upto: Option<usize>) -> Vec<(String, Vec<u8>)> {
    let failed = matches!(r.instantiate(), Outcome::Trap(..));
    if !failed {
        if let Some(upto) = upto {
            for (fi, args) in case.plan.iter().take(upto + 1) {
                let _ = set_fuel(r, case);
                let _ = r.call(&case.shape.funcs[*fi], args);
            }
        }
    }
    case.shape.memories.iter().map(|n| (n.clone(), r.memory(n).unwrap_or_default())).collect()
}

/// First differing byte ranges of two memory images (for divergence reports).
pub fn diff_memory(expected: &[u8], got: &[u8]) -> String {
    let mut out = String::new();
    if expected.len() != got.len() {
        out.push_str(&format!("length {} vs {}; ", expected.len(), got.len()));
    }
    let mut shown = 0;
    let mut i = 0;
    let n = expected.len().min(got.len());
    while i < n && shown < 8 {
        if expected[i] != got[i] {
            let start = i;
            while i < n && expected[i] != got[i] && i - start < 32 {
                i += 1;
            }
            out.push_str(&format!(
                "\n  at {start:#x}: expected {:02x?}, got {:02x?}",
                &expected[start..i],
                &got[start..i]
            ));
            shown += 1;
        } else {
            i += 1;
        }
    }
    out
}
