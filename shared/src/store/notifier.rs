//! What the notifier keeps: each person's DM window, the notifications waiting for the window to
//! end, one record per notification id (dedupe), calls per app and month, and tenant tokens.
//!
//! Their keys are in `keys`.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, KeysAndAttributes, TransactWriteItem, Update,
};
use serde::{Deserialize, Serialize};

use super::dynamo::{decode, dynamo_err, s, Item, Keyed};
use super::keys;
use super::{Store, StoreError};
use crate::clock::Epoch;
use crate::domain::notification::Notification;

const NOTIF_TTL: Epoch = 14 * 24 * 3600;
const USAGE_TTL: Epoch = 400 * 24 * 3600;

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

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

/// A card entity a person received, to update in place.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CardRecord {
    pub card_id: String,
    pub sequence: i64,
    pub created_at: Epoch,
}

/// Card entities expire 14 days after creation (lark-api.md §6.3); a day's margin.
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
}

/// Who is being notified, through which app.
#[derive(Debug, Clone, Copy)]
pub struct PersonKey<'a> {
    pub app_id: &'a str,
    pub open_id: &'a str,
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

fn built<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, StoreError> {
    r.map_err(|e| StoreError::Decode(e.to_string()))
}

impl Store {
    /// The notification's record, the person's window, the app's stored token, its calls this
    /// month and its tenant (plan), in one request.
    pub async fn notifier_snapshot(
        &self,
        notif_id: Option<&str>,
        person: PersonKey<'_>,
        month: &str,
        card: Option<&str>,
    ) -> Result<Snapshot, StoreError> {
        let (usage_pk, usage_sk) = keys::usage(person.app_id, month);
        let mut keys = vec![
            key_item(keys::dm(person.app_id, person.open_id), keys::WINDOW.into()),
            key_item(keys::token(person.app_id).0, keys::TOKEN.into()),
            key_item(usage_pk, usage_sk),
            key_item(keys::app(person.app_id), keys::TENANT.into()),
        ];
        if let Some(id) = notif_id {
            let (pk, sk) = keys::notification(id);
            keys.push(key_item(pk, sk));
        }
        if let Some(key) = card {
            let (pk, sk) = card_key(key, person);
            keys.push(key_item(pk, sk));
        }
        let request = built(
            KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .consistent_read(true)
                .build(),
        )?;
        let out = self
            .db
            .batch_get_item()
            .request_items(&self.table, request)
            .send()
            .await
            .map_err(dynamo_err)?;
        if out.unprocessed_keys.as_ref().is_some_and(|u| !u.is_empty()) {
            return Err(StoreError::Dynamo("batch read throttled; retry".into()));
        }
        let mut snap = Snapshot::default();
        for item in out
            .responses
            .and_then(|mut r| r.remove(&self.table))
            .unwrap_or_default()
        {
            let pk = match item.get("pk") {
                Some(AttributeValue::S(pk)) => pk.clone(),
                _ => continue,
            };
            if pk.starts_with(keys::DM_PREFIX) {
                snap.window = decode(item)?;
            } else if pk.starts_with(keys::TOKEN_PREFIX) {
                snap.token = Some(decode(item)?);
            } else if pk.starts_with(keys::USAGE_PREFIX) {
                snap.usage = decode(item)?;
            } else if pk.starts_with(keys::APP_PREFIX) {
                snap.tenant = Some(decode(item)?);
            } else if pk.starts_with(keys::CARD_PREFIX) {
                snap.card = Some(decode(item)?);
            } else {
                snap.notif = Some(decode(item)?);
            }
        }
        Ok(snap)
    }

    /// The notification's record in a transaction. `first` writes it only if the notification
    /// is new or was released for a retry, so a notification is claimed or put aside once.
    fn notif_put(
        &self,
        id: &str,
        state: NotifState,
        now: Epoch,
        first: bool,
    ) -> Result<TransactWriteItem, StoreError> {
        let (pk, sk) = keys::notification(id);
        let record = NotifRecord { state, at: now };
        let mut put = self.put_builder(&Keyed {
            pk,
            sk,
            gsi1pk: None,
            gsi1sk: None,
            ttl: Some(now + NOTIF_TTL),
            entity: &record,
        })?;
        if first {
            put = put
                .condition_expression("attribute_not_exists(pk) OR #st = :released")
                .expression_attribute_names("#st", "state")
                .expression_attribute_values(":released", s("released"));
        }
        Self::put_write(put)
    }

    fn count_call(
        &self,
        app_id: &str,
        month: &str,
        delta: i64,
        now: Epoch,
    ) -> Result<TransactWriteItem, StoreError> {
        let up = built(
            update(&self.table, keys::usage(app_id, month))
                .update_expression("ADD calls :d SET #ttl = :ttl")
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_values(":d", n(delta))
                .expression_attribute_values(":ttl", n(now + USAGE_TTL))
                .build(),
        )?;
        Ok(TransactWriteItem::builder().update(up).build())
    }

