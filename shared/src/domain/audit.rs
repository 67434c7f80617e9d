//! The audit trail: an append-only record, per organisation, of who did what to what and when,
//! through which app, with the fields it changed. An entry is written in the same transaction as
//! the change it records (so a change without its entry cannot exist), no route edits or deletes
//! one, and DynamoDB drops it after `AUDIT_KEPT` (400 days: a year of quarterly reviews back, plus
//! a month to export it, is what a support contract asks to see; longer keeps personal data
//! longer than that need).

use serde::{Deserialize, Serialize};

use crate::clock::Epoch;
use crate::i18n::Msg;
use crate::ids::{AppId, OpenId};
use crate::msg;

/// How long DynamoDB keeps an entry (its TTL).
pub const AUDIT_KEPT: Epoch = 400 * 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    TicketCreated,
    TicketMoved,
    TicketReassigned,
    TicketReminded,
    EmergencyDeclared,
    EmergencyAcknowledged,
    TicketRated,
    SettingsChanged,
    PlanChanged,
    SignedIn,
    Joined,
    Left,
    Removed,
    LinkMade,
    LinkRevoked,
    LinkUsed,
    Registered,
    /// The service group was bound and the organisation went live.
    Activated,
    /// The app's Events & Callbacks keys were set or replaced (which keys, never their values).
    CallbackKeysChanged,
    /// A re-check found the app in another tenant, or the tenant renamed.
    TenantChanged,
    /// A person ended every session they had through the app.
    SignedOutEverywhere,
    /// Someone's sessions were ended for them (a removal by the service team).
    SessionsEnded,
    /// A staff member went on or off duty.
    DutyChanged,
}

impl AuditKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::TicketCreated => "ticket_created",
            AuditKind::TicketMoved => "ticket_moved",
            AuditKind::TicketReassigned => "ticket_reassigned",
            AuditKind::TicketReminded => "ticket_reminded",
            AuditKind::EmergencyDeclared => "emergency_declared",
            AuditKind::EmergencyAcknowledged => "emergency_acknowledged",
            AuditKind::TicketRated => "ticket_rated",
            AuditKind::SettingsChanged => "settings_changed",
            AuditKind::PlanChanged => "plan_changed",
            AuditKind::SignedIn => "signed_in",
            AuditKind::Joined => "joined",
            AuditKind::Left => "left",
            AuditKind::Removed => "removed",
            AuditKind::LinkMade => "link_made",
            AuditKind::LinkRevoked => "link_revoked",
            AuditKind::LinkUsed => "link_used",
            AuditKind::Registered => "registered",
            AuditKind::Activated => "activated",
            AuditKind::CallbackKeysChanged => "callback_keys_changed",
            AuditKind::TenantChanged => "tenant_changed",
            AuditKind::SignedOutEverywhere => "signed_out_everywhere",
            AuditKind::SessionsEnded => "sessions_ended",
            AuditKind::DutyChanged => "duty_changed",
        }
    }

    pub const ALL: [AuditKind; 23] = [
        AuditKind::TicketCreated,
        AuditKind::TicketMoved,
        AuditKind::TicketReassigned,
        AuditKind::TicketReminded,
        AuditKind::EmergencyDeclared,
        AuditKind::EmergencyAcknowledged,
        AuditKind::TicketRated,
        AuditKind::SettingsChanged,
        AuditKind::PlanChanged,
        AuditKind::SignedIn,
        AuditKind::Joined,
        AuditKind::Left,
        AuditKind::Removed,
        AuditKind::LinkMade,
        AuditKind::LinkRevoked,
        AuditKind::LinkUsed,
        AuditKind::Registered,
        AuditKind::Activated,
        AuditKind::CallbackKeysChanged,
        AuditKind::TenantChanged,
        AuditKind::SignedOutEverywhere,
        AuditKind::SessionsEnded,
        AuditKind::DutyChanged,
    ];

    pub fn parse(s: &str) -> Option<AuditKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A field an action changed: its value before and after, as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl FieldChange {
    pub fn new(field: &str, before: Option<String>, after: Option<String>) -> Self {
        Self {
            field: field.to_owned(),
            before,
            after,
        }
    }
}

