//! Exception handling (runtime core; unsafe): tags, exception objects, the personality
//! routine and the `throw`/`throw_ref`/`exn_release` builtins.
//!
//! A wasm exception is a [`VMException`] (its first field is the Itanium `_Unwind_Exception`
//! header) inside an [`ExnBox`] owned by the store's [`ExnHeap`]. `throw` allocates one and
//! makes it ready to raise; generated code raises it with libgcc's `_Unwind_RaiseException`
//! itself (linked by Rust's `std`, so raising needs the `std` feature; no Rust frame is
//! unwound, see `abi::Builtins::throw`). Generated code has catch-all landing pads;
//! [`personality`] walks the LSDA call-site table of each frame and stops at any call site
//! with a landing pad; the pad's code matches the tag. Every array entry (the host→wasm
//! boundary) has such a pad, so an exception never unwinds into host frames: it returns
//! `trap::EXCEPTION` with the exception in `VMStore::exception`, which becomes a
//! [`TrapKind::UncaughtException`] trap carrying an [`Exception`]. A host function throws by
//! returning [`Trap::throw`]; the
//! import stub then rethrows it in wasm.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::abi::{self, trap, FuncType, ValRaw, VMContext, VMException, VMStore};
use crate::instance::InstanceCore;
use crate::store::StoreState;
use crate::trap::Trap;
use crate::val::Val;

static NEXT_TAG_ID: AtomicU64 = AtomicU64::new(1);

/// An exception tag: a nominal identity plus a type (the types of its payload). Every
/// defined tag of every instance is a new tag; an imported tag is the exporter's tag (equal
/// identity, so an exception thrown with either is caught by either). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Tag {
    id: u64,
    type_id: u64,
    ty: Arc<FuncType>,
}

impl PartialEq for Tag {
    fn eq(&self, other: &Tag) -> bool {
        self.id == other.id
    }
}
impl Eq for Tag {}

impl Tag {
    /// A new tag (a fresh identity) whose payload has `params` types.
    pub fn new(params: Vec<abi::ValType>) -> Tag {
        let ty = FuncType { params: params.into(), results: Vec::new().into() };
        Tag::with_type(crate::types::intern(&ty), ty)
    }

    pub(crate) fn with_type(type_id: u64, ty: FuncType) -> Tag {
        Tag { id: NEXT_TAG_ID.fetch_add(1, Ordering::Relaxed), type_id, ty: Arc::new(ty) }
    }

    /// The tag's type (`params` = payload types; results are empty).
    pub fn ty(&self) -> &FuncType {
        &self.ty
    }

    /// The canonical identity generated code compares (`tag_ids` in the VMContext).
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Canonical id of the tag's type (import matching).
    pub(crate) fn type_id(&self) -> u64 {
        self.type_id
    }
}

/// A wasm exception seen from the host: its tag and payload. Carried by a
/// [`TrapKind::UncaughtException`](crate::TrapKind::UncaughtException) trap
/// ([`Trap::exception`]); a host function throws one with [`Trap::throw`].
#[derive(Clone, Debug, PartialEq)]
pub struct Exception {
    tag: Tag,
    payload: Vec<Val>,
}

// SAFETY: the only non-thread-safe data are the references in the payload (`FuncRef`,
// `ExnRef`): plain addresses tagged with their store's id. They can only be dereferenced by
// passing them to wasm code, tables or globals of that store, which checks the id; a store
// never leaves its thread, so on any other thread they are inert values.
unsafe impl Send for Exception {}
// SAFETY: as above; `Exception` has no interior mutability.
unsafe impl Sync for Exception {}

impl Exception {
    /// An exception of `tag` with `payload` (checked against the tag's parameter types).
    pub fn new(tag: &Tag, payload: Vec<Val>) -> Result<Exception, Trap> {
        let ps = tag.ty.params.iter();
        if ps.len() != payload.len() || !payload.iter().zip(ps).all(|(v, t)| v.matches(*t)) {
            return Err(Trap::host(alloc::format!("exception payload does not match the tag's type {}", tag.ty)));
        }
        Ok(Exception { tag: tag.clone(), payload })
    }

