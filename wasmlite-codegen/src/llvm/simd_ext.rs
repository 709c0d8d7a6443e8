//! Vector helpers used by the SIMD translator (`translate/simd.rs`): constant shuffle masks,
//! splats and vector type queries. Kept apart from the core wrapper in `mod.rs`.

use llvm_sys::core::*;

use std::ffi::CStr;

use super::{Builder, Context, Module, Type, Value};

impl Context {
    /// A constant `<n x i32>` shuffle mask; `None` entries are `poison` (don't care).
    pub fn shuffle_mask<'c>(&'c self, idx: &[Option<u32>]) -> Value<'c> {
        let i32t = self.i32();
        let elems: Vec<Value<'c>> = idx
            .iter()
            .map(|i| match i {
                Some(i) => self.const_int(i32t, *i as u64),
                None => self.poison(i32t),
            })
            .collect();
        self.const_vector(&elems)
    }

    /// A constant `<n x i32>` shuffle mask from indices (all defined).
    pub fn mask<'c>(&'c self, idx: impl IntoIterator<Item = u32>) -> Value<'c> {
        let v: Vec<Option<u32>> = idx.into_iter().map(Some).collect();
        self.shuffle_mask(&v)
    }

    /// A constant vector with `n` copies of the constant `elem`.
    pub fn const_splat<'c>(&'c self, elem: Value<'c>, n: u32) -> Value<'c> {
        let elems = vec![elem; n as usize];
        self.const_vector(&elems)
    }
}

impl<'ctx> Type<'ctx> {
    /// Number of elements of a vector type (0 for non-vectors).
    pub fn vector_len(self) -> u32 {
        // SAFETY: valid type; the size is only queried for vector types.
        unsafe {
            if LLVMGetTypeKind(self.raw) == llvm_sys::LLVMTypeKind::LLVMVectorTypeKind {
                LLVMGetVectorSize(self.raw)
            } else {
                0
            }
        }
    }

    /// Element type of a vector type (the type itself for non-vectors).
    pub fn vector_elem(self) -> Type<'ctx> {
        // SAFETY: valid type; the element type is only queried for vector types.
        unsafe {
            if LLVMGetTypeKind(self.raw) == llvm_sys::LLVMTypeKind::LLVMVectorTypeKind {
                Type {
                    raw: LLVMGetElementType(self.raw),
                    _p: std::marker::PhantomData,
                }
            } else {
                self
            }
        }
    }
}

impl<'ctx> Module<'ctx> {
    /// The module's target triple (empty if none was set).
    pub fn simd_target_triple(&self) -> String {
        // SAFETY: valid module; LLVM returns a NUL-terminated string owned by the module,
        // copied before returning.
        unsafe {
            let t = LLVMGetTarget(self.raw);
            if t.is_null() {
                String::new()
            } else {
                CStr::from_ptr(t).to_string_lossy().into_owned()
            }
        }
    }
}

impl<'ctx> Builder<'ctx> {
    /// `<n x T>` with every lane equal to the scalar `v` (insertelement + zero-mask shuffle).
    pub fn splat(&self, v: Value<'ctx>, n: u32) -> Value<'ctx> {
        let ctx = self.ctx();
        let vty = ctx.vector(v.ty(), n);
        let first = self.insert_element(ctx.poison(vty), v, ctx.i32_const(0));
        self.shuffle(first, ctx.poison(vty), ctx.mask((0..n).map(|_| 0)))
    }

    /// Shuffle of a single vector (`b` = poison).
    pub fn shuffle1(&self, a: Value<'ctx>, idx: impl IntoIterator<Item = u32>) -> Value<'ctx> {
        let ctx = self.ctx();
        self.shuffle(a, ctx.poison(a.ty()), ctx.mask(idx))
    }
}
