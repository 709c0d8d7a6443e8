//! Thread-shared linear memories (threads proposal): [`ThreadSharedMemory`] is `Send + Sync`;
//! every thread attaches its own [`SharedMemory`] handle to it and imports that handle into
//! the instances of its own [`crate::Store`]. Every memory a module defines as `shared` is
//! created this way ([`Memory::shared_storage`] returns its storage).
//!
//! * The storage never moves: guard-page mode reserves 8 GiB as for every 32-bit memory, heap
//!   mode reserves the declared maximum up front (shared memories always have one). So wasm
//!   code of any thread, and `memory.atomic.wait` (keyed by host address), can hold raw
//!   addresses into it.
//! * Each attachment is a [`Memory`] with its own `VMMemory` (its `length` is only written by
//!   the attaching thread). Growth goes through one lock; an attachment's length is refreshed
//!   when it grows (also by 0 pages: `memory.grow 0` from wasm), so another thread's growth
//!   becomes visible there at the latest then. Lengths only increase and storage is never
//!   released while an attachment lives, so a stale length is merely conservative.
//! * Other threads may access the contents at any time, so host code never gets a slice of
//!   an attached memory: [`Memory::data`]/[`Memory::data_mut`] are empty for attachments, and
//!   [`ThreadSharedMemory::read`]/[`ThreadSharedMemory::write`], [`Memory::write`] and the
//!   bulk-memory builtins copy byte by
//!   byte with atomic accesses.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU64, AtomicU8, Ordering};

use crate::abi::MemoryType;
use crate::memory::{Memory, SharedMemory};
use crate::trap::{InstantiationError, Trap, TrapKind};

/// The storage behind every attachment of a [`ThreadSharedMemory`].
pub(crate) struct SharedInner {
    /// The owning memory (reservation, type); touched only under `lock`.
    mem: UnsafeCell<Memory>,
    lock: spin::Mutex<()>,
    /// Base address (never changes).
    base: *mut u8,
    /// Current length in bytes (only increases).
    length: AtomicU64,
}

// SAFETY: `mem` is only accessed under `lock`; `base` points to storage owned by `mem` that
// never moves and is released only when the last `Arc` (the last attachment) is dropped;
// the contents are only accessed by wasm code and by atomic byte accesses.
unsafe impl Send for SharedInner {}
// SAFETY: as above.
unsafe impl Sync for SharedInner {}

impl SharedInner {
    pub(crate) fn base(&self) -> *mut u8 {
        self.base
    }
    pub(crate) fn length(&self) -> u64 {
        self.length.load(Ordering::SeqCst)
    }
    pub(crate) fn ty(&self) -> MemoryType {
        let _g = self.lock.lock();
        // SAFETY: under `lock`.
        unsafe { (*self.mem.get()).declared_ty() }
    }
    pub(crate) fn is_guarded(&self) -> bool {
        let _g = self.lock.lock();
        // SAFETY: under `lock`.
        unsafe { (*self.mem.get()).is_guarded() }
    }
    /// Grow the storage by `delta` pages; returns the old size in pages.
    pub(crate) fn grow(&self, delta: u64) -> Result<u64, Trap> {
        let _g = self.lock.lock();
        // SAFETY: under `lock`; growing never moves a shared memory (maximum reserved).
        let m = unsafe { &mut *self.mem.get() };
        let old = m.grow(delta)?;
        self.length.store(m.size_bytes(), Ordering::SeqCst);
        Ok(old)
    }
}

/// A linear memory shared between threads (`(memory min max shared)`): `Send + Sync`, cheap
/// to clone. See the crate docs, section "Threads".
///
/// ```ignore
/// let shm = ThreadSharedMemory::new(MemoryType { min: 1, max: Some(1), memory64: false, shared: true })?;
/// let t = { let shm = shm.clone(); std::thread::spawn(move || {
///     let store = Store::new();
///     let inst = Instance::new(&store, &module, &[Extern::Memory(shm.attach())], ())?;
///     // ...
/// }) };
/// ```
#[derive(Clone)]
pub struct ThreadSharedMemory(Arc<SharedInner>);

impl core::fmt::Debug for ThreadSharedMemory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ThreadSharedMemory").field("length", &self.0.length()).finish()
    }
}

impl ThreadSharedMemory {
    /// A new shared memory of `ty.min` zeroed pages (guard pages when available). `ty` must
    /// be shared and have a maximum.
    pub fn new(ty: MemoryType) -> Result<ThreadSharedMemory, InstantiationError> {
        if !ty.shared || ty.max.is_none() {
            return Err(InstantiationError::new("shared memory: the type must be shared and have a maximum"));
        }
        Self::from_memory(Memory::new(ty)?)
    }

    /// Like [`ThreadSharedMemory::new`], in heap mode (for modules compiled with explicit
    /// bounds checks); the maximum is allocated up front.
    pub fn new_heap(ty: MemoryType) -> Result<ThreadSharedMemory, InstantiationError> {
        if !ty.shared || ty.max.is_none() {
            return Err(InstantiationError::new("shared memory: the type must be shared and have a maximum"));
        }
        Self::from_memory(Memory::new_heap(ty)?)
    }

