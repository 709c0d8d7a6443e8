//! A small safe wrapper over `llvm-sys` (LLVM 19): only what the translator needs.
//!
//! Every handle is a `Copy` newtype tied to the lifetime of its [`Context`]; the owning
//! objects ([`Context`], [`Module`], [`Builder`], [`TargetMachine`]) dispose their LLVM object
//! exactly once in `Drop`. All `unsafe` code of the crate lives in this module.
//!
//! Safety model: every raw handle wrapped here was created by LLVM inside the same context
//! and stays valid as long as that context lives (enforced by the `'ctx` lifetime). The
//! translator is responsible for building type-correct IR; a type error produces IR that the
//! verifier rejects ([`Module::verify`]), which is reported as an error, never executed.

#![allow(dead_code)]

use std::ffi::{CStr, CString};
use std::marker::PhantomData;
use std::os::raw::c_char;
use std::sync::Once;

use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::target::*;
use llvm_sys::target_machine::*;
use llvm_sys::{LLVMIntPredicate, LLVMLinkage, LLVMRealPredicate};

pub use llvm_sys::LLVMIntPredicate as IntPred;
pub use llvm_sys::LLVMRealPredicate as RealPred;

mod simd_ext;

/// Make a C string; interior NULs (never produced by our own names) are replaced.
fn cstr(s: &str) -> CString {
    CString::new(s.replace('\0', "_")).unwrap_or_default()
}

const EMPTY: *const c_char = c"".as_ptr();

/// Take ownership of an LLVM-allocated message.
fn take_message(msg: *mut c_char) -> String {
    if msg.is_null() {
        return String::new();
    }
    // SAFETY: `msg` is a NUL-terminated string allocated by LLVM; we copy it and dispose it once.
    unsafe {
        let s = CStr::from_ptr(msg).to_string_lossy().into_owned();
        LLVMDisposeMessage(msg);
        s
    }
}

/// An LLVM context. Owns everything created in it.
pub struct Context {
    raw: LLVMContextRef,
}

impl Context {
    /// Create a new context.
    pub fn new() -> Context {
        // SAFETY: creating a context has no preconditions.
        Context { raw: unsafe { LLVMContextCreate() } }
    }

