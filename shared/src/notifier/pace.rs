//! Keeps this instance under Lark's message rates (lark-api.md §5.1: 50/s per app, 5/s to one
//! person), so a burst slows down instead of collecting 429s. The notifier runs at most two
//! instances (`ReservedConcurrentExecutions` in `template.yaml`), so each takes half of the
//! per-app rate.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const PER_APP_PER_SECOND: u32 = 25;
pub const PER_PERSON_PER_SECOND: u32 = 5;

fn slots() -> &'static Mutex<HashMap<String, Instant>> {
    static SLOTS: OnceLock<Mutex<HashMap<String, Instant>>> = OnceLock::new();
    SLOTS.get_or_init(Mutex::default)
}

/// Books the next free slot for `key` at `rate` per second; returns when it starts.
fn book(map: &mut HashMap<String, Instant>, key: String, now: Instant, rate: u32) -> Instant {
    let slot = map.get(&key).copied().unwrap_or(now).max(now);
    map.insert(key, slot + Duration::from_secs(1) / rate);
    slot
}

/// Waits until this instance may send one more message through `app_id` to `open_id`.
pub async fn wait_turn(app_id: &str, open_id: &str) {
    let now = Instant::now();
    let start = {
        let mut map = slots().lock().expect("pacing slots");
        if map.len() > 10_000 {
            map.retain(|_, next| *next > now);
        }
        let app = book(&mut map, format!("app:{app_id}"), now, PER_APP_PER_SECOND);
        let person = book(
            &mut map,
            format!("person:{app_id}:{open_id}"),
            now,
            PER_PERSON_PER_SECOND,
        );
        app.max(person)
    };
    if start > now {
        tokio::time::sleep(start - now).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_by_the_rate() {
        let mut map = HashMap::new();
        let t0 = Instant::now();
        let a = book(&mut map, "app:x".into(), t0, 25);
        let b = book(&mut map, "app:x".into(), t0, 25);
        let c = book(&mut map, "app:x".into(), t0, 25);
        assert_eq!(a, t0);
        assert_eq!(b - a, Duration::from_millis(40));
        assert_eq!(c - b, Duration::from_millis(40));
        // A quiet key starts now, not in the past.
        let later = t0 + Duration::from_secs(5);
        assert_eq!(book(&mut map, "app:x".into(), later, 25), later);
    }
}
