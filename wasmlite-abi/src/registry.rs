//! Async-signal-safe registries of address ranges, shared by the runtime's signal handler
//! (reader), the runtime (guard-page memory reservations, code of loaded modules) and
//! `wasmlite-jit` (which unregisters the code it frees).
//!
//! A registry is a lock-free, append-only list of slots; a removed slot is reused by a later
//! insertion, so the list only grows to the maximum number of ranges live at once. Every slot
//! is a small seqlock: writers (normal code) claim it by making its sequence number odd, write
//! the fields, and make it even again; the reader (a signal handler) takes a slot only if it
//! saw the same even sequence number before and after reading it, so it never acts on a
//! half-written range. Readers never block, allocate or retry without bound.
//!
//! Slots are never freed (a reader may be traversing them at any time); insertion allocates
//! a slot only when no free one exists, so there is no capacity limit and insertion cannot
//! fail.

use alloc::boxed::Box;
use core::ptr;
use core::sync::atomic::{fence, AtomicPtr, AtomicUsize, Ordering};

/// One slot. `key == 0` means free.
struct Slot {
    seq: AtomicUsize,
    key: AtomicUsize,
    start: AtomicUsize,
    end: AtomicUsize,
    data: AtomicUsize,
    /// Immutable after publication.
    next: *mut Slot,
}

/// A registered range as read back from a [`Registry`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Identity of the registration (non-zero), e.g. a descriptor or reservation address.
    pub key: usize,
    /// First address of the range.
    pub start: usize,
    /// One past the last address.
    pub end: usize,
    /// A word stored with the range.
    pub data: usize,
}

/// A lock-free registry of `[start, end)` ranges (see the module documentation).
pub struct Registry {
    head: AtomicPtr<Slot>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    /// An empty registry (usable in a `static`).
    pub const fn new() -> Registry {
        Registry { head: AtomicPtr::new(ptr::null_mut()) }
    }

    fn slots(&self) -> SlotIter {
        SlotIter(self.head.load(Ordering::Acquire))
    }

    /// Register `[start, end)` under `key` (non-zero) with `data`. Returns `false` (and
    /// changes nothing) for key 0 or a key that is already registered, `true` otherwise.
    /// Writers may race with each other and with readers; two threads inserting the same key
    /// at once may both succeed ([`Registry::remove`] removes every copy).
    pub fn insert(&self, key: usize, start: usize, end: usize, data: usize) -> bool {
        if self.find_key(key) {
            return false;
        }
        self.insert_range(key, start, end, data)
    }

    /// Register `[start, end)` under `key` (non-zero) with `data`, also when `key` already has
    /// other ranges (a module with several code objects). Returns `false` for key 0.
    pub fn insert_range(&self, key: usize, start: usize, end: usize, data: usize) -> bool {
        if key == 0 {
            return false;
        }
        for s in self.slots() {
            let seq = s.seq.load(Ordering::Acquire);
            if seq & 1 == 1 || s.key.load(Ordering::Relaxed) != 0 {
                continue;
            }
            if s.seq.compare_exchange(seq, seq + 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
                continue;
            }
            // The slot is ours (odd sequence number) and was free when we claimed it: any
            // writer that filled it in between would have changed `seq`.
            fence(Ordering::Release);
            s.start.store(start, Ordering::Relaxed);
            s.end.store(end, Ordering::Relaxed);
            s.data.store(data, Ordering::Relaxed);
            s.key.store(key, Ordering::Relaxed);
            s.seq.store(seq + 2, Ordering::Release);
            return true;
        }
        let slot = Box::into_raw(Box::new(Slot {
            seq: AtomicUsize::new(0),
            key: AtomicUsize::new(key),
            start: AtomicUsize::new(start),
            end: AtomicUsize::new(end),
            data: AtomicUsize::new(data),
            next: ptr::null_mut(),
        }));
        let mut head = self.head.load(Ordering::Acquire);
        loop {
            // SAFETY: `slot` is not published yet, so this thread has exclusive access.
            unsafe { (*slot).next = head };
            match self.head.compare_exchange(head, slot, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return true,
                Err(h) => head = h,
            }
        }
    }