    /// The tag.
    pub fn tag(&self) -> &Tag {
        &self.tag
    }

    /// The payload values (one per tag parameter).
    pub fn payload(&self) -> &[Val] {
        &self.payload
    }
}

/// A non-null exception reference (`exnref`) of one store: an exception caught with
/// `catch_ref`/`catch_all_ref` and handed around as a value. It lives until its store is
/// dropped; it can only be passed back to wasm code of that store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExnRef {
    ptr: NonNull<VMException>,
    store: u64,
}

impl ExnRef {
    /// From a raw pointer (`None` for null); the pointer must be null or an escaped
    /// exception of store `store`.
    pub(crate) fn from_raw_in(p: *mut core::ffi::c_void, store: u64) -> Option<ExnRef> {
        NonNull::new(p as *mut VMException).map(|ptr| ExnRef { ptr, store })
    }
    /// Raw form (`ValRaw::ptr`).
    pub fn to_raw(&self) -> *mut core::ffi::c_void {
        self.ptr.as_ptr() as *mut core::ffi::c_void
    }
    pub(crate) fn store(&self) -> u64 {
        self.store
    }
}

/// The runtime side of an exception object; `vm` first, so a `*mut VMException` is a
/// `*mut ExnBox`.
#[repr(C)]
pub(crate) struct ExnBox {
    vm: VMException,
    tag: Tag,
    payload: Vec<ValRaw>,
}

/// Every exception object of a store. An object is freed by `exn_release` (caught by
/// `catch`/`catch_all` and never exposed as an `exnref`), when it becomes an uncaught
/// exception's [`Trap`] without having escaped, or with the store.
#[derive(Default)]
pub(crate) struct ExnHeap {
    live: RefCell<crate::sorted::SortedMap<usize, ()>>,
}

impl ExnHeap {
    /// A new exception object (not yet raised).
    pub(crate) fn alloc(&self, tag: Tag, payload: Vec<ValRaw>) -> *mut VMException {
        let mut b = Box::new(ExnBox {
            vm: VMException {
                unwind: [abi::EXCEPTION_CLASS, 0, 0, 0],
                personality: None,
                tag_id: tag.id,
                payload: core::ptr::null_mut(),
                escaped: 0,
                _pad: 0,
            },
            tag,
            payload,
        });
        b.vm.payload = b.payload.as_mut_ptr();
        let p = Box::into_raw(b);
        self.live.borrow_mut().insert(p as usize, ());
        p as *mut VMException
    }

    /// The object `exn` if it belongs to this heap.
    fn get(&self, exn: *mut VMException) -> Option<*mut ExnBox> {
        self.live.borrow().contains_key(&(exn as usize)).then_some(exn as *mut ExnBox)
    }

    /// Free `exn` unless an `exnref` may refer to it.
    pub(crate) fn release(&self, exn: *mut VMException) {
        let Some(b) = self.get(exn) else { return };
        // SAFETY: a live object of this heap.
        if unsafe { (*b).vm.escaped } != 0 {
            return;
        }
        self.live.borrow_mut().remove(&(exn as usize));
        // SAFETY: allocated by `alloc` with Box::into_raw and removed from the set: freed once.
        drop(unsafe { Box::from_raw(b) });
    }

    /// The host view of exception `exn` of store `store`, and release it.
    pub(crate) fn take(&self, exn: *mut VMException, store: u64) -> Option<Exception> {
        let b = self.get(exn)?;
        // SAFETY: a live object of this heap; its payload holds values of the tag's params.
        let e = unsafe {
            let tag = (*b).tag.clone();
            let payload = tag.ty.params.iter().zip(&(*b).payload).map(|(t, r)| Val::from_raw(*r, *t, store)).collect();
            Exception { tag, payload }
        };
        self.release(exn);
        Some(e)
    }

