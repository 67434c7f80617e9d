//! What the store keeps. Plain data; rules live in `domain`.

use serde::{Deserialize, Serialize};

use crate::clock::Epoch;
use crate::domain::checklist::CheckItem;
use crate::domain::roles::StaffRole;
use crate::ids::{AppId, GroupId, InvitationId, OpenId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TenantKind {
    /// A customer organisation's app: its users are colleagues.
    Customer,
    /// The provider's own app: its users are staff.
    Provider,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TenantStatus {
    Registered,
    Active,
}

/// A Lark app registered with tamlink, and the organisation behind it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tenant {
    pub app_id: AppId,
    /// Lark or Feishu: where every call for this organisation goes.
    #[serde(default)]
    pub brand: crate::domain::brand::Brand,
    pub kind: TenantKind,
    pub org_name: String,
    pub tenant_key: String,
    pub tenant_name: String,
    pub display_id: String,
    pub avatar: String,
    /// The App Secret, KMS-encrypted (base64). Never the plaintext.
    pub secret_sealed: String,
    pub status: TenantStatus,
    /// The TAM's open_id in the provider app.
    pub tam: Option<OpenId>,
    /// Support engineers of the customer's plan (open_ids in the provider app).
    #[serde(default)]
    pub engineers: Vec<OpenId>,
    #[serde(default)]
    pub checklist: Vec<CheckItem>,
    pub checked_at: Epoch,
    pub created_at: Epoch,
    pub created_by: String,
    pub service_group_id: Option<GroupId>,
    /// Colleagues who sign in join the service group (off: invitation only).
    pub auto_join: bool,
    /// The organisation's Lark plan and tamlink's share of its monthly API calls.
    #[serde(default)]
    pub plan: crate::domain::budget::Plan,
    /// First-response targets of the organisation's support plan.
    #[serde(default)]
    pub sla: crate::domain::tickets::SlaTargets,
    /// The last ticket number given out (numbers are per organisation: #1, #2, ...).
    #[serde(default)]
    pub ticket_seq: u64,
    /// The engineer who got the last ticket, so ties go in turn.
    #[serde(default)]
    pub last_assigned: Option<OpenId>,
    /// The app's Events & Callbacks keys, when its admin set them: people can then act from
    /// its cards (without them, cards carry links only).
    #[serde(default)]
    pub callback: Option<CallbackKeys>,
    /// The language its people see until they choose (their browser's comes first on pages):
    /// the app's `primary_language` at registration, changed by the TAM. `None`: English.
    #[serde(default)]
    pub lang: Option<crate::i18n::Lang>,
    /// Ask a ticket's creator to rate the support once it is resolved (on unless the TAM says).
    #[serde(default = "yes")]
    pub csat: bool,
    /// Resolution targets of its support plan.
    #[serde(default = "crate::domain::tickets::SlaTargets::resolution_default")]
    pub resolution: crate::domain::tickets::SlaTargets,
    /// The name its people see on their workbench, when the TAM set one (else Lark's).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Only the TAM (or a manager or admin) makes Add People links.
    #[serde(default)]
    pub invite_only: bool,
    /// What the Create Ticket form offers; empty: free text.
    #[serde(default)]
    pub products: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
}

fn yes() -> bool {
    true
}

/// What a person chose for themselves, through one app (kept across devices and sign-ins).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    #[serde(default)]
    pub lang: Option<crate::i18n::Lang>,
    /// When they were last asked to rate a ticket on a card (one survey a day at most).
    #[serde(default)]
    pub last_survey_at: Option<Epoch>,
}

/// An app's Events & Callbacks keys, KMS-encrypted like the App Secret (base64). Never plaintext.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CallbackKeys {
    /// None when the app sends callbacks unencrypted and unsigned (Lark's Encrypt Key is optional).
    pub encrypt_key_sealed: Option<String>,
    pub verification_token_sealed: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Staff {
    pub open_id: OpenId,
    pub name: String,
    pub avatar: String,
    pub role: StaffRole,
    pub on_duty: bool,
    pub created_at: Epoch,
    /// Open tickets assigned to them, over all organisations (fair assignment reads it).
    #[serde(default)]
    pub open_tickets: u32,
}

