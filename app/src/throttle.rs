//! Counts of acts per key in fixed one-minute windows, in this instance's
//! memory: for limits that must cost no query (a room's poll is cheap by
//! design, see `drops::friction`). Behind a load balancer spreading one
//! caller over N instances a limit is N times as wide; the limits kept in
//! PostgreSQL (logins, mail, room joins) are exact across instances.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The length of a window.
pub const WINDOW: Duration = Duration::from_secs(60);

#[derive(Clone, Default)]
pub struct Throttle {
    windows: Arc<Mutex<Windows>>,
}

#[derive(Default)]
struct Windows {
    /// Per key: when its window began and the acts counted in it.
    counts: HashMap<String, (Instant, u32)>,
    /// When ended windows were last forgotten.
    pruned_at: Option<Instant>,
}

impl Throttle {
    /// Counts one act under each `(key, limit)`. `Err(seconds)` when a key
    /// is over its limit in this window: the seconds until that window
    /// ends, for `Retry-After`. A refused act counts too, so a caller that
    /// keeps knocking keeps waiting until the window ends.
    pub fn take(&self, keys: &[(String, u32)]) -> Result<(), u32> {
        self.take_at(keys, Instant::now())
    }

    fn take_at(&self, keys: &[(String, u32)], now: Instant) -> Result<(), u32> {
        // A poisoned lock means a panic mid-update of counters: counting
        // afresh is safe.
        let mut windows = self.windows.lock().unwrap_or_else(|poison| poison.into_inner());
        if windows
            .pruned_at
            .is_none_or(|at| now.saturating_duration_since(at) >= WINDOW)
        {
            windows
                .counts
                .retain(|_, (began, _)| now.saturating_duration_since(*began) < WINDOW);
            windows.pruned_at = Some(now);
        }
        let mut wait = None;
        for (key, limit) in keys {
            let (began, count) = windows.counts.entry(key.clone()).or_insert((now, 0));
            if now.saturating_duration_since(*began) >= WINDOW {
                *began = now;
                *count = 0;
            }
            *count = count.saturating_add(1);
            if *count > *limit {
                let left = WINDOW.saturating_sub(now.saturating_duration_since(*began));
                let seconds = u32::try_from(left.as_secs()).unwrap_or(u32::MAX).max(1);
                wait = Some(wait.map_or(seconds, |longest: u32| longest.max(seconds)));
            }
        }
        wait.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(limit: u32) -> Vec<(String, u32)> {
        vec![("caller".to_owned(), limit), ("address".to_owned(), limit * 10)]
    }

    #[test]
    fn the_act_over_the_limit_waits_until_the_window_ends() {
        let throttle = Throttle::default();
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(throttle.take_at(&keys(3), start), Ok(()));
        }
        let later = start + Duration::from_secs(20);
        assert_eq!(throttle.take_at(&keys(3), later), Err(40));
        // Knocking again keeps it refused; a new window lets it in.
        assert_eq!(throttle.take_at(&keys(3), later), Err(40));
        assert_eq!(throttle.take_at(&keys(3), start + WINDOW), Ok(()));
    }

    #[test]
    fn any_key_over_its_limit_refuses_and_keys_count_apart() {
        let throttle = Throttle::default();
        let now = Instant::now();
        let shared = |caller: &str| vec![(caller.to_owned(), 5), ("address".to_owned(), 3)];
        assert_eq!(throttle.take_at(&shared("a"), now), Ok(()));
        assert_eq!(throttle.take_at(&shared("b"), now), Ok(()));
        assert_eq!(throttle.take_at(&shared("c"), now), Ok(()));
        // Each caller is under its own limit; their address is over.
        assert_eq!(throttle.take_at(&shared("d"), now), Err(60));
        assert_eq!(throttle.take_at(&[("e".to_owned(), 5)], now), Ok(()));
    }

    #[test]
    fn ended_windows_are_forgotten() {
        let throttle = Throttle::default();
        let now = Instant::now();
        for n in 0..100 {
            throttle.take_at(&[(format!("caller {n}"), 1)], now).ok();
        }
        throttle.take_at(&[("late".to_owned(), 1)], now + WINDOW).ok();
        let windows = throttle.windows.lock().expect("lock");
        assert_eq!(windows.counts.len(), 1);
    }
}