    /// A new object for a host exception, to be raised in wasm of store `store`.
    pub(crate) fn alloc_host(&self, e: &Exception, store: u64) -> Result<*mut VMException, Trap> {
        let mut raw = Vec::with_capacity(e.payload.len());
        for v in &e.payload {
            v.check_store(store)?;
            raw.push(v.to_raw());
        }
        Ok(self.alloc(e.tag.clone(), raw))
    }
}

/// The conversions between host exceptions and exception objects of a store
/// (`StoreState::exn_ops`, instantiation part `EXCEPTIONS`): linked
/// only into programs with a module whose code uses exception handling.
pub(crate) struct ExnOps {
    /// A host function's exception as a new object to raise in wasm code of the store.
    pub(crate) to_wasm: fn(&StoreState, &Exception) -> Result<*mut VMException, Trap>,
    /// The trap of the uncaught exception object `exn` (released).
    pub(crate) uncaught: fn(&StoreState, *mut VMException) -> Trap,
}

/// The [`ExnOps`] of every store.
pub(crate) static EXN_OPS: ExnOps = ExnOps {
    to_wasm: |store, e| store.exceptions.alloc_host(e, store.id),
    uncaught: |store, exn| match store.exceptions.take(exn, store.id) {
        Some(e) => Trap::throw(e),
        None => Trap::new(crate::trap::TrapKind::UncaughtException),
    },
};

impl Drop for ExnHeap {
    fn drop(&mut self) {
        for (p, ()) in self.live.get_mut().take() {
            // SAFETY: every address in the set is a live Box<ExnBox> (freed exactly once here).
            drop(unsafe { Box::from_raw(p as *mut ExnBox) });
        }
    }
}

/// # Safety
/// `vmctx` must be a VMContext created by this runtime.
unsafe fn core_of<'a>(vmctx: *mut VMContext) -> &'a InstanceCore {
    // SAFETY: per the contract the back-pointer is a live InstanceCore.
    unsafe { &*(*((vmctx as *const u8).add(abi::VMCTX_INSTANCE as usize) as *const *const InstanceCore)) }
}

/// `throw` builtin (see `abi::Builtins::throw`).
///
/// # Safety
/// Called by generated code: `vmctx` live, `values` holds one slot per parameter of tag `tag`.
pub(crate) unsafe extern "C" fn throw(vmctx: *mut VMContext, tag: u32, values: *const ValRaw) -> u32 {
    let (vm, exn) = {
        // SAFETY: per the contract.
        let core = unsafe { core_of(vmctx) };
        let Some(t) = core.tags.get(tag as usize) else {
            *core.store.pending.borrow_mut() = Some(Trap::host(alloc::format!("throw of unknown tag {tag}")));
            return trap::HOST;
        };
        let n = t.ty.params.len();
        // SAFETY: generated code passes n slots.
        let payload = if n == 0 { Vec::new() } else { unsafe { core::slice::from_raw_parts(values, n) }.to_vec() };
        (core.store.vm.get(), core.store.exceptions.alloc(t.clone(), payload))
    };
    // SAFETY: a fresh exception object of the store.
    unsafe { prepare(vm, exn) }
}

/// `throw_ref` builtin (see `abi::Builtins::throw_ref`).
///
/// # Safety
/// Called by generated code: `vmctx` live, `exn` null or an exception of its store.
pub(crate) unsafe extern "C" fn throw_ref(vmctx: *mut VMContext, exn: *mut VMException) -> u32 {
    if exn.is_null() {
        return trap::NULL_REFERENCE;
    }
    // SAFETY: per the contract.
    let core = unsafe { core_of(vmctx) };
    // Defence in depth: only exceptions of this store are raised (an `exnref` of another
    // store is refused wherever the host hands one in).
    if core.store.exceptions.get(exn).is_none() {
        *core.store.pending.borrow_mut() = Some(Trap::host("throw_ref of an exception of another store"));
        return trap::HOST;
    }
    let vm = core.store.vm.get();
    // SAFETY: as above.
    unsafe { prepare(vm, exn) }
}

