//! A chat socket: one browser tab following one group's chat over API Gateway's WebSocket API
//! (`sockets`). Pushes are only a faster way to show what the group's messages already hold:
//! the page fills any gap from the message list, so nothing here has to be exact or durable.

use serde::{Deserialize, Serialize};

use crate::clock::Epoch;
use crate::ids::{AppId, ConnectionId, GroupId, OpenId};

/// API Gateway ends every WebSocket connection after 2 hours (and after 10 idle minutes);
/// a subscription older than that belongs to a connection that is gone.
pub const MAX_CONNECTION_SECONDS: Epoch = 2 * 3600;

/// A connection following a group, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub connection_id: ConnectionId,
    pub group_id: GroupId,
    pub app_id: AppId,
    pub open_id: OpenId,
    /// The page's language: tamlink's own lines are pushed in it.
    pub lang: crate::i18n::Lang,
    /// The session the page's ticket came from (its id and fence generation): once the person
    /// signs it out, nothing more is pushed to it.
    #[serde(default)]
    pub sid: String,
    #[serde(default)]
    pub generation: u64,
    pub connected_at: Epoch,
}

impl Subscription {
    /// Whether the connection can still be open at `now`.
    pub fn live(&self, now: Epoch) -> bool {
        now < self.connected_at + MAX_CONNECTION_SECONDS
    }
}

/// Connections one session may have following one group at once (tabs showing the same group):
/// a further one replaces the oldest, so one socket ticket cannot multiply the pushes of a
/// group (each connection is one push per message, on the stream every organisation shares).
pub const MAX_PER_SESSION: usize = 5;

/// The most followers one push reads for a group: a group's members times their sessions times
/// `MAX_PER_SESSION` would be more, but no group is followed by that many pages at once.
pub const MAX_FOLLOWERS: i32 = 1000;

/// The subscriptions `new` replaces: its session's oldest in the group, beyond the cap.
pub fn replaced<'a>(existing: &'a [Subscription], new: &Subscription) -> Vec<&'a Subscription> {
    let mut same: Vec<&Subscription> = existing
        .iter()
        .filter(|s| {
            s.app_id == new.app_id
                && s.open_id == new.open_id
                && s.sid == new.sid
                && s.connection_id != new.connection_id
        })
        .collect();
    same.sort_by_key(|s| s.connected_at);
    let over = (same.len() + 1).saturating_sub(MAX_PER_SESSION);
    same.into_iter().take(over).collect()
}

/// What a page may send on its socket: nothing but a keep-alive. Anything else closes the
/// connection (`sockets::frame`).
pub fn is_ping(frame: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(frame)
        .ok()
        .and_then(|v| {
            let o = v.as_object()?;
            (o.len() == 1 && o.get("action")?.as_str()? == "ping").then_some(())
        })
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sessions_sixth_connection_to_a_group_replaces_its_oldest() {
        let sub = |conn: &str, sid: &str, at: i64| Subscription {
            connection_id: conn.into(),
            group_id: "g_1".into(),
            app_id: "cli_a".into(),
            open_id: "ou_a".into(),
            lang: crate::i18n::Lang::En,
            sid: sid.into(),
            generation: 0,
            connected_at: at,
        };
        let mut existing: Vec<Subscription> = (0..5)
            .map(|i| sub(&format!("c{i}"), "s1", 100 - i))
            .collect();
        existing.push(sub("other", "s2", 1));
        let gone = replaced(&existing, &sub("new", "s1", 200));
        let ids: Vec<String> = gone.iter().map(|s| s.connection_id.to_string()).collect();
        assert_eq!(ids, ["c4"], "the session's oldest, not another session's");
        assert!(replaced(&existing[..4], &sub("new", "s1", 200)).is_empty());
    }

    #[test]
    fn a_connection_is_live_for_api_gateways_two_hours_only() {
        let s = Subscription {
            connection_id: "L0SM9cOFvHcCIhw=".into(),
            group_id: "g_1".into(),
            app_id: "cli_a".into(),
            open_id: "ou_a".into(),
            lang: crate::i18n::Lang::En,
            sid: "s".into(),
            generation: 0,
            connected_at: 1_000,
        };
        assert!(s.live(1_000));
        assert!(s.live(1_000 + 7_199));
        assert!(!s.live(1_000 + 7_200));
    }

    #[test]
    fn only_a_bare_ping_is_an_expected_frame() {
        assert!(is_ping(r#"{"action":"ping"}"#));
        for other in [
            r#"{"action":"post","text":"hi"}"#,
            r#"{"action":"ping","x":1}"#,
            r#"{"action":1}"#,
            "ping",
            "",
            r#"[]"#,
        ] {
            assert!(!is_ping(other), "{other}");
        }
    }
}