    fn ty(&self, raw: LLVMTypeRef) -> Type<'_> {
        Type { raw, _p: PhantomData }
    }

    /// `iN`.
    pub fn int_type(&self, bits: u32) -> Type<'_> {
        // SAFETY: valid context.
        self.ty(unsafe { LLVMIntTypeInContext(self.raw, bits) })
    }
    /// `i1`.
    pub fn i1(&self) -> Type<'_> {
        self.int_type(1)
    }
    /// `i8`.
    pub fn i8(&self) -> Type<'_> {
        self.int_type(8)
    }
    /// `i16`.
    pub fn i16(&self) -> Type<'_> {
        self.int_type(16)
    }
    /// `i32`.
    pub fn i32(&self) -> Type<'_> {
        self.int_type(32)
    }
    /// `i64`.
    pub fn i64(&self) -> Type<'_> {
        self.int_type(64)
    }
    /// `i128`.
    pub fn i128(&self) -> Type<'_> {
        self.int_type(128)
    }
    /// `float`.
    pub fn f32(&self) -> Type<'_> {
        // SAFETY: valid context.
        self.ty(unsafe { LLVMFloatTypeInContext(self.raw) })
    }
    /// `double`.
    pub fn f64(&self) -> Type<'_> {
        // SAFETY: valid context.
        self.ty(unsafe { LLVMDoubleTypeInContext(self.raw) })
    }
    /// `void`.
    pub fn void(&self) -> Type<'_> {
        // SAFETY: valid context.
        self.ty(unsafe { LLVMVoidTypeInContext(self.raw) })
    }
    /// `ptr` (address space 0).
    pub fn ptr(&self) -> Type<'_> {
        // SAFETY: valid context.
        self.ty(unsafe { LLVMPointerTypeInContext(self.raw, 0) })
    }
    /// `<n x elem>`.
    pub fn vector(&self, elem: Type<'_>, n: u32) -> Type<'_> {
        // SAFETY: `elem` belongs to this context.
        self.ty(unsafe { LLVMVectorType(elem.raw, n) })
    }
    /// `[n x elem]`.
    pub fn array(&self, elem: Type<'_>, n: u64) -> Type<'_> {
        // SAFETY: `elem` belongs to this context.
        self.ty(unsafe { LLVMArrayType2(elem.raw, n) })
    }
    /// Literal struct `{a, b, ...}`.
    pub fn struct_type(&self, fields: &[Type<'_>]) -> Type<'_> {
        let mut raws: Vec<LLVMTypeRef> = fields.iter().map(|t| t.raw).collect();
        // SAFETY: field types belong to this context; the array outlives the call.
        self.ty(unsafe { LLVMStructTypeInContext(self.raw, raws.as_mut_ptr(), raws.len() as u32, 0) })
    }
    /// Function type.
    pub fn func_type<'c>(&'c self, ret: Type<'c>, params: &[Type<'c>]) -> Type<'c> {
        let mut raws: Vec<LLVMTypeRef> = params.iter().map(|t| t.raw).collect();
        // SAFETY: all types belong to this context.
        self.ty(unsafe { LLVMFunctionType(ret.raw, raws.as_mut_ptr(), raws.len() as u32, 0) })
    }

    /// Create a module.
    pub fn module(&self, name: &str) -> Module<'_> {
        let n = cstr(name);
        // SAFETY: valid context and NUL-terminated name (copied by LLVM).
        Module { raw: unsafe { LLVMModuleCreateWithNameInContext(n.as_ptr(), self.raw) }, ctx: self }
    }

    /// Create an IR builder.
    pub fn builder(&self) -> Builder<'_> {
        // SAFETY: valid context.
        Builder { raw: unsafe { LLVMCreateBuilderInContext(self.raw) }, ctx: self }
    }

    fn val(&self, raw: LLVMValueRef) -> Value<'_> {
        Value { raw, _p: PhantomData }
    }

    /// Integer constant of type `ty` (bits taken from `v`, truncated to the width).
    pub fn const_int<'c>(&'c self, ty: Type<'c>, v: u64) -> Value<'c> {
        // SAFETY: `ty` is an integer type of this context.
        self.val(unsafe { LLVMConstInt(ty.raw, v, 0) })
    }
    /// i32 constant.
    pub fn i32_const(&self, v: i32) -> Value<'_> {
        self.const_int(self.i32(), v as u32 as u64)
    }
    /// i64 constant.
    pub fn i64_const(&self, v: i64) -> Value<'_> {
        self.const_int(self.i64(), v as u64)
    }
    /// i1 constant.
    pub fn bool_const(&self, v: bool) -> Value<'_> {
        self.const_int(self.i1(), v as u64)
    }
    /// Arbitrary-width integer constant from 64-bit little-endian words.
    pub fn const_int_words<'c>(&'c self, ty: Type<'c>, words: &[u64]) -> Value<'c> {
        // SAFETY: `ty` is an integer type; the slice outlives the call.
        self.val(unsafe { LLVMConstIntOfArbitraryPrecision(ty.raw, words.len() as u32, words.as_ptr()) })
    }
    /// Floating-point constant of type `ty` (exact for values representable in `ty`).
    pub fn const_real<'c>(&'c self, ty: Type<'c>, v: f64) -> Value<'c> {
        // SAFETY: `ty` is a floating-point type of this context.
        self.val(unsafe { LLVMConstReal(ty.raw, v) })
    }
    /// The null/zero value of any first-class type.
    pub fn const_null<'c>(&'c self, ty: Type<'c>) -> Value<'c> {
        // SAFETY: `ty` belongs to this context.
        self.val(unsafe { LLVMConstNull(ty.raw) })
    }
    /// Poison value of `ty`.
    pub fn poison<'c>(&'c self, ty: Type<'c>) -> Value<'c> {
        // SAFETY: `ty` belongs to this context.
        self.val(unsafe { LLVMGetPoison(ty.raw) })
    }
    /// Constant vector.
    pub fn const_vector<'c>(&'c self, elems: &[Value<'c>]) -> Value<'c> {
        let mut raws: Vec<LLVMValueRef> = elems.iter().map(|v| v.raw).collect();
        // SAFETY: all elements are constants of the same type from this context.
        self.val(unsafe { LLVMConstVector(raws.as_mut_ptr(), raws.len() as u32) })
    }
    /// Constant literal struct.
    pub fn const_struct<'c>(&'c self, fields: &[Value<'c>]) -> Value<'c> {
        let mut raws: Vec<LLVMValueRef> = fields.iter().map(|v| v.raw).collect();
        // SAFETY: all fields are constants from this context.
        self.val(unsafe { LLVMConstStructInContext(self.raw, raws.as_mut_ptr(), raws.len() as u32, 0) })
    }
    /// Constant array of `elem_ty`.
    pub fn const_array<'c>(&'c self, elem_ty: Type<'c>, elems: &[Value<'c>]) -> Value<'c> {
        let mut raws: Vec<LLVMValueRef> = elems.iter().map(|v| v.raw).collect();
        // SAFETY: all elements are constants of `elem_ty`.
        self.val(unsafe { LLVMConstArray2(elem_ty.raw, raws.as_mut_ptr(), raws.len() as u64) })
    }
    /// Constant `ptr` to `base + offset` bytes (`getelementptr i8, ptr base, i64 offset`).
    pub fn const_ptr_add<'c>(&'c self, base: Value<'c>, offset: u64) -> Value<'c> {
        let mut idx = [self.i64_const(offset as i64).raw];
        // SAFETY: `base` is a pointer constant of this context; the index array outlives the call.
        self.val(unsafe { LLVMConstGEP2(self.i8().raw, base.raw, idx.as_mut_ptr(), 1) })
    }
    /// Constant byte array (no terminating NUL).
    pub fn const_bytes(&self, bytes: &[u8]) -> Value<'_> {
        // SAFETY: the bytes are copied by LLVM.
        self.val(unsafe {
            LLVMConstStringInContext2(self.raw, bytes.as_ptr() as *const c_char, bytes.len(), 1)
        })
    }

    /// Append a basic block to `func`.
    pub fn append_block<'c>(&'c self, func: Value<'c>, name: &str) -> BasicBlock<'c> {
        let n = cstr(name);
        // SAFETY: `func` is a function of this context.
        BasicBlock { raw: unsafe { LLVMAppendBasicBlockInContext(self.raw, func.raw, n.as_ptr()) }, _p: PhantomData }
    }

    /// An enum attribute by name (e.g. "noinline"); `None` if unknown.
    fn enum_attr(&self, name: &str) -> Option<LLVMAttributeRef> {
        // SAFETY: name pointer/length are valid.
        let kind = unsafe { LLVMGetEnumAttributeKindForName(name.as_ptr() as *const c_char, name.len()) };
        if kind == 0 {
            return None;
        }
        // SAFETY: valid context and known kind.
        Some(unsafe { LLVMCreateEnumAttribute(self.raw, kind, 0) })
    }

    /// Add enum attribute `name` to function `func` (function-level).
    pub fn add_fn_attr(&self, func: Value<'_>, name: &str) {
        if let Some(a) = self.enum_attr(name) {
            // SAFETY: `func` is a function; index -1 (u32::MAX) is the function index.
            unsafe { LLVMAddAttributeAtIndex(func.raw, u32::MAX, a) }
        }
    }
    /// Add enum attribute `name` with integer `value` to function `func` (e.g. `uwtable` = 2).
    pub fn add_fn_attr_value(&self, func: Value<'_>, name: &str, value: u64) {
        // SAFETY: name pointer/length are valid.
        let kind = unsafe { LLVMGetEnumAttributeKindForName(name.as_ptr() as *const c_char, name.len()) };
        if kind != 0 {
            // SAFETY: valid context and known kind; `func` is a function.
            unsafe { LLVMAddAttributeAtIndex(func.raw, u32::MAX, LLVMCreateEnumAttribute(self.raw, kind, value)) }
        }
    }
    /// Set the personality routine of function `func`.
    pub fn set_personality(&self, func: Value<'_>, personality: Value<'_>) {
        // SAFETY: both are functions of this context.
        unsafe { LLVMSetPersonalityFn(func.raw, personality.raw) }
    }
    /// Add a string attribute `key`=`value` to `func`.
    pub fn add_fn_str_attr(&self, func: Value<'_>, key: &str, value: &str) {
        // SAFETY: key/value pointers and lengths are valid; `func` is a function.
        unsafe {
            let a = LLVMCreateStringAttribute(
                self.raw,
                key.as_ptr() as *const c_char,
                key.len() as u32,
                value.as_ptr() as *const c_char,
                value.len() as u32,
            );
            LLVMAddAttributeAtIndex(func.raw, u32::MAX, a)
        }
    }
    /// Remove the string attribute `key` of `func` (no-op if absent).
    pub fn remove_fn_str_attr(&self, func: Value<'_>, key: &str) {
        // SAFETY: the key pointer and length are valid; `func` is a function.
        unsafe { LLVMRemoveStringAttributeAtIndex(func.raw, u32::MAX, key.as_ptr() as *const c_char, key.len() as u32) }
    }
    /// Add enum attribute `name` to parameter `idx` (0-based) of `func`.
    pub fn add_param_attr(&self, func: Value<'_>, idx: u32, name: &str) {
        if let Some(a) = self.enum_attr(name) {
            // SAFETY: parameter attribute indices start at 1.
            unsafe { LLVMAddAttributeAtIndex(func.raw, idx + 1, a) }
        }
    }
}

impl Default for Context {
    fn default() -> Self {
        Context::new()
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // SAFETY: disposed exactly once; modules/builders borrow the context so are dropped first.
        unsafe { LLVMContextDispose(self.raw) }
    }
}

/// An LLVM type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Type<'ctx> {
    raw: LLVMTypeRef,
    _p: PhantomData<&'ctx Context>,
}

