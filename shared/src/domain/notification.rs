//! A notification: what one person is to be told, and the on-call channel's post. Producers
//! build them (`notify`), the queue carries them, the notifier sends them.

use serde::{Deserialize, Serialize};

use crate::clock::Epoch;
use crate::ids::{AppId, GroupId, OpenId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Someone @mentioned the recipient in a group.
    Mention,
    /// An organisation's Lark API share is running low or spent (to its TAM).
    Budget,
    /// A ticket was assigned to the recipient.
    TicketAssigned,
    /// A ticket the recipient opened or works on changed.
    TicketUpdated,
    /// The customer pressed Reminder on a ticket.
    Reminder,
    /// A ticket's first response is nearly due, or overdue.
    Sla,
    /// An emergency page: sent at once, outside the window.
    Emergency,
    /// Someone acknowledged the emergency: every copy of its pages changes to say so.
    EmergencyAcknowledged,
}

/// A post to the provider's on-call channel (a Lark group's custom bot), sent by the notifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnCallPost {
    pub id: String,
    pub title: crate::i18n::Text,
    pub text: crate::i18n::Text,
    pub link: String,
}

/// Who gets the DM: colleagues through their org's app, staff through the provider app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub app_id: AppId,
    pub open_id: OpenId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub kind: NotificationKind,
    /// Emergency pages: sent at once, outside the person's 10-minute window.
    #[serde(default)]
    pub urgent: bool,
    pub recipient: Recipient,
    /// The customer organisation the event belongs to (its app id) and its name.
    pub org_app_id: AppId,
    pub org_name: String,
    pub group_id: Option<GroupId>,
    pub group_name: Option<String>,
    /// Who caused it, by name.
    pub actor: Option<String>,
    /// What happened, rendered in the recipient's language when the card is built (a plain
    /// string in notifications queued before the catalogs).
    pub title: crate::i18n::Text,
    /// What was said (typed text, as typed) or a line about what happened (a catalog message).
    pub excerpt: crate::i18n::Text,
    /// Where the card's button leads, opened through the recipient's own app.
    pub link: String,
    pub created_at: Epoch,
    /// A card meant to change later (a ticket's status card): the first one is a CardKit entity
    /// sent as a DM; later notifications with the same key update it in place instead of sending
    /// another DM.
    #[serde(default)]
    pub card_key: Option<String>,
    /// The ticket it is about (`{org app}.{number}`), for buttons that act on it from the card.
    #[serde(default)]
    pub ticket: Option<String>,
    /// Where the ticket stood when this was sent (which buttons make sense).
    #[serde(default)]
    pub ticket_status: Option<crate::domain::tickets::Status>,
    /// Changes the card the person already has under `card_key`, and nothing else: without a
    /// live card, nothing is sent.
    #[serde(default)]
    pub only_update: bool,
    /// A resolved ticket's card asks its creator to rate it (the organisation surveys and the
    /// person was not asked in the last day: `tickets::survey_due`).
    #[serde(default)]
    pub survey: bool,
    /// The message it is about (a mention, a reply) by its number in `group_id`: once the
    /// recipient has read that far in the web app, it is not sent (`notifier`). Never on pages.
    #[serde(default)]
    pub seq: Option<u64>,
    /// Where the ticket stood when a status card notification was made: the card never goes
    /// back to an earlier state when two arrive out of order (`Revision`).
    #[serde(default)]
    pub revision: Option<Revision>,
}

/// A ticket's place in the order of its changes: the second of its last change, then how many
/// status changes it has had (two changes in one second, an opened ticket resolved at once, are
/// ordered by the second part). Compared as (at, changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Revision {
    pub at: Epoch,
    pub changes: u64,
}

impl Notification {
    /// Whether a card that shows `shown` already shows a later state of the ticket than this
    /// notification would (so updating it would turn it back).
    pub fn is_older_than(&self, shown: Option<Revision>) -> bool {
        matches!((self.revision, shown), (Some(mine), Some(shown)) if mine < shown)
    }
}
