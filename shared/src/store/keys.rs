//! The key schema, whole and in one place. One table (see `template.yaml`): `pk`/`sk`, two GSIs
//! (`gsi1pk`/`gsi1sk`; the sparse `gsi2pk`/`gsi2sk` holds only open tickets), and a `ttl` attribute DynamoDB uses for clean-up only — code never trusts
//! an item to be gone, it checks expiry itself. Every key the store writes or reads is built by a
//! function here; no other file spells a prefix.
//!
//! | item | pk | sk | gsi1 |
//! |---|---|---|---|
//! | tenant (a Lark app) | `APP#{app}` | `TENANT` | `TENANTS` / `{kind}#{app}` |
//! | staff member | `APP#{provider app}` | `STAFF#{open_id}` | |
//! | colleague (person of a customer org) | `APP#{app}` | `PERSON#{open_id}` | |
//! | ticket | `APP#{app}` | `TICKET#{number:08}` | `SLADUE#{hour}` / `{due:012}#…` until its first response; gsi2: `OPENTICKETS#{app}` / `{number:08}` while open |
//! | group | `GROUP#{id}` | `META` | `GROUPS#{app}` / `{kind}#{id}` |
//! | group member | `GROUP#{id}` | `MEMBER#{app}#{open_id}` | `MEMBER#{app}#{open_id}` / `GROUP#{id}` |
//! | chat message | `GROUP#{id}` | `MSG#{seq:012}` | |
//! | composer idempotency key | `GROUP#{id}` | `CLIENTMSG#{app}#{open_id}#{client id}` (the author's) | |
//! | invitation link | `GROUP#{id}` | `INVITE#{id}` | `INVEXP#{expiry hour}` / `{expires_at:012}#…` while active |
//! | a group's active-link slot | `GROUP#{id}` | `INVSLOT#{nn}` (holder, until, released) | |
//! | an unacknowledged emergency in one of its organisation's slots, and its page schedule | `EMERGENCY#{app}` | `SLOT#{slot}` | `REPAGE#{hour}` / `{next page:012}#…` while pages are left |
//! | an organisation's last on-call post (posts collapse per organisation) | `ONCALL#{app}` | `ONCALL` | |
//! | a colleague's request to join a ticket's group (one a day) | `ASKJOIN#{app}#{number:08}` | `{open_id}` | |
//! | scheduled job's progress | `JOB#{name}` | `STATE` | |
//! | a used sign-in state (written after Lark accepted its code) | `LOGIN#{nonce}` | `LOGIN` | |
//! | a person's session fence (sign-outs) | `SESSIONS#{app}#{open_id}` | `FENCE` | |
//! | a person's own choices (language) | `PREFS#{app}#{open_id}` | `PREFS` | |
//! | an audit entry (kept 400 days) | `AUDIT#{org app}` | `{at:012}#{id}` | `AUDITTICKET#{org app}#{number:08}` / `{at:012}#{id}` when it concerns a ticket |
//! | a card callback seen (Lark's event id, kept past the replay window) | `CALLBACK#{app}#{event id}` | `EVENT` | |
//! | a person's DM window (and waiting digest) | `DM#{app}#{open_id}` | `WINDOW` | `DIGESTDUE#{hour}` / `{due:012}#{app}#{open_id}` while a digest waits |
//! | a notification seen | `NOTIF#{id}` | `NOTIF` | |
//! | calls to Lark this month | `USAGE#{app}` | `MONTH#{yyyy-mm}` | |
//! | calls the provider app made this month paging for an organisation (its page budget) | `USAGE#{org app}` | `PAGES#{yyyy-mm}` | |
//! | tenant token | `TOKEN#{app}` | `TOKEN` | |
//! | undeliverable notification | `UNDELIVERABLE#{org app}` | `{at:012}#{id}` | |
//! | a CardKit card entity (updated in place) | `CARD#{key}#{app}#{open_id}` | `CARD` | |
//! | a chat socket following a group (until API Gateway's 2 hours are up) | `SOCKETS#{group}` | `{connection id}` | `SOCKET#{connection id}` / `SOCKET` |
//! | Lark calls an app made in a minute, per second and per person (the notifier's pacing) | `PACE#{app}` | `{minute:010}` | |
//! | requests to an open route in a minute, past the instances' free shares (`domain::limits`) | `LIMIT#{limit}#{key}` | `{minute:010}` | |
//!
//! Time-bucketed indexes (`SLADUE`, `INVEXP`, `REPAGE`, `DIGESTDUE`) are read one hour bucket at
//! a time, never scanned; their sort keys start with a zero-padded due time, so "due by now" is
//! one range condition.

use crate::clock::Epoch;
use crate::ids::{AppId, ConnectionId, GroupId, InvitationId, OpenId};

