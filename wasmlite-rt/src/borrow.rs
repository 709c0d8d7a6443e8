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

#[cfg(feature = "std")]
std::thread_local! {
    static EPOCH: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

#[cfg(all(not(feature = "std"), target_has_atomic = "64"))]
static EPOCH: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// The epoch that no store is clean at (a store's initial state; without `std` on a target
/// without 64-bit atomics it is the only epoch, so every check scans).
pub(crate) const NEVER: u64 = u64::MAX;

/// The current borrow epoch of this thread.
#[inline(always)]
pub(crate) fn epoch() -> u64 {
    #[cfg(feature = "std")]
    {
        EPOCH.with(|e| e.get())
    }
    #[cfg(all(not(feature = "std"), target_has_atomic = "64"))]
    {
        EPOCH.load(core::sync::atomic::Ordering::Relaxed)
    }
    #[cfg(all(not(feature = "std"), not(target_has_atomic = "64")))]
    {
        NEVER
    }
}

/// A borrow is about to be taken: advance the epoch. (Should it ever reach [`NEVER`] after
/// 2^64 borrows, checks at that epoch scan; it cannot come back to a store's clean epoch in
/// any realistic run.)
#[inline(always)]
fn advance() {
    #[cfg(feature = "std")]
    EPOCH.with(|e| e.set(e.get().wrapping_add(1)));
    #[cfg(all(not(feature = "std"), target_has_atomic = "64"))]
    EPOCH.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
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