impl<'ctx> Type<'ctx> {
    /// Is it `void`?
    pub fn is_void(self) -> bool {
        // SAFETY: valid type.
        unsafe { LLVMGetTypeKind(self.raw) == llvm_sys::LLVMTypeKind::LLVMVoidTypeKind }
    }
    /// Integer bit width (0 for non-integers).
    pub fn int_width(self) -> u32 {
        // SAFETY: valid type; width only queried for integer types.
        unsafe {
            if LLVMGetTypeKind(self.raw) == llvm_sys::LLVMTypeKind::LLVMIntegerTypeKind {
                LLVMGetIntTypeWidth(self.raw)
            } else {
                0
            }
        }
    }
}

/// LLVM's `tailcc` calling convention id (`CallingConv::Tail`; not in the C API's enum).
const TAILCC: u32 = 18;

/// An LLVM value (instruction, constant, function, global...).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Value<'ctx> {
    raw: LLVMValueRef,
    _p: PhantomData<&'ctx Context>,
}

impl<'ctx> Value<'ctx> {
    /// The value's type.
    pub fn ty(self) -> Type<'ctx> {
        // SAFETY: valid value.
        Type { raw: unsafe { LLVMTypeOf(self.raw) }, _p: PhantomData }
    }
    /// Parameter `i` of a function value.
    pub fn param(self, i: u32) -> Value<'ctx> {
        // SAFETY: `self` is a function with more than `i` parameters (translator invariant).
        Value { raw: unsafe { LLVMGetParam(self.raw, i) }, _p: PhantomData }
    }
    /// Set linkage (functions/globals).
    pub fn set_linkage(self, l: Linkage) {
        let l = match l {
            Linkage::Internal => LLVMLinkage::LLVMInternalLinkage,
            Linkage::Private => LLVMLinkage::LLVMPrivateLinkage,
            Linkage::External => LLVMLinkage::LLVMExternalLinkage,
        };
        // SAFETY: `self` is a global value.
        unsafe { LLVMSetLinkage(self.raw, l) }
    }
    /// Give a global value hidden visibility (linked between objects of one module, never
    /// exported from the final binary).
    pub fn set_hidden(self) {
        // SAFETY: `self` is a global value.
        unsafe { LLVMSetVisibility(self.raw, llvm_sys::LLVMVisibility::LLVMHiddenVisibility) }
    }
    /// Set the initializer of a global variable and mark it constant or not.
    pub fn set_initializer(self, init: Value<'ctx>, constant: bool) {
        // SAFETY: `self` is a global variable and `init` a constant of its type.
        unsafe {
            LLVMSetInitializer(self.raw, init.raw);
            LLVMSetGlobalConstant(self.raw, constant as i32);
        }
    }
    /// Set alignment of a global, load, store or alloca.
    pub fn set_alignment(self, align: u32) {
        // SAFETY: `self` is a global, load, store or alloca.
        unsafe { LLVMSetAlignment(self.raw, align) }
    }
    /// Attach an empty metadata node of kind `kind` (e.g. `wasmlite.membase`) to an instruction:
    /// a tag that our own passes look for.
    pub fn set_tag(self, ctx: &'ctx Context, kind: &str) {
        // SAFETY: `self` is an instruction of `ctx`; the kind name is copied by LLVM and the
        // empty node is owned by the context.
        unsafe {
            let id = LLVMGetMDKindIDInContext(ctx.raw, kind.as_ptr().cast(), kind.len() as u32);
            let node = LLVMMDNodeInContext2(ctx.raw, std::ptr::null_mut(), 0);
            LLVMSetMetadata(self.raw, id, LLVMMetadataAsValue(ctx.raw, node));
        }
    }
    /// Mark a load/store/atomicrmw/cmpxchg volatile.
    pub fn set_volatile(self) {
        // SAFETY: `self` is a load, store, atomicrmw or cmpxchg.
        unsafe { LLVMSetVolatile(self.raw, 1) }
    }
    /// Give a function or call instruction LLVM's `tailcc` calling convention (callee pops its
    /// stack arguments, so `musttail` calls work between different signatures).
    pub fn set_tailcc(self) {
        // SAFETY: `self` is a function or a call instruction (translator invariant); both
        // setters only store the convention id.
        unsafe {
            if LLVMIsAFunction(self.raw).is_null() {
                LLVMSetInstructionCallConv(self.raw, TAILCC);
            } else {
                LLVMSetFunctionCallConv(self.raw, TAILCC);
            }
        }
    }
    /// Mark a call instruction `musttail` (guaranteed tail call; must precede a `ret`).
    pub fn set_musttail(self) {
        // SAFETY: `self` is a call instruction.
        unsafe { LLVMSetTailCallKind(self.raw, llvm_sys::LLVMTailCallKind::LLVMTailCallKindMustTail) }
    }
    /// Mark a call instruction `notail` (never turned into a tail call or a loop).
    pub fn set_notail(self) {
        // SAFETY: `self` is a call instruction.
        unsafe { LLVMSetTailCallKind(self.raw, llvm_sys::LLVMTailCallKind::LLVMTailCallKindNoTail) }
    }
    /// Mark unnamed_addr (globals/functions).
    pub fn set_unnamed_addr(self) {
        // SAFETY: `self` is a global value.
        unsafe { LLVMSetUnnamedAddress(self.raw, llvm_sys::LLVMUnnamedAddr::LLVMGlobalUnnamedAddr) }
    }
    /// Whether this is an LLVM constant (literal or constant expression).
    pub fn is_constant(self) -> bool {
        // SAFETY: valid value.
        unsafe { LLVMIsConstant(self.raw) != 0 }
    }
    /// Whether function `self` has an instruction on vectors (a vector result or operand)
    /// whose operands are all constants: a computation the IR builder could not fold.
    pub fn has_unfolded_vector_constants(self) -> bool {
        // SAFETY: `self` is a function; blocks, instructions and operands are walked with the
        // C API's own iterators and counts.
        unsafe {
            let is_vector = |v: LLVMValueRef| {
                matches!(LLVMGetTypeKind(LLVMTypeOf(v)), llvm_sys::LLVMTypeKind::LLVMVectorTypeKind | llvm_sys::LLVMTypeKind::LLVMScalableVectorTypeKind)
            };
            let mut bb = LLVMGetFirstBasicBlock(self.raw);
            while !bb.is_null() {
                let mut i = LLVMGetFirstInstruction(bb);
                while !i.is_null() {
                    let n = LLVMGetNumOperands(i);
                    if n > 0 {
                        let ops = (0..n as u32).map(|k| LLVMGetOperand(i, k));
                        if ops.clone().all(|o| LLVMIsConstant(o) != 0) && (is_vector(i) || ops.clone().any(is_vector)) {
                            return true;
                        }
                    }
                    i = LLVMGetNextInstruction(i);
                }
                bb = LLVMGetNextBasicBlock(bb);
            }
            false
        }
    }
    /// If this is a load instruction, or a cast (zext/sext/trunc/bitcast) of one, that load.
    pub fn underlying_load(self) -> Option<Value<'ctx>> {
        // SAFETY: valid value; operands are only queried on cast instructions (one operand).
        unsafe {
            if !LLVMIsALoadInst(self.raw).is_null() {
                return Some(self);
            }
            if !LLVMIsACastInst(self.raw).is_null() {
                let op = LLVMGetOperand(self.raw, 0);
                if !op.is_null() && !LLVMIsALoadInst(op).is_null() {
                    return Some(Value { raw: op, _p: PhantomData });
                }
            }
            None
        }
    }
    /// If this is a floating-point constant, its value.
    pub fn const_fp_value(self) -> Option<f64> {
        // SAFETY: valid value; only queried on ConstantFP.
        unsafe {
            if LLVMIsAConstantFP(self.raw).is_null() {
                return None;
            }
            let mut loses = 0;
            Some(LLVMConstRealGetDouble(self.raw, &mut loses))
        }
    }
    /// Is this an `fpext` instruction?
    pub fn is_fpext(self) -> bool {
        // SAFETY: valid value.
        unsafe { !LLVMIsAFPExtInst(self.raw).is_null() }
    }
    /// If this is a constant integer, its zero-extended value.
    pub fn const_int_value(self) -> Option<u64> {
        // SAFETY: valid value; only queried on ConstantInt.
        unsafe {
            if !LLVMIsAConstantInt(self.raw).is_null() && LLVMGetIntTypeWidth(LLVMTypeOf(self.raw)) <= 64 {
                Some(LLVMConstIntGetZExtValue(self.raw))
            } else {
                None
            }
        }
    }
}

