//! What the notifier keeps: each person's DM window, the notifications waiting for the window to
//! end, one record per notification id (dedupe), calls per app and month, and tenant tokens.
//!
//! Their keys are in `keys`.

use aws_sdk_dynamodb::types::Update;
use serde::{Deserialize, Serialize};

mod cards;
mod pace;
mod records;
mod tokens;
mod usage;
mod window;

use super::dynamo::{s, Item};
use super::keys;
use crate::clock::Epoch;
use crate::domain::notification::Notification;
use crate::ids::{AppId, OpenId};

const NOTIF_TTL: Epoch = 14 * 24 * 3600;
const USAGE_TTL: Epoch = 400 * 24 * 3600;

pub fn due_hour(at: Epoch) -> i64 {
    at.div_euclid(3600)
}

/// A person's DM window as stored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Window {
    /// No other DM before this moment (0: never sent).
    #[serde(default)]
    pub until: Epoch,
    /// The notification or digest that took the current window.
    #[serde(default)]
    pub holder: String,
    /// When a digest of waiting notifications is due (set while any wait).
    pub digest_due: Option<Epoch>,
    /// How many notifications were ever put aside: the version every put-aside and digest
    /// conditions on, so none slips between a read and a write.
    #[serde(default)]
    pub pending_seq: i64,
    /// What waits for the digest: the first `DIGEST_LINES` in full (what the card lists)...
    #[serde(default)]
    pub pending: Vec<Notification>,
    /// ...and how many more (the card counts them; the latest one's link is `pending_last`).
    #[serde(default)]
    pub pending_more: i64,
    pub pending_last: Option<Notification>,
    /// What the digest holding the window carries, kept so a redelivered flush can send it again
    /// (with the same uuid) if the first send never happened.
    #[serde(default)]
    pub sending: Vec<Notification>,
    #[serde(default)]
    pub sending_more: i64,
    pub sending_last: Option<Notification>,
    /// When the current holder took the window.
    #[serde(default)]
    pub claimed_at: Epoch,
    /// For a digest: the queue message (flush) that took the window. Only that message, offered
    /// again, may send the digest again; see `notifier::digest`.
    #[serde(default)]
    pub claimed_by: Option<String>,
    /// When a line put aside after the window ended last queued a flush for the due digest.
    #[serde(default)]
    pub flush_asked: Option<Epoch>,
}

impl Window {
    /// Whether a flush was queued since the window ended. One is enough: it takes everything
    /// waiting when it runs, and while the digest still waits the sweep asks again each minute.
    /// (A flush per line put aside queued 14,000 flushes behind `./run bench burst`'s burst.)
    pub fn flush_asked_since_it_ended(&self) -> bool {
        self.flush_asked.is_some_and(|at| at >= self.until)
    }
}

