//! Linear memories: guard-page mode (std, 64-bit unix, 32-bit memories) and heap mode.

use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use core::cell::{Ref, RefMut};

use crate::abi::{MemoryType, VMMemory};
use crate::trap::{InstantiationError, Trap, TrapKind};

/// Maximum 64 KiB pages of a 32-bit memory (4 GiB).
pub const MAX_PAGES_32: u64 = 65536;
/// Implementation limit for memory64 memories (heap mode): 2^48 bytes in 64 KiB pages.
pub const MAX_PAGES_64: u64 = 1 << 32;

/// The most pages a memory of type `ty` can ever have: 4 GiB of 32-bit address space
/// (2^32 − 1 one-byte pages, so that `memory.size` fits an i32), or 2^48 bytes for memory64.
pub fn hard_limit_pages(ty: &MemoryType) -> u64 {
    match (ty.memory64, ty.page_size_log2) {
        (false, 0) => u32::MAX as u64,
        (false, l) => (1u64 << 32) >> l,
        (true, l) => (1u64 << 48) >> l,
    }
}

/// Whether guard-page memories can be created in this build/platform: the `std` feature on a
/// host where `wasmlite_abi::target::HOST_GUARD_PAGES` (x86-64 Linux).
pub const GUARD_PAGES_AVAILABLE: bool = cfg!(feature = "std") && crate::abi::target::HOST_GUARD_PAGES;

enum Storage {
    /// Heap allocation (may move on grow). Capacity grows with the memory.
    Heap(alloc::vec::Vec<u8>),
    /// mmap reservation of `abi::GUARD_RESERVATION` bytes; base never moves.
    #[cfg(all(feature = "std", unix, target_pointer_width = "64", any(target_arch = "x86_64", target_arch = "aarch64")))]
    Guard { base: *mut u8, reserved: usize },
    /// An attachment to a [`crate::ThreadSharedMemory`] (storage owned there, never moves).
    Shared(alloc::sync::Arc<crate::shared::SharedInner>),
}

/// A linear memory. Generated code accesses it through the boxed [`VMMemory`], whose address
/// is stable for the memory's whole life.
pub struct Memory {
    vm: Box<VMMemory>,
    ty: MemoryType,
    storage: Storage,
    /// The store this memory was linked into (0: none yet).
    pub(crate) store: u64,
}

impl core::fmt::Debug for Memory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Memory")
            .field("ty", &self.ty)
            .field("pages", &self.size_pages())
            .field("guard_pages", &self.is_guarded())
            .finish()
    }
}

fn oob(msg: impl Into<alloc::string::String>) -> Trap {
    Trap::with_message(TrapKind::MemoryOutOfBounds, msg)
}

impl Memory {
    /// A new memory of `ty.min` zeroed pages. Uses guard pages when available (std, 64-bit
    /// unix, not memory64), otherwise the heap. 64-bit memories always live on the heap:
    /// generated code checks every access to them explicitly.
    pub fn new(ty: MemoryType) -> Result<Memory, InstantiationError> {
        Self::with_mode(ty, GUARD_PAGES_AVAILABLE && !ty.memory64)
    }

    /// A new memory forced into heap mode (usable only by explicit-bounds-check modules).
    pub fn new_heap(ty: MemoryType) -> Result<Memory, InstantiationError> {
        Self::with_mode(ty, false)
    }

    fn limit(ty: &MemoryType) -> u64 {
        let hard = hard_limit_pages(ty);
        ty.max.map_or(hard, |m| m.min(hard))
    }

