//! The spec testsuite's `spectest` host module, shared by the REPL and the spec runner.

use std::collections::HashMap;

use wasmlite_rt::abi::{FuncType, GlobalType, MemoryType, TableType};
use wasmlite_rt::{Extern, Func, Val, ValType};

/// The exports of the spec testsuite's `spectest` host module: `print*` functions (no-ops),
/// `global_i32/i64/f32/f64` (666), `table` and `table64` (10..20 funcrefs), `memory` (1..2
/// pages) and `shared_memory` (1..2 pages, shared).
pub fn exports() -> Result<HashMap<String, Extern>, String> {
    let mut m = HashMap::new();
    let print = |params: Vec<ValType>| {
        Extern::Func(Func::new(FuncType { params: params.into(), results: vec![].into() }, |_caller, _args, _results| Ok(())))
    };
    m.insert("print".to_string(), print(vec![]));
    m.insert("print_i32".to_string(), print(vec![ValType::I32]));
    m.insert("print_i64".to_string(), print(vec![ValType::I64]));
    m.insert("print_f32".to_string(), print(vec![ValType::F32]));
    m.insert("print_f64".to_string(), print(vec![ValType::F64]));
    m.insert("print_i32_f32".to_string(), print(vec![ValType::I32, ValType::F32]));
    m.insert("print_f64_f64".to_string(), print(vec![ValType::F64, ValType::F64]));
    let global = |ty: ValType, v: Val| -> Result<Extern, String> {
        let g = wasmlite_rt::Global::new(GlobalType { ty, mutable: false }, v).map_err(|e| e.to_string())?;
        Ok(Extern::Global(wasmlite_rt::SharedGlobal::new(g)))
    };
    m.insert("global_i32".to_string(), global(ValType::I32, Val::I32(666))?);
    m.insert("global_i64".to_string(), global(ValType::I64, Val::I64(666))?);
    m.insert("global_f32".to_string(), global(ValType::F32, Val::F32(666.6f32.to_bits()))?);
    m.insert("global_f64".to_string(), global(ValType::F64, Val::F64(666.6f64.to_bits()))?);
    let table = wasmlite_rt::Table::new(TableType { elem: ValType::FuncRef, min: 10, max: Some(20), table64: false }, Val::FuncRef(None))
        .map_err(|e| e.to_string())?;
    m.insert("table".to_string(), Extern::Table(wasmlite_rt::SharedTable::new(table)));
    let table64 = wasmlite_rt::Table::new(TableType { elem: ValType::FuncRef, min: 10, max: Some(20), table64: true }, Val::FuncRef(None))
        .map_err(|e| e.to_string())?;
    m.insert("table64".to_string(), Extern::Table(wasmlite_rt::SharedTable::new(table64)));
    let memory = wasmlite_rt::Memory::new(MemoryType { min: 1, max: Some(2), memory64: false, shared: false, page_size_log2: 16 })
        .map_err(|e| e.to_string())?;
    m.insert("memory".to_string(), Extern::Memory(wasmlite_rt::SharedMemory::new(memory)));
    let shared = wasmlite_rt::Memory::new(MemoryType { shared: true, ..MemoryType::new(1, Some(2), false) })
        .map_err(|e| e.to_string())?;
    m.insert("shared_memory".to_string(), Extern::Memory(wasmlite_rt::SharedMemory::new(shared)));
    Ok(m)
}
