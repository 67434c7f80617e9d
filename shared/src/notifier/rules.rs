//! Pure rules of the notifier: how long a window lasts, how long to back off, and the
//! idempotency key Lark sees. What each Lark failure means lives in `lark::errors`.

use sha2::{Digest, Sha256};

use crate::clock::Epoch;
use crate::domain::model::ReadPosition;
use crate::domain::notification::Notification;

/// At most one DM per person in this many seconds (emergency pages excepted).
pub const WINDOW_SECONDS: Epoch = 10 * 60;

/// Someone whose page reported reading a group this recently is reading it live: the page
/// reports at least every 4 minutes while open (`group_panel.html`).
pub const LIVE_SECONDS: Epoch = 5 * 60;

/// How long a mention or reply to someone reading live waits for them to read it before it goes
/// out as a DM or digest: the page polls every 3 s and reports what it showed within 15 s.
pub const READ_GRACE_SECONDS: Epoch = 60;

/// Whether the recipient has read, in the web app, the message a notification is about (only
/// mentions and replies carry one; pages never count as read).
pub fn already_read(n: &Notification, read: Option<&ReadPosition>) -> bool {
    match (n.urgent, n.seq, read) {
        (false, Some(seq), Some(r)) => r.seq >= seq,
        _ => false,
    }
}

/// Whether the recipient is reading the notification's group live at `now`.
pub fn reading_live(n: &Notification, read: Option<&ReadPosition>, now: Epoch) -> bool {
    !n.urgent && n.seq.is_some() && read.is_some_and(|r| now - r.at <= LIVE_SECONDS)
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

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(10, 1), 10);
        assert_eq!(backoff(10, 2), 20);
        assert_eq!(backoff(10, 4), 80);
        assert_eq!(backoff(10, 30), 900);
        assert_eq!(backoff(0, 5), 0);
    }

    #[test]
    fn a_message_read_in_the_web_app_is_not_sent_but_a_page_always_is() {
        let n: Notification = serde_json::from_value(serde_json::json!({
            "id": "m", "kind": "mention", "recipient": {"app_id": "cli_a", "open_id": "ou_b", "name": "B"},
            "org_app_id": "cli_a", "org_name": "A", "group_id": "g_1", "group_name": "G",
            "actor": null, "title": "t", "excerpt": "e", "link": "l", "created_at": 0, "seq": 7
        }))
        .unwrap();
        let at = |seq, at| Some(ReadPosition { seq, at });
        assert!(already_read(&n, at(7, 0).as_ref()));
        assert!(!already_read(&n, at(6, 0).as_ref()));
        assert!(!already_read(&n, None));
        assert!(reading_live(&n, at(6, 1000).as_ref(), 1000 + LIVE_SECONDS));
        assert!(!reading_live(&n, at(6, 1000).as_ref(), 1001 + LIVE_SECONDS));
        let page = Notification {
            urgent: true,
            ..n.clone()
        };
        assert!(!already_read(&page, at(9, 0).as_ref()));
        assert!(!reading_live(&page, at(6, 1000).as_ref(), 1000));
        let assigned = Notification { seq: None, ..n };
        assert!(!already_read(&assigned, at(9, 0).as_ref()));
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
