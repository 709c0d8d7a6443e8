//! Values: [`Val`], [`FuncRef`], [`ExternRef`] and the typed-value traits.

use alloc::vec::Vec;
use core::ffi::c_void;
use core::ptr::NonNull;

use crate::abi::{ValRaw, ValType, VMFuncRef};
use crate::trap::Trap;

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
    pub(crate) fn from_raw(p: *mut c_void) -> Option<ExternRef> {
        if p.is_null() {
            None
        } else {
            Some(ExternRef((p as usize).wrapping_sub(1)))
        }
    }
}

/// A non-null function reference: the address of a [`VMFuncRef`] of one store's instance
/// (compared by address and store). It can only be passed to wasm code, tables and globals of
/// the store it came from; elsewhere it is rejected with a [`crate::TrapKind::Host`] trap or an
/// [`crate::InstantiationError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FuncRef {
    ptr: NonNull<VMFuncRef>,
    store: u64,
}

impl FuncRef {
    /// From a raw pointer (`None` for null).
    ///
    /// # Safety
    /// `p` must be null or point to a [`VMFuncRef`] of an instance of `store` (a slot of one of
    /// its VMContexts, e.g. read from one of its tables): generated code calls through it.
    pub unsafe fn from_raw(p: *mut c_void, store: &crate::Store) -> Option<FuncRef> {
        // SAFETY: per the contract.
        unsafe { Self::from_raw_in(p, store.id()) }
    }

    /// # Safety
    /// `p` null or a live `VMFuncRef` belonging to store `store`.
    pub(crate) unsafe fn from_raw_in(p: *mut c_void, store: u64) -> Option<FuncRef> {
        NonNull::new(p as *mut VMFuncRef).map(|ptr| FuncRef { ptr, store })
    }
    /// The raw pointer.
    pub fn as_ptr(&self) -> *const VMFuncRef {
        self.ptr.as_ptr()
    }
    /// Raw form as stored in tables and `ValRaw::ptr`.
    pub fn to_raw(&self) -> *mut c_void {
        self.ptr.as_ptr() as *mut c_void
    }
    pub(crate) fn store(&self) -> u64 {
        self.store
    }
}

/// A funcref of another store: error.
pub(crate) fn check_funcref_store(f: Option<FuncRef>, store: u64) -> Result<(), Trap> {
    match f {
        Some(f) if f.store != store => Err(Trap::host("a function reference of a different store was passed to this store")),
        _ => Ok(()),
    }
}

/// A wasm value. Floats are kept as bit patterns so NaN payloads survive.
#[derive(Clone, Copy, PartialEq)]
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
    /// exnref (None = null; exception handling)
    ExnRef(Option<crate::exceptions::ExnRef>),
}

/// As derived, but a `v128` is shown in hex (its lanes are easier to read, and `u128`'s
/// decimal formatting is not linked for it).
impl core::fmt::Debug for Val {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Val::I32(x) => f.debug_tuple("I32").field(x).finish(),
            Val::I64(x) => f.debug_tuple("I64").field(x).finish(),
            Val::F32(x) => f.debug_tuple("F32").field(x).finish(),
            Val::F64(x) => f.debug_tuple("F64").field(x).finish(),
            Val::V128(x) => write!(f, "V128({:#018x}{:016x})", (x >> 64) as u64, *x as u64),
            Val::FuncRef(x) => f.debug_tuple("FuncRef").field(x).finish(),
            Val::ExternRef(x) => f.debug_tuple("ExternRef").field(x).finish(),
            Val::ExnRef(x) => f.debug_tuple("ExnRef").field(x).finish(),
        }
    }
}

