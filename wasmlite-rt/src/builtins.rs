//! The runtime functions generated code calls through `VMContext.builtins`.

use core::ffi::c_void;

use crate::abi::{self, trap, Builtins, VMContext};
use alloc::format;

use crate::instance::InstanceCore;
use crate::trap::Trap;

/// The builtins table of every VMContext whose module was not given a smaller one
/// ([`select`]).
pub static BUILTINS: Builtins = select(abi::builtin_set::ALL);

/// The builtins table of a module whose code calls only the builtins in `set` (an
/// `abi::builtin_set` mask, `abi::parse::builtins_used`): every other entry is a [`missing`]
/// stand-in, so a binary links only the runtime code its modules can reach. `include_wasm!`
/// puts one in a static per module.
#[doc(hidden)]
pub const fn select(set: u32) -> Builtins {
    use abi::builtin_index as i;
    use abi::builtin_set::contains as has;
    Builtins {
        memory_grow: if has(set, i::MEMORY_GROW) { memory_grow } else { missing::memory_grow },
        memory_fill: if has(set, i::MEMORY_FILL) { memory_fill } else { missing::memory_fill },
        memory_copy: if has(set, i::MEMORY_COPY) { memory_copy } else { missing::memory_copy },
        memory_init: if has(set, i::MEMORY_INIT) { memory_init } else { missing::memory_init },
        data_drop: if has(set, i::DATA_DROP) { data_drop } else { missing::data_drop },
        table_grow: if has(set, i::TABLE_GROW) { table_grow } else { missing::table_grow },
        table_fill: if has(set, i::TABLE_FILL) { table_fill } else { missing::table_fill },
        table_copy: if has(set, i::TABLE_COPY) { table_copy } else { missing::table_copy },
        table_init: if has(set, i::TABLE_INIT) { table_init } else { missing::table_init },
        elem_drop: if has(set, i::ELEM_DROP) { elem_drop } else { missing::elem_drop },
        memory_atomic_wait32: if has(set, i::MEMORY_ATOMIC_WAIT32) { memory_atomic_wait32 } else { missing::memory_atomic_wait32 },
        memory_atomic_wait64: if has(set, i::MEMORY_ATOMIC_WAIT64) { memory_atomic_wait64 } else { missing::memory_atomic_wait64 },
        memory_atomic_notify: if has(set, i::MEMORY_ATOMIC_NOTIFY) { memory_atomic_notify } else { missing::memory_atomic_notify },
        throw: if has(set, i::THROW) { crate::exceptions::throw } else { missing::throw },
        throw_ref: if has(set, i::THROW_REF) { crate::exceptions::throw_ref } else { missing::throw_ref },
        exn_release: if has(set, i::EXN_RELEASE) { crate::exceptions::exn_release } else { missing::exn_release },
        // Always linked (`builtin_set::ALWAYS`): `raise_trap` of every module calls them.
        trap_exception: crate::exceptions::trap_exception,
        raise_exception: crate::exceptions::RAISE_EXCEPTION,
        raise_trap: crate::call::RAISE_TRAP,
    }
}

/// Stand-ins for the builtins outside a module's set ([`select`]). The code generator refuses
/// to emit a call of one (a build error), so reaching one is a wasmlite bug; even then it is
/// no crash: those with a trap code to return fail with a `Host` trap naming the builtin,
/// `grow` reports failure (-1) and the `drop`s do nothing.
mod missing {
    use super::*;

    /// Record the host trap for the builtin `name` and return its code.
    ///
    /// # Safety
    /// `vmctx` is the VMContext generated code passes.
    unsafe fn fail(vmctx: *mut VMContext, name: &str) -> u32 {
        // SAFETY: per the contract.
        let core = unsafe { core_of(vmctx) };
        *core.store.pending.borrow_mut() = Some(Trap::host(format!("internal error: the builtin `{name}` is not linked into this module's builtins")));
        trap::HOST
    }

