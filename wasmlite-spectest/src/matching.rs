//! Engine-independent value matching: expected results (`assert_return`, including NaN
//! patterns and v128 lanes) and trap messages (`assert_trap`).

use std::fmt;

use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastRetCore};

/// A result value as the runner sees it (converted from the runtime's `Val`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// i32
    I32(i32),
    /// i64
    I64(i64),
    /// f32 bit pattern
    F32(u32),
    /// f64 bit pattern
    F64(u64),
    /// v128 (little-endian lanes)
    V128(u128),
    /// funcref: address of the `VMFuncRef`, `None` = null
    FuncRef(Option<usize>),
    /// externref: host id, `None` = null
    ExternRef(Option<usize>),
    /// exnref: address of the exception, `None` = null
    ExnRef(Option<usize>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::I32(v) => write!(f, "i32 {v} ({:#x})", v as u32),
            Value::I64(v) => write!(f, "i64 {v} ({:#x})", v as u64),
            Value::F32(b) => write!(f, "f32 {} ({b:#010x})", f32::from_bits(b)),
            Value::F64(b) => write!(f, "f64 {} ({b:#018x})", f64::from_bits(b)),
            Value::V128(v) => write!(f, "v128 {v:#034x}"),
            Value::FuncRef(None) => f.write_str("ref.null func"),
            Value::FuncRef(Some(a)) => write!(f, "ref.func {a:#x}"),
            Value::ExternRef(None) => f.write_str("ref.null extern"),
            Value::ExternRef(Some(n)) => write!(f, "ref.extern {n}"),
            Value::ExnRef(None) => f.write_str("ref.null exn"),
            Value::ExnRef(Some(a)) => write!(f, "ref.exn {a:#x}"),
        }
    }
}

/// `nan:canonical` for f32: exponent all ones, only the quiet bit set in the payload.
pub fn f32_is_canonical_nan(bits: u32) -> bool {
    bits & 0x7fff_ffff == 0x7fc0_0000
}

/// `nan:arithmetic` for f32: a NaN with the quiet bit set.
pub fn f32_is_arithmetic_nan(bits: u32) -> bool {
    bits & 0x7fc0_0000 == 0x7fc0_0000
}

/// `nan:canonical` for f64.
pub fn f64_is_canonical_nan(bits: u64) -> bool {
    bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000
}

/// `nan:arithmetic` for f64.
pub fn f64_is_arithmetic_nan(bits: u64) -> bool {
    bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000
}

fn match_f32(p: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match p {
        NanPattern::CanonicalNan => f32_is_canonical_nan(bits),
        NanPattern::ArithmeticNan => f32_is_arithmetic_nan(bits),
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn match_f64(p: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => f64_is_canonical_nan(bits),
        NanPattern::ArithmeticNan => f64_is_arithmetic_nan(bits),
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn lane(v: u128, bits: u32, i: usize) -> u128 {
    let mask = if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 };
    (v >> (bits as usize * i)) & mask
}

/// Whether a v128 value matches a lane pattern.
pub fn match_v128(p: &V128Pattern, v: u128) -> bool {
    match p {
        V128Pattern::I8x16(l) => l.iter().enumerate().all(|(i, x)| lane(v, 8, i) == *x as u8 as u128),
        V128Pattern::I16x8(l) => l.iter().enumerate().all(|(i, x)| lane(v, 16, i) == *x as u16 as u128),
        V128Pattern::I32x4(l) => l.iter().enumerate().all(|(i, x)| lane(v, 32, i) == *x as u32 as u128),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| lane(v, 64, i) == *x as u64 as u128),
        V128Pattern::F32x4(l) => l.iter().enumerate().all(|(i, p)| match_f32(p, lane(v, 32, i) as u32)),
        V128Pattern::F64x2(l) => l.iter().enumerate().all(|(i, p)| match_f64(p, lane(v, 64, i) as u64)),
    }
}

fn nan_pattern_str<T: fmt::Debug>(p: &NanPattern<T>, show: impl Fn(&T) -> String) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".into(),
        NanPattern::ArithmeticNan => "nan:arithmetic".into(),
        NanPattern::Value(v) => show(v),
    }
}

