//! Time as a dependency: production reads the system clock, tests move a manual one.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Seconds since the Unix epoch.
pub type Epoch = i64;

pub trait Clock: Send + Sync {
    fn now(&self) -> Epoch;

    /// Time passing while the local stack waits for retries (a simulated clock moves on with
    /// it; the real one moves by itself).
    fn pass(&self, _seconds: i64) {}
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Epoch {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }
}

/// A clock tests set and advance; clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn starting_now() -> Self {
        Self(Arc::new(AtomicI64::new(SystemClock.now())))
    }

    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Epoch {
        self.0.load(Ordering::SeqCst)
    }

    fn pass(&self, seconds: i64) {
        self.advance(seconds);
    }
}

/// `2026-11-24 20:18 UTC` for pages.
pub fn format_utc(at: Epoch) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_clones_share_time() {
        let a = ManualClock::starting_now();
        let b = a.clone();
        let start = a.now();
        b.advance(600);
        assert_eq!(a.now(), start + 600);
    }

    #[test]
    fn formats_epoch_as_utc() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
    }
}
