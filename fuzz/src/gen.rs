//! Seeded generation: random bytes, wasm-smith modules for differential runs, call plans.

use arbitrary::{Result as ArbResult, Unstructured};
use wasm_smith::{Config, MemoryOffsetChoices};

/// Name of the export added for wasm-smith's fuel global (reset before every call).
pub const FUEL_EXPORT: &str = "__fuel";

/// Deterministic pseudo-random bytes for `seed` (SplitMix64; stable across platforms and
/// versions, so a seed printed by a campaign reproduces the same input everywhere).
pub fn seed_bytes(seed: u64, stream: u64, len: usize) -> Vec<u8> {
    let mut state = seed ^ stream.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        out.extend_from_slice(&z.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A Wasm value type as far as the harness cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

impl Ty {
    fn from_wasmparser(t: wasmparser::ValType) -> Option<Ty> {
        use wasmparser::ValType as V;
        Some(match t {
            V::I32 => Ty::I32,
            V::I64 => Ty::I64,
            V::F32 => Ty::F32,
            V::F64 => Ty::F64,
            V::V128 => Ty::V128,
            V::Ref(r) if r == wasmparser::RefType::FUNCREF => Ty::FuncRef,
            V::Ref(r) if r == wasmparser::RefType::EXTERNREF => Ty::ExternRef,
            V::Ref(_) => return None,
        })
    }
}

/// An argument value (references: only null funcrefs and host externrefs with an id).
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    NullFunc,
    Extern(Option<u32>),
}

impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::I32(x) => write!(f, "i32:{x}"),
            Arg::I64(x) => write!(f, "i64:{x}"),
            Arg::F32(b) => write!(f, "f32:{:#010x}({})", b, f32::from_bits(*b)),
            Arg::F64(b) => write!(f, "f64:{:#018x}({})", b, f64::from_bits(*b)),
            Arg::V128(x) => write!(f, "v128:{x:#034x}"),
            Arg::NullFunc => write!(f, "funcref:null"),
            Arg::Extern(None) => write!(f, "externref:null"),
            Arg::Extern(Some(n)) => write!(f, "externref:{n}"),
        }
    }
}

/// One exported function.
#[derive(Clone, Debug)]
pub struct FuncExport {
    pub name: String,
    pub params: Vec<Ty>,
    pub results: Vec<Ty>,
}

/// What a module exports (in export order).
#[derive(Clone, Debug, Default)]
pub struct Shape {
    pub funcs: Vec<FuncExport>,
    pub memories: Vec<String>,
    pub globals: Vec<String>,
    pub tables: Vec<String>,
}

/// Reads the exports of a valid module.
pub fn shape_of(wasm: &[u8]) -> Result<Shape, String> {
    use wasmparser::{ExternalKind, Parser, Payload, TypeRef};
    let mut types: Vec<Option<(Vec<Ty>, Vec<Ty>)>> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut shape = Shape::default();
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    let ty = ty.map_err(|e| e.to_string())?;
                    let p: Option<Vec<Ty>> = ty.params().iter().map(|t| Ty::from_wasmparser(*t)).collect();
                    let q: Option<Vec<Ty>> = ty.results().iter().map(|t| Ty::from_wasmparser(*t)).collect();
                    types.push(p.zip(q));
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    if let TypeRef::Func(t) = imp.map_err(|e| e.to_string())?.ty {
                        func_types.push(t);
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    func_types.push(t.map_err(|e| e.to_string())?);
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.map_err(|e| e.to_string())?;
                    exports.push((e.name.to_string(), e.kind, e.index));
                }
            }
            _ => {}
        }
    }
    for (name, kind, index) in exports {
        match kind {
            ExternalKind::Func => {
                let sig = func_types.get(index as usize).and_then(|t| types.get(*t as usize)).cloned().flatten();
                if let Some((params, results)) = sig {
                    shape.funcs.push(FuncExport { name, params, results });
                }
            }
            ExternalKind::Memory => shape.memories.push(name),
            ExternalKind::Global => shape.globals.push(name),
            ExternalKind::Table => shape.tables.push(name),
            _ => {}
        }
    }
    Ok(shape)
}