    fn find_key(&self, key: usize) -> bool {
        self.slots().any(|s| read(s).is_some_and(|e| e.key == key))
    }

    /// Remove every registration under `key`; returns how many were removed.
    pub fn remove(&self, key: usize) -> usize {
        let mut n = 0;
        for s in self.slots() {
            let seq = s.seq.load(Ordering::Acquire);
            if seq & 1 == 1 || s.key.load(Ordering::Relaxed) != key || key == 0 {
                continue;
            }
            if s.seq.compare_exchange(seq, seq + 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
                continue;
            }
            fence(Ordering::Release);
            if s.key.load(Ordering::Relaxed) == key {
                s.key.store(0, Ordering::Relaxed);
                s.start.store(0, Ordering::Relaxed);
                s.end.store(0, Ordering::Relaxed);
                s.data.store(0, Ordering::Relaxed);
                n += 1;
            }
            s.seq.store(seq + 2, Ordering::Release);
        }
        n
    }

    /// The registered range containing `addr`, if any. Async-signal-safe: no locks, no
    /// allocation, bounded work (one pass over the slots). A slot being written concurrently
    /// (or by the code this signal interrupted) is skipped.
    pub fn lookup(&self, addr: usize) -> Option<Entry> {
        self.slots().filter_map(read).find(|e| e.start <= addr && addr < e.end)
    }

    /// The registration under `key`, if any.
    pub fn get(&self, key: usize) -> Option<Entry> {
        self.slots().filter_map(read).find(|e| e.key == key)
    }

    /// Number of live registrations (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.slots().filter_map(read).count()
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A consistent snapshot of a live slot, or `None` (free or being written).
fn read(s: &Slot) -> Option<Entry> {
    let seq = s.seq.load(Ordering::Acquire);
    if seq & 1 == 1 {
        return None;
    }
    let e = Entry {
        key: s.key.load(Ordering::Relaxed),
        start: s.start.load(Ordering::Relaxed),
        end: s.end.load(Ordering::Relaxed),
        data: s.data.load(Ordering::Relaxed),
    };
    fence(Ordering::Acquire);
    (s.seq.load(Ordering::Relaxed) == seq && e.key != 0).then_some(e)
}

struct SlotIter(*mut Slot);

impl Iterator for SlotIter {
    type Item = &'static Slot;
    fn next(&mut self) -> Option<&'static Slot> {
        if self.0.is_null() {
            return None;
        }
        // SAFETY: published slots are never freed or moved, and `next` is immutable after
        // publication (the Acquire load of `head` made it visible).
        let s: &'static Slot = unsafe { &*self.0 };
        self.0 = s.next;
        Some(s)
    }
}

// SAFETY: `Slot`'s only non-atomic field (`next`) is written before publication and never
// again; everything else is atomic.
unsafe impl Sync for Slot {}
// SAFETY: as above.
unsafe impl Send for Slot {}

/// Code of loaded wasm modules: key = `*const ModuleDescriptor`, one registration per range of
/// its `code_ranges` (`[start, end)`), data = the module's `raise_trap`. Registered by the
/// runtime (`Module::from_descriptor`), unregistered by whoever frees the code (`wasmlite-jit`).
pub static CODE: Registry = Registry::new();

/// Code of single functions compiled after their module was registered (the lazy JIT):
/// key = `*const ModuleDescriptor`, one registration per function, data = its function
/// index. The runtime names the function of a trap at such a pc from it (the code is in
/// [`CODE`] too). Removed with the module's [`unregister_code`].
pub static FUNC_CODE: Registry = Registry::new();

/// Guard-page memory reservations: key = start, range = the whole reservation (accessible
/// pages and guard). Maintained by the runtime's memories.
pub static RESERVATIONS: Registry = Registry::new();

