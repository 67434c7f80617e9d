//! Pure rules of the notifier: how long a window lasts, how long to back off, and the
//! idempotency key Lark sees. What each Lark failure means lives in `lark::errors`.

use sha2::{Digest, Sha256};

use crate::clock::Epoch;

/// At most one DM per person in this many seconds (emergency pages excepted).
pub const WINDOW_SECONDS: Epoch = 10 * 60;

/// Seconds before a transient failure is retried: 10 s doubling per receive, at most 15 min
/// (the longest SQS visibility timeout worth waiting). `base` 0 retries at once (tests).
pub fn backoff(base: u64, receive_count: u32) -> u64 {
    let exp = receive_count.saturating_sub(1).min(10);
    (base.saturating_mul(1 << exp)).min(900)
}

/// Lark's message `uuid` (≤ 50 characters) for a delivery: the same holder always maps to the
/// same uuid, so a repeated send within an hour is dropped by Lark.
pub fn lark_uuid(holder: &str) -> String {
    let digest = Sha256::digest(holder.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("tl-{}", &hex[..40])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(10, 1), 10);
        assert_eq!(backoff(10, 2), 20);
        assert_eq!(backoff(10, 4), 80);
        assert_eq!(backoff(10, 30), 900);
        assert_eq!(backoff(0, 5), 0);
    }

    #[test]
    fn uuids_are_stable_and_short() {
        let a = lark_uuid("mention.01j.cli_x.ou_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert_eq!(
            a,
            lark_uuid("mention.01j.cli_x.ou_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        );
        assert!(a.len() <= 50);
        assert_ne!(a, lark_uuid("another"));
    }
}