/// Knobs of the differential generator.
#[derive(Clone, Debug)]
pub struct DiffGenOptions {
    /// Fuel given to wasm-smith's termination global before every call.
    pub fuel: u32,
    /// Calls per exported function.
    pub calls_per_func: usize,
    /// Generate loop kernels ([`loop_module`]) instead of wasm-smith modules.
    pub loops: bool,
}

/// A generated differential case.
#[derive(Clone, Debug)]
pub struct Case {
    pub wasm: Vec<u8>,
    pub shape: Shape,
    /// Calls in order: (index into `shape.funcs`, arguments).
    pub plan: Vec<(usize, Vec<Arg>)>,
    pub fuel: u32,
}

impl Case {
    /// Whether the module has the exported fuel global (reset to `fuel` before every call).
    pub fn has_fuel(&self) -> bool {
        self.shape.globals.iter().any(|g| g == FUEL_EXPORT)
    }
}

/// The wasm-smith configuration: Wasm 2.0 (MVP, multi-value, bulk memory, reference types,
/// sign extension, saturating conversions, SIMD) plus, each in half of the modules, the later
/// features that both wasmlite and the reference (wasmi 1.1) implement: tail calls,
/// extended-const, multi-memory, memory64, custom-page-sizes, wide-arithmetic and relaxed SIMD
/// (see [`diff_module`] for the latter). No imports, everything exported, NaNs canonicalised
/// after arithmetic (so memory and results are deterministic bit for bit), small memories and
/// offsets biased toward the bounds.
///
/// Not generated: typed function references (wasm-smith only emits them together with GC),
/// threads, exceptions and GC (wasmi implements none of them).
// Field by field, in a fixed order: the order of `u` reads decides the module of a seed.
#[allow(clippy::field_reassign_with_default)]
pub fn diff_config(u: &mut Unstructured<'_>) -> ArbResult<Config> {
    let mut c = Config::default();
    // Features wasmi 1.1 does not implement: off.
    c.exceptions_enabled = false;
    c.gc_enabled = false;
    c.compact_imports_enabled = false;
    c.threads_enabled = false;
    // Later features both engines implement: each in half of the modules.
    c.tail_call_enabled = u.arbitrary()?;
    c.extended_const_enabled = u.arbitrary()?;
    c.wide_arithmetic_enabled = u.arbitrary()?;
    c.memory64_enabled = u.arbitrary()?;
    c.custom_page_sizes_enabled = u.arbitrary()?;
    c.relaxed_simd_enabled = u.arbitrary()?;
    let multi_memory: bool = u.arbitrary()?;
    // Wasm 2.0: on.
    c.simd_enabled = true;
    c.reference_types_enabled = true;
    c.bulk_memory_enabled = true;
    c.multi_value_enabled = true;
    c.saturating_float_to_int_enabled = true;
    c.sign_extension_ops_enabled = true;
    c.max_imports = 0;
    c.export_everything = true;
    c.canonicalize_nans = true;
    c.allow_start_export = true;
    // A quarter of the modules cannot trap (wasm-smith masks addresses, guards divisions...):
    // long executions that compare values and memory; the rest are trap-heavy.
    c.disallow_traps = u.ratio(1u8, 4u8)?;
    // Memories: mostly one (up to three with multi-memory), 0..=4 pages of 64 KiB (or as many
    // bytes with 1-byte pages), always with a maximum (also <= 4 pages; without one a
    // module may grow to 4 GiB, which the reference engine allocates for real).
    c.max_memories = if multi_memory { u.int_in_range(2..=3)? } else { 1 };
    c.min_memories = u32::from(u.ratio(9u8, 10u8)?);
    c.max_memory32_bytes = if u.ratio(1u8, 10u8)? { 0 } else { u.int_in_range(1u64..=4)? * 65536 };
    c.max_memory64_bytes = u128::from(c.max_memory32_bytes);
    c.memory_max_size_required = true;
    // (in bounds, maybe in bounds after growth, out of bounds)
    c.memory_offset_choices = MemoryOffsetChoices(70, 15, 15);
    c.max_data_segments = 8;
    // Small modules: compile time dominates the campaign.
    c.max_funcs = u.int_in_range(1..=12)?;
    c.min_funcs = u.int_in_range(1..=c.max_funcs)?;
    c.max_instructions = u.int_in_range(10..=150)?;
    c.max_types = 20;
    c.min_types = u.int_in_range(1..=4)?;
    c.max_globals = 12;
    c.max_tables = 2;
    c.max_table_elements = 64;
    c.max_element_segments = 6;
    c.max_elements = 16;
    c.max_nesting_depth = 6;
    c.min_uleb_size = if u.ratio(1u8, 8u8)? { u.int_in_range(1..=5)? } else { 1 };
    Ok(c)
}