/// Linkage kinds we use.
#[derive(Clone, Copy, Debug)]
pub enum Linkage {
    /// Internal (local symbol).
    Internal,
    /// Private (no symbol).
    Private,
    /// External.
    External,
}

/// A basic block.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BasicBlock<'ctx> {
    raw: LLVMBasicBlockRef,
    _p: PhantomData<&'ctx Context>,
}

impl<'ctx> BasicBlock<'ctx> {
    /// Does the block already end with a terminator?
    pub fn has_terminator(self) -> bool {
        // SAFETY: valid block.
        unsafe { !LLVMGetBasicBlockTerminator(self.raw).is_null() }
    }
}

/// A module.
pub struct Module<'ctx> {
    raw: LLVMModuleRef,
    ctx: &'ctx Context,
}

impl<'ctx> Module<'ctx> {
    /// Add a function.
    pub fn add_function(&self, name: &str, ty: Type<'ctx>) -> Value<'ctx> {
        let n = cstr(name);
        // SAFETY: `ty` is a function type of this context.
        Value { raw: unsafe { LLVMAddFunction(self.raw, n.as_ptr(), ty.raw) }, _p: PhantomData }
    }
    /// Give every function defined in the module the attribute `"tune-cpu"=tune` (what the
    /// instruction selection and scheduling tune for).
    fn set_tune_cpu(&self, tune: &str) {
        // SAFETY: walks this module's function list; every element is a function of `ctx`.
        let mut f = unsafe { LLVMGetFirstFunction(self.raw) };
        while !f.is_null() {
            // SAFETY: `f` is a function of this module.
            if unsafe { LLVMIsDeclaration(f) } == 0 {
                self.ctx.add_fn_str_attr(Value { raw: f, _p: PhantomData }, "tune-cpu", tune);
            }
            // SAFETY: as above.
            f = unsafe { LLVMGetNextFunction(f) };
        }
    }
    /// Add a global variable.
    pub fn add_global(&self, name: &str, ty: Type<'ctx>) -> Value<'ctx> {
        let n = cstr(name);
        // SAFETY: `ty` is a sized type of this context.
        Value { raw: unsafe { LLVMAddGlobal(self.raw, ty.raw, n.as_ptr()) }, _p: PhantomData }
    }
    /// Declaration of intrinsic `name` specialised for `overloads`.
    pub fn intrinsic(&self, name: &str, overloads: &[Type<'ctx>]) -> Option<(Value<'ctx>, Type<'ctx>)> {
        let mut tys: Vec<LLVMTypeRef> = overloads.iter().map(|t| t.raw).collect();
        // SAFETY: name pointer/length valid; overload types belong to this context.
        unsafe {
            let id = LLVMLookupIntrinsicID(name.as_ptr() as *const c_char, name.len());
            if id == 0 {
                return None;
            }
            let f = LLVMGetIntrinsicDeclaration(self.raw, id, tys.as_mut_ptr(), tys.len());
            if f.is_null() {
                return None;
            }
            let fty = LLVMGlobalGetValueType(f);
            Some((Value { raw: f, _p: PhantomData }, Type { raw: fty, _p: PhantomData }))
        }
    }
    /// Verify the module; `Err(message)` if it is broken.
    pub fn verify(&self) -> Result<(), String> {
        let mut msg = std::ptr::null_mut();
        // SAFETY: valid module; ReturnStatusAction never aborts; the message is disposed once.
        let broken = unsafe {
            llvm_sys::analysis::LLVMVerifyModule(
                self.raw,
                llvm_sys::analysis::LLVMVerifierFailureAction::LLVMReturnStatusAction,
                &mut msg,
            )
        };
        let m = take_message(msg);
        if broken != 0 {
            Err(m)
        } else {
            Ok(())
        }
    }
    /// Textual IR.
    pub fn print_to_string(&self) -> String {
        // SAFETY: valid module; the returned message is disposed by take_message.
        take_message(unsafe { LLVMPrintModuleToString(self.raw) })
    }
    /// Set triple and data layout from a target machine.
    pub fn set_target(&self, tm: &TargetMachine) {
        // SAFETY: valid module and target machine; the data layout is disposed after copying.
        unsafe {
            LLVMSetTarget(self.raw, tm.triple.as_ptr());
            let td = LLVMCreateTargetDataLayout(tm.raw);
            LLVMSetModuleDataLayout(self.raw, td);
            LLVMDisposeTargetData(td);
        }
    }
    /// Pointer-sized integer type of the target.
    pub fn intptr_type(&self, tm: &TargetMachine) -> Type<'ctx> {
        // SAFETY: valid target machine and context; target data disposed after use.
        unsafe {
            let td = LLVMCreateTargetDataLayout(tm.raw);
            let t = LLVMIntPtrTypeInContext(self.ctx.raw, td);
            LLVMDisposeTargetData(td);
            Type { raw: t, _p: PhantomData }
        }
    }
    /// Run an LLVM new-pass-manager pipeline such as `default<O2>`. With `raise_trap` (the
    /// module's trap function), the optimising pipelines also version loops for precise traps
    /// (`cpp/versioning.cpp`) just before the vectoriser.
    pub fn run_passes(&self, pipeline: &str, tm: &TargetMachine, raise_trap: Option<&str>) -> Result<(), String> {
        if let Some(tune) = &tm.tune {
            self.set_tune_cpu(tune);
        }
        let p = cstr(pipeline);
        let rt = raise_trap.map(cstr);
        let versioning = rt.as_ref().map(|rt| ffi::WasmliteVersioning {
            raise_trap: rt.as_ptr(),
            oob_code: wasmlite_abi::trap::MEMORY_OUT_OF_BOUNDS,
            base_offset: wasmlite_abi::memory_offsets::BASE,
            length_offset: wasmlite_abi::memory_offsets::LENGTH,
        });
        let vp = versioning.as_ref().map_or(std::ptr::null(), |v| v as *const ffi::WasmliteVersioning);
        // SAFETY: valid module/target machine; `p`, `rt` and `versioning` outlive the call
        // (the pass copies the name); the error is disposed once.
        unsafe {
            let err = ffi::wasmlite_run_passes(self.raw, p.as_ptr(), tm.raw, vp);
            if err.is_null() {
                Ok(())
            } else {
                let m = llvm_sys::error::LLVMGetErrorMessage(err);
                let s = CStr::from_ptr(m).to_string_lossy().into_owned();
                llvm_sys::error::LLVMDisposeErrorMessage(m);
                Err(s)
            }
        }
    }
}

/// The C++ side (`cpp/versioning.cpp`, built by the build script).
mod ffi {
    use super::*;

    /// What the loop-versioning pass needs of the ABI (mirrors the C struct).
    #[repr(C)]
    pub struct WasmliteVersioning {
        pub raise_trap: *const c_char,
        pub oob_code: u32,
        pub base_offset: u32,
        pub length_offset: u32,
    }

    extern "C" {
        /// `LLVMRunPasses` with default options, plus the loop-versioning pass when `v` is
        /// not null.
        pub fn wasmlite_run_passes(
            m: LLVMModuleRef,
            passes: *const c_char,
            tm: LLVMTargetMachineRef,
            v: *const WasmliteVersioning,
        ) -> llvm_sys::error::LLVMErrorRef;
    }
}

/// Metadata kind tagging the load of a memory's base from its `VMMemory` (read by the
/// loop-versioning pass).
pub const MEMBASE_TAG: &str = "wasmlite.membase";

impl Drop for Module<'_> {
    fn drop(&mut self) {
        // SAFETY: disposed exactly once, before its context.
        unsafe { LLVMDisposeModule(self.raw) }
    }
}

/// An IR builder.
pub struct Builder<'ctx> {
    raw: LLVMBuilderRef,
    ctx: &'ctx Context,
}