pub const TENANT: &str = "TENANT";
pub const TENANTS: &str = "TENANTS";
pub const META: &str = "META";
pub const STATE: &str = "STATE";
pub const LOGIN: &str = "LOGIN";
pub const WINDOW: &str = "WINDOW";
pub const NOTIF: &str = "NOTIF";
pub const TOKEN: &str = "TOKEN";
pub const CARD: &str = "CARD";
pub const ONCALL: &str = "ONCALL";
pub const FENCE: &str = "FENCE";
pub const PREFS: &str = "PREFS";
pub const READ: &str = "READ";

/// Sort-key and partition prefixes, for `begins_with` queries and for telling items apart.
pub const STAFF_PREFIX: &str = "STAFF#";
pub const PERSON_PREFIX: &str = "PERSON#";
pub const TICKET_PREFIX: &str = "TICKET#";
pub const MEMBER_PREFIX: &str = "MEMBER#";
pub const INVITE_PREFIX: &str = "INVITE#";
pub const DM_PREFIX: &str = "DM#";
pub const TOKEN_PREFIX: &str = "TOKEN#";
pub const USAGE_PREFIX: &str = "USAGE#";
pub const APP_PREFIX: &str = "APP#";
pub const CARD_PREFIX: &str = "CARD#";
pub const GROUP_PREFIX: &str = "GROUP#";
pub const PREFS_PREFIX: &str = "PREFS#";
pub const READ_PREFIX: &str = "READ#";

/// The hour bucket of a time-bucketed index.
pub fn hour_of(at: Epoch) -> i64 {
    at.div_euclid(3600)
}

pub fn app(app_id: &AppId) -> String {
    format!("{APP_PREFIX}{app_id}")
}

pub fn tenant(app_id: &AppId) -> (String, String) {
    (app(app_id), TENANT.into())
}

pub fn audit(org: &AppId, at: Epoch, id: &str) -> (String, String) {
    (format!("AUDIT#{org}"), format!("{at:012}#{id}"))
}

pub fn audit_ticket(org: &AppId, number: u64) -> String {
    format!("AUDITTICKET#{org}#{number:08}")
}

/// An organisation's month of report counters (`domain::report`); its engineers' items share
/// the partition, so the month is one query.
pub fn report(org: &AppId, month: &str) -> (String, String) {
    (format!("REPORT#{org}"), format!("{month}#ORG"))
}

pub fn report_staff(org: &AppId, month: &str, open_id: &OpenId) -> (String, String) {
    (format!("REPORT#{org}"), format!("{month}#STAFF#{open_id}"))
}

/// An engineer's months across organisations (gsi1), `{month}#{org}` in it.
pub fn report_of_staff(open_id: &OpenId) -> String {
    format!("REPORTSTAFF#{open_id}")
}

/// How far a person has read each group in the web app: one item per person, so the notifier
/// reads it with everything else it reads about them.
pub fn reads(app_id: &AppId, open_id: &OpenId) -> (String, String) {
    (format!("{READ_PREFIX}{app_id}#{open_id}"), READ.into())
}

/// The connections following a group: one partition, so a push reads them in one query.
pub fn sockets(group: &GroupId) -> String {
    format!("SOCKETS#{group}")
}

/// A connection's own subscription (gsi1): `$disconnect` knows only the connection.
pub fn socket(connection: &ConnectionId) -> (String, String) {
    (format!("SOCKET#{connection}"), "SOCKET".into())
}

/// An app's counter of Lark calls for the minute holding `at`.
pub fn pace(app_id: &AppId, at: Epoch) -> (String, String) {
    (
        format!("PACE#{app_id}"),
        format!("{:010}", at.div_euclid(60)),
    )
}

/// A fair-share counter (`domain::limits`) for `key` in the minute starting at `minute`.
pub fn limit(limit: &str, key: &str, minute: Epoch) -> (String, String) {
    (
        format!("LIMIT#{limit}#{key}"),
        format!("{:010}", minute.div_euclid(60)),
    )
}

pub fn prefs(app_id: &AppId, open_id: &OpenId) -> (String, String) {
    (format!("{PREFS_PREFIX}{app_id}#{open_id}"), PREFS.into())
}

pub fn staff(open_id: &OpenId) -> String {
    format!("{STAFF_PREFIX}{open_id}")
}

pub fn person(open_id: &OpenId) -> String {
    format!("{PERSON_PREFIX}{open_id}")
}

pub fn ticket(number: u64) -> String {
    format!("{TICKET_PREFIX}{number:08}")
}

/// The open tickets of an organisation (gsi2: a ticket leaves it when it is resolved or closed).
pub fn open_tickets(app_id: &AppId) -> String {
    format!("OPENTICKETS#{app_id}")
}

pub fn sla_bucket(hour: i64) -> String {
    format!("SLADUE#{hour}")
}

/// A ticket's place in its SLA bucket: due time first, so "due by now" is one range condition.
pub fn sla_slot(due: Epoch, app_id: &AppId, number: u64) -> String {
    format!("{due:012}#{app_id}#{number:08}")
}

pub fn group(id: &GroupId) -> String {
    format!("{GROUP_PREFIX}{id}")
}

