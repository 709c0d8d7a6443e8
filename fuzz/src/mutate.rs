//! Inputs for the robustness target: arbitrary bytes, valid modules of any feature set, and
//! valid modules mutated (bit flips, byte overwrites, truncation, insertion/deletion, section
//! splicing between two modules).

use arbitrary::{Result as ArbResult, Unstructured};

use crate::gen::seed_bytes;

/// How an input was made (for the counters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Random,
    Valid,
    BitFlips,
    Overwrite,
    Truncate,
    InsertDelete,
    Splice,
    /// wasm-mutate (structure-aware: the result is usually still valid, so it reaches codegen).
    WasmMutate,
}

impl Strategy {
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Random => "random",
            Strategy::Valid => "valid",
            Strategy::BitFlips => "bitflips",
            Strategy::Overwrite => "overwrite",
            Strategy::Truncate => "truncate",
            Strategy::InsertDelete => "insert-delete",
            Strategy::Splice => "splice",
            Strategy::WasmMutate => "wasm-mutate",
        }
    }
}

/// A wasm-smith module with a random feature set, including proposals wasmlite does not
/// support (they must be rejected with an error), and imports.
fn any_module(u: &mut Unstructured<'_>) -> ArbResult<Vec<u8>> {
    let mut c = crate::gen::diff_config(u)?;
    c.export_everything = u.arbitrary()?;
    c.canonicalize_nans = u.arbitrary()?;
    c.max_imports = u.int_in_range(0..=6)?;
    // Rarely: exceptions (implemented, compiled like the rest) and GC (not implemented: must be
    // rejected; wasm-smith's only way to emit typed function references, which wasmlite does
    // implement).
    c.exceptions_enabled = u.ratio(1u8, 16u8)?;
    c.gc_enabled = u.ratio(1u8, 8u8)?;
    // Implemented by wasmlite (`supported_features()` plus threads): each in half the modules.
    c.relaxed_simd_enabled = u.arbitrary()?;
    c.tail_call_enabled = u.arbitrary()?;
    c.threads_enabled = u.arbitrary()?;
    c.wide_arithmetic_enabled = u.arbitrary()?;
    c.extended_const_enabled = u.arbitrary()?;
    c.memory64_enabled = u.arbitrary()?;
    c.custom_page_sizes_enabled = u.arbitrary()?;
    c.simd_enabled = u.ratio(3u8, 4u8)?;
    c.reference_types_enabled = u.ratio(3u8, 4u8)?;
    c.bulk_memory_enabled = u.ratio(3u8, 4u8)?;
    c.multi_value_enabled = u.ratio(3u8, 4u8)?;
    c.max_memories = u.int_in_range(1..=3)?;
    c.max_memory32_bytes = u.int_in_range(0u64..=1 << 20)? & !0xffff;
    c.max_tables = u.int_in_range(0..=3)?;
    c.max_table_elements = u.int_in_range(0..=100_000)?;
    c.generate_custom_sections = u.ratio(1u8, 4u8)?;
    let m = wasm_smith::Module::new(c, u)?;
    Ok(m.to_bytes())
}

/// Splits a module into (id, whole section bytes incl. header); `None` if it is not parseable
/// at the section level (then callers fall back to byte mutations).
fn sections(wasm: &[u8]) -> Option<Vec<(u8, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut pos = 8;
    if wasm.len() < 8 {
        return None;
    }
    while pos < wasm.len() {
        let id = wasm[pos];
        let mut len: u64 = 0;
        let mut shift = 0;
        let mut p = pos + 1;
        loop {
            let b = *wasm.get(p)?;
            p += 1;
            len |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 || shift > 35 {
                break;
            }
        }
        let end = p.checked_add(usize::try_from(len).ok()?)?;
        if end > wasm.len() {
            return None;
        }
        out.push((id, wasm[pos..end].to_vec()));
        pos = end;
    }
    Some(out)
}

const INTERESTING: &[u8] = &[0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x0b, 0x41, 0x70, 0x6f, 0x7b, 0xfd, 0xfc];

/// The input for `seed` and how it was made.
pub fn input(seed: u64) -> (Vec<u8>, Strategy) {
    let bytes = seed_bytes(seed, 5, 48 * 1024);
    let mut u = Unstructured::new(&bytes);
    make(&mut u).unwrap_or((Vec::new(), Strategy::Random))
}