    fn with_mode(ty: MemoryType, guard: bool) -> Result<Memory, InstantiationError> {
        if let Some(max) = ty.max {
            if max < ty.min {
                return Err(InstantiationError::new("memory: maximum is smaller than minimum"));
            }
        }
        if ty.page_size_log2 != 0 && ty.page_size_log2 != 16 {
            return Err(InstantiationError::new(format!("memory: unsupported page size 2^{}", ty.page_size_log2)));
        }
        let hard = hard_limit_pages(&ty);
        if ty.min > hard {
            return Err(InstantiationError::new(format!(
                "memory: minimum of {} pages exceeds the limit of {hard} pages",
                ty.min
            )));
        }
        let bytes = ty.min << ty.page_size_log2;
        let mut vm = Box::new(VMMemory { base: core::ptr::null_mut(), length: 0 });
        #[cfg(all(feature = "std", unix, target_pointer_width = "64", any(target_arch = "x86_64", target_arch = "aarch64")))]
        if guard && !ty.memory64 {
            let reserved = crate::abi::GUARD_RESERVATION as usize;
            let base = pool::reserve(bytes as usize).map_err(|e| InstantiationError::new(format!("memory: {e}")))?;
            vm.base = base;
            vm.length = bytes;
            crate::signals::ensure_installed();
            return Ok(Memory { vm, ty, storage: Storage::Guard { base, reserved }, store: 0 });
        }
        let _ = guard;
        let mut v = alloc::vec::Vec::new();
        // A shared memory never moves (other threads and waiters hold its address): reserve
        // its maximum up front.
        let reserve = if ty.shared { Self::limit(&ty) * ty.page_size() } else { bytes };
        if v.try_reserve_exact(reserve as usize).is_err() {
            return Err(InstantiationError::new(format!("memory: cannot allocate {} pages", reserve / ty.page_size())));
        }
        if ty.shared && !(v.as_ptr() as usize).is_multiple_of(8) {
            return Err(InstantiationError::new("memory: shared memory allocation is not 8-byte aligned"));
        }
        v.resize(bytes as usize, 0);
        vm.base = v.as_mut_ptr();
        vm.length = bytes;
        Ok(Memory { vm, ty, storage: Storage::Heap(v), store: 0 })
    }

    /// An attachment of the calling thread to thread-shared storage (`crate::shared`).
    pub(crate) fn attached(inner: alloc::sync::Arc<crate::shared::SharedInner>) -> Memory {
        let vm = Box::new(VMMemory { base: inner.base(), length: inner.length() });
        Memory { vm, ty: inner.ty(), storage: Storage::Shared(inner), store: 0 }
    }

    /// The thread-shared storage this memory is attached to, if any.
    pub(crate) fn shared_inner(&self) -> Option<&alloc::sync::Arc<crate::shared::SharedInner>> {
        match &self.storage {
            Storage::Shared(inner) => Some(inner),
            _ => None,
        }
    }

    /// Base address and committed length if this is an attachment to a
    /// [`crate::ThreadSharedMemory`] (other threads may access it concurrently).
    pub(crate) fn thread_shared(&self) -> Option<(*mut u8, u64)> {
        match &self.storage {
            Storage::Shared(_) => Some((self.vm.base, self.vm.length)),
            _ => None,
        }
    }

    /// The memory's type (with the current size as minimum).
    pub fn ty(&self) -> MemoryType {
        MemoryType { min: self.size_pages(), ..self.ty }
    }

    /// The type the memory was created with.
    pub fn declared_ty(&self) -> MemoryType {
        self.ty
    }

    /// Whether this memory uses guard pages (base never moves; usable by modules compiled
    /// without explicit bounds checks).
    pub fn is_guarded(&self) -> bool {
        match &self.storage {
            Storage::Heap(_) => false,
            Storage::Shared(inner) => inner.is_guarded(),
            #[allow(unreachable_patterns)]
            _ => true,
        }
    }

    /// The contents (empty for an attachment to a [`crate::ThreadSharedMemory`], which other
    /// threads may change at any time: use its `read`/`write`).
    pub fn data(&self) -> &[u8] {
        if self.vm.length == 0 || matches!(self.storage, Storage::Shared(_)) {
            return &[];
        }
        // SAFETY: [base, base+length) is committed, readable memory owned by self.
        unsafe { core::slice::from_raw_parts(self.vm.base, self.vm.length as usize) }
    }

    /// The contents, mutable (empty for an attachment to a [`crate::ThreadSharedMemory`]).
    pub fn data_mut(&mut self) -> &mut [u8] {
        if self.vm.length == 0 || matches!(self.storage, Storage::Shared(_)) {
            return &mut [];
        }
        // SAFETY: as in `data`, and `&mut self` guarantees exclusivity on the Rust side.
        unsafe { core::slice::from_raw_parts_mut(self.vm.base, self.vm.length as usize) }
    }

    /// Size in bytes.
    pub fn size_bytes(&self) -> u64 {
        self.vm.length
    }