impl Val {
    /// Whether the value has type `ty`. References: the representation (funcref/externref)
    /// and nullability are checked here; the concrete function type of a typed function
    /// reference is checked where it is called (`call_ref` compares canonical type ids).
    pub fn matches(&self, ty: ValType) -> bool {
        use crate::abi::HeapType;
        if self.ty() != ty.repr() {
            return false;
        }
        let is_null = matches!(self, Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None));
        match ty {
            ValType::Ref(r) => {
                is_null && r.nullable
                    || !is_null && !matches!(r.heap, HeapType::NoFunc | HeapType::NoExtern | HeapType::NoExn)
            }
            _ => true,
        }
    }

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
            Val::ExnRef(_) => ValType::EXNREF,
        }
    }

    /// The array-ABI slot for this value.
    #[inline]
    pub fn to_raw(&self) -> ValRaw {
        match *self {
            Val::I32(v) => ValRaw::i32(v),
            Val::I64(v) => ValRaw::i64(v),
            Val::F32(v) => ValRaw::f32(v),
            Val::F64(v) => ValRaw::f64(v),
            Val::V128(v) => ValRaw::v128(v),
            Val::FuncRef(f) => ValRaw::ptr(f.map_or(core::ptr::null_mut(), |f| f.to_raw())),
            Val::ExternRef(e) => ValRaw::ptr(e.map_or(core::ptr::null_mut(), |e| e.to_raw())),
            Val::ExnRef(e) => ValRaw::ptr(e.map_or(core::ptr::null_mut(), |e| e.to_raw())),
        }
    }

    /// Decode a slot of type `ty` holding a value of store `store`.
    ///
    /// # Safety
    /// For `FuncRef`, a non-null pointer in the slot must point to a live [`VMFuncRef`] of
    /// store `store`.
    pub(crate) unsafe fn from_raw(raw: ValRaw, ty: ValType, store: u64) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw.get_i32()),
            ValType::I64 => Val::I64(raw.get_i64()),
            ValType::F32 => Val::F32(raw.get_f32()),
            ValType::F64 => Val::F64(raw.get_f64()),
            ValType::V128 => Val::V128(raw.get_v128()),
            // SAFETY: per the contract.
            ValType::FuncRef => Val::FuncRef(unsafe { FuncRef::from_raw_in(raw.get_ptr(), store) }),
            ValType::ExternRef => Val::ExternRef(ExternRef::from_raw(raw.get_ptr())),
            ValType::Ref(_) if ty.repr() == ValType::FuncRef => {
                // SAFETY: per the contract (a typed function reference is a funcref).
                Val::FuncRef(unsafe { FuncRef::from_raw_in(raw.get_ptr(), store) })
            }
            ValType::Ref(_) if ty.repr() == ValType::EXNREF => {
                Val::ExnRef(crate::exceptions::ExnRef::from_raw_in(raw.get_ptr(), store))
            }
            ValType::Ref(_) => Val::ExternRef(ExternRef::from_raw(raw.get_ptr())),
        }
    }

    /// A funcref of a store other than `store` is an error.
    pub(crate) fn check_store(&self, store: u64) -> Result<(), Trap> {
        match self {
            Val::FuncRef(f) => check_funcref_store(*f, store),
            Val::ExnRef(Some(e)) if e.store() != store => {
                Err(Trap::host("an exception reference of a different store was passed to this store"))
            }
            _ => Ok(()),
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
            ValType::Ref(_) if ty.repr() == ValType::FuncRef => Val::FuncRef(None),
            ValType::Ref(_) if ty.repr() == ValType::EXNREF => Val::ExnRef(None),
            ValType::Ref(_) => Val::ExternRef(None),
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
    /// As a [`Val`].
    fn into_val(self) -> Val;
    /// From a [`Val`] of this type (`None` for another type).
    fn from_val(v: Val) -> Option<Self>;
    /// Encode into a slot for wasm code of store `store` (a funcref of another store is an
    /// error).
    fn into_raw(self, store: u64) -> Result<ValRaw, Trap>;
    /// Decode from a slot of this type.
    ///
    /// # Safety
    /// The slot must hold a value of this type; a non-null funcref must point to a live
    /// [`VMFuncRef`] of store `store`.
    unsafe fn from_raw(raw: ValRaw, store: u64) -> Self;
    /// Whether a value of this type travels in one 64-bit register of the register calling
    /// convention of typed host functions (`abi::HostRegFn`): i32, i64, f32, f64.
    #[doc(hidden)]
    const REG: bool = false;
    /// The register bits ([`WasmTy::REG`] types only): an i32 or f32 zero-extended.
    #[doc(hidden)]
    #[inline]
    fn to_reg(self) -> u64 {
        unreachable!("not a register type")
    }
    /// From register bits ([`WasmTy::REG`] types only; an i32 or f32 reads the low 32 bits).
    #[doc(hidden)]
    #[inline]
    fn from_reg(bits: u64) -> Self {
        let _ = bits;
        unreachable!("not a register type")
    }
}

#[inline]
fn no_check<T>(_: &T, _: u64) -> Result<(), Trap> {
    Ok(())
}

#[inline]
fn check_ref(f: &Option<FuncRef>, store: u64) -> Result<(), Trap> {
    check_funcref_store(*f, store)
}

macro_rules! wasm_ty {
    ($t:ty, $vt:ident, |$s:ident| $into:expr, |$r:ident| $from:expr, |$v:ident| $fromval:expr, $check:ident) => {
        wasm_ty!($t, $vt, |$s| $into, |$r| $from, |$v| $fromval, |st| $check; );
    };
    // A register type: `$bits` is its unsigned integer of the same width (`to_bits`/`from_bits`
    // for floats, `as` for integers).
    ($t:ty, $vt:ident, |$s:ident| $into:expr, |$r:ident| $from:expr, |$v:ident| $fromval:expr, $check:ident, reg $bits:ty: |$rs:ident| $to_bits:expr, |$rb:ident| $from_bits:expr) => {
        wasm_ty!($t, $vt, |$s| $into, |$r| $from, |$v| $fromval, |st| $check;
            const REG: bool = true;
            #[inline]
            fn to_reg(self) -> u64 {
                let $rs = self;
                ($to_bits) as u64
            }
            #[inline]
            fn from_reg(bits: u64) -> Self {
                let $rb = bits as $bits;
                $from_bits
            }
        );
    };
    ($t:ty, $vt:ident, |$s:ident| $into:expr, |$r:ident| $from:expr, |$v:ident| $fromval:expr, |$st:ident| $check:ident; $($reg:tt)*) => {
        impl sealed::Sealed for $t {}
        impl WasmTy for $t {
            $($reg)*
            #[inline]
            fn valtype() -> ValType {
                ValType::$vt
            }
            #[inline]
            fn into_val(self) -> Val {
                let $s = self;
                Val::from($into)
            }
            #[inline]
            fn from_val($v: Val) -> Option<Self> {
                $fromval
            }
            #[inline]
            fn into_raw(self, $st: u64) -> Result<ValRaw, Trap> {
                let $s = self;
                $check(&$s, $st)?;
                Ok(Val::from($into).to_raw())
            }
            #[inline]
            #[allow(unused_unsafe)]
            unsafe fn from_raw($r: ValRaw, $st: u64) -> Self {
                let _ = $st;
                $from
            }
        }
    };
}

wasm_ty!(i32, I32, |s| s, |r| r.get_i32(), |v| v.i32(), no_check, reg u32: |s| s as u32, |b| b as i32);
wasm_ty!(u32, I32, |s| s as i32, |r| r.get_i32() as u32, |v| v.i32().map(|x| x as u32), no_check, reg u32: |s| s, |b| b);
wasm_ty!(i64, I64, |s| s, |r| r.get_i64(), |v| v.i64(), no_check, reg u64: |s| s, |b| b as i64);
wasm_ty!(u64, I64, |s| s as i64, |r| r.get_i64() as u64, |v| v.i64().map(|x| x as u64), no_check, reg u64: |s| s, |b| b);
wasm_ty!(f32, F32, |s| s, |r| f32::from_bits(r.get_f32()), |v| v.f32(), no_check, reg u32: |s| s.to_bits(), |b| f32::from_bits(b));
wasm_ty!(f64, F64, |s| s, |r| f64::from_bits(r.get_f64()), |v| v.f64(), no_check, reg u64: |s| s.to_bits(), |b| f64::from_bits(b));
wasm_ty!(u128, V128, |s| Val::V128(s), |r| r.get_v128(), |v| if let Val::V128(x) = v { Some(x) } else { None }, no_check);
wasm_ty!(
    Option<FuncRef>,
    FuncRef,
    |s| Val::FuncRef(s),
    // SAFETY: per the trait contract.
    |r| unsafe { FuncRef::from_raw_in(r.get_ptr(), st) },
    |v| if let Val::FuncRef(f) = v { Some(f) } else { None },
    |st| check_ref;
);
wasm_ty!(
    Option<ExternRef>,
    ExternRef,
    |s| Val::ExternRef(s),
    |r| ExternRef::from_raw(r.get_ptr()),
    |v| if let Val::ExternRef(e) = v { Some(e) } else { None },
    |st| no_check;
);

impl sealed::Sealed for Option<crate::exceptions::ExnRef> {}
impl WasmTy for Option<crate::exceptions::ExnRef> {
    fn valtype() -> ValType {
        ValType::EXNREF
    }
    fn into_val(self) -> Val {
        Val::ExnRef(self)
    }
    fn from_val(v: Val) -> Option<Self> {
        if let Val::ExnRef(e) = v { Some(e) } else { None }
    }
    fn into_raw(self, store: u64) -> Result<ValRaw, Trap> {
        let v = Val::ExnRef(self);
        v.check_store(store)?;
        Ok(v.to_raw())
    }
    unsafe fn from_raw(raw: ValRaw, store: u64) -> Self {
        crate::exceptions::ExnRef::from_raw_in(raw.get_ptr(), store)
    }
}

/// A parameter list: `()`, a single [`WasmTy`], or a tuple of up to 16 ([`MAX_TYPED_ARITY`]).
pub trait WasmParams: Sized + 'static {
    /// The wasm types.
    fn types() -> Vec<ValType>;
    /// Whether `types` equals [`WasmParams::types`] (checked on every typed call, without
    /// allocating).
    fn matches(types: &[ValType]) -> bool;
    /// Write into `slots` (at least `types().len()` long) for wasm code of store `store`; a
    /// funcref of another store is an error.
    fn store(self, slots: &mut [ValRaw], store: u64) -> Result<(), Trap>;
    /// Read from `slots` (at least `types().len()` long).
    ///
    /// # Safety
    /// The slots hold values of [`WasmParams::types`]; non-null funcrefs point to live
    /// [`VMFuncRef`]s of store `store`.
    unsafe fn load(slots: &[ValRaw], store: u64) -> Self;
    /// `types().len()` when known at compile time (typed host entries then need no run-time
    /// slot count).
    #[doc(hidden)]
    const ARITY: Option<usize> = None;
    /// Whether these can be the parameters of a register-convention host entry
    /// (`abi::HostRegFn`): at most `abi::HOST_REG_PARAMS` [`WasmTy::REG`] values.
    #[doc(hidden)]
    const REG_PARAMS: bool = false;
    /// Whether this can be the result of a register-convention host entry: `()` or one
    /// [`WasmTy::REG`] value.
    #[doc(hidden)]
    const REG_RESULT: bool = false;
    /// From the parameter registers ([`WasmParams::REG_PARAMS`] only).
    #[doc(hidden)]
    #[inline]
    fn from_regs(regs: [u64; crate::abi::HOST_REG_PARAMS]) -> Self {
        let _ = regs;
        unreachable!("not register parameters")
    }
    /// The result register ([`WasmParams::REG_RESULT`] only; 0 for `()`).
    #[doc(hidden)]
    #[inline]
    fn result_reg(self) -> u64 {
        unreachable!("not a register result")
    }
}