impl Drop for Builder<'_> {
    fn drop(&mut self) {
        // SAFETY: disposed exactly once, before its context.
        unsafe { LLVMDisposeBuilder(self.raw) }
    }
}

macro_rules! binop {
    ($($name:ident => $f:ident;)*) => {$(
        /// Binary instruction.
        pub fn $name(&self, a: Value<'ctx>, b: Value<'ctx>) -> Value<'ctx> {
            // SAFETY: operands are values of this context (type-correctness checked by the verifier).
            self.v(unsafe { $f(self.raw, a.raw, b.raw, EMPTY) })
        }
    )*};
}

/// Read-modify-write operations of [`Builder::atomic_rmw`].
#[derive(Clone, Copy, Debug)]
pub enum AtomicOp {
    /// `add`.
    Add,
    /// `sub`.
    Sub,
    /// `and`.
    And,
    /// `or`.
    Or,
    /// `xor`.
    Xor,
    /// `xchg`.
    Xchg,
}

macro_rules! castop {
    ($($name:ident => $f:ident;)*) => {$(
        /// Cast instruction.
        pub fn $name(&self, a: Value<'ctx>, ty: Type<'ctx>) -> Value<'ctx> {
            // SAFETY: operand and type belong to this context.
            self.v(unsafe { $f(self.raw, a.raw, ty.raw, EMPTY) })
        }
    )*};
}

