//! The process-wide registry of canonical function-type ids.
//!
//! `call_indirect` compares `VMFuncRef::type_id` with `type_ids[t]` of the caller's VMContext
//! (see `wasmlite_abi::layout`). Both are ids handed out here: equal ids exactly when the
//! function types are equal, 0 never valid. Ids are never freed (one entry per distinct type
//! seen by the process). Works without `std` (a spin lock guards the map).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::abi::{FuncType, ValType};

/// A canonical function-type id (never 0).
pub(crate) type TypeId = u64;

struct Registry {
    ids: BTreeMap<Vec<u8>, TypeId>,
    next: TypeId,
}

static REGISTRY: spin::Mutex<Registry> = spin::Mutex::new(Registry { ids: BTreeMap::new(), next: 1 });

fn code(t: ValType) -> u8 {
    match t {
        ValType::I32 => 0,
        ValType::I64 => 1,
        ValType::F32 => 2,
        ValType::F64 => 3,
        ValType::V128 => 4,
        ValType::FuncRef => 5,
        ValType::ExternRef => 6,
    }
}

/// An exact, injective encoding of a function type: parameter count, then one code per type.
fn key(ty: &FuncType) -> Vec<u8> {
    let mut k = Vec::with_capacity(8 + ty.params.len() + ty.results.len());
    k.extend_from_slice(&(ty.params.len() as u64).to_le_bytes());
    k.extend(ty.params.iter().map(|t| code(*t)));
    k.extend(ty.results.iter().map(|t| code(*t)));
    k
}

/// The canonical id of `ty` (interned on first use).
pub(crate) fn intern(ty: &FuncType) -> TypeId {
    let k = key(ty);
    let mut r = REGISTRY.lock();
    if let Some(&id) = r.ids.get(&k) {
        return id;
    }
    let id = r.next;
    r.next += 1;
    r.ids.insert(k, id);
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn ft(p: &[ValType], r: &[ValType]) -> FuncType {
        FuncType { params: p.to_vec(), results: r.to_vec() }
    }

    #[test]
    fn equal_ids_iff_equal_types() {
        use ValType::*;
        let all = [I32, I64, F32, F64, V128, FuncRef, ExternRef];
        // Every type with up to 2 params and up to 2 results over all value types, plus
        // pairs that differ only in where the param/result boundary is.
        let mut lists: Vec<Vec<ValType>> = vec![vec![]];
        for a in all {
            lists.push(vec![a]);
            for b in all {
                lists.push(vec![a, b]);
            }
        }
        let mut types = Vec::new();
        for p in &lists {
            for r in &lists {
                types.push(ft(p, r));
            }
        }
        let ids: Vec<TypeId> = types.iter().map(intern).collect();
        assert!(ids.iter().all(|&i| i != 0));
        let mut seen = BTreeMap::new();
        for (t, &id) in types.iter().zip(&ids) {
            if let Some(prev) = seen.insert(id, t) {
                panic!("types {prev} and {t} share id {id}");
            }
        }
        assert_eq!(seen.len(), types.len());
        // Interning again (or an equal clone) gives the same id.
        for (t, &id) in types.iter().zip(&ids) {
            assert_eq!(intern(&t.clone()), id);
        }
        assert_ne!(intern(&ft(&[I32], &[])), intern(&ft(&[], &[I32])));
    }
}
