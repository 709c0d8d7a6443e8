//! Values: [`Val`], [`FuncRef`], [`ExternRef`] and the typed-value traits.

use alloc::vec::Vec;
use core::ffi::c_void;
use core::ptr::NonNull;

use crate::abi::{ValRaw, ValType, VMFuncRef};

/// An opaque, non-null host reference (`externref`). Its raw form (in [`ValRaw::ptr`] and in
/// externref tables) is `(id + 1) as *mut c_void`, so null stays `ref.null extern`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef(usize);

impl ExternRef {
    /// A reference carrying the host-chosen `id` (`usize::MAX` is reserved and wraps to null's
    /// neighbour; avoid it).
    pub fn new(id: usize) -> ExternRef {
        ExternRef(id)
    }
    /// The id given to [`ExternRef::new`].
    pub fn id(&self) -> usize {
        self.0
    }
    /// Raw form.
    pub fn to_raw(&self) -> *mut c_void {
        self.0.wrapping_add(1) as *mut c_void
    }
    /// From the raw form (`None` for null).
    pub fn from_raw(p: *mut c_void) -> Option<ExternRef> {
        if p.is_null() {
            None
        } else {
            Some(ExternRef((p as usize).wrapping_sub(1)))
        }
    }
}

/// A non-null function reference: the address of a [`VMFuncRef`] (compared by address).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FuncRef(NonNull<VMFuncRef>);

impl FuncRef {
    /// From a raw pointer (`None` for null).
    pub fn from_raw(p: *mut c_void) -> Option<FuncRef> {
        NonNull::new(p as *mut VMFuncRef).map(FuncRef)
    }
    /// The raw pointer.
    pub fn as_ptr(&self) -> *const VMFuncRef {
        self.0.as_ptr()
    }
    /// Raw form as stored in tables and `ValRaw::ptr`.
    pub fn to_raw(&self) -> *mut c_void {
        self.0.as_ptr() as *mut c_void
    }
}

/// A wasm value. Floats are kept as bit patterns so NaN payloads survive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    /// i32
    I32(i32),
    /// i64
    I64(i64),
    /// f32 bit pattern
    F32(u32),
    /// f64 bit pattern
    F64(u64),
    /// v128
    V128(u128),
    /// funcref (None = null)
    FuncRef(Option<FuncRef>),
    /// externref (None = null)
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The array-ABI slot for this value.
    pub fn to_raw(&self) -> ValRaw {
        match *self {
            Val::I32(v) => ValRaw::i32(v),
            Val::I64(v) => ValRaw::i64(v),
            Val::F32(v) => ValRaw::f32(v),
            Val::F64(v) => ValRaw::f64(v),
            Val::V128(v) => ValRaw::v128(v),
            Val::FuncRef(f) => ValRaw::ptr(f.map_or(core::ptr::null_mut(), |f| f.to_raw())),
            Val::ExternRef(e) => ValRaw::ptr(e.map_or(core::ptr::null_mut(), |e| e.to_raw())),
        }
    }

    /// Decode a slot of type `ty`.
    ///
    /// # Safety
    /// For `FuncRef`, a non-null pointer in the slot must point to a live [`VMFuncRef`].
    pub unsafe fn from_raw(raw: ValRaw, ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw.get_i32()),
            ValType::I64 => Val::I64(raw.get_i64()),
            ValType::F32 => Val::F32(raw.get_f32()),
            ValType::F64 => Val::F64(raw.get_f64()),
            ValType::V128 => Val::V128(raw.get_v128()),
            ValType::FuncRef => Val::FuncRef(FuncRef::from_raw(raw.get_ptr())),
            ValType::ExternRef => Val::ExternRef(ExternRef::from_raw(raw.get_ptr())),
        }
    }

    /// The default (zero / null) value of a type.
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
        }
    }

    /// The i32, if this is one.
    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self { Some(*v) } else { None }
    }
    /// The i64, if this is one.
    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self { Some(*v) } else { None }
    }
    /// The f32, if this is one.
    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = self { Some(f32::from_bits(*v)) } else { None }
    }
    /// The f64, if this is one.
    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = self { Some(f64::from_bits(*v)) } else { None }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that maps to one wasm value type (i32, i64, f32, f64, u128 = v128,
/// `Option<FuncRef>`, `Option<ExternRef>`).
pub trait WasmTy: sealed::Sealed + Sized + 'static {
    /// The wasm type.
    fn valtype() -> ValType;
    /// Encode into a slot.
    fn into_raw(self) -> ValRaw;
    /// Decode from a slot of this type.
    fn from_raw(raw: ValRaw) -> Self;
}

macro_rules! wasm_ty {
    ($t:ty, $vt:ident, |$s:ident| $into:expr, |$r:ident| $from:expr) => {
        impl sealed::Sealed for $t {}
        impl WasmTy for $t {
            fn valtype() -> ValType {
                ValType::$vt
            }
            fn into_raw(self) -> ValRaw {
                let $s = self;
                $into
            }
            fn from_raw($r: ValRaw) -> Self {
                $from
            }
        }
    };
}

