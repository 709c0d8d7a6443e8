//! Traps and errors.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;
use core::mem::ManuallyDrop;

use crate::exceptions::Exception;

use crate::abi::trap as code;

/// The reason a trap happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapKind {
    /// `unreachable` executed.
    Unreachable,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// Signed integer overflow.
    IntegerOverflow,
    /// Trapping float → int conversion.
    InvalidConversionToInteger,
    /// Out-of-bounds linear memory access.
    MemoryOutOfBounds,
    /// Out-of-bounds table access.
    TableOutOfBounds,
    /// `call_indirect` on a null element.
    IndirectCallToNull,
    /// `call_indirect` signature mismatch (also wrong arguments passed from the host).
    BadSignature,
    /// Wasm stack exhausted.
    StackOverflow,
    /// A host function failed.
    Host,
    /// Execution was interrupted through an [`crate::InterruptHandle`].
    Interrupted,
    /// `ref.as_non_null` of a null reference.
    NullReference,
    /// An atomic access (or `memory.atomic.wait*`/`notify`) at an unaligned address.
    UnalignedAtomic,
    /// `memory.atomic.wait*` on a memory that is not shared.
    ExpectedSharedMemory,
    /// Not an error of the code: a host function ended the program with this exit status
    /// (WASI `proc_exit`; [`Trap::exit`]). Like [`TrapKind::Host`], the ABI code is
    /// [`abi::trap::HOST`](crate::abi::trap::HOST); the runtime keeps the kind.
    Exit(u32),
    /// A wasm exception was thrown and not caught by wasm code (exception handling); its tag
    /// and payload are [`Trap::exception`]. Returned by a host function ([`Trap::throw`]), it
    /// throws that exception in the calling wasm code.
    UncaughtException,
}

impl TrapKind {
    /// The kind for an [`abi::trap`](crate::abi::trap) code (`None` for `0` or unknown codes).
    pub fn from_code(c: u32) -> Option<TrapKind> {
        Some(match c {
            code::UNREACHABLE => TrapKind::Unreachable,
            code::INTEGER_DIVIDE_BY_ZERO => TrapKind::IntegerDivideByZero,
            code::INTEGER_OVERFLOW => TrapKind::IntegerOverflow,
            code::INVALID_CONVERSION_TO_INTEGER => TrapKind::InvalidConversionToInteger,
            code::MEMORY_OUT_OF_BOUNDS => TrapKind::MemoryOutOfBounds,
            code::TABLE_OUT_OF_BOUNDS => TrapKind::TableOutOfBounds,
            code::INDIRECT_CALL_TO_NULL => TrapKind::IndirectCallToNull,
            code::BAD_SIGNATURE => TrapKind::BadSignature,
            code::STACK_OVERFLOW => TrapKind::StackOverflow,
            code::HOST => TrapKind::Host,
            code::INTERRUPTED => TrapKind::Interrupted,
            code::NULL_REFERENCE => TrapKind::NullReference,
            code::UNALIGNED_ATOMIC => TrapKind::UnalignedAtomic,
            code::WAIT_ON_UNSHARED => TrapKind::ExpectedSharedMemory,
            code::EXCEPTION => TrapKind::UncaughtException,
            _ => return None,
        })
    }

    /// The [`abi::trap`](crate::abi::trap) code of this kind ([`TrapKind::Exit`] travels as
    /// `HOST`, so `from_code(k.code())` is `Exit`'s only non-identity).
    pub fn code(self) -> u32 {
        match self {
            TrapKind::Unreachable => code::UNREACHABLE,
            TrapKind::IntegerDivideByZero => code::INTEGER_DIVIDE_BY_ZERO,
            TrapKind::IntegerOverflow => code::INTEGER_OVERFLOW,
            TrapKind::InvalidConversionToInteger => code::INVALID_CONVERSION_TO_INTEGER,
            TrapKind::MemoryOutOfBounds => code::MEMORY_OUT_OF_BOUNDS,
            TrapKind::TableOutOfBounds => code::TABLE_OUT_OF_BOUNDS,
            TrapKind::IndirectCallToNull => code::INDIRECT_CALL_TO_NULL,
            TrapKind::BadSignature => code::BAD_SIGNATURE,
            TrapKind::StackOverflow => code::STACK_OVERFLOW,
            TrapKind::Host | TrapKind::Exit(_) => code::HOST,
            TrapKind::Interrupted => code::INTERRUPTED,
            TrapKind::NullReference => code::NULL_REFERENCE,
            TrapKind::UnalignedAtomic => code::UNALIGNED_ATOMIC,
            TrapKind::ExpectedSharedMemory => code::WAIT_ON_UNSHARED,
            TrapKind::UncaughtException => code::EXCEPTION,
        }
    }