impl<'ctx> Builder<'ctx> {
    fn v(&self, raw: LLVMValueRef) -> Value<'ctx> {
        Value { raw, _p: PhantomData }
    }
    /// The context.
    pub fn ctx(&self) -> &'ctx Context {
        self.ctx
    }
    /// Position at the end of `bb`.
    pub fn position_at_end(&self, bb: BasicBlock<'ctx>) {
        // SAFETY: valid builder and block.
        unsafe { LLVMPositionBuilderAtEnd(self.raw, bb.raw) }
    }
    /// Position before the terminator of `bb` if it has one, else at its end.
    pub fn position_before_terminator(&self, bb: BasicBlock<'ctx>) {
        // SAFETY: valid builder and block.
        unsafe {
            let t = LLVMGetBasicBlockTerminator(bb.raw);
            if t.is_null() {
                LLVMPositionBuilderAtEnd(self.raw, bb.raw)
            } else {
                LLVMPositionBuilderBefore(self.raw, t)
            }
        }
    }
    /// The current block.
    pub fn current_block(&self) -> BasicBlock<'ctx> {
        // SAFETY: valid builder.
        BasicBlock { raw: unsafe { LLVMGetInsertBlock(self.raw) }, _p: PhantomData }
    }

    binop! {
        add => LLVMBuildAdd; add_nuw => LLVMBuildNUWAdd; sub => LLVMBuildSub; mul => LLVMBuildMul;
        sdiv => LLVMBuildSDiv; udiv => LLVMBuildUDiv; srem => LLVMBuildSRem; urem => LLVMBuildURem;
        and => LLVMBuildAnd; or => LLVMBuildOr; xor => LLVMBuildXor;
        shl => LLVMBuildShl; lshr => LLVMBuildLShr; ashr => LLVMBuildAShr;
        fadd => LLVMBuildFAdd; fsub => LLVMBuildFSub; fmul => LLVMBuildFMul; fdiv => LLVMBuildFDiv;
    }
    castop! {
        zext => LLVMBuildZExt; sext => LLVMBuildSExt; trunc => LLVMBuildTrunc;
        bitcast => LLVMBuildBitCast; fptosi => LLVMBuildFPToSI; fptoui => LLVMBuildFPToUI;
        sitofp => LLVMBuildSIToFP; uitofp => LLVMBuildUIToFP; fptrunc => LLVMBuildFPTrunc;
        fpext => LLVMBuildFPExt; ptrtoint => LLVMBuildPtrToInt; inttoptr => LLVMBuildIntToPtr;
    }

    /// An optimisation barrier: `v` passed through an empty inline-asm statement with the
    /// register constraint `constraints` (e.g. `"=x,0"`), so LLVM cannot see its value.
    pub fn opaque(&self, v: Value<'ctx>, constraints: &str) -> Value<'ctx> {
        let ty = v.ty();
        let mut p = [ty.raw];
        // SAFETY: function type from this context; asm/constraint strings valid for the call.
        unsafe {
            let fty = LLVMFunctionType(ty.raw, p.as_mut_ptr(), 1, 0);
            let asm = LLVMGetInlineAsm(
                fty,
                EMPTY,
                0,
                constraints.as_ptr() as *const c_char,
                constraints.len(),
                0,
                0,
                llvm_sys::LLVMInlineAsmDialect::LLVMInlineAsmDialectATT,
                0,
            );
            let mut args = [v.raw];
            let call = LLVMBuildCall2(self.raw, fty, asm, args.as_mut_ptr(), 1, EMPTY);
            // A pure value barrier: it touches no memory and cannot unwind (so optimisations,
            // and the loop-versioning pass, may treat it as an ordinary computation).
            for (name, value) in [("memory", 0u64), ("nounwind", 0), ("willreturn", 0)] {
                let kind = LLVMGetEnumAttributeKindForName(name.as_ptr() as *const c_char, name.len());
                if kind != 0 {
                    LLVMAddCallSiteAttribute(call, u32::MAX, LLVMCreateEnumAttribute(self.ctx.raw, kind, value));
                }
            }
            self.v(call)
        }
    }
    /// `fneg`.
    pub fn fneg(&self, a: Value<'ctx>) -> Value<'ctx> {
        // SAFETY: operand of this context.
        self.v(unsafe { LLVMBuildFNeg(self.raw, a.raw, EMPTY) })
    }
    /// `not` (xor with all ones).
    pub fn not(&self, a: Value<'ctx>) -> Value<'ctx> {
        // SAFETY: operand of this context.
        self.v(unsafe { LLVMBuildNot(self.raw, a.raw, EMPTY) })
    }
    /// `icmp`.
    pub fn icmp(&self, p: IntPred, a: Value<'ctx>, b: Value<'ctx>) -> Value<'ctx> {
        // SAFETY: operands of this context.
        self.v(unsafe { LLVMBuildICmp(self.raw, p, a.raw, b.raw, EMPTY) })
    }
    /// `fcmp`.
    pub fn fcmp(&self, p: RealPred, a: Value<'ctx>, b: Value<'ctx>) -> Value<'ctx> {
        // SAFETY: operands of this context.
        self.v(unsafe { LLVMBuildFCmp(self.raw, p, a.raw, b.raw, EMPTY) })
    }
    /// `select`.
    pub fn select(&self, c: Value<'ctx>, a: Value<'ctx>, b: Value<'ctx>) -> Value<'ctx> {
        // SAFETY: operands of this context.
        self.v(unsafe { LLVMBuildSelect(self.raw, c.raw, a.raw, b.raw, EMPTY) })
    }
    /// `phi ty [v, block]...` (at the start of the current block, before any other instruction).
    pub fn phi(&self, ty: Type<'ctx>, incoming: &[(Value<'ctx>, BasicBlock<'ctx>)]) -> Value<'ctx> {
        let mut vals: Vec<LLVMValueRef> = incoming.iter().map(|(v, _)| v.raw).collect();
        let mut blocks: Vec<LLVMBasicBlockRef> = incoming.iter().map(|(_, bb)| bb.raw).collect();
        // SAFETY: type, values and blocks of this context; the arrays outlive the calls.
        unsafe {
            let phi = LLVMBuildPhi(self.raw, ty.raw, EMPTY);
            LLVMAddIncoming(phi, vals.as_mut_ptr(), blocks.as_mut_ptr(), vals.len() as u32);
            self.v(phi)
        }
    }
    /// `alloca`.
    pub fn alloca(&self, ty: Type<'ctx>, align: u32) -> Value<'ctx> {
        // SAFETY: sized type of this context.
        let v = self.v(unsafe { LLVMBuildAlloca(self.raw, ty.raw, EMPTY) });
        v.set_alignment(align);
        v
    }
    /// `load ty, ptr` with alignment.
    pub fn load(&self, ty: Type<'ctx>, ptr: Value<'ctx>, align: u32) -> Value<'ctx> {
        // SAFETY: operands of this context.
        let v = self.v(unsafe { LLVMBuildLoad2(self.raw, ty.raw, ptr.raw, EMPTY) });
        v.set_alignment(align);
        v
    }
    /// `store val, ptr` with alignment.
    pub fn store(&self, val: Value<'ctx>, ptr: Value<'ctx>, align: u32) -> Value<'ctx> {
        // SAFETY: operands of this context.
        let v = self.v(unsafe { LLVMBuildStore(self.raw, val.raw, ptr.raw) });
        v.set_alignment(align);
        v
    }
    /// Set monotonic atomic ordering on a load/store.
    pub fn set_monotonic(&self, inst: Value<'ctx>) {
        // SAFETY: `inst` is a load or store.
        unsafe { LLVMSetOrdering(inst.raw, llvm_sys::LLVMAtomicOrdering::LLVMAtomicOrderingMonotonic) }
    }
    /// Make a load/store atomic with sequentially consistent ordering (the alignment must be
    /// the access size; the caller checks it).
    pub fn set_seq_cst(&self, inst: Value<'ctx>) {
        // SAFETY: `inst` is a load or store.
        unsafe { LLVMSetOrdering(inst.raw, llvm_sys::LLVMAtomicOrdering::LLVMAtomicOrderingSequentiallyConsistent) }
    }
    /// `atomicrmw op ptr, val seq_cst` (natural alignment); returns the old value.
    pub fn atomic_rmw(&self, op: AtomicOp, ptr: Value<'ctx>, val: Value<'ctx>) -> Value<'ctx> {
        use llvm_sys::LLVMAtomicRMWBinOp as O;
        let op = match op {
            AtomicOp::Add => O::LLVMAtomicRMWBinOpAdd,
            AtomicOp::Sub => O::LLVMAtomicRMWBinOpSub,
            AtomicOp::And => O::LLVMAtomicRMWBinOpAnd,
            AtomicOp::Or => O::LLVMAtomicRMWBinOpOr,
            AtomicOp::Xor => O::LLVMAtomicRMWBinOpXor,
            AtomicOp::Xchg => O::LLVMAtomicRMWBinOpXchg,
        };
        // SAFETY: operands of this context; `ptr` is a pointer, `val` an integer.
        self.v(unsafe {
            LLVMBuildAtomicRMW(
                self.raw,
                op,
                ptr.raw,
                val.raw,
                llvm_sys::LLVMAtomicOrdering::LLVMAtomicOrderingSequentiallyConsistent,
                0,
            )
        })
    }
    /// `cmpxchg ptr, expected, new seq_cst seq_cst` (natural alignment); returns the
    /// instruction and the old value.
    pub fn atomic_cmpxchg(&self, ptr: Value<'ctx>, expected: Value<'ctx>, new: Value<'ctx>) -> (Value<'ctx>, Value<'ctx>) {
        let sc = llvm_sys::LLVMAtomicOrdering::LLVMAtomicOrderingSequentiallyConsistent;
        // SAFETY: operands of this context; `expected` and `new` have the same integer type.
        let pair = self.v(unsafe { LLVMBuildAtomicCmpXchg(self.raw, ptr.raw, expected.raw, new.raw, sc, sc, 0) });
        (pair, self.extract_value(pair, 0))
    }
    /// `fence seq_cst`.
    pub fn fence_seq_cst(&self) {
        // SAFETY: valid builder.
        unsafe {
            LLVMBuildFence(self.raw, llvm_sys::LLVMAtomicOrdering::LLVMAtomicOrderingSequentiallyConsistent, 0, EMPTY)
        };
    }
    /// `getelementptr inbounds i8, ptr, offset` (byte offset).
    pub fn gep_bytes(&self, ptr: Value<'ctx>, offset: Value<'ctx>) -> Value<'ctx> {
        let mut idx = [offset.raw];
        // SAFETY: operands of this context.
        self.v(unsafe { LLVMBuildGEP2(self.raw, LLVMInt8TypeInContext(self.ctx.raw), ptr.raw, idx.as_mut_ptr(), 1, EMPTY) })
    }
    /// `ptr + constant byte offset`.
    pub fn ptr_add(&self, ptr: Value<'ctx>, offset: u64) -> Value<'ctx> {
        if offset == 0 {
            return ptr;
        }
        let off = self.ctx.i64_const(offset as i64);
        let mut idx = [off.raw];
        // SAFETY: operands of this context.
        self.v(unsafe {
            LLVMBuildInBoundsGEP2(self.raw, LLVMInt8TypeInContext(self.ctx.raw), ptr.raw, idx.as_mut_ptr(), 1, EMPTY)
        })
    }
    /// `getelementptr ty, ptr, idx` (element-indexed).
    pub fn gep_elem(&self, ty: Type<'ctx>, ptr: Value<'ctx>, idx: Value<'ctx>) -> Value<'ctx> {
        let mut i = [idx.raw];
        // SAFETY: operands of this context.
        self.v(unsafe { LLVMBuildGEP2(self.raw, ty.raw, ptr.raw, i.as_mut_ptr(), 1, EMPTY) })
    }
    /// `call fty callee(args)`.
    pub fn call(&self, fty: Type<'ctx>, callee: Value<'ctx>, args: &[Value<'ctx>]) -> Value<'ctx> {
        let mut raws: Vec<LLVMValueRef> = args.iter().map(|v| v.raw).collect();
        // SAFETY: operands of this context.
        self.v(unsafe { LLVMBuildCall2(self.raw, fty.raw, callee.raw, raws.as_mut_ptr(), raws.len() as u32, EMPTY) })
    }
    /// `invoke fty callee(args) to label normal unwind label unwind` (exception handling).
    pub fn invoke(
        &self,
        fty: Type<'ctx>,
        callee: Value<'ctx>,
        args: &[Value<'ctx>],
        normal: BasicBlock<'ctx>,
        unwind: BasicBlock<'ctx>,
    ) -> Value<'ctx> {
        let mut raws: Vec<LLVMValueRef> = args.iter().map(|v| v.raw).collect();
        // SAFETY: operands and blocks of this context; `unwind` starts with a landingpad.
        self.v(unsafe {
            LLVMBuildInvoke2(self.raw, fty.raw, callee.raw, raws.as_mut_ptr(), raws.len() as u32, normal.raw, unwind.raw, EMPTY)
        })
    }
    /// `landingpad { ptr, i32 } cleanup catch ptr null`: a catch-all landing pad (must be the
    /// first instruction of its block; the function needs a personality). Also `cleanup`:
    /// LLVM's DwarfEHPrepare deletes every `resume` reachable only from non-cleanup pads (for
    /// C++ such a pad is entered only when a clause matched), but our pads test the tag
    /// themselves and resume when nothing matches.
    pub fn landingpad_catch_all(&self) -> Value<'ctx> {
        let ctx = self.ctx;
        let ty = ctx.struct_type(&[ctx.ptr(), ctx.i32()]);
        // SAFETY: a literal struct type of this context; the clause is a constant null ptr.
        unsafe {
            let lp = LLVMBuildLandingPad(self.raw, ty.raw, std::ptr::null_mut(), 1, EMPTY);
            LLVMAddClause(lp, LLVMConstNull(ctx.ptr().raw));
            LLVMSetCleanup(lp, 1);
            self.v(lp)
        }
    }
    /// `br bb`.
    pub fn br(&self, bb: BasicBlock<'ctx>) {
        // SAFETY: valid block.
        unsafe { LLVMBuildBr(self.raw, bb.raw) };
    }
    /// `br i1 c, a, b`.
    pub fn cond_br(&self, c: Value<'ctx>, a: BasicBlock<'ctx>, b: BasicBlock<'ctx>) -> Value<'ctx> {
        // SAFETY: valid operands.
        self.v(unsafe { LLVMBuildCondBr(self.raw, c.raw, a.raw, b.raw) })
    }
    /// `switch v, default [cases]`.
    pub fn switch(&self, v: Value<'ctx>, default: BasicBlock<'ctx>, cases: &[(Value<'ctx>, BasicBlock<'ctx>)]) {
        // SAFETY: valid operands; case values are constants of `v`'s type.
        unsafe {
            let s = LLVMBuildSwitch(self.raw, v.raw, default.raw, cases.len() as u32);
            for (c, bb) in cases {
                LLVMAddCase(s, c.raw, bb.raw);
            }
        }
    }
    /// `ret void`.
    pub fn ret_void(&self) {
        // SAFETY: valid builder.
        unsafe { LLVMBuildRetVoid(self.raw) };
    }
    /// `ret v`.
    pub fn ret(&self, v: Value<'ctx>) {
        // SAFETY: valid operand.
        unsafe { LLVMBuildRet(self.raw, v.raw) };
    }
    /// `unreachable`.
    pub fn unreachable(&self) {
        // SAFETY: valid builder.
        unsafe { LLVMBuildUnreachable(self.raw) };
    }
    /// `extractvalue agg, idx`.
    pub fn extract_value(&self, agg: Value<'ctx>, idx: u32) -> Value<'ctx> {
        // SAFETY: valid aggregate operand.
        self.v(unsafe { LLVMBuildExtractValue(self.raw, agg.raw, idx, EMPTY) })
    }
    /// `insertvalue agg, v, idx`.
    pub fn insert_value(&self, agg: Value<'ctx>, v: Value<'ctx>, idx: u32) -> Value<'ctx> {
        // SAFETY: valid operands.
        self.v(unsafe { LLVMBuildInsertValue(self.raw, agg.raw, v.raw, idx, EMPTY) })
    }
    /// `extractelement vec, idx`.
    pub fn extract_element(&self, vec: Value<'ctx>, idx: Value<'ctx>) -> Value<'ctx> {
        // SAFETY: valid operands.
        self.v(unsafe { LLVMBuildExtractElement(self.raw, vec.raw, idx.raw, EMPTY) })
    }
    /// `insertelement vec, v, idx`.
    pub fn insert_element(&self, vec: Value<'ctx>, v: Value<'ctx>, idx: Value<'ctx>) -> Value<'ctx> {
        // SAFETY: valid operands.
        self.v(unsafe { LLVMBuildInsertElement(self.raw, vec.raw, v.raw, idx.raw, EMPTY) })
    }
    /// `shufflevector a, b, mask` (mask = constant vector of i32).
    pub fn shuffle(&self, a: Value<'ctx>, b: Value<'ctx>, mask: Value<'ctx>) -> Value<'ctx> {
        // SAFETY: valid operands.
        self.v(unsafe { LLVMBuildShuffleVector(self.raw, a.raw, b.raw, mask.raw, EMPTY) })
    }
}

/// Initialise the native target once.
fn init_native() -> bool {
    static INIT: Once = Once::new();
    static mut OK: bool = false;
    INIT.call_once(|| {
        // SAFETY: LLVM target initialisation, performed once under `Once`.
        unsafe {
            let a = LLVM_InitializeNativeTarget();
            let b = LLVM_InitializeNativeAsmPrinter();
            // Every other target LLVM was built with, for cross compilation
            // (`wasmlite compile --target`, `Build::target`).
            llvm_sys::target::LLVM_InitializeAllTargetInfos();
            llvm_sys::target::LLVM_InitializeAllTargets();
            llvm_sys::target::LLVM_InitializeAllTargetMCs();
            llvm_sys::target::LLVM_InitializeAllAsmPrinters();
            OK = a == 0 && b == 0;
            parse_llvm_args();
        }
    });
    // SAFETY: written only inside call_once, which has completed (happens-before) here.
    unsafe { OK }
}

/// Environment variable with extra LLVM command-line options for every compilation of this
/// process, separated by whitespace (like clang's `-mllvm`; e.g.
/// `-x86-experimental-pref-innermost-loop-alignment=4`), for tuning and diagnosis. Read once,
/// before the first compilation; LLVM ignores options it does not know.
pub const LLVM_ARGS_ENV: &str = "WASMLITE_LLVM_ARGS";

/// LLVM options wasmlite sets for every compilation (before [`LLVM_ARGS_ENV`]'s, which may
/// override them by naming the same option).
///
/// `-x86-experimental-pref-innermost-loop-alignment=6`: innermost loops start at a 64-byte
/// boundary (x86 only; LLVM's default is 16 bytes). Without it, a kernel's speed depended on
/// where the linker happened to place its code: the same machine code of PolyBench gemm and
/// of the f32 matrix multiply ran 1.5-1.7x native at some offsets and 1.1-1.25x at others
/// (benches/, min of 5 interleaved runs). Aligning every jump target to 32 bytes
/// (`-align-all-nofallthru-blocks=5`) fixed it as well, but also pads cold trap paths. Code
/// size at O2: +4 % for hello-plugin's module and +7 % for benches' workloads (against +35 %
/// and +9 % for the 32-byte jump targets).
const DEFAULT_LLVM_ARGS: &[&str] = &["-x86-experimental-pref-innermost-loop-alignment=6"];

/// Pass [`DEFAULT_LLVM_ARGS`] and [`LLVM_ARGS_ENV`]'s options to LLVM's option parser (once,
/// from `init_native`).
fn parse_llvm_args() {
    let user = std::env::var(LLVM_ARGS_ENV).unwrap_or_default();
    let user: Vec<&str> = user.split_whitespace().collect();
    fn option_name(a: &str) -> &str {
        a.trim_start_matches('-').split('=').next().unwrap_or_default()
    }
    let defaults = DEFAULT_LLVM_ARGS.iter().copied().filter(|d| !user.iter().any(|u| option_name(u) == option_name(d)));
    let owned: Vec<CString> = std::iter::once("wasmlite")
        .chain(defaults)
        .chain(user.iter().copied())
        .filter_map(|a| CString::new(a).ok())
        .collect();
    let ptrs: Vec<*const c_char> = owned.iter().map(|a| a.as_ptr()).collect();
    // SAFETY: `ptrs` holds `ptrs.len()` NUL-terminated strings that outlive the call; the
    // overview string is NUL-terminated. Called once, before any compilation.
    unsafe { llvm_sys::support::LLVMParseCommandLineOptions(ptrs.len() as i32, ptrs.as_ptr(), c"wasmlite".as_ptr()) };
}

/// A target machine.
pub struct TargetMachine {
    raw: LLVMTargetMachineRef,
    triple: CString,
    /// The `tune-cpu` of every function compiled with it (`None`: tuned for `cpu`).
    tune: Option<String>,
}

/// The host's default target triple.
pub fn default_triple() -> String {
    // SAFETY: returns an LLVM-allocated string, disposed by take_message.
    take_message(unsafe { LLVMGetDefaultTargetTriple() })
}

/// The CPU of the machine running this process (`LLVMGetHostCPUName`).
pub fn host_cpu() -> String {
    // SAFETY: returns an LLVM-allocated string, disposed by take_message.
    take_message(unsafe { llvm_sys::target_machine::LLVMGetHostCPUName() })
}

/// The CPU features of the machine running this process (`LLVMGetHostCPUFeatures`).
pub fn host_cpu_features() -> String {
    // SAFETY: returns an LLVM-allocated string, disposed by take_message.
    take_message(unsafe { llvm_sys::target_machine::LLVMGetHostCPUFeatures() })
}

impl TargetMachine {
    /// Create a PIC target machine for `triple`, CPU `cpu` with `features`, tuned for `tune`
    /// (the `tune-cpu` attribute [`Module::run_passes`] gives every function; `None`: `cpu`).
    pub fn new(triple: &str, cpu: &str, features: &str, tune: Option<&str>, opt_level: u8) -> Result<TargetMachine, String> {
        if !init_native() {
            return Err("cannot initialise the native LLVM target".into());
        }
        let t = cstr(triple);
        let c = cstr(cpu);
        let f = cstr(features);
        let mut target = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        // SAFETY: valid C strings; errors disposed by take_message.
        let rc = unsafe { LLVMGetTargetFromTriple(t.as_ptr(), &mut target, &mut err) };
        if rc != 0 || target.is_null() {
            return Err(format!("unknown or unsupported target triple {triple:?}: {}", take_message(err)));
        }
        let level = match opt_level {
            0 => LLVMCodeGenOptLevel::LLVMCodeGenLevelNone,
            1 => LLVMCodeGenOptLevel::LLVMCodeGenLevelLess,
            2 => LLVMCodeGenOptLevel::LLVMCodeGenLevelDefault,
            _ => LLVMCodeGenOptLevel::LLVMCodeGenLevelAggressive,
        };
        // SAFETY: valid target and strings.
        let raw = unsafe {
            LLVMCreateTargetMachine(
                target,
                t.as_ptr(),
                c.as_ptr(),
                f.as_ptr(),
                level,
                LLVMRelocMode::LLVMRelocPIC,
                LLVMCodeModel::LLVMCodeModelDefault,
            )
        };
        if raw.is_null() {
            return Err(format!("cannot create a target machine for {triple:?}"));
        }
        Ok(TargetMachine { raw, triple: t, tune: tune.map(str::to_string) })
    }

    /// The target triple.
    pub fn triple(&self) -> String {
        self.triple.to_string_lossy().into_owned()
    }

    /// Emit `module` as an object file into memory.
    pub fn emit_object(&self, module: &Module<'_>) -> Result<Vec<u8>, String> {
        self.emit(module, LLVMCodeGenFileType::LLVMObjectFile)
    }

    /// Emit `module` as textual assembly.
    pub fn emit_assembly(&self, module: &Module<'_>) -> Result<Vec<u8>, String> {
        self.emit(module, LLVMCodeGenFileType::LLVMAssemblyFile)
    }

    fn emit(&self, module: &Module<'_>, kind: LLVMCodeGenFileType) -> Result<Vec<u8>, String> {
        let mut err = std::ptr::null_mut();
        let mut buf = std::ptr::null_mut();
        // SAFETY: valid target machine/module; buffer and error disposed once.
        unsafe {
            let rc = LLVMTargetMachineEmitToMemoryBuffer(
                self.raw,
                module.raw,
                kind,
                &mut err,
                &mut buf,
            );
            if rc != 0 || buf.is_null() {
                return Err(format!("code emission failed: {}", take_message(err)));
            }
            let start = LLVMGetBufferStart(buf) as *const u8;
            let len = LLVMGetBufferSize(buf);
            let out = std::slice::from_raw_parts(start, len).to_vec();
            LLVMDisposeMemoryBuffer(buf);
            Ok(out)
        }
    }
}

impl Drop for TargetMachine {
    fn drop(&mut self) {
        // SAFETY: disposed exactly once.
        unsafe { LLVMDisposeTargetMachine(self.raw) }
    }
}

// Keep the imported predicate enums referenced for re-export clarity.
const _: Option<LLVMIntPredicate> = None;
const _: Option<LLVMRealPredicate> = None;