fn make(u: &mut Unstructured<'_>) -> ArbResult<(Vec<u8>, Strategy)> {
    let strategy = match u.int_in_range(0u8..=17)? {
        0..=1 => Strategy::Random,
        2..=3 => Strategy::Valid,
        4..=6 => Strategy::BitFlips,
        7..=8 => Strategy::Overwrite,
        9..=10 => Strategy::Truncate,
        11..=12 => Strategy::InsertDelete,
        13..=14 => Strategy::Splice,
        _ => Strategy::WasmMutate,
    };
    if strategy == Strategy::Random {
        let len = u.int_in_range(0..=2048)?;
        let mut v = Vec::with_capacity(len + 8);
        if u.ratio(3u8, 4u8)? {
            v.extend_from_slice(b"\0asm\x01\0\0\0");
        }
        v.extend_from_slice(u.bytes(len.min(u.len()))?);
        return Ok((v, strategy));
    }
    let mut m = any_module(u)?;
    match strategy {
        Strategy::Valid | Strategy::Random => {}
        Strategy::WasmMutate => {
            let seed: u64 = u.arbitrary()?;
            let rounds = u.int_in_range(1..=4)?;
            for round in 0..rounds {
                let mut mutate = wasm_mutate::WasmMutate::default();
                mutate.seed(seed.wrapping_add(round)).fuel(1000).preserve_semantics(false);
                // wasm-mutate itself panics on some inputs (e.g. rename_export on a tag export):
                // that is the input generator failing, not wasmlite; keep the last module.
                let next = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match mutate.run(&m) {
                    Ok(mut it) => it.find_map(|r| r.ok()),
                    Err(_) => None,
                }))
                .unwrap_or(None);
                match next {
                    Some(n) => m = n,
                    None => break,
                }
            }
        }
        Strategy::BitFlips => {
            for _ in 0..u.int_in_range(1..=8)? {
                if m.len() > 8 {
                    let i = u.int_in_range(8..=m.len() - 1)?;
                    m[i] ^= 1 << u.int_in_range(0..=7)?;
                }
            }
        }
        Strategy::Overwrite => {
            for _ in 0..u.int_in_range(1..=6)? {
                if m.len() > 8 {
                    let i = u.int_in_range(8..=m.len() - 1)?;
                    m[i] = if u.arbitrary()? { *u.choose(INTERESTING)? } else { u.arbitrary()? };
                }
            }
        }
        Strategy::Truncate => {
            let n = u.int_in_range(0..=m.len())?;
            m.truncate(n);
        }
        Strategy::InsertDelete => {
            for _ in 0..u.int_in_range(1..=4)? {
                let i = u.int_in_range(8.min(m.len())..=m.len())?;
                if u.arbitrary()? {
                    let n = u.int_in_range(1..=16)?;
                    let ins: Vec<u8> = (0..n).map(|_| u.arbitrary::<u8>()).collect::<ArbResult<_>>()?;
                    m.splice(i..i, ins);
                } else {
                    let n = u.int_in_range(0..=16)?.min(m.len() - i);
                    m.drain(i..i + n);
                }
            }
        }
        Strategy::Splice => {
            let other = any_module(u)?;
            match (sections(&m), sections(&other)) {
                (Some(a), Some(b)) if !b.is_empty() => {
                    let mut secs = a;
                    match u.int_in_range(0u8..=3)? {
                        // Replace a section by the other module's section of the same id (or any).
                        0 => {
                            let (id, s) = u.choose(&b)?.clone();
                            match secs.iter().position(|(i, _)| *i == id) {
                                Some(p) => secs[p] = (id, s),
                                None => {
                                    let p = u.int_in_range(0..=secs.len())?;
                                    secs.insert(p, (id, s));
                                }
                            }
                        }
                        // Insert a foreign section anywhere.
                        1 => {
                            let s = u.choose(&b)?.clone();
                            let p = u.int_in_range(0..=secs.len())?;
                            secs.insert(p, s);
                        }
                        // Drop a section.
                        2 if !secs.is_empty() => {
                            let p = u.int_in_range(0..=secs.len() - 1)?;
                            secs.remove(p);
                        }
                        // Duplicate or swap sections.
                        _ if secs.len() >= 2 => {
                            let p = u.int_in_range(0..=secs.len() - 1)?;
                            let q = u.int_in_range(0..=secs.len() - 1)?;
                            if u.arbitrary()? {
                                secs.swap(p, q);
                            } else {
                                let s = secs[p].clone();
                                secs.insert(q, s);
                            }
                        }
                        _ => {}
                    }
                    m.truncate(8);
                    for (_, s) in secs {
                        m.extend_from_slice(&s);
                    }
                }
                _ => {
                    // Not splittable: append the other module's body.
                    m.extend_from_slice(other.get(8..).unwrap_or(&[]));
                }
            }
        }
    }
    Ok((m, strategy))
}
