//! Host functions: [`Func`], [`Caller`] and the array-ABI (and register-ABI) entries that run
//! them.

use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::any::{Any, TypeId};
use core::cell::RefCell;
use core::ffi::c_void;

use crate::abi::{self, FuncType, VMContext, VMFuncRef, ValRaw};
use crate::instance::InstanceCore;
use crate::memory::MemoryMut;
use crate::store::{Store, StoreState};
use crate::trap::{Trap, TrapKind};
use crate::val::{FuncRef, Val, WasmParams, WasmResults};

type DynFn = dyn FnMut(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap>;

pub(crate) enum HostKind {
    Dynamic(RefCell<Box<DynFn>>),
    /// `reg_entry` is [`typed_reg_entry::<H, P, R, F>`] if the signature allows the register
    /// convention, and `func` the boxed `F` the entries call (type-erased; only those entries
    /// turn it back). A function item `F` is zero-sized: the entries then call it directly
    /// (inlined).
    Typed { host_type: TypeId, host_type_name: &'static str, reg_entry: Option<abi::HostRegFn>, func: Box<dyn Any> },
}

pub(crate) struct HostFuncInner {
    pub(crate) ty: FuncType,
    pub(crate) kind: HostKind,
    /// The array-ABI entry that runs this function when bound ([`HostBinding`] as `ctx`):
    /// [`host_trampoline`] or the [`typed_entry`] of a typed function. Chosen by the
    /// constructor, so a binary without dynamic host functions does not link their code.
    pub(crate) entry: abi::ArrayFn,
}

#[derive(Clone)]
pub(crate) enum FuncKind {
    Host(Rc<HostFuncInner>),
    /// A function of an instance; `store` keeps the whole store (every VMContext the function
    /// may reach) alive.
    Wasm { funcref: *const VMFuncRef, ty: Rc<FuncType>, owner: Rc<InstanceCore>, store: Store },
}

/// A function: a host function, or a function of an instance (obtained from
/// [`crate::Instance::export`]). Cheap to clone.
#[derive(Clone)]
pub struct Func(pub(crate) FuncKind);

impl core::fmt::Debug for Func {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.0 {
            FuncKind::Host(h) => write!(f, "Func(host {})", h.ty),
            FuncKind::Wasm { funcref, ty, .. } => write!(f, "Func(wasm {ty} @ {funcref:p})"),
        }
    }
}

impl Func {
    /// A dynamic host function. `results` arrives filled with default values of the result
    /// types; the closure overwrites them.
    pub fn new(
        ty: FuncType,
        f: impl FnMut(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> Func {
        Func(FuncKind::Host(Rc::new(HostFuncInner { ty, kind: HostKind::Dynamic(RefCell::new(Box::new(f))), entry: host_trampoline })))
    }

    /// A typed host function that receives the host value `H` of the instance it is imported
    /// into (checked at instantiation). The host value lives in a `RefCell`: if the function
    /// re-enters wasm (e.g. through an exported [`Func`] kept in `H`) and wasm calls a typed
    /// host function of the same instance again, that inner call is a [`TrapKind::Host`] trap
    /// ("host value ... is already borrowed") instead of a second `&mut H`.
    ///
    /// `f` is any `Fn` (a function item, a function pointer, a closure); a function item or a
    /// closure without captures is called directly from the entry that wasm code calls.
    pub fn wrap<H: 'static, P: WasmParams, R: WasmResults>(
        f: impl Fn(&mut H, &mut Caller<'_>, P) -> Result<R, Trap> + 'static,
    ) -> Func {
        Func::wrap_typed(f)
    }

    fn wrap_typed<H: 'static, P: WasmParams, R: WasmResults, F: Fn(&mut H, &mut Caller<'_>, P) -> Result<R, Trap> + 'static>(
        f: F,
    ) -> Func {
        let ty = FuncType { params: P::types().into(), results: R::types().into() };
        let kind = HostKind::Typed {
            host_type: TypeId::of::<H>(),
            host_type_name: core::any::type_name::<H>(),
            reg_entry: if P::REG_PARAMS && R::REG_RESULT { Some(typed_reg_entry::<H, P, R, F>) } else { None },
            func: Box::new(f),
        };
        Func::host(HostFuncInner { ty, kind, entry: typed_entry::<H, P, R, F> })
    }

    /// The non-generic rest of a host function's construction (one copy for all signatures).
    #[inline(never)]
    fn host(inner: HostFuncInner) -> Func {
        Func(FuncKind::Host(Rc::new(inner)))
    }

    /// The function type.
    pub fn ty(&self) -> &FuncType {
        match &self.0 {
            FuncKind::Host(h) => &h.ty,
            FuncKind::Wasm { ty, .. } => ty,
        }
    }

    /// Call the function. Argument count/type mismatch → `BadSignature` trap; a funcref of
    /// another store → `Host` trap. A host function called this way gets a [`Caller`] without
    /// instance (no memory, no host value: typed host functions fail).
    pub fn call(&self, args: &[Val]) -> Result<Vec<Val>, Trap> {
        match &self.0 {
            FuncKind::Host(h) => {
                check_args(&h.ty, args)?;
                let mut caller = Caller { core: None };
                match &h.kind {
                    HostKind::Dynamic(f) => catch_panic(|| {
                        let mut results: Vec<Val> = h.ty.results.iter().map(|t| Val::default_for(*t)).collect();
                        call_dynamic(&h.ty, f, &mut caller, args, &mut results)?;
                        Ok(results)
                    }),
                    HostKind::Typed { .. } => Err(Trap::host("typed host function called without an instance host value")),
                }
            }
            FuncKind::Wasm { funcref, ty, owner, .. } => owner.call_funcref(*funcref, ty, args),
        }
    }

    /// The function reference of a wasm function (`None` for an unbound host function).
    pub fn funcref(&self) -> Option<FuncRef> {
        match &self.0 {
            FuncKind::Host(_) => None,
            // SAFETY: the funcref is a slot of the owner's VMContext, of store `owner.store`.
            FuncKind::Wasm { funcref, owner, .. } => unsafe { FuncRef::from_raw_in(*funcref as *mut c_void, owner.store.id) },
        }
    }
}

pub(crate) fn check_args(ty: &FuncType, args: &[Val]) -> Result<(), Trap> {
    if args.len() != ty.params.len() {
        return Err(Trap::with_message(
            TrapKind::BadSignature,
            format!("expected {} arguments, got {}", ty.params.len(), args.len()),
        ));
    }
    for (i, (a, t)) in args.iter().zip(ty.params.iter()).enumerate() {
        if !a.matches(*t) {
            return Err(Trap::with_message(
                TrapKind::BadSignature,
                format!("argument {i}: expected {t}, got {}", a.ty()),
            ));
        }
    }
    Ok(())
}

/// Handed to host functions: access to the calling instance.
pub struct Caller<'a> {
    pub(crate) core: Option<&'a InstanceCore>,
}