    // SAFETY (all below): generated code passes its own VMContext.
    pub(super) unsafe extern "C" fn memory_grow(_: *mut VMContext, _: u32, _: u64) -> u64 {
        u64::MAX
    }
    pub(super) unsafe extern "C" fn memory_fill(vmctx: *mut VMContext, _: u32, _: u64, _: u32, _: u64) -> u32 {
        // SAFETY: see above.
        unsafe { fail(vmctx, "memory.fill") }
    }
    pub(super) unsafe extern "C" fn memory_copy(vmctx: *mut VMContext, _: u32, _: u32, _: u64, _: u64, _: u64) -> u32 {
        // SAFETY: see above.
        unsafe { fail(vmctx, "memory.copy") }
    }
    pub(super) unsafe extern "C" fn memory_init(vmctx: *mut VMContext, _: u32, _: u32, _: u64, _: u32, _: u32) -> u32 {
        // SAFETY: see above.
        unsafe { fail(vmctx, "memory.init") }
    }
    pub(super) unsafe extern "C" fn data_drop(_: *mut VMContext, _: u32) {}
    pub(super) unsafe extern "C" fn table_grow(_: *mut VMContext, _: u32, _: *mut c_void, _: u64) -> u64 {
        u64::MAX
    }
    pub(super) unsafe extern "C" fn table_fill(vmctx: *mut VMContext, _: u32, _: u64, _: *mut c_void, _: u64) -> u32 {
        // SAFETY: see above.
        unsafe { fail(vmctx, "table.fill") }
    }
    pub(super) unsafe extern "C" fn table_copy(vmctx: *mut VMContext, _: u32, _: u32, _: u64, _: u64, _: u64) -> u32 {
        // SAFETY: see above.
        unsafe { fail(vmctx, "table.copy") }
    }
    pub(super) unsafe extern "C" fn table_init(vmctx: *mut VMContext, _: u32, _: u32, _: u64, _: u32, _: u32) -> u32 {
        // SAFETY: see above.
        unsafe { fail(vmctx, "table.init") }
    }
    pub(super) unsafe extern "C" fn elem_drop(_: *mut VMContext, _: u32) {}
    // Negative results of the atomics are negated trap codes.
    pub(super) unsafe extern "C" fn memory_atomic_wait32(vmctx: *mut VMContext, _: u32, _: u64, _: u32, _: i64) -> i32 {
        // SAFETY: see above.
        -(unsafe { fail(vmctx, "memory.atomic.wait32") } as i32)
    }
    pub(super) unsafe extern "C" fn memory_atomic_wait64(vmctx: *mut VMContext, _: u32, _: u64, _: u64, _: i64) -> i32 {
        // SAFETY: see above.
        -(unsafe { fail(vmctx, "memory.atomic.wait64") } as i32)
    }
    pub(super) unsafe extern "C" fn memory_atomic_notify(vmctx: *mut VMContext, _: u32, _: u64, _: u32) -> i32 {
        // SAFETY: see above.
        -(unsafe { fail(vmctx, "memory.atomic.notify") } as i32)
    }
    pub(super) unsafe extern "C" fn throw(vmctx: *mut VMContext, _: u32, _: *const abi::ValRaw) -> u32 {
        // SAFETY: see above.
        unsafe { fail(vmctx, "throw") }
    }
    pub(super) unsafe extern "C" fn throw_ref(vmctx: *mut VMContext, _: *mut abi::VMException) -> u32 {
        // SAFETY: see above.
        unsafe { fail(vmctx, "throw_ref") }
    }
    pub(super) unsafe extern "C" fn exn_release(_: *mut VMContext, _: *mut abi::VMException) {}
}