    /// Size in pages (of [`Memory::page_size`] bytes).
    pub fn size_pages(&self) -> u64 {
        self.vm.length >> self.ty.page_size_log2
    }

    /// The page size in bytes: 65536, or 1 (custom-page-sizes proposal).
    pub fn page_size(&self) -> u64 {
        self.ty.page_size()
    }

    /// The maximum number of pages this memory can grow to.
    pub fn max_pages(&self) -> u64 {
        Self::limit(&self.ty)
    }

    /// Grow by `delta_pages`; returns the old size in pages. Failure (beyond the maximum or
    /// out of host memory) is a `MemoryOutOfBounds` trap with a message; the memory is unchanged.
    pub fn grow(&mut self, delta_pages: u64) -> Result<u64, Trap> {
        if let Storage::Shared(inner) = &self.storage {
            let r = inner.grow(delta_pages);
            self.vm.length = inner.length();
            return r;
        }
        let old = self.size_pages();
        let new = old
            .checked_add(delta_pages)
            .filter(|&n| n <= self.max_pages())
            .ok_or_else(|| oob(format!("memory.grow by {delta_pages} pages exceeds the maximum of {} pages", self.max_pages())))?;
        if delta_pages == 0 {
            return Ok(old);
        }
        let new_bytes = new << self.ty.page_size_log2;
        match &mut self.storage {
            Storage::Heap(v) => {
                if self.ty.shared && (new_bytes as usize) > v.capacity() {
                    return Err(oob("memory.grow: a shared memory cannot move"));
                }
                let add = (new_bytes - self.vm.length) as usize;
                if v.try_reserve_exact(add).is_err() {
                    return Err(oob(format!("memory.grow: cannot allocate {new} pages")));
                }
                v.resize(new_bytes as usize, 0);
                self.vm.base = v.as_mut_ptr();
            }
            Storage::Shared(_) => return Err(oob("memory.grow: shared storage")),
            #[cfg(all(feature = "std", unix, target_pointer_width = "64", any(target_arch = "x86_64", target_arch = "aarch64")))]
            Storage::Guard { base, reserved } => {
                if new_bytes as usize > *reserved {
                    return Err(oob("memory.grow beyond the guard reservation"));
                }
                // SAFETY: the range lies inside our reservation.
                let r = unsafe {
                    libc::mprotect(*base as *mut libc::c_void, new_bytes as usize, libc::PROT_READ | libc::PROT_WRITE)
                };
                if r != 0 {
                    return Err(oob(format!("memory.grow: cannot commit {new} pages")));
                }
            }
        }
        self.vm.length = new_bytes;
        Ok(old)
    }

    fn range(&self, offset: u64, len: usize) -> Result<core::ops::Range<usize>, Trap> {
        let end = offset.checked_add(len as u64).filter(|&e| e <= self.vm.length).ok_or_else(|| {
            oob(format!("access of {len} bytes at offset {offset} exceeds memory size {}", self.vm.length))
        })?;
        Ok(offset as usize..end as usize)
    }

    /// Checked read of `len` bytes at `offset` (an attachment to a
    /// [`crate::ThreadSharedMemory`] has no slices: a `Host` trap, use that type's `read`).
    pub fn read(&self, offset: u64, len: usize) -> Result<&[u8], Trap> {
        if matches!(self.storage, Storage::Shared(_)) {
            return Err(Trap::host("a thread-shared memory cannot be borrowed as a slice; use ThreadSharedMemory::read"));
        }
        let r = self.range(offset, len)?;
        Ok(&self.data()[r])
    }

    /// Checked write of `bytes` at `offset`.
    pub fn write(&mut self, offset: u64, bytes: &[u8]) -> Result<(), Trap> {
        if let Some((base, length)) = self.thread_shared() {
            return crate::shared::write_bytes(base, length, offset, bytes);
        }
        let r = self.range(offset, bytes.len())?;
        self.data_mut()[r].copy_from_slice(bytes);
        Ok(())
    }