/// A person of a customer organisation who has signed in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Person {
    pub app_id: AppId,
    pub open_id: OpenId,
    pub union_id: String,
    pub name: String,
    pub avatar: String,
    pub first_seen: Epoch,
    pub last_seen: Epoch,
    /// Set once the person was joined to the service group at sign-in, so someone who leaves
    /// is not pulled back in by their next sign-in.
    #[serde(default)]
    pub auto_joined: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    Service,
    Ticket,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    /// The customer app whose organisation the group belongs to.
    pub app_id: AppId,
    pub kind: GroupKind,
    pub name: String,
    pub created_at: Epoch,
    /// The last message number given out; 0 before the first. Only the store's atomic add
    /// changes it (`Store::reserve_seq`), never a whole-item put.
    #[serde(default)]
    pub msg_seq: u64,
    /// For a ticket group, its ticket's number in the organisation.
    #[serde(default)]
    pub ticket: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// A person of the customer organisation.
    Colleague,
    /// Staff of the provider.
    Service,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JoinedVia {
    Activation,
    SignIn,
    Invitation,
    Ticket,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Member {
    pub group_id: GroupId,
    pub side: Side,
    /// The app the member signs in through (customer app for colleagues, provider app for staff).
    pub app_id: AppId,
    pub open_id: OpenId,
    pub name: String,
    pub avatar: String,
    pub role: Option<StaffRole>,
    pub added_by: String,
    pub added_at: Epoch,
    pub via: JoinedVia,
}

/// Who did something, as shown beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub app_id: AppId,
    pub open_id: OpenId,
    pub name: String,
    pub avatar: String,
    pub side: Side,
}

/// A person a message mentions: always a member of the message's group when it was posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub app_id: AppId,
    pub open_id: OpenId,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    /// Typed by a member.
    User,
    /// Written by tamlink (someone joined, a ticket changed...).
    System,
    /// A number that was given out but whose message was not stored (a repeated post, or a
    /// change that lost a race): it keeps the numbering dense, and readers skip it.
    Void,
}

/// One message of a group's chat. `seq` orders the chat: 1, 2, 3... per group, no reordering.
/// A number is taken from the group's counter first (an atomic add, so posters never collide)
/// and the message is written at it; readers wait briefly at a number not written yet
/// (`domain::chat::settled`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub group_id: GroupId,
    pub seq: u64,
    pub id: String,
    pub kind: MessageKind,
    pub author: Option<Author>,
    /// Stored exactly as typed; escaped wherever it is shown. A line from tamlink keeps its
    /// English here (for readers of old items) and its `event`, which is what is shown.
    pub text: String,
    /// A line from tamlink as an event (a catalog message and its values), rendered in each
    /// reader's language when read, so switching language re-renders history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<crate::i18n::Msg>,
    #[serde(default)]
    pub mentions: Vec<Mention>,
    /// The composer's idempotency key, so a retried post is not stored twice.
    pub client_id: Option<String>,
    pub created_at: Epoch,
}

impl Message {
    /// The message as `lang`'s reader sees it: a line from tamlink in their language (and no
    /// `event` left to show twice).
    pub fn for_reader(mut self, lang: crate::i18n::Lang) -> Self {
        if let Some(event) = self.event.take() {
            self.text = event.in_lang(lang);
        }
        self
    }

    /// A fresh message id: sortable by time, unguessable enough for a chat.
    pub fn new_id() -> String {
        ulid::Ulid::new().to_string().to_lowercase()
    }

    /// A line from tamlink itself (joins, leaves, ticket events), numbered `seq`: a number the
    /// store gave out (`Store::next_line`), or `0` when the store numbers it as it appends
    /// (`Store::append_message`).
    pub fn system_line(group_id: &GroupId, seq: u64, event: crate::i18n::Msg, now: Epoch) -> Self {
        Self {
            group_id: group_id.clone(),
            seq,
            id: Self::new_id(),
            kind: MessageKind::System,
            author: None,
            text: event.in_lang(crate::i18n::Lang::En),
            event: Some(event),
            mentions: Vec::new(),
            client_id: None,
            created_at: now,
        }
    }