impl Caller<'_> {
    /// Memory 0 of the calling instance, borrowed (`Host` trap "the caller has no memory 0" if there is none,
    /// `Host` trap if the memory is already borrowed). Drop the guard before calling back into
    /// wasm: wasm code does not run while one of its store's memories is borrowed.
    pub fn memory(&mut self) -> Result<MemoryMut<'_>, Trap> {
        self.memory_at(0)
    }

    /// Memory `index` of the calling instance, borrowed (see [`Caller::memory`]).
    pub fn memory_at(&mut self, index: u32) -> Result<MemoryMut<'_>, Trap> {
        let core = self.core.ok_or_else(|| Trap::host(format!("the caller has no memory {index}")))?;
        let m = core.memories.get(index as usize).ok_or_else(|| Trap::host(format!("the caller has no memory {index}")))?;
        m.0.try_borrow_mut().map(MemoryMut).map_err(|_| Trap::host(format!("memory {index} of the caller is already borrowed")))
    }

    /// Whether a calling instance is available.
    pub fn has_instance(&self) -> bool {
        self.core.is_some()
    }
}

/// One host function bound into one instance: what `VMFuncRef::array_ctx` points to.
pub(crate) struct HostBinding {
    pub(crate) func: Rc<HostFuncInner>,
    /// The importing instance's `RefCell<H>` (typed functions) or null.
    pub(crate) host: *const (),
    /// The store of the importing instance: the store of every caller (functions are linked
    /// only within a store).
    pub(crate) store: Rc<StoreState>,
    /// A typed function's `F` (`HostKind::Typed::func`, read by its entries), or null.
    pub(crate) typed: *const (),
}