/// A result list: `()`, a single [`WasmTy`], or a tuple of up to 16 ([`MAX_TYPED_ARITY`]).
pub trait WasmResults: WasmParams {}
impl<T: WasmParams> WasmResults for T {}

impl<T: WasmTy> WasmParams for T {
    const ARITY: Option<usize> = Some(1);
    const REG_PARAMS: bool = T::REG;
    const REG_RESULT: bool = T::REG;
    #[inline]
    fn from_regs(regs: [u64; crate::abi::HOST_REG_PARAMS]) -> Self {
        T::from_reg(regs[0])
    }
    #[inline]
    fn result_reg(self) -> u64 {
        T::to_reg(self)
    }
    fn types() -> Vec<ValType> {
        alloc::vec![T::valtype()]
    }
    fn matches(types: &[ValType]) -> bool {
        types == [T::valtype()]
    }
    fn store(self, slots: &mut [ValRaw], store: u64) -> Result<(), Trap> {
        slots[0] = self.into_raw(store)?;
        Ok(())
    }
    unsafe fn load(slots: &[ValRaw], store: u64) -> Self {
        // SAFETY: per the contract.
        unsafe { T::from_raw(slots[0], store) }
    }
}

macro_rules! tuple_params {
    // At most `abi::HOST_REG_PARAMS` elements: register parameters if every element is.
    (reg $($t:ident $i:tt),*) => {
        tuple_params!($($t $i),*;
            const REG_PARAMS: bool = true $(&& $t::REG)*;
            #[inline]
            #[allow(unused_variables, clippy::unused_unit)]
            fn from_regs(regs: [u64; crate::abi::HOST_REG_PARAMS]) -> Self {
                ($($t::from_reg(regs[$i]),)*)
            }
            // `()` or a 1-tuple of a register type.
            const REG_RESULT: bool = (0 $(+ { let _ = $i; 1 })*) <= 1 $(&& $t::REG)*;
            #[inline]
            #[allow(unused_mut, unused_assignments)]
            fn result_reg(self) -> u64 {
                // Its one element, if any (called only with `REG_RESULT`).
                let mut bits = 0;
                $(bits = self.$i.to_reg();)*
                bits
            }
        );
    };
    ($($t:ident $i:tt),*; $($reg:tt)*) => {
        impl<$($t: WasmTy),*> WasmParams for ($($t,)*) {
            const ARITY: Option<usize> = Some(0 $(+ { let _ = $i; 1 })*);
            $($reg)*
            fn types() -> Vec<ValType> {
                alloc::vec![$($t::valtype()),*]
            }
            fn matches(types: &[ValType]) -> bool {
                types == [$($t::valtype()),*]
            }
            #[allow(unused_variables)]
            fn store(self, slots: &mut [ValRaw], store: u64) -> Result<(), Trap> {
                $(slots[$i] = self.$i.into_raw(store)?;)*
                Ok(())
            }
            #[allow(unused_variables, clippy::unused_unit, unused_unsafe)]
            unsafe fn load(slots: &[ValRaw], store: u64) -> Self {
                // SAFETY: per the contract.
                unsafe { ($($t::from_raw(slots[$i], store),)*) }
            }
        }
    };
}