    /// Pointer to the [`VMMemory`] generated code uses (stable for the memory's life).
    pub fn vm_ptr(&mut self) -> *mut VMMemory {
        &mut *self.vm
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        #[cfg(all(feature = "std", unix, target_pointer_width = "64", any(target_arch = "x86_64", target_arch = "aarch64")))]
        if let Storage::Guard { base, reserved } = self.storage {
            debug_assert_eq!(reserved, crate::abi::GUARD_RESERVATION as usize);
            // SAFETY: the reservation is ours and nothing points into it once `self` is gone.
            unsafe { pool::release(base, self.vm.length as usize) };
        }
    }
}

/// A shareable handle to a [`Memory`] (exported by one instance, imported by others).
///
/// All host access goes through the `RefCell` inside (one borrow discipline): wasm code of a
/// store only runs while no memory of that store is borrowed — calling into wasm (or returning
/// from a host function into wasm) with a live borrow is a [`TrapKind::Host`] trap, never
/// aliasing.
#[derive(Clone, Debug)]
pub struct SharedMemory(pub(crate) Rc<crate::borrow::TrackedCell<Memory>>);

impl SharedMemory {
    /// Wrap a memory.
    pub fn new(m: Memory) -> SharedMemory {
        SharedMemory(Rc::new(crate::borrow::TrackedCell::new(m)))
    }
    /// Borrow. Panics if the memory is mutably borrowed (like `RefCell::borrow`); see
    /// [`SharedMemory::try_borrow`].
    pub fn borrow(&self) -> Ref<'_, Memory> {
        self.0.borrow()
    }
    /// Borrow mutably. Panics if the memory is borrowed (like `RefCell::borrow_mut`); see
    /// [`SharedMemory::try_borrow_mut`].
    pub fn borrow_mut(&self) -> MemoryMut<'_> {
        MemoryMut(self.0.borrow_mut())
    }
    /// Borrow; a conflicting live borrow is a [`TrapKind::Host`] trap.
    pub fn try_borrow(&self) -> Result<Ref<'_, Memory>, Trap> {
        self.0.try_borrow().map_err(|_| Trap::host("memory is already mutably borrowed"))
    }
    /// Borrow mutably; a conflicting live borrow is a [`TrapKind::Host`] trap.
    pub fn try_borrow_mut(&self) -> Result<MemoryMut<'_>, Trap> {
        self.0.try_borrow_mut().map(MemoryMut).map_err(|_| Trap::host("memory is already borrowed"))
    }
    /// Whether two handles refer to the same memory.
    pub fn ptr_eq(&self, other: &SharedMemory) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
    /// Whether any borrow of the memory is alive.
    #[inline]
    pub(crate) fn is_borrowed(&self) -> bool {
        self.0.is_borrowed()
    }
}

/// A mutable borrow of a shared memory: its contents and size can change, but the memory
/// itself cannot be replaced or swapped (VMContexts point into it), so there is no
/// `DerefMut`. Reads go through `Deref<Target = Memory>`.
pub struct MemoryMut<'a>(pub(crate) RefMut<'a, Memory>);

impl core::ops::Deref for MemoryMut<'_> {
    type Target = Memory;
    fn deref(&self) -> &Memory {
        &self.0
    }
}

impl core::fmt::Debug for MemoryMut<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        (*self.0).fmt(f)
    }
}