/// Who did it, through which app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditActor {
    pub app_id: AppId,
    pub open_id: OpenId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    /// The organisation it belongs to (its customer app).
    pub org: AppId,
    pub at: Epoch,
    pub actor: AuditActor,
    pub kind: AuditKind,
    /// The ticket it concerns, by number, when it concerns one.
    #[serde(default)]
    pub ticket: Option<u64>,
    #[serde(default)]
    pub changes: Vec<FieldChange>,
}

impl AuditActor {
    /// Someone acting through `app_id` (a colleague through their organisation's app, staff
    /// through the provider's).
    pub fn person(app_id: &AppId, open_id: &OpenId, name: &str) -> Self {
        Self {
            app_id: app_id.clone(),
            open_id: open_id.clone(),
            name: name.to_owned(),
        }
    }

    /// A staff member, acting through the provider app.
    pub fn staff(provider_app: &AppId, staff: &crate::domain::model::Staff) -> Self {
        Self {
            app_id: provider_app.clone(),
            open_id: staff.open_id.clone(),
            name: staff.name.clone(),
        }
    }
}

impl AuditEntry {
    pub fn new(org: &AppId, at: Epoch, actor: AuditActor, kind: AuditKind) -> Self {
        Self {
            id: ulid::Ulid::new().to_string().to_lowercase(),
            org: org.clone(),
            at,
            actor,
            kind,
            ticket: None,
            changes: Vec::new(),
        }
    }

    pub fn ticket(mut self, number: u64) -> Self {
        self.ticket = Some(number);
        self
    }

    pub fn change(mut self, field: &str, before: Option<String>, after: Option<String>) -> Self {
        self.changes.push(FieldChange::new(field, before, after));
        self
    }

    /// A change recorded as the JSON of the field before and after (settings, plans), only if it
    /// changed.
    pub fn change_json<T: Serialize>(self, field: &str, before: &T, after: &T) -> Self {
        let text = |v: &T| serde_json::to_string(v).unwrap_or_default();
        let (b, a) = (text(before), text(after));
        if b == a {
            self
        } else {
            self.change(field, Some(b), Some(a))
        }
    }

    /// What happened, for a reader: who did what, and the changed fields' before → after.
    pub fn summary(&self) -> Msg {
        let key = match self.kind {
            AuditKind::TicketCreated => "audit-ticket-created",
            AuditKind::TicketMoved => "audit-ticket-moved",
            AuditKind::TicketReassigned => "audit-ticket-reassigned",
            AuditKind::TicketReminded => "audit-ticket-reminded",
            AuditKind::EmergencyDeclared => "audit-emergency-declared",
            AuditKind::EmergencyAcknowledged => "audit-emergency-acknowledged",
            AuditKind::TicketRated => "audit-ticket-rated",
            AuditKind::SettingsChanged => "audit-settings-changed",
            AuditKind::PlanChanged => "audit-plan-changed",
            AuditKind::SignedIn => "audit-signed-in",
            AuditKind::Joined => "audit-joined",
            AuditKind::Left => "audit-left",
            AuditKind::Removed => "audit-removed",
            AuditKind::LinkMade => "audit-link-made",
            AuditKind::LinkRevoked => "audit-link-revoked",
            AuditKind::LinkUsed => "audit-link-used",
            AuditKind::Registered => "audit-registered",
            AuditKind::Activated => "audit-activated",
            AuditKind::CallbackKeysChanged => "audit-callback-keys-changed",
            AuditKind::TenantChanged => "audit-tenant-changed",
            AuditKind::SignedOutEverywhere => "audit-signed-out-everywhere",
            AuditKind::SessionsEnded => "audit-sessions-ended",
            AuditKind::DutyChanged => "audit-duty-changed",
        };
        let what = Msg::new(key).arg("who", &self.actor.name);
        if self.changes.is_empty() {
            return what;
        }
        let changes = self
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {} → {}",
                    c.field,
                    c.before.as_deref().unwrap_or("—"),
                    c.after.as_deref().unwrap_or("—")
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        msg!("audit-with-changes", what = what, changes = changes)
    }
}