impl HostBinding {
    /// Bind `func` into an instance of `store` whose host value (`RefCell<H>`, boxed: never
    /// null) is `host`.
    pub(crate) fn new(func: Rc<HostFuncInner>, host: *const (), store: Rc<StoreState>) -> HostBinding {
        let (host, typed) = match &func.kind {
            HostKind::Typed { func: f, .. } => (host, &**f as *const dyn Any as *const ()),
            HostKind::Dynamic(_) => (core::ptr::null(), core::ptr::null()),
        };
        HostBinding { func, host, store, typed }
    }
}

fn call_dynamic(
    ty: &FuncType,
    f: &RefCell<Box<DynFn>>,
    caller: &mut Caller<'_>,
    params: &[Val],
    results: &mut [Val],
) -> Result<(), Trap> {
    let mut f = f.try_borrow_mut().map_err(|_| Trap::host("recursive call of a dynamic host function"))?;
    f(caller, params, results)?;
    for (i, (r, t)) in results.iter().zip(ty.results.iter()).enumerate() {
        if !r.matches(*t) {
            return Err(Trap::host(format!("host function result {i}: expected {t}, got {}", r.ty())));
        }
    }
    Ok(())
}

/// Run a bound dynamic host function on array-ABI slots of store `store`.
fn invoke_dynamic(h: &HostFuncInner, caller: &mut Caller<'_>, slots: &mut [ValRaw], store: u64) -> Result<(), Trap> {
    let HostKind::Dynamic(f) = &h.kind else {
        return Err(Trap::host("typed host function bound without its typed entry"));
    };
    // SAFETY: validated wasm code passes values of the parameter types; funcrefs are of its
    // own store.
    let params: Vec<Val> =
        h.ty.params.iter().zip(slots.iter()).map(|(t, s)| unsafe { Val::from_raw(*s, *t, store) }).collect();
    let mut results: Vec<Val> = h.ty.results.iter().map(|t| Val::default_for(*t)).collect();
    call_dynamic(&h.ty, f, caller, &params, &mut results)?;
    for (slot, r) in slots.iter_mut().zip(&results) {
        r.check_store(store)?;
        *slot = r.to_raw();
    }
    Ok(())
}

#[cfg(feature = "std")]
#[inline(always)]
fn catch_panic<T, E: From<Trap>>(f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(panic_trap(payload).into()),
    }
}

/// The trap of a host function that panicked with `payload` (out of line: the call path of
/// every host function inlines [`catch_panic`]).
#[cfg(feature = "std")]
#[cold]
#[inline(never)]
fn panic_trap(payload: Box<dyn Any + Send>) -> Trap {
    let msg: String = if let Some(s) = payload.downcast_ref::<&str>() {
        String::from(*s)
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("<non-string panic payload>")
    };
    Trap::host(format!("host function panicked: {msg}"))
}

/// Without `std`, panics in host functions are not caught (they abort or unwind per the
/// panic strategy of the final binary); never let a host function panic in `no_std`.
#[cfg(not(feature = "std"))]
fn catch_panic<T, E>(f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    f()
}

impl HostFuncInner {
    pub(crate) fn bind_check(&self, host_type: TypeId, host_type_name: &str) -> Result<(), String> {
        match &self.kind {
            HostKind::Typed { host_type: t, host_type_name: n, .. } if *t != host_type => {
                Err(format!("host function expects host value of type `{n}`, the instance has `{host_type_name}`"))
            }
            _ => Ok(()),
        }
    }