    /// The description used by `Display` (spec-testsuite wording where one exists).
    pub fn description(self) -> &'static str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::IntegerDivideByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::InvalidConversionToInteger => "invalid conversion to integer",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::IndirectCallToNull => "indirect call to null",
            TrapKind::BadSignature => "indirect call type mismatch",
            TrapKind::StackOverflow => "call stack exhausted",
            TrapKind::Host => "host error",
            TrapKind::Interrupted => "interrupted",
            TrapKind::NullReference => "null reference",
            TrapKind::UnalignedAtomic => "unaligned atomic",
            TrapKind::ExpectedSharedMemory => "expected shared memory",
            TrapKind::Exit(_) => "exit",
            TrapKind::UncaughtException => "uncaught exception",
        }
    }
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrapKind::Exit(code) => write!(f, "exit with status {code}"),
            k => f.write_str(k.description()),
        }
    }
}

/// A trap: wasm execution stopped abnormally. The instance stays usable afterwards.
///
/// One pointer wide (the details live on the heap, allocated only when a trap happens), so
/// `Result<i32, Trap>` and the like come back from host functions and typed calls in
/// registers.
#[derive(Clone, PartialEq)]
pub struct Trap(ManuallyDrop<Box<TrapInner>>);

/// One out-of-line drop for every `Trap` (the generic drop glue of a `Box<TrapInner>` would
/// otherwise be inlined into each codegen unit that drops one).
impl Drop for Trap {
    #[inline(never)]
    fn drop(&mut self) {
        // SAFETY: the box is dropped exactly once, here; `self` is not used afterwards.
        unsafe { ManuallyDrop::drop(&mut self.0) }
    }
}

#[derive(Clone, PartialEq)]
struct TrapInner {
    kind: TrapKind,
    message: Option<String>,
    func_index: Option<u32>,
    func_name: Option<String>,
    exception: Option<Exception>,
}

/// The [`Display`](fmt::Display) text (kind, message, function) and, for an uncaught exception,
/// its tag's type and payload size: written without the `Debug` code of the runtime's value
/// and type definitions, which a `fn main() -> Result<(), wasmlite_rt::Error>` would otherwise
/// link into every binary (about 4 KB).
impl fmt::Debug for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Trap({self}")?;
        if let Some(e) = &self.0.exception {
            write!(f, "; exception of tag type {} with {} payload value(s)", e.tag().ty(), e.payload().len())?;
        }
        f.write_str(")")
    }
}

impl Trap {
    /// A trap of the given kind without message.
    pub fn new(kind: TrapKind) -> Trap {
        Trap::build(kind, None)
    }

    /// A trap with an explanatory message.
    #[inline]
    pub fn with_message(kind: TrapKind, msg: impl Into<String>) -> Trap {
        Trap::build(kind, Some(msg.into()))
    }

    /// A trap of `kind` with an optional message (one copy for every message type).
    #[inline(never)]
    fn build(kind: TrapKind, message: Option<String>) -> Trap {
        Trap(ManuallyDrop::new(Box::new(TrapInner { kind, message, func_index: None, func_name: None, exception: None })))
    }

    /// An exception ([`TrapKind::UncaughtException`]): returned by a host function, it is
    /// thrown in the calling wasm code (where `try_table`/`try` may catch it).
    pub fn throw(exception: Exception) -> Trap {
        let mut t = Trap::new(TrapKind::UncaughtException);
        t.0.exception = Some(exception);
        t
    }

    /// The exception of a [`TrapKind::UncaughtException`] trap: its tag and payload.
    pub fn exception(&self) -> Option<&Exception> {
        self.0.exception.as_ref()
    }

    /// A host error ([`TrapKind::Host`]) with a message.
    pub fn host(msg: impl Into<String>) -> Trap {
        Trap::with_message(TrapKind::Host, msg)
    }

    /// The program asked to exit with `status` (WASI `proc_exit`): a [`TrapKind::Exit`] trap.
    /// A host function returns it to end the running wasm call; the embedder reads the status
    /// with [`Trap::exit_status`] (compare Wasmtime's `I32Exit`).
    pub fn exit(status: u32) -> Trap {
        Trap::new(TrapKind::Exit(status))
    }

    /// The exit status if this is a [`TrapKind::Exit`] trap.
    pub fn exit_status(&self) -> Option<u32> {
        match self.0.kind {
            TrapKind::Exit(s) => Some(s),
            _ => None,
        }
    }

    /// The kind.
    pub fn kind(&self) -> TrapKind {
        self.0.kind
    }

    /// The message, if any.
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// Index of the wasm function the trap happened in, when known.
    pub fn func_index(&self) -> Option<u32> {
        self.0.func_index
    }

    /// Name of the wasm function the trap happened in (name section or export name).
    pub fn func_name(&self) -> Option<&str> {
        self.0.func_name.as_deref()
    }