/// `exn_release` builtin (see `abi::Builtins::exn_release`).
///
/// # Safety
/// Called by generated code with a live `vmctx`.
pub(crate) unsafe extern "C" fn exn_release(vmctx: *mut VMContext, exn: *mut VMException) {
    // SAFETY: per the contract.
    unsafe { core_of(vmctx) }.store.exceptions.release(exn);
}

/// Make `exn` ready to be raised (again: a caught exception may be thrown once more) and leave
/// it in `VMStore::exception` for generated code, which raises it with `raise_exception`.
/// Returns `trap::EXCEPTION`.
///
/// # Safety
/// `vm` live; `exn` a live exception object of that store.
unsafe fn prepare(vm: *mut VMStore, exn: *mut VMException) -> u32 {
    // SAFETY: exn is live; the header is re-initialised for each raise.
    unsafe {
        (*exn).unwind = [abi::EXCEPTION_CLASS, 0, 0, 0];
        #[cfg(feature = "std")]
        {
            (*exn).personality = Some(personality);
        }
        (*vm).exception = exn;
    }
    trap::EXCEPTION
}

/// The exception object that carries traps on this thread ([`trap_exception`]).
#[cfg(feature = "std")]
struct TrapException(core::cell::UnsafeCell<VMException>);

#[cfg(feature = "std")]
std::thread_local! {
    static TRAP_EXCEPTION: TrapException = const {
        TrapException(core::cell::UnsafeCell::new(VMException {
            unwind: [0; 4],
            personality: None,
            tag_id: 0,
            payload: core::ptr::null_mut(),
            escaped: 0,
            _pad: 0,
        }))
    };
}

/// Builtin `trap_exception` (`abi::Builtins::trap_exception`): this thread's trap exception
/// (class `abi::TRAP_CLASS`), its header initialised for a raise and the trap code recorded in
/// `vmctx`'s store copied into `tag_id` (the boundary returns it). One object per thread: a
/// trap ends at the innermost boundary before wasm code can raise another. No allocation and
/// no lock, so the signal handler uses it too (null if the thread is being torn down).
///
/// # Safety
/// `vmctx` is a live VMContext.
pub(crate) unsafe extern "C" fn trap_exception(vmctx: *mut VMContext) -> *mut VMException {
    #[cfg(feature = "std")]
    {
        TRAP_EXCEPTION
            .try_with(|t| {
                let exn = t.0.get();
                // SAFETY: the object is this thread's and no trap of this thread is in flight;
                // `vmctx` is live and points to its store's VMStore.
                unsafe {
                    let vm = *((vmctx as *const u8).add(abi::VMCTX_STORE as usize) as *const *const VMStore);
                    (*exn).unwind = [abi::TRAP_CLASS, 0, 0, 0];
                    (*exn).personality = Some(personality);
                    (*exn).tag_id = u64::from((*vm).trap_code);
                }
                exn
            })
            .unwrap_or(core::ptr::null_mut())
    }
    #[cfg(not(feature = "std"))]
    {
        let _ = vmctx;
        core::ptr::null_mut()
    }
}

/// Builtin `raise_exception` (`abi::Builtins::raise_exception`): the unwinder's own
/// `_Unwind_RaiseException`, so that no Rust frame lies on a trap's way to the boundary.
#[cfg(feature = "std")]
pub(crate) const RAISE_EXCEPTION: unsafe extern "C-unwind" fn(*mut VMException) -> i32 = unwind::_Unwind_RaiseException;

/// Without `std` there is no unwinder: every call goes through the setjmp entry, so
/// `raise_trap` never raises (it `longjmp`s).
#[cfg(not(feature = "std"))]
pub(crate) const RAISE_EXCEPTION: unsafe extern "C-unwind" fn(*mut VMException) -> i32 = no_unwinder;

/// `_URC_END_OF_STACK`: nothing caught it.
#[cfg(not(feature = "std"))]
unsafe extern "C-unwind" fn no_unwinder(_: *mut VMException) -> i32 {
    5
}