    /// Takes the person's window (unless bypassing it), records the claim and counts the call,
    /// atomically. `ConditionFailed`: someone else holds the window, or the notification was
    /// already handled.
    pub async fn claim_window(&self, c: &Claim<'_>) -> Result<(), StoreError> {
        let mut writes = Vec::new();
        if !c.bypass {
            let mut up = update(
                &self.table,
                (
                    keys::dm(c.person.app_id, c.person.open_id),
                    keys::WINDOW.into(),
                ),
            )
            .expression_attribute_values(":now", n(c.now))
            .expression_attribute_values(":until", n(c.until))
            .expression_attribute_values(":holder", s(c.holder));
            let free = "(attribute_not_exists(#until) OR #until <= :now)";
            up = up.expression_attribute_names("#until", "until");
            up = match c.digest {
                Some(seen) => up
                    .update_expression(
                        "SET #until = :until, holder = :holder, claimed_at = :now, sending = if_not_exists(pending, :empty), sending_more = if_not_exists(pending_more, :zero), sending_last = if_not_exists(pending_last, :null) REMOVE pending, pending_more, pending_last, digest_due, gsi1pk, gsi1sk",
                    )
                    .condition_expression(format!("{free} AND pending_seq = :seen"))
                    .expression_attribute_values(":seen", n(seen))
                    .expression_attribute_values(":empty", AttributeValue::L(vec![]))
                    .expression_attribute_values(":zero", n(0))
                    .expression_attribute_values(":null", AttributeValue::Null(true)),
                None => up
                    .update_expression("SET #until = :until, holder = :holder, claimed_at = :now")
                    .condition_expression(format!("{free} AND attribute_not_exists(digest_due)")),
            };
            writes.push(
                TransactWriteItem::builder()
                    .update(built(up.build())?)
                    .build(),
            );
        }
        if let Some(id) = c.notif_id {
            writes.push(self.notif_put(id, NotifState::Claimed, c.now, true)?);
        }
        writes.push(self.count_call(c.person.app_id, c.month, 1, c.now)?);
        self.transact(writes).await
    }