/// # Safety
/// `vmctx` must be a VMContext created by this runtime (its instance back-pointer is set).
unsafe fn core_of<'a>(vmctx: *mut VMContext) -> &'a InstanceCore {
    // SAFETY: per the contract the back-pointer is a live InstanceCore that outlives the call.
    unsafe { &*(*((vmctx as *const u8).add(abi::VMCTX_INSTANCE as usize) as *const *const InstanceCore)) }
}

fn in_bounds(start: u64, len: u64, size: u64) -> bool {
    start.checked_add(len).is_some_and(|e| e <= size)
}

/// A memory or table that is borrowed while wasm runs cannot happen (the store checks before
/// wasm code runs, see `StoreState::check_unborrowed`); should it anyway, the builtin fails
/// with a host trap instead of aliasing the borrow.
fn borrowed(core: &InstanceCore, what: &str) -> u32 {
    *core.store.pending.borrow_mut() = Some(Trap::host(format!("{what} is borrowed by the host while wasm code runs")));
    trap::HOST
}

/// Base address of a (mutably borrowed) memory, attachment or not.
fn raw_base(m: &mut crate::memory::Memory) -> *mut u8 {
    match m.thread_shared() {
        Some((b, _)) => b,
        None => m.data_mut().as_mut_ptr(),
    }
}

pub(crate) fn memory_grow_impl(core: &InstanceCore, mem: u32, delta: u64) -> u64 {
    let Some(m) = core.memories.get(mem as usize) else { return u64::MAX };
    let Ok(mut m) = m.0.try_borrow_mut() else { return u64::MAX };
    m.grow(delta).unwrap_or(u64::MAX)
}

pub(crate) fn memory_fill_impl(core: &InstanceCore, mem: u32, dst: u64, val: u32, len: u64) -> u32 {
    let Some(m) = core.memories.get(mem as usize) else { return trap::MEMORY_OUT_OF_BOUNDS };
    let Ok(mut m) = m.0.try_borrow_mut() else { return borrowed(core, "a memory") };
    if !in_bounds(dst, len, m.size_bytes()) {
        return trap::MEMORY_OUT_OF_BOUNDS;
    }
    if let Some((base, length)) = m.thread_shared() {
        return crate::shared::fill(base, length, dst, val as u8, len).map_or(trap::MEMORY_OUT_OF_BOUNDS, |_| trap::NONE);
    }
    m.data_mut()[dst as usize..(dst + len) as usize].fill(val as u8);
    trap::NONE
}

pub(crate) fn memory_copy_impl(core: &InstanceCore, dm: u32, sm: u32, dst: u64, src: u64, len: u64) -> u32 {
    let (Some(d), Some(s)) = (core.memories.get(dm as usize), core.memories.get(sm as usize)) else {
        return trap::MEMORY_OUT_OF_BOUNDS;
    };
    if d.ptr_eq(s) {
        let Ok(mut m) = d.0.try_borrow_mut() else { return borrowed(core, "a memory") };
        if !in_bounds(dst, len, m.size_bytes()) || !in_bounds(src, len, m.size_bytes()) {
            return trap::MEMORY_OUT_OF_BOUNDS;
        }
        if let Some((base, _)) = m.thread_shared() {
            // SAFETY: both ranges were checked against the committed length of the storage,
            // which stays alive (borrowed attachment).
            unsafe { crate::shared::copy(base.add(dst as usize), base.add(src as usize), len) };
            return trap::NONE;
        }
        m.data_mut().copy_within(src as usize..(src + len) as usize, dst as usize);
    } else {
        let (Ok(mut d), Ok(s)) = (d.0.try_borrow_mut(), s.0.try_borrow()) else { return borrowed(core, "a memory") };
        if !in_bounds(dst, len, d.size_bytes()) || !in_bounds(src, len, s.size_bytes()) {
            return trap::MEMORY_OUT_OF_BOUNDS;
        }
        if d.thread_shared().is_some() || s.thread_shared().is_some() {
            let dp = raw_base(&mut d);
            let sp = s.thread_shared().map_or(s.data().as_ptr() as *mut u8, |(b, _)| b);
            // SAFETY: both ranges were checked against the committed lengths of two distinct,
            // borrowed (so live) memories.
            unsafe { crate::shared::copy(dp.wrapping_add(dst as usize), sp.wrapping_add(src as usize), len) };
            return trap::NONE;
        }
        d.data_mut()[dst as usize..(dst + len) as usize].copy_from_slice(&s.data()[src as usize..(src + len) as usize]);
    }
    trap::NONE
}