/// Generates the module for `seed`: wasm-smith output with its termination fuel global
/// (initialised to `fuel`, so a start function can run) exported as [`FUEL_EXPORT`].
///
/// Relaxed SIMD: wasmlite and wasmi make the same deterministic choice for every relaxed
/// operator except `relaxed_madd`/`relaxed_nmadd` (wasmlite rounds the product, wasmi fuses)
/// and the `relaxed_dot` pair (wasmi wraps the i16 pair sums, wasmlite does not); both choices
/// are allowed, so a module using one of those is generated again without relaxed SIMD.
pub fn diff_module(seed: u64, fuel: u32) -> Result<Vec<u8>, String> {
    let len = 1024 + (seed_bytes(seed, 9, 8)[0] as usize) * 96;
    let bytes = seed_bytes(seed, 1, len);
    let generate = |allow_relaxed: bool| -> Result<wasm_smith::Module, String> {
        let mut u = Unstructured::new(&bytes);
        let mut config = diff_config(&mut u).map_err(|e| format!("config: {e}"))?;
        config.relaxed_simd_enabled &= allow_relaxed;
        wasm_smith::Module::new(config, &mut u).map_err(|e| format!("wasm-smith: {e}"))
    };
    let mut m = generate(true)?;
    if uses_nondeterministic_relaxed_simd(&m.to_bytes())? {
        m = generate(false)?;
    }
    let fuel_global = m.ensure_termination(fuel).map_err(|e| format!("ensure_termination: {e}"))?;
    export_global(&m.to_bytes(), fuel_global, FUEL_EXPORT)
}