    /// Gives a window back after a send that will be retried, and uncounts the call (Lark does
    /// not count failed calls). Only the holder can release it.
    /// With `digest_again`, a digest's waiting notifications become due again at once, so its
    /// retry finds them; `retry_notif` marks a notification to be taken afresh on its retry.
    pub async fn release_window(
        &self,
        person: PersonKey<'_>,
        holder: &str,
        retry_notif: Option<&str>,
        digest_again: bool,
        month: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let notif_id = retry_notif;
        let mut up = update(
            &self.table,
            (keys::dm(person.app_id, person.open_id), keys::WINDOW.into()),
        )
        .condition_expression("holder = :holder")
        .expression_attribute_names("#until", "until")
        .expression_attribute_values(":zero", n(0))
        .expression_attribute_values(":none", s(""))
        .expression_attribute_values(":holder", s(holder));
        up = if digest_again {
            // What the digest carried waits again, ahead of anything put aside since.
            up.update_expression(
                "SET #until = :zero, holder = :none, digest_due = :now, gsi1pk = :bucket, gsi1sk = :dkey, pending = list_append(if_not_exists(sending, :empty), if_not_exists(pending, :empty)), pending_more = if_not_exists(pending_more, :zero) + if_not_exists(sending_more, :zero), pending_last = if_not_exists(pending_last, :null) REMOVE sending, sending_more, sending_last",
            )
            .expression_attribute_values(":empty", AttributeValue::L(vec![]))
            .expression_attribute_values(":null", AttributeValue::Null(true))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":bucket", s(keys::digest_bucket(due_hour(now))))
            .expression_attribute_values(":dkey", s(format!("{now:012}#{}#{}", person.app_id, person.open_id)))
        } else {
            up.update_expression("SET #until = :zero, holder = :none")
        };
        let mut writes = vec![TransactWriteItem::builder()
            .update(built(up.build())?)
            .build()];
        if let Some(id) = notif_id {
            writes.push(self.notif_put(id, NotifState::Released, now, false)?);
        }
        writes.push(self.count_call(person.app_id, month, -1, now)?);
        match self.transact(writes).await {
            // The window moved on already (it expired and was taken): nothing to give back.
            Err(StoreError::ConditionFailed) => Ok(()),
            other => other,
        }
    }

    /// Puts a notification aside for the digest at the end of the person's current window (or
    /// for the digest already due). `ConditionFailed` if the window ended meanwhile (take it
    /// instead), someone else put one aside first, or the notification was already handled.
    ///
    /// `hold_until` keeps it until then whatever the window (the month's budget is spent).
    pub async fn put_aside(
        &self,
        person: PersonKey<'_>,
        notification: &Notification,
        window: &Window,
        hold_until: Option<Epoch>,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let seq = window.pending_seq + 1;
        let due = hold_until
            .unwrap_or_else(|| window.digest_due.unwrap_or(window.until).max(window.until));
        let pk = keys::dm(person.app_id, person.open_id);
        let item = serde_dynamo::to_attribute_value::<_, AttributeValue>(notification)
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        // The first lines are kept whole for the card; the rest are counted, with the latest kept
        // for the card's link.
        let keep = if window.pending.len() < DIGEST_LINES {
            "pending = list_append(if_not_exists(pending, :empty), :item)"
        } else {
            "pending_more = if_not_exists(pending_more, :zero) + :one, pending_last = :last"
        };
        let mut bump = update(&self.table, (pk, keys::WINDOW.into()))
            .update_expression(format!(
                "SET pending_seq = :seq, {keep}, digest_due = if_not_exists(digest_due, :due), gsi1pk = if_not_exists(gsi1pk, :bucket), gsi1sk = if_not_exists(gsi1sk, :dkey)"
            ))
            .condition_expression(
                "(#until > :now OR attribute_exists(digest_due) OR :hold = :yes) AND (pending_seq = :prev OR (attribute_not_exists(pending_seq) AND :prev = :zero))",
            )
            .expression_attribute_values(":hold", AttributeValue::Bool(hold_until.is_some()))
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":seq", n(seq))
            .expression_attribute_values(":prev", n(window.pending_seq))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":due", n(due))
            .expression_attribute_values(":bucket", s(keys::digest_bucket(due_hour(due))))
            .expression_attribute_values(
                ":dkey",
                s(format!("{due:012}#{}#{}", person.app_id, person.open_id)),
            );
        bump = if window.pending.len() < DIGEST_LINES {
            bump.expression_attribute_values(":empty", AttributeValue::L(vec![]))
                .expression_attribute_values(":item", AttributeValue::L(vec![item]))
        } else {
            bump.expression_attribute_values(":one", n(1))
                .expression_attribute_values(":last", item)
        };
        self.transact(vec![
            TransactWriteItem::builder()
                .update(built(bump.build())?)
                .build(),
            self.notif_put(&notification.id, NotifState::Pending, now, true)?,
        ])
        .await
    }

    /// Moves a person's waiting digest to `due` (the budget is spent until then).
    pub async fn postpone_digest(
        &self,
        person: PersonKey<'_>,
        due: Epoch,
    ) -> Result<(), StoreError> {
        let up = update(
            &self.table,
            (keys::dm(person.app_id, person.open_id), keys::WINDOW.into()),
        )
        .update_expression("SET digest_due = :due, gsi1pk = :bucket, gsi1sk = :dkey")
        .condition_expression("attribute_exists(digest_due)")
        .expression_attribute_values(":due", n(due))
        .expression_attribute_values(":bucket", s(keys::digest_bucket(due_hour(due))))
        .expression_attribute_values(
            ":dkey",
            s(format!("{due:012}#{}#{}", person.app_id, person.open_id)),
        );
        self.update_unless_done(up).await.map(|_| ())
    }

    /// Remembers that Lark refused a call for the month's quota.
    pub async fn mark_exhausted(
        &self,
        app_id: &str,
        month: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let up = update(&self.table, keys::usage(app_id, month))
            .update_expression("SET exhausted = :yes, #ttl = :ttl")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":ttl", n(now + USAGE_TTL));
        self.transact(vec![TransactWriteItem::builder()
            .update(built(up.build())?)
            .build()])
            .await
    }

    /// Clears a digest that found nothing to send (only if nothing was added since it looked).
    pub async fn clear_digest(&self, person: PersonKey<'_>, seen: i64) -> Result<(), StoreError> {
        let up = update(
            &self.table,
            (keys::dm(person.app_id, person.open_id), keys::WINDOW.into()),
        )
        .update_expression("REMOVE digest_due, gsi1pk, gsi1sk")
        .condition_expression(
            "pending_seq = :seen OR (attribute_not_exists(pending_seq) AND :seen = :zero)",
        )
        .expression_attribute_values(":seen", n(seen))
        .expression_attribute_values(":zero", n(0));
        let del = TransactWriteItem::builder()
            .update(built(up.build())?)
            .build();
        match self.transact(vec![del]).await {
            Err(StoreError::ConditionFailed) => Ok(()),
            other => other,
        }
    }

    /// People whose digest falls due in this hour, at or before `now`.
    pub async fn due_digests(
        &self,
        hour: i64,
        now: Epoch,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let items: Vec<HashMap<String, serde_json::Value>> =
            self.due_in_bucket(keys::digest_bucket(hour), now).await?;
        Ok(items
            .into_iter()
            .filter_map(|i| {
                let pk = i.get("pk")?.as_str()?;
                let (app, open) = pk.strip_prefix(keys::DM_PREFIX)?.split_once('#')?;
                Some((app.to_owned(), open.to_owned()))
            })
            .collect())
    }

    /// Marks a notification undeliverable and keeps it for the TAM's console.
    pub async fn record_undeliverable(
        &self,
        notification: &Notification,
        code: Option<i64>,
        reason: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let record = Undeliverable {
            notification: notification.clone(),
            code,
            reason: reason.to_owned(),
            at: now,
        };
        let keyed = Keyed {
            pk: keys::undeliverable(&notification.org_app_id),
            sk: format!("{now:012}#{}", notification.id),
            gsi1pk: None,
            gsi1sk: None,
            ttl: Some(now + 90 * 24 * 3600),
            entity: &record,
        };
        self.transact(vec![
            self.put_item(keyed, None)?,
            self.notif_put(&notification.id, NotifState::Undeliverable, now, false)?,
        ])
        .await
    }

    pub async fn undeliverable(&self, org_app_id: &str) -> Result<Vec<Undeliverable>, StoreError> {
        self.query_prefix(keys::undeliverable(org_app_id), "").await
    }

    pub async fn usage(&self, app_id: &str, month: &str) -> Result<Usage, StoreError> {
        let (pk, sk) = keys::usage(app_id, month);
        Ok(self.get::<Usage>(pk, sk).await?.unwrap_or_default())
    }

    /// Counts Lark calls made outside the notifier (registration and re-check introspection) in
    /// the app's month, where the budget sees them.
    pub async fn count_lark_calls(
        &self,
        app_id: &str,
        month: &str,
        calls: i64,
        now: Epoch,
    ) -> Result<(), StoreError> {
        if calls == 0 {
            return Ok(());
        }
        self.transact(vec![self.count_call(app_id, month, calls, now)?])
            .await
    }

    pub async fn calls_this_month(&self, app_id: &str, month: &str) -> Result<i64, StoreError> {
        Ok(self.usage(app_id, month).await?.calls)
    }

    /// Undoes a window-less claim after a failed call: the notification may be taken again and
    /// the call is not counted (Lark does not count failures).
    pub async fn release_claim(
        &self,
        notif_id: &str,
        app_id: &str,
        month: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        self.transact(vec![
            self.notif_put(notif_id, NotifState::Released, now, false)?,
            self.count_call(app_id, month, -1, now)?,
        ])
        .await
    }

    /// Remembers the card entity a person got for `key`, at its latest sequence. Conditioned on
    /// the sequence read, so two updates cannot both claim the same next number.
    pub async fn save_card(
        &self,
        key: &str,
        person: PersonKey<'_>,
        card: &CardRecord,
        previous: Option<i64>,
    ) -> Result<(), StoreError> {
        let (pk, sk) = card_key(key, person);
        let mut put = self.put_builder(&Keyed {
            pk,
            sk,
            gsi1pk: None,
            gsi1sk: None,
            ttl: Some(card.created_at + CARD_LIFETIME),
            entity: card,
        })?;
        put = match previous {
            Some(seq) => put
                .condition_expression("#seq = :prev")
                .expression_attribute_names("#seq", "sequence")
                .expression_attribute_values(":prev", n(seq)),
            None => put,
        };
        self.transact(vec![Self::put_write(put)?]).await
    }

    pub async fn forget_card(&self, key: &str, person: PersonKey<'_>) -> Result<(), StoreError> {
        let (pk, sk) = card_key(key, person);
        self.db
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .send()
            .await
            .map_err(dynamo_err)?;
        Ok(())
    }

    pub async fn save_token(&self, app_id: &str, token: &StoredToken) -> Result<(), StoreError> {
        let (pk, sk) = keys::token(app_id);
        let keyed = Keyed {
            pk,
            sk,
            gsi1pk: None,
            gsi1sk: None,
            ttl: Some(token.expires_at),
            entity: token,
        };
        self.put(keyed, false).await
    }

    /// Removes a stored token Lark called invalid, unless another invocation replaced it already.
    pub async fn forget_token(
        &self,
        app_id: &str,
        token: &crate::config::SecretString,
    ) -> Result<(), StoreError> {
        let (pk, sk) = keys::token(app_id);
        let del = built(
            Delete::builder()
                .table_name(&self.table)
                .key("pk", s(pk))
                .key("sk", s(sk))
                .condition_expression("#t = :t")
                .expression_attribute_names("#t", "token")
                .expression_attribute_values(":t", s(token.expose()))
                .build(),
        )?;
        match self
            .transact(vec![TransactWriteItem::builder().delete(del).build()])
            .await
        {
            Err(StoreError::ConditionFailed) => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
