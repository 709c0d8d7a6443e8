//! The process-wide registry of canonical function-type ids.
//!
//! `call_indirect` compares `VMFuncRef::type_id` with `type_ids[t]` of the caller's VMContext
//! (see `wasmlite_abi::layout`). Both are ids handed out here: equal ids exactly when the
//! function types are equal, 0 never valid. Ids are never freed (one entry per distinct type
//! seen by the process). Works without `std` (a spin lock guards the map).

use crate::sorted::SortedMap;
use alloc::vec::Vec;

use crate::abi::{FuncType, ValType};

/// A canonical function-type id (never 0).
pub(crate) type TypeId = u64;

struct Registry {
    ids: SortedMap<Vec<u8>, TypeId>,
    next: TypeId,
}

static REGISTRY: spin::Mutex<Registry> = spin::Mutex::new(Registry { ids: SortedMap::new(), next: 1 });

/// Append the encoding of `t` to `k`. A concrete heap type is encoded by the canonical id of
/// the referenced type (`done`: ids of the module's earlier types) or, for a reference to
/// the type being defined itself, by a "self" marker (iso-recursive equality for the
/// singleton recursion groups of the function-references proposal).
fn push_code(k: &mut Vec<u8>, t: ValType, this: u32, done: &[TypeId]) {
    use crate::abi::HeapType;
    let c = match t {
        ValType::I32 => 0,
        ValType::I64 => 1,
        ValType::F32 => 2,
        ValType::F64 => 3,
        ValType::V128 => 4,
        ValType::FuncRef => 5,
        ValType::ExternRef => 6,
        ValType::Ref(r) => {
            k.push(7 + u8::from(r.nullable));
            match r.heap {
                HeapType::Func => k.push(0),
                HeapType::Extern => k.push(1),
                HeapType::NoFunc => k.push(2),
                HeapType::NoExtern => k.push(3),
                HeapType::Exn => k.push(6),
                HeapType::NoExn => k.push(7),
                HeapType::Concrete(i) if i == this => k.push(4),
                HeapType::Concrete(i) => {
                    k.push(5);
                    // Validation only admits earlier types here; an index out of range is
                    // encoded as itself (injective, never equal to a canonical id encoding).
                    let id = done.get(i as usize).copied().map_or(u64::MAX - u64::from(i), |id| id);
                    k.extend_from_slice(&id.to_le_bytes());
                }
            }
            return;
        }
    };
    k.push(c);
}

/// An exact, injective encoding of a function type: parameter count, then each type.
fn key(ty: &FuncType, this: u32, done: &[TypeId]) -> Vec<u8> {
    let mut k = Vec::with_capacity(8 + ty.params.len() + ty.results.len());
    k.extend_from_slice(&(ty.params.len() as u64).to_le_bytes());
    for t in ty.params.iter().chain(ty.results.iter()) {
        push_code(&mut k, *t, this, done);
    }
    k
}

fn intern_key(k: Vec<u8>) -> TypeId {
    let mut r = REGISTRY.lock();
    if let Some(&id) = r.ids.get(k.as_slice()) {
        return id;
    }
    let id = r.next;
    r.next += 1;
    r.ids.insert(k, id);
    id
}

/// The canonical id of `ty`, a type without concrete type references (interned on first use).
pub(crate) fn intern(ty: &FuncType) -> TypeId {
    intern_key(key(ty, u32::MAX, &[]))
}

/// The canonical ids of a module's types, in order (concrete type references resolved).
pub(crate) fn intern_module(types: &[FuncType]) -> Vec<TypeId> {
    let mut ids = Vec::with_capacity(types.len());
    for (i, ty) in types.iter().enumerate() {
        let id = intern_key(key(ty, i as u32, &ids));
        ids.push(id);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn ft(p: &[ValType], r: &[ValType]) -> FuncType {
        FuncType { params: p.to_vec().into(), results: r.to_vec().into() }
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
        let mut seen = alloc::collections::BTreeMap::new();
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

    #[test]
    fn concrete_references_compare_structurally_across_modules() {
        use crate::abi::{HeapType, RefType};
        use ValType::*;
        let r = |nullable, heap| Ref(RefType { nullable, heap });
        let bin = ft(&[I32, I32], &[I32]);
        let un = ft(&[I32], &[I32]);
        // Module A: [bin, (ref bin) -> ()]; module B: [un, bin, (ref bin) -> ()].
        let a = intern_module(&[bin.clone(), ft(&[r(false, HeapType::Concrete(0))], &[])]);
        let b = intern_module(&[un.clone(), bin.clone(), ft(&[r(false, HeapType::Concrete(1))], &[])]);
        assert_eq!(a[0], b[1]);
        assert_eq!(a[1], b[2], "same type referenced under different indices");
        // Referring to a different type, or nullable vs not, gives a different id.
        let c = intern_module(&[un, ft(&[r(false, HeapType::Concrete(0))], &[])]);
        assert_ne!(a[1], c[1]);
        let d = intern_module(&[bin, ft(&[r(true, HeapType::Concrete(0))], &[])]);
        assert_ne!(a[1], d[1]);
        // Self references: equal in both modules, different from abstract `(ref func)`.
        let s1 = intern_module(&[ft(&[r(false, HeapType::Concrete(0))], &[])]);
        let s2 = intern_module(&[ft(&[I64], &[]), ft(&[r(false, HeapType::Concrete(1))], &[])]);
        assert_eq!(s1[0], s2[1]);
        assert_ne!(s1[0], intern(&ft(&[r(false, HeapType::Func)], &[])));
    }
}