/// Whether `wasm` uses a relaxed SIMD operator whose result differs between wasmlite's and
/// wasmi's (equally allowed) choices.
pub fn uses_nondeterministic_relaxed_simd(wasm: &[u8]) -> Result<bool, String> {
    use wasmparser::{Operator as O, Parser, Payload};
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload.map_err(|e| e.to_string())? {
            let mut ops = body.get_operators_reader().map_err(|e| e.to_string())?;
            while !ops.eof() {
                if matches!(
                    ops.read().map_err(|e| e.to_string())?,
                    O::F32x4RelaxedMadd
                        | O::F32x4RelaxedNmadd
                        | O::F64x2RelaxedMadd
                        | O::F64x2RelaxedNmadd
                        | O::I16x8RelaxedDotI8x16I7x16S
                        | O::I32x4RelaxedDotI8x16I7x16AddS
                ) {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// Generates the whole differential case for `seed`.
pub fn diff_case(seed: u64, opts: &DiffGenOptions) -> Result<Case, String> {
    let wasm = if opts.loops { loop_module(seed)? } else { diff_module(seed, opts.fuel)? };
    case_for_module(wasm, seed, opts)
}

/// A module of loop kernels for `seed`, aimed at the code generator's loop versioning
/// (`wasmlite-codegen/cpp/versioning.cpp`): counted innermost loops (unrolled 1, 2 or 4 times,
/// as clang leaves them, counting up or down) whose accesses are affine in the counter, at
/// addresses that the call plan's arguments put near the ends of memory and of the 32-bit
/// address space; some also divide (a trap inside the loop) or leave early. A `grow` export
/// changes the memory's length between calls. No floating-point arithmetic (NaN bits are
/// not deterministic), only float loads and stores.
pub fn loop_module(seed: u64) -> Result<Vec<u8>, String> {
    let bytes = seed_bytes(seed, 11, 4096);
    let mut u = Unstructured::new(&bytes);
    let wat = loop_wat(&mut u).map_err(|e| format!("loop generator: {e}"))?;
    wat::parse_str(&wat).map_err(|e| format!("loop generator produced invalid wat: {e}\n{wat}"))
}

fn loop_wat(u: &mut Unstructured<'_>) -> ArbResult<String> {
    const ACCESS: &[(&str, &str, &str, u32)] = &[
        // (load, store, value type, size)
        ("i32.load", "i32.store", "i32", 4),
        ("i64.load", "i64.store", "i64", 8),
        ("i32.load8_u", "i32.store8", "i32", 1),
        ("i32.load16_s", "i32.store16", "i32", 2),
        ("f32.load", "f32.store", "f32", 4),
        ("f64.load", "f64.store", "f64", 8),
        ("i64.load32_u", "i64.store32", "i64", 4),
    ];
    let mut m = String::from("(module (memory (export \"mem\") 1 4)\n");
    m.push_str("  (data (i32.const 0) \"\\01\\02\\03\\04\\05\\06\\07\\08\\f0\\e0\\d0\\c0\")\n");
    m.push_str("  (func (export \"grow\") (param i32) (result i32) (memory.grow (i32.and (local.get 0) (i32.const 1))))\n");
    let kernels = u.int_in_range(1..=4)?;
    for k in 0..kernels {
        let unroll: i32 = *u.choose(&[1, 2, 2, 4])?;
        let down = u.ratio(1u8, 4u8)?;
        let mask: i32 = *u.choose(&[0x3f, 0x3ff, 0x3fff])?;
        m.push_str(&format!(
            "  (func (export \"k{k}\") (param $p i32) (param $n i32) (param $q i32) (result i64)\n    \
             (local $j i32) (local $lim i32) (local $s i64) (local $t i32)\n    \
             (local.set $lim (i32.and (local.get $n) (i32.const {})))\n    \
             (if (i32.eqz (local.get $lim)) (then (return (i64.const -1))))\n    (block $out (loop $l\n",
            mask & !(unroll - 1)
        ));
        let stmts = u.int_in_range(1..=3)?;
        let mut body = Vec::new();
        for _ in 0..stmts {
            // One statement, repeated for every unrolled copy with the counter shifted.
            let (ld, st, ty, size) = *u.choose(ACCESS)?;
            let base = if u.arbitrary()? { "$p" } else { "$q" };
            let scale: i32 = *u.choose(&[1, 2, 4, 8, 12, -4])?;
            let off: u32 = match u.int_in_range(0..=3)? {
                0 => 0,
                1 => size,
                2 => u.int_in_range(0..=64)?,
                _ => u.int_in_range(60000..=70000)?,
            };
            let base2 = if u.arbitrary()? { "$p" } else { "$q" };
            let scale2: i32 = *u.choose(&[1, 2, 4, 8, -4])?;
            let kind = u.int_in_range(0..=4)?;
            body.push((ld, st, ty, base, scale, off, base2, scale2, kind));
        }
        for c in 0..unroll {
            let idx = if down {
                format!("(i32.sub (local.get $lim) (i32.add (local.get $j) (i32.const {})))", c + 1)
            } else {
                format!("(i32.add (local.get $j) (i32.const {c}))")
            };
            for &(ld, st, ty, base, scale, off, base2, scale2, kind) in &body {
                let addr = format!("(i32.add (local.get {base}) (i32.mul {idx} (i32.const {scale})))");
                let addr2 = format!("(i32.add (local.get {base2}) (i32.mul {idx} (i32.const {scale2})))");
                let to_i64 = |v: String| match ty {
                    "i32" => format!("(i64.extend_i32_s {v})"),
                    "i64" => v,
                    "f32" => format!("(i64.trunc_sat_f32_s {v})"),
                    _ => format!("(i64.trunc_sat_f64_s {v})"),
                };
                let from_i64 = |v: String| match ty {
                    "i32" => format!("(i32.wrap_i64 {v})"),
                    "i64" => v,
                    "f32" => format!("(f32.convert_i64_s {v})"),
                    _ => format!("(f64.convert_i64_s {v})"),
                };
                let stmt = match kind {
                    // sum += load
                    0 => format!("(local.set $s (i64.add (local.get $s) {}))", to_i64(format!("({ld} offset={off} {addr})"))),
                    // store a value of the counter and the sum
                    1 => format!(
                        "({st} offset={off} {addr} {})",
                        from_i64(format!("(i64.add (local.get $s) (i64.extend_i32_u {idx}))"))
                    ),
                    // copy between two streams
                    2 => format!("({st} offset={off} {addr} ({ld} {addr2}))"),
                    // a division that traps when the counter reaches q
                    3 => format!(
                        "(local.set $s (i64.add (local.get $s) (i64.extend_i32_s (i32.div_s (i32.const 1000) (i32.sub (local.get $q) {idx})))))"
                    ),
                    // leave early on a loaded value
                    _ => format!(
                        "(local.set $t ({ld} offset={off} {addr})) (br_if $out (i32.eq (i32.const 0x55) (i32.and (i32.const 0xff) {})))",
                        match ty {
                            "i32" => "(local.get $t)".to_string(),
                            _ => "(i32.const 0)".to_string(),
                        }
                    ),
                };
                // `local.set $t` only holds i32 values: other types skip the early exit.
                let stmt = if kind == 4 && ty != "i32" {
                    format!("(local.set $s (i64.add (local.get $s) {}))", to_i64(format!("({ld} offset={off} {addr})")))
                } else {
                    stmt
                };
                m.push_str("      ");
                m.push_str(&stmt);
                m.push('\n');
            }
        }
        m.push_str(&format!(
            "      (local.set $j (i32.add (local.get $j) (i32.const {unroll})))\n      \
             (br_if $l (i32.ne (local.get $j) (local.get $lim)))))\n    (local.get $s))\n"
        ));
    }
    m.push_str(")\n");
    Ok(m)
}

/// A case for a given module (e.g. a minimised divergence): the call plan comes from `seed`.
/// Without an exported `__fuel` global, fuel is not reset between calls.
pub fn case_for_module(wasm: Vec<u8>, seed: u64, opts: &DiffGenOptions) -> Result<Case, String> {
    let shape = shape_of(&wasm)?;
    let arg_bytes = seed_bytes(seed, 2, 64 * 1024);
    let mut u = Unstructured::new(&arg_bytes);
    let mut plan = Vec::new();
    for _round in 0..opts.calls_per_func {
        for (i, f) in shape.funcs.iter().enumerate() {
            let args = f.params.iter().map(|t| gen_arg(&mut u, *t)).collect::<ArbResult<Vec<_>>>();
            plan.push((i, args.map_err(|e| format!("args: {e}"))?));
        }
    }
    Ok(Case { wasm, shape, plan, fuel: opts.fuel })
}

fn gen_arg(u: &mut Unstructured<'_>, t: Ty) -> ArbResult<Arg> {
    Ok(match t {
        Ty::I32 => Arg::I32(gen_i32(u)?),
        Ty::I64 => Arg::I64(match u.int_in_range(0u8..=3)? {
            0 => i64::from(gen_i32(u)?),
            1 => i64::from(gen_i32(u)? as u32),
            2 => *u.choose(&[0, 1, -1, i64::MIN, i64::MAX, 1 << 32, (1 << 32) - 1])?,
            _ => u.arbitrary()?,
        }),
        Ty::F32 => Arg::F32(match u.int_in_range(0u8..=3)? {
            0 => *u.choose(&[
                0u32, 0x8000_0000, 0x7f80_0000, 0xff80_0000, 0x7fc0_0000, 0xffc0_0000, 0x7f80_0001, 0x3f80_0000,
                0x4f00_0000, 0xcf00_0000, 0x4f80_0000, 0x0000_0001,
            ])?,
            1 => (gen_i32(u)? as f32).to_bits(),
            _ => u.arbitrary()?,
        }),
        Ty::F64 => Arg::F64(match u.int_in_range(0u8..=3)? {
            0 => *u.choose(&[
                0u64,
                0x8000_0000_0000_0000,
                0x7ff0_0000_0000_0000,
                0xfff0_0000_0000_0000,
                0x7ff8_0000_0000_0000,
                0xfff8_0000_0000_0000,
                0x7ff0_0000_0000_0001,
                0x3ff0_0000_0000_0000,
                0x41e0_0000_0000_0000,
                0xc1e0_0000_0000_0000,
                0x43e0_0000_0000_0000,
            ])?,
            1 => (gen_i32(u)? as f64).to_bits(),
            _ => u.arbitrary()?,
        }),
        Ty::V128 => Arg::V128(match u.int_in_range(0u8..=2)? {
            0 => {
                let x = gen_i32(u)? as u32 as u128;
                x | (x << 32) | (x << 64) | (x << 96)
            }
            _ => u.arbitrary()?,
        }),
        Ty::FuncRef => Arg::NullFunc,
        Ty::ExternRef => Arg::Extern(if u.ratio(1u8, 3u8)? { None } else { Some(u.int_in_range(0u32..=1000)?) }),
    })
}

/// i32 arguments biased toward addresses near page boundaries and edge values.
fn gen_i32(u: &mut Unstructured<'_>) -> ArbResult<i32> {
    Ok(match u.int_in_range(0u8..=5)? {
        0 => *u.choose(&[0, 1, -1, 2, 4, 8, i32::MIN, i32::MAX, 65536, 65535, 131072, -65536])?,
        1 => u.int_in_range(0..=255)?,
        2 => {
            let page: i32 = u.int_in_range(0..=5)?;
            page * 65536 - u.int_in_range(-16..=32)?
        }
        3 => u.int_in_range(0..=300_000)?,
        _ => u.arbitrary()?,
    })
}

/// Adds an export `name` of global `index` to a valid module (re-encoding the export section).
pub fn export_global(wasm: &[u8], index: u32, name: &str) -> Result<Vec<u8>, String> {
    use wasm_encoder::{ExportKind, ExportSection, RawSection};
    use wasmparser::{ExternalKind, Parser, Payload};
    let mut out = wasm_encoder::Module::new();
    let mut done = false;
    let export_section = |existing: Vec<(String, ExportKind, u32)>| -> Result<ExportSection, String> {
        let mut s = ExportSection::new();
        let mut unique = name.to_string();
        while existing.iter().any(|(n, _, _)| *n == unique) {
            unique.push('_');
        }
        for (n, k, i) in &existing {
            s.export(n, *k, *i);
        }
        s.export(&unique, ExportKind::Global, index);
        Ok(s)
    };
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| e.to_string())?;
        if let Payload::ExportSection(r) = &payload {
            let mut existing = Vec::new();
            for e in r.clone() {
                let e = e.map_err(|e| e.to_string())?;
                let k = match e.kind {
                    ExternalKind::Func => ExportKind::Func,
                    ExternalKind::Table => ExportKind::Table,
                    ExternalKind::Memory => ExportKind::Memory,
                    ExternalKind::Global => ExportKind::Global,
                    ExternalKind::Tag => ExportKind::Tag,
                    other => return Err(format!("unexpected export kind {other:?}")),
                };
                existing.push((e.name.to_string(), k, e.index));
            }
            out.section(&export_section(existing)?);
            done = true;
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            // No export section: insert one before the first section that must follow it.
            if !done && matches!(id, 8..=12) {
                out.section(&export_section(Vec::new())?);
                done = true;
            }
            out.section(&RawSection { id, data: &wasm[range.start as usize..range.end as usize] });
        }
    }
    if !done {
        out.section(&export_section(Vec::new())?);
    }
    Ok(out.finish())
}
