//! A small map whose entries are forgotten after a while, shared by the
//! clones of the server state: for values that are the same for every
//! visitor and harmless when a little old (see `products::facet_cache`).

use std::any::Any;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A value of any concern's type, which that concern reads back.
pub type Shared = Arc<dyn Any + Send + Sync>;

#[derive(Clone)]
pub struct TtlCache<K> {
    ttl: Duration,
    entries: Arc<Mutex<HashMap<K, (Instant, Shared)>>>,
}

impl<K: Hash + Eq> TtlCache<K> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Arc::default(),
        }
    }

    /// The value under `key`, if younger than the time to live.
    pub fn get(&self, key: &K) -> Option<Shared> {
        let entries = self.entries.lock().ok()?;
        let (at, value) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| Arc::clone(value))
    }

    pub fn put(&self, key: K, value: Shared) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            entries.insert(key, (Instant::now(), value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_kept_for_its_time_to_live_only() {
        let cache = TtlCache::new(Duration::from_millis(50));
        cache.put(1, Arc::new("one") as Shared);
        let read = cache.get(&1).and_then(|v| v.downcast_ref::<&str>().copied());
        assert_eq!(read, Some("one"));
        assert!(cache.get(&2).is_none());
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get(&1).is_none(), "forgotten");
    }
}