#[cfg(feature = "std")]
mod unwind {
    use core::ffi::{c_int, c_void};

    /// `_Unwind_Reason_Code` values (Itanium ABI).
    pub(super) const URC_HANDLER_FOUND: i32 = 6;
    pub(super) const URC_INSTALL_CONTEXT: i32 = 7;
    pub(super) const URC_CONTINUE_UNWIND: i32 = 8;
    pub(super) const URC_FATAL_PHASE1_ERROR: i32 = 3;
    /// `_Unwind_Action` bits.
    pub(super) const UA_SEARCH_PHASE: i32 = 1;

    // libgcc_s (linked by Rust's std on Linux).
    extern "C" {
        pub(super) fn _Unwind_GetLanguageSpecificData(ctx: *mut c_void) -> *const u8;
        pub(super) fn _Unwind_GetRegionStart(ctx: *mut c_void) -> usize;
        pub(super) fn _Unwind_GetIPInfo(ctx: *mut c_void, ip_before_insn: *mut c_int) -> usize;
        pub(super) fn _Unwind_SetGR(ctx: *mut c_void, index: c_int, value: usize);
        pub(super) fn _Unwind_SetIP(ctx: *mut c_void, value: usize);
    }
    extern "C-unwind" {
        pub(super) fn _Unwind_RaiseException(exn: *mut crate::abi::VMException) -> c_int;
    }
}

/// The personality routine of wasm frames (reached through each module's personality stubs,
/// which already filtered on `abi::EXCEPTION_CLASS`, and for the module's `enter` also on
/// `abi::TRAP_CLASS`: only `enter` catches traps this way). All landing pads of generated code
/// are catch-all: a call site with a landing pad handles (search phase) and is entered
/// (cleanup phase) with the exception in the first data register; the pad matches tags.
///
/// # Safety
/// Called by the unwinder with a valid context.
#[cfg(feature = "std")]
unsafe extern "C" fn personality(
    version: i32,
    actions: i32,
    class: u64,
    exception: *mut VMException,
    context: *mut core::ffi::c_void,
) -> i32 {
    use unwind::*;
    if version != 1 || (class != abi::EXCEPTION_CLASS && class != abi::TRAP_CLASS) {
        return URC_CONTINUE_UNWIND;
    }
    // SAFETY: the context is valid for the duration of the call.
    let (lsda, start, ip) = unsafe {
        let mut before = 0;
        let ip = _Unwind_GetIPInfo(context, &mut before);
        // The return address points after the call; look up the call instruction itself.
        let ip = if before == 0 { ip.wrapping_sub(1) } else { ip };
        (_Unwind_GetLanguageSpecificData(context), _Unwind_GetRegionStart(context), ip)
    };
    if lsda.is_null() {
        return URC_CONTINUE_UNWIND;
    }
    // SAFETY: the LSDA of a frame of generated code (LLVM's .gcc_except_table format).
    let lpad = match unsafe { lsda::landing_pad(lsda, start, ip) } {
        Ok(Some(l)) => l,
        Ok(None) => return URC_CONTINUE_UNWIND,
        Err(()) => return URC_FATAL_PHASE1_ERROR,
    };
    if actions & UA_SEARCH_PHASE != 0 {
        return URC_HANDLER_FOUND;
    }
    // SAFETY: valid context; registers 0/1 are the x86-64 EH data registers (rax, rdx).
    unsafe {
        _Unwind_SetGR(context, 0, exception as usize);
        _Unwind_SetGR(context, 1, 0);
        _Unwind_SetIP(context, lpad);
    }
    URC_INSTALL_CONTEXT
}

