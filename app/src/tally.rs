//! Counts kept in the instance's memory and handed over in one go: for
//! events too frequent to write one row each (a storm of refusals), which
//! a periodic task adds to PostgreSQL (see `drops::service::run_rooms`).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Tally<K> {
    counts: Arc<Mutex<HashMap<K, i64>>>,
}

impl<K> Default for Tally<K> {
    fn default() -> Self {
        Self {
            counts: Arc::default(),
        }
    }
}

impl<K: Hash + Eq> Tally<K> {
    /// Counts one event under `key`.
    pub fn add(&self, key: K) {
        let mut counts = self.counts.lock().unwrap_or_else(|poison| poison.into_inner());
        *counts.entry(key).or_insert(0) += 1;
    }

    /// Every count since the last call, emptying the tally.
    pub fn take(&self) -> Vec<(K, i64)> {
        let mut counts = self.counts.lock().unwrap_or_else(|poison| poison.into_inner());
        counts.drain().collect()
    }

    /// Puts counts back (their write failed: the next one carries them).
    pub fn restore(&self, taken: Vec<(K, i64)>) {
        let mut counts = self.counts.lock().unwrap_or_else(|poison| poison.into_inner());
        for (key, count) in taken {
            *counts.entry(key).or_insert(0) += count;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_taken_once_and_can_be_put_back() {
        let tally = Tally::default();
        tally.add(("a", 1));
        tally.add(("a", 1));
        tally.add(("b", 2));
        let mut taken = tally.take();
        taken.sort();
        assert_eq!(taken, vec![(("a", 1), 2), (("b", 2), 1)]);
        assert!(tally.take().is_empty());
        tally.restore(taken);
        tally.add(("a", 1));
        let mut again = tally.take();
        again.sort();
        assert_eq!(again, vec![(("a", 1), 3), (("b", 2), 1)]);
    }
}