    /// What stands at a number whose message was not stored.
    pub fn void(group_id: &GroupId, seq: u64, now: Epoch) -> Self {
        Self {
            group_id: group_id.clone(),
            seq,
            id: Self::new_id(),
            kind: MessageKind::Void,
            author: None,
            text: String::new(),
            event: None,
            mentions: Vec::new(),
            client_id: None,
            created_at: now,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationStatus {
    Active,
    Revoked,
    Expired,
}

/// An Add People link to one group, valid 24 hours.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub group_id: GroupId,
    /// The customer app whose colleagues may join with it.
    pub app_id: AppId,
    pub created_by: Author,
    pub created_at: Epoch,
    pub expires_at: Epoch,
    pub status: InvitationStatus,
    pub ended_by: Option<String>,
    pub ended_at: Option<Epoch>,
    /// How many people joined with it.
    #[serde(default)]
    pub accepted: u32,
    /// The group's link slot it holds (one of `MAX_ACTIVE_PER_GROUP`); links made before slots
    /// existed have none.
    #[serde(default)]
    pub slot: Option<u32>,
}

/// One move of a ticket, kept on the ticket and shown in its group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TicketChange {
    pub at: Epoch,
    pub by: String,
    pub from: crate::domain::tickets::Status,
    pub to: crate::domain::tickets::Status,
}

/// A support ticket of an organisation, with its own ticket group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ticket {
    pub app_id: AppId,
    pub number: u64,
    pub title: String,
    pub description: String,
    pub severity: crate::domain::tickets::Severity,
    pub product: Option<String>,
    pub category: Option<String>,
    pub status: crate::domain::tickets::Status,
    pub created_by: Author,
    pub created_at: Epoch,
    pub updated_at: Epoch,
    /// The staff member working it (open_id in the provider app) and their name.
    pub assignee: Option<OpenId>,
    pub assignee_name: Option<String>,
    /// Nobody was on duty, so the TAM holds it.
    #[serde(default)]
    pub assigned_to_tam: bool,
    pub group_id: GroupId,
    /// The first reply from the service team is due by then.
    pub first_response_due: Epoch,
    pub first_response_at: Option<Epoch>,
    #[serde(default)]
    pub history: Vec<TicketChange>,
    /// Reminders sent so far, and when the last one was.
    #[serde(default)]
    pub reminders: u32,
    pub last_reminder_at: Option<Epoch>,
    /// The SLA check warned that the first response is nearly due / said it is overdue.
    #[serde(default)]
    pub sla_warned: bool,
    #[serde(default)]
    pub sla_breach_notified: bool,
    pub emergency: Option<Emergency>,
    /// When it must be resolved (0: opened before resolution targets existed). Moves later by
    /// the time spent waiting on the customer.
    #[serde(default)]
    pub resolution_due: Epoch,
    /// Since when the resolution clock is paused (the ticket waits on the customer).
    #[serde(default)]
    pub paused_since: Option<Epoch>,
    #[serde(default)]
    pub resolution_warned: bool,
    #[serde(default)]
    pub resolution_breach_notified: bool,
    /// How the customer rated the support once it was resolved (the last rating counts).
    #[serde(default)]
    pub rating: Option<Rating>,
}

/// How far a person has read a group in the web app, and when they last said so (the page says
/// so when it shows new messages, and every few minutes while it is open: `at` is how the
/// notifier tells someone reading live).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReadPosition {
    pub seq: u64,
    pub at: Epoch,
}

/// Where a person has read, by group id.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReadPositions {
    #[serde(default)]
    pub groups: std::collections::HashMap<String, ReadPosition>,
}

impl ReadPositions {
    pub fn of(&self, group: &GroupId) -> Option<&ReadPosition> {
        self.groups.get(group.as_str())
    }
}

/// A customer's rating of a resolved ticket: 1 (poor) to 5 (excellent).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rating {
    pub score: u8,
    /// When this round's first rating was given: the rater may change it for 7 days after.
    #[serde(default)]
    pub first_at: Epoch,
    /// What they wrote with it, if anything.
    #[serde(default)]
    pub comment: Option<String>,
    pub by: String,
    pub at: Epoch,
}

/// An emergency declared on a ticket: who, why, how often the team was paged, who acknowledged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Emergency {
    pub reason: crate::domain::tickets::EmergencyReason,
    pub declared_by: String,
    pub declared_at: Epoch,
    pub previous_severity: crate::domain::tickets::Severity,
    pub pages: u32,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<Epoch>,
    /// Which of the organisation's emergency slots it holds while unacknowledged
    /// (`domain::tickets::MAX_OPEN_EMERGENCIES`).
    #[serde(default)]
    pub slot: u8,
    /// Who the first page reached, by name (the refusal of a third emergency names them).
    #[serde(default)]
    pub paged: Vec<String>,
}

/// An unacknowledged emergency in one of its organisation's slots, and its re-page schedule
/// (its own item, so it can sit in the `REPAGE#` index while the ticket sits in the SLA index).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageSchedule {
    pub app_id: AppId,
    pub number: u64,
    #[serde(default)]
    pub slot: u8,
    pub pages: u32,
    pub next_page_at: Epoch,
    /// The pages ran out unacknowledged and on-call was told: no more pages, but the slot stays
    /// taken until someone acknowledges or the ticket ends.
    #[serde(default)]
    pub escalated: bool,
}

/// A sign-in state that was used: written once Lark accepted its code, so the same callback link
/// cannot sign anyone in twice. Kept until the state would have expired.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsedLogin {
    pub nonce: String,
    pub app_id: AppId,
    pub expires_at: Epoch,
}