pub fn groups_of(app_id: &AppId) -> String {
    format!("GROUPS#{app_id}")
}

pub fn member(app_id: &AppId, open_id: &OpenId) -> String {
    format!("{MEMBER_PREFIX}{app_id}#{open_id}")
}

pub fn message(seq: u64) -> String {
    format!("MSG#{seq:012}")
}

/// A composer's idempotency key is its author's: another member reusing it posts their own
/// message instead of getting the first author's back.
pub fn client_message(app_id: &AppId, open_id: &OpenId, client_id: &str) -> String {
    format!("CLIENTMSG#{app_id}#{open_id}#{client_id}")
}

pub fn invitation(id: &InvitationId) -> String {
    format!("{INVITE_PREFIX}{id}")
}

/// One of a group's active-link slots: a link takes a free one in the same transaction that
/// creates it, so the cap holds however many people press Add People at once.
pub fn invitation_slot(n: u32) -> String {
    format!("INVSLOT#{n:02}")
}

pub fn invitation_bucket(hour: i64) -> String {
    format!("INVEXP#{hour}")
}

/// A colleague's request to join ticket `number`'s group.
pub fn ask_to_join(app_id: &AppId, number: u64, open_id: &OpenId) -> (String, String) {
    (format!("ASKJOIN#{app_id}#{number:08}"), open_id.to_string())
}

/// The organisation's emergency slots: one item per unacknowledged emergency.
pub fn emergencies(app_id: &AppId) -> String {
    format!("EMERGENCY#{app_id}")
}

pub const SLOT_PREFIX: &str = "SLOT#";

pub fn emergency_slot(slot: u8) -> String {
    format!("{SLOT_PREFIX}{slot}")
}

pub fn oncall(app_id: &AppId) -> (String, String) {
    (format!("ONCALL#{app_id}"), ONCALL.into())
}

pub fn repage_bucket(hour: i64) -> String {
    format!("REPAGE#{hour}")
}

pub fn job(name: &str) -> String {
    format!("JOB#{name}")
}

pub fn login(nonce: &str) -> String {
    format!("LOGIN#{nonce}")
}

pub fn session_fence(app_id: &AppId, open_id: &OpenId) -> (String, String) {
    (format!("SESSIONS#{app_id}#{open_id}"), FENCE.into())
}

pub fn callback_event(app_id: &AppId, event_id: &str) -> (String, String) {
    (format!("CALLBACK#{app_id}#{event_id}"), "EVENT".into())
}

pub fn dm(app_id: &AppId, open_id: &OpenId) -> String {
    format!("{DM_PREFIX}{app_id}#{open_id}")
}

/// The person a DM window's key names (the inverse of `dm`).
pub fn dm_person(pk: &str) -> Option<(AppId, OpenId)> {
    let (app, open) = pk.strip_prefix(DM_PREFIX)?.split_once('#')?;
    Some((AppId::parse(app).ok()?, OpenId::parse(open).ok()?))
}

pub fn digest_bucket(hour: i64) -> String {
    format!("DIGESTDUE#{hour}")
}

pub fn notification(id: &str) -> (String, String) {
    (format!("NOTIF#{id}"), NOTIF.into())
}

pub fn usage(app_id: &AppId, month: &str) -> (String, String) {
    (format!("{USAGE_PREFIX}{app_id}"), format!("MONTH#{month}"))
}

/// The calls the provider app made this month to page for organisation `org`.
pub fn page_usage(org: &AppId, month: &str) -> (String, String) {
    (format!("{USAGE_PREFIX}{org}"), format!("PAGES#{month}"))
}

pub fn token(app_id: &AppId) -> (String, String) {
    (format!("{TOKEN_PREFIX}{app_id}"), TOKEN.into())
}

pub fn undeliverable(org_app_id: &AppId) -> String {
    format!("UNDELIVERABLE#{org_app_id}")
}

pub fn card(key: &str, app_id: &AppId, open_id: &OpenId) -> (String, String) {
    (
        format!("{CARD_PREFIX}{key}#{app_id}#{open_id}"),
        CARD.into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_as_the_queries_expect() {
        // Zero-padded numbers keep chat and tickets in order as strings.
        assert!(message(9) < message(10));
        assert!(ticket(99) < ticket(100));
        assert_eq!(
            member(
                &AppId::parse("cli_a").unwrap(),
                &OpenId::parse("ou_1").unwrap()
            ),
            "MEMBER#cli_a#ou_1"
        );
        assert_eq!(
            tenant(&AppId::parse("cli_a").unwrap()),
            ("APP#cli_a".to_string(), "TENANT".to_string())
        );
        let (app, open) = (
            AppId::parse("cli_a").unwrap(),
            OpenId::parse("ou_1").unwrap(),
        );
        assert_eq!(dm_person(&dm(&app, &open)), Some((app, open)));
        assert_eq!(dm_person("DM#nonsense"), None);
        assert_eq!(hour_of(7199), 1);
        assert_eq!(hour_of(-1), -1);
    }
}
