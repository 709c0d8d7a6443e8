//! `wasmlite inspect`.

use std::fmt::Write;

use wasmlite_rt::abi::{ExportKind, ExternType, GlobalType, MemoryType, ModuleInfo, TableType};

use crate::InspectArgs;

/// `wasmlite inspect`.
pub fn main(args: InspectArgs) -> Result<(), String> {
    let wasm = crate::read_module(&args.file)?;
    let text = describe(&wasm).map_err(|e| format!("{}: {e}", args.file.display()))?;
    outln!("{}", text.strip_suffix('\n').unwrap_or(&text));
    Ok(())
}

fn memory(m: &MemoryType) -> String {
    let mut s = format!("{}{}", if m.memory64 { "i64 " } else { "" }, m.min);
    if let Some(max) = m.max {
        let _ = write!(s, " {max}");
    }
    if m.shared {
        s.push_str(" shared");
    }
    s.push_str(" (pages)");
    s
}

fn table(t: &TableType) -> String {
    match t.max {
        Some(max) => format!("{} {max} {}", t.min, t.elem),
        None => format!("{} {}", t.min, t.elem),
    }
}

fn global(g: &GlobalType) -> String {
    if g.mutable {
        format!("(mut {})", g.ty)
    } else {
        g.ty.to_string()
    }
}

fn extern_type(info: &ModuleInfo, t: &ExternType) -> String {
    match t {
        ExternType::Func(ti) => info.types.get(*ti as usize).map(|t| t.to_string()).unwrap_or_default(),
        ExternType::Memory(m) => format!("(memory {})", memory(m)),
        ExternType::Table(t) => format!("(table {})", table(t)),
        ExternType::Global(g) => format!("(global {})", global(g)),
        ExternType::Tag(ti) => format!("(tag {})", info.types.get(*ti as usize).map(|t| t.to_string()).unwrap_or_default()),
    }
}

/// The report `inspect` prints.
pub fn describe(wasm: &[u8]) -> Result<String, String> {
    let info = wasmlite_abi::parse::parse_module_with_features(wasm, wasmlite_codegen::Config::default().wasm_features)
        .map_err(|e| e.to_string())?;
    let mut o = String::new();
    let _ = writeln!(o, "size: {} bytes", wasm.len());
    let _ = writeln!(o, "imports ({}):", info.imports.len());
    for i in info.imports.iter() {
        let _ = writeln!(o, "  {}.{}: {}", i.module, i.name, extern_type(&info, &i.ty));
    }
    let _ = writeln!(o, "exports ({}):", info.exports.len());
    for e in info.exports.iter() {
        let ty = match e.kind {
            ExportKind::Func => info.func_type(e.index).map(|t| t.to_string()).unwrap_or_default(),
            ExportKind::Memory => info.memories.get(e.index as usize).map(|m| format!("(memory {})", memory(m))).unwrap_or_default(),
            ExportKind::Table => info.tables.get(e.index as usize).map(|t| format!("(table {})", table(t))).unwrap_or_default(),
            ExportKind::Global => info.globals.get(e.index as usize).map(|g| format!("(global {})", global(g))).unwrap_or_default(),
            ExportKind::Tag => info.tags.get(e.index as usize).map(|&t| extern_type(&info, &ExternType::Tag(t))).unwrap_or_default(),
        };
        let _ = writeln!(o, "  {}: {ty}", e.name);
    }
    let _ = writeln!(o, "memories ({}):", info.memories.len());
    for (k, m) in info.memories.iter().enumerate() {
        let imp = if (k as u32) < info.num_imported_memories { " (imported)" } else { "" };
        let _ = writeln!(o, "  {k}: {}{imp}", memory(m));
    }
    let _ = writeln!(o, "tables ({}):", info.tables.len());
    for (k, t) in info.tables.iter().enumerate() {
        let imp = if (k as u32) < info.num_imported_tables { " (imported)" } else { "" };
        let _ = writeln!(o, "  {k}: {}{imp}", table(t));
    }
    let _ = writeln!(o, "globals ({}):", info.globals.len());
    for (k, g) in info.globals.iter().enumerate() {
        let imp = if (k as u32) < info.num_imported_globals { " (imported)" } else { "" };
        let _ = writeln!(o, "  {k}: {}{imp}", global(g));
    }
    let mut customs = Vec::new();
    let mut bodies = Vec::new();
    for p in wasmparser::Parser::new(0).parse_all(wasm) {
        match p.map_err(|e| e.to_string())? {
            wasmparser::Payload::CustomSection(c) => customs.push((c.name().to_string(), c.data().len())),
            wasmparser::Payload::CodeSectionEntry(b) => { let r = b.range(); bodies.push((r.end - r.start) as usize) },
            _ => {}
        }
    }
    let _ = writeln!(o, "custom sections ({}):", customs.len());
    for (n, len) in &customs {
        let _ = writeln!(o, "  {n}: {len} bytes");
    }
    let total: usize = bodies.iter().sum();
    let _ = writeln!(o, "functions ({} defined, {total} bytes of code):", bodies.len());
    for (k, len) in bodies.iter().enumerate() {
        let index = info.num_imported_funcs + k as u32;
        let name = info.func_name(index).map(|n| format!(" `{n}`")).unwrap_or_default();
        let ty = info.func_type(index).map(|t| t.to_string()).unwrap_or_default();
        let _ = writeln!(o, "  #{index}{name}: {len} bytes {ty}");
    }
    Ok(o)
}