tuple_params!(reg);
tuple_params!(reg A 0);
tuple_params!(reg A 0, B 1);
tuple_params!(reg A 0, B 1, C 2);
tuple_params!(reg A 0, B 1, C 2, D 3);
tuple_params!(A 0, B 1, C 2, D 3, E 4;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14;);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15;);

/// The largest number of parameters or results a typed signature ([`WasmParams`] tuple,
/// `Func::wrap`, `call_typed`, `include_wasm!` bindings) can have.
pub const MAX_TYPED_ARITY: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    /// Debug output is the derived one, with a `v128` in hex (high half first, 32 digits).
    #[test]
    fn debug_shows_v128_in_hex() {
        assert_eq!(alloc::format!("{:?}", Val::I32(-3)), "I32(-3)");
        assert_eq!(alloc::format!("{:?}", Val::FuncRef(None)), "FuncRef(None)");
        let v = (0x0123_4567_89ab_cdefu128 << 64) | 0xf;
        assert_eq!(alloc::format!("{:?}", Val::V128(v)), "V128(0x0123456789abcdef000000000000000f)");
    }

    #[test]
    fn sixteen_tuple() {
        type P = (i32, i64, f32, f64, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, u128, i64);
        assert_eq!(P::types().len(), MAX_TYPED_ARITY);
        assert!(P::matches(&P::types()));
        assert!(!P::matches(&P::types()[1..]));
        let p: P = (1, -2, 3.5, 4.25, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, u128::MAX - 1, -16);
        let mut slots = [ValRaw::default(); MAX_TYPED_ARITY];
        p.store(&mut slots, 1).unwrap();
        // SAFETY: the slots were just written with values of P's types.
        let q: P = unsafe { P::load(&slots, 1) };
        // (std implements PartialEq only up to 12-tuples)
        assert_eq!((q.0, q.1, q.2, q.3, q.4, q.5, q.6, q.7), (p.0, p.1, p.2, p.3, p.4, p.5, p.6, p.7));
        assert_eq!((q.8, q.9, q.10, q.11, q.12, q.13, q.14, q.15), (p.8, p.9, p.10, p.11, p.12, p.13, p.14, p.15));
    }

    #[test]
    fn matches_typed_references() {
        use crate::abi::{HeapType, RefType};
        let r = |nullable, heap| ValType::Ref(RefType { nullable, heap });
        let null = Val::FuncRef(None);
        assert!(null.matches(ValType::FuncRef));
        assert!(null.matches(r(true, HeapType::Concrete(3))));
        assert!(!null.matches(r(false, HeapType::Concrete(3))), "null is not a (ref $t)");
        assert!(!null.matches(r(false, HeapType::Func)));
        assert!(null.matches(r(true, HeapType::NoFunc)));
        assert!(!null.matches(ValType::ExternRef));
        let e = Val::ExternRef(Some(ExternRef::new(1)));
        assert!(e.matches(r(false, HeapType::Extern)));
        assert!(!e.matches(r(true, HeapType::NoExtern)), "only null is a noextern");
        assert!(!e.matches(r(false, HeapType::Func)));
        assert!(Val::I32(1).matches(ValType::I32));
        assert!(!Val::I32(1).matches(ValType::I64));
    }

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
            let back = unsafe { Val::from_raw(v.to_raw(), v.ty(), 1) };
            assert_eq!(back, v);
        }
        assert_eq!(Val::ExternRef(Some(ExternRef::new(0))).to_raw().get_ptr() as usize, 1);
        let f = VMFuncRef {
            native: core::ptr::null(),
            vmctx: core::ptr::null_mut(),
            array: None,
            array_ctx: core::ptr::null_mut(),
            type_id: 1,
            host: None,
        };
        let p = &f as *const VMFuncRef as *mut c_void;
        // SAFETY: p points to a live VMFuncRef.
        let v = unsafe { Val::from_raw(ValRaw::ptr(p), ValType::FuncRef, 7) };
        // SAFETY: as above.
        assert_eq!(v, Val::FuncRef(unsafe { FuncRef::from_raw_in(p, 7) }));
        assert_eq!(v.to_raw().get_ptr(), p);
        // The store travels with the reference: only store 7 accepts it.
        assert!(v.check_store(7).is_ok());
        let e = v.check_store(8).unwrap_err();
        assert_eq!(e.message(), Some("a function reference of a different store was passed to this store"));
        let f = <Option<FuncRef>>::from_val(v).unwrap();
        assert!(f.into_raw(8).is_err());
        assert_eq!(f.into_raw(7).unwrap().get_ptr(), p);
    }

    #[test]
    fn typed_tuples() {
        assert_eq!(<(i32, f64, u128)>::types(), alloc::vec![ValType::I32, ValType::F64, ValType::V128]);
        assert!(<()>::types().is_empty());
        let mut slots = [ValRaw::default(); 3];
        (7i32, 1.5f64, 9u128).store(&mut slots, 1).unwrap();
        // SAFETY: the slots hold (i32, f64, v128).
        assert_eq!(unsafe { <(i32, f64, u128)>::load(&slots, 1) }, (7, 1.5, 9));
        assert_eq!(i64::from_val(Val::I64(-3)), Some(-3));
        assert_eq!(i64::from_val(Val::I32(-3)), None);
        assert_eq!(2.5f32.into_val(), Val::F32(2.5f32.to_bits()));
        assert_eq!(Val::default_for(ValType::F64), Val::F64(0));
    }
}