pub(crate) fn memory_init_impl(core: &InstanceCore, mem: u32, data: u32, dst: u64, src: u64, len: u64) -> u32 {
    let Some(seg) = core.module.info().datas.get(data as usize) else { return trap::MEMORY_OUT_OF_BOUNDS };
    let bytes: &[u8] = if core.data_dropped[data as usize].get() { &[] } else { &seg.bytes };
    let Some(m) = core.memories.get(mem as usize) else { return trap::MEMORY_OUT_OF_BOUNDS };
    let Ok(mut m) = m.0.try_borrow_mut() else { return borrowed(core, "a memory") };
    if !in_bounds(src, len, bytes.len() as u64) || !in_bounds(dst, len, m.size_bytes()) {
        return trap::MEMORY_OUT_OF_BOUNDS;
    }
    if let Some((base, length)) = m.thread_shared() {
        let r = crate::shared::write_bytes(base, length, dst, &bytes[src as usize..(src + len) as usize]);
        return r.map_or(trap::MEMORY_OUT_OF_BOUNDS, |_| trap::NONE);
    }
    m.data_mut()[dst as usize..(dst + len) as usize].copy_from_slice(&bytes[src as usize..(src + len) as usize]);
    trap::NONE
}

pub(crate) fn data_drop_impl(core: &InstanceCore, data: u32) {
    if let Some(d) = core.data_dropped.get(data as usize) {
        d.set(true);
    }
}

pub(crate) fn table_grow_impl(core: &InstanceCore, table: u32, init: *mut c_void, delta: u64) -> u64 {
    let Some(t) = core.tables.get(table as usize) else { return u64::MAX };
    let Ok(mut t) = t.0.try_borrow_mut() else { return u64::MAX };
    // The raw value comes from wasm code of the table's store.
    t.grow_raw(delta, init).unwrap_or(u64::MAX)
}

pub(crate) fn table_fill_impl(core: &InstanceCore, table: u32, dst: u64, val: *mut c_void, len: u64) -> u32 {
    let Some(t) = core.tables.get(table as usize) else { return trap::TABLE_OUT_OF_BOUNDS };
    let Ok(mut t) = t.0.try_borrow_mut() else { return borrowed(core, "a table") };
    match t.fill_raw(dst, val, len) {
        Ok(()) => trap::NONE,
        Err(_) => trap::TABLE_OUT_OF_BOUNDS,
    }
}

pub(crate) fn table_copy_impl(core: &InstanceCore, dt: u32, st: u32, dst: u64, src: u64, len: u64) -> u32 {
    let (Some(d), Some(s)) = (core.tables.get(dt as usize), core.tables.get(st as usize)) else {
        return trap::TABLE_OUT_OF_BOUNDS;
    };
    if d.ptr_eq(s) {
        let Ok(mut t) = d.0.try_borrow_mut() else { return borrowed(core, "a table") };
        if !in_bounds(dst, len, t.size()) || !in_bounds(src, len, t.size()) {
            return trap::TABLE_OUT_OF_BOUNDS;
        }
        t.elems_mut().copy_within(src as usize..(src + len) as usize, dst as usize);
    } else {
        let (Ok(mut d), Ok(s)) = (d.0.try_borrow_mut(), s.0.try_borrow()) else { return borrowed(core, "a table") };
        if !in_bounds(dst, len, d.size()) || !in_bounds(src, len, s.size()) {
            return trap::TABLE_OUT_OF_BOUNDS;
        }
        d.elems_mut()[dst as usize..(dst + len) as usize].copy_from_slice(&s.elems()[src as usize..(src + len) as usize]);
    }
    trap::NONE
}

