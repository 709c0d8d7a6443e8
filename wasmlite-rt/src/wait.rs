//! `memory.atomic.wait*` / `memory.atomic.notify`: a futex-style table of parked threads keyed
//! by host address (a shared memory never moves, so an address names one wasm cell for the
//! memory's whole life). Requires `std` (threads); without it a wait that would block is a
//! `Host` trap.
//!
//! Protocol: `wait` compares the value and enqueues itself while holding the table lock;
//! `notify` dequeues and wakes waiters under the same lock, so a notify issued after the
//! waiter saw the expected value always finds it (no lost wake-ups). A timed-out waiter
//! removes itself under the lock unless a notify already woke it (then it reports "ok").

#[cfg(feature = "std")]
mod imp {
    use std::collections::VecDeque;

    use crate::sorted::SortedMap;
    use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
    use std::sync::{Arc, Condvar, Mutex, MutexGuard};
    use std::time::{Duration, Instant};

    struct Waiter {
        woken: Mutex<bool>,
        cv: Condvar,
    }

    type Table = SortedMap<usize, VecDeque<Arc<Waiter>>>;

    static TABLE: Mutex<Table> = Mutex::new(SortedMap::new());

    fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
        // A panic while holding the lock leaves the table consistent (no partial updates).
        m.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait on the `size`-byte (4 or 8) cell at `ptr` while it holds `expected`; returns
    /// 0 (woken by `notify`), 1 (not equal) or 2 (timed out; `timeout_ns < 0`: no timeout).
    ///
    /// # Safety
    /// `ptr` is aligned to `size` and points into the committed part of a shared memory
    /// that stays alive and in place for the whole call.
    pub(crate) unsafe fn wait(ptr: *mut u8, size: u32, expected: u64, timeout_ns: i64) -> i32 {
        let deadline = (timeout_ns >= 0).then(|| Instant::now() + Duration::from_nanos(timeout_ns as u64));
        let w = Arc::new(Waiter { woken: Mutex::new(false), cv: Condvar::new() });
        {
            let mut table = lock(&TABLE);
            let current = if size == 4 {
                // SAFETY: per the contract, aligned and valid; wasm accesses it atomically too.
                unsafe { AtomicU32::from_ptr(ptr as *mut u32) }.load(Ordering::SeqCst) as u64
            } else {
                // SAFETY: as above.
                unsafe { AtomicU64::from_ptr(ptr as *mut u64) }.load(Ordering::SeqCst)
            };
            if current != expected {
                return 1;
            }
            table.get_or_default(ptr as usize).push_back(w.clone());
        }
        let mut woken = lock(&w.woken);
        loop {
            if *woken {
                return 0;
            }
            match deadline {
                None => woken = w.cv.wait(woken).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        break;
                    }
                    woken = w.cv.wait_timeout(woken, d - now).unwrap_or_else(|e| e.into_inner()).0;
                }
            }
        }
        drop(woken);
        let mut table = lock(&TABLE);
        if *lock(&w.woken) {
            return 0;
        }
        if let Some(q) = table.get_mut(&(ptr as usize)) {
            q.retain(|x| !Arc::ptr_eq(x, &w));
            if q.is_empty() {
                table.remove(&(ptr as usize));
            }
        }
        2
    }

    /// Wake up to `count` waiters parked on `ptr` (oldest first); returns how many woke.
    pub(crate) fn notify(ptr: *mut u8, count: u32) -> u32 {
        let mut table = lock(&TABLE);
        let Some(q) = table.get_mut(&(ptr as usize)) else { return 0 };
        let mut n = 0;
        while n < count {
            let Some(w) = q.pop_front() else { break };
            *lock(&w.woken) = true;
            w.cv.notify_one();
            n += 1;
        }
        if q.is_empty() {
            table.remove(&(ptr as usize));
        }
        n
    }

    /// Number of threads parked on `ptr` (tests).
    #[allow(dead_code)]
    pub(crate) fn waiters(ptr: *mut u8) -> usize {
        lock(&TABLE).get(&(ptr as usize)).map_or(0, |q| q.len())
    }
}

#[cfg(not(feature = "std"))]
mod imp {
    /// Without threads nobody could notify: a wait that would block reports "not equal" when
    /// the value differs and otherwise `None` (the caller traps).
    pub(crate) unsafe fn wait_nostd(ptr: *mut u8, size: u32, expected: u64) -> Option<i32> {
        use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
        let current = if size == 4 {
            // SAFETY: per the caller's contract (aligned, valid shared-memory cell).
            unsafe { AtomicU32::from_ptr(ptr as *mut u32) }.load(Ordering::SeqCst) as u64
        } else {
            // SAFETY: as above.
            unsafe { AtomicU64::from_ptr(ptr as *mut u64) }.load(Ordering::SeqCst)
        };
        (current != expected).then_some(1)
    }
    pub(crate) fn notify(_ptr: *mut u8, _count: u32) -> u32 {
        0
    }
}

pub(crate) use imp::*;

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use alloc::boxed::Box;
    use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    #[test]
    fn not_equal_and_timeout() {
        let cell = Box::new(AtomicU64::new(7));
        let p = cell.as_ptr() as *mut u8;
        // SAFETY: `cell` is an aligned live 8-byte cell.
        assert_eq!(unsafe { wait(p, 8, 8, -1) }, 1);
        let t = Instant::now();
        // SAFETY: as above.
        assert_eq!(unsafe { wait(p, 8, 7, 20_000_000) }, 2);
        assert!(t.elapsed() >= Duration::from_millis(20));
        assert_eq!(waiters(p), 0, "a timed-out waiter leaves the table");
        assert_eq!(notify(p, 10), 0);
    }

    /// Real threads: two waiters parked on one address, woken one by one by `notify`.
    #[test]
    fn two_threads_woken_by_notify() {
        let cell = Arc::new(AtomicU32::new(0));
        let addr = cell.as_ptr() as usize;
        let spawn = || {
            let cell = cell.clone();
            // SAFETY: the cell is aligned and kept alive by the thread's `Arc`.
            std::thread::spawn(move || unsafe { wait(cell.as_ptr() as *mut u8, 4, 0, -1) })
        };
        let (a, b) = (spawn(), spawn());
        while waiters(addr as *mut u8) < 2 {
            std::thread::yield_now();
        }
        cell.store(1, Ordering::SeqCst);
        assert_eq!(notify(addr as *mut u8, 1), 1);
        assert_eq!(notify(addr as *mut u8, 5), 1);
        assert_eq!(notify(addr as *mut u8, 5), 0);
        assert_eq!(a.join().unwrap(), 0);
        assert_eq!(b.join().unwrap(), 0);
    }
}