/// Parsing of the LSDA (`.gcc_except_table`): header and call-site table.
#[cfg(feature = "std")]
mod lsda {
    const DW_EH_PE_OMIT: u8 = 0xff;
    const DW_EH_PE_ABSPTR: u8 = 0x00;
    const DW_EH_PE_ULEB128: u8 = 0x01;
    const DW_EH_PE_UDATA2: u8 = 0x02;
    const DW_EH_PE_UDATA4: u8 = 0x03;
    const DW_EH_PE_UDATA8: u8 = 0x04;
    const DW_EH_PE_SLEB128: u8 = 0x09;
    const DW_EH_PE_SDATA2: u8 = 0x0a;
    const DW_EH_PE_SDATA4: u8 = 0x0b;
    const DW_EH_PE_SDATA8: u8 = 0x0c;
    const DW_EH_PE_PCREL: u8 = 0x10;
    const DW_EH_PE_INDIRECT: u8 = 0x80;

    struct Reader(*const u8);

    impl Reader {
        /// # Safety
        /// The bytes read must lie inside the LSDA.
        unsafe fn u8(&mut self) -> u8 {
            // SAFETY: per the contract.
            unsafe {
                let v = *self.0;
                self.0 = self.0.add(1);
                v
            }
        }
        /// # Safety
        /// As for `u8`.
        unsafe fn read<T: Copy>(&mut self) -> T {
            // SAFETY: per the contract (unaligned read).
            unsafe {
                let v = (self.0 as *const T).read_unaligned();
                self.0 = self.0.add(core::mem::size_of::<T>());
                v
            }
        }
        /// # Safety
        /// As for `u8`.
        unsafe fn uleb(&mut self) -> u64 {
            let (mut v, mut shift) = (0u64, 0u32);
            loop {
                // SAFETY: per the contract.
                let b = unsafe { self.u8() };
                if shift < 64 {
                    v |= u64::from(b & 0x7f) << shift;
                }
                shift += 7;
                if b & 0x80 == 0 {
                    return v;
                }
            }
        }
        /// # Safety
        /// As for `u8`.
        unsafe fn sleb(&mut self) -> i64 {
            let (mut v, mut shift) = (0i64, 0u32);
            loop {
                // SAFETY: per the contract.
                let b = unsafe { self.u8() };
                if shift < 64 {
                    v |= i64::from(b & 0x7f) << shift;
                }
                shift += 7;
                if b & 0x80 == 0 {
                    if shift < 64 && b & 0x40 != 0 {
                        v |= -1i64 << shift;
                    }
                    return v;
                }
            }
        }
        /// A value in encoding `enc` (format and, for pointers, pc-relative application).
        ///
        /// # Safety
        /// As for `u8`.
        unsafe fn encoded(&mut self, enc: u8) -> Result<usize, ()> {
            let here = self.0 as usize;
            // SAFETY: per the contract.
            let v = unsafe {
                match enc & 0x0f {
                    DW_EH_PE_ABSPTR => self.read::<usize>(),
                    DW_EH_PE_ULEB128 => self.uleb() as usize,
                    DW_EH_PE_UDATA2 => self.read::<u16>() as usize,
                    DW_EH_PE_UDATA4 => self.read::<u32>() as usize,
                    DW_EH_PE_UDATA8 => self.read::<u64>() as usize,
                    DW_EH_PE_SLEB128 => self.sleb() as usize,
                    DW_EH_PE_SDATA2 => self.read::<i16>() as usize,
                    DW_EH_PE_SDATA4 => self.read::<i32>() as usize,
                    DW_EH_PE_SDATA8 => self.read::<i64>() as usize,
                    _ => return Err(()),
                }
            };
            let v = match enc & 0x70 {
                0 => v,
                DW_EH_PE_PCREL => here.wrapping_add(v),
                _ => return Err(()),
            };
            if enc & DW_EH_PE_INDIRECT != 0 {
                // SAFETY: an indirect pointer points to a pointer-sized word.
                return Ok(unsafe { *(v as *const usize) });
            }
            Ok(v)
        }
    }