    /// The register-ABI entry that runs this function when bound (`VMFuncRef::host`): only
    /// typed functions whose signature allows it have one.
    pub(crate) fn reg_entry(&self) -> Option<abi::HostRegFn> {
        match &self.kind {
            HostKind::Dynamic(_) => None,
            HostKind::Typed { reg_entry, .. } => *reg_entry,
        }
    }
}

/// The calling instance and the store of a bound host function called with `caller_vmctx`.
///
/// # Safety
/// `caller_vmctx` is null or a live VMContext created by this runtime.
#[inline(always)]
unsafe fn caller_of(b: &HostBinding, caller_vmctx: *mut VMContext) -> (Option<&InstanceCore>, &StoreState) {
    let core: Option<&InstanceCore> = if caller_vmctx.is_null() {
        None
    } else {
        // SAFETY: a runtime-created VMContext stores the InstanceCore back-pointer at
        // VMCTX_INSTANCE; the core outlives its VMContext.
        unsafe { (*((caller_vmctx as *const u8).add(abi::VMCTX_INSTANCE as usize) as *const *const InstanceCore)).as_ref() }
    };
    // Every caller is of the binding's store (linking across stores is an error).
    (core, &b.store)
}

/// The `max(params, results)` array-ABI slots of a host function of type `ty` at `values`.
///
/// # Safety
/// `values` is null or points to that many slots, valid for `'a`.
#[inline(always)]
unsafe fn slots_of<'a>(ty: &FuncType, values: *mut ValRaw) -> &'a mut [ValRaw] {
    // SAFETY: per the function contract.
    unsafe { slots_at(values, ty.params.len().max(ty.results.len())) }
}

/// The `n` array-ABI slots at `values`.
///
/// # Safety
/// `values` is null (only if `n` is 0) or points to `n` slots, valid for `'a`.
#[inline(always)]
unsafe fn slots_at<'a>(values: *mut ValRaw, n: usize) -> &'a mut [ValRaw] {
    if n == 0 || values.is_null() {
        &mut []
    } else {
        // SAFETY: per the function contract.
        unsafe { core::slice::from_raw_parts_mut(values, n) }
    }
}

/// What the entry of bound host function `b` returns for a call that ended with `r`: back into
/// wasm no memory or table of the store may still be borrowed; a failure is left in the store
/// for the trap path. `Err(None)` is a typed function that could not run (see
/// [`entry_failure`]). (The common case, a result and no borrow taken since the last check,
/// is the only code inlined into the entries: everything else is one out-of-line call, and
/// the entries' fast path calls nothing.)
#[inline(always)]
fn finish<T, O: EntryRet<T>>(b: &HostBinding, r: Result<T, Option<Trap>>) -> O {
    match r {
        Ok(v) if b.store.is_clean() => O::ret(v, abi::trap::NONE),
        Ok(v) => check_borrows(&b.store, v),
        Err(t) => failed(b, t),
    }
}

/// [`finish`] of a result while a borrow may be alive.
#[cold]
#[inline(never)]
fn check_borrows<T, O: EntryRet<T>>(store: &StoreState, v: T) -> O {
    match store.check_unborrowed() {
        Ok(()) => O::ret(v, abi::trap::NONE),
        Err(t) => O::fail(fail(store, t)),
    }
}

/// [`finish`] of a failure.
#[cold]
#[inline(never)]
fn failed<T, O: EntryRet<T>>(b: &HostBinding, t: Option<Trap>) -> O {
    O::fail(fail(&b.store, t.unwrap_or_else(|| entry_failure(b))))
}

/// Why the typed function of `b` could not run (`Err(None)` from [`run_typed`]): an outer
/// typed host call holds the instance's host value.
fn entry_failure(b: &HostBinding) -> Trap {
    match &b.func.kind {
        HostKind::Typed { host_type_name, .. } => already_borrowed(host_type_name),
        HostKind::Dynamic(_) => Trap::host("dynamic host function bound to a typed entry"),
    }
}