/// Human-readable form of an expected result.
pub fn describe_expected(p: &WastRetCore<'_>) -> String {
    let f32s = |v: &wast::token::F32| format!("{} ({:#010x})", f32::from_bits(v.bits), v.bits);
    let f64s = |v: &wast::token::F64| format!("{} ({:#018x})", f64::from_bits(v.bits), v.bits);
    match p {
        WastRetCore::I32(v) => format!("i32 {v} ({:#x})", *v as u32),
        WastRetCore::I64(v) => format!("i64 {v} ({:#x})", *v as u64),
        WastRetCore::F32(p) => format!("f32 {}", nan_pattern_str(p, f32s)),
        WastRetCore::F64(p) => format!("f64 {}", nan_pattern_str(p, f64s)),
        WastRetCore::V128(p) => match p {
            V128Pattern::I8x16(l) => format!("v128 i8x16 {l:?}"),
            V128Pattern::I16x8(l) => format!("v128 i16x8 {l:?}"),
            V128Pattern::I32x4(l) => format!("v128 i32x4 {l:?}"),
            V128Pattern::I64x2(l) => format!("v128 i64x2 {l:?}"),
            V128Pattern::F32x4(l) => {
                let s: Vec<String> = l.iter().map(|p| nan_pattern_str(p, f32s)).collect();
                format!("v128 f32x4 [{}]", s.join(", "))
            }
            V128Pattern::F64x2(l) => {
                let s: Vec<String> = l.iter().map(|p| nan_pattern_str(p, f64s)).collect();
                format!("v128 f64x2 [{}]", s.join(", "))
            }
        },
        WastRetCore::RefNull(_) => "ref.null".into(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefExtern(None) => "ref.extern".into(),
        WastRetCore::RefFunc(_) => "ref.func".into(),
        WastRetCore::Either(v) => {
            let s: Vec<String> = v.iter().map(describe_expected).collect();
            format!("either({})", s.join(" | "))
        }
        other => format!("{other:?}"),
    }
}

/// Whether `actual` matches the expected result `p`. `Err` for patterns this runner does not
/// support (GC references and the like).
pub fn match_result(p: &WastRetCore<'_>, actual: &Value) -> Result<bool, String> {
    Ok(match (p, actual) {
        (WastRetCore::I32(e), Value::I32(a)) => e == a,
        (WastRetCore::I64(e), Value::I64(a)) => e == a,
        (WastRetCore::F32(e), Value::F32(a)) => match_f32(e, *a),
        (WastRetCore::F64(e), Value::F64(a)) => match_f64(e, *a),
        (WastRetCore::V128(e), Value::V128(a)) => match_v128(e, *a),
        (WastRetCore::RefNull(ty), Value::FuncRef(None)) => match ty {
            None => true,
            Some(HeapType::Abstract { ty, .. }) => matches!(ty, AbstractHeapType::Func | AbstractHeapType::NoFunc),
            Some(_) => true,
        },
        (WastRetCore::RefNull(ty), Value::ExternRef(None)) => match ty {
            None => true,
            Some(HeapType::Abstract { ty, .. }) => {
                matches!(ty, AbstractHeapType::Extern | AbstractHeapType::NoExtern)
            }
            Some(_) => false,
        },
        (WastRetCore::RefNull(ty), Value::ExnRef(None)) => match ty {
            None => true,
            Some(HeapType::Abstract { ty, .. }) => matches!(ty, AbstractHeapType::Exn | AbstractHeapType::NoExn),
            Some(_) => false,
        },
        (WastRetCore::RefExtern(None), Value::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(e)), Value::ExternRef(Some(a))) => *e as usize == *a,
        (WastRetCore::RefFunc(_), Value::FuncRef(Some(_))) => true,
        (WastRetCore::Either(alts), a) => {
            for alt in alts {
                if match_result(alt, a)? {
                    return Ok(true);
                }
            }
            false
        }
        (
            WastRetCore::RefHost(_)
            | WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared,
            _,
        ) => return Err(format!("unsupported result pattern {}", describe_expected(p))),
        _ => false,
    })
}

/// Trap classes: the runtime's own [`wasmlite_rt::TrapKind`] (one enum for the whole project).
pub use wasmlite_rt::TrapKind as TrapClass;

/// Spec-testsuite trap messages (matched as prefixes of the expected message, first match
/// wins) and the trap classes each accepts.
pub const TRAP_TABLE: &[(&str, &[TrapClass])] = {
    use TrapClass::*;
    &[
        ("unreachable", &[Unreachable]),
        ("integer divide by zero", &[IntegerDivideByZero]),
        ("integer overflow", &[IntegerOverflow]),
        ("invalid conversion to integer", &[InvalidConversionToInteger]),
        ("out of bounds memory access", &[MemoryOutOfBounds]),
        ("memory access out of bounds", &[MemoryOutOfBounds]),
        ("out of bounds table access", &[TableOutOfBounds]),
        ("undefined element", &[TableOutOfBounds]),
        ("uninitialized element", &[IndirectCallToNull]),
        ("indirect call type mismatch", &[BadSignature]),
        ("call stack exhausted", &[StackOverflow]),
        ("null function reference", &[IndirectCallToNull]),
        ("null reference", &[NullReference]),
        ("null reference", &[IndirectCallToNull]),
        ("null", &[IndirectCallToNull]),
        ("unaligned atomic", &[UnalignedAtomic]),
        ("expected shared memory", &[ExpectedSharedMemory]),
        ("out of bounds", &[MemoryOutOfBounds, TableOutOfBounds]),
    ]
};

