//! Pure rules of the notifier: how long a window lasts, which Lark failures are worth a retry,
//! and the idempotency key Lark sees.

use sha2::{Digest, Sha256};

use crate::clock::Epoch;
use crate::lark::LarkError;

/// At most one DM per person in this many seconds (emergency pages excepted).
pub const WINDOW_SECONDS: Epoch = 10 * 60;

/// What to do after a failed send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Lark is limiting us: try again after this many seconds.
    RateLimited(u64),
    /// Lark or the network failed: back off and retry.
    Transient,
    /// The tenant's monthly quota is spent.
    QuotaExhausted,
    /// The recipient cannot get this app's messages (not in its availability range, left the
    /// company, blocked the bot, bot disabled...): record it, never retry.
    Undeliverable { code: Option<i64>, reason: String },
}

/// Recipient and content errors of `im/v1/messages` that no retry will fix (lark-api.md §5.1).
const PERMANENT: [i64; 16] = [
    230001, 230002, 230006, 230013, 230017, 230018, 230025, 230027, 230028, 230029, 230034, 230035,
    230038, 230053, 99992351, 99992361,
];

pub fn classify(e: &LarkError) -> Failure {
    match e {
        LarkError::Api {
            code: 99991400 | 230020,
            retry_after,
            ..
        } => Failure::RateLimited(retry_after.unwrap_or(1).max(1)),
        LarkError::Api { code: 99991403, .. } => Failure::QuotaExhausted,
        LarkError::Api { code, msg, .. }
            if PERMANENT.contains(code) || *code == 230099 || *code == 99991672 =>
        {
            Failure::Undeliverable {
                code: Some(*code),
                reason: msg.clone(),
            }
        }
        LarkError::Api { status, .. } if *status >= 500 => Failure::Transient,
        LarkError::Api {
            code, msg, status, ..
        } if *status == 400 && !is_server_side(*code) => Failure::Undeliverable {
            code: Some(*code),
            reason: msg.clone(),
        },
        LarkError::Http(status) if *status < 500 && *status != 429 => Failure::Undeliverable {
            code: None,
            reason: format!("Lark answered HTTP {status}"),
        },
        _ => Failure::Transient,
    }
}

/// Lark's generic "internal error" codes (§10): retryable even when sent with HTTP 400.
fn is_server_side(code: i64) -> bool {
    matches!(code, 2200 | 5000 | 1500 | 230049)
}

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

    fn api(code: i64, status: u16, retry_after: Option<u64>) -> LarkError {
        LarkError::Api {
            code,
            msg: "m".into(),
            status,
            retry_after,
        }
    }

    #[test]
    fn rate_limits_wait_for_the_reset_header() {
        assert_eq!(
            classify(&api(99991400, 429, Some(7))),
            Failure::RateLimited(7)
        );
        assert_eq!(classify(&api(99991400, 429, None)), Failure::RateLimited(1));
        assert_eq!(classify(&api(230020, 400, None)), Failure::RateLimited(1));
    }

    #[test]
    fn server_errors_and_network_failures_are_retried() {
        assert_eq!(classify(&api(2200, 500, None)), Failure::Transient);
        assert_eq!(classify(&api(2200, 400, None)), Failure::Transient);
        assert_eq!(classify(&LarkError::Http(503)), Failure::Transient);
        assert_eq!(
            classify(&LarkError::Transport("reset".into())),
            Failure::Transient
        );
    }

    #[test]
    fn recipient_errors_are_undeliverable_not_retried() {
        for code in [230013, 230029, 230053, 230006, 99992351] {
            assert!(
                matches!(
                    classify(&api(code, 400, None)),
                    Failure::Undeliverable { .. }
                ),
                "{code}"
            );
        }
        assert_eq!(classify(&api(99991403, 429, None)), Failure::QuotaExhausted);
    }

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
