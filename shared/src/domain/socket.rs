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
