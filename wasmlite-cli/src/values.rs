//! Command-line values: parsing `--invoke` arguments by type and printing results.

use wasmlite_rt::{Val, ValType};

/// Parse one `--invoke` argument as a value of type `ty`.
///
/// Integers: signed or unsigned decimal, or `0x` hex (two's complement bits); floats:
/// anything Rust's `f32`/`f64` parser accepts (`1.5`, `-0`, `1e10`, `inf`, `nan`);
/// `v128`: a decimal or `0x` hex 128-bit integer; references: `null` only.
pub fn parse_arg(s: &str, ty: ValType) -> Result<Val, String> {
    let bad = || format!("invalid {ty} argument `{s}`");
    if let ValType::Ref(r) = ty {
        // A typed reference: only a nullable one can be given (as `null`).
        return if r.nullable && s == "null" {
            Ok(Val::default_for(r.val_type().repr()))
        } else {
            Err(format!("{ty} arguments can only be `null` (nullable references), got `{s}`"))
        };
    }
    Ok(match ty {
        ValType::I32 => Val::I32(parse_int(s, 32).ok_or_else(bad)? as u32 as i32),
        ValType::I64 => Val::I64(parse_int(s, 64).ok_or_else(bad)? as u64 as i64),
        ValType::F32 => Val::F32(s.parse::<f32>().map_err(|_| bad())?.to_bits()),
        ValType::F64 => Val::F64(s.parse::<f64>().map_err(|_| bad())?.to_bits()),
        ValType::V128 => Val::V128(parse_int(s, 128).ok_or_else(bad)? as u128),
        ValType::FuncRef if s == "null" => Val::FuncRef(None),
        ValType::ExternRef if s == "null" => Val::ExternRef(None),
        ValType::FuncRef | ValType::ExternRef | ValType::Ref(_) => {
            return Err(format!("{ty} arguments can only be `null`, got `{s}`"))
        }
    })
}

/// An integer of `bits` bits: signed decimal, unsigned decimal or `0x` hex; returned as the
/// two's complement bit pattern.
fn parse_int(s: &str, bits: u32) -> Option<i128> {
    let s = s.replace('_', "");
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    let mag: u128 = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(h) => u128::from_str_radix(h, 16).ok()?,
        None => digits.parse::<u128>().ok()?,
    };
    if bits == 128 {
        return Some(if neg { (mag as i128).wrapping_neg() } else { mag as i128 });
    }
    let mag = i128::try_from(mag).ok()?;
    let v = if neg { -mag } else { mag };
    let (min, umax) = (-(1i128 << (bits - 1)), (1i128 << bits) - 1);
    (min..=umax).contains(&v).then_some(v & umax)
}

/// A result as `wasmtime run --invoke` prints it: integers in signed decimal, floats as the
/// shortest decimal that round-trips (`Display`: `0.1`, `-0`, `inf`, `NaN`), v128 as an
/// unsigned decimal 128-bit integer, references as `<null funcref>`, `<funcref>`,
/// `<null externref>`, `<externref>`.
pub fn cli_format(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(*b).to_string(),
        Val::F64(b) => f64::from_bits(*b).to_string(),
        Val::V128(x) => x.to_string(),
        Val::FuncRef(None) => "<null funcref>".to_string(),
        Val::FuncRef(Some(_)) => "<funcref>".to_string(),
        Val::ExternRef(None) => "<null externref>".to_string(),
        Val::ExternRef(Some(_)) => "<externref>".to_string(),
        Val::ExnRef(None) => "<null exnref>".to_string(),
        Val::ExnRef(Some(_)) => "<exnref>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_arg("-1", ValType::I32), Ok(Val::I32(-1)));
        assert_eq!(parse_arg("4294967295", ValType::I32), Ok(Val::I32(-1)));
        assert_eq!(parse_arg("0x80000000", ValType::I32), Ok(Val::I32(i32::MIN)));
        assert!(parse_arg("4294967296", ValType::I32).is_err());
        assert!(parse_arg("-2147483649", ValType::I32).is_err());
        assert_eq!(parse_arg("-9223372036854775808", ValType::I64), Ok(Val::I64(i64::MIN)));
        assert!(parse_arg("1.5", ValType::I64).is_err());
    }

    #[test]
    fn floats_round_trip() {
        assert_eq!(cli_format(&parse_arg("0.1", ValType::F32).unwrap()), "0.1");
        assert_eq!(cli_format(&parse_arg("-0", ValType::F64).unwrap()), "-0");
        assert_eq!(cli_format(&Val::F64(0.1f64.to_bits())), "0.1");
        assert_eq!(cli_format(&Val::F32(f32::INFINITY.to_bits())), "inf");
        assert_eq!(cli_format(&Val::I32(-7)), "-7");
        assert_eq!(cli_format(&Val::F64(f64::NAN.to_bits())), "NaN");
        assert_eq!(cli_format(&Val::F32(1e-7f32.to_bits())), "0.0000001");
        assert_eq!(cli_format(&parse_arg("0xff", ValType::V128).unwrap()), "255");
        assert_eq!(cli_format(&parse_arg("-1", ValType::V128).unwrap()), u128::MAX.to_string());
        assert_eq!(cli_format(&parse_arg("null", ValType::FuncRef).unwrap()), "<null funcref>");
        assert_eq!(cli_format(&parse_arg("null", ValType::ExternRef).unwrap()), "<null externref>");
    }
}
