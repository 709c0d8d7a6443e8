//! Host borrows of memories and tables, and the check that none is alive when wasm code runs
//! (`StoreState::check_unborrowed`) in O(1) on the call path.
//!
//! Every borrow the runtime takes of a memory or table goes through a [`TrackedCell`], which
//! advances a borrow *epoch* first. A store remembers the epoch at which it last found none of
//! its memories and tables borrowed; as long as the epoch has not moved since, no borrow can
//! have been taken, so the check is one comparison. Memories and tables are `!Send` (`Rc`), so
//! their borrows happen on the thread that runs the store's wasm code: with `std` the epoch is
//! per thread (no atomic read-modify-write); without `std` it is one process-wide counter
//! advanced by `fetch_add` (strictly increasing: a store never sees an old epoch again).

use core::cell::{BorrowError, BorrowMutError, Ref, RefCell, RefMut};

#[cfg(all(not(feature = "std"), target_has_atomic = "64"))]
static EPOCH: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// The epoch that no store is clean at (a store's initial state; without `std` on a target
/// without 64-bit atomics it is the only epoch, so every check scans).
pub(crate) const NEVER: u64 = u64::MAX;

/// The current borrow epoch, read when the host calls wasm code
/// (`StoreState::check_unborrowed`). With `std`: the thread's counter (a store never leaves its thread),
/// kept in `signals::THREAD` next to the signal handler's call state, so the call path
/// computes one thread-local address for both. Without `std`: the process-wide counter.
#[inline(always)]
pub(crate) fn now() -> u64 {
    #[cfg(feature = "std")]
    {
        crate::signals::THREAD.with(|t| t.epoch.get())
    }
    #[cfg(all(not(feature = "std"), target_has_atomic = "64"))]
    {
        EPOCH.load(core::sync::atomic::Ordering::Relaxed)
    }
    // No epoch: every check scans (see `clean_at`).
    #[cfg(all(not(feature = "std"), not(target_has_atomic = "64")))]
    {
        NEVER
    }
}

/// Where a store reads the borrow epoch when a host function returns to wasm code
/// (`StoreState::is_clean`): with `std` its thread's counter, located once when the store is
/// created (a store never leaves its thread), so the read is one load and not a thread-local
/// lookup, which would make that path save registers. The host → wasm entry reads [`now`]
/// instead: it computes the thread-local address anyway.
#[derive(Clone, Copy)]
pub(crate) struct EpochSource(#[cfg(feature = "std")] *const core::cell::Cell<u64>);

impl EpochSource {
    /// The current thread's epoch.
    pub(crate) fn current() -> EpochSource {
        #[cfg(feature = "std")]
        {
            EpochSource(crate::signals::THREAD.with(|t| &t.epoch as *const core::cell::Cell<u64>))
        }
        #[cfg(not(feature = "std"))]
        {
            EpochSource()
        }
    }

    /// The epoch now (equal to [`now`] on the store's thread).
    #[inline(always)]
    pub(crate) fn get(self) -> u64 {
        #[cfg(feature = "std")]
        {
            // SAFETY: the epoch of the thread that created the store, the only thread that
            // uses the store (it is `!Send`). A `const` thread-local without destructor stays
            // valid for the whole life of its thread.
            unsafe { (*self.0).get() }
        }
        #[cfg(not(feature = "std"))]
        {
            now()
        }
    }
}

/// A borrow is about to be taken: advance the epoch. It never becomes [`NEVER`] (it wraps
/// to 0 instead), so a store that has been checked is clean at exactly one epoch value; it
/// could come back to a store's clean epoch only after 2^64 borrows, in no realistic run.
#[inline(always)]
fn advance() {
    #[cfg(feature = "std")]
    crate::signals::THREAD.with(|t| t.epoch.set(next(t.epoch.get())));
    #[cfg(all(not(feature = "std"), target_has_atomic = "64"))]
    {
        let _ = EPOCH.fetch_update(core::sync::atomic::Ordering::Relaxed, core::sync::atomic::Ordering::Relaxed, |e| Some(next(e)));
    }
}

/// The epoch after `e` (skipping [`NEVER`]).
#[inline(always)]
fn next(e: u64) -> u64 {
    let n = e.wrapping_add(1);
    if n == NEVER {
        0
    } else {
        n
    }
}

/// Whether a store whose last check found nothing borrowed at epoch `clean` is clean at epoch
/// `now` (`NEVER`: never checked; the epoch itself is never `NEVER`, see [`advance`]).
#[inline(always)]
pub(crate) fn clean_at(clean: u64, now: u64) -> bool {
    #[cfg(any(feature = "std", target_has_atomic = "64"))]
    {
        clean == now
    }
    // No epoch: every check scans.
    #[cfg(not(any(feature = "std", target_has_atomic = "64")))]
    {
        let _ = (clean, now);
        false
    }
}

/// A `RefCell` whose every borrow advances the borrow epoch (see the module docs).
#[derive(Debug)]
pub(crate) struct TrackedCell<T>(RefCell<T>);

impl<T> TrackedCell<T> {
    pub(crate) fn new(v: T) -> Self {
        TrackedCell(RefCell::new(v))
    }
    #[inline]
    pub(crate) fn borrow(&self) -> Ref<'_, T> {
        advance();
        self.0.borrow()
    }
    #[inline]
    pub(crate) fn borrow_mut(&self) -> RefMut<'_, T> {
        advance();
        self.0.borrow_mut()
    }
    #[inline]
    pub(crate) fn try_borrow(&self) -> Result<Ref<'_, T>, BorrowError> {
        advance();
        self.0.try_borrow()
    }
    #[inline]
    pub(crate) fn try_borrow_mut(&self) -> Result<RefMut<'_, T>, BorrowMutError> {
        advance();
        self.0.try_borrow_mut()
    }
    /// Whether a borrow is alive (does not advance the epoch).
    #[inline]
    pub(crate) fn is_borrowed(&self) -> bool {
        self.0.try_borrow_mut().is_err()
    }
}