/// The return value of an entry: the trap code of the array ABI, or the register ABI's
/// [`abi::HostRet`] with a result of type `T`.
trait EntryRet<T> {
    /// Result `v` and trap code `code`.
    fn ret(v: T, code: u32) -> Self;
    /// Trap code `code` (not 0), no result.
    fn fail(code: u32) -> Self;
}

impl EntryRet<()> for u32 {
    #[inline(always)]
    fn ret((): (), code: u32) -> u32 {
        code
    }
    #[inline(always)]
    fn fail(code: u32) -> u32 {
        code
    }
}

impl EntryRet<u64> for abi::HostRet {
    #[inline(always)]
    fn ret(value: u64, code: u32) -> abi::HostRet {
        abi::HostRet { value, code: code as u64 }
    }
    #[inline(always)]
    fn fail(code: u32) -> abi::HostRet {
        abi::HostRet { value: 0, code: code as u64 }
    }
}

/// Hand a host function's failure to the wasm caller: an exception to rethrow in wasm, or a
/// trap (kept in the store) to raise.
#[cold]
#[inline(never)]
fn fail(store: &StoreState, t: Trap) -> u32 {
    // Without exception handling in the store's code, nothing could catch the exception: it
    // is raised as the trap it is (and reaches the host caller unchanged).
    let ops = store.exn_ops.get();
    match t.exception().zip(ops).map(|(e, ops)| (ops.to_wasm)(store, e)) {
        // The host function throws: the import stub rethrows the exception in wasm.
        Some(Ok(exn)) => {
            // SAFETY: the store's VMStore is live.
            unsafe { (*store.vm.get()).exception = exn };
            abi::trap::EXCEPTION
        }
        Some(Err(e)) => {
            *store.pending.borrow_mut() = Some(e);
            abi::trap::HOST
        }
        None => {
            *store.pending.borrow_mut() = Some(t);
            abi::trap::HOST
        }
    }
}

/// The array-ABI entry of a bound dynamic host function ([`Func::new`]).
///
/// # Safety
/// `ctx` must be a live `HostBinding`; `caller_vmctx` null or a live VMContext created by this
/// runtime; `values` points to `max(params, results)` slots.
pub(crate) unsafe extern "C" fn host_trampoline(ctx: *mut c_void, caller_vmctx: *mut VMContext, values: *mut ValRaw) -> u32 {
    // SAFETY: per the function contract.
    let b = unsafe { &*(ctx as *const HostBinding) };
    // SAFETY: per the function contract.
    let (core, store) = unsafe { caller_of(b, caller_vmctx) };
    // SAFETY: per the function contract.
    let slots = unsafe { slots_of(&b.func.ty, values) };
    let mut caller = Caller { core };
    finish(b, catch_panic(|| invoke_dynamic(&b.func, &mut caller, slots, store.id).map_err(Some)))
}

/// The array-ABI entry of a bound typed host function `F` ([`Func::wrap`]):
/// one per signature, host type and function item, so the call, the parameter loads and the result stores
/// are direct code.
///
/// # Safety
/// As [`host_trampoline`], and the binding's function is typed with exactly `H`, `P`, `R`
/// (the `entry` of its [`HostKind::Typed`]).
unsafe extern "C" fn typed_entry<H: 'static, P: WasmParams, R: WasmResults, F: Fn(&mut H, &mut Caller<'_>, P) -> Result<R, Trap>>(
    ctx: *mut c_void,
    caller_vmctx: *mut VMContext,
    values: *mut ValRaw,
) -> u32 {
    // SAFETY: per the function contract.
    let b = unsafe { &*(ctx as *const HostBinding) };
    let n = match (P::ARITY, R::ARITY) {
        (Some(p), Some(r)) => p.max(r),
        _ => b.func.ty.params.len().max(b.func.ty.results.len()),
    };
    // SAFETY: per the function contract (`values` points to max(params, results) slots, and
    // the binding's type is `P -> R`); wasm code (or `Func::call`, which type-checks) passes
    // values of the parameter types, and funcrefs of the calling store.
    let load = |store| unsafe { P::load(slots_at(values, n), store) };
    // SAFETY: as above; the parameters were read before.
    let save = |r: R, store| r.store(unsafe { slots_at(values, n) }, store);
    // SAFETY: per the function contract.
    finish(b, unsafe { run_typed::<H, P, R, F, ()>(b, caller_vmctx, load, save) })
}