    /// The landing pad for `ip` in the function starting at `start`: `Ok(None)` if the call
    /// site has none (or is not listed: no handler in this frame).
    ///
    /// # Safety
    /// `lsda` points to a well-formed LSDA (produced by LLVM for the frame).
    pub(super) unsafe fn landing_pad(lsda: *const u8, start: usize, ip: usize) -> Result<Option<usize>, ()> {
        let mut r = Reader(lsda);
        // SAFETY: per the contract, every read stays inside the LSDA.
        unsafe {
            let lpstart_enc = r.u8();
            let lpad_base = if lpstart_enc != DW_EH_PE_OMIT { r.encoded(lpstart_enc)? } else { start };
            let ttype_enc = r.u8();
            if ttype_enc != DW_EH_PE_OMIT {
                r.uleb();
            }
            let cs_enc = r.u8();
            let cs_len = r.uleb() as usize;
            let end = r.0.add(cs_len);
            while r.0 < end {
                let cs_start = r.encoded(cs_enc & 0x0f)?;
                let cs_size = r.encoded(cs_enc & 0x0f)?;
                let cs_lpad = r.encoded(cs_enc & 0x0f)?;
                let _action = r.uleb();
                let lo = start.wrapping_add(cs_start);
                if ip < lo {
                    break;
                }
                if ip < lo.wrapping_add(cs_size) {
                    return Ok((cs_lpad != 0).then(|| lpad_base.wrapping_add(cs_lpad)));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    #[test]
    fn lsda_call_site_lookup() {
        // No lpstart/ttype; uleb128 call sites: [0x10, +8) → pad 0x40, [0x20, +4) → no pad.
        let lsda = [0xff, 0xff, 0x01, 8, 0x10, 0x08, 0x40, 0x00, 0x20, 0x04, 0x00, 0x00];
        let f = 0x1000;
        // SAFETY: a well-formed LSDA.
        let pad = |ip| unsafe { lsda::landing_pad(lsda.as_ptr(), f, ip) };
        assert_eq!(pad(0x1012), Ok(Some(0x1040)));
        assert_eq!(pad(0x1010), Ok(Some(0x1040)));
        assert_eq!(pad(0x1018), Ok(None), "end of the range is exclusive");
        assert_eq!(pad(0x1021), Ok(None), "call site without landing pad");
        assert_eq!(pad(0x1005), Ok(None));
        assert_eq!(pad(0x1030), Ok(None));
        // udata4 call sites, with a ttype offset to skip.
        let mut l = alloc::vec![0xff, 0x9b, 0x02, 0x03, 16];
        for v in [0x100u32, 0x10, 0x200, 0x1] {
            l.extend_from_slice(&v.to_le_bytes());
        }
        // SAFETY: as above.
        assert_eq!(unsafe { lsda::landing_pad(l.as_ptr(), f, 0x1105) }, Ok(Some(0x1200)));
        // An unknown encoding is an error, not a guess.
        let bad = [0xff, 0xff, 0x07, 3, 0, 0, 0];
        // SAFETY: readable bytes; the encoding is rejected before anything else is read.
        assert_eq!(unsafe { lsda::landing_pad(bad.as_ptr(), f, 0x1000) }, Err(()));
    }

    #[test]
    fn exception_objects_are_released_unless_escaped() {
        let heap = ExnHeap::default();
        let tag = Tag::new(alloc::vec![crate::abi::ValType::I32]);
        let a = heap.alloc(tag.clone(), alloc::vec![ValRaw::i32(1)]);
        let b = heap.alloc(tag.clone(), alloc::vec![ValRaw::i32(2)]);
        // SAFETY: b is a live object of the heap.
        unsafe { (*b).escaped = 1 };
        heap.release(a);
        heap.release(b);
        assert_eq!(heap.live.borrow().len(), 1, "the escaped one stays");
        assert!(heap.take(a, 1).is_none(), "a released object is not found again");
        let e = heap.take(b, 1).unwrap();
        assert_eq!(*e.tag(), tag);
        assert_eq!(e.payload(), &[Val::I32(2)]);
        assert!(Exception::new(&tag, alloc::vec![Val::I64(1)]).is_err());
    }
}
