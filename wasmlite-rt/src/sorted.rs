//! A map kept as a sorted `Vec` (binary search): the runtime's few maps are small and
//! rarely change, and this costs a fraction of `BTreeMap`'s code size in every binary.

use alloc::vec::Vec;

/// A map from `K` to `V` ordered by key.
pub(crate) struct SortedMap<K, V>(Vec<(K, V)>);

impl<K: Ord, V> SortedMap<K, V> {
    pub(crate) const fn new() -> Self {
        SortedMap(Vec::new())
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: core::borrow::Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub(crate) fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: core::borrow::Borrow<Q>,
    {
        self.find(key).ok().and_then(|i| self.0.get(i)).map(|(_, v)| v)
    }

    // Used by `wait` (feature `std`).
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.find(key).ok().and_then(|i| self.0.get_mut(i)).map(|(_, v)| v)
    }

    pub(crate) fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Insert or replace; returns the previous value.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self.0.get_mut(i).map(|slot| core::mem::replace(&mut slot.1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, inserted as `V::default()` if absent.
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) fn get_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key, V::default()));
                i
            }
        };
        &mut self.0[i].1
    }

    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Remove and return every entry.
    pub(crate) fn take(&mut self) -> Vec<(K, V)> {
        core::mem::take(&mut self.0)
    }
}

impl<K: Ord, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_map() {
        let mut m = SortedMap::new();
        for k in [5u32, 1, 9, 3, 7] {
            assert_eq!(m.insert(k, k * 10), None);
        }
        assert_eq!(m.insert(3, 33), Some(30));
        assert_eq!(m.get(&3), Some(&33));
        assert_eq!(m.get(&4), None);
        *m.get_or_default(4) += 1;
        *m.get_or_default(4) += 1;
        assert_eq!(m.get(&4), Some(&2));
        assert!(m.contains_key(&9) && !m.contains_key(&8));
        assert_eq!(m.remove(&9), Some(90));
        assert_eq!(m.remove(&9), None);
        if let Some(v) = m.get_mut(&1) {
            *v = 0;
        }
        assert_eq!(m.len(), 5);
        let all: Vec<(u32, u32)> = m.take();
        assert_eq!(all, [(1, 0), (3, 33), (4, 2), (5, 50), (7, 70)]);
        assert_eq!(m.len(), 0);
    }
}