wasm_ty!(i32, I32, |s| ValRaw::i32(s), |r| r.get_i32());
wasm_ty!(u32, I32, |s| ValRaw::i32(s as i32), |r| r.get_i32() as u32);
wasm_ty!(i64, I64, |s| ValRaw::i64(s), |r| r.get_i64());
wasm_ty!(u64, I64, |s| ValRaw::i64(s as i64), |r| r.get_i64() as u64);
wasm_ty!(f32, F32, |s| ValRaw::f32(s.to_bits()), |r| f32::from_bits(r.get_f32()));
wasm_ty!(f64, F64, |s| ValRaw::f64(s.to_bits()), |r| f64::from_bits(r.get_f64()));
wasm_ty!(u128, V128, |s| ValRaw::v128(s), |r| r.get_v128());
wasm_ty!(
    Option<FuncRef>,
    FuncRef,
    |s| ValRaw::ptr(s.map_or(core::ptr::null_mut(), |f| f.to_raw())),
    |r| FuncRef::from_raw(r.get_ptr())
);
wasm_ty!(
    Option<ExternRef>,
    ExternRef,
    |s| ValRaw::ptr(s.map_or(core::ptr::null_mut(), |e| e.to_raw())),
    |r| ExternRef::from_raw(r.get_ptr())
);

/// A parameter list: `()`, a single [`WasmTy`], or a tuple of up to 8.
pub trait WasmParams: Sized + 'static {
    /// The wasm types.
    fn types() -> Vec<ValType>;
    /// Whether `types` equals [`WasmParams::types`] (checked on every typed call, without
    /// allocating).
    fn matches(types: &[ValType]) -> bool;
    /// Write into `slots` (at least `types().len()` long).
    fn store(self, slots: &mut [ValRaw]);
    /// Read from `slots` (at least `types().len()` long).
    fn load(slots: &[ValRaw]) -> Self;
}

/// A result list: `()`, a single [`WasmTy`], or a tuple of up to 8.
pub trait WasmResults: WasmParams {}
impl<T: WasmParams> WasmResults for T {}

impl<T: WasmTy> WasmParams for T {
    fn types() -> Vec<ValType> {
        alloc::vec![T::valtype()]
    }
    fn matches(types: &[ValType]) -> bool {
        types == [T::valtype()]
    }
    fn store(self, slots: &mut [ValRaw]) {
        slots[0] = self.into_raw();
    }
    fn load(slots: &[ValRaw]) -> Self {
        T::from_raw(slots[0])
    }
}

macro_rules! tuple_params {
    ($($t:ident $i:tt),*) => {
        impl<$($t: WasmTy),*> WasmParams for ($($t,)*) {
            fn types() -> Vec<ValType> {
                alloc::vec![$($t::valtype()),*]
            }
            fn matches(types: &[ValType]) -> bool {
                types == [$($t::valtype()),*]
            }
            #[allow(unused_variables)]
            fn store(self, slots: &mut [ValRaw]) {
                $(slots[$i] = self.$i.into_raw();)*
            }
            #[allow(unused_variables, clippy::unused_unit)]
            fn load(slots: &[ValRaw]) -> Self {
                ($($t::from_raw(slots[$i]),)*)
            }
        }
    };
}

tuple_params!();
tuple_params!(A 0);
tuple_params!(A 0, B 1);
tuple_params!(A 0, B 1, C 2);
tuple_params!(A 0, B 1, C 2, D 3);
tuple_params!(A 0, B 1, C 2, D 3, E 4);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_roundtrip() {
        let vals = [
            Val::I32(-5),
            Val::I64(i64::MIN),
            Val::F32(0x7fc0_0001),
            Val::F64(0xfff8_0000_0000_0001),
            Val::V128(u128::MAX - 7),
            Val::FuncRef(None),
            Val::ExternRef(None),
            Val::ExternRef(Some(ExternRef::new(0))),
            Val::ExternRef(Some(ExternRef::new(42))),
        ];
        for v in vals {
            // SAFETY: no non-null funcrefs.
            let back = unsafe { Val::from_raw(v.to_raw(), v.ty()) };
            assert_eq!(back, v);
        }
        assert_eq!(Val::ExternRef(Some(ExternRef::new(0))).to_raw().get_ptr() as usize, 1);
        let f = VMFuncRef {
            native: core::ptr::null(),
            vmctx: core::ptr::null_mut(),
            array: None,
            array_ctx: core::ptr::null_mut(),
            type_id: 1,
        };
        let p = &f as *const VMFuncRef as *mut c_void;
        // SAFETY: p points to a live VMFuncRef.
        let v = unsafe { Val::from_raw(ValRaw::ptr(p), ValType::FuncRef) };
        assert_eq!(v, Val::FuncRef(FuncRef::from_raw(p)));
        assert_eq!(v.to_raw().get_ptr(), p);
    }

    #[test]
    fn typed_tuples() {
        assert_eq!(<(i32, f64, u128)>::types(), alloc::vec![ValType::I32, ValType::F64, ValType::V128]);
        assert!(<()>::types().is_empty());
        let mut slots = [ValRaw::default(); 3];
        (7i32, 1.5f64, 9u128).store(&mut slots);
        assert_eq!(<(i32, f64, u128)>::load(&slots), (7, 1.5, 9));
        assert_eq!(Val::default_for(ValType::F64), Val::F64(0));
    }
}