/// The register-ABI entry ([`abi::HostRegFn`], `VMFuncRef::host`) of a bound typed host
/// function `F` whose signature allows it (`P::REG_PARAMS`, `R::REG_RESULT`): the same as
/// [`typed_entry`], with the parameters and the result in registers.
///
/// # Safety
/// As [`typed_entry`]; `a0..a3` hold the parameters' bits (see [`abi::HostRegFn`]).
unsafe extern "C" fn typed_reg_entry<H: 'static, P: WasmParams, R: WasmResults, F: Fn(&mut H, &mut Caller<'_>, P) -> Result<R, Trap>>(
    ctx: *mut c_void,
    caller_vmctx: *mut VMContext,
    a0: u64,
    a1: u64,
    a2: u64,
    a3: u64,
) -> abi::HostRet {
    // SAFETY: per the function contract.
    let b = unsafe { &*(ctx as *const HostBinding) };
    let load = |_| P::from_regs([a0, a1, a2, a3]);
    let save = |r: R, _| Ok(r.result_reg());
    // SAFETY: per the function contract.
    finish(b, unsafe { run_typed::<H, P, R, F, u64>(b, caller_vmctx, load, save) })
}

/// The body of both entries of a bound typed host function `F`: borrows the instance's host
/// value `H` and calls `F` with the parameters `load` returns, whose result `save` converts
/// (both get the store's id), catching a panic. `Err(None)`: `F` could not run (its host value
/// is borrowed; see [`entry_failure`]).
///
/// # Safety
/// `caller_vmctx` is null or a live VMContext created by this runtime, and `b`'s function is
/// typed with exactly `H`, `P`, `R`, `F` (it was bound with its own entries).
#[inline(always)]
unsafe fn run_typed<H: 'static, P, R, F: Fn(&mut H, &mut Caller<'_>, P) -> Result<R, Trap>, T>(
    b: &HostBinding,
    caller_vmctx: *mut VMContext,
    load: impl FnOnce(u64) -> P,
    save: impl FnOnce(R, u64) -> Result<T, Trap>,
) -> Result<T, Option<Trap>> {
    // SAFETY: per the function contract.
    let (core, store) = unsafe { caller_of(b, caller_vmctx) };
    // SAFETY: `typed` points to the `F` that `Func::wrap` paired with this entry (the function
    // contract: this entry is bound only with its own typed function), owned by the binding's
    // function, which outlives the call.
    let f = unsafe { &*(b.typed as *const F) };
    let mut caller = Caller { core };
    let host = b.host;
    catch_panic(|| {
        // SAFETY: a typed function's binding holds the instance's boxed `RefCell<H>` (never
        // null: `HostBinding::new`; TypeId checked at instantiation); it lives as long as the
        // instance core, which outlives this call.
        let cell = unsafe { &*(host as *const RefCell<H>) };
        let mut h = cell.try_borrow_mut().map_err(|_| None)?;
        let r = f(&mut h, &mut caller, load(store.id))?;
        Ok(save(r, store.id)?)
    })
}

/// The trap of a typed host function whose host value is borrowed by an outer one.
#[cold]
#[inline(never)]
fn already_borrowed(host_type: &str) -> Trap {
    Trap::host(format!(
        "host value of type `{host_type}` is already borrowed (a typed host function re-entered wasm, which called back into a typed host function of the same instance)"
    ))
}