/// Whether a trap of class `actual` satisfies the spec message `expected`. `None` if the
/// message is not in [`TRAP_TABLE`].
pub fn trap_matches(expected: &str, actual: TrapClass) -> Option<bool> {
    TRAP_TABLE
        .iter()
        .find(|(prefix, _)| expected.starts_with(prefix))
        .map(|(_, classes)| classes.contains(&actual))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ret(text: &str) -> Vec<u8> {
        text.as_bytes().to_vec()
    }

    /// Parse `(assert_return (invoke "f") <results>)` and match the results.
    fn check(results: &str, actual: &[Value]) -> Result<bool, String> {
        let text = ret(&format!("(assert_return (invoke \"f\") {results})"));
        let text = std::str::from_utf8(&text).unwrap();
        let buf = wast::parser::ParseBuffer::new(text).unwrap();
        let w = wast::parser::parse::<wast::Wast<'_>>(&buf).unwrap();
        let wast::WastDirective::AssertReturn { results, .. } = &w.directives[0] else { panic!() };
        assert_eq!(results.len(), actual.len());
        for (r, a) in results.iter().zip(actual) {
            let wast::WastRet::Core(r) = r else { panic!() };
            if !match_result(r, a)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    #[test]
    fn nan_patterns() {
        assert!(f32_is_canonical_nan(0x7fc0_0000) && f32_is_canonical_nan(0xffc0_0000));
        assert!(!f32_is_canonical_nan(0x7fc0_0001) && !f32_is_canonical_nan(0x7f80_0000));
        assert!(f32_is_arithmetic_nan(0x7fc0_0001) && f32_is_arithmetic_nan(0xffff_ffff));
        assert!(!f32_is_arithmetic_nan(0x7fa0_0000) && !f32_is_arithmetic_nan(0x3f80_0000));
        assert!(f64_is_canonical_nan(0xfff8_0000_0000_0000));
        assert!(!f64_is_canonical_nan(0x7ff8_0000_0000_0001));
        assert!(f64_is_arithmetic_nan(0x7ff8_0000_0000_0001));
        assert!(!f64_is_arithmetic_nan(0x7ff4_0000_0000_0000));
        assert_eq!(check("(f32.const nan:canonical)", &[Value::F32(0xffc0_0000)]), Ok(true));
        assert_eq!(check("(f32.const nan:canonical)", &[Value::F32(0x7fc0_0001)]), Ok(false));
        assert_eq!(check("(f64.const nan:arithmetic)", &[Value::F64(0x7ff8_0000_0000_0001)]), Ok(true));
        assert_eq!(check("(f64.const nan:arithmetic)", &[Value::F64(0x7ff0_0000_0000_0001)]), Ok(false));
        // A literal NaN compares bitwise.
        assert_eq!(check("(f32.const nan:0x200000)", &[Value::F32(0x7fa0_0000)]), Ok(true));
        assert_eq!(check("(f32.const -nan)", &[Value::F32(0x7fc0_0000)]), Ok(false));
    }

    #[test]
    fn scalars_and_refs() {
        assert_eq!(check("(i32.const -1) (i64.const 5)", &[Value::I32(-1), Value::I64(5)]), Ok(true));
        assert_eq!(check("(i32.const 0xffffffff)", &[Value::I32(-1)]), Ok(true));
        assert_eq!(check("(i32.const 1)", &[Value::I64(1)]), Ok(false));
        assert_eq!(check("(f64.const -0)", &[Value::F64(0)]), Ok(false));
        assert_eq!(check("(f64.const -0)", &[Value::F64(1 << 63)]), Ok(true));
        assert_eq!(check("(ref.null func)", &[Value::FuncRef(None)]), Ok(true));
        assert_eq!(check("(ref.null extern)", &[Value::FuncRef(None)]), Ok(false));
        assert_eq!(check("(ref.null extern)", &[Value::ExternRef(None)]), Ok(true));
        assert_eq!(check("(ref.null func)", &[Value::FuncRef(Some(8))]), Ok(false));
        assert_eq!(check("(ref.func)", &[Value::FuncRef(Some(8))]), Ok(true));
        assert_eq!(check("(ref.func)", &[Value::FuncRef(None)]), Ok(false));
        assert_eq!(check("(ref.extern 3)", &[Value::ExternRef(Some(3))]), Ok(true));
        assert_eq!(check("(ref.extern 3)", &[Value::ExternRef(Some(4))]), Ok(false));
        assert_eq!(check("(ref.extern)", &[Value::ExternRef(Some(4))]), Ok(true));
        assert_eq!(check("(either (i32.const 1) (i32.const 2))", &[Value::I32(2)]), Ok(true));
        assert!(check("(ref.i31)", &[Value::I32(2)]).is_err());
    }

    #[test]
    fn v128_lanes() {
        let v = 0x0000_0004_0000_0003_0000_0002_0000_0001u128;
        assert_eq!(check("(v128.const i32x4 1 2 3 4)", &[Value::V128(v)]), Ok(true));
        assert_eq!(check("(v128.const i64x2 0x200000001 0x400000003)", &[Value::V128(v)]), Ok(true));
        assert_eq!(check("(v128.const i32x4 1 2 3 5)", &[Value::V128(v)]), Ok(false));
        assert_eq!(check("(v128.const i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)", &[Value::V128(0xff)]), Ok(true));
        let f = (0x7fc0_0000u128 << 96) | (0x3f80_0000u128 << 64) | (0xffc0_0001u128 << 32);
        assert_eq!(
            check("(v128.const f32x4 0 nan:arithmetic 1.0 nan:canonical)", &[Value::V128(f)]),
            Ok(true)
        );
        assert_eq!(
            check("(v128.const f32x4 0 nan:canonical 1.0 nan:canonical)", &[Value::V128(f)]),
            Ok(false)
        );
        let d = 0xfff8_0000_0000_0000u128 << 64 | 0x3ff0_0000_0000_0000;
        assert_eq!(check("(v128.const f64x2 1 nan:canonical)", &[Value::V128(d)]), Ok(true));
    }

    #[test]
    fn trap_message_table() {
        use TrapClass::*;
        assert_eq!(trap_matches("unreachable", Unreachable), Some(true));
        assert_eq!(trap_matches("unreachable executed", Unreachable), Some(true));
        assert_eq!(trap_matches("integer divide by zero", IntegerOverflow), Some(false));
        assert_eq!(trap_matches("integer overflow", IntegerOverflow), Some(true));
        assert_eq!(trap_matches("invalid conversion to integer", InvalidConversionToInteger), Some(true));
        assert_eq!(trap_matches("out of bounds memory access", MemoryOutOfBounds), Some(true));
        assert_eq!(trap_matches("out of bounds memory access", TableOutOfBounds), Some(false));
        assert_eq!(trap_matches("out of bounds table access", TableOutOfBounds), Some(true));
        assert_eq!(trap_matches("undefined element", TableOutOfBounds), Some(true));
        assert_eq!(trap_matches("undefined element", IndirectCallToNull), Some(false));
        assert_eq!(trap_matches("uninitialized element 2", IndirectCallToNull), Some(true));
        assert_eq!(trap_matches("uninitialized element", TableOutOfBounds), Some(false));
        assert_eq!(trap_matches("indirect call type mismatch", BadSignature), Some(true));
        assert_eq!(trap_matches("call stack exhausted", StackOverflow), Some(true));
        assert_eq!(trap_matches("null function reference", IndirectCallToNull), Some(true));
        assert_eq!(trap_matches("out of bounds", TableOutOfBounds), Some(true));
        assert_eq!(trap_matches("unaligned atomic", MemoryOutOfBounds), Some(false));
        assert_eq!(trap_matches("unaligned atomic", UnalignedAtomic), Some(true));
        assert_eq!(trap_matches("expected shared memory", ExpectedSharedMemory), Some(true));
    }
}

#[cfg(test)]
mod testsuite_tests {
    use super::*;

    /// Every trap message used by the spec testsuite (when present on this machine) is in
    /// the table, and every script parses.
    #[test]
    fn testsuite_trap_messages_are_known() {
        let dir = std::path::Path::new("/work/shared/testsuite");
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut unknown = Vec::new();
        let mut files = 0;
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_none_or(|x| x != "wast") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&p).unwrap();
            let buf = crate::count::parse_buffer(&text).unwrap();
            let w = wast::parser::parse::<wast::Wast<'_>>(&buf)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            for d in &w.directives {
                let msg = match d {
                    wast::WastDirective::AssertTrap { message, .. }
                    | wast::WastDirective::AssertExhaustion { message, .. } => *message,
                    _ => continue,
                };
                if TRAP_TABLE.iter().all(|(k, _)| !msg.starts_with(k)) {
                    unknown.push(format!("{}: {msg}", p.display()));
                }
            }
        }
        assert!(files == 0 || files > 50);
        assert!(unknown.is_empty(), "{unknown:#?}");
    }
}