pub(crate) fn table_init_impl(core: &InstanceCore, table: u32, elem: u32, dst: u64, src: u64, len: u32) -> u32 {
    let elems = core.elems.borrow();
    let Some(items) = elems.get(elem as usize) else { return trap::TABLE_OUT_OF_BOUNDS };
    let len = len as u64;
    if !in_bounds(src, len, items.len() as u64) {
        return trap::TABLE_OUT_OF_BOUNDS;
    }
    let Some(t) = core.tables.get(table as usize) else { return trap::TABLE_OUT_OF_BOUNDS };
    let Ok(mut t) = t.0.try_borrow_mut() else { return borrowed(core, "a table") };
    match t.init_raw(dst, &items[src as usize..(src + len) as usize]) {
        Ok(()) => trap::NONE,
        Err(_) => trap::TABLE_OUT_OF_BOUNDS,
    }
}

pub(crate) fn elem_drop_impl(core: &InstanceCore, elem: u32) {
    if let Some(e) = core.elems.borrow_mut().get_mut(elem as usize) {
        *e = alloc::vec::Vec::new();
    }
}

/// Check a `wait`/`notify` address (alignment first, then bounds, like the atomic accesses)
/// and return the host pointer of the cell and whether the memory is shared, or a negated
/// trap code.
fn atomic_cell(core: &InstanceCore, mem: u32, addr: u64, size: u64) -> Result<(*mut u8, bool), i32> {
    let Some(m) = core.memories.get(mem as usize) else { return Err(-(trap::MEMORY_OUT_OF_BOUNDS as i32)) };
    let Ok(m) = m.0.try_borrow() else { return Err(-(borrowed(core, "a memory") as i32)) };
    if !addr.is_multiple_of(size) {
        return Err(-(trap::UNALIGNED_ATOMIC as i32));
    }
    if !in_bounds(addr, size, m.size_bytes()) {
        return Err(-(trap::MEMORY_OUT_OF_BOUNDS as i32));
    }
    // In bounds, so `addr` fits in usize and the cell lies in the committed memory.
    let base = m.thread_shared().map_or(m.data().as_ptr() as *mut u8, |(b, _)| b);
    let ptr = base.wrapping_add(addr as usize);
    Ok((ptr, m.declared_ty().shared))
}

pub(crate) fn atomic_wait_impl(core: &InstanceCore, mem: u32, addr: u64, size: u32, expected: u64, timeout: i64) -> i32 {
    let (ptr, shared) = match atomic_cell(core, mem, addr, size as u64) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if !shared {
        return -(trap::WAIT_ON_UNSHARED as i32);
    }
    #[cfg(feature = "std")]
    {
        let _ = core;
        // SAFETY: `ptr` is aligned to `size` and lies in a shared memory, which never moves
        // (its maximum is reserved up front) and is kept alive by this running instance.
        unsafe { crate::wait::wait(ptr, size, expected, timeout) }
    }
    #[cfg(not(feature = "std"))]
    {
        let _ = timeout;
        // SAFETY: as above.
        match unsafe { crate::wait::wait_nostd(ptr, size, expected) } {
            Some(r) => r,
            None => {
                *core.store.pending.borrow_mut() =
                    Some(Trap::host("memory.atomic.wait would block forever (no threads without `std`)"));
                -(trap::HOST as i32)
            }
        }
    }
}

pub(crate) fn atomic_notify_impl(core: &InstanceCore, mem: u32, addr: u64, count: u32) -> i32 {
    match atomic_cell(core, mem, addr, 4) {
        // Unshared memories have no waiters (wait traps on them).
        Ok((ptr, shared)) => {
            if shared {
                crate::wait::notify(ptr, count).min(i32::MAX as u32) as i32
            } else {
                0
            }
        }
        Err(code) => code,
    }
}

