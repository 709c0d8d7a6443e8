//! `include_wasm!` hands the runtime its module's `ModuleInfo` as static data (no decoder in
//! the binary). The runtime checks it against the descriptor's fingerprint, which only ties
//! the two together: this checks that the static data rebuilds exactly the `ModuleInfo` the
//! build-time parser produced, for modules using every part of it (types, imports of every
//! kind, tables with initialisers, memories of both widths and custom page sizes, shared
//! memory, globals, element and data segments of every mode, tags, names, exports).

use wasmlite_abi::parse::{parse_module_with_features, supported_features};
use wasmlite_rt::{InstantiationError, Module};

fn parsed(path: &str) -> wasmlite_abi::ModuleInfo {
    let file = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let wasm = wat::parse_file(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    parse_module_with_features(&wasm, supported_features()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A binding's `module()`.
type ModuleFn = fn() -> Result<Module, InstantiationError>;

#[test]
fn static_module_info_is_the_parsed_one() {
    use wasmlite_tests::*;
    let modules: [(&str, ModuleFn); 15] = [
        ("wasm/numeric.wat", numeric::module),
        ("wasm/control.wat", control::module),
        ("wasm/memory.wat", memory::module),
        ("wasm/tables.wat", tables::module),
        ("wasm/traps.wat", traps::module),
        ("wasm/globals.wat", globals::module),
        ("wasm/host.wat", host::module),
        ("wasm/simd.wat", simd::module),
        ("wasm/faults.wat", faults::module),
        ("wasm/tail.wat", tail::module),
        ("wasm/funcref.wat", funcref::module),
        ("wasm/memory64.wat", memory64::module),
        ("wasm/exceptions.wat", exceptions::module),
        ("wasm/imports.wat", imports::module),
        ("wasm/shared_imports.wat", shared_imports::module),
    ];
    let mut seen = (0, 0, 0, 0, 0);
    for (path, module) in modules {
        let m = module().unwrap_or_else(|e| panic!("{path}: {e}"));
        let want = parsed(path);
        assert_eq!(m.info(), &want, "{path}");
        seen.0 += want.elems.len();
        seen.1 += want.datas.len();
        seen.2 += want.imports.len();
        seen.3 += want.tags.len() + want.table_inits.len();
        seen.4 += want.func_names.len();
    }
    // The modules do exercise the nested parts.
    assert!(seen.0 > 0 && seen.1 > 0 && seen.2 > 0 && seen.3 > 0 && seen.4 > 0, "{seen:?}");
}