/// Notifications a digest lists in full; beyond that it counts them (see `notifier::cards`).
pub const DIGEST_LINES: usize = 20;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum NotifState {
    /// Took a window (or bypassed it); its send may be repeated with the same uuid.
    Claimed,
    /// Put aside for a digest.
    Pending,
    /// Its send failed in a way worth retrying; the window it took was given back.
    Released,
    /// Lark refused the recipient for good.
    Undeliverable,
    /// Not sent: the recipient had read it in the web app first.
    Read,
    /// Not sent: the status card it would change already shows a later state of the ticket.
    Superseded,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotifRecord {
    pub state: NotifState,
    pub at: Epoch,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredToken {
    #[serde(serialize_with = "crate::config::SecretString::serialize_exposed")]
    pub token: crate::config::SecretString,
    pub expires_at: Epoch,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Undeliverable {
    pub notification: Notification,
    pub code: Option<i64>,
    pub reason: String,
    pub at: Epoch,
}

/// An app's counted calls this month.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub calls: i64,
    /// Lark answered 99991403: the tenant's monthly quota is spent.
    #[serde(default)]
    pub exhausted: bool,
}

/// What [`Store::month_use`] reads.
#[derive(Debug, Default)]
pub struct MonthUse {
    pub usage: Usage,
    pub page_calls: i64,
    /// `None` when the provider's tenant is not registered yet.
    pub provider_plan: Option<crate::domain::budget::Plan>,
}

/// A card entity a person received, to update in place.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CardRecord {
    pub card_id: String,
    pub sequence: i64,
    pub created_at: Epoch,
    /// The state of the ticket the card shows now (none on cards saved before revisions).
    #[serde(default)]
    pub shows: Option<crate::domain::notification::Revision>,
}

/// Card entities expire 14 days after creation (docs/lark.md §6.3); a day's margin.
pub const CARD_LIFETIME: Epoch = 13 * 24 * 3600;

fn card_key(key: &str, person: PersonKey<'_>) -> (String, String) {
    keys::card(key, person.app_id, person.open_id)
}

impl Snapshot {
    /// Whether a stored card entity can still be updated at `now`.
    pub fn now_ok(&self, card: &CardRecord, now: Epoch) -> bool {
        now - card.created_at < CARD_LIFETIME
    }
}

/// What the notifier reads before deciding, in one request.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub notif: Option<NotifRecord>,
    pub window: Window,
    pub token: Option<StoredToken>,
    pub usage: Usage,
    /// The recipient's app (its plan, its TAM).
    pub tenant: Option<super::Tenant>,
    /// The card entity to update, when the notification has a card key.
    pub card: Option<CardRecord>,
    /// What the recipient chose (their language).
    pub prefs: super::Prefs,
    /// How far the recipient has read each group in the web app.
    pub reads: super::ReadPositions,
}

/// Who is being notified, through which app.
#[derive(Debug, Clone, Copy)]
pub struct PersonKey<'a> {
    pub app_id: &'a AppId,
    pub open_id: &'a OpenId,
}

/// Taking a window: for one notification, or for a digest of waiting ones.
pub struct Claim<'a> {
    pub person: PersonKey<'a>,
    pub holder: &'a str,
    pub until: Epoch,
    pub now: Epoch,
    /// The notification whose record becomes `Claimed` (none for a digest).
    pub notif_id: Option<&'a str>,
    /// For a digest: the `pending_seq` it saw (nothing may have been added since).
    pub digest: Option<i64>,
    /// The month whose call count grows by one (counted when the call is made).
    pub month: &'a str,
    /// Bypasses the window (emergency pages): records the claim and counts the call only.
    pub bypass: bool,
    /// For a digest: the queue message taking the window (its id), if it has one.
    pub by: Option<&'a str>,
    /// The Lark calls the send makes (counted now, given back if it fails).
    pub calls: i64,
    /// An emergency page for this organisation: its calls count against its page budget too.
    pub page_for: Option<&'a AppId>,
}

/// Giving a window back after a failed send that will be retried.
#[derive(Clone, Copy)]
pub struct Release<'a> {
    pub person: PersonKey<'a>,
    /// Only the holder can give it back.
    pub holder: &'a str,
    /// A notification to be taken afresh on its retry.
    pub retry_notif: Option<&'a str>,
    /// A digest's notifications become due again at once, ahead of any put aside since, so its
    /// retry finds them.
    pub digest_again: bool,
    /// The calls to uncount: those the claim counted that never reached Lark (Lark does not count
    /// failed calls; a card entity created before its send failed was counted).
    pub calls: i64,
    pub month: &'a str,
    pub now: Epoch,
}

fn key_item(pk: String, sk: String) -> Item {
    Item::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

fn update(
    table: &str,
    (pk, sk): (String, String),
) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
    Update::builder()
        .table_name(table)
        .key("pk", s(pk))
        .key("sk", s(sk))
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;

    use super::StoredToken;

    #[test]
    fn a_stored_token_is_written_for_dynamodb_but_never_printed() {
        let t = StoredToken {
            token: crate::config::SecretString::new("t-stored"),
            expires_at: 7,
        };
        assert!(!format!("{t:?}").contains("t-stored"));
        let item: std::collections::HashMap<String, AttributeValue> =
            serde_dynamo::to_item(&t).unwrap();
        assert_eq!(item["token"], AttributeValue::S("t-stored".into()));
        let back: StoredToken = serde_dynamo::from_item(item).unwrap();
        assert_eq!(back.token.expose(), "t-stored");
    }
}