// The extern "C" entry points: each recovers the instance from the VMContext.
// SAFETY (all below): generated code passes its own VMContext.

unsafe extern "C" fn memory_grow(vmctx: *mut VMContext, mem: u32, delta: u64) -> u64 {
    // SAFETY: see above.
    memory_grow_impl(unsafe { core_of(vmctx) }, mem, delta)
}
unsafe extern "C" fn memory_fill(vmctx: *mut VMContext, mem: u32, dst: u64, val: u32, len: u64) -> u32 {
    // SAFETY: see above.
    memory_fill_impl(unsafe { core_of(vmctx) }, mem, dst, val, len)
}
unsafe extern "C" fn memory_copy(vmctx: *mut VMContext, dm: u32, sm: u32, dst: u64, src: u64, len: u64) -> u32 {
    // SAFETY: see above.
    memory_copy_impl(unsafe { core_of(vmctx) }, dm, sm, dst, src, len)
}
unsafe extern "C" fn memory_init(vmctx: *mut VMContext, mem: u32, data: u32, dst: u64, src: u32, len: u32) -> u32 {
    // SAFETY: see above.
    memory_init_impl(unsafe { core_of(vmctx) }, mem, data, dst, src as u64, len as u64)
}
unsafe extern "C" fn data_drop(vmctx: *mut VMContext, data: u32) {
    // SAFETY: see above.
    data_drop_impl(unsafe { core_of(vmctx) }, data)
}
unsafe extern "C" fn table_grow(vmctx: *mut VMContext, table: u32, init: *mut c_void, delta: u64) -> u64 {
    // SAFETY: see above.
    table_grow_impl(unsafe { core_of(vmctx) }, table, init, delta)
}
unsafe extern "C" fn table_fill(vmctx: *mut VMContext, table: u32, dst: u64, val: *mut c_void, len: u64) -> u32 {
    // SAFETY: see above.
    table_fill_impl(unsafe { core_of(vmctx) }, table, dst, val, len)
}
unsafe extern "C" fn table_copy(vmctx: *mut VMContext, dt: u32, st: u32, dst: u64, src: u64, len: u64) -> u32 {
    // SAFETY: see above.
    table_copy_impl(unsafe { core_of(vmctx) }, dt, st, dst, src, len)
}
unsafe extern "C" fn table_init(vmctx: *mut VMContext, table: u32, elem: u32, dst: u64, src: u32, len: u32) -> u32 {
    // SAFETY: see above.
    table_init_impl(unsafe { core_of(vmctx) }, table, elem, dst, src as u64, len)
}
unsafe extern "C" fn elem_drop(vmctx: *mut VMContext, elem: u32) {
    // SAFETY: see above.
    elem_drop_impl(unsafe { core_of(vmctx) }, elem)
}
unsafe extern "C" fn memory_atomic_wait32(vmctx: *mut VMContext, mem: u32, addr: u64, expected: u32, timeout: i64) -> i32 {
    // SAFETY: see above.
    atomic_wait_impl(unsafe { core_of(vmctx) }, mem, addr, 4, expected as u64, timeout)
}
unsafe extern "C" fn memory_atomic_wait64(vmctx: *mut VMContext, mem: u32, addr: u64, expected: u64, timeout: i64) -> i32 {
    // SAFETY: see above.
    atomic_wait_impl(unsafe { core_of(vmctx) }, mem, addr, 8, expected, timeout)
}
unsafe extern "C" fn memory_atomic_notify(vmctx: *mut VMContext, mem: u32, addr: u64, count: u32) -> i32 {
    // SAFETY: see above.
    atomic_notify_impl(unsafe { core_of(vmctx) }, mem, addr, count)
}