/// Register every code range of a module (idempotent per descriptor: a descriptor that is
/// already registered is left alone).
///
/// # Safety
/// `desc` must point to a valid [`crate::ModuleDescriptor`] whose code stays mapped until
/// [`unregister_code`] is called with it (or forever): the runtime's signal handler turns
/// faults at those addresses into traps.
pub unsafe fn register_code(desc: *const crate::ModuleDescriptor) {
    if desc.is_null() || CODE.get(desc as usize).is_some() {
        return;
    }
    // SAFETY: non-null and valid, guaranteed by the caller.
    let d = unsafe { &*desc };
    // SAFETY: a valid descriptor's `code_ranges` holds `num_code_ranges` entries.
    for r in unsafe { d.code_ranges() } {
        let (start, end) = (r.start as usize, r.end as usize);
        if start < end {
            CODE.insert_range(desc as usize, start, end, d.raise_trap as usize);
        }
    }
}

/// Forget the code of a module (call before its code is freed): every range registered under
/// it. Returns whether it was registered.
pub fn unregister_code(desc: *const crate::ModuleDescriptor) -> bool {
    FUNC_CODE.remove(desc as usize);
    CODE.remove(desc as usize) > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_lookup_remove_reuse() {
        let r = Registry::new();
        assert!(r.is_empty());
        assert!(!r.insert(0, 1, 2, 3), "key 0 is rejected");
        assert!(r.insert(1, 100, 200, 7));
        assert!(!r.insert(1, 300, 400, 8), "duplicate key keeps the first registration");
        assert!(r.insert(2, 300, 400, 9));
        assert_eq!(r.lookup(100), Some(Entry { key: 1, start: 100, end: 200, data: 7 }));
        assert_eq!(r.lookup(199).map(|e| e.key), Some(1));
        assert_eq!(r.lookup(200), None);
        assert_eq!(r.lookup(99), None);
        assert_eq!(r.lookup(350).map(|e| e.data), Some(9));
        assert_eq!(r.len(), 2);
        assert_eq!(r.remove(1), 1);
        assert_eq!(r.remove(1), 0);
        assert_eq!(r.lookup(150), None, "removed ranges are not found");
        assert_eq!(r.get(2).map(|e| e.start), Some(300));
        // The free slot is reused: still two slots in the list.
        assert!(r.insert(3, 500, 600, 1));
        assert_eq!(r.slots().count(), 2);
        assert_eq!(r.lookup(550).map(|e| e.key), Some(3));
    }

    #[test]
    fn several_ranges_under_one_key() {
        let r = Registry::new();
        assert!(r.insert_range(7, 100, 200, 1));
        assert!(r.insert_range(7, 1000, 1100, 1));
        assert!(!r.insert(7, 5000, 5100, 1), "insert still refuses a registered key");
        assert!(!r.insert_range(0, 1, 2, 3));
        assert_eq!(r.lookup(150).map(|e| e.key), Some(7));
        assert_eq!(r.lookup(1050).map(|e| e.key), Some(7));
        assert_eq!(r.lookup(500), None, "the gap between the ranges is not registered");
        assert_eq!(r.remove(7), 2, "remove drops every range of the key");
        assert!(r.is_empty());
    }

    #[test]
    fn concurrent_writers_and_readers() {
        extern crate std;
        use std::sync::Arc;
        let r: &'static Registry = Box::leak(Box::new(Registry::new()));
        let stop = Arc::new(core::sync::atomic::AtomicBool::new(false));
        let reader = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut seen = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    for t in 0..4usize {
                        let base = (t + 1) << 20;
                        if let Some(e) = r.lookup(base + 5) {
                            // Never a torn entry: every field belongs to the same registration.
                            assert_eq!(e.start, e.key);
                            assert_eq!(e.end, e.key + 0x100);
                            assert_eq!(e.data, e.key ^ 0x5a5a);
                            seen += 1;
                        }
                    }
                }
                seen
            })
        };
        let writers: std::vec::Vec<_> = (0..4usize)
            .map(|t| {
                std::thread::spawn(move || {
                    let base = (t + 1) << 20;
                    for _ in 0..2000 {
                        assert!(r.insert(base, base, base + 0x100, base ^ 0x5a5a));
                        assert_eq!(r.remove(base), 1);
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        reader.join().unwrap();
        assert!(r.is_empty());
    }
}