impl MemoryMut<'_> {
    /// The contents, mutable ([`Memory::data_mut`]).
    pub fn data_mut(&mut self) -> &mut [u8] {
        self.0.data_mut()
    }
    /// Checked write ([`Memory::write`]).
    pub fn write(&mut self, offset: u64, bytes: &[u8]) -> Result<(), Trap> {
        self.0.write(offset, bytes)
    }
    /// Grow ([`Memory::grow`]).
    pub fn grow(&mut self, delta_pages: u64) -> Result<u64, Trap> {
        self.0.grow(delta_pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(min: u64, max: Option<u64>) -> MemoryType {
        MemoryType::new(min, max, false)
    }

    #[test]
    fn heap_grow() {
        let mut m = Memory::new_heap(ty(1, Some(3))).unwrap();
        assert!(!m.is_guarded());
        m.write(65530, &[1, 2, 3]).unwrap();
        assert_eq!(m.grow(1).unwrap(), 1);
        assert_eq!(m.size_pages(), 2);
        assert_eq!(m.read(65530, 3).unwrap(), &[1, 2, 3]);
        assert_eq!(m.read(131071, 1).unwrap(), &[0]);
        let e = m.grow(2).unwrap_err();
        assert_eq!(e.kind(), TrapKind::MemoryOutOfBounds);
        assert!(e.message().unwrap().contains("maximum of 3"));
        assert_eq!(m.size_pages(), 2);
        assert_eq!(m.grow(0).unwrap(), 2);
        assert_eq!(m.read(131072, 1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
        assert!(m.write(u64::MAX, &[1]).is_err());
    }

    #[test]
    fn limits() {
        assert!(Memory::new_heap(ty(2, Some(1))).is_err());
        assert!(Memory::new_heap(ty(65537, None)).is_err());
        let mut m = Memory::new_heap(ty(0, None)).unwrap();
        assert_eq!(m.data().len(), 0);
        assert!(m.grow(65537).is_err());
        assert_eq!(m.max_pages(), 65536);
    }

    #[test]
    fn memory64_and_page_sizes() {
        // 64-bit memories are never guarded; their limit is 2^48 bytes.
        let m = Memory::new(MemoryType::new(1, None, true)).unwrap();
        assert!(!m.is_guarded());
        assert_eq!(m.max_pages(), MAX_PAGES_64);
        assert!(Memory::new_heap(MemoryType::new(MAX_PAGES_64 + 1, None, true)).is_err());
        // One-byte pages: sizes count bytes; a 32-bit memory holds at most 2^32 - 1 of them.
        let tiny = MemoryType { page_size_log2: 0, ..MemoryType::new(3, Some(5), false) };
        for mut m in [Memory::new(tiny).unwrap(), Memory::new_heap(tiny).unwrap()] {
            assert_eq!((m.page_size(), m.size_pages(), m.size_bytes()), (1, 3, 3));
            assert_eq!(m.grow(2).unwrap(), 3);
            assert_eq!(m.data(), &[0; 5]);
            assert_eq!(m.grow(1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
            assert_eq!(m.read(5, 1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
        }
        let unbounded = MemoryType { page_size_log2: 0, ..MemoryType::new(0, None, false) };
        assert_eq!(Memory::new_heap(unbounded).unwrap().max_pages(), u32::MAX as u64);
        let bad = MemoryType { page_size_log2: 12, ..MemoryType::new(0, None, false) };
        assert!(Memory::new_heap(bad).unwrap_err().message().contains("page size"));
    }

    #[cfg(all(feature = "std", unix, target_pointer_width = "64", any(target_arch = "x86_64", target_arch = "aarch64")))]
    #[test]
    fn guard_grow_keeps_base() {
        let mut m = Memory::new(ty(1, None)).unwrap();
        assert!(m.is_guarded());
        let base = m.data().as_ptr();
        m.data_mut()[100] = 7;
        assert_eq!(m.grow(10).unwrap(), 1);
        assert_eq!(m.data().as_ptr(), base);
        assert_eq!(m.data().len(), 11 * 65536);
        assert_eq!(m.data()[100], 7);
        m.data_mut()[11 * 65536 - 1] = 1;
        assert_eq!(m.read(11 * 65536, 1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
        assert_eq!(m.grow(65536 - 11).unwrap(), 11);
        assert_eq!(m.size_pages(), 65536);
        assert!(m.grow(1).is_err());
    }
}

/// Guard-page reservations, recycled (std, 64-bit unix).
///
/// A dropped memory's reservation is zeroed and kept, still mapped and registered with the
/// signal handler, in a small process-wide pool (as Wasmtime's pooling allocator does). The
/// next memory takes it and only adjusts which pages are accessible, usually not at all when
/// the same module is instantiated again: instantiating a one-page module costs no system
/// call, and dropping it a 64 KiB `memset` instead of a `munmap`.
#[cfg(all(feature = "std", unix, target_pointer_width = "64", any(target_arch = "x86_64", target_arch = "aarch64")))]
mod pool {
    use std::sync::Mutex;
    use std::vec::Vec;

    /// Reservations kept at most (each is `GUARD_RESERVATION` bytes of address space only).
    const MAX_POOLED: usize = 16;
    const OS_PAGE: usize = 4096;
    /// Memories up to this size are zeroed with `memset` and stay resident when pooled (as
    /// Wasmtime's `linear_memory_keep_resident`); beyond it, `madvise(MADV_DONTNEED)`.
    const KEEP_RESIDENT: usize = 128 << 10;

    /// A pooled reservation: base, and how many bytes from it are readable and writable.
    struct Pooled {
        base: usize,
        committed: usize,
    }

    static POOL: Mutex<Vec<Pooled>> = Mutex::new(Vec::new());

    fn round_up(bytes: usize) -> usize {
        bytes.div_ceil(OS_PAGE) * OS_PAGE
    }

    /// Change the protection of `[base+from, base+to)` to read/write (`to > from`) or none.
    ///
    /// # Safety
    /// The range must lie inside a reservation owned by the caller.
    unsafe fn set_committed(base: usize, from: usize, to: usize) -> bool {
        let (start, len, prot) = if to > from {
            (from, to - from, libc::PROT_READ | libc::PROT_WRITE)
        } else {
            (to, from - to, libc::PROT_NONE)
        };
        if len == 0 {
            return true;
        }
        // SAFETY: the range lies inside the caller's reservation (contract).
        unsafe { libc::mprotect((base + start) as *mut libc::c_void, len, prot) == 0 }
    }

    /// A zeroed reservation whose first `bytes` are accessible: recycled or newly mapped.
    pub(super) fn reserve(bytes: usize) -> Result<*mut u8, &'static str> {
        let want = round_up(bytes);
        let pooled = POOL.lock().ok().and_then(|mut p| p.pop());
        if let Some(Pooled { base, committed }) = pooled {
            // SAFETY: the pooled reservation is now ours alone.
            if unsafe { set_committed(base, committed, want) } {
                return Ok(base as *mut u8);
            }
            // SAFETY: as above; it is unmapped and forgotten.
            unsafe { unmap(base) };
        }
        let reserved = crate::abi::GUARD_RESERVATION as usize;
        // SAFETY: anonymous private PROT_NONE mapping; no existing memory is affected.
        let p = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                reserved,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err("cannot reserve guard-page memory (mmap failed)");
        }
        if let Err(e) = crate::signals::register_reservation(p as usize, reserved) {
            // SAFETY: unmapping our own new reservation.
            unsafe { libc::munmap(p, reserved) };
            return Err(e);
        }
        // SAFETY: [p, p+want) lies inside the reservation just made.
        if !unsafe { set_committed(p as usize, 0, want) } {
            // SAFETY: our own reservation, unused.
            unsafe { unmap(p as usize) };
            return Err("cannot commit initial pages (mprotect failed)");
        }
        Ok(p as *mut u8)
    }

    /// Unregister and unmap a reservation.
    ///
    /// # Safety
    /// `base` is a reservation from [`reserve`] that nothing uses any more.
    unsafe fn unmap(base: usize) {
        crate::signals::unregister_reservation(base);
        // SAFETY: the caller owns the reservation (contract).
        unsafe { libc::munmap(base as *mut libc::c_void, crate::abi::GUARD_RESERVATION as usize) };
    }

    /// Give back a reservation whose first `length` bytes were accessible.
    ///
    /// # Safety
    /// `base` is a reservation from [`reserve`] and nothing refers into it any more.
    pub(super) unsafe fn release(base: *mut u8, length: usize) {
        let base = base as usize;
        let committed = round_up(length);
        // Zero what was accessible: the next owner must see a fresh memory. Small memories
        // are cleared in place and stay resident (no page faults when reused, no TLB
        // shootdown); larger ones give their pages back to the kernel.
        let zeroed = if committed <= KEEP_RESIDENT {
            // SAFETY: [base, base+committed) is readable and writable memory of the caller's
            // reservation that nothing else refers to (contract).
            unsafe { core::ptr::write_bytes(base as *mut u8, 0, committed) };
            true
        } else {
            // SAFETY: [base, base+committed) is inside the caller's reservation (contract).
            unsafe { libc::madvise(base as *mut libc::c_void, committed, libc::MADV_DONTNEED) == 0 }
        };
        if zeroed {
            if let Ok(mut p) = POOL.lock() {
                if p.len() < MAX_POOLED {
                    p.push(Pooled { base, committed });
                    return;
                }
            }
        }
        // SAFETY: the caller's reservation, no longer used (contract).
        unsafe { unmap(base) };
    }
}