    fn from_memory(mut m: Memory) -> Result<ThreadSharedMemory, InstantiationError> {
        // SAFETY: reading our own VMMemory.
        let vm = unsafe { &*m.vm_ptr() };
        let (base, length) = (vm.base, vm.length);
        Ok(ThreadSharedMemory(Arc::new(SharedInner {
            mem: UnsafeCell::new(m),
            lock: spin::Mutex::new(()),
            base,
            length: AtomicU64::new(length),
        })))
    }

    /// A handle for the calling thread's store: import it into instances like any memory.
    pub fn attach(&self) -> SharedMemory {
        SharedMemory::new(self.attach_memory())
    }

    pub(crate) fn attach_memory(&self) -> Memory {
        Memory::attached(self.0.clone())
    }

    /// Current size in bytes.
    pub fn size_bytes(&self) -> u64 {
        self.0.length()
    }

    /// Grow by `delta_pages` (like `memory.grow`); returns the old size in pages.
    pub fn grow(&self, delta_pages: u64) -> Result<u64, Trap> {
        self.0.grow(delta_pages)
    }

    /// Checked read of `len` bytes at `offset` (each byte read atomically).
    pub fn read(&self, offset: u64, len: usize) -> Result<Vec<u8>, Trap> {
        read_bytes(self.0.base, self.0.length(), offset, len)
    }

    /// Checked write of `bytes` at `offset` (each byte written atomically).
    pub fn write(&self, offset: u64, bytes: &[u8]) -> Result<(), Trap> {
        write_bytes(self.0.base, self.0.length(), offset, bytes)
    }
}

impl Memory {
    /// The thread-shared storage of this memory: `Some` for every memory declared `shared` by
    /// a module (defined shared memories are created as [`ThreadSharedMemory`]) and for
    /// attachments; other threads can [`ThreadSharedMemory::attach`] to it.
    pub fn shared_storage(&self) -> Option<ThreadSharedMemory> {
        self.shared_inner().map(|i| ThreadSharedMemory(i.clone()))
    }
}

fn range_ok(length: u64, offset: u64, len: u64) -> Result<(), Trap> {
    match offset.checked_add(len) {
        Some(end) if end <= length => Ok(()),
        _ => Err(Trap::with_message(
            TrapKind::MemoryOutOfBounds,
            alloc::format!("access of {len} bytes at offset {offset} exceeds memory size {length}"),
        )),
    }
}

/// One byte of shared storage.
///
/// # Safety
/// `base + i` lies in committed shared storage that outlives the returned reference.
unsafe fn byte<'a>(base: *mut u8, i: u64) -> &'a AtomicU8 {
    // SAFETY: per the contract; AtomicU8 has alignment 1.
    unsafe { AtomicU8::from_ptr(base.add(i as usize)) }
}

pub(crate) fn read_bytes(base: *mut u8, length: u64, offset: u64, len: usize) -> Result<Vec<u8>, Trap> {
    range_ok(length, offset, len as u64)?;
    // SAFETY: in bounds of the committed length, storage alive (caller holds an Arc/handle).
    Ok((0..len as u64).map(|i| unsafe { byte(base, offset + i) }.load(Ordering::Relaxed)).collect())
}

pub(crate) fn write_bytes(base: *mut u8, length: u64, offset: u64, bytes: &[u8]) -> Result<(), Trap> {
    range_ok(length, offset, bytes.len() as u64)?;
    for (i, b) in bytes.iter().enumerate() {
        // SAFETY: as in `read_bytes`.
        unsafe { byte(base, offset + i as u64) }.store(*b, Ordering::Relaxed);
    }
    Ok(())
}

/// `memory.fill` on shared storage (bounds already checked against `length`).
pub(crate) fn fill(base: *mut u8, length: u64, dst: u64, val: u8, len: u64) -> Result<(), Trap> {
    range_ok(length, dst, len)?;
    for i in 0..len {
        // SAFETY: as in `read_bytes`.
        unsafe { byte(base, dst + i) }.store(val, Ordering::Relaxed);
    }
    Ok(())
}

/// Byte-wise copy where at least one side is shared storage (`memmove` semantics when both
/// are the same storage). Source and destination ranges must be in bounds (checked by the
/// caller) and stay alive.
///
/// # Safety
/// `[src, src+len)` and `[dst, dst+len)` are valid committed memory.
pub(crate) unsafe fn copy(dst: *mut u8, src: *mut u8, len: u64) {
    let step = |i: u64| {
        // SAFETY: per the contract.
        let v = unsafe { byte(src, i) }.load(Ordering::Relaxed);
        // SAFETY: per the contract.
        unsafe { byte(dst, i) }.store(v, Ordering::Relaxed);
    };
    if (dst as usize) <= (src as usize) {
        (0..len).for_each(step);
    } else {
        (0..len).rev().for_each(step);
    }
}