    /// Attach the wasm function (index and optional name) the trap happened in.
    pub fn with_func(mut self, index: u32, name: Option<&str>) -> Trap {
        self.0.func_index = Some(index);
        self.0.func_name = name.map(String::from);
        self
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &*self.0;
        write!(f, "wasm trap: {}", t.kind)?;
        if let Some(m) = &t.message {
            write!(f, ": {m}")?;
        }
        match (t.func_index, &t.func_name) {
            (Some(i), Some(n)) => write!(f, " (in wasm function `{n}`, #{i})"),
            (Some(i), None) => write!(f, " (in wasm function #{i})"),
            _ => Ok(()),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Trap {}

/// Instantiation failed before any code ran (bad imports, bad module, resource limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstantiationError {
    msg: String,
}

impl InstantiationError {
    /// An error with the given reason.
    pub fn new(msg: impl Into<String>) -> Self {
        InstantiationError { msg: msg.into() }
    }
    /// The reason.
    pub fn message(&self) -> &str {
        &self.msg
    }
}

impl fmt::Display for InstantiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for InstantiationError {}

/// Any error of [`crate::Instance::new`].
#[derive(Debug)]
pub enum Error {
    /// A trap during initialisation (segment out of bounds, start function).
    Trap(Trap),
    /// Instantiation failed.
    Instantiation(InstantiationError),
}

impl From<Trap> for Error {
    fn from(t: Trap) -> Self {
        Error::Trap(t)
    }
}

impl From<InstantiationError> for Error {
    fn from(e: InstantiationError) -> Self {
        Error::Instantiation(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Trap(t) => t.fmt(f),
            Error::Instantiation(e) => e.fmt(f),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Trap(t) => Some(t),
            Error::Instantiation(e) => Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn codes_roundtrip() {
        for c in 1..=code::MAX {
            let k = TrapKind::from_code(c).unwrap();
            assert_eq!(k.code(), c);
        }
        assert_eq!(TrapKind::from_code(0), None);
        assert_eq!(TrapKind::from_code(code::MAX + 1), None);
    }

    #[test]
    fn trap_is_one_pointer() {
        // Host functions and typed calls return `Result<_, Trap>` in registers.
        assert_eq!(core::mem::size_of::<Trap>(), core::mem::size_of::<usize>());
        assert_eq!(core::mem::size_of::<Result<(), Trap>>(), core::mem::size_of::<usize>());
        assert_eq!(core::mem::size_of::<Result<i64, Trap>>(), 2 * core::mem::size_of::<usize>());
    }

    #[test]
    fn display() {
        let t = Trap::new(TrapKind::IntegerDivideByZero).with_func(3, Some("div"));
        assert_eq!(t.to_string(), "wasm trap: integer divide by zero (in wasm function `div`, #3)");
        let t = Trap::host("boom").with_func(1, None);
        assert_eq!(t.to_string(), "wasm trap: host error: boom (in wasm function #1)");
        assert_eq!(Trap::new(TrapKind::BadSignature).to_string(), "wasm trap: indirect call type mismatch");
        assert_eq!(TrapKind::MemoryOutOfBounds.to_string(), "out of bounds memory access");
        let t = Trap::exit(3).with_func(2, Some("_start"));
        assert_eq!((t.kind(), t.exit_status()), (TrapKind::Exit(3), Some(3)));
        assert_eq!(t.to_string(), "wasm trap: exit with status 3 (in wasm function `_start`, #2)");
        assert_eq!(TrapKind::Exit(3).code(), code::HOST);
        assert_eq!(Trap::host("x").exit_status(), None);
        let e: Error = InstantiationError::new("unknown import `env`.`x`").into();
        assert_eq!(e.to_string(), "unknown import `env`.`x`");
    }

    /// `Debug` (what `fn main() -> Result<(), Error>` prints) shows the `Display` text, and
    /// for an uncaught exception its tag type and payload size.
    #[test]
    fn debug() {
        let t = Trap::new(TrapKind::IntegerDivideByZero).with_func(3, Some("div"));
        assert_eq!(alloc::format!("{t:?}"), "Trap(wasm trap: integer divide by zero (in wasm function `div`, #3))");
        let e: Error = t.into();
        assert!(alloc::format!("{e:?}").contains("Trap(wasm trap: integer divide by zero"), "{e:?}");
        let tag = crate::exceptions::Tag::new(alloc::vec![crate::ValType::I32, crate::ValType::F64]);
        let exn = crate::exceptions::Exception::new(&tag, alloc::vec![crate::Val::I32(7), crate::Val::F64(0.5f64.to_bits())]).unwrap();
        let t = Trap::throw(exn);
        let d = alloc::format!("{t:?}");
        assert!(d.ends_with("; exception of tag type (func (param i32 f64)) with 2 payload value(s))"), "{d}");
    }
}
